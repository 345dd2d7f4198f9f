//! Actor scoring, per article.
//!
//! - `states`: the set of ISO 3166-1 alpha-3 codes of state actors, gold against predicted:
//!   precision, recall, F1 micro-averaged over articles.
//! - `mentions`: linking accuracy over gold mentions. Each gold actor is first aligned with at most
//!   one predicted actor, one to one: by code when both have one (a code on one side only never
//!   aligns), else by name (case and whitespace folded, a leading "the" dropped), else with the
//!   predicted actor that shares most mention spans with it. A gold mention is correct when its
//!   aligned actor has a mention with exactly its span. `found` counts gold mentions that some
//!   predicted actor has at that span, whatever the actor (detection without linking).

use std::collections::BTreeSet;

use crate::eval::data::DocActor;
use crate::eval::spans::Tally;

/// Counts of one article, or summed over articles.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActorCounts {
    pub states: Tally,
    pub mentions_correct: usize,
    pub mentions_found: usize,
    pub mentions_total: usize,
}

impl std::ops::AddAssign for ActorCounts {
    fn add_assign(&mut self, o: ActorCounts) {
        self.states += o.states;
        self.mentions_correct += o.mentions_correct;
        self.mentions_found += o.mentions_found;
        self.mentions_total += o.mentions_total;
    }
}

/// A name for comparison: lower case, whitespace runs (non-breaking spaces too) as one space,
/// without a leading "the ".
pub fn fold_name(name: &str) -> String {
    let folded = name.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    match folded.strip_prefix("the ") {
        Some(rest) => rest.to_string(),
        None => folded,
    }
}

pub fn count(gold: &[DocActor], pred: &[DocActor]) -> ActorCounts {
    let gold_states: BTreeSet<String> = gold.iter().filter_map(DocActor::state_code).collect();
    let pred_states: BTreeSet<String> = pred.iter().filter_map(DocActor::state_code).collect();
    let states = Tally {
        correct: gold_states.intersection(&pred_states).count(),
        predicted: pred_states.len(),
        support: gold_states.len(),
    };

    let aligned = align(gold, pred);
    let mut c = ActorCounts {
        states,
        ..ActorCounts::default()
    };
    for (g, a) in gold.iter().zip(&aligned) {
        for m in &g.mentions {
            c.mentions_total += 1;
            c.mentions_found += usize::from(pred.iter().any(|p| p.mentions.contains(m)));
            c.mentions_correct += usize::from(a.is_some_and(|i| pred[i].mentions.contains(m)));
        }
    }
    c
}

