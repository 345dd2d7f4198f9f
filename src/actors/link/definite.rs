//! Definite descriptions, for pass 4: "the country" (the last state), "the committee" (the last
//! body it heads), a role noun after up to three modifiers, "the Pakistani envoy" (the person in
//! apposition, else the last person, of the state named among the modifiers or after "of" when
//! there is one).
//!
//! Reads `models/gazetteer/words.tsv`: `article`, `state_noun`, `role`, `agent_verb`, `after_role`
//! (what may follow the role noun), `affiliation_of` and `of_kind` ("the head of ..."), `head_end`,
//! `org_noun` and `igo_noun` ("the committee", "the company", "the bloc").

use std::collections::HashSet;

use super::{Article, Who, PERSON_REACH};
use crate::actors::gazetteer::Kind;
use crate::actors::MentionAt;
use crate::text::name_words;

/// Words between "the" and a role noun ("the Pakistani envoy", "the UN disarmament chief").
const MAX_MODIFIERS: usize = 3;

/// The head noun of a name, lower case: its last word before one of `head_end` ("Ad Hoc Committee
/// on Cybercrime" -> "committee", "UN Security Council" -> "council").
fn head_noun(name: &str, head_end: &HashSet<String>) -> Option<String> {
    name_words(name)
        .take_while(|w| !head_end.contains(*w))
        .last()
        .map(str::to_lowercase)
}

