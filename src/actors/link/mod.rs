//! The linking rules over one article, a pass each (numbered as in the [`crate::actors`] module
//! doc). `Article` holds what is known of it; `Article::run` calls the passes in this order, a file
//! each:
//! - `spans`: entity spans lose "the", titles and possessives; mastheads and datelines (pass 1);
//! - `scan`: gazetteer names the model missed (pass 3), before the names are classified;
//! - `classify`: the label and actor of each name (pass 2), with `registry` (the actors and their
//!   name indexes) and `acronyms` (acronyms and short forms, also outside entities);
//! - `affiliations`: a person's state or body (pass 5);
//! - `descriptions` and `definite`: descriptions and pronouns (pass 4), last, as "we" and "the
//!   Pakistani envoy" use affiliations.
//!
//! This file holds the article's state, the lookups every pass uses and the output (`finish`).
//!
//! Every word the rules look for is a class of `models/gazetteer/words.tsv` (`Gazetteer::words`,
//! loaded once with the gazetteer); each file's doc names the classes its rules read.

mod acronyms;
mod affiliations;
mod classify;
mod definite;
mod descriptions;
mod registry;
mod scan;
mod spans;
#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};

use super::gazetteer::{Gazetteer, Kind};
use super::{Linked, LinkedActor, LinkedEntity, MentionAt};
use crate::ner::Span;

/// How far back (bytes) a pronoun or description looks for the actor it refers to.
const PERSON_REACH: usize = 2000;
const GROUP_REACH: usize = 600;

/// What an actor is, before ids are given out.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Who {
    State(usize),
    Body(usize),
    Office(usize),
    Person,
    Org,
    Group,
}

#[derive(Debug, Clone)]
struct Draft {
    who: Who,
    name: String,
    affiliation: Option<usize>,
}

pub(crate) struct Article<'a> {
    g: &'a Gazetteer,
    text: &'a str,
    /// Word tokens (byte spans of segments with a letter or digit).
    toks: Vec<(usize, usize)>,
    actors: Vec<Draft>,
    entities: Vec<LinkedEntity>,
    /// Every name mention, sorted by start once names are classified.
    mentions: Vec<MentionAt>,
    /// Mentions that are not names, found by `descriptions`: descriptive gazetteer hits ("the
    /// Secretary-General") and descriptions and pronouns, each sorted by start.
    named_descriptions: Vec<MentionAt>,
    described: Vec<MentionAt>,
    /// Acronyms defined in the article.
    aliases: HashMap<String, Alias>,
    /// Indexes over `actors`: by identity (states, bodies, offices, the group), by lower-cased
    /// name and by initials (organisations and bodies), by word (people).
    by_who: HashMap<Who, usize>,
    by_name: HashMap<String, usize>,
    by_initials: HashMap<String, usize>,
    by_word: HashMap<String, Vec<usize>>,
}

/// What an acronym defined in the article stands for.
#[derive(Debug, Clone, Copy)]
enum Alias {
    Actor(usize),
    /// A MISC name: no actor ("Official Development Assistance (ODA)" tagged MISC).
    Misc,
}

/// Mentions longer than this (bytes) may be missed by `latest` at the edge of its reach.
const LONGEST_MENTION: usize = 1000;

/// The mention of `list` (sorted by start) that starts last among those ending at or before `pos`,
/// within `reach` bytes, whose actor satisfies `pred`.
fn latest(list: &[MentionAt], pos: usize, reach: usize, pred: &impl Fn(usize) -> bool) -> Option<MentionAt> {
    let k = list.partition_point(|m| m.start < pos);
    let floor = pos.saturating_sub(reach.saturating_add(LONGEST_MENTION));
    list[..k]
        .iter()
        .rev()
        .take_while(|m| m.start >= floor)
        .find(|m| m.end <= pos && pos - m.end <= reach && pred(m.actor))
        .copied()
}

fn starts_upper(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_uppercase)
}

/// Whether `[s, e)` overlaps one of `sorted` (sorted by start, not overlapping each other): a
/// binary search, as articles can be long.
fn overlaps_sorted(sorted: &[(usize, usize)], s: usize, e: usize) -> bool {
    let k = sorted.partition_point(|x| x.0 < e);
    k > 0 && sorted[k - 1].1 > s
}

