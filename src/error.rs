//! Library errors. Every variant that concerns one input record names where it came from
//! (file, line, id), so a user can find the record from the message alone.

use std::fmt;
use std::path::{Path, PathBuf};

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
    #[error("cannot load tokenizer {path}")]
    Tokenizer {
        path: PathBuf,
        #[source]
        source: TokenizerError,
    },
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

impl Error {
    /// For `map_err`: an I/O error reading the file at `path`.
    pub fn reading(path: &Path) -> impl Fn(std::io::Error) -> Error + Copy + '_ {
        move |source| Error::Read {
            path: path.to_path_buf(),
            source,
        }
    }

    /// An I/O error writing to `what` (a path, `<stdout>`).
    pub fn write(what: impl fmt::Display, source: std::io::Error) -> Error {
        Error::Write {
            what: what.to_string(),
            source,
        }
    }

    /// For `map_err`: an I/O error writing the file at `path`.
    pub fn writing(path: &Path) -> impl Fn(std::io::Error) -> Error + Copy + '_ {
        move |source| Error::write(path.display(), source)
    }
}

/// What the tokenizer could not do: the `tokenizers` library failed (reading or parsing its file,
/// encoding a text), or the vocabulary lacks a special token.
#[derive(Debug, thiserror::Error)]
pub enum TokenizerError {
    /// The library's error, worded as it words it, with its causes.
    #[error(transparent)]
    Library(tokenizers::Error),
    #[error("no {0} token in the vocabulary")]
    MissingToken(&'static str),
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
    #[error("{source_}: tokenizer failed: {source}")]
    Tokenize {
        source_: Source,
        #[source]
        source: TokenizerError,
    },
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

/// `s` with every character that could break or forge a line of the terminal escaped as
/// `\u{..}` (`\n`, `\r`, `\t` as such): control characters (C0, DEL, C1), the line and paragraph
/// separators and the bidirectional controls. An error line naming an id or a path stays one line.
pub fn one_line(s: &str) -> std::borrow::Cow<'_, str> {
    fn unsafe_char(c: char) -> bool {
        c.is_control() || matches!(c, '\u{2028}' | '\u{2029}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    }
    if !s.chars().any(unsafe_char) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if unsafe_char(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::one_line;

    #[test]
    fn error_lines_escape_control_characters() {
        assert_eq!(one_line("plain id"), "plain id");
        assert_eq!(
            one_line("a\nerror: forged\r\u{1b}[31m\u{202e}x"),
            "a\\nerror: forged\\r\\u{1b}[31m\\u{202e}x"
        );
    }
}
