//! `cyberstance export`: annotated JSONL into the formats other tools read.
//!
//! - `prodigy`: Prodigy / spaCy JSONL, `{"text", "tokens": [{"text", "start", "end", "id", "ws"}],
//!   "spans": [{"start", "end", "token_start", "token_end", "label"}], "meta": {"id"}}`. Offsets
//!   are code points (Python string indices); `token_end` is inclusive. Tokens follow spaCy's
//!   convention for whitespace (one trailing space is the token's `ws`; any other whitespace is a
//!   token of its own), so `spacy.tokens.Doc(vocab, words, spaces)` gives back the exact text,
//!   and every entity boundary is a token boundary.
//! - `doccano`: `{"id", "text", "labels": [[start, end, label]]}`, code points.
//! - `conll`: two-column IOB2 (`token tag`), a blank line between sentences, `-DOCSTART- O` before
//!   each article (what `cyberstance eval-conll` and most CoNLL tools read).
//! - `csv`: a directory of three flat tables for pandas or R: `entities.csv`, `actors.csv`,
//!   `stances.csv`, one row per item with its article id.
//!
//! A line that is not a record is reported (file and line) and skipped; the rest is exported.

use std::collections::HashSet;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;
use unicode_segmentation::UnicodeSegmentation;

use crate::error::{Error, Result};
use crate::record::Record;
use crate::text::CharOffsets;

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Prodigy,
    Doccano,
    Conll,
    Csv,
}

/// A word token: byte span, and whether one space follows it (spaCy's `whitespace_`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub start: usize,
    pub end: usize,
    pub ws: bool,
}

/// Tokens of `text` as spaCy lays them out: words and punctuation by Unicode word boundaries,
/// split further at every byte offset in `cuts` (entity boundaries), one following space folded
/// into the token before it, other whitespace kept as tokens.
pub fn tokens(text: &str, cuts: &HashSet<usize>) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for (start, seg) in text.split_word_bound_indices() {
        let end = start + seg.len();
        if seg.chars().all(char::is_whitespace) {
            let mut from = start;
            if let Some(prev) = out.last_mut() {
                if !prev.ws && prev.end == start && seg.starts_with(' ') {
                    prev.ws = true;
                    from += 1;
                }
            }
            if from < end {
                out.push(Token {
                    start: from,
                    end,
                    ws: false,
                });
            }
            continue;
        }
        let mut from = start;
        let mut inner: Vec<usize> = cuts.iter().copied().filter(|&c| c > start && c < end).collect();
        inner.sort_unstable();
        for c in inner.into_iter().chain(std::iter::once(end)) {
            if text.is_char_boundary(c) && c > from {
                out.push(Token {
                    start: from,
                    end: c,
                    ws: false,
                });
                from = c;
            }
        }
    }
    out
}

fn is_space(text: &str, t: &Token) -> bool {
    text[t.start..t.end].chars().all(char::is_whitespace)
}

/// Reads annotated records, reporting and skipping lines that are not records.
pub fn read_records(path: &Path) -> Result<(Vec<Record>, usize)> {
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(std::fs::File::open(path).map_err(|e| {
            Error::Read {
                path: path.to_path_buf(),
                source: e,
            }
        })?))
    };
    let (mut records, mut bad) = (Vec::new(), 0);
    for (i, line) in reader.lines().enumerate() {
        let line = line.map_err(|e| Error::Read {
            path: path.to_path_buf(),
            source: e,
        })?;
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Record>(&line) {
            Ok(r) => records.push(r),
            Err(e) => {
                bad += 1;
                eprintln!("error: {}:{}: not an annotated record: {e}", path.display(), i + 1);
            }
        }
    }
    Ok((records, bad))
}

#[derive(Serialize)]
struct ProdigyToken<'a> {
    text: &'a str,
    start: usize,
    end: usize,
    id: usize,
    ws: bool,
}

#[derive(Serialize)]
struct ProdigySpan<'a> {
    start: usize,
    end: usize,
    token_start: usize,
    token_end: usize,
    label: &'a str,
}

