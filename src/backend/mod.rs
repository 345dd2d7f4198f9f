//! Model runtimes behind one small trait: token ids, attention mask and casing shapes in, per-token
//! scores out. ONNX Runtime ([`onnx::OnnxBackend`]) is the default; a rust-bert/tch backend can sit
//! beside it behind a cargo feature.

pub mod onnx;

use crate::error::Result;

/// A padded batch of windows, row-major `[batch, seq]`.
#[derive(Debug, Default, Clone)]
pub struct ModelInputs {
    pub batch: usize,
    pub seq: usize,
    pub input_ids: Vec<i64>,
    pub attention_mask: Vec<i64>,
    pub shape_ids: Vec<i64>,
}

impl ModelInputs {
    /// An empty batch of `batch` rows of `seq` positions, all padding.
    pub fn zeros(batch: usize, seq: usize, pad_id: i64) -> Self {
        let n = batch * seq;
        ModelInputs {
            batch,
            seq,
            input_ids: vec![pad_id; n],
            attention_mask: vec![0; n],
            shape_ids: vec![0; n],
        }
    }

    /// Number of real (non-padding) tokens.
    pub fn real_tokens(&self) -> usize {
        self.attention_mask.iter().filter(|&&m| m != 0).count()
    }
}

/// Per-token scores, row-major `[batch, seq, width]`.
#[derive(Debug, Clone)]
pub struct Scores {
    pub batch: usize,
    pub seq: usize,
    pub width: usize,
    pub data: Vec<f32>,
}

impl Scores {
    /// The scores of token `pos` in row `row`.
    pub fn at(&self, row: usize, pos: usize) -> &[f32] {
        let i = (row * self.seq + pos) * self.width;
        &self.data[i..i + self.width]
    }
}

/// A model runtime. One owner calls it; batches come in already padded.
pub trait Backend: Send {
    /// Runs the model over one batch.
    fn predict(&mut self, inputs: &ModelInputs) -> Result<Scores>;
    /// Short name for the output's `model.backend` field.
    fn name(&self) -> &'static str;
}
