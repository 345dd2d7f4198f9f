//! Entity spans from IOB2 tags (seqeval's default: a stray `I-X` starts an entity) and the
//! precision/recall/F1 figure shared by every scorer.

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
        let (precision, recall, f1) = Prf::ratios(correct as f64, predicted as f64, support as f64);
        Prf {
            precision,
            recall,
            f1,
            support,
            predicted,
            correct,
        }
    }

    /// (precision, recall, F1) of `hits` over `predicted` and `support`; 0 where undefined.
    pub fn ratios(hits: f64, predicted: f64, support: f64) -> (f64, f64, f64) {
        let precision = if predicted > 0.0 { hits / predicted } else { 0.0 };
        let recall = if support > 0.0 { hits / support } else { 0.0 };
        let f1 = if precision + recall > 0.0 {
            2.0 * precision * recall / (precision + recall)
        } else {
            0.0
        };
        (precision, recall, f1)
    }
}

/// Counts behind a [`Prf`]: matched items, predicted items, gold items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub correct: usize,
    pub predicted: usize,
    pub support: usize,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.correct += o.correct;
        self.predicted += o.predicted;
        self.support += o.support;
    }
}

impl Tally {
    pub fn new(correct: usize, predicted: usize, support: usize) -> Self {
        Tally {
            correct,
            predicted,
            support,
        }
    }

    pub fn prf(&self) -> Prf {
        Prf::from_counts(self.correct, self.predicted, self.support)
    }
}

/// A share of items that are right: `accuracy` = `correct` / `total` (0 when there are none).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Accuracy {
    pub accuracy: f64,
    pub correct: usize,
    pub total: usize,
}

impl Accuracy {
    pub fn new(correct: usize, total: usize) -> Self {
        let accuracy = if total > 0 { correct as f64 / total as f64 } else { 0.0 };
        Accuracy {
            accuracy,
            correct,
            total,
        }
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
}
