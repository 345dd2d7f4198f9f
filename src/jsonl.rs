//! The one JSONL line reader, used by every command that reads JSONL: `annotate` (inputs and
//! `--resume`), `eval`, `export` and `report`.
//!
//! A line is read as bytes, so one line of invalid UTF-8 is that line's error and reading goes on;
//! a line over the size limit is read through without being kept; a UTF-8 byte-order mark before
//! the first line is skipped; `\r\n` endings are taken. Errors are [`RecordError`]s naming file and
//! line.

use std::io::BufRead;
use std::path::Path;
use std::sync::Arc;

use crate::corpus::Source;
use crate::error::RecordError;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// Largest annotated record read back (`eval`, `export`, `report`, `--resume`): an output record
/// holds its article and every span, so it may be far larger than the article limit, but a line
/// this long is no record of ours and is read through, not held.
pub const RECORD_MAX_BYTES: usize = 1 << 30;

/// One line as read.
#[derive(Debug)]
pub struct Line {
    /// 1-based line number.
    pub no: usize,
    /// The line's bytes, newline included (empty when the line was over the limit).
    pub bytes: Vec<u8>,
    /// Bytes the line took in the input, newline included.
    pub len: u64,
}

impl Line {
    /// The line without its ending, and without a byte-order mark on line 1.
    pub fn content(&self) -> &[u8] {
        content(&self.bytes, self.no == 1)
    }

    /// The line ended with `\n` (the last line of a file cut by a kill does not).
    pub fn complete(&self) -> bool {
        self.bytes.last() == Some(&b'\n')
    }

    /// Blank or white space only.
    pub fn is_blank(&self) -> bool {
        self.content().iter().all(u8::is_ascii_whitespace)
    }
}

/// A line's bytes without its ending, and without a byte-order mark on line 1.
pub fn content(bytes: &[u8], first: bool) -> &[u8] {
    let mut b = bytes;
    if first {
        b = b.strip_prefix(BOM).unwrap_or(b);
    }
    while let [rest @ .., b'\n' | b'\r'] = b {
        b = rest;
    }
    b
}

/// A line's content as text, or the error naming where it is not UTF-8.
pub fn text<'a>(bytes: &'a [u8], source: &Source) -> Result<&'a str, RecordError> {
    std::str::from_utf8(bytes).map_err(|e| RecordError::InvalidUtf8 {
        source_: source.clone(),
        byte_offset: e.valid_up_to(),
    })
}

/// Lines of one JSONL input, in order.
pub struct Reader {
    path: Arc<Path>,
    inner: Box<dyn BufRead + Send>,
    line: usize,
    max_bytes: usize,
    failed: bool,
}

impl Reader {
    /// Opens `path` (`-`: standard input, named `<stdin>`).
    pub fn open(path: &Path, max_bytes: usize) -> Result<Reader, RecordError> {
        if path.as_os_str() == "-" {
            let inner = Box::new(std::io::BufReader::new(std::io::stdin()));
            return Ok(Reader::new(Path::new("<stdin>").into(), inner, max_bytes));
        }
        match std::fs::File::open(path) {
            Ok(f) => Ok(Reader::new(
                path.into(),
                Box::new(std::io::BufReader::with_capacity(1 << 16, f)),
                max_bytes,
            )),
            Err(source) => Err(RecordError::Unreadable {
                source_: Source::at(path, None),
                source,
            }),
        }
    }

    /// Opens a file of annotated or gold records (`eval`, `export`, `report`); failing to open it
    /// stops the command.
    pub fn open_records(path: &Path) -> crate::error::Result<Reader> {
        Reader::open(path, RECORD_MAX_BYTES).map_err(|e| match e {
            RecordError::Unreadable { source, .. } => crate::error::Error::Read {
                path: path.to_path_buf(),
                source,
            },
            other => crate::error::Error::Parse {
                path: path.to_path_buf(),
                line: 0,
                message: other.to_string(),
            },
        })
    }

