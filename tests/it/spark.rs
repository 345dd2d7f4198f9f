//! `scripts/spark/spark_annotate.py` (PySpark, local mode) over a sharded input writes the same records
//! as one `annotate` run over the same input. Runs when .venv-spark exists (scripts/setup.sh
//! --spark; CI requires it with CYBERSTANCE_REQUIRE_SPARK). Needs Java and the ONNX Runtime of
//! scripts/setup.sh.

use std::process::Command;

use crate::common::{installed, repo, BIN};

#[test]
fn spark_pipe_output_equals_a_single_run() {
    let python = repo().join(".venv-spark/bin/python");
    if !installed(python.exists(), ".venv-spark", "--spark", "CYBERSTANCE_REQUIRE_SPARK") {
        return;
    }
    // the seeds and the synthetic articles as JSONL, dealt into three shards
    let dir = tempfile::tempdir().unwrap();
    let shards = dir.path().join("in");
    std::fs::create_dir(&shards).unwrap();
    let mut texts = Vec::new();
    for corpus in ["corpus/seeds", "corpus/synthetic"] {
        let mut files: Vec<_> = std::fs::read_dir(repo().join(corpus))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "txt"))
            .collect();
        files.sort();
        for f in files {
            let id = f.file_stem().unwrap().to_string_lossy().into_owned();
            texts.push(serde_json::json!({"id": id, "text": std::fs::read_to_string(&f).unwrap()}).to_string());
        }
    }
    let mut all = String::new();
    for k in 0..3 {
        let shard: String = texts.iter().skip(k).step_by(3).map(|l| format!("{l}\n")).collect();
        std::fs::write(shards.join(format!("shard-{k}.jsonl")), &shard).unwrap();
        all.push_str(&shard);
    }
    let whole = dir.path().join("all.jsonl");
    std::fs::write(&whole, all).unwrap();

    let single = Command::new(BIN)
        .arg("annotate")
        .arg(&whole)
        .args(["-o", "-", "--quiet"])
        .output()
        .unwrap();
    assert!(single.status.success());

    let out = dir.path().join("out");
    let spark = Command::new(&python)
        .arg(repo().join("scripts/spark/spark_annotate.py"))
        .arg(&shards)
        .arg(&out)
        .args(["--master", "local[2]"])
        .output()
        .unwrap();
    assert!(spark.status.success(), "{}", String::from_utf8_lossy(&spark.stderr));
    let mut parts: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().starts_with("part-"))
        .collect();
    parts.sort();
    assert!(parts.len() >= 3, "{parts:?}");
    // Spark does not keep the order of the input files among partitions (each partition keeps
    // its own): the same lines, byte for byte, each record once
    let id_of = |line: &str| serde_json::from_str::<serde_json::Value>(line).unwrap()["id"].to_string();
    let keyed = |text: &str| {
        let mut v: Vec<(String, String)> = text.lines().map(|l| (id_of(l), l.to_string())).collect();
        v.sort();
        v
    };
    let spark_out: String = parts.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect();
    let (got, want) = (keyed(&spark_out), keyed(&String::from_utf8(single.stdout).unwrap()));
    assert_eq!(got.len(), texts.len());
    assert!(got.windows(2).all(|w| w[0].0 != w[1].0), "each id once");
    assert!(got == want, "Spark's records differ from the single run's");
}
