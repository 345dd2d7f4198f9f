//! The rust-bert/libtorch backend against ONNX Runtime on the same fp32 weights (cargo feature
//! `torch`; `scripts/setup.sh --torch` installs libtorch and writes the NER model's fp32 ONNX file).
//!
//! - the NER model's logits on every window of the seed articles agree within 1e-3;
//! - the stance model's encoder hidden states on every sentence of the seed articles agree within 1e-3;
//! - `annotate` writes the same JSONL for the seeds with either backend: every field equal, except
//!   `model.backend` and the `score`s (entity and stance probabilities), which agree within 1e-3
//!   (the stance model's head runs in Rust on either backend's pooled vectors).

use std::path::{Path, PathBuf};
use std::process::Command;

use cyberstance::backend::onnx::{default_library, OnnxBackend};
use cyberstance::backend::torch::TorchBackend;
use cyberstance::backend::{Backend, ModelInputs, Network, Scores};
use cyberstance::tokenize::{plan_windows, TextTokenizer};
use serde_json::Value;
use tch::Device;

use crate::common::{repo, BIN};

const TOLERANCE: f32 = 1e-3;

fn ner_dir() -> PathBuf {
    repo().join("models/ner-minilm-conll03")
}

fn stance_dir() -> PathBuf {
    repo().join("models/stance-minilm")
}

