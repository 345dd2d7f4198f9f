//! Tab-separated data files (`models/**/*.tsv`): a header row, then one row per line; blank lines
//! and lines starting with `#` are skipped; list cells are `|`-separated.

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// A TSV file read whole; rows keep their 1-based line numbers for error messages.
pub(crate) struct Table {
    pub(crate) path: PathBuf,
    pub(crate) header: Vec<String>,
    pub(crate) rows: Vec<(usize, Vec<String>)>,
}

impl Table {
    pub(crate) fn read(path: &Path) -> Result<Table> {
        let body = std::fs::read_to_string(path).map_err(Error::reading(path))?;
        let mut header = Vec::new();
        let mut rows = Vec::new();
        for (i, line) in body.lines().enumerate() {
            if line.trim().is_empty() || line.starts_with('#') {
                continue;
            }
            let cells: Vec<String> = line.split('\t').map(str::to_string).collect();
            if header.is_empty() {
                header = cells;
            } else if cells.len() != header.len() {
                return Err(Error::Parse {
                    path: path.to_path_buf(),
                    line: i + 1,
                    message: format!("{} cells, the header has {}", cells.len(), header.len()),
                });
            } else {
                rows.push((i + 1, cells));
            }
        }
        Ok(Table {
            path: path.to_path_buf(),
            header,
            rows,
        })
    }

    /// Index of the column named `name`; an error naming the file if there is none.
    pub(crate) fn col(&self, name: &str) -> Result<usize> {
        self.header.iter().position(|h| h == name).ok_or_else(|| Error::Parse {
            path: self.path.clone(),
            line: 1,
            message: format!("no column `{name}`"),
        })
    }
}

pub(crate) fn list(cell: &str) -> impl Iterator<Item = &str> {
    cell.split('|').map(str::trim).filter(|s| !s.is_empty())
}

impl Table {
    /// Index of an optional column.
    pub(crate) fn opt_col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }

    /// An error at `line` of this file.
    pub(crate) fn error(&self, line: usize, message: String) -> Error {
        Error::Parse {
            path: self.path.clone(),
            line,
            message,
        }
    }
}
