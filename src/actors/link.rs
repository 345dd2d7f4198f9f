//! The linking rules (listed in the [`crate::actors`] module doc), over one article.

use std::collections::{HashMap, HashSet};

use unicode_segmentation::UnicodeSegmentation;

use super::gazetteer::{key, Entry, Gazetteer, Kind};
use super::{Actor, Linked, LinkedEntity, MentionAt};
use crate::ner::Span;

/// How far back (bytes) a pronoun or description looks for the actor it refers to.
const PERSON_REACH: usize = 2000;
const GROUP_REACH: usize = 600;
/// Longest apposition searched for a person's affiliation (bytes).
const APPOSITION_REACH: usize = 160;
/// Words a person's premodifier may span ("Pakistan's Deputy Permanent Representative to the UN,").
const PREMODIFIER_WORDS: usize = 10;
/// Words between "the" and a role noun ("the Pakistani envoy", "the UN disarmament chief").
const MAX_MODIFIERS: usize = 3;

/// Words that may follow a role noun that ends a description ("the envoy said", "the head of").
const AFTER_ROLE: &[&str] = &[
    "of", "who", "also", "to", "and", "at", "in", "on", "for", "from", "that", "as", "then", "later", "further",
];

/// Names of US states that are also names of countries.
const US_STATES_AND_COUNTRIES: &[&str] = &["Georgia"];

/// How far a pronoun looks ahead for the name it announces, and back for an opening quote (bytes).
const CATAPHOR_REACH: usize = 200;
const QUOTE_REACH: usize = 1500;

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

