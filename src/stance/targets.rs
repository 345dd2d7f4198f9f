//! The stance-target vocabulary: `models/targets.tsv` or the user's `--targets FILE`.
//!
//! Columns: `target` (key), `description` (one sentence); optional `exemplars` (`|`-separated
//! sentences of someone taking the position) and `keywords` (`|`-separated words or phrases, case
//! and hyphens ignored, a trailing `*` matching any ending). The description and exemplars are
//! embedded once; keywords give the lexical signal.

pub use crate::text::words::match_words;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::tsv::{list, Table};

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub key: String,
    pub description: String,
    pub exemplars: Vec<String>,
    /// Keywords as lower-case word sequences; a last word ending in `*` is a prefix.
    pub keywords: Vec<Vec<String>>,
}

/// `models/targets.tsv`, or `$CYBERSTANCE_TARGETS`.
pub fn default_file() -> PathBuf {
    crate::config::shipped("CYBERSTANCE_TARGETS", "models/targets.tsv")
}

impl Target {
    /// Whether a keyword occurs in `words` (from [`match_words`]).
    pub fn keyword_in(&self, words: &[String]) -> bool {
        self.keyword_at(words).is_some()
    }

    /// The first word of the first keyword occurrence in `words`.
    pub fn keyword_at(&self, words: &[String]) -> Option<usize> {
        self.keywords
            .iter()
            .filter_map(|k| {
                words.windows(k.len()).position(|w| {
                    k.iter().zip(w).all(|(k, w)| match k.strip_suffix('*') {
                        Some(prefix) => w.starts_with(prefix),
                        None => k == w,
                    })
                })
            })
            .min()
    }

    /// The texts embedded for this target: the description, then the exemplars.
    pub fn texts(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.description.as_str()).chain(self.exemplars.iter().map(String::as_str))
    }
}

pub fn load(path: &Path) -> Result<Vec<Target>> {
    let t = Table::read(path)?;
    let (key, description) = (t.col("target")?, t.col("description")?);
    let (exemplars, keywords) = (t.opt_col("exemplars"), t.opt_col("keywords"));
    let mut out: Vec<Target> = Vec::new();
    for (line, row) in &t.rows {
        let k = row[key].trim();
        if k.is_empty() || row[description].trim().is_empty() {
            return Err(t.error(*line, "a target needs a key and a description".into()));
        }
        if out.iter().any(|x| x.key == k) {
            return Err(t.error(*line, format!("target {k:?} appears twice")));
        }
        let cell = |c: Option<usize>| {
            c.map(|c| list(&row[c]).map(str::to_string).collect())
                .unwrap_or_default()
        };
        let keywords: Vec<String> = cell(keywords);
        out.push(Target {
            key: k.to_string(),
            description: row[description].trim().to_string(),
            exemplars: cell(exemplars),
            keywords: keywords
                .iter()
                .map(|k| {
                    let star = k.ends_with('*');
                    let mut words = match_words(k);
                    if star {
                        if let Some(last) = words.last_mut() {
                            last.push('*');
                        }
                    }
                    words
                })
                .filter(|w| !w.is_empty())
                .collect(),
        });
    }
    if out.is_empty() {
        return Err(t.error(1, "no targets".into()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_targets_load_with_keywords() {
        let targets = load(&default_file()).unwrap();
        assert!(targets.len() >= 27);
        let cb = targets.iter().find(|t| t.key == "capacity_building").unwrap();
        assert!(cb.keyword_in(&match_words("States need Capacity-Building support.")));
        assert!(cb.keyword_in(&match_words("to build capacities")));
        assert!(!cb.keyword_in(&match_words("a capable state")));
        assert_eq!(cb.texts().count(), 1 + cb.exemplars.len());
    }

    #[test]
    fn a_two_column_file_is_a_vocabulary_and_bad_files_name_their_line() {
        let dir = std::env::temp_dir().join(format!("cyberstance-targets-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("t.tsv");
        std::fs::write(&f, "target\tdescription\nspace_debris\tRules on debris in orbit.\n").unwrap();
        let t = load(&f).unwrap();
        assert_eq!(
            (t.len(), t[0].key.as_str(), t[0].keywords.len()),
            (1, "space_debris", 0)
        );
        std::fs::write(&f, "target\tdescription\na\tx\na\ty\n").unwrap();
        let e = load(&f).unwrap_err().to_string();
        assert!(e.ends_with("t.tsv:3: target \"a\" appears twice"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
