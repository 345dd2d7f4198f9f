//! The two sides of `cyberstance eval`: hand labels (`corpus/README.md` format) and annotated
//! records ([`crate::record`]), read as one lenient shape and paired by `id`.
//!
//! Both are JSONL, one article per line. Fields the scorer does not use are ignored; `entities`,
//! `actors` and `stances` are each optional, and a section is scored only when every paired record
//! of both sides has its field (an empty list counts); otherwise it is reported as not scored,
//! with how many records lack it, and never as zero. Offsets are code points, end exclusive. Actor mentions may be
//! `[start, end]` pairs (gold) or objects with `start` and `end` (records). A predicted stance's
//! `actor` may be an actor id of its record's `actors`; the actor's name is then looked up.
//!
//! A record that cannot be used (malformed JSON, a reversed span, a span beyond its record's
//! `text`, an id seen before, an id on one side only, gold offsets that do not slice the text to
//! the gold entity's `text`) is an error naming file, line and id; the other articles are still
//! scored.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use serde::Deserialize;

use crate::corpus::Source;
use crate::error::{RecordError, Result};
use crate::eval::spans::LabeledSpan;
use crate::stance::Polarity;
use crate::text::CharOffsets;

/// One article of either side.
#[derive(Debug, Clone)]
pub struct Doc {
    pub id: String,
    pub source: Source,
    pub text: Option<String>,
    pub entities: Option<Vec<Entity>>,
    pub actors: Option<Vec<DocActor>>,
    pub stances: Option<Vec<Stance>>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Entity {
    pub start: usize,
    pub end: usize,
    pub label: String,
    #[serde(default)]
    pub text: Option<String>,
}

/// An actor of a [`Doc`], gold or predicted: a hand label, or a record's actor read leniently (no
/// id needed, `kind` as free text, mentions as code-point pairs). The linker's actor is
/// [`crate::actors::LinkedActor`], the output's [`crate::record::Actor`].
#[derive(Debug, Clone, Deserialize)]
pub struct DocActor {
    #[serde(default)]
    pub id: Option<String>,
    pub name: String,
    #[serde(default)]
    pub kind: Option<String>,
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default, deserialize_with = "mentions")]
    pub mentions: Vec<(usize, usize)>,
}

