//! The text layer: what every stage reads of an article, computed once. Offsets are bytes into
//! the article text; [`CharOffsets`] converts them to code points for the output.
//! - [`words`]: the words (UAX #29 segments holding a letter or digit), with possessive stems;
//! - [`sentences`]: sentences, re-joined after abbreviations and initials;
//! - [`quotes`]: whether a position is inside a quotation;
//! - [`first_line`]: the first non-blank line (a masthead or a header).

mod offsets;
pub mod quotes;
mod sentences;
pub mod words;

use std::collections::HashSet;

pub use offsets::CharOffsets;
pub use sentences::{clauses, sentences};
pub use words::{name_words, segments, word_at, Word};

/// One article's text, split once.
pub struct Text<'a> {
    pub text: &'a str,
    pub words: Vec<Word>,
    /// Sentences as byte spans, in order.
    pub sentences: Vec<(usize, usize)>,
}

impl Text<'_> {
    /// The words of the sentence (or any stretch) `[s, e)`: those that start inside it.
    pub fn words_in(&self, (s, e): (usize, usize)) -> &[Word] {
        let from = word_at(&self.words, s);
        let to = from + self.words[from..].partition_point(|w| w.seg_start < e);
        &self.words[from..to]
    }
}

impl<'a> Text<'a> {
    /// Splits `text`; `abbreviations` end no sentence ("Ms.", "U.S.").
    pub fn new(text: &'a str, abbreviations: &HashSet<String>) -> Self {
        Text {
            text,
            words: words::words(text),
            sentences: sentences(text, abbreviations),
        }
    }
}

/// The first line that is not blank: from its first non-white character to the line break (or
/// the end), as byte offsets; the line is not trimmed at its end.
pub fn first_line(text: &str) -> (usize, usize) {
    let start = text.len() - text.trim_start().len();
    let end = text[start..].find('\n').map_or(text.len(), |i| start + i);
    (start, end)
}

/// The largest char boundary of `text` at or before byte `i` (clamped to the text).
pub fn char_floor(text: &str, i: usize) -> usize {
    let mut i = i.min(text.len());
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Most words a masthead line has ("NetMag Global", "Associated Press of Pakistan").
pub const MASTHEAD_WORDS: usize = 5;

/// The masthead: the first non-blank line, trimmed, when it is short (1 to [`MASTHEAD_WORDS`]
/// words) and ends no sentence (no `.`, `!`, `?` or `:` at its end). The linker names the outlet
/// from it and attribution gives an opinion piece's own voice to that outlet.
pub fn masthead(text: &str) -> Option<(usize, usize)> {
    let (start, end) = first_line(text);
    let line = text[start..end].trim_end();
    let words = line.split_whitespace().count();
    ((1..=MASTHEAD_WORDS).contains(&words) && !line.ends_with(['.', '!', '?', ':']))
        .then_some((start, start + line.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_line_skips_blank_lines_and_keeps_offsets() {
        let text = "\n  NetMag Global \nBody";
        let (s, e) = first_line(text);
        assert_eq!(&text[s..e], "NetMag Global ");
        assert_eq!(first_line("one line"), (0, 8));
        assert_eq!(masthead(text), Some((3, 16)));
        assert_eq!(masthead("Statement by:\nText"), None);
        assert_eq!(masthead("A long first line of seven words here\nx"), None);
        let t = Text::new(
            "Ms. Li spoke. Then \u{201c}we\u{201d} left.",
            &["Ms.".to_string()].into(),
        );
        assert_eq!(t.sentences.len(), 2);
        assert_eq!(t.words.len(), 6);
    }
}
