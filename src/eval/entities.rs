//! Entity scoring under the four schemes of SemEval-2013 task 9.1, with the matching rules of
//! Python `nervaluate` 1.x (`StrictEvaluation`, `ExactEvaluation`, `PartialEvaluation`,
//! `EntityTypeEvaluation` with `min_overlap_percentage=1`).
//!
//! Each predicted span is classified against the gold spans of its document, one gold span at most
//! per prediction, predictions taken in order of (start, end, label):
//!
//! | scheme    | correct (COR)                    | incorrect (INC) / partial (PAR)               |
//! |-----------|----------------------------------|-----------------------------------------------|
//! | `strict`  | same boundaries and same label   | INC: overlaps a gold span, otherwise          |
//! | `exact`   | same boundaries, any label       | INC: overlaps a gold span, otherwise          |
//! | `partial` | same boundaries, any label       | PAR: overlaps a gold span, otherwise          |
//! | `type`    | overlaps a gold span of its label (the one with the closest boundaries) | INC: overlaps one of another label |
//!
//! A prediction that overlaps no free gold span is spurious (SPU); a gold span no prediction took is
//! missed (MIS). With POS = COR+INC+PAR+MIS (gold) and ACT = COR+INC+PAR+SPU (predicted), precision
//! is COR/ACT and recall COR/POS, except that `partial` and `type` count a partial match as half:
//! (COR + PAR/2)/ACT and (COR + PAR/2)/POS. Per label, both sides are first restricted to the label
//! (so a wrong-label prediction is spurious for its label and the gold span missed for its own),
//! as `nervaluate` does; per-label `strict` equals seqeval's per-type figures.
//!
//! Spans are half-open `[start, end)` in any unit (code points, words); a prediction overlaps a
//! gold span when it shares at least 1% of the gold span's units with it (any unit for spans up to
//! 100 long), nervaluate's default. A duplicate prediction cannot take a gold span twice.

use std::collections::BTreeMap;
use std::ops::AddAssign;

use serde::Serialize;

use crate::eval::spans::{LabeledSpan, Prf};

/// The four scoring schemes, in report order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scheme {
    Strict,
    Exact,
    Partial,
    Type,
}

impl Scheme {
    pub const ALL: [Scheme; 4] = [Scheme::Strict, Scheme::Exact, Scheme::Partial, Scheme::Type];

    pub fn name(self) -> &'static str {
        match self {
            Scheme::Strict => "strict",
            Scheme::Exact => "exact",
            Scheme::Partial => "partial",
            Scheme::Type => "type",
        }
    }

    /// Whether a partial match counts half in precision and recall.
    fn halves_partial(self) -> bool {
        matches!(self, Scheme::Partial | Scheme::Type)
    }
}

/// Outcome counts of one scheme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub correct: usize,
    pub incorrect: usize,
    pub partial: usize,
    pub missed: usize,
    pub spurious: usize,
}

impl AddAssign for Counts {
    fn add_assign(&mut self, o: Counts) {
        self.correct += o.correct;
        self.incorrect += o.incorrect;
        self.partial += o.partial;
        self.missed += o.missed;
        self.spurious += o.spurious;
    }
}

impl Counts {
    /// Gold spans (POS).
    pub fn possible(&self) -> usize {
        self.correct + self.incorrect + self.partial + self.missed
    }

    /// Predicted spans (ACT).
    pub fn actual(&self) -> usize {
        self.correct + self.incorrect + self.partial + self.spurious
    }

    pub fn score(&self, scheme: Scheme) -> SchemeScore {
        let hits = self.correct as f64
            + if scheme.halves_partial() {
                0.5 * self.partial as f64
            } else {
                0.0
            };
        let (p, r, f1) = Prf::ratios(hits, self.actual() as f64, self.possible() as f64);
        SchemeScore {
            precision: p,
            recall: r,
            f1,
            correct: self.correct,
            incorrect: self.incorrect,
            partial: self.partial,
            missed: self.missed,
            spurious: self.spurious,
            possible: self.possible(),
            actual: self.actual(),
        }
    }
}