fn seeds() -> Vec<(String, String)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("corpus/seeds"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "the five seed articles");
    files
        .into_iter()
        .map(|p| {
            (
                p.file_stem().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect()
}

/// Largest absolute difference between two outputs of the same batch.
fn max_diff(a: &Scores, b: &Scores) -> f32 {
    assert_eq!((a.batch, a.seq, a.width), (b.batch, b.seq, b.width));
    a.data
        .iter()
        .zip(&b.data)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

fn onnx(file: &Path) -> OnnxBackend {
    assert!(
        file.exists(),
        "{} is missing: run scripts/setup.sh --torch",
        file.display()
    );
    OnnxBackend::load(file, &default_library(), 1).unwrap()
}

#[test]
fn ner_logits_agree_with_onnx_fp32_on_every_seed_window() {
    let dir = ner_dir();
    let tokenizer = TextTokenizer::from_file(&dir.join("tokenizer.json")).unwrap();
    let mut torch = TorchBackend::load(&dir, Network::Tagger, Device::Cpu).unwrap();
    let mut reference = onnx(&dir.join("model.fp32.onnx"));
    let mut windows = 0;
    for (id, text) in seeds() {
        let enc = tokenizer.encode(&text).unwrap();
        let plan = plan_windows(enc.len(), 126, 32);
        // all windows of the article in one padded batch: padding must not change the real rows
        let seq = plan.iter().map(|w| w.end - w.start).max().unwrap() + 2;
        let mut x = ModelInputs::zeros(plan.len(), seq, tokenizer.pad as i64);
        for (row, w) in plan.iter().enumerate() {
            x.set_row(
                row,
                &enc.ids[w.start..w.end],
                &enc.shapes[w.start..w.end],
                tokenizer.cls,
                tokenizer.sep,
            );
        }
        let (a, b) = (torch.predict(&x).unwrap(), reference.predict(&x).unwrap());
        assert_eq!(a.width, 9);
        let mut worst = 0f32;
        for (row, w) in plan.iter().enumerate() {
            for pos in 0..w.end - w.start + 2 {
                let d = a.at(row, pos).iter().zip(b.at(row, pos)).map(|(p, q)| (p - q).abs());
                worst = worst.max(d.fold(0.0, f32::max));
            }
        }
        eprintln!("{id}: {} windows, largest logit difference {worst:.1e}", plan.len());
        assert!(worst < TOLERANCE, "{id}: logits differ by {worst}");
        windows += plan.len();
    }
    assert!(windows >= 20, "{windows} windows");
}

#[test]
fn stance_encoder_hidden_states_agree_with_onnx_fp32_on_seed_sentences() {
    let dir = stance_dir();
    let tokenizer = TextTokenizer::from_file(&dir.join("tokenizer.json")).unwrap();
    let mut torch = TorchBackend::load(&dir, Network::Encoder, Device::Cpu).unwrap();
    let mut reference = onnx(&dir.join("model.onnx"));
    let (mut sentences, mut largest) = (0, 0f32);
    for (id, text) in seeds() {
        for line in text.lines().filter(|l| !l.trim().is_empty()).take(12) {
            let mut ids = tokenizer.encode(line).unwrap().ids;
            ids.truncate(126); // the stance model's max_tokens (128) less [CLS] and [SEP]
            let mut x = ModelInputs::zeros(1, ids.len() + 2, tokenizer.pad as i64);
            x.set_row(0, &ids, &[], tokenizer.cls, tokenizer.sep);
            let (a, b) = (torch.predict(&x).unwrap(), reference.predict(&x).unwrap());
            assert_eq!(a.width, 384);
            let d = max_diff(&a, &b);
            largest = largest.max(d);
            assert!(d < TOLERANCE, "{id}: hidden states differ by {d} on {line:?}");
            sentences += 1;
        }
    }
    eprintln!("{sentences} sentences, largest hidden-state difference {largest:.1e}");
    assert!(sentences >= 30, "{sentences} sentences");
}

/// Every field equal, except `model.backend` and `model.run` (other weights files); numbers under a `score` key within the tolerance.
fn same(a: &Value, b: &Value, path: &str, key: &str) -> Result<(), String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys = |m: &serde_json::Map<String, Value>| m.keys().cloned().collect::<Vec<_>>();
            if keys(x) != keys(y) {
                return Err(format!("{path}: keys {:?} vs {:?}", keys(x), keys(y)));
            }
            for (k, v) in x {
                if path.ends_with("/model") && (k == "backend" || k == "run") {
                    continue;
                }
                same(v, &y[k], &format!("{path}/{k}"), k)?;
            }
            Ok(())
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .try_for_each(|(i, (v, w))| same(v, w, &format!("{path}[{i}]"), key)),
        (Value::Number(x), Value::Number(y)) if key == "score" => {
            let d = (x.as_f64().unwrap() - y.as_f64().unwrap()).abs();
            if d <= TOLERANCE as f64 {
                Ok(())
            } else {
                Err(format!("{path}: {x} vs {y}"))
            }
        }
        _ if a == b => Ok(()),
        _ => Err(format!("{path}: {a} vs {b}")),
    }
}

#[test]
fn annotate_writes_the_same_jsonl_with_either_backend() {
    let out = tempfile::tempdir().unwrap();
    let seeds = repo().join("corpus/seeds");
    let run = |name: &str, extra: &[&str]| -> Vec<Value> {
        let file = out.path().join(name);
        let status = Command::new(BIN)
            .arg("annotate")
            .arg(&seeds)
            .arg("-o")
            .arg(&file)
            .arg("--quiet")
            .args(extra)
            .status()
            .unwrap();
        assert!(status.success(), "{name}");
        std::fs::read_to_string(&file)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    };
    let ner = ner_dir().join("model.fp32.onnx");
    let stance = stance_dir().join("model.onnx");
    let torch = run("torch.jsonl", &["--backend", "torch", "--stance-signals", "model"]);
    let onnx = run(
        "onnx.jsonl",
        &[
            "--onnx",
            ner.to_str().unwrap(),
            "--stance-onnx",
            stance.to_str().unwrap(),
            "--stance-signals",
            "model",
        ],
    );
    assert_eq!(torch.len(), 5);
    assert_eq!(torch[0]["model"]["backend"], "torch");
    assert_eq!(onnx[0]["model"]["backend"], "onnxruntime");
    for (a, b) in torch.iter().zip(&onnx) {
        assert!(!a["entities"].as_array().unwrap().is_empty());
        assert!(!a["stances"].as_array().unwrap().is_empty());
        if let Err(e) = same(a, b, "", "") {
            panic!("{}: {e}", a["id"]);
        }
    }
}

#[test]
fn a_model_directory_without_weights_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(ner_dir().join("config.json"), dir.path().join("config.json")).unwrap();
    let err = TorchBackend::load(dir.path(), Network::Tagger, Device::Cpu)
        .err()
        .unwrap()
        .to_string();
    assert!(err.contains("model.safetensors"), "{err}");
}
