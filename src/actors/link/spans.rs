//! Pass 1, entity spans: a model span loses surrounding space, a leading "the", a trailing
//! possessive, a person's leading titles and a participle ("Estonian-led"), or is dropped (titles
//! alone, generic terms, plurals of acronyms); a masthead's ORG span takes its whole line; a
//! dateline ("UNITED NATIONS (APP):") is recognised, to stay LOC.
//!
//! Reads `models/gazetteer/words.tsv`: `span_article` (the leading "the"), `title`, `not_entity`.

use super::{starts_upper, Article};
use crate::actors::gazetteer::key;
use crate::ner::Span;

impl Article<'_> {
    pub(super) fn normalise(&self, mut s: Span) -> Option<Span> {
        let t = &self.text[s.start_byte..s.end_byte];
        if t.trim().is_empty() {
            return None;
        }
        s.start_byte += t.len() - t.trim_start().len();
        s.end_byte -= t.len() - t.trim_end().len();
        let t = &self.text[s.start_byte..s.end_byte];
        // a leading article (`span_article`), the longest one followed by space
        let name = self
            .g
            .words
            .span_article
            .iter()
            .filter_map(|a| t.strip_prefix(a.as_str()))
            .map(|rest| (rest.len(), rest.trim_start().len()))
            .filter(|&(rest, name)| name < rest && name > 0)
            .map(|(_, name)| name)
            .min();
        if let Some(name) = name {
            s.start_byte = s.end_byte - name;
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
            s.start_byte = self.after_titles(&s)?;
        }
        // "Estonian-led", "US-backed": the name, without the participle.
        let t = &self.text[s.start_byte..s.end_byte];
        if let Some((head, tail)) = t.rsplit_once('-') {
            if !tail.is_empty() && tail.chars().all(char::is_lowercase) && self.g.lookup(head).is_some() {
                s.end_byte = s.start_byte + head.len();
            }
        }
        (!self.generic(&s)).then_some(s)
    }

    /// Where a person's name starts, after its leading titles ("Ms.", "Ambassador"): titles are
    /// not part of a name, and a title alone is no entity (`None`).
    fn after_titles(&self, s: &Span) -> Option<usize> {
        let mut i = self.tok_at(s.start_byte);
        while i < self.toks.len() && self.toks[i].1 <= s.end_byte {
            let w = self.t(self.toks[i]);
            let dotted = self.text[self.toks[i].1..].starts_with('.');
            let is_title = self.g.words.title.contains(w) || (dotted && self.g.words.title.contains(&format!("{w}.")));
            if !is_title {
                break;
            }
            i += 1;
        }
        if i >= self.toks.len() || self.toks[i].0 >= s.end_byte {
            return None;
        }
        Some(s.start_byte.max(self.toks[i].0))
    }

    /// Generic technologies, plurals of acronyms ("ICTs", "CERTs") and lower-case words the
    /// gazetteer does not know are not entities.
    fn generic(&self, s: &Span) -> bool {
        let t = key(&self.text[s.start_byte..s.end_byte]);
        let plural_acronym =
            t.len() >= 3 && t.ends_with('s') && t[..t.len() - 1].chars().all(|c| c.is_ascii_uppercase());
        let lower_case = !t.chars().any(char::is_uppercase) && self.g.lookup(&t).is_none();
        t.trim().is_empty() || plural_acronym || lower_case || self.g.words.not_entity.contains(&t)
    }

    /// A masthead ([`crate::text::masthead`]) of capitalised words ("NetMag Global") holding one
    /// ORG span names the outlet whole.
    pub(super) fn masthead(&self, spans: &mut [(Span, bool)]) {
        let Some((start, end)) = crate::text::masthead(self.text) else {
            return;
        };
        if !self.text[start..end].split_whitespace().all(starts_upper) {
            return;
        }
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
    pub(super) fn is_dateline(&self, s: &Span) -> bool {
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
}
