//! End-to-end tests of the `cyberstance` binary with the shipped model. They need the ONNX Runtime
//! library that `scripts/setup.sh` installs in `.runtime/`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use cyberstance::record::Record;
use cyberstance::stance::Polarity;

use crate::common::{assert_errors, repo, BIN};

fn run(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut pipe = child.stdin.take().unwrap();
    if let Some(bytes) = stdin {
        pipe.write_all(bytes).unwrap();
    }
    drop(pipe);
    child.wait_with_output().unwrap()
}

fn records(out: &[u8]) -> Vec<Record> {
    let text = std::str::from_utf8(out).expect("output is UTF-8");
    assert!(text.is_empty() || text.ends_with('\n'), "output ends with a whole line");
    text.lines()
        .map(|l| serde_json::from_str(l).expect("each line parses as a Record"))
        .collect()
}

/// Every entity's code-point and byte offsets slice exactly its text out of the record's text.
fn check_offsets(r: &Record) {
    let chars: Vec<char> = r.text.chars().collect();
    for e in &r.entities {
        let by_chars: String = chars[e.start..e.end].iter().collect();
        assert_eq!(by_chars, e.text, "code points, {}", r.id);
        assert_eq!(&r.text[e.start_byte..e.end_byte], e.text, "bytes, {}", r.id);
        assert!(!e.text.trim().is_empty() && e.text.trim() == e.text, "{:?}", e.text);
        assert!(e.score > 0.0 && e.score <= 1.0);
        if let Some(a) = &e.actor {
            assert!(r.actors.iter().any(|x| &x.id == a), "entity actor {a} is listed");
        }
    }
    for a in &r.actors {
        for m in &a.mentions {
            let by_chars: String = chars[m.start..m.end].iter().collect();
            assert_eq!(by_chars, m.text, "mention code points, {}", r.id);
            assert_eq!(&r.text[m.start_byte..m.end_byte], m.text, "mention bytes, {}", r.id);
        }
        if let Some(x) = &a.affiliation {
            assert!(r.actors.iter().any(|y| &y.id == x), "affiliation {x} is listed");
        }
    }
    for s in r.stances.iter().flatten() {
        let by_chars: String = chars[s.evidence_start..s.evidence_end].iter().collect();
        assert_eq!(by_chars, s.evidence, "evidence code points, {}", r.id);
        assert_eq!(
            &r.text[s.evidence_start_byte..s.evidence_end_byte],
            s.evidence,
            "evidence bytes"
        );
        let actor = r
            .actors
            .iter()
            .find(|a| a.id == s.actor)
            .expect("stance actor is listed");
        assert_eq!(actor.code, s.actor_code);
    }
}

fn annotate_jsonl(jsonl: &str, extra: &[&str]) -> (Vec<Record>, Output) {
    let mut args = vec!["annotate", "-", "-o", "-", "--quiet"];
    args.extend_from_slice(extra);
    let out = run(&args, Some(jsonl.as_bytes()));
    (records(&out.stdout), out)
}

fn jsonl_line(id: &str, text: &str) -> String {
    serde_json::json!({"id": id, "text": text}).to_string() + "\n"
}

