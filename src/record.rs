//! The output wire format: one JSON object per line (JSONL), one line per input article, in input
//! order. Tests parse it back with these types.
//!
//! ```json
//! {"schema_version": 3,
//!  "id": "003_99c002cf2c6bae32",            // from the input (file stem, or the JSONL `id`)
//!  "text": "Pakistan seeks steps ...",       // the article text as read (BOM removed)
//!  "meta": {"url": "..."},                   // other JSONL fields, byte for byte, in order; omitted if none
//!                                            // (`speaker`, `speaker_code`, `publisher` also set the voice:
//!                                            // `corpus::Voices`)
//!  "bom_removed": true,                      // only present when a UTF-8 BOM was stripped
//!  "entities": [{"start": 0, "end": 8,       // Unicode code points into `text`, end exclusive
//!                "start_byte": 0, "end_byte": 8,   // the same span in UTF-8 bytes
//!                "text": "Pakistan",         // == text[start:end]
//!                "label": "GPE",             // PER | ORG | GPE | NORP | LOC | MISC
//!                "score": 0.9981,            // mean probability of the span's word labels
//!                "actor": "PAK",             // the actor it names; omitted if none
//!                "source": "gazetteer"}],    // only for names the model missed (score 1)
//!  "actors": [{"id": "PAK",                  // ISO3 for states, gazetteer id for bodies, else a slug
//!              "name": "Pakistan",
//!              "kind": "state",              // state | igo | org | person | group
//!              "code": "PAK",                // ISO 3166-1 alpha-3 for states, else null
//!              "affiliation": null,          // for people: the actor id they speak for
//!              "mentions": [{"start": 0, "end": 8, "start_byte": 0, "end_byte": 8, "text": "Pakistan"}]}],
//!  "stances": [{"actor": "PAK",              // the actor id holding the position (a state for its envoy)
//!               "actor_code": "PAK",         // ISO3 when the actor is a state, else null
//!               "target": "binding_instrument",   // a key of the targets file
//!               "stance": "support",         // support | oppose | neutral
//!               "score": 0.6123,             // cosine of the evidence with the target; null when keywords
//!                                            // decided and the encoder did not read the sentence
//!               "keyword": true,             // a keyword of the target occurs in the evidence
//!               "evidence": "A legally-binding instrument ...",  // the sentence, == text[evidence_start:evidence_end]
//!               "evidence_start": 126, "evidence_end": 410, "evidence_start_byte": 126, "evidence_end_byte": 412}],
//!  "model": {"name": "ner-minilm-conll03", "version": "1.0.0", "backend": "onnxruntime",
//!            "run": {"fingerprint": "1f0c...", "ner": "...", "encoder": "...", "gazetteer": "...",
//!                    "targets": "...", "cues": "...", "stance_config": "...", "options": "..."}}}
//! ```
//! `schema_version` changes whenever a field changes meaning or is removed; adding a field does not.
//! Version 3: a stance's `score` is null when the encoder did not embed its evidence.
//! Version 2: labels GPE and NORP (countries and cities are no longer LOC), `actors`, `entity.actor`.
//! `stances` was added in version 2 (absent with `--no-stances`).

use serde::{Deserialize, Serialize};

use crate::corpus::Meta;

pub const SCHEMA_VERSION: u32 = 3;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Record {
    pub schema_version: u32,
    pub id: String,
    pub text: String,
    #[serde(default, skip_serializing_if = "Meta::is_empty")]
    pub meta: Meta,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub bom_removed: bool,
    pub entities: Vec<Entity>,
    pub actors: Vec<Actor>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stances: Option<Vec<Stance>>,
    /// The attributed sentences (`annotate --statements`), for debugging attribution and for
    /// building training data.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub statements: Option<Vec<StatementRecord>>,
    /// The links of actors to sentences the learned decision weighs, with their features and
    /// probability (`annotate --statements`), for training it (`scripts/model/train_links.py`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<LinkRecord>>,
    pub model: ModelInfo,
}