/// Figures of one scheme (JSON keys as named here).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct SchemeScore {
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    pub correct: usize,
    pub incorrect: usize,
    pub partial: usize,
    pub missed: usize,
    pub spurious: usize,
    /// Gold spans.
    pub possible: usize,
    /// Predicted spans.
    pub actual: usize,
}

/// One figure per scheme; JSON keys `strict`, `exact`, `partial`, `type`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Schemes<T> {
    pub strict: T,
    pub exact: T,
    pub partial: T,
    #[serde(rename = "type")]
    pub type_: T,
}

impl<T> Schemes<T> {
    pub fn get(&self, scheme: Scheme) -> &T {
        match scheme {
            Scheme::Strict => &self.strict,
            Scheme::Exact => &self.exact,
            Scheme::Partial => &self.partial,
            Scheme::Type => &self.type_,
        }
    }

    fn get_mut(&mut self, scheme: Scheme) -> &mut T {
        match scheme {
            Scheme::Strict => &mut self.strict,
            Scheme::Exact => &mut self.exact,
            Scheme::Partial => &mut self.partial,
            Scheme::Type => &mut self.type_,
        }
    }
}

impl Schemes<Counts> {
    /// Counts of every scheme for one document.
    pub fn of_document(gold: &[LabeledSpan], pred: &[LabeledSpan]) -> Self {
        let gold = sorted(gold);
        let pred = sorted(pred);
        let mut s = Schemes::default();
        for scheme in Scheme::ALL {
            *s.get_mut(scheme) = classify(scheme, &gold, &pred);
        }
        s
    }

    fn add(&mut self, o: &Schemes<Counts>) {
        for scheme in Scheme::ALL {
            *self.get_mut(scheme) += *o.get(scheme);
        }
    }

    pub fn scores(&self) -> Schemes<SchemeScore> {
        Schemes {
            strict: self.strict.score(Scheme::Strict),
            exact: self.exact.score(Scheme::Exact),
            partial: self.partial.score(Scheme::Partial),
            type_: self.type_.score(Scheme::Type),
        }
    }
}

fn sorted(spans: &[LabeledSpan]) -> Vec<&LabeledSpan> {
    let mut v: Vec<&LabeledSpan> = spans.iter().collect();
    v.sort();
    v
}

/// Whether `pred` overlaps `gold` by at least 1% of the gold span (nervaluate's
/// `min_overlap_percentage=1`): any overlap for spans up to 100 units.
fn overlaps(gold: &LabeledSpan, pred: &LabeledSpan) -> bool {
    let shared = gold.1.min(pred.1).saturating_sub(gold.0.max(pred.0));
    shared > 0 && shared * 100 >= gold.1 - gold.0
}

fn same_bounds(a: &LabeledSpan, b: &LabeledSpan) -> bool {
    a.0 == b.0 && a.1 == b.1
}

