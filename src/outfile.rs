//! Output files that never destroy what a run reads or what an earlier run wrote.
//!
//! - [`refuse_inputs`]: an output that is one of the inputs (the same file by device and inode,
//!   through any path, symbolic or hard link), or that lies inside an input directory, is refused
//!   before anything is opened for writing.
//! - [`OutFile`]: a regular output file is written as `OUT.part` beside it, under an advisory lock
//!   (`flock`) for the whole run, and renamed over `OUT` only when the run succeeds. A failed or
//!   killed run never leaves a half-written file where a good one stood; a second writer of the
//!   same output exits with an error naming the process that holds the lock. An output that is not
//!   a regular file (a FIFO, `/dev/null`, a terminal) is written directly.

use std::fs::{File, OpenOptions};
use std::io::Read;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// The `(device, inode)` of an open file or a path.
fn identity(m: &std::fs::Metadata) -> (u64, u64) {
    (m.dev(), m.ino())
}

fn refused(output: &Path, message: String) -> Error {
    Error::Option {
        option: format!("-o {}", output.display()),
        message,
    }
}

/// Refuses an output that is one of `inputs` or lies inside an input directory. `-` as output
/// is stdout: refused when stdout is a regular file that is one of the inputs (`>> in.jsonl`).
pub fn refuse_inputs<P: AsRef<Path>>(output: &Path, inputs: &[P]) -> Result<()> {
    let out_id = if output.as_os_str() == "-" {
        stdout_identity()
    } else {
        std::fs::metadata(output).ok().map(|m| identity(&m))
    };
    let out_dir = if output.as_os_str() == "-" {
        None
    } else {
        absolute_parent(output)
    };
    for input in inputs {
        let input = input.as_ref();
        if input.as_os_str() == "-" {
            continue;
        }
        let Ok(meta) = std::fs::metadata(input) else {
            continue; // a missing input is a record error later, never written to
        };
        if meta.is_dir() {
            let dir = std::fs::canonicalize(input).unwrap_or_else(|_| input.to_path_buf());
            if out_dir.as_ref().is_some_and(|d| d.starts_with(&dir)) {
                return Err(refused(
                    output,
                    format!(
                        "lies inside the input directory {}: write the output elsewhere",
                        input.display()
                    ),
                ));
            }
            if let Some(id) = out_id {
                if let Some(same) = file_in_dir_with_identity(input, id) {
                    return Err(refused(
                        output,
                        format!("is the input {} (the same file): it would be destroyed", same.display()),
                    ));
                }
            }
        } else if out_id == Some(identity(&meta)) {
            return Err(refused(
                output,
                format!(
                    "is the input {} (the same file): it would be destroyed",
                    input.display()
                ),
            ));
        }
    }
    Ok(())
}

/// The output's directory, absolute and with links resolved (the file itself may not exist yet).
fn absolute_parent(output: &Path) -> Option<PathBuf> {
    let parent = match output.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let parent = std::fs::canonicalize(parent).ok()?;
    // an existing output that is a link counts where it points
    match std::fs::canonicalize(output) {
        Ok(real) => real.parent().map(Path::to_path_buf),
        Err(_) => Some(parent),
    }
}

fn file_in_dir_with_identity(dir: &Path, id: (u64, u64)) -> Option<PathBuf> {
    walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_map(|e| e.ok())
        .find(|e| e.metadata().is_ok_and(|m| m.is_file() && identity(&m) == id))
        .map(|e| e.into_path())
}

fn stdout_identity() -> Option<(u64, u64)> {
    use std::os::fd::AsFd;
    let fd = std::io::stdout().as_fd().try_clone_to_owned().ok()?;
    let m = File::from(fd).metadata().ok()?;
    m.is_file().then(|| identity(&m))
}

/// What to do with an `OUT.part` left by an earlier run that did not finish.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stale {
    /// Refuse to start: it holds an interrupted run's records (`annotate` without `--resume`).
    Refuse,
    /// Start over (`export`, `report`: nothing in it is worth keeping).
    Discard,
    /// Take it up (`annotate --resume`).
    Continue,
}

