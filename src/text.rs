//! Offsets. The library works in byte offsets into the article text; the output also gives
//! Unicode code-point offsets (Python `str` / spaCy convention). [`CharOffsets`] converts between
//! them without re-searching any string. [`sentences`] splits a text into sentences with exact byte
//! offsets.

use std::collections::HashSet;

use unicode_segmentation::UnicodeSegmentation;

/// Byte <-> code-point offset conversion for one text. Byte to code point is O(1) for ASCII text,
/// O(log n) otherwise; code point to byte is O(1).
pub struct CharOffsets {
    /// Byte offset of every char start (empty when the text is ASCII).
    starts: Vec<u32>,
    ascii: bool,
    /// Text length in bytes.
    len: usize,
}

impl CharOffsets {
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharOffsets {
                starts: Vec::new(),
                ascii: true,
                len: text.len(),
            };
        }
        let starts = text.char_indices().map(|(b, _)| b as u32).collect();
        CharOffsets {
            starts,
            ascii: false,
            len: text.len(),
        }
    }

    /// Byte offset of code point `ch` (the text length for `ch` == the char count); `None` past
    /// the end.
    pub fn byte_at(&self, ch: usize) -> Option<usize> {
        if self.ascii {
            (ch <= self.len).then_some(ch)
        } else if ch == self.starts.len() {
            Some(self.len)
        } else {
            self.starts.get(ch).map(|&b| b as usize)
        }
    }

    /// `text[start..end]` in code points (Python slicing); `None` when out of range or reversed.
    pub fn slice<'t>(&self, text: &'t str, start: usize, end: usize) -> Option<&'t str> {
        let (s, e) = (self.byte_at(start)?, self.byte_at(end)?);
        text.get(s..e)
    }

    /// Code-point offset of `byte`, which must be a char boundary (or the text length).
    pub fn char_at(&self, byte: usize) -> usize {
        if self.ascii {
            byte
        } else {
            self.starts.partition_point(|&b| (b as usize) < byte)
        }
    }
}

/// Sentences of `text` as byte spans, trimmed of surrounding whitespace, in order, never empty.
///
/// Boundaries are Unicode's (UAX #29: a full stop, question or exclamation mark followed by a
/// space and a capital, or a line break), then re-joined where a full stop ends an abbreviation
/// from `abbreviations` ("Ms.", "U.S.", "No.") or a single-letter initial ("J. Smith") and the next
/// sentence does not start a new line. A line break ends a sentence, so headings and datelines
/// stand alone, unless it wraps one: a single line break after a line without sentence
/// punctuation, before a lower-case word.
pub fn sentences(text: &str, abbreviations: &HashSet<String>) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = Vec::new();
    let mut join = false;
    for (start, piece) in text.split_sentence_bound_indices() {
        let trimmed = piece.trim_start();
        let s = start + piece.len() - trimmed.len();
        let e = s + trimmed.trim_end().len();
        if e <= s {
            continue;
        }
        let gap = out.last().map_or("", |last| &text[last.1..s]);
        let breaks = gap.matches('\n').count().max(gap.matches('\r').count());
        // a line wrapped inside a sentence: one line break, no sentence punctuation before it, a
        // lower-case word after it
        let wrapped = breaks == 1
            && out
                .last()
                .is_some_and(|last| !text[last.0..last.1].ends_with(['.', '!', '?', ':', ';', '"', '”']))
            && text[s..].starts_with(|c: char| c.is_lowercase());
        match out.last_mut() {
            Some(last) if (join && breaks == 0) || wrapped => last.1 = e,
            _ => out.push((s, e)),
        }
        let sentence = &text[s..e];
        let last_word = sentence.rsplit(char::is_whitespace).next().unwrap_or("");
        let last_word = last_word.trim_start_matches(['(', '"', '“', '‘', '\'']);
        join = sentence.ends_with('.')
            && (abbreviations.contains(last_word)
                || (last_word.chars().count() == 2 && last_word.starts_with(|c: char| c.is_uppercase())));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        let abbreviations: HashSet<String> = ["Ms.", "U.S.", "No.", "Dr."].iter().map(|s| s.to_string()).collect();
        sentences(text, &abbreviations)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect()
    }

    #[test]
    fn sentences_keep_abbreviations_initials_and_exact_offsets() {
        let text = "Ms. Nakamitsu spoke to the U.S. delegation. Resolution No. 5 passed!  J. Smith agreed.\nA heading\nWhy? Because.";
        assert_eq!(
            split(text),
            [
                "Ms. Nakamitsu spoke to the U.S. delegation.",
                "Resolution No. 5 passed!",
                "J. Smith agreed.",
                "A heading",
                "Why?",
                "Because."
            ]
        );
        // offsets slice the original text, with its non-ASCII spaces and quotes
        let text = "“We agree,” she said.\u{a0}Dr. Ali did\r\nnot.";
        assert_eq!(split(text), ["“We agree,” she said.", "Dr. Ali did\r\nnot."]);
        assert!(split("  \n ").is_empty());
        // hard-wrapped lines join; a heading does not
        let text =
            "Cyber talks\nBrazil stressed that a treaty on\nstate behaviour was needed.\nIt ended. É. Dupont spoke.";
        assert_eq!(
            split(text),
            [
                "Cyber talks",
                "Brazil stressed that a treaty on\nstate behaviour was needed.",
                "It ended.",
                "É. Dupont spoke."
            ]
        );
    }

    #[test]
    fn code_points_of_mixed_text() {
        let text = "a\u{a0}é “b” 😀x\r\nz";
        let m = CharOffsets::new(text);
        for (ci, (bi, _)) in text.char_indices().enumerate() {
            assert_eq!(m.char_at(bi), ci);
        }
        assert_eq!(m.char_at(text.len()), text.chars().count());
        assert_eq!(CharOffsets::new("abc").char_at(3), 3);
        for (ci, (bi, _)) in text.char_indices().enumerate() {
            assert_eq!(m.byte_at(ci), Some(bi));
        }
        let n = text.chars().count();
        assert_eq!((m.byte_at(n), m.byte_at(n + 1)), (Some(text.len()), None));
        assert_eq!(m.slice(text, 4, 7), Some("“b”"));
        assert_eq!(m.slice(text, 7, 4), None);
        assert_eq!(CharOffsets::new("abc").slice("abc", 1, 4), None);
    }
}