#[test]
fn seed_articles_slice_exactly_and_name_the_actors() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("seeds.jsonl");
    let seeds = repo().join("corpus/seeds");
    let out = run(
        &["annotate", seeds.to_str().unwrap(), "-o", out_path.to_str().unwrap()],
        None,
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let recs = records(&std::fs::read(&out_path).unwrap());
    let ids: Vec<&str> = recs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "000_cad830bc97984d49",
            "001_62e231060b59f2f2",
            "002_96d81aa5d12d7bbe",
            "003_99c002cf2c6bae32",
            "004_fe9ae66057658a08"
        ]
    );
    for r in &recs {
        check_offsets(r);
        assert_eq!(r.schema_version, cyberstance::record::SCHEMA_VERSION);
        assert_eq!(r.model.backend, "onnxruntime");
        let text = std::fs::read_to_string(seeds.join(format!("{}.txt", r.id))).unwrap();
        assert_eq!(r.text, text, "the record carries the original text");
    }
    let has = |id: &str, text: &str, label: &str| {
        recs.iter()
            .find(|r| r.id.starts_with(id))
            .unwrap()
            .entities
            .iter()
            .any(|e| e.text == text && e.label == label)
    };
    assert!(has("003", "Aamir Khan", "PER"));
    assert!(has("003", "Pakistan", "GPE"));
    assert!(has("003", "Pakistani", "NORP"));
    assert!(has("003", "UN Security Council", "ORG"));
    assert!(has("000", "Izumi Nakamitsu", "PER"));
    assert!(has("001", "Netherlands", "GPE"));
    assert!(has("002", "Chatham House", "ORG"));
    // actors: the envoy speaks for Pakistan; "the Pakistani envoy" is him
    let r003 = recs.iter().find(|r| r.id.starts_with("003")).unwrap();
    let actor = |id: &str| r003.actors.iter().find(|a| a.id == id).unwrap();
    assert_eq!(actor("PAK").code.as_deref(), Some("PAK"));
    let khan = actor("aamir-khan");
    assert_eq!(khan.affiliation.as_deref(), Some("PAK"));
    assert!(khan.mentions.iter().any(|m| m.text == "the Pakistani envoy"));
    assert!(actor("unsc").mentions.iter().any(|m| m.text == "Council"));
    // stances: Pakistan, through its envoy, supports a binding instrument; one per (actor, target)
    let stances = r003.stances.as_ref().expect("stances");
    assert!(stances
        .iter()
        .any(|s| s.actor == "PAK" && s.target == "binding_instrument" && s.stance == Polarity::Support));
    for r in &recs {
        let st = r.stances.as_ref().unwrap();
        let mut pairs: Vec<(&str, &str)> = st.iter().map(|s| (s.actor.as_str(), s.target.as_str())).collect();
        pairs.sort_unstable();
        pairs.dedup();
        assert_eq!(pairs.len(), st.len(), "one stance per (actor, target) in {}", r.id);
    }
}