fn is_word(s: &str) -> bool {
    s.chars().any(char::is_alphanumeric)
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

/// The head noun of a name, lower case: its last word before a preposition ("Ad Hoc Committee on
/// Cybercrime" -> "committee", "UN Security Council" -> "council").
fn head_noun(name: &str) -> Option<String> {
    name.unicode_words()
        .take_while(|w| !matches!(*w, "of" | "on" | "for" | "to" | "in" | "and"))
        .last()
        .map(str::to_lowercase)
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

/// Initials of the capitalised words of a name ("Global Forum on Cyber Expertise" -> "GFCE").
fn initials(name: &str) -> String {
    name.unicode_words()
        .filter(|w| starts_upper(w))
        .filter_map(|w| w.chars().next())
        .collect()
}

impl<'a> Article<'a> {
    pub(crate) fn new(g: &'a Gazetteer, text: &'a str) -> Self {
        // Word tokens, a possessive "'s" split off ("Council’s" -> "Council").
        let toks = text
            .split_word_bound_indices()
            .filter(|(_, w)| is_word(w))
            .map(|(i, w)| {
                // U+202F (narrow no-break space) joins words in UAX 29; it is space here.
                let lead = w.len() - w.trim_start().len();
                let w = w.trim();
                let stem = w
                    .strip_suffix("'s")
                    .or_else(|| w.strip_suffix("’s"))
                    .filter(|s| !s.is_empty());
                (i + lead, i + lead + stem.unwrap_or(w).len())
            })
            .collect();
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
        let mut i = i.min(self.text.len());
        while !self.text.is_char_boundary(i) {
            i -= 1;
        }
        i
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

    // ---- 1. spans ----------------------------------------------------------------------------

    fn normalise(&self, mut s: Span) -> Option<Span> {
        let t = &self.text[s.start_byte..s.end_byte];
        if t.trim().is_empty() {
            return None;
        }
        s.start_byte += t.len() - t.trim_start().len();
        s.end_byte -= t.len() - t.trim_end().len();
        let t = &self.text[s.start_byte..s.end_byte];
        if let Some(rest) = t.strip_prefix("the").or_else(|| t.strip_prefix("The")) {
            let name = rest.trim_start();
            if name.len() < rest.len() && !name.is_empty() {
                s.start_byte = s.end_byte - name.len();
            }
        }
        for poss in ["'s", "’s", "’", "'"] {
            let t = &self.text[s.start_byte..s.end_byte];
            if t.len() > poss.len() + 1 && t.ends_with(poss) {
                s.end_byte -= poss.len();
            }
        }
        if self.only_titles(&s) {
            return None;
        }
        if s.label == "PER" {
            // Leading titles are not part of a name; a title alone is no entity.
            let mut i = self.tok_at(s.start_byte);
            while i < self.toks.len() && self.toks[i].1 <= s.end_byte {
                let w = self.t(self.toks[i]);
                let dotted = self.text[self.toks[i].1..].starts_with('.');
                let is_title =
                    self.g.words.title.contains(w) || (dotted && self.g.words.title.contains(&format!("{w}.")));
                if !is_title {
                    break;
                }
                i += 1;
            }
            if i >= self.toks.len() || self.toks[i].0 >= s.end_byte {
                return None;
            }
            s.start_byte = s.start_byte.max(self.toks[i].0);
        }
        // "Estonian-led", "US-backed": the name, without the participle.
        let t = &self.text[s.start_byte..s.end_byte];
        if let Some((head, tail)) = t.rsplit_once('-') {
            if !tail.is_empty() && tail.chars().all(char::is_lowercase) && self.g.lookup(head).is_some() {
                s.end_byte = s.start_byte + head.len();
            }
        }
        // Generic technologies and plurals of acronyms ("ICTs", "CERTs") are not entities.
        let t = key(&self.text[s.start_byte..s.end_byte]);
        let plural_acronym =
            t.len() >= 3 && t.ends_with('s') && t[..t.len() - 1].chars().all(|c| c.is_ascii_uppercase());
        let lower_case = !t.chars().any(char::is_uppercase) && self.g.lookup(&t).is_none();
        if t.trim().is_empty() || plural_acronym || lower_case || self.g.words.not_entity.contains(&t) {
            return None;
        }
        Some(s)
    }

    /// A masthead: a first line of at most four capitalised words without sentence punctuation
    /// ("NetMag Global") holding one ORG span names the outlet whole.
    fn masthead(&self, spans: &mut [(Span, bool)]) {
        let start = self.text.len() - self.text.trim_start().len();
        let end = self.text[start..].find('\n').map_or(self.text.len(), |i| start + i);
        let line = self.text[start..end].trim_end();
        let words: Vec<&str> = line.split_whitespace().collect();
        if words.is_empty()
            || words.len() > 4
            || !words.iter().all(|w| starts_upper(w))
            || line.ends_with(['.', '!', '?', ':'])
        {
            return;
        }
        let end = start + line.len();
        let inside: Vec<usize> = (0..spans.len())
            .filter(|&k| spans[k].0.start_byte >= start && spans[k].0.end_byte <= end)
            .collect();
        if let [k] = inside[..] {
            if spans[k].0.label == "ORG" {
                spans[k].0.start_byte = start;
                spans[k].0.end_byte = end;
            }
        }
    }

    /// Every word of the span is a title ("Permanent Representative"): no entity.
    fn only_titles(&self, s: &Span) -> bool {
        let (a, b) = (self.tok_at(s.start_byte), self.tok_at(s.end_byte));
        b > a && self.toks[a..b].iter().all(|&t| self.g.words.title.contains(self.t(t)))
    }

    /// "UNITED NATIONS (APP):" at the start of a line: a place, in capitals, then an agency.
    fn is_dateline(&self, s: &Span) -> bool {
        // only white space between the line's start and the span (looked at back to the line's
        // start only: a text without line breaks must not be scanned back to its start each time)
        let before = self.text[..s.start_byte].trim_end_matches(|c: char| c.is_whitespace() && c != '\n');
        let t = &self.text[s.start_byte..s.end_byte];
        if !(before.is_empty() || before.ends_with('\n'))
            || t.chars().any(char::is_lowercase)
            || t.chars().filter(|c| c.is_alphabetic()).count() < 3
        {
            return false;
        }
        // then the agency in brackets, perhaps after a date ("NEW YORK, Feb 6 (AFP) -"), and a
        // colon or dash; or the colon or dash at once
        let rest = self.text[s.end_byte..].trim_start();
        let line = &rest[..rest.find('\n').unwrap_or(rest.len())];
        if let Some(close) = line.find(')').filter(|&c| c < 40 && line[..c].contains('(')) {
            return line[close + 1..].trim_start().starts_with([':', '–', '—', '-']);
        }
        rest.starts_with([':', '–', '—', '-'])
    }

    /// A US state, not a country: "the US state of Georgia", or "the state of Georgia" for a
    /// country name that is also a US state's. ("the State of Palestine" is a country.)
    fn after_state_of(&self, start: usize, end: usize) -> bool {
        let before = self.text[self.char_floor(start.saturating_sub(40))..start].trim_end();
        let Some(before) = before
            .strip_suffix("state of")
            .or_else(|| before.strip_suffix("State of"))
        else {
            return false;
        };
        let before = before.trim_end();
        ["US", "U.S.", "American", "United States"]
            .iter()
            .any(|us| before.ends_with(us))
            || US_STATES_AND_COUNTRIES.contains(&&self.text[start..end])
    }

    /// A capital that acts for its state: followed by a possessive or a verb of saying or doing
    /// ("Moscow rejected", "Canberra could", "Washington's position"), or coordinated with another
    /// state or body ("Washington and Moscow", "Washington and the European Union").
    fn acts(&self, start: usize, end: usize) -> bool {
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
            if matches!(w, "has" | "have" | "had") {
                let k = if next(i + 1).is_some_and(|x| x.ends_with("ly")) {
                    i + 2
                } else {
                    i + 1
                };
                if next(k).is_some_and(|x| x.ends_with("ed") || self.g.words.agent_verb.contains(x)) {
                    return true;
                }
            }
            if w == "and" || w == "or" {
                let k = if next(i + 1) == Some("the") { i + 2 } else { i + 1 };
                if k < self.toks.len() && self.names_an_actor(k) {
                    return true;
                }
            }
        }
        // "... and Moscow", "between Washington and Moscow"
        let b = self.tok_at(start);
        if b >= 2 && matches!(self.t(self.toks[b - 1]), "and" | "or") && self.spaced(b - 1, b) {
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

    // ---- 2. entities -------------------------------------------------------------------------

    /// The one actor of a state, body, office or group, made on first use.
    fn actor(&mut self, who: Who, name: &str) -> usize {
        debug_assert!(!matches!(who, Who::Person | Who::Org));
        if let Some(&i) = self.by_who.get(&who) {
            return i;
        }
        let i = self.push_actor(who.clone(), name.to_string());
        self.by_who.insert(who, i);
        i
    }

    /// A new actor, entered in the name indexes.
    fn push_actor(&mut self, who: Who, name: String) -> usize {
        let i = self.actors.len();
        match who {
            Who::Org | Who::Body(_) => {
                self.by_name.insert(name.to_lowercase(), i);
                self.by_initials.insert(initials(&name), i);
            }
            Who::Person => {
                for w in name.unicode_words() {
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

    fn state_actor(&mut self, i: usize) -> usize {
        let name = self.g.states[i].name.clone();
        self.actor(Who::State(i), &name)
    }

    fn body_actor(&mut self, i: usize) -> usize {
        let name = self.g.bodies[i].name.clone();
        self.actor(Who::Body(i), &name)
    }

    fn classify(&mut self, mut span: Span, from_gazetteer: bool) {
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

    /// "Full Name (ACR)": ACR names the same thing from here on.
    fn define_acronym(&mut self, end: usize, actor: Alias) {
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

    /// The most recent actor (by mention, descriptions included) before `pos` that satisfies
    /// `pred`, within `reach` bytes.
    fn last_before(&self, pos: usize, reach: usize, pred: impl Fn(usize) -> bool) -> Option<usize> {
        [&self.mentions, &self.named_descriptions, &self.described]
            .into_iter()
            .filter_map(|list| latest(list, pos, reach, &pred))
            .max_by_key(|m| m.start)
            .map(|m| m.actor)
    }

    fn org_actor(&mut self, span: &Span) -> usize {
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

    fn person_actor(&mut self, span: &Span) -> usize {
        let name = key(&self.text[span.start_byte..span.end_byte]);
        let words: Vec<&str> = name.unicode_words().collect();
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
            let theirs: Vec<&str> = self.actors[a].name.unicode_words().collect();
            words.iter().all(|w| theirs.contains(w)) || theirs.iter().all(|w| words.contains(w))
        });
        match same {
            Some(a) => {
                if words.len() > self.actors[a].name.unicode_words().count() {
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

    // ---- 3. names the model missed -----------------------------------------------------------

    /// Gazetteer names the model missed, as new entities: matched with their case, or ignoring case
    /// for names of two words or more that start with a capital. A name that covers model spans
    /// whole (the model split "High Level Panel on Digital Cooperation") replaces them. Offices and
    /// lower-case names ("an open-ended working group") come back apart, as descriptive mentions
    /// with their determiner.
    fn scan_gazetteer(&self, spans: &mut Vec<(Span, bool)>) -> Vec<(usize, usize, Entry)> {
        let mut found: Vec<Span> = Vec::new();
        let mut descriptive = Vec::new();
        // the model spans by start, with the largest end up to each: the ones overlapping a name
        // are found by binary search, so an article of one repeated name stays linear
        let mut by_start: Vec<(usize, usize)> = spans.iter().map(|(x, _)| (x.start_byte, x.end_byte)).collect();
        by_start.sort_unstable();
        let max_end: Vec<usize> = by_start
            .iter()
            .scan(0, |m, &(_, e)| {
                *m = (*m).max(e);
                Some(*m)
            })
            .collect();
        let mut i = 0;
        while i < self.toks.len() {
            let Some((j, entry)) = self.longest_name_at(i) else {
                i += 1;
                continue;
            };
            let (s, e) = (self.toks[i].0, self.toks[j].1);
            i = j + 1;
            let label = match entry {
                Entry::Office(_) => {
                    descriptive.push((self.with_determiner(s, &["the"]), e, entry));
                    continue;
                }
                Entry::Body(_) if !starts_upper(&self.text[s..e]) => {
                    descriptive.push((self.with_determiner(s, &["a", "an", "the"]), e, entry));
                    continue;
                }
                _ if !starts_upper(&self.text[s..e]) => continue,
                Entry::StateName(_) => "GPE",
                Entry::Demonym(_) => "NORP",
                Entry::Body(_) => "ORG",
                Entry::Capital(_) if self.acts(s, e) => "GPE",
                Entry::Capital(_) => continue,
            };
            let mut overlapping = Vec::new();
            let mut k = by_start.partition_point(|&(xs, _)| xs < e);
            while k > 0 && max_end[k - 1] > s {
                k -= 1;
                if by_start[k].1 > s {
                    overlapping.push(by_start[k]);
                }
            }
            let swallows = overlapping
                .iter()
                .all(|&(xs, xe)| s <= xs && xe <= e && (xs, xe) != (s, e));
            if overlapping.is_empty() || swallows {
                found.push(Span {
                    start_byte: s,
                    end_byte: e,
                    label: label.to_string(),
                    score: 1.0,
                });
            }
        }
        // names found are in text order and do not overlap: the one that could hold a span is the
        // last starting at or before it
        spans.retain(|(x, _)| {
            let k = found.partition_point(|f| f.start_byte <= x.start_byte);
            !(k > 0 && x.end_byte <= found[k - 1].end_byte)
        });
        spans.extend(found.into_iter().map(|f| (f, true)));
        descriptive
    }

    /// The longest gazetteer name starting at token `i`: its last token and entry.
    fn longest_name_at(&self, i: usize) -> Option<(usize, Entry)> {
        // "the" is left out of names ("The Netherlands" -> "Netherlands") unless it is needed
        // ("The Hague").
        if self.t(self.toks[i]).eq_ignore_ascii_case("the") && i + 1 < self.toks.len() && self.name_at(i + 1).is_some()
        {
            return None;
        }
        self.name_at(i)
    }

    /// The longest gazetteer name starting at token `i`, "the" taken as a word like any other.
    fn name_at(&self, i: usize) -> Option<(usize, Entry)> {
        let mut hit = None;
        for j in i..self.toks.len().min(i + self.g.max_words) {
            if j > i
                && self.text[self.toks[j - 1].1..self.toks[j].0]
                    .contains([',', ';', ':', '(', ')', '"', '“', '”', '\n'])
            {
                break;
            }
            let surface = &self.text[self.toks[i].0..self.toks[j].1];
            let entry = match self.g.lookup_exact(surface) {
                None if j > i && starts_upper(surface) => self.g.lookup(surface),
                exact => exact,
            };
            if let Some(entry) = entry {
                hit = Some((j, entry));
            }
        }
        hit
    }

    /// `start` moved back over a preceding determiner from `dets` (case-insensitive), if any.
    fn with_determiner(&self, start: usize, dets: &[&str]) -> usize {
        let i = self.tok_at(start);
        if i > 0 && self.text[self.toks[i - 1].1..start].chars().all(char::is_whitespace) {
            let w = self.t(self.toks[i - 1]).to_lowercase();
            if dets.contains(&w.as_str()) {
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

    /// Short forms of bodies already mentioned ("Council"), outside entities: new ORG entities.
    fn scan_short_forms(&mut self) {
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

    /// The entities (sorted, not overlapping) that start at or after `byte`.
    fn entities_from(&self, byte: usize) -> &[LinkedEntity] {
        &self.entities[self.entities.partition_point(|x| x.span.start_byte < byte)..]
    }

    /// Token `i` belongs to a longer capitalised name than a short form: a capitalised word
    /// other than a determiner right before it ("the National Assembly", "Atlantic Council"), or
    /// "of/on/for" and a capitalised word right after it ("Council on Foreign Relations").
    fn part_of_other_name(&self, i: usize) -> bool {
        if i > 0 && self.spaced(i - 1, i) {
            let w = self.t(self.toks[i - 1]);
            if starts_upper(w) && !matches!(w.to_lowercase().as_str(), "the" | "this" | "that" | "its" | "their") {
                return true;
            }
        }
        // one or two words of short form, then the preposition
        (i + 1..self.toks.len().min(i + 3)).any(|k| {
            k + 1 < self.toks.len()
                && self.spaced(k - 1, k)
                && self.spaced(k, k + 1)
                && matches!(self.t(self.toks[k]), "of" | "on" | "for")
                && starts_upper(self.t(self.toks[k + 1]))
        })
    }

    // ---- 4. descriptions and pronouns ---------------------------------------------------------

    fn is_person(&self, a: usize) -> bool {
        self.actors[a].who == Who::Person
    }

    /// Inside a quotation: the last quote mark before `pos` in its paragraph opens one.
    fn in_quote(&self, pos: usize) -> bool {
        let from = self.char_floor(pos.saturating_sub(QUOTE_REACH));
        let para = self.text[from..pos].rfind('\n').map_or(from, |i| from + i + 1);
        let before = &self.text[para..pos];
        let straight = before.matches('"').count() % 2 == 1;
        match before.rfind(['“', '”']) {
            Some(i) => before[i..].starts_with('“') || straight,
            None => straight,
        }
    }

    fn descriptions(&mut self, named: &[(usize, usize, Entry)]) {
        self.mentions.sort_unstable();
        let mut found: Vec<MentionAt> = Vec::new();
        for &(s, e, entry) in named {
            let a = match entry {
                Entry::Office(o) => {
                    let name = self.g.offices[o].name.clone();
                    self.actor(Who::Office(o), &name)
                }
                Entry::Body(b) => self.body_actor(b),
                _ => continue,
            };
            found.push(MentionAt::new(s, e, a));
        }
        found.sort_unstable();
        self.named_descriptions = found;
        let entity_spans = self.entity_spans();
        let named: Vec<(usize, usize)> = self.named_descriptions.iter().map(|f| (f.start, f.end)).collect();
        let mut i = 0;
        while i < self.toks.len() {
            let (s, e) = self.toks[i];
            if overlaps_sorted(&entity_spans, s, e) || overlaps_sorted(&named, s, e) {
                i += 1;
                continue;
            }
            let w = self.t((s, e));
            let lw = w.to_lowercase();
            let words = &self.g.words;
            let mut hit: Option<MentionAt> = None;
            // "his Excellency", "Her Majesty": a form of address, not a mention
            let address = i + 1 < self.toks.len()
                && matches!(
                    self.t(self.toks[i + 1]),
                    "Excellency" | "Majesty" | "Highness" | "Holiness"
                );
            if words.pronoun_person.contains(&lw) && !address {
                hit = self
                    .cataphor(s)
                    .or_else(|| self.last_before(s, PERSON_REACH, |a| self.is_person(a) && !self.is_office(a)))
                    .map(|actor| MentionAt::new(s, e, actor));
            } else if words.pronoun_group.contains(&lw) {
                hit = self
                    .last_before(s, GROUP_REACH, |a| self.actors[a].who == Who::Group)
                    .map(|actor| MentionAt::new(s, e, actor));
            } else if words.pronoun_we.contains(&lw) && self.in_quote(s) {
                let speaker = self.last_before(s, PERSON_REACH, |a| {
                    self.is_person(a)
                        && self.actors[a]
                            .affiliation
                            .is_some_and(|x| matches!(self.actors[x].who, Who::State(_)))
                });
                hit = speaker
                    .and_then(|p| self.actors[p].affiliation)
                    .map(|actor| MentionAt::new(s, e, actor));
            } else if words.group_role.contains(&lw) {
                let start = self.with_determiner(s, &["the"]);
                let a = self.actor(Who::Group, "panellists");
                hit = Some(MentionAt::new(start, e, a));
            } else if lw == "the" {
                hit = self.description_at(i);
            }
            match hit {
                Some(m) => {
                    self.described.push(m);
                    i = self.tok_at(m.end);
                }
                None => i += 1,
            }
        }
        let named = std::mem::take(&mut self.named_descriptions);
        let described = std::mem::take(&mut self.described);
        self.mentions.extend(named.into_iter().chain(described));
    }

    /// "In his remarks, Ambassador X said": a pronoun in a short fronted phrase refers to the first
    /// person named after the comma in the same sentence.
    fn cataphor(&self, pos: usize) -> Option<usize> {
        // at most two words since the sentence began (looked for within 60 bytes)
        let from = self.char_floor(pos.saturating_sub(60));
        let sentence_start = match self.text[from..pos].rfind(['.', '!', '?', '\n']) {
            Some(i) => from + i + 1,
            None if from == 0 => 0,
            None => return None,
        };
        if self.text[sentence_start..pos].split_whitespace().count() > 2 {
            return None;
        }
        let rest = &self.text[pos..self.char_floor(pos + CATAPHOR_REACH)];
        let comma = pos + rest.find(',').filter(|&c| c < 60)?;
        let end = pos + rest.find(['.', '!', '?', '\n']).unwrap_or(rest.len());
        let k = self.mentions.partition_point(|m| m.start <= comma);
        self.mentions[k..]
            .iter()
            .take_while(|m| m.start < end)
            .find(|m| self.is_person(m.actor) && !self.is_office(m.actor))
            .map(|m| m.actor)
    }

    fn is_office(&self, a: usize) -> bool {
        matches!(self.actors[a].who, Who::Office(_))
    }

    /// "the country", "the Pakistani envoy", "the head of the ODA" at token `i` ("the").
    fn description_at(&mut self, i: usize) -> Option<MentionAt> {
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
                if lw == "the"
                    || words.agent_verb.contains(&lw)
                    || AFTER_ROLE.contains(&lw.as_str())
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
            let mut end = self.toks[j].1;
            let mut of_state = None;
            if j + 1 < self.toks.len() && self.spaced(j, j + 1) {
                let lnext = self.t(self.toks[j + 1]).to_lowercase();
                if lnext == "of" {
                    // "the head of state" is a kind of person, not one
                    if j + 2 < self.toks.len() && matches!(self.t(self.toks[j + 2]), "state" | "government") {
                        return None;
                    }
                    // "the head of the ODA": through the body's name
                    let after = self.toks[j + 1].1;
                    let body = self.entities_from(after + 1).first().filter(|x| {
                        self.text[after..x.span.start_byte]
                            .trim()
                            .trim_start_matches("the")
                            .trim()
                            .is_empty()
                    });
                    if let Some(b) = body {
                        end = b.span.end_byte;
                        of_state = b.actor.filter(|&a| matches!(self.actors[a].who, Who::State(_)));
                    }
                }
            }
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
            // "the Pakistani envoy, Aamir Khan, said": the person named in apposition
            let appositive = self.text[end..].strip_prefix(", ").and_then(|_| {
                let x = self.entities_from(end).first()?;
                let a = x.actor.filter(|&a| self.is_person(a) && !self.is_office(a))?;
                (x.span.start_byte == end + 2).then_some(a)
            });
            let person = appositive
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
                })?;
            if let Some(st) = named_state {
                self.actors[person].affiliation.get_or_insert(st);
            }
            return Some(MentionAt::new(start, end, person));
        }
        None
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
            || AFTER_ROLE.contains(&lnext.as_str())
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
                && head_noun(&self.actors[a].name).is_some_and(|h| h == noun)
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

    // ---- 5. affiliations ---------------------------------------------------------------------

    fn affiliations(&mut self) {
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
        let linked = self.linked_in(from, to);
        linked
            .iter()
            .copied()
            .find(|&a| matches!(self.actors[a].who, Who::State(_)))
            .or_else(|| linked.first().copied())
    }

    /// "X of Pakistan": a state right after "of".
    fn of_state(&self, end: usize) -> Option<usize> {
        let rest = &self.text[end..];
        let after = rest.trim_start().strip_prefix("of")?;
        let from = end + rest.len() - after.len();
        let x = self.entities_from(from).first()?;
        let between = self.text[from..x.span.start_byte].trim();
        let state = x.actor.filter(|&a| matches!(self.actors[a].who, Who::State(_)))?;
        (between.is_empty() || between.eq_ignore_ascii_case("the")).then_some(state)
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
                || matches!(w, "to" | "of")
                || (w == "the" && !found.is_empty())
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
        found
            .iter()
            .copied()
            .find(|&a| matches!(self.actors[a].who, Who::State(_)))
            .or_else(|| found.first().copied())
    }

    fn spaced_or_possessive(&self, a: usize, b: usize) -> bool {
        let gap = &self.text[self.toks[a].1..self.toks[b].0];
        let gap = gap.strip_prefix("'s").or_else(|| gap.strip_prefix("’s")).unwrap_or(gap);
        gap.chars().all(|c| c.is_whitespace() || c == '.')
    }

    // ---- output ------------------------------------------------------------------------------

    fn finish(self) -> Linked {
        // Ids: states by code, bodies and offices by gazetteer id, others by a slug of the name.
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
                Actor {
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
        Linked { entities, actors }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::gazetteer::default_dir;
    use crate::ner::spans_in;
    use std::sync::OnceLock;

    fn gazetteer() -> &'static Gazetteer {
        static G: OnceLock<Gazetteer> = OnceLock::new();
        G.get_or_init(|| Gazetteer::load(&default_dir()).unwrap())
    }

    /// Links `text` with model spans given as (surface, label), each found after the previous.
    fn link(text: &str, spans: &[(&str, &str)]) -> Linked {
        Article::new(gazetteer(), text).run(&spans_in(text, spans))
    }

    /// (entity text, label, actor id) of every entity.
    fn entities<'t>(text: &'t str, l: &Linked) -> Vec<(&'t str, String, Option<String>)> {
        l.entities
            .iter()
            .map(|x| {
                let id = x.actor.map(|a| l.actors[a].id.clone());
                (&text[x.span.start_byte..x.span.end_byte], x.span.label.clone(), id)
            })
            .collect()
    }

    fn mentions<'t>(text: &'t str, l: &Linked, id: &str) -> Vec<&'t str> {
        let a = l
            .actors
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("actor {id}"));
        a.mentions.iter().map(|&(s, e)| &text[s..e]).collect()
    }

    fn actor<'l>(l: &'l Linked, id: &str) -> &'l Actor {
        l.actors
            .iter()
            .find(|a| a.id == id)
            .unwrap_or_else(|| panic!("actor {id}: {:?}", l.actors))
    }

    fn e(t: &str, label: &str, id: Option<&str>) -> (String, String, Option<String>) {
        (t.to_string(), label.to_string(), id.map(String::from))
    }

    fn owned(v: Vec<(&str, String, Option<String>)>) -> Vec<(String, String, Option<String>)> {
        v.into_iter().map(|(a, b, c)| (a.to_string(), b, c)).collect()
    }

    #[test]
    fn states_by_name_variant_and_nationality() {
        let t = "Pakistan and the US backed it; the Pakistani envoy and Estonian-led talks followed.";
        let l = link(
            t,
            &[
                ("Pakistan", "LOC"),
                ("the US", "LOC"),
                ("Pakistani", "MISC"),
                ("Estonian-led", "MISC"),
            ],
        );
        assert_eq!(
            owned(entities(t, &l)),
            [
                e("Pakistan", "GPE", Some("PAK")),
                e("US", "GPE", Some("USA")),
                e("Pakistani", "NORP", Some("PAK")),
                e("Estonian", "NORP", Some("EST")),
            ]
        );
        assert_eq!(actor(&l, "USA").code.as_deref(), Some("USA"));
        assert_eq!(actor(&l, "USA").kind, Kind::State);
    }

    #[test]
    fn a_capital_speaks_for_its_state_only_when_it_acts() {
        let t = "Islamabad said the talks would resume. The talks were held in Islamabad.";
        let l = link(t, &[("Islamabad", "LOC"), ("Islamabad", "LOC")]);
        assert_eq!(
            owned(entities(t, &l)),
            [e("Islamabad", "GPE", Some("PAK")), e("Islamabad", "GPE", None)]
        );
    }

    #[test]
    fn people_and_us_states_named_like_countries_are_not_countries() {
        let t = "Jordan Peterson met George Washington. Michael Jordan said so in the US state of Georgia.";
        let l = link(
            t,
            &[
                ("Jordan Peterson", "PER"),
                ("George Washington", "PER"),
                ("Michael Jordan", "PER"),
                ("US", "LOC"),
                ("Georgia", "LOC"),
            ],
        );
        let got = owned(entities(t, &l));
        assert_eq!(got[1], e("George Washington", "PER", Some("george-washington")));
        assert_eq!(got[2], e("Michael Jordan", "PER", Some("michael-jordan")));
        assert_eq!(got[4], e("Georgia", "GPE", None));
        assert!(
            l.actors.iter().all(|a| a.id != "JOR" && a.id != "GEO"),
            "{:?}",
            l.actors
        );
    }

    #[test]
    fn acronyms_defined_in_brackets_or_spelling_initials() {
        let t = "The Cyber Peace Institute (CPI) warned. CPI added that the Digital Trust Alliance and DTA agree.";
        let l = link(
            t,
            &[
                ("Cyber Peace Institute", "ORG"),
                ("CPI", "ORG"),
                ("CPI", "ORG"),
                ("Digital Trust Alliance", "ORG"),
                ("DTA", "ORG"),
            ],
        );
        assert_eq!(
            mentions(t, &l, "cyber-peace-institute"),
            ["Cyber Peace Institute", "CPI", "CPI"]
        );
        assert_eq!(
            mentions(t, &l, "digital-trust-alliance"),
            ["Digital Trust Alliance", "DTA"]
        );
        assert_eq!(actor(&l, "cyber-peace-institute").kind, Kind::Org);
        // A gazetteer body: the acronym and the full name are one actor, with the gazetteer's id.
        let t = "The Open-Ended Working Group (OEWG) met; the OEWG agreed.";
        let l = link(
            t,
            &[("Open-Ended Working Group", "ORG"), ("OEWG", "ORG"), ("OEWG", "ORG")],
        );
        assert_eq!(mentions(t, &l, "oewg"), ["Open-Ended Working Group", "OEWG", "OEWG"]);
    }

    #[test]
    fn surname_after_full_name_and_titles_left_out() {
        let t = "Ms. Kerstin Vignard opened. Vignard said Khan and Aamir Khan agreed; Mr. Khan left.";
        let l = link(
            t,
            &[
                ("Ms. Kerstin Vignard", "PER"),
                ("Vignard", "PER"),
                ("Khan", "PER"),
                ("Aamir Khan", "PER"),
                ("Mr. Khan", "PER"),
            ],
        );
        assert_eq!(mentions(t, &l, "kerstin-vignard"), ["Kerstin Vignard", "Vignard"]);
        // the surname first, the full name later: one person, named by the full name
        assert_eq!(mentions(t, &l, "aamir-khan"), ["Khan", "Aamir Khan", "Khan"]);
        // a title alone is no entity
        let l = link("Ambassador said no.", &[("Ambassador", "PER")]);
        assert!(l.entities.is_empty() && l.actors.is_empty());
    }

    #[test]
    fn the_state_of_palestine_is_a_state_and_georgia_the_state_is_not() {
        let t = "The State of Palestine and Georgia spoke; the state of Georgia did not.";
        let l = link(
            t,
            &[("State of Palestine", "LOC"), ("Georgia", "LOC"), ("Georgia", "LOC")],
        );
        let got = owned(entities(t, &l));
        assert_eq!(got[0], e("State of Palestine", "GPE", Some("PSE")));
        assert_eq!(got[1], e("Georgia", "GPE", Some("GEO")));
        assert_eq!(got[2], e("Georgia", "GPE", None));
    }

    #[test]
    fn an_acronym_the_article_defines_beats_the_gazetteer() {
        let t = "Official Development Assistance (ODA) rose. ODA will grow; so will Official Aid (OA).";
        let l = link(
            t,
            &[
                ("Official Development Assistance", "ORG"),
                ("ODA", "ORG"),
                ("Official Aid", "MISC"),
            ],
        );
        let got = owned(entities(t, &l));
        assert_eq!(got[1], e("ODA", "ORG", Some("official-development-assistance")));
        assert_eq!(got[2], e("ODA", "ORG", Some("official-development-assistance")));
        assert!(l.actors.iter().all(|a| a.id != "unoda"), "{:?}", l.actors);
        // an acronym of a MISC name is no actor either
        let t = "The Cyber Index (CI) and the CI were cited.";
        let l = link(t, &[("Cyber Index", "MISC"), ("CI", "ORG")]);
        assert_eq!(owned(entities(t, &l))[1], e("CI", "MISC", None));
    }

    #[test]
    fn short_forms_inside_other_names_are_not_the_body() {
        let t = "The UN General Assembly met. The National Assembly and the Assembly on Youth Rights did not; \
                 the Assembly did.";
        let l = link(t, &[("UN General Assembly", "ORG")]);
        assert_eq!(mentions(t, &l, "unga"), ["UN General Assembly", "Assembly"]);
        let last = t.rfind("Assembly").unwrap();
        assert_eq!(l.actors[0].mentions[1].0, last);
    }

    #[test]
    fn forms_of_address_are_not_pronouns() {
        let t = "Ms. Ana Lopez of Chile spoke. His Excellency the Ambassador of Peru thanked her.";
        let l = link(t, &[("Ana Lopez", "PER"), ("Chile", "LOC"), ("Peru", "LOC")]);
        assert_eq!(mentions(t, &l, "ana-lopez"), ["Ana Lopez", "her"]);
    }

    #[test]
    fn a_description_names_the_person_in_apposition_and_heads_of_state_are_nobody() {
        let t = "Ms. Ana Lopez spoke first. Then the Pakistani envoy, Aamir Khan, said the head of state \
                 would come.";
        let l = link(t, &[("Ana Lopez", "PER"), ("Pakistani", "MISC"), ("Aamir Khan", "PER")]);
        assert_eq!(mentions(t, &l, "aamir-khan"), ["the Pakistani envoy", "Aamir Khan"]);
        assert_eq!(actor(&l, "aamir-khan").affiliation.as_deref(), Some("PAK"));
        assert_eq!(mentions(t, &l, "ana-lopez"), ["Ana Lopez"]);
        // modifiers stop at a preposition: "the talks with the envoy" is not "the ... envoy"
        let t = "Aamir Khan spoke. The outcome of envoy talks was unclear.";
        let l = link(t, &[("Aamir Khan", "PER")]);
        assert_eq!(mentions(t, &l, "aamir-khan"), ["Aamir Khan"]);
    }

    #[test]
    fn multibyte_text_just_before_a_state_name_is_no_problem() {
        // 40 bytes back from "Pakistan" falls inside the dash
        let t = format!("—{} Pakistan said so.", "x".repeat(37));
        let l = link(&t, &[("Pakistan", "LOC")]);
        assert_eq!(owned(entities(&t, &l))[0], e("Pakistan", "GPE", Some("PAK")));
    }

    #[test]
    fn odd_spans_and_long_articles_do_not_break_the_linker() {
        // a span of spaces, a long run of "the", a long paragraph without punctuation or quotes
        let mut t = String::from("Pakistan   spoke. ");
        t.push_str(&"the ".repeat(20_000));
        t.push_str("Netherlands agreed ");
        t.push_str(&"and he said ".repeat(20_000));
        let spaces = t.find("   ").unwrap() + 1;
        let spans = vec![
            Span {
                start_byte: 0,
                end_byte: 8,
                label: "LOC".into(),
                score: 0.9,
            },
            Span {
                start_byte: spaces,
                end_byte: spaces + 2,
                label: "ORG".into(),
                score: 0.9,
            },
        ];
        let l = Article::new(gazetteer(), &t).run(&spans);
        let ids: Vec<&str> = l.actors.iter().map(|a| a.id.as_str()).collect();
        assert_eq!(ids, ["PAK", "NLD"]);
    }

    #[test]
    fn short_form_after_the_body_only() {
        let t = "The Council met. The UN Security Council then met; the Council agreed.";
        let l = link(t, &[("UN Security Council", "ORG")]);
        // the first "Council" comes before the body: not a mention
        assert_eq!(mentions(t, &l, "unsc"), ["UN Security Council", "Council"]);
        let labels: Vec<_> = owned(entities(t, &l));
        assert_eq!(labels[1], e("Council", "ORG", Some("unsc")));
        assert!(l.entities[1].from_gazetteer);
    }

    #[test]
    fn names_the_model_missed_come_from_the_gazetteer() {
        let t = "Brazil and France underlined the role of the OEWG.";
        let l = link(t, &[("France", "LOC")]);
        let got = owned(entities(t, &l));
        assert_eq!(
            got,
            [
                e("Brazil", "GPE", Some("BRA")),
                e("France", "GPE", Some("FRA")),
                e("OEWG", "ORG", Some("oewg"))
            ]
        );
        assert!(l.entities[0].from_gazetteer && !l.entities[1].from_gazetteer);
        // lower-case common words are not names: "chad" is no state
        let l = link("They will chad it.", &[]);
        assert!(l.entities.is_empty());
    }

    #[test]
    fn descriptions_refer_back() {
        let t = "Indonesia spoke first. Further, the country proposed a fund. Aamir Khan of Pakistan \
                 spoke. Later the Pakistani envoy said more, and the UN official agreed.";
        let l = link(
            t,
            &[
                ("Indonesia", "LOC"),
                ("Aamir Khan", "PER"),
                ("Pakistan", "LOC"),
                ("Pakistani", "MISC"),
                ("UN", "ORG"),
            ],
        );
        assert_eq!(mentions(t, &l, "IDN"), ["Indonesia", "the country"]);
        assert_eq!(
            mentions(t, &l, "aamir-khan"),
            ["Aamir Khan", "the Pakistani envoy", "the UN official"]
        );
        // a role noun that modifies another noun is no description
        let t = "Aamir Khan spoke. The chief concern was cost.";
        let l = link(t, &[("Aamir Khan", "PER")]);
        assert_eq!(mentions(t, &l, "aamir-khan"), ["Aamir Khan"]);
    }

    #[test]
    fn offices_and_groups() {
        let t = "Nakamitsu recalled the Secretary-General’s call. The panellists agreed; they said so.";
        let l = link(t, &[("Nakamitsu", "PER")]);
        assert_eq!(mentions(t, &l, "un-secretary-general"), ["the Secretary-General"]);
        assert_eq!(mentions(t, &l, "panellists"), ["The panellists", "they"]);
        assert_eq!(actor(&l, "panellists").kind, Kind::Group);
    }

    #[test]
    fn pronouns_follow_the_last_person_and_we_the_speakers_state() {
        let t = "Izumi Nakamitsu spoke. Moreover, she continued. “We call upon all states,” said Ambassador \
                 Aamir Khan, deputy permanent representative of Pakistan to the UN. In his remarks, he added more.";
        let l = link(
            t,
            &[
                ("Izumi Nakamitsu", "PER"),
                ("Aamir Khan", "PER"),
                ("Pakistan", "LOC"),
                ("UN", "ORG"),
            ],
        );
        assert_eq!(mentions(t, &l, "izumi-nakamitsu"), ["Izumi Nakamitsu", "she"]);
        assert_eq!(mentions(t, &l, "aamir-khan"), ["Aamir Khan", "his", "he"]);
        assert_eq!(actor(&l, "aamir-khan").affiliation.as_deref(), Some("PAK"));
        // "We" comes before the speaker is named: no state to give it to
        assert_eq!(mentions(t, &l, "PAK"), ["Pakistan"]);
        let t = "Aamir Khan of Pakistan said: “We call upon all states.”";
        let l = link(t, &[("Aamir Khan", "PER"), ("Pakistan", "LOC")]);
        assert_eq!(mentions(t, &l, "PAK"), ["Pakistan", "We"]);
    }

    #[test]
    fn affiliation_from_a_preceding_modifier() {
        let t = "Pakistan’s ambassador Aamir Khan spoke, as did a former Venezuelan UN ambassador, Diego Arria.";
        let l = link(
            t,
            &[
                ("Pakistan", "LOC"),
                ("Aamir Khan", "PER"),
                ("Venezuelan", "MISC"),
                ("UN", "ORG"),
                ("Diego Arria", "PER"),
            ],
        );
        assert_eq!(actor(&l, "aamir-khan").affiliation.as_deref(), Some("PAK"));
        assert_eq!(actor(&l, "diego-arria").affiliation.as_deref(), Some("VEN"));
    }

    #[test]
    fn datelines_generic_terms_and_regions() {
        let t = "UNITED NATIONS (APP): ICTs matter in Africa and in Geneva.";
        let l = link(
            t,
            &[
                ("UNITED NATIONS", "LOC"),
                ("APP", "ORG"),
                ("ICTs", "ORG"),
                ("Africa", "LOC"),
                ("Geneva", "LOC"),
            ],
        );
        assert_eq!(
            owned(entities(t, &l)),
            [
                e("UNITED NATIONS", "LOC", None),
                e("APP", "ORG", Some("app")),
                e("Africa", "LOC", None),
                e("Geneva", "GPE", None),
            ]
        );
    }

    #[test]
    fn capitals_act_with_modals_and_in_coordination() {
        let t = "Canberra could back it. Talks between Washington and Moscow stalled. Paris is lovely. \
                 Paris has many parks, and Tehran has largely signalled assent.";
        let spans = [
            ("Canberra", "LOC"),
            ("Washington", "LOC"),
            ("Moscow", "LOC"),
            ("Paris", "LOC"),
            ("Paris", "LOC"),
            ("Tehran", "LOC"),
        ];
        let l = link(t, &spans);
        let got = owned(entities(t, &l));
        assert_eq!(got.len(), 6, "{got:?}");
        assert_eq!(got[0], e("Canberra", "GPE", Some("AUS")));
        assert_eq!(got[1], e("Washington", "GPE", Some("USA")));
        assert_eq!(got[2], e("Moscow", "GPE", Some("RUS")));
        assert_eq!(got[3], e("Paris", "GPE", None));
        assert_eq!(got[4], e("Paris", "GPE", None));
        assert_eq!(got[5], e("Tehran", "GPE", Some("IRN")));
    }

    #[test]
    fn definite_nouns_refer_to_the_body_they_head() {
        let t = "The Ad Hoc Committee on Cybercrime met, and the committee's chair spoke. Microsoft \
                 agreed; the company’s lawyers did not. The EU said the bloc would act. The \
                 disarmament chief spoke.";
        let l = link(
            t,
            &[
                ("Ad Hoc Committee on Cybercrime", "ORG"),
                ("Microsoft", "ORG"),
                ("EU", "ORG"),
            ],
        );
        assert_eq!(
            mentions(t, &l, "ahc-cybercrime"),
            ["Ad Hoc Committee on Cybercrime", "the committee"]
        );
        assert_eq!(mentions(t, &l, "microsoft"), ["Microsoft", "the company"]);
        assert_eq!(mentions(t, &l, "eu"), ["EU", "the bloc"]);
        // "disarmament" modifies "chief": no mention of a disarmament body
        assert!(l.actors.iter().all(|a| a.mentions.len() <= 2));
    }

    #[test]
    fn dateline_with_a_date_and_title_only_spans() {
        let t = "NEW YORK, Feb 6 (AFP) - The Permanent Representative spoke.";
        let l = link(
            t,
            &[("NEW YORK", "LOC"), ("AFP", "ORG"), ("Permanent Representative", "ORG")],
        );
        assert_eq!(
            owned(entities(t, &l)),
            [e("NEW YORK", "LOC", None), e("AFP", "ORG", Some("afp"))]
        );
    }

    #[test]
    fn slugs_are_stable() {
        assert_eq!(slug("Chatham House"), "chatham-house");
        assert_eq!(slug("Kerstin\u{a0}Vignard"), "kerstin-vignard");
        assert_eq!(slug("Côte d'Ivoire  Bank"), "côte-d-ivoire-bank");
    }
}
