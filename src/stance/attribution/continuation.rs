//! The article's own voice: an opinion piece (the author says "we" or "I" outside quotations) with
//! a masthead speaks for the outlet in sentences without another speaker.

use unicode_segmentation::UnicodeSegmentation;

use super::Attributor;
use crate::actors::{Kind, Linked};

/// Times the author must say "we"/"I" outside quotes for an article to be an opinion piece.
const OPINION_FIRST_PERSON: usize = 2;

impl Attributor<'_> {
    /// The outlet, when the article is an opinion piece with a masthead.
    pub(super) fn opinion_outlet(&self, text: &str, sentences: &[(usize, usize)], linked: &Linked) -> Option<usize> {
        let mut first_person = 0;
        // the quotation state runs across sentences; a paragraph break ends it
        let mut quoted = false;
        let mut prev_end = 0;
        let fp = &self.cues.first_person;
        for &(s, e) in sentences {
            if text[prev_end..s].contains("\n\n") {
                quoted = false;
            }
            prev_end = e;
            let mut previous = "";
            for (_, w) in text[s..e].split_word_bound_indices() {
                if matches!(w, "“" | "”" | "\"") {
                    quoted = if w == "\"" { !quoted } else { w == "“" };
                    continue;
                }
                if w.trim().is_empty() {
                    continue;
                }
                let lower = w.to_lowercase();
                // "I" after a capitalised word is a numeral ("Annex I", "Part I")
                let pronoun_i = w == "I" && !previous.starts_with(char::is_uppercase);
                if !quoted && ((pronoun_i && fp.contains(w)) || (lower != "i" && fp.contains(&lower))) {
                    first_person += 1;
                }
                previous = w;
            }
        }
        if first_person < OPINION_FIRST_PERSON {
            return None;
        }
        let start = text.len() - text.trim_start().len();
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[start..line_end].trim();
        if line.split_whitespace().count() > 5 || line.ends_with(['.', '!', '?']) {
            return None;
        }
        linked.actors.iter().position(|a| {
            matches!(a.kind, Kind::Org | Kind::Igo) && a.mentions.iter().any(|&(s, e)| s >= start && e <= line_end)
        })
    }
}
