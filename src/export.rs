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
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::corpus::Source;
use crate::error::{Error, RecordError, Result};
use crate::outfile::{open_output, OutFile, Stale};
use crate::record::{wire_name, Record};
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
/// split further at every byte offset in `cuts` (entity boundaries, ascending), one following space folded
/// into the token before it, other whitespace kept as tokens.
pub fn tokens(text: &str, cuts: &[usize]) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for (start, seg) in crate::text::segments(text) {
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
        let inner = &cuts[cuts.partition_point(|&c| c <= start)..cuts.partition_point(|&c| c < end)];
        for &c in inner.iter().chain(std::iter::once(&end)) {
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

/// Calls `each` on every annotated record of `path` (`-` for stdin), in order, one at a time; a
/// line that is not a usable record (not UTF-8, not JSON, not a record, offsets that do not fit
/// its text) is reported with file and line and skipped. Returns how many were.
pub fn for_each_record(path: &Path, mut each: impl FnMut(Record) -> Result<()>) -> Result<usize> {
    let reader = crate::jsonl::Reader::open_records(path)?;
    let mut bad = 0;
    for line in reader {
        let record = line.and_then(|line| {
            let mut source = Source::at(path, Some(line.no));
            if line.is_blank() {
                return Ok(None);
            }
            let text = crate::jsonl::text(line.content(), &source)?;
            let r = serde_json::from_str::<Record>(text).map_err(|e| RecordError::Invalid {
                source_: source.clone(),
                message: format!("not an annotated record: {e}"),
            })?;
            source.id = Some(r.id.clone());
            r.check_offsets().map_err(|e| RecordError::Invalid {
                source_: source,
                message: format!("invalid offsets: {e}"),
            })?;
            Ok(Some(r))
        });
        match record {
            Ok(Some(r)) => each(r)?,
            Ok(None) => {}
            Err(e) => {
                bad += 1;
                eprintln!("error: {e}");
            }
        }
    }
    Ok(bad)
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

/// Every entity boundary of a record, ascending.
fn entity_cuts(r: &Record) -> Vec<usize> {
    let mut cuts: Vec<usize> = r.entities.iter().flat_map(|e| [e.start_byte, e.end_byte]).collect();
    cuts.sort_unstable();
    cuts.dedup();
    cuts
}

/// One Prodigy/spaCy task for a record.
pub fn prodigy(r: &Record) -> serde_json::Value {
    let toks = tokens(&r.text, &entity_cuts(r));
    let chars = CharOffsets::new(&r.text);
    // tokens are in text order, so both their starts and their ends ascend
    let token_at = |byte: usize| toks.binary_search_by_key(&byte, |t| t.start).ok();
    let token_ending = |byte: usize| toks.binary_search_by_key(&byte, |t| t.end).ok();
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
    let mut entities: Vec<&crate::record::Entity> = r.entities.iter().collect();
    entities.sort_by_key(|e| e.start_byte);
    let mut next = 0; // the first entity that does not end before the current token
    for t in toks.iter().filter(|t| !is_space(&r.text, t)) {
        while next < entities.len() && entities[next].end_byte <= t.start {
            next += 1;
        }
        let within = entities
            .get(next)
            .filter(|e| e.start_byte <= t.start && t.end <= e.end_byte);
        let tag = match within {
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
        // a sentence break inside an entity (a line separator such as U+0085 within a name) is
        // no break: IOB2 cannot continue an entity after a blank line
        let inside_entity = within.is_some_and(|e| t.end < e.end_byte);
        if sentence_ends.contains(&t.end) && !inside_entity {
            out.push('\n');
            open = false;
        }
    }
    if open {
        out.push('\n');
    }
    out
}

fn csv_err(path: &Path) -> impl Fn(csv::Error) -> Error + '_ {
    move |e| Error::write(path.display(), std::io::Error::other(e))
}

/// Where an export or a report goes: stdout, a device or FIFO written directly, or a regular
/// file written as `OUT.part` under a lock and renamed over OUT by [`Output::finish`] (a failed
/// run leaves OUT as it was).
pub struct Output {
    w: std::io::BufWriter<Box<dyn Write>>,
    what: String,
    atomic: Option<OutFile>,
}

impl Output {
    pub fn create(out: &str) -> Result<Self> {
        let (sink, atomic): (Box<dyn Write>, _) = if out == "-" {
            (Box::new(std::io::stdout().lock()), None)
        } else {
            let (f, atomic) = open_output(Path::new(out), Stale::Discard, false)?;
            (Box::new(f), atomic)
        };
        Ok(Output {
            w: std::io::BufWriter::new(sink),
            what: out.to_string(),
            atomic,
        })
    }

    pub fn write_all(&mut self, bytes: &[u8]) -> Result<()> {
        self.w.write_all(bytes).map_err(|e| Error::write(&self.what, e))
    }

    pub fn finish(mut self) -> Result<()> {
        self.w.flush().map_err(|e| Error::write(&self.what, e))?;
        match self.atomic.take() {
            Some(part) => part.commit(),
            None => Ok(()),
        }
    }
}

const ENTITIES: usize = 0;
const ACTORS: usize = 1;
const STANCES: usize = 2;

/// The three CSV tables in a directory, written a record at a time.
struct Tables {
    files: Vec<(csv::Writer<std::fs::File>, PathBuf, OutFile)>,
}

impl Tables {
    fn create(dir: &Path) -> Result<Self> {
        std::fs::create_dir_all(dir).map_err(Error::writing(dir))?;
        let headers: [(&str, &[&str]); 3] = [
            (
                "entities.csv",
                &["article", "start", "end", "text", "label", "score", "actor", "source"],
            ),
            (
                "actors.csv",
                &["article", "actor", "name", "kind", "code", "affiliation", "mentions"],
            ),
            (
                "stances.csv",
                &[
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
                ],
            ),
        ];
        let files = headers
            .iter()
            .map(|(name, header)| {
                let p = dir.join(name);
                let part = OutFile::open(&p, Stale::Discard, false)?;
                let mut w = csv::Writer::from_writer(part.writer()?);
                w.write_record(*header).map_err(csv_err(&p))?;
                Ok((w, p, part))
            })
            .collect::<Result<_>>()?;
        Ok(Tables { files })
    }

    fn row(&mut self, table: usize, fields: &[&str]) -> Result<()> {
        let (w, p, _) = &mut self.files[table];
        w.write_record(fields).map_err(csv_err(p))
    }

    fn add(&mut self, r: &Record) -> Result<()> {
        for e in &r.entities {
            let (start, end, score) = (e.start.to_string(), e.end.to_string(), e.score.to_string());
            let (actor, source) = (e.actor.as_deref().unwrap_or(""), e.source.as_deref().unwrap_or(""));
            self.row(
                ENTITIES,
                &[&r.id, &start, &end, &e.text, &e.label, &score, actor, source],
            )?;
        }
        for a in &r.actors {
            let (kind, mentions) = (wire_name(&a.kind), a.mentions.len().to_string());
            let (code, affiliation) = (a.code.as_deref().unwrap_or(""), a.affiliation.as_deref().unwrap_or(""));
            self.row(ACTORS, &[&r.id, &a.id, &a.name, &kind, code, affiliation, &mentions])?;
        }
        for s in r.stances.iter().flatten() {
            let score = s.score.map(|x| x.to_string()).unwrap_or_default();
            let (start, end) = (s.evidence_start.to_string(), s.evidence_end.to_string());
            let code = s.actor_code.as_deref().unwrap_or("");
            let (stance, keyword) = (wire_name(&s.stance), s.keyword.to_string());
            let fields = [
                &r.id,
                &s.actor,
                code,
                &s.target,
                &stance,
                &score,
                &keyword,
                &s.evidence,
                &start,
                &end,
            ];
            self.row(STANCES, &fields)?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<()> {
        for (w, p, _) in &mut self.files {
            w.flush().map_err(Error::writing(p))?;
        }
        // the three tables replace the old ones only once all are written
        for (_, _, part) in self.files {
            part.commit()?;
        }
        Ok(())
    }
}

/// Exports the annotated records of `input` to `out` (a file, `-` for stdout, or a directory for
/// `csv`), a record at a time. Returns (records exported, lines skipped).
pub fn export(input: &Path, format: Format, out: &str, abbreviations: &HashSet<String>) -> Result<(usize, usize)> {
    let mut n = 0;
    if format == Format::Csv {
        if out == "-" {
            return Err(Error::Option {
                option: "--format csv".into(),
                message: "writes three tables: -o must name a directory".into(),
            });
        }
        let mut tables = Tables::create(Path::new(out))?;
        let bad = for_each_record(input, |r| {
            n += 1;
            tables.add(&r)
        })?;
        tables.finish()?;
        return Ok((n, bad));
    }
    let mut w = Output::create(out)?;
    let bad = for_each_record(input, |r| {
        n += 1;
        let text = match format {
            Format::Prodigy => prodigy(&r).to_string() + "\n",
            Format::Doccano => doccano(&r).to_string() + "\n",
            Format::Conll => conll(&r, abbreviations),
            Format::Csv => unreachable!("handled above"),
        };
        w.write_all(text.as_bytes())
    })?;
    w.finish()?;
    Ok((n, bad))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans<'t>(text: &'t str, cuts: &[usize]) -> Vec<(&'t str, bool)> {
        tokens(text, cuts)
            .iter()
            .map(|t| (&text[t.start..t.end], t.ws))
            .collect()
    }

    #[test]
    fn conll_export_keeps_an_entity_whole_across_a_line_separator() {
        let text = "The United\u{85}Nations met. Kenya spoke.";
        let end = "The United\u{85}Nations".len();
        let record: Record = serde_json::from_value(serde_json::json!({
            "schema_version": 3, "id": "nel", "text": text,
            "entities": [{"start": 4, "end": 18, "start_byte": 4, "end_byte": end,
                          "text": &text[4..end], "label": "ORG", "score": 0.9}],
            "actors": [], "model": {"name": "m", "version": "1", "backend": "b"}
        }))
        .unwrap();
        let out = conll(&record, &HashSet::new());
        assert!(out.contains("United B-ORG\nNations I-ORG\n"), "{out:?}");
        // every I- tag follows a tag of its entity, never a blank line
        let lines: Vec<&str> = out.lines().collect();
        for w in lines.windows(2) {
            assert!(!(w[0].is_empty() && w[1].contains(" I-")), "{out:?}");
        }
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
        let toks = tokens(text, &[]);
        let rebuilt: String = toks
            .iter()
            .map(|t| format!("{}{}", &text[t.start..t.end], if t.ws { " " } else { "" }))
            .collect();
        assert_eq!(rebuilt, text);
    }
}
