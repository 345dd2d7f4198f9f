//! Writing the output JSONL, and taking up an interrupted run (`annotate --resume`).
//!
//! Each record is one whole line. The caller writes a chunk of records in input order, then calls
//! [`JsonlWriter::checkpoint`]: the lines are flushed and, for a file, `fsync`ed. A run killed at any
//! moment therefore leaves a prefix of the output it would have written, possibly ending in a
//! torn line (a line cut by the kill never ends in `\n`). [`JsonlWriter::resume`] finds the
//! complete records of that prefix, cuts the torn line off, and appends after them; skipping the
//! finished ids, the rest of the run writes exactly what the uninterrupted run would have.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::record::Record;

enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    /// `sync`: a regular file, which `fsync` makes durable (not a pipe or a device).
    File {
        w: BufWriter<File>,
        sync: bool,
    },
}

/// Writes records as JSONL; each record is one `write_all` of a whole line.
pub struct JsonlWriter {
    sink: Sink,
    what: String,
    line: Vec<u8>,
}

/// What an interrupted run left in the output file.
#[derive(Debug, Default)]
pub struct Resumed {
    /// Ids of the complete records, with their 1-based line in the file.
    pub done: HashMap<String, usize>,
    /// Bytes of a torn last line that were cut off.
    pub truncated: u64,
}

#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

impl JsonlWriter {
    /// `-` is stdout; anything else a file, created or truncated.
    pub fn create(path: &str) -> Result<Self> {
        if path == "-" {
            return Ok(JsonlWriter {
                sink: Sink::Stdout(BufWriter::new(std::io::stdout())),
                what: "<stdout>".into(),
                line: Vec::new(),
            });
        }
        let f = File::create(path).map_err(|e| Error::Write {
            what: path.into(),
            source: e,
        })?;
        Ok(Self::file(f, path))
    }

    fn file(f: File, path: &str) -> Self {
        let sync = f.metadata().is_ok_and(|m| m.is_file());
        JsonlWriter {
            sink: Sink::File {
                w: BufWriter::with_capacity(1 << 16, f),
                sync,
            },
            what: path.into(),
            line: Vec::new(),
        }
    }

    /// Opens `path` to continue an interrupted run: the ids of its complete records, a torn last
    /// line cut off, and the writer positioned after the last complete record. A missing file is
    /// a fresh start. A complete line that is not a record, or an id twice, is an error: that file
    /// was not written by an interrupted run of this tool, and it is left as it is.
    pub fn resume(path: &str) -> Result<(Self, Resumed)> {
        if path == "-" {
            return Err(Error::Option {
                option: "--resume".into(),
                message: "needs an output file (-o FILE), not stdout".into(),
            });
        }
        if !Path::new(path).exists() {
            return Ok((Self::create(path)?, Resumed::default()));
        }
        let io = |e: std::io::Error| Error::Write {
            what: path.into(),
            source: e,
        };
        let mut f = OpenOptions::new().read(true).write(true).open(path).map_err(io)?;
        let (resumed, good_end) = scan(BufReader::new(&mut f), path)?;
        if resumed.truncated > 0 {
            f.set_len(good_end).map_err(io)?;
            f.sync_data().map_err(io)?;
        }
        f.seek(SeekFrom::Start(good_end)).map_err(io)?;
        Ok((Self::file(f, path), resumed))
    }

    pub fn write(&mut self, record: &Record) -> Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, record).map_err(|e| Error::Write {
            what: self.what.clone(),
            source: std::io::Error::other(e),
        })?;
        self.line.push(b'\n');
        let result = match &mut self.sink {
            Sink::Stdout(w) => w.write_all(&self.line),
            Sink::File { w, .. } => w.write_all(&self.line),
        };
        result.map_err(|e| Error::Write {
            what: self.what.clone(),
            source: e,
        })
    }

    /// Flushes what was written; for a file, also `fsync`s it, so that it survives a crash.
    pub fn checkpoint(&mut self) -> Result<()> {
        let result = match &mut self.sink {
            Sink::Stdout(w) => w.flush(),
            Sink::File { w, sync: true } => w.flush().and_then(|()| w.get_ref().sync_data()),
            Sink::File { w, sync: false } => w.flush(),
        };
        result.map_err(|e| Error::Write {
            what: self.what.clone(),
            source: e,
        })
    }
}

