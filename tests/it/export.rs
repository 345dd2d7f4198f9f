//! `cyberstance export` round trips on the annotated seed articles: each format read back gives
//! the same entity spans; the Prodigy/spaCy export loads in spaCy when its environment is there
//! (scripts/setup.sh --spacy; scripts/test.sh then requires it). Needs scripts/setup.sh's runtime.

use std::path::Path;
use std::process::Command;

use cyberstance::record::Record;
use serde_json::Value;

use crate::common::{annotated_seeds as annotated, assert_errors, installed, repo, BIN};

fn export(input: &Path, format: &str, out: &Path) {
    let o = Command::new(BIN)
        .args(["export", "--format", format])
        .arg(input)
        .arg("-o")
        .arg(out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

/// (start, end, label) in code points, as every format but CoNLL keeps them.
fn entity_spans(r: &Record) -> Vec<(usize, usize, String)> {
    r.entities.iter().map(|e| (e.start, e.end, e.label.clone())).collect()
}

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn every_format_reads_back_to_the_same_spans() {
    let dir = tempfile::tempdir().unwrap();
    let (input, records) = annotated(dir.path());
    assert!(records.iter().map(|r| r.entities.len()).sum::<usize>() > 100);

    // Prodigy / spaCy
    let path = dir.path().join("prodigy.jsonl");
    export(&input, "prodigy", &path);
    for (task, r) in jsonl(&path).iter().zip(&records) {
        assert_eq!(task["text"], r.text.as_str());
        assert_eq!(task["meta"]["id"], r.id.as_str());
        let chars: Vec<char> = r.text.chars().collect();
        let tokens = task["tokens"].as_array().unwrap();
        // the tokens and their spaces are the text
        let rebuilt: String = tokens
            .iter()
            .map(|t| {
                format!(
                    "{}{}",
                    t["text"].as_str().unwrap(),
                    if t["ws"] == true { " " } else { "" }
                )
            })
            .collect();
        assert_eq!(rebuilt, r.text);
        let at = |t: &Value, k: &str| t[k].as_u64().unwrap() as usize;
        for t in tokens {
            let slice: String = chars[at(t, "start")..at(t, "end")].iter().collect();
            assert_eq!(slice, t["text"].as_str().unwrap());
        }
        let spans: Vec<(usize, usize, String)> = task["spans"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| {
                // token indices agree with the character offsets
                assert_eq!(at(&tokens[at(s, "token_start")], "start"), at(s, "start"));
                assert_eq!(at(&tokens[at(s, "token_end")], "end"), at(s, "end"));
                (at(s, "start"), at(s, "end"), s["label"].as_str().unwrap().to_string())
            })
            .collect();
        assert_eq!(spans, entity_spans(r), "{}", r.id);
    }

    // doccano
    let path = dir.path().join("doccano.jsonl");
    export(&input, "doccano", &path);
    for (task, r) in jsonl(&path).iter().zip(&records) {
        assert_eq!(task["id"], r.id.as_str());
        let labels: Vec<(usize, usize, String)> = serde_json::from_value(task["labels"].clone()).unwrap();
        assert_eq!(labels, entity_spans(r));
    }

    // CoNLL IOB2: tokens found again in order in the text, B-/I- runs back to byte spans
    let path = dir.path().join("seeds.iob2");
    export(&input, "conll", &path);
    let text = std::fs::read_to_string(&path).unwrap();
    let docs: Vec<&str> = text.split("-DOCSTART- O\n").skip(1).collect();
    assert_eq!(docs.len(), records.len());
    for (doc, r) in docs.iter().zip(&records) {
        let mut from = 0;
        let mut spans: Vec<(usize, usize, String)> = Vec::new();
        for line in doc.lines().filter(|l| !l.is_empty()) {
            let (token, tag) = line.rsplit_once(' ').unwrap();
            let start = from + r.text[from..].find(token).expect("token in order");
            let end = start + token.len();
            from = end;
            if let Some(label) = tag.strip_prefix("B-") {
                spans.push((start, end, label.to_string()));
            } else if let Some(label) = tag.strip_prefix("I-") {
                let last = spans.last_mut().expect("I- follows B-");
                assert_eq!(last.2, label);
                last.1 = end;
            } else {
                assert_eq!(tag, "O");
            }
        }
        let want: Vec<(usize, usize, String)> = r
            .entities
            .iter()
            .map(|e| (e.start_byte, e.end_byte, e.label.clone()))
            .collect();
        assert_eq!(spans, want, "{}", r.id);
    }
    // and eval-conll reads the file
    let o = Command::new(BIN)
        .arg("eval-conll")
        .arg(&path)
        .arg("--json")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));

    // CSV tables: one row per item
    let path = dir.path().join("tables");
    export(&input, "csv", &path);
    let rows = |name: &str| csv::Reader::from_path(path.join(name)).unwrap().records().count();
    assert_eq!(
        rows("entities.csv"),
        records.iter().map(|r| r.entities.len()).sum::<usize>()
    );
    assert_eq!(
        rows("actors.csv"),
        records.iter().map(|r| r.actors.len()).sum::<usize>()
    );
    let stances: usize = records.iter().map(|r| r.stances.as_ref().map_or(0, Vec::len)).sum();
    assert_eq!(rows("stances.csv"), stances);
    let mut reader = csv::Reader::from_path(path.join("stances.csv")).unwrap();
    let first = reader.records().next().unwrap().unwrap();
    let r0 = records
        .iter()
        .find(|r| r.stances.as_ref().is_some_and(|s| !s.is_empty()))
        .unwrap();
    assert_eq!(
        &first[7],
        r0.stances.as_ref().unwrap()[0].evidence.as_str(),
        "quoted fields survive"
    );
}

