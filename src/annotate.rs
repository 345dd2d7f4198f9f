//! `cyberstance annotate`: stream a corpus through the [`Annotator`] and write JSONL.
//!
//! Records are read lazily and processed in chunks; each chunk's records are written in input
//! order and flushed before the next chunk starts, so a crash loses at most the chunk in flight and
//! never leaves half a line. A bad record is reported on stderr (file, line, id) and counted; the
//! run goes on.

use std::path::PathBuf;

use rayon::prelude::*;

use crate::corpus::{Article, Corpus, Entry};
use crate::error::Result;
use crate::pipeline::Annotator;
use crate::progress::Progress;
use crate::record::{round_score, Entity, JsonlWriter, Record, SCHEMA_VERSION};
use crate::text::CharOffsets;

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub ok: u64,
    pub failed: u64,
    pub tokens: u64,
}

/// Articles per chunk: enough windows to fill several batches.
fn chunk_size(batch_size: usize) -> usize {
    (batch_size * 8).max(64)
}

pub fn annotate(
    annotator: &mut Annotator,
    inputs: &[PathBuf],
    out: &mut JsonlWriter,
    batch_size: usize,
    progress: &mut Progress,
) -> Result<Summary> {
    let mut corpus = Corpus::new(inputs);
    let mut summary = Summary::default();
    let chunk = chunk_size(batch_size);
    let mut articles: Vec<Article> = Vec::with_capacity(chunk);
    loop {
        articles.clear();
        let entries: Vec<Entry> = corpus.by_ref_entries().take(chunk).collect();
        if entries.is_empty() {
            break;
        }
        // reading files and parsing JSON in parallel; order is kept
        let loaded: Vec<_> = entries.into_par_iter().map(Entry::load).collect();
        for item in loaded {
            match item {
                Ok(a) => articles.push(a),
                Err(e) => {
                    summary.failed += 1;
                    progress.println(&format!("error: {e}"));
                    progress.advance(1, 0);
                }
            }
        }
        if articles.is_empty() {
            continue;
        }
        let n = articles.len() as u64;
        let tagged = {
            let texts: Vec<&str> = articles.iter().map(|a| a.text.as_str()).collect();
            annotator.tag(&texts)?
        };
        let mut tokens = 0;
        for (article, result) in articles.drain(..).zip(tagged) {
            match result {
                Ok(t) => {
                    tokens += t.tokens as u64;
                    out.write(&to_record(article, &t.spans, annotator))?;
                    summary.ok += 1;
                }
                Err(message) => {
                    summary.failed += 1;
                    progress.println(&format!("error: {}: tokenizer failed: {message}", article.source));
                }
            }
        }
        out.flush()?;
        summary.tokens += tokens;
        progress.advance(n, tokens);
    }
    Ok(summary)
}

/// Builds the output record: byte spans become code-point spans plus the sliced text.
pub fn to_record(article: Article, spans: &[crate::ner::Span], annotator: &Annotator) -> Record {
    let chars = CharOffsets::new(&article.text);
    let entities = spans
        .iter()
        .map(|s| Entity {
            start: chars.char_at(s.start_byte),
            end: chars.char_at(s.end_byte),
            start_byte: s.start_byte,
            end_byte: s.end_byte,
            text: article.text[s.start_byte..s.end_byte].to_string(),
            label: s.label.clone(),
            score: round_score(s.score),
        })
        .collect();
    Record {
        schema_version: SCHEMA_VERSION,
        id: article.id,
        text: article.text,
        meta: article.meta,
        bom_removed: article.bom_removed,
        entities,
        model: annotator.model.clone(),
    }
}
