//! Words with exact byte offsets: the Unicode word segments (UAX #29) that hold a letter or a
//! digit. Every stage reads these instead of splitting words itself.

use unicode_segmentation::UnicodeSegmentation;

/// One word of the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The segment as UAX #29 cuts it: `[seg_start, end)`. A U+202F (narrow no-break space)
    /// joins words in UAX #29, so a segment may start with one.
    pub seg_start: usize,
    /// The word without leading white space.
    pub start: usize,
    pub end: usize,
    /// End without a possessive "'s" / "’s" ("Council’s" -> "Council").
    pub stem_end: usize,
    /// The segment, lower case.
    pub lower: String,
}

/// The words of `text`, in order.
pub fn words(text: &str) -> Vec<Word> {
    text.split_word_bound_indices()
        .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
        .map(|(i, w)| {
            let lead = w.len() - w.trim_start().len();
            let trimmed = w.trim();
            let stem = trimmed
                .strip_suffix("'s")
                .or_else(|| trimmed.strip_suffix("’s"))
                .filter(|s| !s.is_empty())
                .unwrap_or(trimmed);
            Word {
                seg_start: i,
                start: i + lead,
                end: i + w.len(),
                stem_end: i + lead + stem.len(),
                lower: w.to_lowercase(),
            }
        })
        .collect()
}

/// Lower-case words of a text for keyword matching: every run of letters and digits, so hyphens
/// and apostrophes split words too ("capacity-building" -> "capacity", "building") and spellings
/// with and without them agree.
pub fn match_words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Every segment of `text` as UAX #29 cuts it (words, spaces, punctuation), with its byte
/// offset: for layouts that keep every character (tokens with their spacing, quotation marks).
pub fn segments(text: &str) -> impl Iterator<Item = (usize, &str)> {
    text.split_word_bound_indices()
}

/// The words of a name (UAX #29 words: no punctuation, no spaces): "Ad Hoc Committee on
/// Cybercrime" -> "Ad", "Hoc", ...
pub fn name_words(name: &str) -> impl Iterator<Item = &str> {
    name.unicode_words()
}

/// Index of the first word starting at or after `byte`.
pub fn word_at(words: &[Word], byte: usize) -> usize {
    words.partition_point(|w| w.seg_start < byte)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_keep_offsets_stems_and_lower_case() {
        let text = "The Council’s view: U.S. \u{202f}Nakamitsu, 2021!";
        let w = words(text);
        let got: Vec<(&str, &str, &str)> = w
            .iter()
            .map(|w| (&text[w.start..w.end], &text[w.start..w.stem_end], w.lower.as_str()))
            .collect();
        assert_eq!(
            got,
            [
                ("The", "The", "the"),
                ("Council’s", "Council", "council’s"),
                ("view", "view", "view"),
                ("U.S", "U.S", "u.s"),
                ("Nakamitsu", "Nakamitsu", "\u{202f}nakamitsu"),
                ("2021", "2021", "2021"),
            ]
        );
        assert_eq!(word_at(&w, 4), 1);
        assert_eq!(word_at(&w, text.len()), w.len());
    }
}
