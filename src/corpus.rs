//! Input readers: `.txt` files (id = file stem), directories of `.txt` files (recursive, sorted by
//! path), `.jsonl` files of `{"id": ..., "text": ..., ...}` records, and `-` for JSONL on stdin.
//!
//! Reading is lazy: [`Corpus`] is an iterator, so a large JSONL input is streamed. A bad record is
//! one `Err` item naming its [`Source`]; the iteration goes on with the next record. A record
//! larger than the limit (a `.txt` file, or a JSONL line; [`DEFAULT_MAX_BYTES`]) is such an error,
//! and is never held in memory: an over-long line is read through without being kept.

use std::fmt;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::value::RawValue;

use crate::error::RecordError;

/// Where a record came from: file (or `<stdin>`), 1-based line for JSONL, and the id once known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub path: PathBuf,
    pub line: Option<usize>,
    pub id: Option<String>,
}

impl Source {
    /// Line `line` of `path` (the whole file for `None`), before its record's id is known.
    pub fn at(path: impl Into<PathBuf>, line: Option<usize>) -> Source {
        Source {
            path: path.into(),
            line,
            id: None,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", crate::error::one_line(&self.path.display().to_string()))?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " (id {})", crate::error::one_line(id))?;
        }
        Ok(())
    }
}

/// Metadata fields of a JSONL record other than `id` and `text`, kept byte for byte and in order.
pub type Meta = IndexMap<String, Box<RawValue>>;

/// One article to annotate.
#[derive(Debug, Clone)]
pub struct Article {
    pub id: String,
    /// The text as read: UTF-8 decoded, a leading byte-order mark removed (see `bom_removed`).
    pub text: String,
    pub meta: Meta,
    pub source: Source,
    /// A UTF-8 byte-order mark was removed from the start of the text.
    pub bom_removed: bool,
    /// The record had no `id`: `id` was made from the file stem and line (`<stem>:<line>`).
    pub id_generated: bool,
}

/// Who delivered or published an article, from its JSONL metadata (`speaker`, `speaker_code`,
/// `publisher`, `author`; string fields, others ignored). The fields stay in `meta` as well.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Voices {
    /// The speaker of a statement: a name ("Kenya", "UNODC") ...
    pub speaker: Option<String>,
    /// ... and/or an id: an ISO 3166-1 alpha-3 code ("KEN") or an organisation's actor id.
    pub speaker_code: Option<String>,
    /// The outlet or organisation that published the page.
    pub publisher: Option<String>,
    /// The author (a person); an opinion piece's own voice is still its publisher's.
    pub author: Option<String>,
}

impl Article {
    /// The metadata fields that say who speaks ([`Voices`]); blank strings count as absent.
    pub fn voices(&self) -> Voices {
        let field = |k: &str| {
            self.meta
                .get(k)
                .and_then(|raw| serde_json::from_str::<String>(raw.get()).ok())
                .map(|s| s.trim().to_string())
                .filter(|s| !s.is_empty())
        };
        Voices {
            speaker: field("speaker"),
            speaker_code: field("speaker_code"),
            publisher: field("publisher"),
            author: field("author"),
        }
    }
}

const BOM: &str = "\u{feff}";
/// Largest record read by default (`--max-article-bytes`): a news article is well under 100 kB, so
/// anything this large is a data dump or a broken export, and would hold up the whole batch.
pub const DEFAULT_MAX_BYTES: usize = 2 << 20;
const STDIN: &str = "-";

enum Pending {
    Path(PathBuf),
    /// A directory entry that could not be read (a broken link, a link loop).
    Failed(RecordError),
    Lines(crate::jsonl::Reader),
}

/// A lazy reader over all inputs, in the order given (directories expanded in sorted path order).
pub struct Corpus {
    queue: std::collections::VecDeque<Pending>,
    max_bytes: usize,
    /// Bytes of input located so far: JSONL lines read, `.txt` files by size.
    bytes_read: u64,
}

