//! Sentences with exact byte offsets.

use std::collections::HashSet;

use unicode_segmentation::UnicodeSegmentation;

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

/// Byte spans of the clauses of a sentence `[s, e)`: split after semicolons and before a word of
/// `contrast` (lower case: "but", "while", "however", ...).
pub fn clauses(text: &str, (s, e): (usize, usize), contrast: &HashSet<String>) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = s;
    let sentence = &text[s..e];
    for (i, w) in sentence.split_word_bound_indices() {
        let cut = match w {
            ";" => Some(s + i + 1),
            _ if contrast.contains(&w.to_lowercase()) => Some(s + i),
            _ => None,
        };
        if let Some(c) = cut {
            if c > start {
                out.push((start, c));
                start = c;
            }
        }
    }
    if e > start {
        out.push((start, e));
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
    fn clauses_split_at_contrast() {
        let t = "France backs the OEWG; it rejects a treaty, but welcomes norms.";
        let contrast: HashSet<String> = ["but", "however"].map(String::from).into();
        let c: Vec<&str> = clauses(t, (0, t.len()), &contrast)
            .into_iter()
            .map(|(s, e)| t[s..e].trim())
            .collect();
        assert_eq!(
            c,
            ["France backs the OEWG;", "it rejects a treaty,", "but welcomes norms."]
        );
    }
}