/// Classifies every prediction of one document under `scheme` (see the module table).
fn classify(scheme: Scheme, gold: &[&LabeledSpan], pred: &[&LabeledSpan]) -> Counts {
    let mut taken = vec![false; gold.len()];
    let mut c = Counts::default();
    for p in pred {
        let free = || gold.iter().enumerate().filter(|(i, _)| !taken[*i]);
        let (hit, near) = match scheme {
            Scheme::Strict | Scheme::Exact | Scheme::Partial => {
                let matches = |g: &LabeledSpan| same_bounds(g, p) && (scheme != Scheme::Strict || g.2 == p.2);
                let hit = free().find(|(_, g)| matches(g)).map(|(i, _)| i);
                // nervaluate keeps the first overlapping gold span seen before the hit; without a hit
                // that is the first overlapping one.
                (hit, free().find(|(_, g)| overlaps(g, p)).map(|(i, _)| i))
            }
            Scheme::Type => {
                let distance = |g: &LabeledSpan| g.0.abs_diff(p.0) + g.1.abs_diff(p.1);
                let hit = free()
                    .filter(|(_, g)| overlaps(g, p) && g.2 == p.2)
                    .min_by_key(|(i, g)| (distance(g), *i))
                    .map(|(i, _)| i);
                (hit, free().find(|(_, g)| overlaps(g, p) && g.2 != p.2).map(|(i, _)| i))
            }
        };
        match (hit, near) {
            (Some(i), _) => {
                taken[i] = true;
                c.correct += 1;
            }
            (None, Some(i)) => {
                taken[i] = true;
                if scheme == Scheme::Partial {
                    c.partial += 1;
                } else {
                    c.incorrect += 1;
                }
            }
            (None, None) => c.spurious += 1,
        }
    }
    c.missed = taken.iter().filter(|t| !**t).count();
    c
}

/// Accumulates entity counts over documents: overall and per label.
#[derive(Debug, Clone, Default)]
pub struct EntityScorer {
    overall: Schemes<Counts>,
    per_label: BTreeMap<String, Schemes<Counts>>,
}

impl EntityScorer {
    /// Adds one document; returns its overall counts (for per-article rows).
    pub fn add(&mut self, gold: &[LabeledSpan], pred: &[LabeledSpan]) -> Schemes<Counts> {
        let doc = Schemes::of_document(gold, pred);
        self.overall.add(&doc);
        let mut labels: Vec<&str> = gold.iter().chain(pred).map(|s| s.2.as_str()).collect();
        labels.sort_unstable();
        labels.dedup();
        for label in labels {
            let only = |spans: &[LabeledSpan]| spans.iter().filter(|s| s.2 == label).cloned().collect::<Vec<_>>();
            let counts = Schemes::of_document(&only(gold), &only(pred));
            self.per_label.entry(label.to_string()).or_default().add(&counts);
        }
        doc
    }

    pub fn finish(&self) -> EntityScores {
        EntityScores {
            overall: self.overall.scores(),
            per_label: self
                .per_label
                .iter()
                .map(|(label, counts)| {
                    let s = &counts.strict;
                    let scores = LabelScores {
                        strict_prf: Prf::from_counts(s.correct, s.actual(), s.possible()),
                        schemes: counts.scores(),
                    };
                    (label.clone(), scores)
                })
                .collect(),
        }
    }
}

/// Entity figures: `strict`, `exact`, `partial`, `type` at the top, then `per_label`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct EntityScores {
    #[serde(flatten)]
    pub overall: Schemes<SchemeScore>,
    pub per_label: BTreeMap<String, LabelScores>,
}

/// One label: its strict `precision`, `recall`, `f1`, `support` (gold), `predicted`, `correct` at
/// the top (the usual per-type table), and every scheme under its name.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct LabelScores {
    #[serde(flatten)]
    pub strict_prf: Prf,
    #[serde(flatten)]
    pub schemes: Schemes<SchemeScore>,
}

/// Hand-worked cases. The scorer was also cross-checked once against Python `nervaluate` 1.2.1
/// (2026-11-22), figure for figure (counts, precision, recall, F1; overall and per label; all four
/// schemes):
///
/// ```sh
/// cyberstance annotate corpus/seeds -o out/seeds.jsonl
/// cyberstance eval --gold corpus/seeds_gold.jsonl --pred out/seeds.jsonl --json > r.json
/// .venv/bin/python scripts/check/check_nervaluate.py corpus/seeds_gold.jsonl out/seeds.jsonl r.json
/// ```
///
/// 0 differences in 28 figure groups (and 20 with `--label-map GPE=LOC,NORP=MISC` on both), and 0 on
/// 300 random documents whose gold and predicted spans overlap and repeat.
#[cfg(test)]
mod tests {
    use super::*;

