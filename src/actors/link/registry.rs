//! The article's actors: one per state, body, office and group, made on first use; organisations
//! and bodies indexed by name and initials, people by the words of their names, which join a
//! person's other mentions to them ("Khan" before or after "Aamir Khan"). Reads no word class.

use super::{starts_upper, Article, Draft, Who};
use crate::actors::gazetteer::key;
use crate::ner::Span;
use crate::text::name_words;

/// Initials of the capitalised words of a name ("Global Forum on Cyber Expertise" -> "GFCE").
fn initials(name: &str) -> String {
    name_words(name)
        .filter(|w| starts_upper(w))
        .filter_map(|w| w.chars().next())
        .collect()
}

impl Article<'_> {
    /// The one actor of a state, body, office or group, made on first use.
    pub(super) fn actor(&mut self, who: Who, name: &str) -> usize {
        debug_assert!(!matches!(who, Who::Person | Who::Org));
        if let Some(&i) = self.by_who.get(&who) {
            return i;
        }
        let i = self.push_actor(who.clone(), name.to_string());
        self.by_who.insert(who, i);
        i
    }

    /// A new actor, entered in the name indexes.
    pub(super) fn push_actor(&mut self, who: Who, name: String) -> usize {
        let i = self.actors.len();
        match who {
            Who::Org | Who::Body(_) => {
                self.by_name.insert(name.to_lowercase(), i);
                self.by_initials.insert(initials(&name), i);
            }
            Who::Person => {
                for w in name_words(&name) {
                    let list = self.by_word.entry(w.to_string()).or_default();
                    if list.last() != Some(&i) {
                        list.push(i);
                    }
                }
            }
            _ => {}
        }
        self.actors.push(Draft {
            who,
            name,
            affiliation: None,
        });
        i
    }

    pub(super) fn state_actor(&mut self, i: usize) -> usize {
        let name = self.g.states[i].name.clone();
        self.actor(Who::State(i), &name)
    }

    pub(super) fn body_actor(&mut self, i: usize) -> usize {
        let name = self.g.bodies[i].name.clone();
        self.actor(Who::Body(i), &name)
    }

    pub(super) fn person_actor(&mut self, span: &Span) -> usize {
        let name = key(&self.text[span.start_byte..span.end_byte]);
        let words: Vec<&str> = name_words(&name).collect();
        // the people who share a word with the name, latest first
        let mut candidates: Vec<usize> = words
            .iter()
            .filter_map(|w| self.by_word.get(*w))
            .flatten()
            .copied()
            .collect();
        candidates.sort_unstable_by(|a, b| b.cmp(a));
        candidates.dedup();
        let same = candidates.into_iter().find(|&a| {
            let theirs: Vec<&str> = name_words(&self.actors[a].name).collect();
            words.iter().all(|w| theirs.contains(w)) || theirs.iter().all(|w| words.contains(w))
        });
        match same {
            Some(a) => {
                if words.len() > name_words(&self.actors[a].name).count() {
                    for w in &words {
                        let list = self.by_word.entry(w.to_string()).or_default();
                        if !list.contains(&a) {
                            list.push(a);
                            list.sort_unstable();
                        }
                    }
                    self.actors[a].name = name;
                }
                a
            }
            None => self.push_actor(Who::Person, name),
        }
    }
}
