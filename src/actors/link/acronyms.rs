//! Acronyms and short forms: "Full Name (ACR)" defines ACR for the article; an organisation's
//! acronym or initials join the name they stand for; a body's short form ("Council") its body
//! mentioned before, also where the model found no entity, unless it is part of another name ("the
//! National Assembly", "Council on Foreign Relations").
//!
//! Reads `models/gazetteer/words.tsv`: `short_form_determiner` and `name_preposition` (a short form
//! that is part of another name).

use super::{overlaps_sorted, starts_upper, Alias, Article, Who};
use crate::actors::gazetteer::key;
use crate::actors::{LinkedEntity, MentionAt};
use crate::ner::Span;

impl Article<'_> {
    /// "Full Name (ACR)": ACR names the same thing from here on.
    pub(super) fn define_acronym(&mut self, end: usize, actor: Alias) {
        let rest = self.text[end..].trim_start_matches([' ', '\u{a0}']);
        if let Some(inner) = rest.strip_prefix('(') {
            if let Some(close) = inner.find(')') {
                let acr = &inner[..close];
                let letters = acr.chars().filter(|c| c.is_alphabetic()).count();
                if (2..=10).contains(&letters)
                    && acr.chars().all(|c| c.is_uppercase() || c.is_ascii_digit() || c == '-')
                {
                    self.aliases.insert(acr.to_string(), actor);
                }
            }
        }
    }

    pub(super) fn org_actor(&mut self, span: &Span) -> usize {
        let name = key(&self.text[span.start_byte..span.end_byte]);
        if let Some(&Alias::Actor(a)) = self.aliases.get(&name) {
            return a;
        }
        // A short form of a body mentioned before ("Council" after "Security Council").
        let bodies: Vec<usize> = self.g.bodies_with_short(&name).collect();
        if !bodies.is_empty() {
            let hit = self.last_before(
                span.start_byte,
                usize::MAX,
                |a| matches!(self.actors[a].who, Who::Body(b) if bodies.contains(&b)),
            );
            if let Some(a) = hit {
                return a;
            }
        }
        let is_acronym = (2..=8).contains(&name.chars().count()) && name.chars().all(|c| c.is_uppercase());
        let same = self.by_name.get(&name.to_lowercase()).copied();
        let same = if is_acronym {
            same.max(self.by_initials.get(&name).copied())
        } else {
            same
        };
        match same {
            Some(a) => a,
            None => self.push_actor(Who::Org, name),
        }
    }

    /// Short forms of bodies already mentioned ("Council"), outside entities: new ORG entities.
    pub(super) fn scan_short_forms(&mut self) {
        let entity_spans = self.entity_spans();
        let mut added = Vec::new();
        for (i, &(s, e)) in self.toks.iter().enumerate() {
            let w = &self.text[s..e];
            if !starts_upper(w) || overlaps_sorted(&entity_spans, s, e) || self.part_of_other_name(i) {
                continue;
            }
            // one- and two-word forms ("Council", "Working Group")
            let two = (i + 1 < self.toks.len() && self.spaced(i, i + 1)).then(|| (s, self.toks[i + 1].1));
            for (s, e) in two.into_iter().chain([(s, e)]) {
                let bodies: Vec<usize> = self.g.bodies_with_short(&self.text[s..e]).collect();
                if bodies.is_empty() {
                    continue;
                }
                let hit = self.last_before(
                    s,
                    usize::MAX,
                    |a| matches!(self.actors[a].who, Who::Body(b) if bodies.contains(&b)),
                );
                if let Some(a) = hit {
                    added.push(MentionAt::new(s, e, a));
                    break;
                }
            }
        }
        for m in added {
            self.mentions.push(m);
            self.entities.push(LinkedEntity {
                span: Span {
                    start_byte: m.start,
                    end_byte: m.end,
                    label: "ORG".into(),
                    score: 1.0,
                },
                actor: Some(m.actor),
                from_gazetteer: true,
            });
        }
        self.entities.sort_by_key(|x| (x.span.start_byte, x.span.end_byte));
    }

    /// Token `i` belongs to a longer capitalised name than a short form: a capitalised word
    /// other than a determiner right before it ("the National Assembly", "Atlantic Council"), or
    /// "of/on/for" and a capitalised word right after it ("Council on Foreign Relations").
    fn part_of_other_name(&self, i: usize) -> bool {
        if i > 0 && self.spaced(i - 1, i) {
            let w = self.t(self.toks[i - 1]);
            if starts_upper(w) && !self.g.words.short_form_determiner.contains(&w.to_lowercase()) {
                return true;
            }
        }
        // one or two words of short form, then the preposition
        (i + 1..self.toks.len().min(i + 3)).any(|k| {
            k + 1 < self.toks.len()
                && self.spaced(k - 1, k)
                && self.spaced(k, k + 1)
                && self.g.words.name_preposition.contains(self.t(self.toks[k]))
                && starts_upper(self.t(self.toks[k + 1]))
        })
    }
}