/// A regular output file written beside its target and renamed over it on [`OutFile::commit`].
#[derive(Debug)]
pub struct OutFile {
    target: PathBuf,
    part: PathBuf,
    file: File,
    committed: bool,
    keep_part: bool,
}

/// The `.part` path beside `target`.
pub fn part_path(target: &Path) -> PathBuf {
    let mut name = target.file_name().unwrap_or_default().to_os_string();
    name.push(".part");
    target.with_file_name(name)
}

/// Whether `target` is written through an [`OutFile`]: a regular file or a path that does not exist
/// yet (a FIFO or a device is written directly). A directory is an error.
pub fn is_atomic(target: &Path) -> Result<bool> {
    match std::fs::metadata(target) {
        Ok(m) if m.is_dir() => Err(refused(target, "is a directory".into())),
        Ok(m) => Ok(m.is_file()),
        Err(_) => Ok(true),
    }
}

/// A file output: the file to write, and the [`OutFile`] to commit when `target` is written
/// through one (a regular file or a new path); a FIFO or a device is opened directly.
pub fn open_output(target: &Path, stale: Stale, keep_part: bool) -> Result<(File, Option<OutFile>)> {
    if is_atomic(target)? {
        let out = OutFile::open(target, stale, keep_part)?;
        Ok((out.writer()?, Some(out)))
    } else {
        let f = File::create(target).map_err(Error::writing(target))?;
        Ok((f, None))
    }
}

impl OutFile {
    /// Opens `target.part` under an exclusive lock. `stale` says what to do with one left by an
    /// earlier run; `keep_part` keeps the part file when the run fails (for `--resume`).
    pub fn open(target: &Path, stale: Stale, keep_part: bool) -> Result<OutFile> {
        // write beside the real file when the target is a link to one
        let target = std::fs::canonicalize(target).unwrap_or_else(|_| target.to_path_buf());
        let part = part_path(&target);
        let io = Error::writing(&part);
        let file = loop {
            let file = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&part)
                .map_err(io)?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    let holder = file.metadata().ok().and_then(|m| lock_holder(m.ino()));
                    return Err(Error::Option {
                        option: format!("-o {}", target.display()),
                        message: format!(
                            "another run is writing it ({}; lock on {}): wait for it or choose another output",
                            holder.unwrap_or_else(|| "holder unknown".into()),
                            part.display()
                        ),
                    });
                }
                Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
            }
            // the path may have been renamed away by the run that held it: lock what is there now
            let held = file.metadata().map_err(io)?;
            match std::fs::metadata(&part) {
                Ok(now) if identity(&now) == identity(&held) => break file,
                _ => continue,
            }
        };
        let len = file.metadata().map_err(io)?.len();
        if len > 0 {
            match stale {
                Stale::Continue => {}
                Stale::Discard => file.set_len(0).map_err(io)?,
                Stale::Refuse => {
                    return Err(Error::Option {
                        option: format!("-o {}", target.display()),
                        message: format!(
                            "{} holds {len} bytes of an interrupted run: take it up with --resume, or delete it to start over",
                            part.display()
                        ),
                    })
                }
            }
        }
        Ok(OutFile {
            target,
            part,
            file,
            committed: false,
            keep_part,
        })
    }

    pub fn file(&self) -> &File {
        &self.file
    }

    /// A second handle on the part file, to write through (a buffered writer owns its file).
    pub fn writer(&self) -> Result<File> {
        self.file.try_clone().map_err(Error::writing(&self.part))
    }

    pub fn part(&self) -> &Path {
        &self.part
    }

    pub fn target(&self) -> &Path {
        &self.target
    }

    /// Makes the part file durable and renames it over the target (keeping the target's
    /// permissions when it existed).
    pub fn commit(mut self) -> Result<()> {
        if let Ok(m) = std::fs::metadata(&self.target) {
            self.file
                .set_permissions(m.permissions())
                .map_err(Error::writing(&self.part))?;
        }
        self.file.sync_all().map_err(Error::writing(&self.part))?;
        std::fs::rename(&self.part, &self.target).map_err(Error::writing(&self.target))?;
        if let Some(dir) = self.target.parent().filter(|d| !d.as_os_str().is_empty()) {
            // the rename itself is durable once the directory is synced
            let _ = File::open(dir).and_then(|d| d.sync_all());
        }
        self.committed = true;
        Ok(())
    }
}