impl Article<'_> {
    /// "the country", "the Pakistani envoy", "the head of the ODA" at token `i` ("the").
    pub(super) fn description_at(&mut self, i: usize) -> Option<MentionAt> {
        let start = self.toks[i].0;
        let words = &self.g.words;
        for k in 1..=MAX_MODIFIERS + 1 {
            let j = i + k;
            if j >= self.toks.len() || !self.spaced(j - 1, j) {
                return None;
            }
            let w = self.t(self.toks[j]);
            let lw = w.to_lowercase();
            if k == 1 && words.state_noun.contains(&lw) {
                let state = self.last_before(start, PERSON_REACH, |a| matches!(self.actors[a].who, Who::State(_)))?;
                return Some(MentionAt::new(start, self.toks[j].1, state));
            }
            if k == 1 && w.chars().all(char::is_lowercase) && self.ends_noun_phrase(j) {
                if let Some(a) = self.body_by_noun(&lw, start) {
                    return Some(MentionAt::new(start, self.toks[j].1, a));
                }
            }
            if !words.role.contains(&lw) {
                // modifiers are adjectives and nouns, not articles, verbs or prepositions
                if words.article.contains(&lw)
                    || words.agent_verb.contains(&lw)
                    || words.after_role.contains(&lw)
                    || !w.chars().all(|c| c.is_alphabetic() || c == '-')
                {
                    return None;
                }
                continue;
            }
            // A role noun followed by a noun modifies it ("the chief concern"): no description.
            if !self.ends_noun_phrase(j) {
                return None;
            }
            return self.role_description(start, j);
        }
        None
    }

    /// "the Pakistani envoy", from `start` to the role noun at token `j` (or through a name
    /// after "of"): the person it describes, who joins a state named in it if they had none.
    fn role_description(&mut self, start: usize, j: usize) -> Option<MentionAt> {
        let (end, of_state) = self.role_end(j)?;
        // A state named among the modifiers or after "of": that state's person, or one whose
        // affiliation is not known yet.
        let named_state = self
            .entities_from(start + 1)
            .iter()
            .find_map(|x| match x.actor {
                Some(a) if x.span.end_byte <= self.toks[j].0 => {
                    matches!(self.actors[a].who, Who::State(_)).then_some(a)
                }
                _ => None,
            })
            .or(of_state);
        let person = self.described_person(start, end, named_state)?;
        if let Some(st) = named_state {
            self.actors[person].affiliation.get_or_insert(st);
        }
        Some(MentionAt::new(start, end, person))
    }

    /// Where a description whose role noun is token `j` ends, and the state named after its "of";
    /// `None` when it describes no one ("the head of state").
    fn role_end(&self, j: usize) -> Option<(usize, Option<usize>)> {
        let mut end = self.toks[j].1;
        let mut of_state = None;
        if j + 1 < self.toks.len() && self.spaced(j, j + 1) {
            let lnext = self.t(self.toks[j + 1]).to_lowercase();
            if self.g.words.affiliation_of.contains(&lnext) {
                // "the head of state" is a kind of person, not one
                if j + 2 < self.toks.len() && self.g.words.of_kind.contains(self.t(self.toks[j + 2])) {
                    return None;
                }
                // "the head of the ODA": through the body's name
                let after = self.toks[j + 1].1;
                let body = self.entities_from(after + 1).first().filter(|x| {
                    let between = self.text[after..x.span.start_byte].trim();
                    between.is_empty()
                        || self
                            .g
                            .words
                            .article
                            .iter()
                            .any(|a| between.trim_start_matches(a.as_str()).trim().is_empty())
                });
                if let Some(b) = body {
                    end = b.span.end_byte;
                    of_state = b.actor.filter(|&a| matches!(self.actors[a].who, Who::State(_)));
                }
            }
        }
        Some((end, of_state))
    }

    /// The person a description from `start` to `end` refers to: the one named in apposition
    /// after it, else the last person of `named_state`, else the last person (of no known state,
    /// when a state is named).
    fn described_person(&self, start: usize, end: usize, named_state: Option<usize>) -> Option<usize> {
        // "the Pakistani envoy, Aamir Khan, said": the person named in apposition
        let appositive = self.text[end..].strip_prefix(", ").and_then(|_| {
            let x = self.entities_from(end).first()?;
            let a = x.actor.filter(|&a| self.is_person(a) && !self.is_office(a))?;
            (x.span.start_byte == end + 2).then_some(a)
        });
        appositive
            .or_else(|| {
                named_state.and_then(|st| {
                    self.last_before(start, PERSON_REACH, |a| {
                        self.is_person(a) && !self.is_office(a) && self.actors[a].affiliation == Some(st)
                    })
                })
            })
            .or_else(|| {
                self.last_before(start, PERSON_REACH, |a| {
                    self.is_person(a)
                        && !self.is_office(a)
                        && (named_state.is_none() || self.actors[a].affiliation.is_none())
                })
            })
    }

    /// Token `j` ends a noun phrase: a possessive, punctuation, or a word that cannot continue it
    /// (a verb of saying, a preposition) follows, not another lower-case word ("the chief concern").
    fn ends_noun_phrase(&self, j: usize) -> bool {
        let end = self.toks[j].1;
        if self.text[end..].starts_with(['\'', '’']) || j + 1 >= self.toks.len() || !self.spaced(j, j + 1) {
            return true;
        }
        let next = self.t(self.toks[j + 1]);
        let lnext = next.to_lowercase();
        !next.chars().all(char::is_lowercase)
            || self.g.words.after_role.contains(&lnext)
            || self.g.words.agent_verb.contains(&lnext)
    }

    /// "the committee" after "Ad Hoc Committee on Cybercrime", "the company" after "Microsoft",
    /// "the bloc" after "the EU": the last organisation or body whose name has the noun as a word,
    /// else whose kind the noun names.
    fn body_by_noun(&self, noun: &str, pos: usize) -> Option<usize> {
        let is_org = |a: usize| self.actors[a].who == Who::Org;
        let is_igo = |a: usize| matches!(self.actors[a].who, Who::Body(b) if self.g.bodies[b].kind != Kind::Org);
        let named = |a: usize| {
            (is_org(a) || matches!(self.actors[a].who, Who::Body(_)))
                && head_noun(&self.actors[a].name, &self.g.words.head_end).is_some_and(|h| h == noun)
        };
        self.last_before(pos, PERSON_REACH, named)
            .or_else(|| {
                self.g
                    .words
                    .org_noun
                    .contains(noun)
                    .then(|| self.last_before(pos, PERSON_REACH, is_org))?
            })
            .or_else(|| {
                self.g
                    .words
                    .igo_noun
                    .contains(noun)
                    .then(|| self.last_before(pos, PERSON_REACH, is_igo))?
            })
    }
}