impl Corpus {
    /// Inputs as given on the command line: files, directories, or `-` for JSONL on stdin.
    pub fn new<P: AsRef<Path>>(inputs: &[P]) -> Self {
        let queue = inputs.iter().map(|p| Pending::Path(p.as_ref().to_path_buf())).collect();
        Corpus {
            queue,
            max_bytes: DEFAULT_MAX_BYTES,
            bytes_read: 0,
        }
    }

    /// Bytes of input gone through so far (JSONL lines read, `.txt` files located by their size):
    /// the progress against [`total_bytes`].
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// Records larger than `max_bytes` are errors.
    pub fn with_max_bytes(mut self, max_bytes: usize) -> Self {
        self.max_bytes = max_bytes;
        self
    }

    /// Queues a directory's `.txt` files (sorted by path) after the errors met while listing it.
    fn expand_dir(&mut self, dir: &Path) {
        let mut files = Vec::new();
        let mut errors = Vec::new();
        for entry in walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name() {
            match entry {
                Ok(e) if e.file_type().is_file() && is_txt(e.path()) => files.push(e.into_path()),
                // a FIFO, socket or device named .txt is said, not skipped silently (reading a
                // FIFO could hang the run)
                Ok(e) if !e.file_type().is_dir() && is_txt(e.path()) => {
                    errors.push(Pending::Failed(RecordError::Invalid {
                        source_: Source::at(e.into_path(), None),
                        message: "not a regular file (a FIFO, socket or device): skipped".into(),
                    }))
                }
                Ok(_) => {}
                Err(err) => {
                    let path = err.path().unwrap_or(dir).to_path_buf();
                    let io = err
                        .into_io_error()
                        .unwrap_or_else(|| std::io::Error::other("symbolic link loop"));
                    errors.push(Pending::Failed(RecordError::Unreadable {
                        source_: Source::at(path, None),
                        source: io,
                    }));
                }
            }
        }
        files.sort();
        for f in files.into_iter().rev() {
            self.queue.push_front(Pending::Path(f));
        }
        for e in errors.into_iter().rev() {
            self.queue.push_front(e);
        }
    }
}

/// The size in bytes of all inputs, when every one is a regular file or a directory (its `.txt`
/// files); `None` for stdin, a FIFO or a device. Only metadata is read: no input is opened.
pub fn total_bytes<P: AsRef<Path>>(inputs: &[P]) -> Option<u64> {
    let mut total = 0;
    for input in inputs {
        let path = input.as_ref();
        if path.as_os_str() == STDIN {
            return None;
        }
        match std::fs::metadata(path) {
            Ok(m) if m.is_file() => total += m.len(),
            Ok(m) if m.is_dir() => {
                for e in walkdir::WalkDir::new(path).follow_links(true).into_iter().flatten() {
                    if is_txt(e.path()) {
                        total += e.metadata().ok().filter(|m| m.is_file()).map_or(0, |m| m.len());
                    }
                }
            }
            Ok(_) => return None,
            Err(_) => {} // said as a record error when it is reached
        }
    }
    Some(total)
}

fn is_txt(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("txt"))
}

fn is_jsonl(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("jsonl") || e.eq_ignore_ascii_case("ndjson"))
}

/// A record located but not yet decoded: reading a `.txt` file and parsing a JSONL line are left to
/// [`Entry::load`], which callers may run in parallel (the sequential part is only I/O order).
pub enum Entry {
    /// A `.txt` file, and the largest size accepted.
    File(PathBuf, usize),
    Line {
        path: Arc<Path>,
        line: usize,
        bytes: Vec<u8>,
    },
    Failed(RecordError),
}

impl Entry {
    /// Reads and decodes the record.
    pub fn load(self) -> Result<Article, RecordError> {
        match self {
            Entry::File(path, max_bytes) => read_txt(path, max_bytes),
            Entry::Line { path, line, bytes } => {
                parse_jsonl_record(&path, line, crate::jsonl::content(&bytes, line == 1))
            }
            Entry::Failed(e) => Err(e),
        }
    }
}

