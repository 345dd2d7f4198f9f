//! Stance scoring, per article.
//!
//! A gold and a predicted stance concern the same actor when both carry an `actor_code` and the
//! codes are equal; otherwise when the folded names are equal ([`fold_name`]; a predicted `actor`
//! that is an actor id is compared by that actor's name). Matching is one to one.
//! - `triples`: (actor, target, stance) all equal; precision, recall, F1, also per target.
//! - `pairs`: (actor, target) equal, polarity ignored.
//! - `polarity`: accuracy of the stance over matched pairs.

use std::collections::BTreeMap;

use crate::eval::actors::fold_name;
use crate::eval::data::Stance;
use crate::eval::spans::Tally;

/// Counts of one article, or summed over articles.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StanceCounts {
    pub triples: Tally,
    pub pairs: Tally,
    /// Matched pairs whose stance agrees.
    pub polarity_correct: usize,
    pub per_target: BTreeMap<String, Tally>,
}

impl StanceCounts {
    pub fn add(&mut self, o: &StanceCounts) {
        self.triples += o.triples;
        self.pairs += o.pairs;
        self.polarity_correct += o.polarity_correct;
        for (t, c) in &o.per_target {
            *self.per_target.entry(t.clone()).or_default() += *c;
        }
    }
}

fn same_actor(g: &Stance, p: &Stance) -> bool {
    match (&g.actor_code, &p.actor_code) {
        (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
        _ => {
            let gold = fold_name(&g.actor);
            fold_name(p.actor_name.as_deref().unwrap_or(&p.actor)) == gold || fold_name(&p.actor) == gold
        }
    }
}

/// One-to-one matches among the given gold and predicted indices under `same`, in gold order.
fn matches(gold: &[usize], pred: &[usize], same: impl Fn(usize, usize) -> bool) -> Vec<(usize, usize)> {
    let mut used = vec![false; pred.len()];
    let mut out = Vec::new();
    for &g in gold {
        if let Some(k) = (0..pred.len()).find(|&k| !used[k] && same(g, pred[k])) {
            used[k] = true;
            out.push((g, pred[k]));
        }
    }
    out
}

pub fn count(gold: &[Stance], pred: &[Stance]) -> StanceCounts {
    let pair = |g: usize, p: usize| gold[g].target == pred[p].target && same_actor(&gold[g], &pred[p]);
    let all_gold: Vec<usize> = (0..gold.len()).collect();
    let all_pred: Vec<usize> = (0..pred.len()).collect();
    let triples = matches(&all_gold, &all_pred, |g, p| {
        pair(g, p) && gold[g].stance == pred[p].stance
    });
    // Pairs: those of the triples first, so a duplicate with the other polarity cannot steal them.
    let gold_rest: Vec<usize> = all_gold
        .into_iter()
        .filter(|g| !triples.iter().any(|m| m.0 == *g))
        .collect();
    let pred_rest: Vec<usize> = all_pred
        .into_iter()
        .filter(|p| !triples.iter().any(|m| m.1 == *p))
        .collect();
    let mut pairs = triples.clone();
    pairs.extend(matches(&gold_rest, &pred_rest, pair));
    let polarity_correct = pairs.iter().filter(|&&(g, p)| gold[g].stance == pred[p].stance).count();

    let mut per_target: BTreeMap<String, Tally> = BTreeMap::new();
    for g in gold {
        per_target.entry(g.target.clone()).or_default().support += 1;
    }
    for p in pred {
        per_target.entry(p.target.clone()).or_default().predicted += 1;
    }
    for &(g, _) in &triples {
        per_target.entry(gold[g].target.clone()).or_default().correct += 1;
    }
    let tally = |correct| Tally {
        correct,
        predicted: pred.len(),
        support: gold.len(),
    };
    StanceCounts {
        triples: tally(triples.len()),
        pairs: tally(pairs.len()),
        polarity_correct,
        per_target,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stance::Polarity::{self, *};

    fn stance(actor: &str, code: Option<&str>, target: &str, stance: Polarity) -> Stance {
        Stance {
            actor: actor.into(),
            actor_code: code.map(Into::into),
            target: target.into(),
            stance,
            actor_name: None,
        }
    }

    #[test]
    fn triples_pairs_polarity_by_hand() {
        let gold = [
            stance("Pakistan", Some("PAK"), "binding_instrument", Support),
            stance("Pakistan", Some("PAK"), "capacity_building", Support),
            stance("Izumi Nakamitsu", None, "gender_mainstreaming", Support),
            stance("Russia", Some("RUS"), "un_led_process", Support),
        ];
        let mut by_id = stance("izumi-nakamitsu", None, "gender_mainstreaming", Support);
        by_id.actor_name = Some("Izumi  NAKAMITSU".into());
        let pred = [
            // code match, although named differently
            stance(
                "Islamic Republic of Pakistan",
                Some("pak"),
                "binding_instrument",
                Support,
            ),
            // right pair, wrong polarity
            stance("Pakistan", Some("PAK"), "capacity_building", Oppose),
            // an actor id resolved to the name
            by_id,
            // wrong actor (code differs although the name is the same)
            stance("Russia", Some("BLR"), "un_led_process", Support),
            // a target gold does not have
            stance("Russia", Some("RUS"), "cyber_sovereignty", Support),
        ];
        let c = count(&gold, &pred);
        assert_eq!(c.triples, Tally::new(2, 5, 4));
        assert_eq!(c.pairs, Tally::new(3, 5, 4));
        // polarity: 2 of 3 matched pairs agree
        assert_eq!(c.polarity_correct, 2);
        assert_eq!(c.per_target["capacity_building"], Tally::new(0, 1, 1));
        assert_eq!(c.per_target["cyber_sovereignty"], Tally::new(0, 1, 0));
        assert_eq!(c.per_target["binding_instrument"], Tally::new(1, 1, 1));
        // triples P = 2/5, R = 2/4: F1 = 2PR/(P+R) = 0.4444...
        assert!((c.triples.prf().f1 - 4.0 / 9.0).abs() < 1e-12);
    }

    #[test]
    fn a_duplicate_with_the_other_polarity_does_not_steal_the_pair() {
        let gold = [stance("EU", None, "voluntary_norms", Support)];
        let pred = [
            stance("EU", None, "voluntary_norms", Oppose),
            stance("eu", None, "voluntary_norms", Support),
        ];
        let c = count(&gold, &pred);
        assert_eq!((c.triples.correct, c.pairs.correct, c.polarity_correct), (1, 1, 1));
        assert_eq!(c.triples.predicted, 2);
    }

    #[test]
    fn empty_sides() {
        let one = [stance("Chile", Some("CHL"), "un_led_process", Neutral)];
        let c = count(&one, &[]);
        assert_eq!((c.triples, c.pairs.correct), (Tally::new(0, 0, 1), 0));
        assert_eq!(count(&[], &one).triples, Tally::new(0, 1, 0));
        assert_eq!(count(&[], &[]), StanceCounts::default());
    }
}