fn entity_cuts(r: &Record) -> HashSet<usize> {
    r.entities.iter().flat_map(|e| [e.start_byte, e.end_byte]).collect()
}

/// One Prodigy/spaCy task for a record.
pub fn prodigy(r: &Record) -> serde_json::Value {
    let toks = tokens(&r.text, &entity_cuts(r));
    let chars = CharOffsets::new(&r.text);
    let token_at = |byte: usize| toks.iter().position(|t| t.start == byte);
    let token_ending = |byte: usize| toks.iter().position(|t| t.end == byte);
    let spans: Vec<ProdigySpan> = r
        .entities
        .iter()
        .filter_map(|e| {
            Some(ProdigySpan {
                start: e.start,
                end: e.end,
                token_start: token_at(e.start_byte)?,
                token_end: token_ending(e.end_byte)?,
                label: &e.label,
            })
        })
        .collect();
    let tokens: Vec<ProdigyToken> = toks
        .iter()
        .enumerate()
        .map(|(id, t)| ProdigyToken {
            text: &r.text[t.start..t.end],
            start: chars.char_at(t.start),
            end: chars.char_at(t.end),
            id,
            ws: t.ws,
        })
        .collect();
    serde_json::json!({"text": r.text, "tokens": tokens, "spans": spans, "meta": {"id": r.id}})
}

/// One doccano sequence-labelling record.
pub fn doccano(r: &Record) -> serde_json::Value {
    let labels: Vec<(usize, usize, &str)> = r.entities.iter().map(|e| (e.start, e.end, e.label.as_str())).collect();
    serde_json::json!({"id": r.id, "text": r.text, "labels": labels})
}

/// The IOB2 lines of a record: `-DOCSTART- O`, then `token tag` per word token, a blank line
/// after each sentence.
pub fn conll(r: &Record, abbreviations: &HashSet<String>) -> String {
    let toks = tokens(&r.text, &entity_cuts(r));
    let sentence_ends: HashSet<usize> = crate::text::sentences(&r.text, abbreviations)
        .into_iter()
        .map(|(_, e)| e)
        .collect();
    let mut out = String::from("-DOCSTART- O\n\n");
    let mut open = false;
    for t in toks.iter().filter(|t| !is_space(&r.text, t)) {
        let tag = match r
            .entities
            .iter()
            .find(|e| e.start_byte <= t.start && t.end <= e.end_byte)
        {
            Some(e) if e.start_byte == t.start => format!("B-{}", e.label),
            Some(e) => format!("I-{}", e.label),
            None => "O".to_string(),
        };
        // a token's text never holds whitespace, so the two columns stay two
        out.push_str(&r.text[t.start..t.end]);
        out.push(' ');
        out.push_str(&tag);
        out.push('\n');
        open = true;
        if sentence_ends.contains(&t.end) {
            out.push('\n');
            open = false;
        }
    }
    if open {
        out.push('\n');
    }
    out
}

fn write_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |e| Error::Write {
        what: path.display().to_string(),
        source: e,
    }
}