impl DocActor {
    /// The ISO 3166-1 alpha-3 code of a state actor (upper case); `None` for other kinds.
    pub fn state_code(&self) -> Option<String> {
        let is_state = self.kind.as_deref().is_none_or(|k| k.eq_ignore_ascii_case("state"));
        self.code
            .as_deref()
            .filter(|c| is_state && !c.is_empty())
            .map(str::to_ascii_uppercase)
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Stance {
    /// Gold: the actor's name. Records: an actor id (or a name).
    pub actor: String,
    #[serde(default)]
    pub actor_code: Option<String>,
    pub target: String,
    pub stance: Polarity,
    /// Set by [`read_docs`] from the record's actors when `actor` is one of their ids.
    #[serde(skip)]
    pub actor_name: Option<String>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum Mention {
    Pair([usize; 2]),
    Object { start: usize, end: usize },
}

fn mentions<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Vec<(usize, usize)>, D::Error> {
    let v: Vec<Mention> = Vec::deserialize(d)?;
    Ok(v.into_iter()
        .map(|m| match m {
            Mention::Pair([s, e]) => (s, e),
            Mention::Object { start, end } => (start, end),
        })
        .collect())
}

#[derive(Deserialize)]
struct Raw {
    id: String,
    #[serde(default)]
    text: Option<String>,
    #[serde(default)]
    entities: Option<Vec<Entity>>,
    #[serde(default)]
    actors: Option<Vec<DocActor>>,
    #[serde(default)]
    stances: Option<Vec<Stance>>,
}

impl Doc {
    /// Entity spans, labels renamed by `label_map`.
    pub fn spans(&self, label_map: &HashMap<String, String>) -> Vec<LabeledSpan> {
        self.entities
            .iter()
            .flatten()
            .map(|e| {
                let label = label_map.get(&e.label).unwrap_or(&e.label);
                (e.start, e.end, label.clone())
            })
            .collect()
    }

    fn parse(line: &str, source: Source) -> Result<Doc, RecordError> {
        let raw: Raw = serde_json::from_str(line).map_err(|e| {
            // Name the record when at least its id can be read.
            #[derive(Deserialize)]
            struct IdOnly {
                id: String,
            }
            let id = serde_json::from_str::<IdOnly>(line).ok().map(|r| r.id);
            RecordError::MalformedJson {
                source_: Source { id, ..source.clone() },
                message: e.to_string(),
            }
        })?;
        let mut doc = Doc {
            source: Source {
                id: Some(raw.id.clone()),
                ..source
            },
            id: raw.id,
            text: raw.text,
            entities: raw.entities,
            actors: raw.actors,
            stances: raw.stances,
        };
        doc.check_spans(doc.text.as_deref())?;
        if let (Some(stances), Some(actors)) = (&mut doc.stances, &doc.actors) {
            for s in stances {
                if let Some(a) = actors.iter().find(|a| a.id.as_deref() == Some(s.actor.as_str())) {
                    s.actor_name = Some(a.name.clone());
                    if s.actor_code.is_none() {
                        s.actor_code = a.state_code();
                    }
                }
            }
        }
        Ok(doc)
    }

    fn invalid(&self, message: String) -> RecordError {
        RecordError::Invalid {
            source_: self.source.clone(),
            message,
        }
    }

    /// Every span is `start < end`; with a `text` (this record's or the other side's), every span
    /// lies inside it and an entity's `text`, when given, is what its offsets slice.
    fn check_spans(&self, text: Option<&str>) -> Result<(), RecordError> {
        let offsets = text.map(|t| (t, CharOffsets::new(t)));
        let check = |what: String, start: usize, end: usize, expect: Option<&str>| {
            if start >= end {
                return Err(self.invalid(format!("{what} has start {start} >= end {end}")));
            }
            let Some((t, offsets)) = &offsets else {
                return Ok(());
            };
            match offsets.slice(t, start, end) {
                None => Err(self.invalid(format!(
                    "{what} [{start}, {end}) lies beyond the text ({} code points)",
                    t.chars().count()
                ))),
                Some(found) if expect.is_some_and(|x| x != found) => Err(self.invalid(format!(
                    "{what} [{start}, {end}) is {:?} but the text there is {found:?} (are both sides \
                     code-point offsets into the same text?)",
                    expect.unwrap_or_default()
                ))),
                Some(_) => Ok(()),
            }
        };
        for (i, e) in self.entities.iter().flatten().enumerate() {
            check(format!("entity {i}"), e.start, e.end, e.text.as_deref())?;
        }
        for a in self.actors.iter().flatten() {
            for &(s, e) in &a.mentions {
                check(format!("a mention of actor {:?}", a.name), s, e, None)?;
            }
        }
        Ok(())
    }
}

/// One side as read: the usable records, and an error for each line that is not.
#[derive(Debug, Default)]
pub struct Side {
    pub docs: Vec<Doc>,
    pub errors: Vec<RecordError>,
}

impl Side {
    /// Ids of the rejected records that could be read.
    fn rejected_ids(&self) -> HashSet<&str> {
        self.errors
            .iter()
            .filter_map(|e| e.source_location().id.as_deref())
            .collect()
    }
}

/// Reads a JSONL file of gold or predicted records (`-` for stdin). Records that cannot be used
/// come back as errors; the file itself failing to open or read is fatal.
pub fn read_docs(path: &Path) -> Result<Side> {
    let reader = crate::jsonl::Reader::open_records(path)?;
    let (mut docs, mut errors) = (Vec::<Doc>::new(), Vec::new());
    let mut seen: HashMap<String, usize> = HashMap::new();
    for line in reader {
        let line = match line {
            Ok(l) if l.is_blank() => continue,
            Ok(l) => l,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        let source = Source::at(path, Some(line.no));
        let parsed = crate::jsonl::text(line.content(), &source).and_then(|text| Doc::parse(text, source.clone()));
        match parsed {
            Ok(doc) => match seen.get(&doc.id) {
                Some(first) => errors.push(doc.invalid(format!("id seen before, on line {first}"))),
                None => {
                    seen.insert(doc.id.clone(), line.no);
                    docs.push(doc);
                }
            },
            Err(e) => errors.push(e),
        }
    }
    Ok(Side { docs, errors })
}

/// The articles both sides have, and what could not be paired.
#[derive(Debug, Default)]
pub struct Paired {
    /// Gold and predicted record of each id, in gold order.
    pub pairs: Vec<(Doc, Doc)>,
    /// Every problem, reading included, one per record.
    pub errors: Vec<RecordError>,
    /// Gold records (lines) that are not scored.
    pub left_out: usize,
}

/// Pairs records by id. An id on one side only, or a gold record whose offsets do not fit the
/// text, is an error and the article is left out. An article whose record was rejected on one side
/// is left out without a second error.
pub fn pair(gold: Side, pred: Side) -> Paired {
    let gold_rejected: HashSet<String> = gold.rejected_ids().into_iter().map(String::from).collect();
    let pred_rejected: HashSet<String> = pred.rejected_ids().into_iter().map(String::from).collect();
    let mut out = Paired {
        left_out: gold.errors.len(),
        ..Paired::default()
    };
    out.errors.extend(gold.errors);
    out.errors.extend(pred.errors);
    let mut by_id: HashMap<String, Doc> = pred.docs.into_iter().map(|d| (d.id.clone(), d)).collect();
    for g in gold.docs {
        let problem = match by_id.remove(&g.id) {
            None if pred_rejected.contains(&g.id) => Err(None),
            None => Err(Some(
                g.invalid("gold article has no predicted record with this id".into()),
            )),
            Some(p) => match (&g.text, &p.text) {
                (Some(gt), Some(pt)) if gt != pt => Err(Some(
                    g.invalid(format!("text differs from the predicted record's ({})", p.source)),
                )),
                _ => match g.check_spans(p.text.as_deref().or(g.text.as_deref())) {
                    Ok(()) => Ok(p),
                    Err(e) => Err(Some(e)),
                },
            },
        };
        match problem {
            Ok(p) => out.pairs.push((g, p)),
            Err(e) => {
                out.left_out += 1;
                out.errors.extend(e);
            }
        }
    }
    let mut unmatched: Vec<Doc> = by_id.into_values().filter(|d| !gold_rejected.contains(&d.id)).collect();
    unmatched.sort_by_key(|d| d.source.line);
    out.errors.extend(
        unmatched
            .into_iter()
            .map(|p| p.invalid("predicted record has no gold article with this id".into())),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p
    }

    #[test]
    fn reads_both_formats_and_reports_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let gold = write(
            dir.path(),
            "gold.jsonl",
            concat!(
                "\u{feff}{\"id\": \"a\", \"entities\": [{\"start\": 0, \"end\": 8, \"text\": \"Pakistan\", \"label\": \"GPE\"}],",
                " \"actors\": [{\"name\": \"Pakistan\", \"kind\": \"state\", \"code\": \"pak\", \"mentions\": [[0, 8]]}],",
                " \"stances\": [{\"actor\": \"Pakistan\", \"actor_code\": \"PAK\", \"target\": \"t\", \"stance\": \"support\"}]}\n",
                "\n",
                "{\"id\": \"b\", \"entities\": [{\"start\": 5, \"end\": 5, \"label\": \"PER\"}]}\n",
                "{\"id\": \"a\"}\n",
                "{\"id\": \"c\", \"stances\": [{\"actor\": \"X\", \"target\": \"t\", \"stance\": \"supports\"}]}\n",
                "not json\n",
            ),
        );
        let gold_side = read_docs(&gold).unwrap();
        let (docs, errors) = (&gold_side.docs, &gold_side.errors);
        assert_eq!(docs.len(), 1);
        assert_eq!(docs[0].actors.as_ref().unwrap()[0].state_code().as_deref(), Some("PAK"));
        let msgs: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        let at = |line: usize, id: &str| format!("gold.jsonl:{line}{id}");
        assert!(msgs[0].contains(&at(3, " (id b)")) && msgs[0].ends_with("entity 0 has start 5 >= end 5"));
        assert!(msgs[1].contains(&at(4, " (id a)")) && msgs[1].ends_with("id seen before, on line 1"));
        assert!(
            msgs[2].contains(&at(5, " (id c)")) && msgs[2].contains("unknown variant `supports`"),
            "{}",
            msgs[2]
        );
        assert!(msgs[3].contains(&at(6, ":")) && msgs[3].contains("malformed JSON"));
        assert_eq!(msgs.len(), 4);

        let pred = write(
            dir.path(),
            "pred.jsonl",
            concat!(
                "{\"id\": \"a\", \"text\": \"Pakistan said\", \"entities\": [{\"start\": 0, \"end\": 8, \"label\": \"LOC\"}],",
                " \"actors\": [{\"id\": \"PAK\", \"name\": \"Pakistan\", \"kind\": \"state\", \"code\": \"PAK\",",
                " \"mentions\": [{\"start\": 0, \"end\": 8, \"text\": \"Pakistan\"}]}],",
                " \"stances\": [{\"actor\": \"PAK\", \"target\": \"t\", \"stance\": \"oppose\"}]}\n",
                "{\"id\": \"z\", \"text\": \"x\", \"entities\": []}\n",
            ),
        );
        let pred_side = read_docs(&pred).unwrap();
        assert!(pred_side.errors.is_empty());
        let pdocs = &pred_side.docs;
        let s = &pdocs[0].stances.as_ref().unwrap()[0];
        assert_eq!(
            (s.actor_name.as_deref(), s.actor_code.as_deref()),
            (Some("Pakistan"), Some("PAK"))
        );
        assert_eq!(pdocs[0].actors.as_ref().unwrap()[0].mentions, [(0, 8)]);
        let paired = pair(gold_side, pred_side);
        assert_eq!(paired.pairs.len(), 1);
        // the 4 rejected gold lines, then pred's id z; the gold records of ids b and c were
        // rejected already, so they are left out without a second error
        assert_eq!((paired.errors.len(), paired.left_out), (5, 4));
        let e = paired.errors[4].to_string();
        assert!(
            e.contains("pred.jsonl:2 (id z)") && e.ends_with("no gold article with this id"),
            "{e}"
        );
        let map = HashMap::from([("GPE".to_string(), "LOC".to_string())]);
        assert_eq!(paired.pairs[0].0.spans(&map), [(0, 8, "LOC".to_string())]);
    }

    #[test]
    fn gold_offsets_must_slice_the_predicted_text() {
        let dir = tempfile::tempdir().unwrap();
        let gold = write(
            dir.path(),
            "g.jsonl",
            "{\"id\": \"a\", \"entities\": [{\"start\": 1, \"end\": 9, \"text\": \"Pakistan\", \"label\": \"GPE\"}]}\n\
             {\"id\": \"b\", \"entities\": [{\"start\": 0, \"end\": 3, \"label\": \"GPE\"}]}\n\
             {\"id\": \"c\"}\n",
        );
        let pred = write(
            dir.path(),
            "p.jsonl",
            "{\"id\": \"a\", \"text\": \"Pakistani\"}\n{\"id\": \"b\", \"text\": \"é\"}\n",
        );
        let paired = pair(read_docs(&gold).unwrap(), read_docs(&pred).unwrap());
        assert!(paired.pairs.is_empty());
        assert_eq!(paired.left_out, 3);
        let msgs: Vec<String> = paired.errors.iter().map(|e| e.to_string()).collect();
        assert!(
            msgs[0].contains("g.jsonl:1 (id a)") && msgs[0].contains("\"Pakistan\" but the text there is \"akistani\"")
        );
        assert!(msgs[1].contains("g.jsonl:2 (id b)") && msgs[1].ends_with("lies beyond the text (1 code points)"));
        assert!(msgs[2].contains("g.jsonl:3 (id c)") && msgs[2].ends_with("no predicted record with this id"));
    }

    #[test]
    fn a_rejected_record_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        let gold = write(dir.path(), "g.jsonl", "{\"id\": \"a\", \"entities\": []}\n");
        // the predicted entity lies beyond its own text
        let pred = write(
            dir.path(),
            "p.jsonl",
            "{\"id\": \"a\", \"text\": \"Bob\", \"entities\": [{\"start\": 0, \"end\": 9, \"label\": \"PER\"}]}\n",
        );
        let paired = pair(read_docs(&gold).unwrap(), read_docs(&pred).unwrap());
        let msgs: Vec<String> = paired.errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(msgs.len(), 1, "{msgs:?}");
        assert!(msgs[0].contains("p.jsonl:1 (id a): entity 0 [0, 9) lies beyond the text (3 code points)"));
        assert_eq!((paired.pairs.len(), paired.left_out), (0, 1));
    }
}