#[test]
fn stances_use_the_users_targets_and_can_be_turned_off() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.tsv");
    std::fs::write(
        &targets,
        "target\tdescription\tkeywords\nspace_debris\tRemoving debris from orbit and rules against creating it.\tdebris|space junk\n",
    )
    .unwrap();
    let text = "Japan said that debris in orbit must be removed. France was attacked last year. \
                Chile rejected new rules on space junk as premature.";
    let line = jsonl_line("a", text);
    let (recs, out) = annotate_jsonl(&line, &["--targets", targets.to_str().unwrap()]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    check_offsets(&recs[0]);
    let got: Vec<(&str, &str, Polarity)> = recs[0]
        .stances
        .as_ref()
        .unwrap()
        .iter()
        .map(|s| (s.actor.as_str(), s.target.as_str(), s.stance))
        .collect();
    assert_eq!(
        got,
        [
            ("JPN", "space_debris", Polarity::Support),
            ("CHL", "space_debris", Polarity::Oppose)
        ]
    );
    // without stances there is no `stances` field at all
    let (recs, out) = annotate_jsonl(&line, &["--no-stances"]);
    assert!(out.status.success());
    assert!(recs[0].stances.is_none());
    let raw = String::from_utf8(
        run(
            &["annotate", "-", "-o", "-", "--quiet", "--no-stances"],
            Some(line.as_bytes()),
        )
        .stdout,
    )
    .unwrap();
    assert!(!raw.contains("\"stances\""));
    // a bad targets file stops the run before anything is read, naming the file and line
    std::fs::write(&targets, "target\tdescription\nx\n").unwrap();
    let (_, out) = annotate_jsonl(&line, &["--targets", targets.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("targets.tsv:2"), "{err}");
}

#[test]
fn the_stance_model_reads_a_vocabulary_of_ones_own_and_shows_its_statements() {
    let dir = tempfile::tempdir().unwrap();
    let targets = dir.path().join("targets.tsv");
    // targets the model never saw, without keywords: only their descriptions reach it
    std::fs::write(
        &targets,
        "target\tdescription\n\
         cyber_treaty\tA new legally binding international treaty on state behaviour in cyberspace.\n\
         space_debris\tRemoving debris from orbit and rules against creating it.\n",
    )
    .unwrap();
    let text = "Chile said that a new legally binding treaty on state conduct in cyberspace is urgently needed. \
                The weather in Geneva was mild.";
    let line = jsonl_line("m", text);
    let model = [
        "--stance-signals",
        "model",
        "--targets",
        targets.to_str().unwrap(),
        "--statements",
    ];
    // by default the learned links decide who takes a sentence's targets: every sentence gets the
    // targets it takes from the vocabulary and its links, Chile's first sentence among them
    let (recs, out) = annotate_jsonl(&line, &model);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = &recs[0];
    let st = r.statements.as_ref().expect("--statements writes them");
    assert!(st
        .iter()
        .flat_map(|s| s.takes.as_ref().expect("the takes are written").keys())
        .all(|t| t == "cyber_treaty" || t == "space_debris"));
    let links = r.links.as_ref().expect("--statements writes the links");
    let chile = links
        .iter()
        .find(|l| l.actor == "CHL" && l.sentence == 0)
        .expect("Chile's link");
    assert!(chile.score.is_some_and(|p| (0.0..=1.0).contains(&p)), "{chile:?}");
    assert_eq!(chile.features["named"], 1.0);
    assert!(r.stances.as_ref().unwrap().iter().all(|s| s.actor == "CHL"));
    // a pair's score multiplies the link's probability by the model's score, which is low on
    // targets it never saw (the model card), so the rules' speakers keep more of such a vocabulary
    let flags = [&model[..], &["--stance-decision", "sentences"]].concat();
    let (recs, out) = annotate_jsonl(&line, &flags);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = &recs[0];
    let stances = r.stances.as_ref().unwrap();
    assert!(stances
        .iter()
        .all(|s| s.target == "cyber_treaty" || s.target == "space_debris"));
    // Chile takes the treaty, with a probability as score (which of the two unseen targets ranks
    // higher is a known weakness: the model card's failure classes)
    let chile = stances
        .iter()
        .find(|s| s.actor == "CHL" && s.target == "cyber_treaty")
        .expect("Chile's stance on the treaty");
    assert_eq!(chile.stance, Polarity::Support);
    let score = chile.score.expect("the model gives a score");
    assert!((0.0..=1.0).contains(&score), "{score}");
    assert!(
        stances.iter().all(|s| s.actor == "CHL"),
        "only Chile speaks: {stances:?}"
    );
    // every sentence is listed, with its speakers (the second continues Chile's paragraph)
    let st = r.statements.as_ref().expect("--statements writes them");
    assert_eq!(st.len(), 2);
    assert_eq!(st[0].speakers, ["CHL"]);
    let chars: Vec<char> = r.text.chars().collect();
    let slice = |i: usize| chars[st[i].start..st[i].end].iter().collect::<String>();
    assert!(
        slice(0).starts_with("Chile said") && slice(0).ends_with("needed."),
        "{}",
        slice(0)
    );
    assert_eq!(slice(1), "The weather in Geneva was mild.");
    assert_eq!(&r.text[st[1].start_byte..st[1].end_byte], slice(1));
    // the threshold moves along the curve: at 1.0 nothing is certain enough
    let mut strict = flags.to_vec();
    strict.extend(["--stance-threshold", "1"]);
    let (recs, out) = annotate_jsonl(&line, &strict);
    assert!(out.status.success());
    assert!(recs[0].stances.as_ref().unwrap().is_empty());
    // the threshold belongs to the model: without it, it is a usage error
    let (_, out) = annotate_jsonl(&line, &["--stance-threshold", "0.5"]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--stance-signals model"));
}

#[test]
fn offsets_survive_non_ascii_crlf_bom_and_emoji() {
    let texts = [
        "\u{feff}Ambassador Aamir Khan of Pakistan spoke in New York.",
        "Ms.\u{a0}Izumi\u{a0}Nakamitsu told the “Security Council” in New York 😀 that Russia and Côte d'Ivoire agree.",
        "Line one about Germany.\r\nLine two: Emmanuel Macron visited Brazil.\rLone CR before Japan.",
        "🇺🇦 Ukraine and 👩‍👩‍👧 families met António Guterres in Genève; e\u{301}te\u{301} at the OSCE.",
    ];
    let input: String = texts
        .iter()
        .enumerate()
        .map(|(i, t)| jsonl_line(&format!("t{i}"), t))
        .collect();
    let (recs, out) = annotate_jsonl(&input, &[]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(recs.len(), texts.len());
    for r in &recs {
        check_offsets(r);
        assert!(!r.entities.is_empty(), "{}: no entity in {:?}", r.id, r.text);
    }
    // a BOM inside a JSON string is part of the text and is removed and reported
    assert!(recs[0].bom_removed && !recs[0].text.starts_with('\u{feff}'));
    let ents: Vec<&str> = recs[1].entities.iter().map(|e| e.text.as_str()).collect();
    assert!(ents.contains(&"Izumi\u{a0}Nakamitsu"), "{ents:?}");
    // an entity never crosses a line break
    assert!(recs[2].entities.iter().all(|e| !e.text.contains(['\r', '\n'])));
}

#[test]
fn a_long_article_is_windowed_without_losing_entities() {
    let sentence = "On Tuesday, Ambassador Aamir Khan of Pakistan told the UN Security Council in New York that Microsoft and the European Union must act. ";
    let short = sentence.trim_end().to_string();
    let long = sentence.repeat(40); // ~1,100 subword tokens: nine windows of 126
    let input = jsonl_line("short", &short) + &jsonl_line("long", &long);
    for windows in [&[][..], &["--windows", "sliding"][..]] {
        check_long_article(sentence, &input, windows);
    }
}

/// Every repetition of `sentence` in the long article gets the short article's entities.
fn check_long_article(sentence: &str, input: &str, flags: &[&str]) {
    let (recs, out) = annotate_jsonl(input, flags);
    assert!(out.status.success());
    let key = |r: &Record, offset: usize| -> Vec<(usize, usize, String)> {
        r.entities
            .iter()
            .map(|e| (e.start_byte - offset, e.end_byte - offset, e.label.clone()))
            .collect()
    };
    let want = key(&recs[0], 0);
    assert!(want.len() >= 5, "{want:?}");
    let long_rec = &recs[1];
    check_offsets(long_rec);
    for k in 0..40 {
        let offset = k * sentence.len();
        let got: Vec<_> = key(long_rec, 0)
            .into_iter()
            .filter(|(s, _, _)| *s >= offset && *s < offset + sentence.len())
            .map(|(s, e, l)| (s - offset, e - offset, l))
            .collect();
        assert_eq!(got, want, "occurrence {k} of the sentence, {flags:?}");
    }
}

#[test]
fn bad_records_are_reported_and_the_batch_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.txt");
    std::fs::write(&good, "Germany and France met in Brussels.").unwrap();
    let bad_utf8 = dir.path().join("latin1.txt");
    std::fs::write(&bad_utf8, b"Caf\xe9 in Paris").unwrap();
    let empty = dir.path().join("empty.txt");
    std::fs::write(&empty, " \n\t ").unwrap();
    let jsonl = dir.path().join("in.jsonl");
    std::fs::write(
        &jsonl,
        "{\"id\": \"j1\", \"text\": \"Kenya spoke.\", \"url\": \"https://x\", \"n\": [1, {\"a\": null}]}\n{\"id\": \"j2\", \"text\": \n{\"id\": \"j3\", \"body\": \"no text\"}\n{\"id\": \"j4\", \"text\": \"India spoke.\"}\n",
    )
    .unwrap();
    let missing = dir.path().join("missing.txt");
    let out_path = dir.path().join("out.jsonl");
    let args: Vec<String> = [&good, &bad_utf8, &empty, &jsonl, &missing]
        .iter()
        .map(|p| p.display().to_string())
        .chain(["-o".into(), out_path.display().to_string(), "--quiet".into()])
        .collect();
    let mut full = vec!["annotate".to_string()];
    full.extend(args);
    let out = Command::new(BIN).args(&full).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "some records failed");
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<&str> = stderr.lines().filter(|l| l.starts_with("error:")).collect();
    assert_errors(
        &lines,
        &[
            &["latin1.txt", "(id latin1)", "invalid UTF-8 at byte 3"],
            &["empty.txt", "empty text"],
            &["in.jsonl:2", "malformed JSON"],
            &["in.jsonl:3 (id j3)", "`text`"],
            &["missing.txt", "cannot read"],
        ],
    );
    let recs = records(&std::fs::read(&out_path).unwrap());
    let ids: Vec<&str> = recs.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["good", "j1", "j4"]);
    assert_eq!(
        recs[1].meta["n"].get(),
        "[1, {\"a\": null}]",
        "metadata passes through untouched"
    );
    assert_eq!(recs[1].meta.keys().collect::<Vec<_>>(), ["url", "n"]);
}