    fn spans(v: &[(usize, usize, &str)]) -> Vec<LabeledSpan> {
        v.iter().map(|&(s, e, l)| (s, e, l.to_string())).collect()
    }

    fn counts(c: &Counts) -> [usize; 5] {
        [c.correct, c.incorrect, c.partial, c.missed, c.spurious]
    }

    const EPS: f64 = 1e-12;

    /// The SemEval-2013 worked example (as in nervaluate's README): gold and predicted entities of
    /// one sentence, one row per scenario.
    #[test]
    fn six_scenarios_by_hand() {
        let gold = spans(&[
            (0, 5, "PER"),   // I: predicted exactly
            (10, 15, "ORG"), // IV: predicted with the same boundaries as LOC
            (20, 25, "LOC"), // V: predicted as LOC over [21, 25)
            (30, 40, "ORG"), // VI: predicted as MISC over [30, 35)
            (50, 55, "PER"), // III: missed
        ]);
        let pred = spans(&[
            (0, 5, "PER"),
            (10, 15, "LOC"),
            (21, 25, "LOC"),
            (30, 35, "MISC"),
            (60, 65, "ORG"), // II: spurious
        ]);
        let s = Schemes::of_document(&gold, &pred);
        // [correct, incorrect, partial, missed, spurious]
        assert_eq!(counts(&s.strict), [1, 3, 0, 1, 1]);
        assert_eq!(counts(&s.exact), [2, 2, 0, 1, 1]);
        assert_eq!(counts(&s.partial), [2, 0, 2, 1, 1]);
        assert_eq!(counts(&s.type_), [2, 2, 0, 1, 1]);
        let sc = s.scores();
        // POS = ACT = 5 everywhere. strict: 1/5; exact: 2/5; partial: (2 + 2/2)/5; type: 2/5.
        assert!((sc.strict.precision - 0.2).abs() < EPS && (sc.strict.recall - 0.2).abs() < EPS);
        assert!((sc.exact.f1 - 0.4).abs() < EPS);
        assert!((sc.partial.precision - 0.6).abs() < EPS && (sc.partial.f1 - 0.6).abs() < EPS);
        assert!((sc.type_.f1 - 0.4).abs() < EPS);
    }

    #[test]
    fn per_label_restricts_both_sides() {
        let mut scorer = EntityScorer::default();
        // gold PER[0,5) LOC[10,15); pred PER[0,5) ORG[10,15) (wrong label).
        scorer.add(
            &spans(&[(0, 5, "PER"), (10, 15, "LOC")]),
            &spans(&[(0, 5, "PER"), (10, 15, "ORG")]),
        );
        let s = scorer.finish();
        assert_eq!(counts_of(&s.overall.strict), [1, 1, 0, 0, 0]);
        // Restricted to LOC: the gold span is missed; to ORG: the prediction is spurious.
        assert_eq!(counts_of(&s.per_label["LOC"].schemes.strict), [0, 0, 0, 1, 0]);
        assert_eq!(counts_of(&s.per_label["ORG"].schemes.strict), [0, 0, 0, 0, 1]);
        assert_eq!(s.per_label["PER"].strict_prf.f1, 1.0);
        let org = &s.per_label["ORG"].strict_prf;
        assert_eq!((org.support, org.predicted, org.f1), (0, 1, 0.0));
        // overall strict: COR 1, ACT 2, POS 2.
        assert!((s.overall.strict.f1 - 0.5).abs() < EPS);
    }

    fn counts_of(s: &SchemeScore) -> [usize; 5] {
        [s.correct, s.incorrect, s.partial, s.missed, s.spurious]
    }

    #[test]
    fn duplicate_prediction_cannot_take_a_gold_span_twice() {
        let gold = spans(&[(0, 5, "PER")]);
        let pred = spans(&[(0, 5, "PER"), (0, 5, "PER")]);
        let s = Schemes::of_document(&gold, &pred);
        for scheme in Scheme::ALL {
            assert_eq!(counts(s.get(scheme)), [1, 0, 0, 0, 1], "{}", scheme.name());
        }
        // P = 1/2, R = 1, F1 = 2/3.
        assert!((s.scores().strict.f1 - 2.0 / 3.0).abs() < EPS);
    }