/// The complete records of an output file and the byte offset just after the last of them.
fn scan(mut reader: impl BufRead, path: &str) -> Result<(Resumed, u64)> {
    let mut resumed = Resumed::default();
    let (mut offset, mut line_no) = (0u64, 0usize);
    let mut line = Vec::new();
    loop {
        line.clear();
        let n = reader.read_until(b'\n', &mut line).map_err(|e| Error::Write {
            what: path.into(),
            source: e,
        })?;
        if n == 0 {
            return Ok((resumed, offset));
        }
        if line.last() != Some(&b'\n') {
            // the kill cut this line: everything before it stands
            resumed.truncated = n as u64;
            return Ok((resumed, offset));
        }
        line_no += 1;
        let bad = |message: String| Error::Parse {
            path: path.into(),
            line: line_no,
            message: format!("{message}; cannot resume into this file (is it the output of an earlier run?)"),
        };
        let record: IdOnly = serde_json::from_slice(&line).map_err(|e| bad(format!("not a record: {e}")))?;
        if let Some(first) = resumed.done.insert(record.id.clone(), line_no) {
            return Err(bad(format!("id {:?} again (first on line {first})", record.id)));
        }
        offset += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_with(bytes: &[u8]) -> (tempfile::TempDir, String) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.jsonl");
        std::fs::write(&path, bytes).unwrap();
        (dir, path.to_string_lossy().into_owned())
    }

    #[test]
    fn a_torn_last_line_is_cut_off_and_writing_goes_on_after_the_last_record() {
        let (_dir, path) = file_with(b"{\"id\":\"a\",\"x\":1}\n{\"id\":\"b\"}\n{\"id\":\"c\",\"te");
        let (mut w, resumed) = JsonlWriter::resume(&path).unwrap();
        assert_eq!(resumed.truncated, 13);
        assert_eq!(
            resumed.done,
            HashMap::from([("a".to_string(), 1), ("b".to_string(), 2)])
        );
        w.line = b"{\"id\":\"c\"}\n".to_vec();
        if let Sink::File { w: f, .. } = &mut w.sink {
            f.write_all(&w.line).unwrap();
        }
        w.checkpoint().unwrap();
        assert_eq!(
            std::fs::read(&path).unwrap(),
            b"{\"id\":\"a\",\"x\":1}\n{\"id\":\"b\"}\n{\"id\":\"c\"}\n"
        );
    }

    #[test]
    fn a_missing_file_is_a_fresh_start_and_an_intact_one_is_kept_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.jsonl").to_string_lossy().into_owned();
        let (_, resumed) = JsonlWriter::resume(&path).unwrap();
        assert!(resumed.done.is_empty() && Path::new(&path).exists());
        let (_dir, path) = file_with(b"{\"id\":\"a\"}\n");
        let (_, resumed) = JsonlWriter::resume(&path).unwrap();
        assert_eq!((resumed.done.len(), resumed.truncated), (1, 0));
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"id\":\"a\"}\n");
    }

    #[test]
    fn a_file_that_is_not_our_output_is_refused_and_left_alone() {
        for (bytes, expect) in [
            (&b"{\"id\":\"a\"}\nnot json\n{\"id\":\"b\"}\n"[..], ":2: not a record"),
            (
                &b"{\"id\":\"a\"}\n{\"id\":\"a\"}\n"[..],
                "id \"a\" again (first on line 1)",
            ),
            (&b"{\"text\":\"no id\"}\n"[..], ":1: not a record"),
        ] {
            let (_dir, path) = file_with(bytes);
            let err = JsonlWriter::resume(&path).err().unwrap().to_string();
            assert!(err.contains(expect), "{err}");
            assert_eq!(std::fs::read(&path).unwrap(), bytes);
        }
        assert!(JsonlWriter::resume("-").is_err());
    }
}
