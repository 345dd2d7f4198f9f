//! Output is the same byte for byte whatever `--threads` and `--batch-size`, whatever order a
//! directory's files were created in, and run after run, on the seeds and on the synthetic
//! articles. Needs the ONNX Runtime library of scripts/setup.sh.

use std::path::Path;
use std::process::Command;

use crate::common::{repo, BIN};

fn annotate(dir: &Path, extra: &[&str]) -> Vec<u8> {
    let out = Command::new(BIN)
        .arg("annotate")
        .arg(dir)
        .args(["--quiet", "-o", "-"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(!out.stdout.is_empty());
    out.stdout
}

/// A copy of `dir`'s .txt files, created in reverse name order (so the directory's own listing
/// order differs from the original's).
fn copy_reversed(dir: &Path, to: &Path) {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    std::fs::create_dir_all(to).unwrap();
    for f in files.iter().rev() {
        std::fs::copy(f, to.join(f.file_name().unwrap())).unwrap();
    }
}

fn check(corpus: &str) {
    let dir = repo().join(corpus);
    let base = annotate(&dir, &["--threads", "1", "--batch-size", "32"]);
    for extra in [
        &["--threads", "2", "--batch-size", "32"][..],
        &["--threads", "2", "--batch-size", "1"],
        &["--threads", "1", "--batch-size", "7"],
        &["--threads", "1", "--batch-size", "32"], // the same again
    ] {
        assert!(annotate(&dir, extra) == base, "{corpus}: output differs with {extra:?}");
    }
    let tmp = tempfile::tempdir().unwrap();
    let copy = tmp.path().join(Path::new(corpus).file_name().unwrap());
    copy_reversed(&dir, &copy);
    assert!(
        annotate(&copy, &[]) == base,
        "{corpus}: output differs with the files created in another order"
    );
}

#[test]
fn the_seeds_give_the_same_output_every_way() {
    check("corpus/seeds");
}

#[test]
fn the_synthetic_articles_give_the_same_output_every_way() {
    check("corpus/synthetic");
}
