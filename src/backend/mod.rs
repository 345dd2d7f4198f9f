//! Model runtimes behind one small trait: token ids, attention mask and casing shapes in, per-token
//! scores out. ONNX Runtime ([`onnx::OnnxBackend`]) is the default; rust-bert on libtorch
//! (`torch::TorchBackend`) sits beside it behind the cargo feature `torch`.

pub mod onnx;
#[cfg(feature = "torch")]
pub mod torch;

/// Which runtime runs the models (`--backend`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum BackendKind {
    /// ONNX Runtime: the shipped ONNX files (int8 by default).
    #[default]
    Onnx,
    /// rust-bert on libtorch: the shipped safetensors weights in fp32 (needs a build with
    /// `--features torch`; scripts/setup.sh --torch).
    Torch,
}

/// Where the torch backend runs (`--device`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum DeviceKind {
    #[default]
    Cpu,
    /// The first CUDA GPU (libtorch with CUDA: scripts/setup.sh --torch-cuda).
    Cuda,
}

/// Which network a model directory holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Network {
    /// Token classification with the casing-shape embedding (the NER model).
    Tagger,
    /// The bare encoder (the sentence encoder), last hidden state out.
    Encoder,
}

use crate::error::{Error, Result};

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

    /// Writes row `row` as `[CLS] ids [SEP]`, attended, with the tokens' casing shapes (`shapes`
    /// empty for a model without them; the specials' shape is 0).
    pub fn set_row(&mut self, row: usize, ids: &[u32], shapes: &[u8], cls: u32, sep: u32) {
        let base = row * self.seq;
        let n = ids.len();
        assert!(
            n + 2 <= self.seq,
            "a row of {n} tokens does not fit {} positions",
            self.seq
        );
        self.input_ids[base] = cls as i64;
        for (slot, &id) in self.input_ids[base + 1..].iter_mut().zip(ids) {
            *slot = id as i64;
        }
        self.input_ids[base + n + 1] = sep as i64;
        for (slot, &shape) in self.shape_ids[base + 1..].iter_mut().zip(shapes) {
            *slot = shape as i64;
        }
        self.attention_mask[base..base + n + 2].fill(1);
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
    /// A runtime's output over the batch `x`: `shape` must be `[x.batch, x.seq, width]` (else
    /// [`Error::LogitsShape`]); `data`, row-major, is taken only once it is.
    pub fn from_output(x: &ModelInputs, shape: &[i64], data: impl FnOnce() -> Result<Vec<f32>>) -> Result<Scores> {
        let found: Vec<usize> = shape.iter().map(|&d| d.max(0) as usize).collect();
        if found.len() != 3 || found[0] != x.batch || found[1] != x.seq {
            return Err(Error::LogitsShape {
                expected: vec![x.batch, x.seq, 0],
                found,
            });
        }
        Ok(Scores {
            batch: x.batch,
            seq: x.seq,
            width: found[2],
            data: data()?,
        })
    }

    /// Checks that the model gave `width` scores per token (the tagger's labels, the encoder's
    /// hidden size), else [`Error::LogitsShape`].
    pub fn expect_width(&self, width: usize) -> Result<()> {
        if self.width != width {
            return Err(Error::LogitsShape {
                expected: vec![self.batch, self.seq, width],
                found: vec![self.batch, self.seq, self.width],
            });
        }
        Ok(())
    }

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

/// Model runtimes that work side by side: one backend per worker thread, each running its own
/// jobs (a job is one model call). Which worker runs a job never changes its result, so output is
/// the same for any number of workers.
///
/// Several single-threaded sessions beat one session with several threads here: measured on the
/// 2-core box with the dynamic-int8 NER model, one window per call, 9.7k tokens/s with one thread
/// and 9.7k with two in one session, so two sessions give about twice that.
pub struct Pool {
    workers: Vec<Box<dyn Backend>>,
}

impl Pool {
    pub fn new(workers: Vec<Box<dyn Backend>>) -> Self {
        assert!(!workers.is_empty(), "a pool needs a worker");
        Pool { workers }
    }

    /// `n` workers, loaded side by side by `load`; the first error wins.
    pub fn load<B: Backend + 'static>(n: usize, load: impl Fn() -> Result<B> + Sync) -> Result<Self> {
        let workers = std::thread::scope(|scope| {
            let loading: Vec<_> = (0..n.max(1)).map(|_| scope.spawn(&load)).collect();
            loading
                .into_iter()
                .map(|h| {
                    h.join()
                        .expect("loading a model panicked")
                        .map(|b| Box::new(b) as Box<dyn Backend>)
                })
                .collect::<Result<Vec<_>>>()
        })?;
        Ok(Pool::new(workers))
    }

    pub fn name(&self) -> &'static str {
        self.workers[0].name()
    }

    /// Runs jobs `0..n`: `inputs(j)` builds job j's batch, the model runs it, `output(j, scores)`
    /// reduces the scores (on the worker). Results come back in job order; the first error (of
    /// the model or of `output`) stops the other workers after their current job.
    pub fn run<T: Send>(
        &mut self,
        n: usize,
        inputs: impl Fn(usize) -> ModelInputs + Sync,
        output: impl Fn(usize, Scores) -> Result<T> + Sync,
    ) -> Result<Vec<T>> {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let next = AtomicUsize::new(0);
        let failed = AtomicBool::new(false);
        let per_worker: Vec<Result<Vec<(usize, T)>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = self
                .workers
                .iter_mut()
                .map(|backend| {
                    let (next, failed, inputs, output) = (&next, &failed, &inputs, &output);
                    scope.spawn(move || {
                        let mut done = Vec::new();
                        loop {
                            let j = next.fetch_add(1, Ordering::Relaxed);
                            if j >= n || failed.load(Ordering::Relaxed) {
                                return Ok(done);
                            }
                            match backend.predict(&inputs(j)).and_then(|scores| output(j, scores)) {
                                Ok(t) => done.push((j, t)),
                                Err(e) => {
                                    failed.store(true, Ordering::Relaxed);
                                    return Err(e);
                                }
                            }
                        }
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().expect("model worker panicked"))
                .collect()
        });
        let mut all: Vec<(usize, T)> = Vec::with_capacity(n);
        for r in per_worker {
            all.extend(r?);
        }
        all.sort_unstable_by_key(|(j, _)| *j);
        Ok(all.into_iter().map(|(_, t)| t).collect())
    }
}
