//! Sentence embeddings through any [`Backend`]: a BERT encoder's hidden states mean-pooled over
//! the attention mask and L2-normalised, as sentence-transformers computes them. The stance
//! model's encoder (a fine-tuned all-MiniLM-L6-v2, `models/stance-minilm`) runs here; so can the
//! base all-MiniLM-L6-v2 that `scripts/setup.sh` builds (checked against sentence-transformers to
//! 1e-4 by `scripts/check/check_encoder.py`). Texts longer than the directory's `max_tokens` are cut.

use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;

use crate::backend::{ModelInputs, Pool};
use crate::error::{Error, Result};
use crate::tokenize::TextTokenizer;

/// The encoder's `config.json`; unknown keys are errors, those only scripts read are ignored.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct EncoderConfig {
    hidden_size: usize,
    max_tokens: usize,
    /// The ONNX file run by default.
    #[serde(default = "default_onnx")]
    default_onnx: String,
    #[serde(default, rename = "source")]
    _source: serde::de::IgnoredAny,
    #[serde(default, rename = "pooling")]
    _pooling: serde::de::IgnoredAny,
    #[serde(default, rename = "normalize")]
    _normalize: serde::de::IgnoredAny,
    #[serde(default, rename = "bert")]
    _bert: serde::de::IgnoredAny,
    /// A stance model's head settings ([`super::model::StanceConfig`]).
    #[serde(default, rename = "stance")]
    _stance: serde::de::IgnoredAny,
}

fn default_onnx() -> String {
    "model.onnx".into()
}

pub struct SentenceEncoder {
    tokenizer: TextTokenizer,
    pool: Pool,
    pub width: usize,
    max_tokens: usize,
    batch_size: usize,
}

impl SentenceEncoder {
    fn config(dir: &Path) -> Result<EncoderConfig> {
        let bad = |problem: String| {
            Error::Model {
            dir: dir.to_path_buf(),
            problem: format!("{problem} (the stance model is shipped in models/stance-minilm; --no-stances or --stance-signals lexical run without it)"),
        }
        };
        let text = std::fs::read_to_string(dir.join("config.json"))
            .map_err(|e| bad(format!("cannot read config.json: {e}")))?;
        let config: EncoderConfig = serde_json::from_str(&text).map_err(|e| bad(format!("config.json: {e}")))?;
        if config.max_tokens < 3 || config.hidden_size == 0 {
            return Err(bad(
                "config.json: max_tokens must be at least 3 and hidden_size positive".into(),
            ));
        }
        Ok(config)
    }

    /// The encoder directory's default ONNX file.
    pub fn onnx(dir: &Path) -> Result<PathBuf> {
        Ok(dir.join(Self::config(dir)?.default_onnx))
    }

    /// `batch_size`: texts per model call (1 for a model that quantises activations per call).
    pub fn new(dir: &Path, pool: Pool, batch_size: usize) -> Result<Self> {
        let config = Self::config(dir)?;
        Ok(SentenceEncoder {
            tokenizer: TextTokenizer::from_file(&dir.join("tokenizer.json"))?,
            pool,
            width: config.hidden_size,
            max_tokens: config.max_tokens,
            batch_size: batch_size.max(1),
        })
    }

    /// Unit vectors, one per text, in order. An empty text (or one the tokenizer rejects) gets
    /// the embedding of [CLS] [SEP] alone.
    pub fn embed(&mut self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        let content = self.max_tokens - 2;
        let ids: Vec<Vec<u32>> = texts
            .par_iter()
            .map(|t| {
                let mut ids = self.tokenizer.encode(t).map(|e| e.ids).unwrap_or_default();
                ids.truncate(content);
                ids
            })
            .collect();
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| (ids[i].len(), i));
        let batches: Vec<&[usize]> = order.chunks(self.batch_size).collect();
        let (tokenizer, width, ids) = (&self.tokenizer, self.width, &ids);
        let pooled = self.pool.run(
            batches.len(),
            |b| {
                let batch = batches[b];
                let seq = batch.iter().map(|&i| ids[i].len()).max().unwrap_or(0) + 2;
                let mut x = ModelInputs::zeros(batch.len(), seq, tokenizer.pad as i64);
                for (row, &i) in batch.iter().enumerate() {
                    x.set_row(row, &ids[i], &[], tokenizer.cls, tokenizer.sep);
                }
                x
            },
            |b, hidden| {
                hidden.expect_width(width)?;
                Ok(batches[b]
                    .iter()
                    .enumerate()
                    .map(|(row, &i)| {
                        let mut v = vec![0f32; width];
                        for pos in 0..ids[i].len() + 2 {
                            for (a, h) in v.iter_mut().zip(hidden.at(row, pos)) {
                                *a += h;
                            }
                        }
                        // mean, then unit length (the mean's scale cancels out)
                        let norm = v.iter().map(|a| a * a).sum::<f32>().sqrt().max(1e-12);
                        v.iter_mut().for_each(|a| *a /= norm);
                        (i, v)
                    })
                    .collect::<Vec<_>>())
            },
        )?;
        let mut out = vec![Vec::new(); texts.len()];
        for batch in pooled {
            for (i, v) in batch {
                out[i] = v;
            }
        }
        Ok(out)
    }

    pub fn backend_name(&self) -> &'static str {
        self.pool.name()
    }
}

/// Dot product of two unit vectors: their cosine.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}
