//! Hostile and odd input: each gives output with exact offsets or one clear `error:` line naming
//! the record, and the rest of the batch goes on. (Invalid UTF-8, whitespace-only text, malformed
//! JSON, a missing file, BOM, CRLF, lone CR, emoji and combining marks are in tests/it/cli.rs.)
//! Needs the ONNX Runtime library of scripts/setup.sh.

use std::path::Path;
use std::process::{Command, Output};

use cyberstance::record::Record;

use crate::common::{assert_errors, BIN};

fn annotate(args: &[&Path], extra: &[&str]) -> Output {
    Command::new(BIN)
        .arg("annotate")
        .args(args)
        .args(["--quiet", "--no-stances"])
        .args(extra)
        .output()
        .unwrap()
}

fn errors(out: &Output) -> Vec<String> {
    String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|l| l.starts_with("error:"))
        .map(String::from)
        .collect()
}

fn records(out: &Output) -> Vec<Record> {
    String::from_utf8(out.stdout.clone())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Entities and actor mentions slice exactly their text out of the record's text.
fn check_offsets(r: &Record) {
    let chars: Vec<char> = r.text.chars().collect();
    for e in &r.entities {
        assert_eq!(chars[e.start..e.end].iter().collect::<String>(), e.text, "{}", r.id);
        assert_eq!(&r.text[e.start_byte..e.end_byte], e.text, "{}", r.id);
    }
    for m in r.actors.iter().flat_map(|a| &a.mentions) {
        assert_eq!(chars[m.start..m.end].iter().collect::<String>(), m.text, "{}", r.id);
    }
}

fn line(id: &str, text: &str) -> String {
    serde_json::json!({"id": id, "text": text}).to_string() + "\n"
}

#[test]
fn control_invisible_and_bidirectional_characters_keep_offsets_exact() {
    let dir = tempfile::tempdir().unwrap();
    let texts = [
        ("nul", "Germany\u{0} and France met in Brussels.\u{0}"),
        (
            "zero-width",
            "Ger\u{200b}many and Fr\u{200d}ance\u{feff} met Olaf\u{2060} Scholz in Berlin.",
        ),
        (
            "rtl",
            "\u{202e}Russia\u{202c} and \u{200f}Egypt spoke. قال وزير خارجية مصر سامح شكري في القاهرة",
        ),
        (
            "combining",
            "Ange\u{301}la Merkel and Franc\u{327}ois Hollande visited Me\u{301}xico.",
        ),
        ("astral", "𝕿𝖍𝖊 UN 🇺🇳 and Japan 🗾 met; 𠜎𠜱 in Beijing, China."),
        (
            "controls",
            "Kenya\u{7}\u{1b}[31m spoke\u{8} to\u{c} Canada\u{85} and\u{2028}Chile\u{2029}today.",
        ),
    ];
    let jsonl = dir.path().join("odd.jsonl");
    std::fs::write(&jsonl, texts.iter().map(|(id, t)| line(id, t)).collect::<String>()).unwrap();
    let txt = dir.path().join("nul-file.txt");
    std::fs::write(&txt, b"Brazil\0\0 and India\0 signed.\r\n").unwrap();
    let out = annotate(&[&jsonl, &txt], &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let recs = records(&out);
    assert_eq!(recs.len(), texts.len() + 1);
    for (r, (id, text)) in recs.iter().zip(texts) {
        assert_eq!((r.id.as_str(), r.text.as_str()), (id, text));
    }
    for r in &recs {
        check_offsets(r);
    }
    let found = |i: usize, name: &str| recs[i].entities.iter().any(|e| e.text == name);
    assert!(found(0, "Germany") && found(4, "Japan") && found(6, "Brazil"));
}

#[test]
fn empty_inputs_oversized_records_and_long_lines_are_reported_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let empty_txt = dir.path().join("empty.txt");
    std::fs::write(&empty_txt, b"").unwrap();
    let empty_jsonl = dir.path().join("none.jsonl");
    std::fs::write(&empty_jsonl, b"").unwrap();
    let big = dir.path().join("big.txt");
    std::fs::write(&big, "Germany and France met. ".repeat(5 << 20 >> 4).as_bytes()).unwrap(); // 7.5 MB
    let long = dir.path().join("long.jsonl");
    let mut lines = line("before", "Chile spoke.");
    lines += &line("huge", &"x".repeat(3 << 20));
    lines += &line("after", "Peru spoke.");
    std::fs::write(&long, lines).unwrap();
    let out = annotate(&[&empty_txt, &empty_jsonl, &big, &long], &[]);
    assert_eq!(out.status.code(), Some(1), "some records failed");
    let errs = errors(&out);
    assert_errors(
        &errs,
        &[
            &["empty.txt", "empty text"],
            &["big.txt", "over the limit of 2097152"],
            &["long.jsonl:2", "--max-article-bytes"],
        ],
    );
    let ids: Vec<String> = records(&out).into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["before", "after"]);
    // the limit is the user's
    let out = annotate(&[&long], &["--max-article-bytes", "4000000"]);
    assert!(out.status.success());
    assert_eq!(records(&out).len(), 3);
}

