//! Strict entity-level scoring (exact boundaries and type), micro-averaged, with per-label
//! figures and support. Spans from IOB2 tags follow seqeval's default: a stray `I-X` starts an
//! entity.

use std::collections::{BTreeMap, HashSet};

use serde::Serialize;

/// An entity span over some unit (words, code points): `[start, end)` and its label.
pub type LabeledSpan = (usize, usize, String);

/// Entity spans of an IOB2 tag sequence.
pub fn spans_from_tags<S: AsRef<str>>(tags: &[S]) -> Vec<LabeledSpan> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, &str)> = None;
    for (i, tag) in tags.iter().map(AsRef::as_ref).chain(std::iter::once("O")).enumerate() {
        let (prefix, typ) = tag.split_once('-').unwrap_or((tag, ""));
        let continues = prefix == "I" && open.is_some_and(|(_, t)| t == typ);
        if !continues {
            if let Some((s, t)) = open.take() {
                spans.push((s, i, t.to_string()));
            }
            if prefix == "B" || prefix == "I" {
                open = Some((i, typ));
            }
        }
    }
    spans
}

/// Precision, recall, F1 and support (gold count) for one label or overall.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Prf {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub support: usize,
    pub predicted: usize,
    pub correct: usize,
}

impl Prf {
    pub fn from_counts(correct: usize, predicted: usize, support: usize) -> Self {
        let precision = if predicted > 0 {
            correct as f64 / predicted as f64
        } else {
            0.0
        };
        let recall = if support > 0 {
            correct as f64 / support as f64
        } else {
            0.0
        };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        Prf {
            precision,
            recall,
            f1,
            support,
            predicted,
            correct,
        }
    }
}

/// Strict scores over many documents, each a (gold, predicted) pair of span lists.
#[derive(Debug, Clone, Default, Serialize)]
pub struct StrictScores {
    pub overall: Prf,
    pub per_label: BTreeMap<String, Prf>,
}

pub fn strict<'a>(docs: impl IntoIterator<Item = (&'a [LabeledSpan], &'a [LabeledSpan])>) -> StrictScores {
    let mut counts: BTreeMap<String, (usize, usize, usize)> = BTreeMap::new();
    for (gold, pred) in docs {
        let g: HashSet<&LabeledSpan> = gold.iter().collect();
        let p: HashSet<&LabeledSpan> = pred.iter().collect();
        for s in &g {
            counts.entry(s.2.clone()).or_default().2 += 1;
        }
        for s in &p {
            let c = counts.entry(s.2.clone()).or_default();
            c.1 += 1;
            if g.contains(s) {
                c.0 += 1;
            }
        }
    }
    let total = counts
        .values()
        .fold((0, 0, 0), |a, c| (a.0 + c.0, a.1 + c.1, a.2 + c.2));
    StrictScores {
        overall: Prf::from_counts(total.0, total.1, total.2),
        per_label: counts
            .into_iter()
            .map(|(k, c)| (k, Prf::from_counts(c.0, c.1, c.2)))
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_to_spans_like_seqeval() {
        let tags = ["B-PER", "I-PER", "O", "I-LOC", "I-LOC", "B-LOC", "I-ORG", "B-MISC"];
        let got = spans_from_tags(&tags);
        let want = [
            (0, 2, "PER"),
            (3, 5, "LOC"),
            (5, 6, "LOC"),
            (6, 7, "ORG"),
            (7, 8, "MISC"),
        ];
        assert_eq!(got, want.map(|(s, e, t)| (s, e, t.to_string())));
    }

    #[test]
    fn strict_counts_by_hand() {
        // gold: PER[0,2) LOC[3,4); pred: PER[0,2) (hit), LOC[3,5) (boundary miss), ORG[6,7) (spurious)
        let gold = spans_from_tags(&["B-PER", "I-PER", "O", "B-LOC", "O", "O", "O"]);
        let pred = spans_from_tags(&["B-PER", "I-PER", "O", "B-LOC", "I-LOC", "O", "B-ORG"]);
        let s = strict([(gold.as_slice(), pred.as_slice())]);
        assert_eq!((s.overall.correct, s.overall.predicted, s.overall.support), (1, 3, 2));
        assert!((s.overall.precision - 1.0 / 3.0).abs() < 1e-12);
        assert!((s.overall.f1 - 0.4).abs() < 1e-12);
        assert_eq!(s.per_label["LOC"].f1, 0.0);
        assert_eq!(s.per_label["PER"].f1, 1.0);
        assert_eq!(s.per_label["ORG"].support, 0);
    }
}