/// Writes the three CSV tables into `dir`.
fn csv_tables(records: &[Record], dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(write_err(dir))?;
    let open = |name: &str| -> Result<(csv::Writer<std::fs::File>, PathBuf)> {
        let p = dir.join(name);
        let w = csv::Writer::from_path(&p).map_err(|e| Error::Write {
            what: p.display().to_string(),
            source: std::io::Error::other(e),
        })?;
        Ok((w, p))
    };
    let csv_err = |p: &Path| {
        let what = p.display().to_string();
        move |e: csv::Error| Error::Write {
            what: what.clone(),
            source: std::io::Error::other(e),
        }
    };
    let (mut ents, pe) = open("entities.csv")?;
    ents.write_record(["article", "start", "end", "text", "label", "score", "actor", "source"])
        .map_err(csv_err(&pe))?;
    let (mut acts, pa) = open("actors.csv")?;
    acts.write_record(["article", "actor", "name", "kind", "code", "affiliation", "mentions"])
        .map_err(csv_err(&pa))?;
    let (mut sts, ps) = open("stances.csv")?;
    sts.write_record([
        "article",
        "actor",
        "actor_code",
        "target",
        "stance",
        "score",
        "keyword",
        "evidence",
        "evidence_start",
        "evidence_end",
    ])
    .map_err(csv_err(&ps))?;
    for r in records {
        for e in &r.entities {
            ents.write_record([
                r.id.as_str(),
                &e.start.to_string(),
                &e.end.to_string(),
                &e.text,
                &e.label,
                &e.score.to_string(),
                e.actor.as_deref().unwrap_or(""),
                e.source.as_deref().unwrap_or(""),
            ])
            .map_err(csv_err(&pe))?;
        }
        for a in &r.actors {
            let kind = serde_json::to_value(a.kind)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            acts.write_record([
                r.id.as_str(),
                &a.id,
                &a.name,
                &kind,
                a.code.as_deref().unwrap_or(""),
                a.affiliation.as_deref().unwrap_or(""),
                &a.mentions.len().to_string(),
            ])
            .map_err(csv_err(&pa))?;
        }
        for s in r.stances.iter().flatten() {
            let stance = serde_json::to_value(s.stance)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            sts.write_record([
                r.id.as_str(),
                &s.actor,
                s.actor_code.as_deref().unwrap_or(""),
                &s.target,
                &stance,
                &s.score.map(|x| x.to_string()).unwrap_or_default(),
                &s.keyword.to_string(),
                &s.evidence,
                &s.evidence_start.to_string(),
                &s.evidence_end.to_string(),
            ])
            .map_err(csv_err(&ps))?;
        }
    }
    ents.flush().map_err(write_err(&pe))?;
    acts.flush().map_err(write_err(&pa))?;
    sts.flush().map_err(write_err(&ps))?;
    Ok(())
}

/// Exports `records` to `out` (a file, `-` for stdout, or a directory for `csv`).
pub fn export(records: &[Record], format: Format, out: &str, abbreviations: &HashSet<String>) -> Result<()> {
    if format == Format::Csv {
        if out == "-" {
            return Err(Error::Option {
                option: "--format csv".into(),
                message: "writes three tables: -o must name a directory".into(),
            });
        }
        return csv_tables(records, Path::new(out));
    }
    let path = PathBuf::from(out);
    let mut w: Box<dyn Write> = if out == "-" {
        Box::new(std::io::BufWriter::new(std::io::stdout().lock()))
    } else {
        Box::new(std::io::BufWriter::new(
            std::fs::File::create(&path).map_err(write_err(&path))?,
        ))
    };
    for r in records {
        let text = match format {
            Format::Prodigy => prodigy(r).to_string() + "\n",
            Format::Doccano => doccano(r).to_string() + "\n",
            Format::Conll => conll(r, abbreviations),
            Format::Csv => unreachable!("handled above"),
        };
        w.write_all(text.as_bytes()).map_err(write_err(&path))?;
    }
    w.flush().map_err(write_err(&path))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans<'t>(text: &'t str, cuts: &[usize]) -> Vec<(&'t str, bool)> {
        tokens(text, &cuts.iter().copied().collect())
            .iter()
            .map(|t| (&text[t.start..t.end], t.ws))
            .collect()
    }

    #[test]
    fn tokens_lay_whitespace_out_as_spacy_does() {
        assert_eq!(
            spans("Kenya  spoke.\nU.S. envoy", &[]),
            [
                ("Kenya", true),
                (" ", false),
                ("spoke", false),
                (".", false),
                ("\n", false),
                ("U.S", false),
                (".", true),
                ("envoy", false)
            ]
        );
        // an entity boundary inside a word splits it
        assert_eq!(spans("Pakistan's", &[8]), [("Pakistan", false), ("'s", false)]);
        // the tokens and their spaces give the text back
        let text = " \tMs. Izumi\u{a0}Nakamitsu — said:  “yes”\r\n";
        let toks = tokens(text, &HashSet::new());
        let rebuilt: String = toks
            .iter()
            .map(|t| format!("{}{}", &text[t.start..t.end], if t.ws { " " } else { "" }))
            .collect();
        assert_eq!(rebuilt, text);
    }
}
