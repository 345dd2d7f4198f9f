//! Data safety (issue 16): an output never destroys an input or an earlier run's output, each
//! input is read once, two runs never write one output, foreign files are never resumed into,
//! and error lines stay one line. Each test is named after the defect it guards against.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::common::{assert_errors, repo, BIN};

const INPUT: &str = "{\"id\":\"a\",\"text\":\"France spoke at the United Nations.\"}\n{\"id\":\"b\",\"text\":\"Kenya agreed with Brazil.\"}\n";

fn run(args: &[&std::ffi::OsStr]) -> Output {
    Command::new(BIN).args(args).stdin(Stdio::null()).output().unwrap()
}

fn annotate(input: &Path, output: &Path, extra: &[&str]) -> Output {
    let mut c = Command::new(BIN);
    c.arg("annotate")
        .arg(input)
        .arg("-o")
        .arg(output)
        .arg("--no-stances")
        .args(extra);
    c.stdin(Stdio::null()).output().unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn write_input(dir: &Path) -> PathBuf {
    let p = dir.join("in.jsonl");
    std::fs::write(&p, INPUT).unwrap();
    p
}

#[test]
fn output_equal_to_an_input_is_refused_through_any_path_or_link() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_input(dir.path());
    let link = dir.path().join("link.jsonl");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    let hard = dir.path().join("hard.jsonl");
    std::fs::hard_link(&input, &hard).unwrap();
    for out in [input.clone(), dir.path().join(".").join("in.jsonl"), link, hard] {
        let o = annotate(&input, &out, &["--quiet"]);
        assert_eq!(o.status.code(), Some(2), "{out:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("the same file"), "{}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&input).unwrap(), INPUT, "{out:?}");
    }
    // export and report too
    let annotated = dir.path().join("out.jsonl");
    assert!(annotate(&input, &annotated, &["--quiet"]).status.success());
    let before = std::fs::read(&annotated).unwrap();
    for sub in [&["export", "--format", "doccano"][..], &["report"][..]] {
        let mut args: Vec<&std::ffi::OsStr> = sub.iter().map(|s| s.as_ref()).collect();
        args.extend([annotated.as_os_str(), "-o".as_ref(), annotated.as_os_str()]);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{sub:?}: {}", stderr(&o));
        assert_eq!(std::fs::read(&annotated).unwrap(), before, "{sub:?}");
    }
}

#[test]
fn output_inside_an_input_directory_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().join("articles");
    std::fs::create_dir(&d).unwrap();
    std::fs::write(d.join("a.txt"), "France spoke at the United Nations.").unwrap();
    let o = annotate(&d, &d.join("out.txt"), &["--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("inside the input directory"), "{}", stderr(&o));
    assert!(!d.join("out.txt").exists() && !d.join("out.txt.part").exists());
}

#[test]
fn jsonl_input_is_read_once_from_a_fifo_or_dev_stdin_without_quiet() {
    let dir = tempfile::tempdir().unwrap();
    // a FIFO named .jsonl: a counting pass before the real one would hang or eat the records
    let fifo = dir.path().join("fifo.jsonl");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::write(fifo, INPUT).unwrap())
    };
    let out = dir.path().join("fifo-out.jsonl");
    let mut child = Command::new(BIN)
        .arg("annotate")
        .arg(&fifo)
        .arg("-o")
        .arg(&out)
        .arg("--no-stances")
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    for _ in 0..600 {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    if child.try_wait().unwrap().is_none() {
        child.kill().unwrap();
        panic!("annotate hung on a FIFO");
    }
    writer.join().unwrap();
    assert!(child.wait().unwrap().success());
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 2);

    // a .jsonl name linked to /dev/stdin
    let stdin_link = dir.path().join("stdin.jsonl");
    std::os::unix::fs::symlink("/dev/stdin", &stdin_link).unwrap();
    let out = dir.path().join("stdin-out.jsonl");
    let mut child = Command::new(BIN)
        .arg("annotate")
        .arg(&stdin_link)
        .arg("-o")
        .arg(&out)
        .arg("--no-stances")
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(INPUT.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("annotated 2 ok"), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap().lines().count(), 2);
}

