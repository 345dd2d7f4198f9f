//! Byte <-> code-point offsets. The library works in byte offsets into the article text; the
//! output also gives Unicode code-point offsets (Python `str` / spaCy convention).

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

#[cfg(test)]
mod tests {
    use super::*;

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
