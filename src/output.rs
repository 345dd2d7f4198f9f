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
use std::io::{BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::Path;

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::outfile::{is_atomic, open_output, part_path, OutFile, Stale};
use crate::record::{Record, Run, SCHEMA_VERSION};

enum Sink {
    Stdout(BufWriter<std::io::Stdout>),
    /// `sync`: a regular file, which `fsync` makes durable (not a pipe or a device). `atomic`: written
    /// as `OUT.part` and renamed over OUT by [`JsonlWriter::finish`].
    File {
        w: BufWriter<File>,
        sync: bool,
        atomic: Option<OutFile>,
    },
}

/// Writes records as JSONL; each record is one `write_all` of a whole line.
pub struct JsonlWriter {
    sink: Sink,
    what: String,
    line: Vec<u8>,
    /// While OUT is resumed in place: the lock on `OUT.part` that every writer of OUT takes.
    _lock: Option<OutFile>,
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
    schema_version: Option<u32>,
    model: Option<ModelRun>,
}

#[derive(Deserialize)]
struct ModelRun {
    run: Option<Run>,
}

impl JsonlWriter {
    /// `-` is stdout; a regular file (or a new one) is written as `OUT.part` under a lock and
    /// renamed over OUT by [`JsonlWriter::finish`]; a FIFO or a device is written directly. An
    /// `OUT.part` left by an interrupted run is refused (`--resume` takes it up).
    pub fn create(path: &str) -> Result<Self> {
        if path == "-" {
            return Ok(JsonlWriter {
                sink: Sink::Stdout(BufWriter::new(std::io::stdout())),
                what: "<stdout>".into(),
                line: Vec::new(),
                _lock: None,
            });
        }
        let (f, atomic) = open_output(Path::new(path), Stale::Refuse, true)?;
        Ok(Self::file(f, path, atomic))
    }

    fn file(f: File, path: &str, atomic: Option<OutFile>) -> Self {
        let sync = f.metadata().is_ok_and(|m| m.is_file());
        JsonlWriter {
            sink: Sink::File {
                w: BufWriter::with_capacity(1 << 16, f),
                sync,
                atomic,
            },
            what: path.into(),
            line: Vec::new(),
            _lock: None,
        }
    }

    /// Where the records written so far are while the run is not finished (`OUT.part`), if not
    /// in OUT itself.
    pub fn part(&self) -> Option<&Path> {
        match &self.sink {
            Sink::File { atomic: Some(out), .. } => Some(out.part()),
            _ => None,
        }
    }

    /// Checkpoints, then renames `OUT.part` over OUT (for an atomic output).
    pub fn finish(mut self) -> Result<()> {
        self.checkpoint()?;
        if let Sink::File { atomic, .. } = &mut self.sink {
            if let Some(out) = atomic.take() {
                out.commit()?;
            }
        }
        Ok(())
    }

    /// Opens `path` to continue an interrupted run: `OUT.part` when an earlier run left one, else
    /// OUT itself (appended to in place, under a lock). The ids of its complete records, a torn
    /// last line cut off, and the writer positioned after the last complete record. Neither file:
    /// a fresh start. A complete line that is not a record of this schema, or an id twice, is an
    /// error: that file was not written by an interrupted run of this tool, and it is left as it is.
    /// With `expected`, every record must carry that run fingerprint: records made with other
    /// models, files or options are never mixed into one file; the first difference is named.
    pub fn resume(path: &str, expected: Option<&Run>) -> Result<(Self, Resumed)> {
        if path == "-" {
            return Err(Error::Option {
                option: "--resume".into(),
                message: "needs an output file (-o FILE), not stdout".into(),
            });
        }
        let target = Path::new(path);
        let part = part_path(&std::fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf()));
        let mut lock = None;
        let (mut f, scanned, atomic) = if part.metadata().is_ok_and(|m| m.len() > 0) {
            let out = OutFile::open(target, Stale::Continue, true)?;
            let f = out.writer()?;
            (f, out.part().to_path_buf(), Some(out))
        } else if target.exists() && is_atomic(target)? {
            // appended to in place, under the same lock as any other writer of OUT
            lock = Some(OutFile::open(target, Stale::Refuse, false)?);
            let f = OpenOptions::new()
                .read(true)
                .write(true)
                .open(target)
                .map_err(Error::writing(target))?;
            f.try_lock().map_err(|_| Error::Option {
                option: format!("-o {path}"),
                message: "another run is writing it: wait for it or choose another output".into(),
            })?;
            (f, target.to_path_buf(), None)
        } else {
            return Ok((Self::create(path)?, Resumed::default()));
        };
        let shown = scanned.display().to_string();
        let io = Error::writing(&scanned);
        let reader = f.try_clone().map_err(io)?;
        let lines = crate::jsonl::Reader::new(
            Path::new(&shown).into(),
            Box::new(BufReader::new(reader)),
            crate::jsonl::RECORD_MAX_BYTES,
        );
        let (resumed, good_end) = scan(lines, &shown, expected)?;
        if resumed.truncated > 0 {
            f.set_len(good_end).map_err(io)?;
            f.sync_data().map_err(io)?;
        }
        f.seek(SeekFrom::Start(good_end)).map_err(io)?;
        let mut writer = Self::file(f, path, atomic);
        writer._lock = lock;
        Ok((writer, resumed))
    }

    pub fn write(&mut self, record: &Record) -> Result<()> {
        self.line.clear();
        serde_json::to_writer(&mut self.line, record)
            .map_err(|e| Error::write(&self.what, std::io::Error::other(e)))?;
        self.line.push(b'\n');
        let result = match &mut self.sink {
            Sink::Stdout(w) => w.write_all(&self.line),
            Sink::File { w, .. } => w.write_all(&self.line),
        };
        result.map_err(|e| Error::write(&self.what, e))
    }

    /// Flushes what was written; for a file, also `fsync`s it, so that it survives a crash.
    pub fn checkpoint(&mut self) -> Result<()> {
        let result = match &mut self.sink {
            Sink::Stdout(w) => w.flush(),
            Sink::File { w, sync: true, .. } => w.flush().and_then(|()| w.get_ref().sync_data()),
            Sink::File { w, sync: false, .. } => w.flush(),
        };
        result.map_err(|e| Error::write(&self.what, e))
    }
}

