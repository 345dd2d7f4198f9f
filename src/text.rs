//! Offsets. The library works in byte offsets into the article text; the output also gives
//! Unicode code-point offsets (Python `str` / spaCy convention). [`CharOffsets`] converts between
//! them without re-searching any string.

/// Byte -> code-point offset conversion for one text. O(1) for ASCII text, O(log n) otherwise.
pub struct CharOffsets {
    /// Byte offset of every char start (empty when the text is ASCII).
    starts: Vec<u32>,
    ascii: bool,
}

impl CharOffsets {
    pub fn new(text: &str) -> Self {
        if text.is_ascii() {
            return CharOffsets {
                starts: Vec::new(),
                ascii: true,
            };
        }
        let starts = text.char_indices().map(|(b, _)| b as u32).collect();
        CharOffsets { starts, ascii: false }
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
    }
}