impl Drop for OutFile {
    fn drop(&mut self) {
        if !self.committed && !self.keep_part {
            let _ = std::fs::remove_file(&self.part);
        }
    }
}

/// The process holding a `flock` on the inode `ino`, from `/proc/locks` (Linux).
fn lock_holder(ino: u64) -> Option<String> {
    let mut locks = String::new();
    File::open("/proc/locks").ok()?.read_to_string(&mut locks).ok()?;
    let pid = locks.lines().find_map(|line| {
        let f: Vec<&str> = line.split_whitespace().collect();
        let (kind, pid, dev_ino) = (f.get(1)?, f.get(4)?, f.get(5)?);
        let file_ino: u64 = dev_ino.rsplit(':').next()?.parse().ok()?;
        (*kind == "FLOCK" && file_ino == ino).then(|| pid.to_string())
    })?;
    let cmd = std::fs::read(format!("/proc/{pid}/cmdline"))
        .map(|c| {
            c.split(|&b| b == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or_default();
    Some(if cmd.is_empty() {
        format!("process {pid}")
    } else {
        format!("process {pid}: {}", crate::error::one_line(&cmd))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_file_through_any_path_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("in.jsonl");
        std::fs::write(&input, "{}\n").unwrap();
        let link = dir.path().join("link.jsonl");
        std::os::unix::fs::symlink(&input, &link).unwrap();
        let hard = dir.path().join("hard.jsonl");
        std::fs::hard_link(&input, &hard).unwrap();
        let dotted = dir.path().join(".").join("in.jsonl");
        for out in [&input, &link, &hard, &dotted] {
            let e = refuse_inputs(out, &[&input]).unwrap_err().to_string();
            assert!(e.contains("the same file"), "{e}");
        }
        let other = dir.path().join("out.jsonl");
        assert!(refuse_inputs(&other, &[&input]).is_ok());
    }

    #[test]
    fn an_output_inside_an_input_directory_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path().join("d");
        std::fs::create_dir_all(d.join("sub")).unwrap();
        for out in [d.join("out.txt"), d.join("sub/out.jsonl")] {
            let e = refuse_inputs(&out, &[&d]).unwrap_err().to_string();
            assert!(e.contains("inside the input directory"), "{e}");
        }
        assert!(refuse_inputs(&dir.path().join("out.jsonl"), &[&d]).is_ok());
    }

    #[test]
    fn a_second_writer_is_refused_and_a_committed_file_replaces_the_target() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.jsonl");
        std::fs::write(&target, "old\n").unwrap();
        let first = OutFile::open(&target, Stale::Refuse, false).unwrap();
        let e = OutFile::open(&target, Stale::Refuse, false).unwrap_err().to_string();
        assert!(e.contains("another run is writing it") && e.contains("process"), "{e}");
        use std::io::Write;
        first.file().write_all(b"new\n").unwrap();
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "old\n",
            "untouched until commit"
        );
        first.commit().unwrap();
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "new\n");
        assert!(!part_path(&target).exists());
    }

    #[test]
    fn a_failed_run_leaves_the_target_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("out.jsonl");
        std::fs::write(&target, "good\n").unwrap();
        {
            let out = OutFile::open(&target, Stale::Refuse, false).unwrap();
            use std::io::Write;
            out.file().write_all(b"half").unwrap();
        } // dropped without commit
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "good\n");
        assert!(!part_path(&target).exists());
        // an interrupted annotate run's part file is refused, not overwritten
        std::fs::write(part_path(&target), "{\"id\":\"a\"}\n").unwrap();
        let e = OutFile::open(&target, Stale::Refuse, true).unwrap_err().to_string();
        assert!(e.contains("--resume"), "{e}");
        assert!(OutFile::open(&target, Stale::Discard, false).is_ok());
    }
}