/// The complete records of an output file and the byte offset just after the last of them.
fn scan(lines: crate::jsonl::Reader, path: &str, expected: Option<&Run>) -> Result<(Resumed, u64)> {
    let mut resumed = Resumed::default();
    let mut offset = 0u64;
    for line in lines {
        let line = line.map_err(|e| match e {
            crate::error::RecordError::Unreadable { source, .. } => Error::write(path, source),
            other => Error::Parse {
                path: path.into(),
                line: other.source_location().line.unwrap_or(0),
                message: format!("{other}; cannot resume into this file (is it the output of an earlier run?)"),
            },
        })?;
        if !line.complete() {
            // the kill cut this line: everything before it stands
            resumed.truncated = line.len;
            return Ok((resumed, offset));
        }
        let bad = |message: String| Error::Parse {
            path: path.into(),
            line: line.no,
            message: format!("{message}; cannot resume into this file (is it the output of an earlier run?)"),
        };
        let record: IdOnly = serde_json::from_slice(&line.bytes).map_err(|e| bad(format!("not a record: {e}")))?;
        if record.schema_version != Some(SCHEMA_VERSION) {
            let found = record.schema_version.map_or("none".to_string(), |v| v.to_string());
            return Err(bad(format!(
                "not a record of this version: schema_version {found}, this build writes {SCHEMA_VERSION}"
            )));
        }
        if let Some(expected) = expected {
            let found = record.model.as_ref().and_then(|m| m.run.as_ref());
            if let Some(diff) = crate::fingerprint::first_difference(found, expected) {
                return Err(bad(format!(
                    "made with other settings: {diff}; resume with the same models, files and options, or run without --resume"
                )));
            }
        }
        if let Some(first) = resumed.done.insert(record.id.clone(), line.no) {
            return Err(bad(format!("id {:?} again (first on line {first})", record.id)));
        }
        offset += line.len;
    }
    Ok((resumed, offset))
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
        let (_dir, path) = file_with(
            b"{\"schema_version\":3,\"id\":\"a\",\"x\":1}\n{\"schema_version\":3,\"id\":\"b\"}\n{\"id\":\"c\",\"te",
        );
        let (mut w, resumed) = JsonlWriter::resume(&path, None).unwrap();
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
            b"{\"schema_version\":3,\"id\":\"a\",\"x\":1}\n{\"schema_version\":3,\"id\":\"b\"}\n{\"id\":\"c\"}\n"
        );
    }

    #[test]
    fn a_missing_file_is_a_fresh_start_and_an_intact_one_is_kept_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("new.jsonl").to_string_lossy().into_owned();
        let (_, resumed) = JsonlWriter::resume(&path, None).unwrap();
        assert!(resumed.done.is_empty() && part_path(Path::new(&path)).exists());
        let (_dir, path) = file_with(b"{\"schema_version\":3,\"id\":\"a\"}\n");
        let (_, resumed) = JsonlWriter::resume(&path, None).unwrap();
        assert_eq!((resumed.done.len(), resumed.truncated), (1, 0));
        assert_eq!(std::fs::read(&path).unwrap(), b"{\"schema_version\":3,\"id\":\"a\"}\n");
    }

    #[test]
    fn a_file_that_is_not_our_output_is_refused_and_left_alone() {
        for (bytes, expect) in [
            (
                &b"{\"schema_version\":3,\"id\":\"a\"}\nnot json\n{\"id\":\"b\"}\n"[..],
                ":2: not a record",
            ),
            (
                &b"{\"schema_version\":3,\"id\":\"a\"}\n{\"schema_version\":3,\"id\":\"a\"}\n"[..],
                "id \"a\" again (first on line 1)",
            ),
            (
                &b"{\"id\":\"a\"}\n"[..],
                ":1: not a record of this version: schema_version none",
            ),
            (
                &b"{\"schema_version\":99,\"id\":\"a\"}\n"[..],
                "schema_version 99, this build writes 3",
            ),
            (&b"{\"text\":\"no id\"}\n"[..], ":1: not a record"),
        ] {
            let (_dir, path) = file_with(bytes);
            let err = JsonlWriter::resume(&path, None).err().unwrap().to_string();
            assert!(err.contains(expect), "{err}");
            assert_eq!(std::fs::read(&path).unwrap(), bytes);
        }
        assert!(JsonlWriter::resume("-", None).is_err());
    }
}
