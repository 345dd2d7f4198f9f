//! One sentence as word tokens, and what its punctuation says: whether it is a heading, whether it
//! opens or closes a quotation, whether it is one throughout.

use unicode_segmentation::UnicodeSegmentation;

pub(super) struct Sentence<'t> {
    /// Word tokens: (start, end) bytes and the lower-cased word.
    pub(super) toks: Vec<(usize, usize, String)>,
    pub(super) text: &'t str,
}

impl<'t> Sentence<'t> {
    pub(super) fn new(text: &'t str, (s, e): (usize, usize)) -> Self {
        let toks = text[s..e]
            .split_word_bound_indices()
            .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
            .map(|(i, w)| (s + i, s + i + w.len(), w.to_lowercase()))
            .collect();
        Sentence { toks, text }
    }

    pub(super) fn word(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.2.as_str())
    }

    /// Index of the first token starting at or after `byte`.
    pub(super) fn at(&self, byte: usize) -> usize {
        self.toks.partition_point(|t| t.0 < byte)
    }

    pub(super) fn gap(&self, a: usize, b: usize) -> &'t str {
        &self.text[self.toks[a].1..self.toks[b].0]
    }
}

/// Whether a sentence leaves a quotation open (more opening than closing marks, or an odd number
/// of straight quotes that starts it) and whether it closes one opened before it.
pub(super) fn quote_balance(s: &str) -> (bool, bool) {
    let open = s.matches('“').count();
    let close = s.matches('”').count();
    let straight = s.matches('"').count() % 2 == 1;
    let starts = s.trim_start().starts_with('"');
    (
        open > close || (straight && starts),
        close > open || (straight && !starts),
    )
}

/// A line without sentence punctuation at its end: a heading or a caption, not a statement.
pub(super) fn is_heading(text: &str, (s, e): (usize, usize), st: &Sentence) -> bool {
    let own_line = text[..s].ends_with(['\n']) || s == 0 || text[..s].trim_end_matches([' ', '\t']).ends_with('\n');
    let ends = text[s..e].trim_end_matches(['"', '”', '’', '\'', ')']);
    own_line && !ends.ends_with(['.', '!', '?', ':', ';']) && st.toks.len() < 20
}

/// The sentence is a quotation throughout.
pub(super) fn is_quotation(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with('“') || s.starts_with('"')) && (s.ends_with('”') || s.ends_with('"') || s.ends_with(".”"))
}