impl Corpus {
    /// The remaining records as [`Entry`]s.
    pub fn by_ref_entries(&mut self) -> impl Iterator<Item = Entry> + '_ {
        std::iter::from_fn(move || self.next_entry())
    }

    /// The next record, in input order, located but not decoded.
    pub fn next_entry(&mut self) -> Option<Entry> {
        loop {
            match self.queue.pop_front()? {
                Pending::Failed(e) => return Some(Entry::Failed(e)),
                Pending::Path(path) if path.is_dir() => {
                    self.expand_dir(&path);
                }
                Pending::Path(path) if path.as_os_str() == STDIN || is_jsonl(&path) => {
                    match crate::jsonl::Reader::open(&path, self.max_bytes) {
                        Ok(reader) => self.queue.push_front(Pending::Lines(reader)),
                        Err(e) => return Some(Entry::Failed(e)),
                    }
                }
                Pending::Path(path) => {
                    self.bytes_read += std::fs::metadata(&path).map_or(0, |m| m.len());
                    return Some(Entry::File(path, self.max_bytes));
                }
                Pending::Lines(mut reader) => loop {
                    let entry = match reader.next_line() {
                        None => break,
                        Some(Err(e)) => Entry::Failed(e),
                        Some(Ok(line)) => {
                            self.bytes_read += line.len;
                            if line.is_blank() {
                                continue;
                            }
                            Entry::Line {
                                path: reader.path().clone(),
                                line: line.no,
                                bytes: line.bytes,
                            }
                        }
                    };
                    self.queue.push_front(Pending::Lines(reader));
                    return Some(entry);
                },
            }
        }
    }
}

impl Iterator for Corpus {
    type Item = Result<Article, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_entry().map(Entry::load)
    }
}

/// Reads a `.txt` article; id = file stem.
fn read_txt(path: PathBuf, max_bytes: usize) -> Result<Article, RecordError> {
    let id = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut bytes = Vec::new();
    // at most one byte over the limit is read, whatever the file is (a device, a growing file)
    let read = File::open(&path).and_then(|f| f.take(max_bytes as u64 + 1).read_to_end(&mut bytes));
    let source = Source {
        path,
        line: None,
        id: Some(id.clone()),
    };
    if let Err(e) = read {
        return Err(RecordError::Unreadable {
            source_: source,
            source: e,
        });
    }
    if bytes.len() > max_bytes {
        let size = std::fs::metadata(&source.path).map_or(bytes.len() as u64, |m| m.len());
        return Err(RecordError::TooLarge {
            source_: source,
            bytes: size,
            limit: max_bytes,
        });
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let byte_offset = e.utf8_error().valid_up_to();
            return Err(RecordError::InvalidUtf8 {
                source_: source,
                byte_offset,
            });
        }
    };
    article((id, false), text, Meta::new(), source)
}

fn article(id: (String, bool), mut text: String, meta: Meta, source: Source) -> Result<Article, RecordError> {
    let (id, id_generated) = id;
    let bom_removed = text.starts_with(BOM);
    if bom_removed {
        text.drain(..BOM.len());
    }
    if text.trim().is_empty() {
        return Err(RecordError::EmptyText { source_: source });
    }
    Ok(Article {
        id,
        text,
        meta,
        source,
        bom_removed,
        id_generated,
    })
}

