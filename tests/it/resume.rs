//! `annotate --resume` after a SIGKILL at random points gives, byte for byte, the output of one
//! uninterrupted run. Needs the ONNX Runtime library of scripts/setup.sh, like tests/it/cli.rs.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::{repo, BIN};

/// A JSONL corpus of a few hundred short articles: the lines of the seed articles, four times.
fn corpus(dir: &Path) -> PathBuf {
    let mut paragraphs = Vec::new();
    let mut seeds: Vec<PathBuf> = std::fs::read_dir(repo().join("corpus/seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    for p in seeds {
        let text = std::fs::read_to_string(p).unwrap();
        paragraphs.extend(text.lines().map(str::trim).filter(|t| t.len() > 40).map(String::from));
    }
    let mut out = String::new();
    for round in 0..4 {
        for (i, p) in paragraphs.iter().enumerate() {
            let record = serde_json::json!({"id": format!("r{round}-p{i}"), "text": p, "round": round});
            out.push_str(&record.to_string());
            out.push('\n');
        }
    }
    let path = dir.join("in.jsonl");
    std::fs::write(&path, out).unwrap();
    path
}

fn annotate(input: &Path, output: &Path, resume: bool) -> Command {
    let mut c = Command::new(BIN);
    c.arg("annotate")
        .arg(input)
        .arg("-o")
        .arg(output)
        .args(["--quiet", "--batch-size", "4"]);
    if resume {
        c.arg("--resume");
    }
    c.stdout(Stdio::null()).stderr(Stdio::null());
    c
}

/// A small deterministic generator for the kill times (xorshift).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

#[test]
fn killed_and_resumed_runs_write_exactly_what_one_run_writes() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let reference = dir.path().join("reference.jsonl");
    let started = Instant::now();
    assert!(annotate(&input, &reference, false).status().unwrap().success());
    let full = started.elapsed();
    let want = std::fs::read(&reference).unwrap();
    assert!(want.split(|&b| b == b'\n').count() > 200, "a few hundred records");

    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    let (mut kills, mut torn) = (0, 0);
    let (mut round, mut tries) = (0, 0);
    while round < 8 {
        tries += 1;
        assert!(tries <= 32, "the runs keep finishing before they are killed");
        let out = dir.path().join(format!("resumed-{round}.jsonl"));
        let _ = std::fs::remove_file(&out);
        let kills_before = kills;
        for attempt in 0.. {
            assert!(attempt < 40, "round {round}: never finished");
            let mut child = annotate(&input, &out, true).spawn().unwrap();
            // anywhere from model loading to the end of the run
            let at = Duration::from_millis(rng.below(full.as_millis() as u64 + 1));
            let deadline = Instant::now() + at;
            let finished = loop {
                if let Some(status) = child.try_wait().unwrap() {
                    break Some(status);
                }
                if Instant::now() >= deadline {
                    break None;
                }
                std::thread::sleep(Duration::from_millis(5));
            };
            match finished {
                Some(status) => {
                    assert!(status.success(), "round {round}: a resumed run failed");
                    break;
                }
                None => {
                    child.kill().unwrap(); // SIGKILL
                    child.wait().unwrap();
                    kills += 1;
                    let bytes = std::fs::read(&out).unwrap_or_default();
                    if bytes.last().is_some_and(|&b| b != b'\n') {
                        torn += 1;
                    }
                }
            }
        }
        assert!(
            std::fs::read(&out).unwrap() == want,
            "round {round}: resumed output differs"
        );
        // a round whose first run finished before its kill time proved nothing: run it again
        if kills > kills_before {
            round += 1;
        }
    }
    eprintln!("{kills} kills, {torn} of them left a torn line");
    assert!(kills >= 8, "the runs were killed {kills} times");
}

#[test]
fn resuming_a_finished_run_changes_nothing_and_a_foreign_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = corpus(dir.path());
    let out = dir.path().join("out.jsonl");
    assert!(annotate(&input, &out, false).status().unwrap().success());
    let want = std::fs::read(&out).unwrap();
    let again = annotate(&input, &out, true).stderr(Stdio::piped()).output().unwrap();
    assert!(again.status.success());
    assert_eq!(std::fs::read(&out).unwrap(), want);
    let stderr = String::from_utf8_lossy(&again.stderr);
    assert!(stderr.contains("annotated 0 ok, 0 failed, "), "{stderr}");
    // another stance decision (and its weights) makes other records: not mixed in
    let other = annotate(&input, &out, true)
        .args(["--stance-decision", "links"])
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(other.status.code(), Some(2));
    let said = String::from_utf8_lossy(&other.stderr);
    assert!(
        said.contains("made with other settings: stance_links differs"),
        "{said}"
    );
    assert_eq!(std::fs::read(&out).unwrap(), want);

    let foreign = dir.path().join("notes.jsonl");
    std::fs::write(&foreign, "{\"schema_version\": 3, \"id\": \"x\"}\nnot a record\n").unwrap();
    let refused = annotate(&input, &foreign, true)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    assert_eq!(refused.status.code(), Some(2));
    // its first line already lacks the run fingerprint every record of ours carries
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(
        said.contains("notes.jsonl:1") && said.contains("no run fingerprint"),
        "{said}"
    );
    assert_eq!(
        std::fs::read_to_string(&foreign).unwrap(),
        "{\"schema_version\": 3, \"id\": \"x\"}\nnot a record\n"
    );
}