/// For each gold actor, the index of its predicted actor (see the module doc).
fn align(gold: &[DocActor], pred: &[DocActor]) -> Vec<Option<usize>> {
    let gold_codes: Vec<Option<String>> = gold.iter().map(DocActor::state_code).collect();
    let pred_codes: Vec<Option<String>> = pred.iter().map(DocActor::state_code).collect();
    let compatible = |g: usize, p: usize| match (&gold_codes[g], &pred_codes[p]) {
        (Some(a), Some(b)) => a == b,
        (None, None) => true,
        _ => false,
    };
    let mut aligned = vec![None; gold.len()];
    let mut used = vec![false; pred.len()];
    // 1. codes
    for g in 0..gold.len() {
        if gold_codes[g].is_some() {
            if let Some(p) = (0..pred.len()).find(|&p| !used[p] && compatible(g, p)) {
                (aligned[g], used[p]) = (Some(p), true);
            }
        }
    }
    // 2. names
    let pred_names: Vec<String> = pred.iter().map(|a| fold_name(&a.name)).collect();
    for g in 0..gold.len() {
        if aligned[g].is_none() && gold_codes[g].is_none() {
            let name = fold_name(&gold[g].name);
            if let Some(p) = (0..pred.len()).find(|&p| !used[p] && compatible(g, p) && pred_names[p] == name) {
                (aligned[g], used[p]) = (Some(p), true);
            }
        }
    }
    // 3. most shared mention spans, greedily, largest first
    let mut candidates: Vec<(usize, usize, usize)> = Vec::new();
    for g in (0..gold.len()).filter(|&g| aligned[g].is_none() && gold_codes[g].is_none()) {
        for p in (0..pred.len()).filter(|&p| !used[p] && compatible(g, p)) {
            let shared = gold[g].mentions.iter().filter(|m| pred[p].mentions.contains(m)).count();
            if shared > 0 {
                candidates.push((shared, g, p));
            }
        }
    }
    candidates.sort_by_key(|&(shared, g, p)| (std::cmp::Reverse(shared), g, p));
    for (_, g, p) in candidates {
        if aligned[g].is_none() && !used[p] {
            (aligned[g], used[p]) = (Some(p), true);
        }
    }
    aligned
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(name: &str, kind: &str, code: Option<&str>, mentions: &[(usize, usize)]) -> DocActor {
        DocActor {
            id: None,
            name: name.into(),
            kind: Some(kind.into()),
            code: code.map(Into::into),
            mentions: mentions.to_vec(),
        }
    }

    #[test]
    fn states_and_mentions_by_hand() {
        let gold = [
            actor("Pakistan", "state", Some("PAK"), &[(0, 8), (40, 57)]),
            actor("Aamir Khan", "person", None, &[(20, 30), (60, 62)]),
            actor("United Nations", "igo", None, &[(70, 72)]),
            actor("Albania", "state", Some("ALB"), &[(80, 87)]),
        ];
        let pred = [
            // PAK found, its second mention ("the Pakistani envoy" [40,57)) put on the person instead
            actor("Pakistan", "state", Some("PAK"), &[(0, 8)]),
            // named differently from gold: aligned by shared mentions (2 shared)
            actor("Khan", "person", None, &[(20, 30), (40, 57), (60, 62)]),
            // same name: aligned by name
            actor("the  United Nations", "igo", None, &[(70, 72)]),
            // a state gold does not have
            actor("Venezuela", "state", Some("VEN"), &[(90, 100)]),
        ];
        let c = count(&gold, &pred);
        // states: gold {PAK, ALB}, pred {PAK, VEN}
        assert_eq!(c.states, Tally::new(1, 2, 2));
        // gold mentions: 6; correctly linked: PAK(0,8), Khan(20,30), Khan(60,62), UN(70,72) = 4;
        // found at their span by any actor: the same 4 and (40,57) = 5; (80,87) nowhere.
        assert_eq!((c.mentions_correct, c.mentions_found, c.mentions_total), (4, 5, 6));
    }

    #[test]
    fn a_code_on_one_side_only_never_aligns() {
        // The prediction links "Georgia" to an org without a code: its mention is found, not linked.
        let gold = [actor("Georgia", "state", Some("GEO"), &[(0, 7)])];
        let pred = [actor("Georgia", "org", None, &[(0, 7)])];
        let c = count(&gold, &pred);
        assert_eq!(c.states, Tally::new(0, 0, 1));
        assert_eq!((c.mentions_correct, c.mentions_found, c.mentions_total), (0, 1, 1));
    }

    #[test]
    fn one_predicted_actor_cannot_stand_for_two_gold_actors() {
        // "UN" and "UN Security Council" merged into one predicted cluster: only one of them links.
        let gold = [
            actor("United Nations", "igo", None, &[(0, 2), (10, 12)]),
            actor("UN Security Council", "igo", None, &[(20, 39)]),
        ];
        let pred = [actor("UN", "igo", None, &[(0, 2), (10, 12), (20, 39)])];
        let c = count(&gold, &pred);
        assert_eq!((c.mentions_correct, c.mentions_found, c.mentions_total), (2, 3, 3));
    }

    #[test]
    fn empty_sides() {
        let gold = [actor("Chile", "state", Some("CHL"), &[(0, 5)])];
        let c = count(&gold, &[]);
        assert_eq!(c.states, Tally::new(0, 0, 1));
        assert_eq!(c.mentions_total, 1);
        assert_eq!(count(&[], &gold).states, Tally::new(0, 1, 0));
    }

    #[test]
    fn names_fold_case_space_and_article() {
        assert_eq!(fold_name("The\u{a0}UN  Security Council"), "un security council");
        assert_eq!(fold_name("Theodore"), "theodore");
    }
}