#[test]
fn eval_conll_scores_a_small_file() {
    let dir = tempfile::tempdir().unwrap();
    let p: PathBuf = dir.path().join("tiny.iob2");
    std::fs::write(
        &p,
        "-DOCSTART- O\n\nAmbassador O\nAamir B-PER\nKhan I-PER\nof O\nPakistan B-LOC\nspoke O\nin O\nNew B-LOC\nYork I-LOC\n. O\n\nMicrosoft B-ORG\nagreed O\n. O\n",
    )
    .unwrap();
    let out = run(&["eval-conll", p.to_str().unwrap(), "--json"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["entities"]["strict"]["possible"], 4);
    assert_eq!(v["documents"], 1);
    assert!(v["entities"]["strict"]["f1"].as_f64().unwrap() >= 0.74, "{v}");
    assert!(v["entities"]["per_label"]["PER"]["partial"]["f1"].is_f64(), "{v}");
}

/// The shipped model through this pipeline on CoNLL-2003 dev (not in the repository; skipped with a
/// note when `../shared/data/conll2003` or $CONLL2003_DIR is absent). Measured 0.94; this guards
/// against a broken pipeline or model, not against a small regression (`eval` gates those).
#[test]
fn conll_dev_f1_of_the_shipped_model() {
    let dir = std::env::var_os("CONLL2003_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/data/conll2003"));
    let dev = dir.join("conll2003_dev.iob2");
    if !dev.exists() {
        eprintln!("skipped: {} not found", dev.display());
        return;
    }
    let out = run(&["eval-conll", dev.to_str().unwrap(), "--json"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f1 = v["entities"]["strict"]["f1"].as_f64().unwrap();
    assert!(f1 > 0.93, "CoNLL dev strict F1 {f1}");
}

/// Writes JSONL lines to `dir/name`.
fn jsonl_file(dir: &Path, name: &str, lines: &[serde_json::Value]) -> String {
    let p = dir.join(name);
    let body: String = lines.iter().map(|v| v.to_string() + "\n").collect();
    std::fs::write(&p, body).unwrap();
    p.to_str().unwrap().to_string()
}

#[test]
fn eval_scores_worked_example_and_gates_on_floors() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Pakistan and the UN Security Council met.";
    let gold = jsonl_file(
        dir.path(),
        "gold.jsonl",
        &[serde_json::json!({"id": "a",
            "entities": [{"start": 0, "end": 8, "text": "Pakistan", "label": "GPE"},
                         {"start": 17, "end": 36, "text": "UN Security Council", "label": "ORG"}],
            "actors": [{"name": "Pakistan", "kind": "state", "code": "PAK", "mentions": [[0, 8]]}],
            "stances": []})],
    );
    let pred_a = serde_json::json!({"id": "a", "text": text,
        "entities": [{"start": 0, "end": 8, "label": "LOC"}, {"start": 20, "end": 36, "label": "ORG"}]});
    let pred = jsonl_file(dir.path(), "pred.jsonl", std::slice::from_ref(&pred_a));
    let eval = |extra: &[&str]| {
        let mut args = vec!["eval", "--gold", &gold, "--pred", &pred];
        args.extend_from_slice(extra);
        run(&args, None)
    };

    // Without a label map: Pakistan has the right boundaries and the wrong label, the Council
    // overlaps: strict 0 of 2; partial (1 + 1/2) / 2 = 0.75.
    let out = eval(&["--json"]);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["articles"], 1);
    assert_eq!(v["entities"]["strict"]["f1"], 0.0);
    assert_eq!(v["entities"]["strict"]["incorrect"], 2);
    assert_eq!(v["entities"]["partial"]["f1"], 0.75);
    assert_eq!(v["entities"]["per_label"]["GPE"]["support"], 1);
    assert_eq!(v["actors"]["scored"], false);
    assert_eq!(v["actors"]["reason"], "no `actors` in 1 of 1 predicted records");

    // GPE=LOC: Pakistan is right, strict P = R = 1/2.
    let out = eval(&["--json", "--label-map", "GPE=LOC", "--per-article"]);
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["entities"]["strict"]["f1"], 0.5);
    assert_eq!(v["label_map"]["GPE"], "LOC");
    assert_eq!(v["per_article"][0]["id"], "a");
    assert_eq!(v["per_article"][0]["entities"]["strict"]["f1"], 0.5);

    // Floors: met -> 0; missed -> 1; a section not scored -> 1; a key that does not exist -> 2.
    let out = eval(&["--label-map", "GPE=LOC", "--min", "entities.strict.f1=0.5"]);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(table.contains("strict") && table.contains("0.5000"), "{table}");
    let out = eval(&["--label-map", "GPE=LOC", "--min", "entities.strict.f1=0.51"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("below floor: entities.strict.f1 = 0.5000 < 0.51"));
    let out = eval(&["--min", "actors.states.f1=0.1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not scored (no `actors` in 1 of 1 predicted records)"));
    let out = eval(&["--min", "entities.strict.f2=0.1"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no figure `entities.strict.f2`"));
}

#[test]
fn eval_reports_an_id_on_one_side_and_scores_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let entity = serde_json::json!([{"start": 0, "end": 5, "label": "PER"}]);
    let gold = jsonl_file(
        dir.path(),
        "gold.jsonl",
        &[
            serde_json::json!({"id": "a", "entities": entity}),
            serde_json::json!({"id": "only-gold", "entities": []}),
        ],
    );
    let pred = jsonl_file(
        dir.path(),
        "pred.jsonl",
        &[
            serde_json::json!({"id": "only-pred", "entities": []}),
            serde_json::json!({"id": "a", "entities": entity}),
        ],
    );
    let out = run(&["eval", "--gold", &gold, "--pred", &pred, "--json"], None);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("gold.jsonl:2 (id only-gold): gold article has no predicted record with this id"),
        "{err}"
    );
    assert!(
        err.contains("pred.jsonl:1 (id only-pred): predicted record has no gold article with this id"),
        "{err}"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!((v["articles"].as_u64(), v["errors"].as_u64()), (Some(1), Some(2)));
    assert_eq!(v["entities"]["strict"]["f1"], 1.0);
}

/// `annotate | eval --pred -`: the annotator's own output is a valid prediction file.
#[test]
fn eval_reads_annotate_output_from_stdin() {
    let dir = tempfile::tempdir().unwrap();
    let text = "Ambassador Aamir Khan of Pakistan spoke in New York.";
    let annotated = run(
        &["annotate", "-", "-o", "-", "--quiet"],
        Some(jsonl_line("a", text).as_bytes()),
    );
    assert!(annotated.status.success());
    let gold = jsonl_file(
        dir.path(),
        "gold.jsonl",
        &[serde_json::json!({"id": "a", "entities": [
            {"start": 11, "end": 21, "text": "Aamir Khan", "label": "PER"},
            {"start": 25, "end": 33, "text": "Pakistan", "label": "GPE"},
            {"start": 43, "end": 51, "text": "New York", "label": "GPE"}]})],
    );
    let out = run(
        &[
            "eval",
            "--gold",
            &gold,
            "--pred",
            "-",
            "--label-map",
            "GPE=LOC",
            "--json",
        ],
        Some(&annotated.stdout),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["entities"]["strict"]["possible"], 3);
    assert_eq!(v["entities"]["per_label"]["PER"]["f1"], 1.0, "{v}");
}

/// Actor and stance sections, with predictions in the record format (actor ids, mention objects).
#[test]
fn eval_scores_actors_and_stances_when_both_sides_have_them() {
    let dir = tempfile::tempdir().unwrap();
    // "Pakistan told the Council. Its envoy Aamir Khan spoke."
    let gold = jsonl_file(
        dir.path(),
        "gold.jsonl",
        &[serde_json::json!({"id": "a", "entities": [],
            "actors": [
                {"name": "Pakistan", "kind": "state", "code": "PAK", "mentions": [[0, 8], [26, 29]]},
                {"name": "Aamir Khan", "kind": "person", "code": null, "mentions": [[36, 46]]}],
            "stances": [
                {"actor": "Pakistan", "actor_code": "PAK", "target": "binding_instrument", "stance": "support"},
                {"actor": "Aamir Khan", "actor_code": null, "target": "capacity_building", "stance": "support"}]})],
    );
    let pred = jsonl_file(
        dir.path(),
        "pred.jsonl",
        &[serde_json::json!({"id": "a", "entities": [],
            "actors": [
                {"id": "PAK", "name": "Pakistan", "kind": "state", "code": "PAK",
                 "mentions": [{"start": 0, "end": 8, "text": "Pakistan"}]},
                {"id": "ALB", "name": "Albania", "kind": "state", "code": "ALB", "mentions": []},
                {"id": "aamir-khan", "name": "Aamir Khan", "kind": "person", "code": null, "affiliation": "PAK",
                 "mentions": [{"start": 36, "end": 46}]}],
            "stances": [
                {"actor": "PAK", "actor_code": "PAK", "target": "binding_instrument", "stance": "oppose"},
                {"actor": "aamir-khan", "actor_code": null, "target": "capacity_building", "stance": "support"}]})],
    );
    let out = run(&["eval", "--gold", &gold, "--pred", &pred, "--json"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // states: gold {PAK}, predicted {PAK, ALB}: P 1/2, R 1, F1 2/3.
    assert_eq!(v["actors"]["scored"], true);
    assert!((v["actors"]["states"]["f1"].as_f64().unwrap() - 2.0 / 3.0).abs() < 1e-12);
    // mentions: 2 of 3 gold mentions linked ("Its" [26,29) is not predicted).
    assert_eq!(v["actors"]["mentions"]["correct"], 2);
    assert_eq!(v["actors"]["mentions"]["total"], 3);
    // stances: both pairs found, one with the wrong polarity.
    assert_eq!(v["stances"]["pairs"]["f1"], 1.0);
    assert_eq!(v["stances"]["triples"]["f1"], 0.5);
    assert_eq!(v["stances"]["polarity"]["accuracy"], 0.5);
    assert_eq!(v["stances"]["per_target"]["binding_instrument"]["f1"], 0.0);
    assert_eq!(v["stances"]["per_target"]["capacity_building"]["f1"], 1.0);
}

#[test]
fn eval_refuses_what_it_cannot_score() {
    let dir = tempfile::tempdir().unwrap();
    let empty = jsonl_file(dir.path(), "empty.jsonl", &[]);
    let other = jsonl_file(dir.path(), "other.jsonl", &[]);
    // Nothing to score is a failure, not a silent zero.
    let out = run(&["eval", "--gold", &empty, "--pred", &other], None);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no article to score"));
    // Both sides from stdin, or one label mapped twice: usage errors.
    let out = run(&["eval", "--gold", "-", "--pred", "-"], Some(b""));
    assert_eq!(out.status.code(), Some(2));
    let out = run(
        &[
            "eval",
            "--gold",
            &empty,
            "--pred",
            &other,
            "--label-map",
            "GPE=LOC,GPE=ORG",
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("GPE is mapped twice"));
}
