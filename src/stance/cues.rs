//! The word classes of `models/stance/cues.tsv`: reporting verbs, polarity cues, abbreviations,
//! and the function words of the attribution patterns. Loaded once per run (`app.rs`) and passed on.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::tsv::{list, Table};

/// Closed word classes, lower case (abbreviations keep their case). Phrases are word sequences.
#[derive(Debug, Default, Clone)]
pub struct Cues {
    pub report_verb: HashSet<String>,
    pub passive_verb: HashSet<String>,
    pub verb_modifier: HashSet<String>,
    pub speaker_role: HashSet<String>,
    pub anaphor: Phrases,
    pub oppose: Phrases,
    pub neutral: Phrases,
    pub negation: HashSet<String>,
    pub support_word: HashSet<String>,
    pub threat: Phrases,
    /// Case-sensitive ("I", not "i").
    pub first_person: HashSet<String>,
    pub abbreviation: HashSet<String>,
    /// Words opening a clause of contrast (`text::clauses` cuts before them).
    pub contrast: HashSet<String>,
    pub subject_pronoun: HashSet<String>,
    pub clause_conjunction: HashSet<String>,
    pub roman_numeral: HashSet<String>,
    /// Function words of the attribution patterns (each class's use is in `cues.tsv`).
    pub framing: Phrases,
    pub framing_preposition: HashSet<String>,
    pub framing_noun: HashSet<String>,
    pub agent_preposition: HashSet<String>,
    pub verb_particle: HashSet<String>,
    pub article: HashSet<String>,
    pub clause_opener: HashSet<String>,
    pub preposition: HashSet<String>,
    pub role_preposition: HashSet<String>,
    pub conjunction: HashSet<String>,
    pub list_link: HashSet<String>,
    /// The voice of a statement (`attribution::voice`): offices of a state, header lines, venues,
    /// addresses of a delivered statement.
    pub state_office: HashSet<String>,
    pub head_role: HashSet<String>,
    pub statement_cue: Phrases,
    pub venue_preposition: HashSet<String>,
    pub determiner: HashSet<String>,
    pub statement_address: Phrases,
    /// Lists, group anaphors, conveners (`attribution`).
    pub list_intro: Phrases,
    pub list_filler: HashSet<String>,
    pub group_anaphor: Phrases,
    pub convene_verb: HashSet<String>,
    pub meeting_noun: HashSet<String>,
    pub convening_document: Phrases,
}

/// Phrases of one or more words, matched on lower-case word sequences.
#[derive(Debug, Default, Clone)]
pub struct Phrases(Vec<Vec<String>>);

impl Phrases {
    fn add(&mut self, phrase: &str) {
        let words: Vec<String> = phrase.split_whitespace().map(str::to_lowercase).collect();
        if !words.is_empty() {
            self.0.push(words);
        }
    }

    /// The number of words of the longest phrase that starts at `words[i]`, if any.
    pub fn at(&self, words: &[&str], i: usize) -> Option<usize> {
        self.0
            .iter()
            .filter(|p| p.len() <= words.len() - i && p.iter().zip(&words[i..]).all(|(a, b)| a.eq_ignore_ascii_case(b)))
            .map(Vec::len)
            .max()
    }

    /// Whether some phrase ends with `words[i]`.
    pub fn ends_at(&self, words: &[&str], i: usize) -> bool {
        self.0.iter().any(|p| {
            p.len() <= i + 1
                && p.iter()
                    .zip(&words[i + 1 - p.len()..])
                    .all(|(a, b)| a.eq_ignore_ascii_case(b))
        })
    }

    /// Whether some phrase starts anywhere in `words`; the first position if so.
    pub fn find(&self, words: &[&str]) -> Option<usize> {
        (0..words.len()).find(|&i| self.at(words, i).is_some())
    }
}

/// `models/stance/cues.tsv`, or `$CYBERSTANCE_CUES`.
pub fn default_file() -> PathBuf {
    crate::config::shipped("CYBERSTANCE_CUES", "models/stance/cues.tsv")
}

impl Cues {
    pub fn load(path: &Path) -> Result<Cues> {
        let t = Table::read(path)?;
        let (class, items) = (t.col("class")?, t.col("words")?);
        let mut c = Cues::default();
        for (line, row) in &t.rows {
            let words = list(&row[items]);
            match row[class].as_str() {
                "abbreviation" => c.abbreviation.extend(words.map(str::to_string)),
                "first_person" => c.first_person.extend(words.map(str::to_string)),
                name => {
                    let set = match name {
                        "report_verb" => &mut c.report_verb,
                        "passive_verb" => &mut c.passive_verb,
                        "verb_modifier" => &mut c.verb_modifier,
                        "speaker_role" => &mut c.speaker_role,
                        "negation" => &mut c.negation,
                        "support_word" => &mut c.support_word,
                        "contrast" => &mut c.contrast,
                        "subject_pronoun" => &mut c.subject_pronoun,
                        "clause_conjunction" => &mut c.clause_conjunction,
                        "roman_numeral" => &mut c.roman_numeral,
                        "framing_preposition" => &mut c.framing_preposition,
                        "framing_noun" => &mut c.framing_noun,
                        "agent_preposition" => &mut c.agent_preposition,
                        "verb_particle" => &mut c.verb_particle,
                        "article" => &mut c.article,
                        "clause_opener" => &mut c.clause_opener,
                        "preposition" => &mut c.preposition,
                        "role_preposition" => &mut c.role_preposition,
                        "conjunction" => &mut c.conjunction,
                        "list_link" => &mut c.list_link,
                        "state_office" => &mut c.state_office,
                        "head_role" => &mut c.head_role,
                        "venue_preposition" => &mut c.venue_preposition,
                        "determiner" => &mut c.determiner,
                        "list_filler" => &mut c.list_filler,
                        "convene_verb" => &mut c.convene_verb,
                        "meeting_noun" => &mut c.meeting_noun,
                        "anaphor" | "oppose" | "neutral" | "threat" | "framing" | "statement_cue"
                        | "statement_address" | "list_intro" | "group_anaphor" | "convening_document" => {
                            let phrases = match name {
                                "anaphor" => &mut c.anaphor,
                                "statement_cue" => &mut c.statement_cue,
                                "statement_address" => &mut c.statement_address,
                                "oppose" => &mut c.oppose,
                                "threat" => &mut c.threat,
                                "framing" => &mut c.framing,
                                "list_intro" => &mut c.list_intro,
                                "group_anaphor" => &mut c.group_anaphor,
                                "convening_document" => &mut c.convening_document,
                                _ => &mut c.neutral,
                            };
                            words.for_each(|w| phrases.add(w));
                            continue;
                        }
                        other => return Err(t.error(*line, format!("unknown cue class {other:?}"))),
                    };
                    set.extend(words.map(str::to_lowercase));
                }
            }
        }
        Ok(c)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_cues_load_and_phrases_match_whole_words() {
        let c = Cues::load(&default_file()).unwrap();
        assert!(c.report_verb.contains("underlined") && c.abbreviation.contains("U.S."));
        let words = ["there", "is", "No", "need", "for", "it"];
        assert_eq!(c.oppose.find(&words), Some(2));
        assert_eq!(c.oppose.at(&words, 2), Some(3));
        assert_eq!(c.oppose.find(&["needless"]), None);
        let words = ["in", "the", "view", "of", "chile"];
        assert!(c.framing.ends_at(&words, 3) && !c.framing.ends_at(&words, 2) && !c.framing.ends_at(&words, 0));
    }
}
