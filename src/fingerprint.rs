//! The fingerprint of an `annotate` run: what shapes its output. Each record carries it in
//! `model.run`, so records made with other models, data files or options can be told apart, and
//! `--resume` refuses to mix them ([`crate::output`]). Threads and batch size are left out: the
//! output does not depend on them (`tests/it/determinism.rs`).

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::backend::BackendKind;
use crate::cli::AnnotateArgs;
use crate::config::ModelDir;
use crate::error::{Error, Result};
use crate::record::{Run, SCHEMA_VERSION};
use crate::settings::Settings;
use crate::stance;

/// The first 16 hex digits of the SHA-256 of the files' bytes, in order.
fn checksum(files: &[PathBuf]) -> Result<String> {
    let mut h = Sha256::new();
    for f in files {
        let bytes = std::fs::read(f).map_err(Error::reading(f))?;
        h.update((bytes.len() as u64).to_le_bytes());
        h.update(&bytes);
    }
    Ok(h.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect())
}

/// The files of a directory that a loader reads, sorted.
fn dir_files(dir: &Path, names: &[&str]) -> Vec<PathBuf> {
    names.iter().map(|n| dir.join(n)).collect()
}

/// The run's components and their checksums; `fingerprint` over all of them comes first.
pub fn of_annotate(args: &AnnotateArgs, settings: &Settings) -> Result<Run> {
    let m = &args.model;
    let model = ModelDir::open(&settings.model)?;
    let ner_weights = match m.backend {
        BackendKind::Onnx => m.onnx.clone().unwrap_or_else(|| model.onnx()),
        BackendKind::Torch => model.dir.join("model.safetensors"),
    };
    let mut parts: Vec<(&str, String)> = vec![(
        "ner",
        checksum(&[ner_weights, model.dir.join("config.json"), model.tokenizer()])?,
    )];
    let s = &args.stance;
    if s.no_stances {
        parts.push(("stance_model", "none".into()));
    } else {
        parts.push(("targets", checksum(std::slice::from_ref(&settings.targets))?));
        parts.push((
            "stance_config",
            checksum(std::slice::from_ref(&settings.stance_config))?,
        ));
        let model = match s.stance_signals {
            stance::Signals::Lexical => "lexical".to_string(),
            stance::Signals::Model => {
                let dir = &settings.stance_model;
                let weights = match (m.backend, &s.stance_onnx) {
                    (BackendKind::Torch, _) => dir.join("model.safetensors"),
                    (BackendKind::Onnx, Some(f)) => f.clone(),
                    (BackendKind::Onnx, None) => stance::encoder::SentenceEncoder::onnx(dir)?,
                };
                checksum(&[
                    weights,
                    dir.join("config.json"),
                    dir.join("tokenizer.json"),
                    dir.join("head.safetensors"),
                ])?
            }
        };
        parts.push(("stance_model", model));
        if s.decision() == stance::Decision::Links {
            parts.push(("stance_links", checksum(std::slice::from_ref(&settings.stance_links))?));
        }
    }
    parts.push((
        "gazetteer",
        checksum(&dir_files(
            &settings.gazetteer,
            &["states.tsv", "bodies.tsv", "words.tsv"],
        ))?,
    ));
    parts.push(("cues", checksum(std::slice::from_ref(&settings.cues))?));
    let given = |x: Option<f32>| x.map_or("default".to_string(), |x| x.to_string());
    parts.push((
        "options",
        format!(
            "schema={SCHEMA_VERSION} backend={:?} device={:?} windows={:?} stride={} max_article_bytes={} stances={} statements={} signals={:?} decision={:?} stance_threshold={}",
            m.backend,
            m.device,
            m.windows,
            m.stride,
            args.max_article_bytes,
            !s.no_stances,
            s.statements,
            s.stance_signals,
            s.decision(),
            given(s.stance_threshold)
        ),
    ));
    let mut all = Sha256::new();
    for (k, v) in &parts {
        all.update(format!("{k}={v}\n"));
    }
    let mut run = Run::new();
    let fp: String = all.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    run.insert("fingerprint".into(), fp);
    run.extend(parts.into_iter().map(|(k, v)| (k.to_string(), v)));
    Ok(run)
}

/// The first component in which `found` differs from `expected`, as "name: found vs expected".
pub fn first_difference(found: Option<&Run>, expected: &Run) -> Option<String> {
    let Some(found) = found else {
        return Some("no run fingerprint (written by another tool or an older version)".into());
    };
    if found.get("fingerprint") == expected.get("fingerprint") {
        return None;
    }
    for (k, v) in expected.iter().filter(|(k, _)| *k != "fingerprint") {
        let f = found.get(k).map_or("absent", String::as_str);
        if f != v {
            return Some(format!("{k} differs: {f} in the file, {v} in this run"));
        }
    }
    Some("fingerprint differs".into())
}