/// Parses one JSONL line. `id` may be a string or an integer; without one the id is
/// `<file stem>:<line>`. `text` must be a string. Other fields are kept untouched in `meta`.
fn parse_jsonl_record(path: &Path, line: usize, bytes: &[u8]) -> Result<Article, RecordError> {
    let mut source = Source::at(path, Some(line));
    let s = crate::jsonl::text(bytes, &source)?;
    let mut fields: Meta = match serde_json::from_str(s) {
        Ok(m) => m,
        Err(e) => {
            return Err(RecordError::MalformedJson {
                source_: source,
                message: e.to_string(),
            })
        }
    };
    let (id, id_generated) = match fields.shift_remove("id") {
        Some(raw) => match serde_json::from_str::<serde_json::Value>(raw.get()) {
            Ok(serde_json::Value::String(s)) => (s, false),
            Ok(serde_json::Value::Number(n)) => (n.to_string(), false),
            _ => {
                return Err(RecordError::MissingField {
                    source_: source,
                    field: "id",
                })
            }
        },
        None => (
            format!(
                "{}:{line}",
                path.file_stem().map(|s| s.to_string_lossy()).unwrap_or_default()
            ),
            true,
        ),
    };
    source.id = Some(id.clone());
    let text = match fields
        .shift_remove("text")
        .map(|raw| (raw.get().starts_with('"'), serde_json::from_str::<String>(raw.get())))
    {
        Some((_, Ok(t))) => t,
        // a string that is no Unicode text (a lone surrogate escape such as "\ud800")
        Some((true, Err(e))) => {
            return Err(RecordError::Invalid {
                source_: source,
                message: format!("field `text` is not valid Unicode (a lone surrogate escape?): {e}"),
            })
        }
        _ => {
            return Err(RecordError::MissingField {
                source_: source,
                field: "text",
            })
        }
    };
    article((id, id_generated), text, fields, source)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, bytes).unwrap();
        p
    }

    #[test]
    fn jsonl_keeps_metadata_and_reports_bad_lines() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "in.jsonl",
            b"\xEF\xBB\xBF{\"id\":\"a\",\"text\":\"Hello\",\"url\":\"u\",\"n\":1e400}\n\n{bad\n{\"id\":7,\"x\":1}\n{\"id\":\"b\",\"text\":\"   \"}\n{\"text\":\"x \xFF\"}\r\n{\"id\":\"c\",\"text\":\"ok\"}",
        );
        let items: Vec<_> = Corpus::new(&[p]).collect();
        assert_eq!(items.len(), 6);
        let a = items[0].as_ref().unwrap();
        assert_eq!((a.id.as_str(), a.text.as_str()), ("a", "Hello"));
        assert_eq!(a.meta.keys().collect::<Vec<_>>(), ["url", "n"]);
        assert_eq!(a.meta["n"].get(), "1e400", "huge numbers are kept as written");
        let e = items[1].as_ref().unwrap_err().to_string();
        assert!(e.contains("in.jsonl:3") && e.contains("malformed JSON"), "{e}");
        let e = items[2].as_ref().unwrap_err().to_string();
        assert!(e.contains(":4 (id 7)") && e.contains("`text`"), "{e}");
        assert!(matches!(items[3], Err(RecordError::EmptyText { .. })));
        assert!(matches!(
            items[4],
            Err(RecordError::InvalidUtf8 { byte_offset: 11, .. })
        ));
        assert_eq!(items[5].as_ref().unwrap().id, "c");
    }

    #[test]
    fn progress_in_bytes_reaches_the_inputs_size_without_opening_them_twice() {
        let dir = tempfile::tempdir().unwrap();
        let jsonl = write(
            dir.path(),
            "in.jsonl",
            b"{\"id\":\"a\",\"text\":\"A\"}\n\n{\"id\":\"b\",\"text\":\"B\"}",
        );
        write(dir.path(), "d/x.txt", b"12345");
        write(dir.path(), "d/y.md", b"not an input");
        let inputs = [jsonl.clone(), dir.path().join("d")];
        let total = total_bytes(&inputs).unwrap();
        assert_eq!(total, std::fs::metadata(&jsonl).unwrap().len() + 5);
        let mut corpus = Corpus::new(&inputs);
        let mut seen = Vec::new();
        while let Some(e) = corpus.next_entry() {
            seen.push(corpus.bytes_read());
            e.load().unwrap();
        }
        assert_eq!(seen.len(), 3);
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "{seen:?}");
        assert_eq!(corpus.bytes_read(), total);
        // stdin and a FIFO have no size: the bar counts records instead
        assert_eq!(total_bytes(&[Path::new("-")]), None);
        let fifo = dir.path().join("f.jsonl");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        assert_eq!(total_bytes(&[fifo]), None);
    }

    #[test]
    fn directory_is_recursive_and_sorted_and_strips_bom() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "b.txt", b"B text");
        write(dir.path(), "a/z.txt", "\u{feff}Z text".as_bytes());
        write(dir.path(), "a/notes.md", b"ignored");
        write(dir.path(), "c.txt", b"bad \xC3\x28 utf8");
        let items: Vec<_> = Corpus::new(&[dir.path()]).collect();
        let ok: Vec<_> = items.iter().filter_map(|r| r.as_ref().ok()).collect();
        assert_eq!(ok.iter().map(|a| a.id.as_str()).collect::<Vec<_>>(), ["z", "b"]);
        assert!(ok[0].bom_removed && ok[0].text == "Z text");
        assert!(matches!(items[2], Err(RecordError::InvalidUtf8 { byte_offset: 4, .. })));
    }

    #[test]
    fn speaker_and_publisher_fields_are_read_and_kept_in_meta() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "v.jsonl",
            b"{\"id\":\"a\",\"text\":\"t\",\"speaker\":\"Kenya\",\"speaker_code\":\"KEN\",\"author\":\" \",\"x\":[1]}\n\
              {\"id\":\"b\",\"text\":\"t\",\"publisher\":\"NetMag\",\"speaker\":3}\n",
        );
        let items: Vec<Article> = Corpus::new(&[p]).map(Result::unwrap).collect();
        let v = items[0].voices();
        assert_eq!(
            (v.speaker.as_deref(), v.speaker_code.as_deref()),
            (Some("Kenya"), Some("KEN"))
        );
        assert_eq!(v.author, None, "blank is absent");
        assert_eq!(
            items[0].meta.keys().collect::<Vec<_>>(),
            ["speaker", "speaker_code", "author", "x"]
        );
        let v = items[1].voices();
        assert_eq!(
            (v.publisher.as_deref(), v.speaker),
            (Some("NetMag"), None),
            "a number is no speaker"
        );
    }

    #[test]
    fn bom_only_first_line_is_blank() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "b.jsonl",
            "\u{feff}\n{\"id\":\"x\",\"text\":\"ok\"}\n".as_bytes(),
        );
        let items: Vec<_> = Corpus::new(&[p]).collect();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0].as_ref().unwrap().id, "x");
    }

    #[test]
    fn lone_surrogate_in_text_is_named_as_such() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "s.jsonl", b"{\"id\":\"a\",\"text\":\"x \\ud800 y\"}\n");
        let items: Vec<_> = Corpus::new(&[p]).collect();
        let e = items[0].as_ref().unwrap_err().to_string();
        assert!(
            e.contains("s.jsonl:1 (id a)") && e.contains("not valid Unicode (a lone surrogate"),
            "{e}"
        );
    }

    #[test]
    fn fifo_inside_an_input_directory_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        write(dir.path(), "a.txt", b"Text");
        let fifo = dir.path().join("pipe.txt");
        assert!(std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success());
        let items: Vec<_> = Corpus::new(&[dir.path()]).collect();
        assert_eq!(items.len(), 2);
        let e = items[0].as_ref().unwrap_err().to_string();
        assert!(e.contains("pipe.txt") && e.contains("not a regular file"), "{e}");
        assert_eq!(items[1].as_ref().unwrap().id, "a");
    }

    #[test]
    fn missing_file_is_a_record_error() {
        let items: Vec<_> = Corpus::new(&["/nonexistent/x.txt"]).collect();
        let e = items[0].as_ref().unwrap_err().to_string();
        assert!(e.contains("/nonexistent/x.txt") && e.contains("cannot read"), "{e}");
    }
}