/// One link of an actor to a sentence that the learned decision weighs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LinkRecord {
    /// The actor's id.
    pub actor: String,
    /// Index into the record's `statements` (every sentence).
    pub sentence: usize,
    /// The probability that the actor takes the sentence's positions (none without the link model).
    pub score: Option<f64>,
    /// The features' values, by name (`src/stance/links.rs`).
    pub features: std::collections::BTreeMap<String, f64>,
}

/// One sentence: its span (characters and bytes), its speakers' actor ids (none when no actor is
/// found to state it) and the targets whose keywords occur in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementRecord {
    pub start: usize,
    pub end: usize,
    pub start_byte: usize,
    pub end_byte: usize,
    pub speakers: Vec<String>,
    pub keywords: Vec<String>,
    /// The targets the sentence takes, each with its relevance (1 for the rules' keyword hits, the
    /// stance model's calibrated score with `--stance-signals model`), before speakers are attached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub takes: Option<std::collections::BTreeMap<String, f64>>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Stance {
    pub actor: String,
    pub actor_code: Option<String>,
    pub target: String,
    pub stance: crate::stance::Polarity,
    pub score: Option<f64>,
    pub keyword: bool,
    pub evidence: String,
    pub evidence_start: usize,
    pub evidence_end: usize,
    pub evidence_start_byte: usize,
    pub evidence_end_byte: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entity {
    pub start: usize,
    pub end: usize,
    pub start_byte: usize,
    pub end_byte: usize,
    pub text: String,
    pub label: String,
    pub score: f64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

/// A span of the text: code points and bytes, and the text itself.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Mention {
    pub start: usize,
    pub end: usize,
    pub start_byte: usize,
    pub end_byte: usize,
    pub text: String,
}

/// An actor as the output gives it, made from the linker's [`crate::actors::LinkedActor`]: its
/// mentions are spans in code points and bytes with their text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub name: String,
    pub kind: crate::actors::Kind,
    pub code: Option<String>,
    pub affiliation: Option<String>,
    pub mentions: Vec<Mention>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelInfo {
    pub name: String,
    pub version: String,
    pub backend: String,
    /// What shaped the output of `annotate` ([`crate::fingerprint`]): a checksum of each model and
    /// data file, the options, and `fingerprint` over them all. `--resume` continues only a file
    /// whose records carry the same. Absent in other outputs (`eval-conll`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub run: Option<Run>,
}

/// Component name -> checksum (or the options as text); `fingerprint` first.
pub type Run = indexmap::IndexMap<String, String>;

impl Record {
    /// Every entity, mention and stance evidence span lies in `text`, on character boundaries, its
    /// code-point offsets agree with its byte offsets, and it holds the text it says. The first
    /// span that does not is named.
    pub fn check_offsets(&self) -> Result<(), String> {
        let chars = crate::text::CharOffsets::new(&self.text);
        let check = |what: &str, (s, e): (usize, usize), (cs, ce): (usize, usize), said: &str| {
            let ok = s <= e
                && e <= self.text.len()
                && self.text.is_char_boundary(s)
                && self.text.is_char_boundary(e)
                && chars.char_at(s) == cs
                && chars.char_at(e) == ce
                && &self.text[s..e] == said;
            if ok {
                Ok(())
            } else {
                Err(format!(
                    "{what} [{cs}, {ce}) (bytes [{s}, {e})) does not hold {said:?} in a text of {} bytes",
                    self.text.len()
                ))
            }
        };
        for x in &self.entities {
            check("entity", (x.start_byte, x.end_byte), (x.start, x.end), &x.text)?;
        }
        for a in &self.actors {
            for m in &a.mentions {
                check("mention", (m.start_byte, m.end_byte), (m.start, m.end), &m.text)?;
            }
        }
        for st in self.stances.iter().flatten() {
            let bytes = (st.evidence_start_byte, st.evidence_end_byte);
            check("evidence", bytes, (st.evidence_start, st.evidence_end), &st.evidence)?;
        }
        Ok(())
    }
}

/// A unit enum's name as the wire format spells it (`"support"`, `"state"`).
pub fn wire_name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

/// Rounds a probability for output (4 decimals keep files small and diffs readable).
pub fn round_score(p: f32) -> f64 {
    (p as f64 * 1e4).round() / 1e4
}
