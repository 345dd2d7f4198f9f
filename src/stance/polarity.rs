//! Polarity of a statement toward a target: support unless a cue of opposition ("rejects", "no
//! need for", "premature", "does not support") or of reserve ("wait until", "cautious") stands
//! near the keyword that names the target, in its clause (or, when no keyword names it, anywhere
//! in the sentence). A negation just before an opposition cue turns it back ("not unacceptable"
//! is support), and so does a threat named next to the keyword: opposing a threat ("attacks on
//! hospitals are unacceptable") is support for protecting against it.
//!
//! Reads `models/stance/cues.tsv`: `oppose`, `neutral`, `support_word`, `negation`, `threat`, and
//! `clause_conjunction` with `subject_pronoun` or `report_verb` (where a clause ends).

use serde::{Deserialize, Serialize};

use super::cues::Cues;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Polarity {
    Support,
    Oppose,
    Neutral,
}

/// How far back (words) a negation reaches to turn an opposition cue around.
const NEGATION_REACH: usize = 2;

/// Polarity of a run of lower-case words.
pub fn of_words(words: &[&str], cues: &Cues) -> Polarity {
    let mut neutral = false;
    let mut i = 0;
    while i < words.len() {
        // "does not support", "would never be acceptable"
        if cues.support_word.contains(words[i])
            && words[i.saturating_sub(NEGATION_REACH + 1)..i]
                .iter()
                .any(|w| cues.negation.contains(*w))
        {
            return Polarity::Oppose;
        }
        if let Some(n) = cues.oppose.at(words, i) {
            // a cue that starts with its own negation ("not support") is not negated again
            let own_negation = cues.negation.contains(words[i]);
            let negated = !own_negation
                && words[i.saturating_sub(NEGATION_REACH)..i]
                    .iter()
                    .any(|w| cues.negation.contains(*w));
            // opposing a threat ("resist internet-based threats") is no opposition to the target
            let against_threat = (i + n..(i + n + 3).min(words.len())).any(|k| cues.threat.at(words, k).is_some());
            if !negated && !against_threat {
                return Polarity::Oppose;
            }
            i += n;
            continue;
        }
        if cues.neutral.at(words, i).is_some() {
            neutral = true;
        }
        i += 1;
    }
    if neutral {
        Polarity::Neutral
    } else {
        Polarity::Support
    }
}

/// Words around a target's keyword that a cue must fall within to concern it: before ("rejects
/// a new treaty") and after ("a treaty would be premature").
const CUE_BEFORE: usize = 8;
const CUE_AFTER: usize = 6;

/// Polarity toward the target named at word `at` of a clause: the cues near it only, not past a
/// new clause ("and it", "and said"). Opposing a threat named next to the keyword ("attacks on
/// hospitals are unacceptable") is support for the target.
pub fn near(words: &[&str], at: usize, cues: &Cues) -> Polarity {
    let mut from = at.saturating_sub(CUE_BEFORE);
    let mut to = (at + CUE_AFTER + 1).min(words.len());
    // a new clause: "and" before a pronoun or a verb of saying
    let boundary = |k: usize| {
        cues.clause_conjunction.contains(words[k])
            && words
                .get(k + 1)
                .is_some_and(|w| cues.subject_pronoun.contains(*w) || cues.report_verb.contains(*w))
    };
    if let Some(k) = (from..at).rev().find(|&k| boundary(k)) {
        from = k + 1;
    }
    if let Some(k) = (at + 1..to).find(|&k| boundary(k)) {
        to = k;
    }
    let polarity = of_words(&words[from..to], cues);
    let threat = (at.saturating_sub(3)..=at).any(|k| cues.threat.at(words, k).is_some());
    if polarity == Polarity::Oppose && threat {
        Polarity::Support
    } else {
        polarity
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stance::cues::{default_file, Cues};

    fn p(s: &str) -> Polarity {
        let cues = Cues::load(&default_file()).unwrap();
        let lower = s.to_lowercase();
        let words: Vec<&str> = lower
            .split(|c: char| !(c.is_alphanumeric() || c == '\''))
            .filter(|w| !w.is_empty())
            .collect();
        of_words(&words, &cues)
    }

    #[test]
    fn cues_of_opposition_reserve_and_negation() {
        assert_eq!(p("Russia supports a binding treaty"), Polarity::Support);
        assert_eq!(p("The US rejects a new treaty"), Polarity::Oppose);
        assert_eq!(p("there is no need for a new instrument"), Polarity::Oppose);
        assert_eq!(p("a treaty would be premature"), Polarity::Oppose);
        assert_eq!(p("It does not support the proposal"), Polarity::Oppose);
        assert_eq!(p("such a step is unacceptable"), Polarity::Oppose);
        assert_eq!(p("the proposal is not unacceptable"), Polarity::Support);
        assert_eq!(p("India would wait until the report is out"), Polarity::Neutral);
        assert_eq!(p("Japan remained cautious about the idea"), Polarity::Neutral);
        assert_eq!(p("Russia does not back a binding treaty"), Polarity::Oppose);
        assert_eq!(p("such a treaty would never be acceptable"), Polarity::Oppose);
        assert_eq!(
            p("states should resist internet-based threats and build resilience"),
            Polarity::Support
        );
    }

    fn near_keyword(s: &str, keyword: &str) -> Polarity {
        let cues = Cues::load(&default_file()).unwrap();
        let words: Vec<String> = crate::stance::targets::match_words(s);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        let at = words.iter().position(|w| *w == keyword).unwrap();
        near(&words, at, &cues)
    }

    #[test]
    fn cues_concern_the_target_near_them_and_threats_turn_them_around() {
        assert_eq!(
            near_keyword("It warned of attacks, and backed a binding treaty", "treaty"),
            Polarity::Support
        );
        assert_eq!(
            near_keyword(
                "there is no need for new norms and it supports capacity building",
                "capacity"
            ),
            Polarity::Support
        );
        assert_eq!(
            near_keyword(
                "there is no need for new norms and it supports capacity building",
                "norms"
            ),
            Polarity::Oppose
        );
        assert_eq!(
            near_keyword("Chile said attacks on hospitals are unacceptable", "hospitals"),
            Polarity::Support
        );
        assert_eq!(
            near_keyword("Brazil rejected disinformation online", "disinformation"),
            Polarity::Support
        );
        assert_eq!(
            near_keyword("Russia rejected a new treaty on hospitals", "treaty"),
            Polarity::Oppose
        );
    }
}
