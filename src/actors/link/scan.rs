//! Pass 3, names the model missed: the text is scanned for the gazetteer's names, which become
//! entities (or replace model spans they cover whole); offices and lower-case body names come back
//! apart, as descriptive mentions.
//!
//! Reads `models/gazetteer/words.tsv`: `article` (left out of names, taken into an office's
//! mention), `determiner` (taken into a lower-case body's mention).

use super::{starts_upper, Article};
use crate::actors::gazetteer::Entry;
use crate::ner::Span;

/// The model spans by start, with the largest end up to each: the ones overlapping a name are found
/// by binary search, so an article of one repeated name stays linear.
struct ModelSpans {
    by_start: Vec<(usize, usize)>,
    max_end: Vec<usize>,
}

impl ModelSpans {
    fn new(spans: &[(Span, bool)]) -> Self {
        let mut by_start: Vec<(usize, usize)> = spans.iter().map(|(x, _)| (x.start_byte, x.end_byte)).collect();
        by_start.sort_unstable();
        let max_end: Vec<usize> = by_start
            .iter()
            .scan(0, |m, &(_, e)| {
                *m = (*m).max(e);
                Some(*m)
            })
            .collect();
        ModelSpans { by_start, max_end }
    }

    /// A name at `[s, e)` may be added: no model span overlaps it, or it covers whole every one that
    /// does (and is not the same span).
    fn room_for(&self, s: usize, e: usize) -> bool {
        let mut overlapping = Vec::new();
        let mut k = self.by_start.partition_point(|&(xs, _)| xs < e);
        while k > 0 && self.max_end[k - 1] > s {
            k -= 1;
            if self.by_start[k].1 > s {
                overlapping.push(self.by_start[k]);
            }
        }
        let swallows = overlapping
            .iter()
            .all(|&(xs, xe)| s <= xs && xe <= e && (xs, xe) != (s, e));
        overlapping.is_empty() || swallows
    }
}

impl Article<'_> {
    /// Gazetteer names the model missed, as new entities: matched with their case, or ignoring case
    /// for names of two words or more that start with a capital. A name that covers model spans
    /// whole (the model split "High Level Panel on Digital Cooperation") replaces them. Offices and
    /// lower-case names ("an open-ended working group") come back apart, as descriptive mentions
    /// with their determiner.
    pub(super) fn scan_gazetteer(&self, spans: &mut Vec<(Span, bool)>) -> Vec<(usize, usize, Entry)> {
        let mut found: Vec<Span> = Vec::new();
        let mut descriptive = Vec::new();
        let model = ModelSpans::new(spans);
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
                    descriptive.push((self.with_determiner(s, &self.g.words.article), e, entry));
                    continue;
                }
                Entry::Body(_) if !starts_upper(&self.text[s..e]) => {
                    descriptive.push((self.with_determiner(s, &self.g.words.determiner), e, entry));
                    continue;
                }
                _ if !starts_upper(&self.text[s..e]) => continue,
                Entry::StateName(_) => "GPE",
                Entry::Demonym(_) => "NORP",
                Entry::Body(_) => "ORG",
                Entry::Capital(_) if self.acts(s, e) => "GPE",
                Entry::Capital(_) => continue,
            };
            if model.room_for(s, e) {
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
    pub(super) fn longest_name_at(&self, i: usize) -> Option<(usize, Entry)> {
        // "the" is left out of names ("The Netherlands" -> "Netherlands") unless it is needed
        // ("The Hague").
        let w = self.t(self.toks[i]);
        let article = self.g.words.article.iter().any(|a| w.eq_ignore_ascii_case(a));
        if article && i + 1 < self.toks.len() && self.name_at(i + 1).is_some() {
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
}
