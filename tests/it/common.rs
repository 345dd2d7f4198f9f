//! Helpers shared by the integration tests: the binary, the repository, error-line checks, the
//! annotated seeds, optional tools.

use std::path::{Path, PathBuf};
use std::process::Command;

use cyberstance::record::Record;

pub const BIN: &str = env!("CARGO_BIN_EXE_cyberstance");

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The `error:` lines must be exactly as many as `expected`, the k-th holding every fragment of
/// `expected[k]`.
pub fn assert_errors<S: AsRef<str> + std::fmt::Debug>(lines: &[S], expected: &[&[&str]]) {
    assert_eq!(lines.len(), expected.len(), "{lines:#?}");
    for (line, fragments) in lines.iter().zip(expected) {
        for f in *fragments {
            assert!(
                line.as_ref().contains(f),
                "{line:?} lacks {f:?}; all errors: {lines:#?}"
            );
        }
    }
}

/// The seed articles annotated into `dir/seeds.jsonl`, and its records.
pub fn annotated_seeds(dir: &Path) -> (PathBuf, Vec<Record>) {
    let out = dir.join("seeds.jsonl");
    let status = Command::new(BIN)
        .arg("annotate")
        .arg(repo().join("corpus/seeds"))
        .arg("-o")
        .arg(&out)
        .arg("--quiet")
        .status()
        .unwrap();
    assert!(status.success());
    let records = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (out, records)
}

/// Whether an optional tool a test needs is installed. When it is not, the test is skipped with
/// a message, unless the environment variable `require` is set (as CI sets it): then it fails.
pub fn installed(present: bool, what: &str, setup_flag: &str, require: &str) -> bool {
    if !present {
        eprintln!("no {what} (scripts/setup.sh {setup_flag}): test skipped");
        assert!(
            std::env::var_os(require).is_none(),
            "{require} is set but {what} is missing"
        );
    }
    present
}