#[test]
fn odd_json_metadata_passes_through_or_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let deep = format!("{}1{}", "[".repeat(100_000), "]".repeat(100_000));
    let jsonl = dir.path().join("meta.jsonl");
    let content = [
        r#"{"id": "big-numbers", "text": "Kenya spoke.", "n": 123456789012345678901234567890, "x": 1e400, "y": -0.0}"#
            .to_string(),
        format!(r#"{{"id": "deep", "text": "Chile spoke.", "nest": {deep}}}"#),
        r#"{"id": 42, "text": "Peru spoke.", "id2": "\ud83d\ude00", "dup": 1, "dup": 2}"#.to_string(),
        r#"["not", "an", "object"]"#.to_string(),
        r#"{"id": "lone-surrogate", "text": "Mali \ud800 spoke."}"#.to_string(),
    ]
    .join("\n");
    std::fs::write(&jsonl, content).unwrap();
    let out = annotate(&[&jsonl], &[]);
    assert_eq!(out.status.code(), Some(1));
    let recs = records(&out);
    let ids: Vec<&str> = recs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["big-numbers", "deep", "42"]);
    // numbers are kept byte for byte, not rounded through f64; nesting is copied, not recursed into
    assert_eq!(recs[0].meta["n"].get(), "123456789012345678901234567890");
    assert_eq!(recs[0].meta["x"].get(), "1e400");
    assert_eq!(recs[1].meta["nest"].get(), deep);
    assert_errors(&errors(&out), &[&["meta.jsonl:4", "malformed JSON"], &["meta.jsonl:5"]]);
}

#[test]
fn duplicate_ids_name_both_places_and_the_first_one_stands() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("a.jsonl");
    std::fs::write(
        &jsonl,
        line("x", "Kenya spoke.") + &line("y", "Peru spoke.") + &line("x", "Chile spoke."),
    )
    .unwrap();
    let txt = dir.path().join("y.txt");
    std::fs::write(&txt, "India spoke.").unwrap();
    let out = annotate(&[&jsonl, &txt], &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_errors(
        &errors(&out),
        &[
            &["a.jsonl:3 (id x)", "first at ", "a.jsonl:1"],
            &["y.txt (id y)", "a.jsonl:2"],
        ],
    );
    let recs = records(&out);
    let got: Vec<(&str, &str)> = recs.iter().map(|r| (r.id.as_str(), r.text.as_str())).collect();
    assert_eq!(got, [("x", "Kenya spoke."), ("y", "Peru spoke.")]);
}

#[test]
fn broken_links_and_link_loops_in_a_directory_are_errors_and_the_rest_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("corpus");
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("a.txt"), "Germany spoke.").unwrap();
    std::fs::write(root.join("sub/b.txt"), "France spoke.").unwrap();
    std::os::unix::fs::symlink(root.join("missing.txt"), root.join("broken.txt")).unwrap();
    std::os::unix::fs::symlink(&root, root.join("sub/loop")).unwrap();
    std::fs::create_dir(root.join("locked")).unwrap();
    let out = annotate(&[&root], &[]);
    assert_eq!(out.status.code(), Some(1));
    let errs = errors(&out);
    assert!(errs.iter().any(|e| e.contains("broken.txt")), "{errs:?}");
    assert!(errs.iter().any(|e| e.contains("loop")), "{errs:?}");
    let ids: Vec<String> = records(&out).into_iter().map(|r| r.id).collect();
    assert_eq!(ids, ["a", "b"]);
}

#[test]
fn an_output_that_cannot_be_written_stops_the_run_with_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("a.txt");
    std::fs::write(&input, "Germany spoke.").unwrap();
    for (out_path, expect) in [
        ("/nonexistent-dir/out.jsonl", "cannot write /nonexistent-dir/out.jsonl"),
        // a full disk: every write fails with ENOSPC
        ("/dev/full", "cannot write /dev/full"),
    ] {
        let out = annotate(&[&input], &["-o", out_path]);
        assert_eq!(out.status.code(), Some(2), "{out_path}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(expect), "{stderr}");
    }
}
