//! Pass 5, affiliations: a person's state or body, from an apposition ("X, deputy permanent
//! representative of Pakistan"), "of" and a state ("X of Pakistan"), or a preceding modifier
//! ("Pakistan's ambassador X", "UN official X").
//!
//! Reads `models/gazetteer/words.tsv`: `affiliation_of` and `article` ("X of the ..."); `title`,
//! `role`, `title_preposition` and `article` (a premodifier).

use std::collections::HashMap;

use super::{Article, Who};

/// Longest apposition searched for a person's affiliation (bytes).
const APPOSITION_REACH: usize = 160;

/// Words a person's premodifier may span ("Pakistan's Deputy Permanent Representative to the UN,").
const PREMODIFIER_WORDS: usize = 10;

impl Article<'_> {
    pub(super) fn affiliations(&mut self) {
        let mut first: HashMap<usize, (usize, usize)> = HashMap::new();
        for x in &self.entities {
            if let Some(a) = x.actor {
                first.entry(a).or_insert((x.span.start_byte, x.span.end_byte));
            }
        }
        for p in 0..self.actors.len() {
            if self.actors[p].who != Who::Person || self.actors[p].affiliation.is_some() {
                continue;
            }
            let Some(&(s, e)) = first.get(&p) else { continue };
            let aff = self
                .apposition(e)
                .or_else(|| self.of_state(e))
                .or_else(|| self.premodifier(s));
            self.actors[p].affiliation = aff;
        }
    }

    fn linked_in(&self, from: usize, to: usize) -> Vec<usize> {
        self.entities_from(from)
            .iter()
            .take_while(|x| x.span.start_byte < to)
            .filter(|x| x.span.end_byte <= to)
            .filter_map(|x| x.actor)
            .filter(|&a| matches!(self.actors[a].who, Who::State(_) | Who::Body(_) | Who::Org))
            .collect()
    }

    /// "X, deputy permanent representative of Pakistan to the UN": the first state of the
    /// apposition, else its first body.
    fn apposition(&self, end: usize) -> Option<usize> {
        let rest = &self.text[end..];
        let body = rest.strip_prefix(',')?;
        let stop = body
            .find(['.', ';', '\n', '(', '“', '”', '"'])
            .unwrap_or(body.len())
            .min(APPOSITION_REACH);
        let stop = (0..=stop).rev().find(|&i| body.is_char_boundary(i)).unwrap_or(0);
        let (from, to) = (end + 1, end + 1 + stop);
        self.state_else_first(&self.linked_in(from, to))
    }

    /// "X of Pakistan": a state right after "of".
    fn of_state(&self, end: usize) -> Option<usize> {
        let rest = &self.text[end..];
        let trimmed = rest.trim_start();
        let after = self
            .g
            .words
            .affiliation_of
            .iter()
            .filter_map(|w| trimmed.strip_prefix(w.as_str()))
            .min_by_key(|after| after.len())?;
        let from = end + rest.len() - after.len();
        let x = self.entities_from(from).first()?;
        let between = self.text[from..x.span.start_byte].trim();
        let state = x.actor.filter(|&a| matches!(self.actors[a].who, Who::State(_)))?;
        let article = self.g.words.article.iter().any(|a| between.eq_ignore_ascii_case(a));
        (between.is_empty() || article).then_some(state)
    }

    /// "Pakistan's ambassador X", "Pakistani envoy X", "a Venezuelan UN ambassador, X": linked
    /// entities, titles, roles and possessives up to the name; a state among them first.
    fn premodifier(&self, start: usize) -> Option<usize> {
        let i = self.tok_at(start);
        let mut found = Vec::new();
        let mut j = i;
        // only titles so far: a comma may separate them from the rest ("Pakistan's Deputy
        // Permanent Representative to the UN, Ambassador Aamir Khan")
        let mut only_titles = true;
        let mut commas = 0;
        while j > 0 && i - j < PREMODIFIER_WORDS {
            j -= 1;
            let gap = &self.text[self.toks[j].1..self.toks[j + 1].0];
            let comma = only_titles && commas == 0 && gap.trim() == ",";
            if comma {
                commas += 1;
            } else if !self.spaced_or_possessive(j, j + 1) {
                break;
            }
            let (s, e) = self.toks[j];
            let w = self.t((s, e));
            if self.g.words.title.contains(w) {
                continue;
            }
            only_titles = false;
            // "to the UN", "of Pakistan" inside the title
            if self.g.words.role.contains(&w.to_lowercase())
                || self.g.words.title_preposition.contains(w)
                || (self.g.words.article.contains(w) && !found.is_empty())
            {
                continue;
            }
            let k = self.entities.partition_point(|x| x.span.start_byte <= s);
            match k
                .checked_sub(1)
                .map(|k| &self.entities[k])
                .filter(|x| e <= x.span.end_byte)
            {
                Some(x) => found.extend(
                    x.actor
                        .filter(|&a| matches!(self.actors[a].who, Who::State(_) | Who::Body(_))),
                ),
                None => break,
            }
        }
        self.state_else_first(&found)
    }

    /// The first state of `actors`, else the first actor.
    fn state_else_first(&self, actors: &[usize]) -> Option<usize> {
        actors
            .iter()
            .copied()
            .find(|&a| matches!(self.actors[a].who, Who::State(_)))
            .or_else(|| actors.first().copied())
    }

    fn spaced_or_possessive(&self, a: usize, b: usize) -> bool {
        let gap = &self.text[self.toks[a].1..self.toks[b].0];
        let gap = gap.strip_prefix("'s").or_else(|| gap.strip_prefix("’s")).unwrap_or(gap);
        gap.chars().all(|c| c.is_whitespace() || c == '.')
    }
}
