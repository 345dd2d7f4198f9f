//! Library errors. Every variant that concerns one input record names where it came from
//! (file, line, id), so a user can find the record from the message alone.

use std::path::PathBuf;

use crate::corpus::Source;

/// Errors of the library. Record-level errors ([`RecordError`]) are reported and counted without
/// stopping a batch; these stop the run (or the command) they occur in.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("cannot read {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {what}")]
    Write {
        what: String,
        #[source]
        source: std::io::Error,
    },
    #[error("model directory {dir}: {problem}")]
    Model { dir: PathBuf, problem: String },
    #[error("cannot load tokenizer {path}: {message}")]
    Tokenizer { path: PathBuf, message: String },
    #[error("ONNX Runtime: {context}")]
    Onnx {
        context: String,
        #[source]
        source: ort::Error,
    },
    #[error("cannot load the ONNX Runtime library {path}: {message} (run scripts/setup.sh, or set ORT_DYLIB_PATH)")]
    OnnxLibrary { path: PathBuf, message: String },
    #[error("backend returned logits of shape {found:?}, expected {expected:?}")]
    LogitsShape { expected: Vec<usize>, found: Vec<usize> },
    #[error("{path}:{line}: {message}")]
    Parse {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error("invalid option {option}: {message}")]
    Option { option: String, message: String },
}

/// A problem with one input record. The batch goes on; the run's exit status reports it.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{source_}: cannot read: {source}")]
    Unreadable {
        source_: Source,
        #[source]
        source: std::io::Error,
    },
    #[error("{source_}: invalid UTF-8 at byte {byte_offset}")]
    InvalidUtf8 { source_: Source, byte_offset: usize },
    #[error("{source_}: malformed JSON: {message}")]
    MalformedJson { source_: Source, message: String },
    #[error("{source_}: record has no string field `{field}`")]
    MissingField { source_: Source, field: &'static str },
    #[error("{source_}: empty text")]
    EmptyText { source_: Source },
    #[error("{source_}: tokenizer failed: {message}")]
    Tokenize { source_: Source, message: String },
    #[error("{source_}: {message}")]
    Invalid { source_: Source, message: String },
    #[error("{source_}: {bytes} bytes, over the limit of {limit} (--max-article-bytes)")]
    TooLarge { source_: Source, bytes: u64, limit: usize },
    #[error("{source_}: duplicate id, first at {first}; this one is skipped")]
    DuplicateId { source_: Source, first: String },
}

impl RecordError {
    /// Where the record came from.
    pub fn source_location(&self) -> &Source {
        match self {
            RecordError::Unreadable { source_, .. }
            | RecordError::InvalidUtf8 { source_, .. }
            | RecordError::MalformedJson { source_, .. }
            | RecordError::MissingField { source_, .. }
            | RecordError::EmptyText { source_ }
            | RecordError::Tokenize { source_, .. }
            | RecordError::Invalid { source_, .. }
            | RecordError::TooLarge { source_, .. }
            | RecordError::DuplicateId { source_, .. } => source_,
        }
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
