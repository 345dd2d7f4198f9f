//! cyberstance: annotate news about cyber threats and international peace and security.
//!
//! The stages, one module each: [`corpus`] (read) -> [`tokenize`] (subwords, shapes, windows) ->
//! [`backend`] (model runtime) -> [`ner`] (decode entities) -> [`actors`] (link, refine labels)
//! -> [`stance`] (who said what, on which issue) -> [`record`] (the JSONL format) -> [`output`]
//! (write it; resume an interrupted run).
//! [`pipeline`] joins tokenize/backend/ner over a chunk of articles; [`annotate`] streams a corpus
//! through it. [`eval`] scores output; [`export`] converts it for other tools; [`report`] renders it as an HTML page.

pub mod actors;
pub mod annotate;
pub mod app;
pub mod backend;
pub mod cli;
pub mod config;
pub mod corpus;
pub mod error;
pub mod eval;
pub mod export;
pub mod fingerprint;
pub mod jsonl;
pub mod ner;
pub mod outfile;
pub mod output;
pub mod pipeline;
pub mod progress;
pub mod record;
pub mod report;
pub mod settings;
pub mod stance;
pub mod text;
pub mod tokenize;
pub(crate) mod tsv;

pub use error::{Error, RecordError, Result};