#[test]
fn the_prodigy_export_loads_in_spacy() {
    let python = repo().join(".venv-bench/bin/python");
    if !installed(python.exists(), ".venv-bench", "--spacy", "CYBERSTANCE_REQUIRE_SPACY") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (input, records) = annotated(dir.path());
    let path = dir.path().join("prodigy.jsonl");
    export(&input, "prodigy", &path);
    let o = Command::new(&python)
        .arg(repo().join("scripts/check/check_spacy_export.py"))
        .arg(&path)
        .arg(dir.path().join("seeds.spacy"))
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{stdout}{}", String::from_utf8_lossy(&o.stderr));
    let entities: usize = records.iter().map(|r| r.entities.len()).sum();
    assert!(
        stdout.contains(&format!("{} docs, {entities} entities", records.len())),
        "{stdout}"
    );
}

#[test]
fn a_bad_line_in_the_middle_of_export_and_report_input_is_reported_and_the_rest_written() {
    let dir = tempfile::tempdir().unwrap();
    let (input, records) = annotated(dir.path());
    let good = std::fs::read(&input).unwrap();
    let lines: Vec<&[u8]> = good.split_inclusive(|&b| b == b'\n').collect();
    // a byte-order mark before line 1, then invalid UTF-8 (line 3) and a non-record (line 4)
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(lines[0]);
    bytes.extend_from_slice(lines[1]);
    bytes.extend_from_slice(b"{\"id\": \"x\xFF\"}\n{\"id\": 3}\n");
    for l in &lines[2..] {
        bytes.extend_from_slice(l);
    }
    let bad_input = dir.path().join("bad.jsonl");
    std::fs::write(&bad_input, bytes).unwrap();

    let out = dir.path().join("doccano.jsonl");
    let o = Command::new(BIN)
        .args(["export", "--format", "doccano"])
        .arg(&bad_input)
        .arg("-o")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    let errors: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_errors(
        &errors,
        &[
            &["bad.jsonl:3", "invalid UTF-8"],
            &["bad.jsonl:4", "not an annotated record"],
        ],
    );
    let ids: Vec<String> = jsonl(&out)
        .iter()
        .map(|t| t["id"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        ids,
        records.iter().map(|r| r.id.clone()).collect::<Vec<_>>(),
        "{stderr}"
    );

    let page = dir.path().join("report.html");
    let o = Command::new(BIN)
        .arg("report")
        .arg(&bad_input)
        .arg("-o")
        .arg(&page)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("report of 5 records") && stderr.contains("bad.jsonl:3"),
        "{stderr}"
    );
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(records.iter().all(|r| html.contains(&r.id)));
}