    #[test]
    fn partial_overlaps_count_half() {
        // gold ORG "UN Security Council" [0,19); pred ORG "Security Council" [3,19) and a PER [25,30)
        // over gold PER [25,31).
        let gold = spans(&[(0, 19, "ORG"), (25, 31, "PER")]);
        let pred = spans(&[(3, 19, "ORG"), (25, 30, "PER")]);
        let s = Schemes::of_document(&gold, &pred);
        assert_eq!(counts(&s.strict), [0, 2, 0, 0, 0]);
        assert_eq!(counts(&s.partial), [0, 0, 2, 0, 0]);
        assert_eq!(counts(&s.type_), [2, 0, 0, 0, 0]);
        let sc = s.scores();
        assert_eq!(sc.strict.f1, 0.0);
        assert!((sc.partial.f1 - 0.5).abs() < EPS);
        assert_eq!(sc.type_.f1, 1.0);
    }

    #[test]
    fn overlap_must_cover_one_percent_of_a_long_gold_span() {
        // 1 of 150 units is under 1%: spurious and missed; 2 of 150 is enough.
        let gold = spans(&[(0, 150, "MISC")]);
        let s = Schemes::of_document(&gold, &spans(&[(149, 155, "MISC")]));
        assert_eq!(counts(&s.type_), [0, 0, 0, 1, 1]);
        let s = Schemes::of_document(&gold, &spans(&[(148, 155, "MISC")]));
        assert_eq!(counts(&s.type_), [1, 0, 0, 0, 0]);
    }

    #[test]
    fn touching_spans_do_not_overlap() {
        let s = Schemes::of_document(&spans(&[(0, 5, "PER")]), &spans(&[(5, 9, "PER")]));
        assert_eq!(counts(&s.partial), [0, 0, 0, 1, 1]);
    }

    #[test]
    fn type_scheme_takes_the_closest_gold_span_of_its_label() {
        // Two gold PER spans overlap the prediction; the closer one [4,9) is taken, [0,4) is missed.
        let gold = spans(&[(0, 4, "PER"), (4, 9, "PER")]);
        let pred = spans(&[(2, 9, "PER")]);
        let s = Schemes::of_document(&gold, &pred);
        assert_eq!(counts(&s.type_), [1, 0, 0, 1, 0]);
        // partial takes the first overlapping gold span.
        assert_eq!(counts(&s.partial), [0, 0, 1, 1, 0]);
    }

    #[test]
    fn empty_sides() {
        let some = spans(&[(0, 5, "PER"), (6, 8, "LOC")]);
        let none = spans(&[]);
        let no_pred = Schemes::of_document(&some, &none).scores();
        assert_eq!(
            (no_pred.strict.precision, no_pred.strict.recall, no_pred.strict.f1),
            (0.0, 0.0, 0.0)
        );
        assert_eq!(no_pred.strict.missed, 2);
        let no_gold = Schemes::of_document(&none, &some).scores();
        assert_eq!(
            (no_gold.strict.spurious, no_gold.strict.possible, no_gold.strict.f1),
            (2, 0, 0.0)
        );
        let nothing = Schemes::of_document(&none, &none).scores();
        assert_eq!(nothing.strict, SchemeScore::default());
    }

    #[test]
    fn order_of_input_does_not_matter() {
        let gold = spans(&[(0, 4, "PER"), (4, 9, "PER"), (12, 20, "ORG")]);
        let a = spans(&[(2, 9, "PER"), (12, 15, "LOC"), (15, 20, "ORG")]);
        let mut b = a.clone();
        b.reverse();
        assert_eq!(Schemes::of_document(&gold, &a), Schemes::of_document(&gold, &b));
    }
}
