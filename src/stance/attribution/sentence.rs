//! One sentence as word tokens, and what its punctuation says: whether it is a heading, whether it
//! opens or closes a quotation, whether it is one throughout.

use crate::text::{Text, Word};

pub(super) struct Sentence<'t> {
    /// The sentence's words, from the text layer.
    pub(super) toks: &'t [Word],
    pub(super) text: &'t str,
}

impl<'t> Sentence<'t> {
    pub(super) fn new(t: &'t Text, span: (usize, usize)) -> Self {
        Sentence {
            toks: t.words_in(span),
            text: t.text,
        }
    }

    /// Word `i`, lower case ("" past the end).
    pub(super) fn word(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.lower.as_str())
    }

    /// Index of the first token starting at or after `byte`.
    pub(super) fn at(&self, byte: usize) -> usize {
        self.toks.partition_point(|t| t.seg_start < byte)
    }

    /// The text between the end of token `a` and the start of token `b` ("" if either is past the
    /// last token, or they overlap).
    pub(super) fn gap(&self, a: usize, b: usize) -> &'t str {
        match (self.toks.get(a), self.toks.get(b)) {
            (Some(x), Some(y)) if x.end <= y.seg_start => &self.text[x.end..y.seg_start],
            _ => "",
        }
    }
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