/// A stable id from a name: lower case, runs of other characters as one `-`.
pub fn slug(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

impl<'a> Article<'a> {
    pub(crate) fn new(g: &'a Gazetteer, t: &crate::text::Text<'a>) -> Self {
        let text = t.text;
        // word tokens from the text layer, a possessive "'s" split off ("Council’s" -> "Council")
        let toks = t.words.iter().map(|w| (w.start, w.stem_end)).collect();
        Article {
            g,
            text,
            toks,
            actors: Vec::new(),
            entities: Vec::new(),
            mentions: Vec::new(),
            named_descriptions: Vec::new(),
            described: Vec::new(),
            aliases: HashMap::new(),
            by_who: HashMap::new(),
            by_name: HashMap::new(),
            by_initials: HashMap::new(),
            by_word: HashMap::new(),
        }
    }

    /// Links the article's entities (model spans, sorted): the passes in the order above.
    pub(crate) fn run(mut self, spans: &[Span]) -> Linked {
        let mut spans: Vec<(Span, bool)> = spans
            .iter()
            .filter_map(|s| self.normalise(s.clone()))
            .map(|s| (s, false))
            .collect();
        self.masthead(&mut spans);
        let descriptive = self.scan_gazetteer(&mut spans);
        spans.sort_by_key(|(s, _)| (s.start_byte, s.end_byte));
        for (span, from_gazetteer) in spans {
            self.classify(span, from_gazetteer);
        }
        self.scan_short_forms();
        self.affiliations();
        self.descriptions(&descriptive);
        self.finish()
    }

    /// The largest char boundary at or before `i` (clamped to the text).
    fn char_floor(&self, i: usize) -> usize {
        crate::text::char_floor(self.text, i)
    }

    fn t(&self, (s, e): (usize, usize)) -> &'a str {
        &self.text[s..e]
    }

    /// Index of the first token starting at or after `byte`.
    fn tok_at(&self, byte: usize) -> usize {
        self.toks.partition_point(|t| t.0 < byte)
    }

    /// The text between two tokens is only spaces.
    fn spaced(&self, a: usize, b: usize) -> bool {
        self.text[self.toks[a].1..self.toks[b].0]
            .chars()
            .all(char::is_whitespace)
    }

    /// `start` moved back over a preceding determiner from `dets` (a `words.tsv` class, lower
    /// case; matched case-insensitively), if any.
    fn with_determiner(&self, start: usize, dets: &HashSet<String>) -> usize {
        let i = self.tok_at(start);
        if i > 0 && self.text[self.toks[i - 1].1..start].chars().all(char::is_whitespace) {
            let w = self.t(self.toks[i - 1]).to_lowercase();
            if dets.contains(&w) {
                return self.toks[i - 1].0;
            }
        }
        start
    }

    /// The entity spans, sorted.
    fn entity_spans(&self) -> Vec<(usize, usize)> {
        let mut v: Vec<(usize, usize)> = self
            .entities
            .iter()
            .map(|x| (x.span.start_byte, x.span.end_byte))
            .collect();
        v.sort_unstable();
        v
    }

    /// The entities (sorted, not overlapping) that start at or after `byte`.
    fn entities_from(&self, byte: usize) -> &[LinkedEntity] {
        &self.entities[self.entities.partition_point(|x| x.span.start_byte < byte)..]
    }

    fn is_person(&self, a: usize) -> bool {
        self.actors[a].who == Who::Person
    }

    fn is_office(&self, a: usize) -> bool {
        matches!(self.actors[a].who, Who::Office(_))
    }

    /// The most recent actor (by mention, descriptions included) before `pos` that satisfies
    /// `pred`, within `reach` bytes.
    fn last_before(&self, pos: usize, reach: usize, pred: impl Fn(usize) -> bool) -> Option<usize> {
        [&self.mentions, &self.named_descriptions, &self.described]
            .into_iter()
            .filter_map(|list| latest(list, pos, reach, &pred))
            .max_by_key(|m| m.start)
            .map(|m| m.actor)
    }

    /// The output: actors that have a mention, in order of their first mention, with their ids;
    /// entities pointing to them.
    fn finish(self) -> Linked {
        let ids = self.ids();
        let mut mentions: Vec<Vec<(usize, usize)>> = vec![Vec::new(); self.actors.len()];
        for m in &self.mentions {
            mentions[m.actor].push((m.start, m.end));
        }
        let mut order: Vec<usize> = (0..self.actors.len()).filter(|&a| !mentions[a].is_empty()).collect();
        for m in &mut mentions {
            m.sort_unstable();
            m.dedup();
        }
        order.sort_by_key(|&a| mentions[a][0]);
        let new_index: HashMap<usize, usize> = order.iter().enumerate().map(|(n, &a)| (a, n)).collect();
        let actors = order
            .iter()
            .map(|&a| {
                let d = &self.actors[a];
                let (kind, code) = match d.who {
                    Who::State(i) => (Kind::State, Some(self.g.states[i].alpha3.clone())),
                    Who::Body(i) => (self.g.bodies[i].kind, None),
                    Who::Office(_) | Who::Person => (Kind::Person, None),
                    Who::Org => (Kind::Org, None),
                    Who::Group => (Kind::Group, None),
                };
                LinkedActor {
                    id: ids[a].clone(),
                    name: d.name.clone(),
                    kind,
                    code,
                    affiliation: d.affiliation.map(|x| ids[x].clone()),
                    mentions: mentions[a].clone(),
                }
            })
            .collect();
        let entities = self
            .entities
            .into_iter()
            .map(|mut x| {
                x.actor = x.actor.and_then(|a| new_index.get(&a).copied());
                x
            })
            .collect();
        Linked {
            entities,
            actors,
            voice: None,
            publisher: None,
        }
    }

    /// Each actor's id: states by code, bodies and offices by gazetteer id, others by a slug of the
    /// name; "-2", "-3"... after an id taken before.
    fn ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = Vec::with_capacity(self.actors.len());
        let mut taken: HashSet<String> = HashSet::new();
        for d in &self.actors {
            let base = match d.who {
                Who::State(i) => self.g.states[i].alpha3.clone(),
                Who::Body(i) => self.g.bodies[i].id.clone(),
                Who::Office(i) => self.g.offices[i].id.clone(),
                Who::Person | Who::Org | Who::Group => slug(&d.name),
            };
            let mut id = if base.is_empty() { "actor".to_string() } else { base };
            let mut n = 1;
            let stem = id.clone();
            while taken.contains(&id) {
                n += 1;
                id = format!("{stem}-{n}");
            }
            taken.insert(id.clone());
            ids.push(id);
        }
        ids
    }
}
