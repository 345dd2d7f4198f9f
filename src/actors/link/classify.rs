//! Pass 2, names: each entity span gets its label and actor, by an acronym the article defines,
//! else by the gazetteer (states, nationalities, capitals that act, bodies; not US states named
//! like countries), else by its model label (organisations and people, clustered).
//!
//! Reads `models/gazetteer/words.tsv`: `region` and `norp` (labels); `state_of`, `us_name` and
//! `us_state_country` (US states); `agent_verb`, `auxiliary`, `conjunction` and `article` (a
//! capital that acts).

use super::{Alias, Article, Who};
use crate::actors::gazetteer::{key, Entry};
use crate::actors::{LinkedEntity, MentionAt};
use crate::ner::Span;

impl Article<'_> {
    /// The label and actor of one entity span (spans come in text order).
    pub(super) fn classify(&mut self, mut span: Span, from_gazetteer: bool) {
        let text = &self.text[span.start_byte..span.end_byte];
        let not_person = span.label != "PER";
        let mut actor = None;
        let alias = self.aliases.get(text).copied().filter(|_| not_person);
        if self.is_dateline(&span) {
            span.label = "LOC".into();
        } else if let Some(alias) = alias {
            // An acronym the article defines means what it defines, whatever the gazetteer says
            // ("Official Development Assistance (ODA)").
            match alias {
                Alias::Actor(a) => {
                    span.label = self.label_of(a).into();
                    actor = Some(a);
                }
                Alias::Misc => span.label = "MISC".into(),
            }
        } else {
            match self.g.lookup(text) {
                Some(Entry::StateName(i)) if not_person => {
                    span.label = "GPE".into();
                    if !self.after_state_of(span.start_byte, span.end_byte) {
                        actor = Some(self.state_actor(i));
                    }
                }
                Some(Entry::Demonym(i)) if not_person => {
                    span.label = "NORP".into();
                    actor = Some(self.state_actor(i));
                }
                Some(Entry::Capital(i)) if not_person => {
                    span.label = "GPE".into();
                    if self.acts(span.start_byte, span.end_byte) {
                        actor = Some(self.state_actor(i));
                    }
                }
                Some(Entry::Body(i)) if not_person || text.chars().all(|c| !c.is_lowercase()) => {
                    span.label = "ORG".into();
                    actor = Some(self.body_actor(i));
                }
                // An office alone is a title, not an entity; `descriptions` makes it a mention.
                Some(Entry::Office(_)) => return,
                _ => match span.label.as_str() {
                    "LOC" if !self.g.words.region.contains(&key(text)) => span.label = "GPE".into(),
                    "MISC" if self.g.words.norp.contains(&key(text)) => span.label = "NORP".into(),
                    "ORG" => actor = Some(self.org_actor(&span)),
                    "PER" => actor = Some(self.person_actor(&span)),
                    _ => {}
                },
            }
        }
        self.add_entity(span, actor, from_gazetteer);
    }

    /// A classified entity: its mention, and an acronym it defines ("Full Name (ACR)").
    fn add_entity(&mut self, span: Span, actor: Option<usize>, from_gazetteer: bool) {
        match actor {
            Some(a) => {
                self.define_acronym(span.end_byte, Alias::Actor(a));
                self.mentions.push(MentionAt::new(span.start_byte, span.end_byte, a));
            }
            None if span.label == "MISC" => self.define_acronym(span.end_byte, Alias::Misc),
            None => {}
        }
        self.entities.push(LinkedEntity {
            span,
            actor,
            from_gazetteer,
        });
    }

    /// The entity label of an actor's names.
    fn label_of(&self, a: usize) -> &'static str {
        match self.actors[a].who {
            Who::State(_) => "GPE",
            Who::Person | Who::Office(_) => "PER",
            Who::Body(_) | Who::Org | Who::Group => "ORG",
        }
    }

    /// A US state, not a country: "the US state of Georgia", or "the state of Georgia" for a
    /// country name that is also a US state's. ("the State of Palestine" is a country.)
    fn after_state_of(&self, start: usize, end: usize) -> bool {
        let before = self.text[self.char_floor(start.saturating_sub(40))..start].trim_end();
        let words = &self.g.words;
        let Some(before) = words
            .state_of
            .iter()
            .filter_map(|w| before.strip_suffix(w.as_str()))
            .min_by_key(|b| b.len())
        else {
            return false;
        };
        let before = before.trim_end();
        words.us_name.iter().any(|us| before.ends_with(us.as_str()))
            || words.us_state_country.contains(&self.text[start..end])
    }

    /// A capital that acts for its state: followed by a possessive or a verb of saying or doing
    /// ("Moscow rejected", "Canberra could", "Washington's position"), or coordinated with another
    /// state or body ("Washington and Moscow", "Washington and the European Union").
    pub(super) fn acts(&self, start: usize, end: usize) -> bool {
        let rest = &self.text[end..];
        if rest.starts_with("'s") || rest.starts_with("’s") {
            return true;
        }
        let i = self.tok_at(end);
        let next = |k: usize| (k < self.toks.len()).then(|| self.t(self.toks[k]));
        if i < self.toks.len() && self.text[end..self.toks[i].0].chars().all(char::is_whitespace) {
            let w = self.t(self.toks[i]);
            if self.g.words.agent_verb.contains(w) {
                return true;
            }
            // "Beijing has largely sided", "Tehran had signalled": an auxiliary and a participle
            if self.g.words.auxiliary.contains(w) {
                let k = if next(i + 1).is_some_and(|x| x.ends_with("ly")) {
                    i + 2
                } else {
                    i + 1
                };
                if next(k).is_some_and(|x| x.ends_with("ed") || self.g.words.agent_verb.contains(x)) {
                    return true;
                }
            }
            if self.g.words.conjunction.contains(w) {
                let k = if next(i + 1).is_some_and(|x| self.g.words.article.contains(x)) {
                    i + 2
                } else {
                    i + 1
                };
                if k < self.toks.len() && self.names_an_actor(k) {
                    return true;
                }
            }
        }
        // "... and Moscow", "between Washington and Moscow"
        let b = self.tok_at(start);
        if b >= 2 && self.g.words.conjunction.contains(self.t(self.toks[b - 1])) && self.spaced(b - 1, b) {
            let first = self.toks[..b - 1].partition_point(|t| t.1 <= self.toks[b - 2].0);
            return self.names_an_actor(first) || self.names_an_actor(b - 2);
        }
        false
    }

    /// A state, capital or body name starts at token `k`.
    fn names_an_actor(&self, k: usize) -> bool {
        matches!(
            self.longest_name_at(k),
            Some((_, Entry::StateName(_) | Entry::Capital(_) | Entry::Body(_)))
        )
    }
}