    pub fn new(path: Arc<Path>, inner: Box<dyn BufRead + Send>, max_bytes: usize) -> Reader {
        Reader {
            path,
            inner,
            line: 0,
            max_bytes,
            failed: false,
        }
    }

    /// The input's name as errors give it.
    pub fn path(&self) -> &Arc<Path> {
        &self.path
    }

    /// Where line `no` of this input is.
    pub fn source(&self, no: usize) -> Source {
        Source::at(&*self.path, Some(no))
    }

    /// The next line, blank ones included; `None` at the end. A line over the limit is a
    /// `TooLarge` error and reading goes on after it; a read error ends the input.
    pub fn next_line(&mut self) -> Option<Result<Line, RecordError>> {
        if self.failed {
            return None;
        }
        let mut bytes = Vec::new();
        self.line += 1;
        match read_line_within(&mut *self.inner, &mut bytes, self.max_bytes) {
            Ok(0) => None,
            Ok(n) if n > self.max_bytes => Some(Err(RecordError::TooLarge {
                source_: self.source(self.line),
                bytes: n as u64,
                limit: self.max_bytes,
            })),
            Ok(n) => Some(Ok(Line {
                no: self.line,
                bytes,
                len: n as u64,
            })),
            Err(source) => {
                self.failed = true;
                Some(Err(RecordError::Unreadable {
                    source_: self.source(self.line),
                    source,
                }))
            }
        }
    }
}

impl Iterator for Reader {
    type Item = Result<Line, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_line()
    }
}

/// Reads one line (up to and including `\n`) into `buf`, keeping at most `max` bytes of it; the
/// rest of a longer line is read and dropped. Returns the line's whole length (0 at the end).
fn read_line_within(reader: &mut dyn BufRead, buf: &mut Vec<u8>, max: usize) -> std::io::Result<usize> {
    let mut total = 0;
    loop {
        let available = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if available.is_empty() {
            return Ok(total);
        }
        let (take, done) = match available.iter().position(|&b| b == b'\n') {
            Some(i) => (i + 1, true),
            None => (available.len(), false),
        };
        if total + take <= max {
            buf.extend_from_slice(&available[..take]);
        } else {
            buf.clear(); // over the limit: nothing of it is kept
        }
        total += take;
        reader.consume(take);
        if done {
            return Ok(total);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(bytes: &'static [u8], max: usize) -> Vec<Result<Line, RecordError>> {
        Reader::new(Path::new("in.jsonl").into(), Box::new(bytes), max).collect()
    }

    #[test]
    fn bom_crlf_blank_too_long_and_bad_utf8_lines_are_told_apart() {
        let got = lines(
            b"\xEF\xBB\xBF{\"a\":1}\r\n\n  \n0123456789abcdefghij\n{\"b\":\"\xFF\"}\n{\"c\":3}",
            16,
        );
        assert_eq!(got.len(), 6);
        let first = got[0].as_ref().unwrap();
        assert_eq!(first.content(), b"{\"a\":1}");
        assert!(first.complete() && !first.is_blank());
        assert!(got[1].as_ref().unwrap().is_blank() && got[2].as_ref().unwrap().is_blank());
        match &got[3] {
            Err(RecordError::TooLarge { source_, bytes: 21, .. }) => assert_eq!(source_.line, Some(4)),
            other => panic!("{other:?}"),
        }
        let bad = got[4].as_ref().unwrap();
        let e = text(bad.content(), &Source::at("in.jsonl", Some(bad.no))).unwrap_err();
        assert!(e.to_string().contains("in.jsonl:5: invalid UTF-8 at byte 6"), "{e}");
        let last = got[5].as_ref().unwrap();
        assert_eq!(
            (last.no, last.content(), last.complete()),
            (6, &b"{\"c\":3}"[..], false)
        );
    }

    #[test]
    fn a_bom_is_only_skipped_on_the_first_line() {
        assert_eq!(content(b"\xEF\xBB\xBFx\n", false), b"\xEF\xBB\xBFx");
        assert_eq!(content(b"\xEF\xBB\xBFx\n", true), b"x");
    }
}