#[test]
fn resume_refuses_files_this_tool_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_input(dir.path());
    for (content, expect) in [
        ("{\"id\": \"a\"}\n", "schema_version none"),
        ("{\"schema_version\": 99, \"id\": \"a\"}\n", "schema_version 99"),
    ] {
        let out = dir.path().join("foreign.jsonl");
        std::fs::write(&out, content).unwrap();
        let o = annotate(&input, &out, &["--quiet", "--resume"]);
        assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
        assert!(stderr(&o).contains(expect), "{}", stderr(&o));
        assert_eq!(std::fs::read_to_string(&out).unwrap(), content);
    }
    // resuming into the input itself
    let o = annotate(&input, &input, &["--quiet", "--resume"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(std::fs::read_to_string(&input).unwrap(), INPUT);
}

#[test]
fn a_second_writer_of_the_same_output_is_refused_naming_the_holder() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_input(dir.path());
    let out = dir.path().join("out.jsonl");
    // this test process plays the first writer: it holds the lock the annotator takes
    let part = std::fs::File::create(dir.path().join("out.jsonl.part")).unwrap();
    part.try_lock().unwrap();
    let o = annotate(&input, &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(
        e.contains("another run is writing it") && e.contains(&format!("process {}", std::process::id())),
        "{e}"
    );
    drop(part);
    std::fs::remove_file(dir.path().join("out.jsonl.part")).unwrap();
    assert!(annotate(&input, &out, &["--quiet"]).status.success());
    // resuming a finished OUT in place takes the same lock
    let part = std::fs::File::create(dir.path().join("out.jsonl.part")).unwrap();
    part.try_lock().unwrap();
    let o = annotate(&input, &out, &["--quiet", "--resume"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("another run is writing it"), "{}", stderr(&o));
    drop(part);
    let o = annotate(&input, &out, &["--quiet", "--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        !dir.path().join("out.jsonl.part").exists(),
        "the lock file goes with the run"
    );
}

#[test]
fn a_killed_run_never_leaves_a_half_written_output() {
    let dir = tempfile::tempdir().unwrap();
    // enough articles that the run is still going when it is killed
    let mut text = String::new();
    for i in 0..400 {
        let r = serde_json::json!({"id": format!("r{i}"), "text": format!("France and Kenya spoke at the United Nations on day {i}. Brazil agreed.")});
        text.push_str(&r.to_string());
        text.push('\n');
    }
    let input = dir.path().join("in.jsonl");
    std::fs::write(&input, &text).unwrap();
    let out = dir.path().join("out.jsonl");
    let good = "{\"an\": \"earlier good output\"}\n";
    std::fs::write(&out, good).unwrap();
    let mut child = Command::new(BIN)
        .arg("annotate")
        .arg(&input)
        .arg("-o")
        .arg(&out)
        .args(["--quiet", "--no-stances", "--batch-size", "1", "--threads", "1"])
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let part = dir.path().join("out.jsonl.part");
    // kill it once it has written something
    for _ in 0..600 {
        if std::fs::metadata(&part).is_ok_and(|m| m.len() > 0) || child.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let finished = child.try_wait().unwrap().is_some();
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(!finished, "the run finished before it could be killed");
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        good,
        "the earlier output stands"
    );
    // a fresh run does not throw the interrupted one's records away; --resume takes them up
    let o = annotate(&input, &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    let o = annotate(&input, &out, &["--quiet", "--resume"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!part.exists());
    let once = dir.path().join("once.jsonl");
    assert!(annotate(&input, &once, &["--quiet"]).status.success());
    assert_eq!(std::fs::read(&out).unwrap(), std::fs::read(&once).unwrap());
}

#[test]
fn error_lines_escape_control_characters_in_ids() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    std::fs::write(
        &input,
        "{\"id\":\"x\\nerror: forged\\r\\u001b[2J\",\"text\":\"  \"}\n{\"id\":\"ok\",\"text\":\"France spoke.\"}\n",
    )
    .unwrap();
    let o = annotate(&input, &dir.path().join("out.jsonl"), &["--quiet"]);
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    let errors: Vec<&str> = e.lines().filter(|l| l.starts_with("error:")).collect();
    assert_errors(&errors, &[&["x\\nerror: forged\\r\\u{1b}[2J", "empty text"]]);
    assert!(!e.contains('\r') && !e.contains('\u{1b}'), "{e:?}");
}

#[test]
fn stance_threshold_nan_is_refused() {
    for bad in ["nan", "inf", "1.5"] {
        let o = run(&[
            "annotate".as_ref(),
            "x.jsonl".as_ref(),
            "--stance-threshold".as_ref(),
            bad.as_ref(),
        ]);
        assert_eq!(o.status.code(), Some(2), "{bad}");
        assert!(stderr(&o).contains("--stance-threshold"), "{}", stderr(&o));
    }
}

#[test]
fn one_repeated_name_is_linked_in_linear_time() {
    // 60,000 mentions of one state: the linker compared each with every other (quadratic)
    let n = 60_000;
    let text = vec!["France"; n].join(" ");
    let spans: Vec<cyberstance::ner::Span> = (0..n)
        .map(|i| cyberstance::ner::Span {
            start_byte: i * 7,
            end_byte: i * 7 + 6,
            label: "GPE".into(),
            score: 0.99,
        })
        .collect();
    let linker = cyberstance::actors::Linker::load(&repo().join("models/gazetteer")).unwrap();
    let linked = linker.link(&text, &spans);
    assert_eq!(linked.entities.len(), n);
    assert_eq!(linked.actors.len(), 1);
    assert_eq!(linked.actors[0].mentions.len(), n);
}

#[test]
fn resume_with_other_settings_is_refused_naming_the_first_difference() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_input(dir.path());
    let out = dir.path().join("out.jsonl");
    assert!(annotate(&input, &out, &["--quiet"]).status.success());
    let before = std::fs::read(&out).unwrap();
    let record: serde_json::Value = serde_json::from_slice(before.split(|&b| b == b'\n').next().unwrap()).unwrap();
    assert_eq!(record["model"]["run"]["fingerprint"].as_str().unwrap().len(), 16);
    for (flags, differs) in [
        (&["--windows", "sliding"][..], "options differs"),
        (&["--stride", "16"][..], "options differs"),
    ] {
        let mut args = vec!["--quiet", "--resume"];
        args.extend_from_slice(flags);
        let o = annotate(&input, &out, &args);
        assert_eq!(o.status.code(), Some(2), "{flags:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(differs), "{}", stderr(&o));
        assert_eq!(std::fs::read(&out).unwrap(), before);
    }
    // other data files: a copy of the gazetteer with one line more
    let gazetteer = dir.path().join("gazetteer");
    std::fs::create_dir(&gazetteer).unwrap();
    for f in ["states.tsv", "bodies.tsv", "words.tsv"] {
        std::fs::copy(repo().join("models/gazetteer").join(f), gazetteer.join(f)).unwrap();
    }
    let words = gazetteer.join("words.tsv");
    let mut w = std::fs::read_to_string(&words).unwrap();
    w.push('\n');
    std::fs::write(&words, w).unwrap();
    let o = annotate(
        &input,
        &out,
        &["--quiet", "--resume", "--gazetteer", gazetteer.to_str().unwrap()],
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("gazetteer differs"), "{}", stderr(&o));
    // the same settings resume (nothing left to do)
    assert!(annotate(&input, &out, &["--quiet", "--resume"]).status.success());
    assert_eq!(std::fs::read(&out).unwrap(), before);
}

#[test]
fn export_refuses_records_with_invalid_offsets_and_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_input(dir.path());
    let annotated = dir.path().join("out.jsonl");
    assert!(annotate(&input, &annotated, &["--quiet"]).status.success());
    let mut lines: Vec<serde_json::Value> = std::fs::read_to_string(&annotated)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    lines[0]["entities"][0]["end"] = 500.into();
    let broken = dir.path().join("broken.jsonl");
    let text: String = lines.iter().map(|v| format!("{v}\n")).collect();
    std::fs::write(&broken, text).unwrap();
    for sub in [&["export", "--format", "doccano"][..], &["report"][..]] {
        let out = dir.path().join("exported");
        let mut args: Vec<&std::ffi::OsStr> = sub.iter().map(|s| s.as_ref()).collect();
        args.extend([broken.as_os_str(), "-o".as_ref(), out.as_os_str()]);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(1), "{sub:?}: {}", stderr(&o));
        let e = stderr(&o);
        let errors: Vec<&str> = e.lines().filter(|l| l.starts_with("error:")).collect();
        assert_errors(&errors, &[&["broken.jsonl:1 (id a)", "invalid offsets", "entity"]]);
        let written = std::fs::read_to_string(&out).unwrap();
        assert!(
            !written.contains("500") && written.contains("Kenya"),
            "{sub:?}: {written}"
        );
    }
}

#[test]
fn resume_that_cannot_keep_input_order_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let input = write_input(dir.path());
    let out = dir.path().join("out.jsonl");
    assert!(annotate(&input, &out, &["--quiet"]).status.success());
    let before = std::fs::read(&out).unwrap();
    // an input that appeared before the finished ones since the interrupted run
    let earlier = dir.path().join("earlier.jsonl");
    std::fs::write(&earlier, "{\"id\":\"z\",\"text\":\"Chile spoke.\"}\n").unwrap();
    let o = Command::new(BIN)
        .args([
            "annotate".as_ref(),
            earlier.as_os_str(),
            input.as_os_str(),
            "-o".as_ref(),
            out.as_os_str(),
        ])
        .args(["--quiet", "--no-stances", "--resume"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("cannot keep input order") && stderr(&o).contains("\"a\""),
        "{}",
        stderr(&o)
    );
    // records in the output that are not in the input at all
    let only_a = dir.path().join("only-a.jsonl");
    std::fs::write(&only_a, INPUT.lines().next().unwrap()).unwrap();
    let o = annotate(&only_a, &out, &["--quiet", "--resume"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("\"b\""), "{}", stderr(&o));
    assert_eq!(std::fs::read(&out).unwrap(), before);
}

#[test]
fn missing_id_made_from_stem_and_line_never_collides_with_a_real_id() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("in.jsonl");
    // line 1 carries the real id `in:2`; line 2 has none, so its made-up id would be `in:2` too;
    // line 3 has none (`in:3`) and line 4 then claims `in:3` as a real id
    std::fs::write(
        &input,
        "{\"id\":\"in:2\",\"text\":\"France spoke.\"}\n{\"text\":\"Kenya spoke.\"}\n{\"text\":\"Chile spoke.\"}\n{\"id\":\"in:3\",\"text\":\"Peru spoke.\"}\n",
    )
    .unwrap();
    let out = dir.path().join("out.jsonl");
    let o = annotate(&input, &out, &["--quiet"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let ids: Vec<String> = std::fs::read_to_string(&out)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    assert_eq!(ids, ["in:2", "in:2#2", "in:3"]);
    let e = stderr(&o);
    let errors: Vec<&str> = e.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "{e}");
    assert!(
        errors[0].contains("in.jsonl:4") && errors[0].contains("duplicate id"),
        "{e}"
    );
    assert!(
        errors[0].contains("in.jsonl:3") && errors[0].contains("made from file and line"),
        "{e}"
    );
}
