//! The model directory: `config.json` (labels, window size, name, version, default ONNX file),
//! `tokenizer.json`, and the weights. Located once, validated, then handed to the pipeline.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};

/// Where the shipped files are: `$CYBERSTANCE_HOME` if set (a copy of the repository's `models/`
/// and `.runtime/`, e.g. unpacked beside the binary on a cluster node), else this repository.
pub fn home() -> PathBuf {
    std::env::var_os("CYBERSTANCE_HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

/// A shipped file or directory: the environment variable `var` if set, else `relative` to
/// [`home`].
pub fn shipped(var: &str, relative: &str) -> PathBuf {
    std::env::var_os(var)
        .map(PathBuf::from)
        .unwrap_or_else(|| home().join(relative))
}

/// The default model: `$CYBERSTANCE_MODEL`, else the one shipped in this repository.
pub fn default_model_dir() -> PathBuf {
    shipped("CYBERSTANCE_MODEL", "models/ner-minilm-conll03")
}

/// `config.json` of a model directory. Unknown keys are errors (a misspelt key would otherwise be
/// a default taken silently); the keys only the Python side reads are named and ignored.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelConfig {
    #[serde(default = "default_name")]
    pub name: String,
    #[serde(default = "default_version")]
    pub version: String,
    pub id2label: BTreeMap<String, String>,
    /// Model window in tokens, [CLS] and [SEP] included.
    pub max_len: usize,
    /// ONNX file used unless `--onnx` names another.
    pub default_onnx: String,
    /// Read by the training and export scripts only.
    #[serde(default, rename = "architecture")]
    _architecture: serde::de::IgnoredAny,
    #[serde(default, rename = "label2id")]
    _label2id: serde::de::IgnoredAny,
    #[serde(default, rename = "num_shapes")]
    _num_shapes: serde::de::IgnoredAny,
    #[serde(default, rename = "encoder")]
    _encoder: serde::de::IgnoredAny,
    #[serde(default, rename = "bert")]
    _bert: serde::de::IgnoredAny,
}

fn default_name() -> String {
    "unnamed".into()
}

fn default_version() -> String {
    "0".into()
}

/// A validated model directory.
#[derive(Debug, Clone)]
pub struct ModelDir {
    pub dir: PathBuf,
    pub config: ModelConfig,
    pub labels: Vec<String>,
}

impl ModelDir {
    pub fn open(dir: &Path) -> Result<Self> {
        let bad = |problem: String| Error::Model {
            dir: dir.to_path_buf(),
            problem,
        };
        let path = dir.join("config.json");
        let text = std::fs::read_to_string(&path).map_err(|e| bad(format!("cannot read config.json: {e}")))?;
        let config: ModelConfig = serde_json::from_str(&text).map_err(|e| bad(format!("config.json: {e}")))?;
        let mut labels = vec![String::new(); config.id2label.len()];
        for (k, v) in &config.id2label {
            match k.parse::<usize>() {
                Ok(i) if i < labels.len() => labels[i] = v.clone(),
                _ => {
                    return Err(bad(format!(
                        "config.json: id2label key {k:?} is not an index below {}",
                        labels.len()
                    )))
                }
            }
        }
        if labels.iter().any(String::is_empty) || config.max_len < 8 {
            return Err(bad("config.json: id2label must be dense and max_len at least 8".into()));
        }
        Ok(ModelDir {
            dir: dir.to_path_buf(),
            config,
            labels,
        })
    }

    pub fn tokenizer(&self) -> PathBuf {
        self.dir.join("tokenizer.json")
    }

    pub fn onnx(&self) -> PathBuf {
        self.dir.join(&self.config.default_onnx)
    }
}
