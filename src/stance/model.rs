//! The trained stance model's head (`models/stance-minilm/head.safetensors`), trained by
//! `scripts/model/train_stance.py` (recipe and figures: the model card, `models/stance-minilm/README.md`).
//!
//! The encoder (a fine-tuned all-MiniLM-L6-v2, run by [`super::encoder::SentenceEncoder`] on any
//! backend) gives a unit vector `u` per statement and `v_t` per target description; the head
//! scores every (statement, target) pair:
//!
//! ```text
//! logits = W2 · gelu(W1 · [u, v_t, u ∘ v_t, k_t] + b1) + b2        classes: none, support, oppose, neutral
//! ```
//!
//! where `k_t` is 1 when one of the target's keywords occurs in the statement (the lexical signal,
//! as a feature the model weighs; 0 for a target without keywords).
//!
//! P(stance on t) = 1 − P(none), mapped through the Platt scaling fitted on dev
//! (`sigmoid(a · logit(p) + b)`, `calibration` in the model's `config.json`), so that a `score` of 0.7
//! is right about 70% of the time on dev; the polarity is the most probable of the other three.

use std::path::{Path, PathBuf};

use ndarray::{Array1, Array2, ArrayView1, Axis};
use safetensors::{Dtype, SafeTensors};
use serde::Deserialize;

use super::Polarity;
use crate::error::{Error, Result};

/// The `stance` section of the model's `config.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StanceConfig {
    /// The classes of the head's output, in order.
    pub labels: Vec<String>,
    /// Platt scaling (a, b) of P(stance), fitted on dev.
    pub calibration: (f32, f32),
    /// The calibrated probability a statement needs to take a target (chosen on dev).
    pub threshold: f32,
}

/// What the head says of one (statement, target) pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Verdict {
    /// Calibrated probability that the statement takes a position on the target.
    pub score: f32,
    pub polarity: Polarity,
}

pub struct Head {
    w1: Array2<f32>,
    b1: Array1<f32>,
    w2: Array2<f32>,
    b2: Array1<f32>,
    config: StanceConfig,
}

const LABELS: [&str; 4] = ["none", "support", "oppose", "neutral"];

impl Head {
    /// Reads `dir/head.safetensors` and the `stance` section of `dir/config.json`.
    pub fn load(dir: &Path) -> Result<Head> {
        let bad = |problem: String| Error::Model {
            dir: dir.to_path_buf(),
            problem,
        };
        let text = std::fs::read_to_string(dir.join("config.json"))
            .map_err(|e| bad(format!("cannot read config.json: {e}")))?;
        #[derive(Deserialize)]
        struct WithStance {
            stance: Option<StanceConfig>,
        }
        let config = serde_json::from_str::<WithStance>(&text)
            .map_err(|e| bad(format!("config.json: {e}")))?
            .stance
            .ok_or_else(|| {
                bad("config.json has no \"stance\" section: this is a sentence encoder, not a stance model".into())
            })?;
        if config.labels != LABELS {
            return Err(bad(format!(
                "config.json: stance labels {:?}, expected {LABELS:?}",
                config.labels
            )));
        }
        let file = dir.join("head.safetensors");
        let bytes = std::fs::read(&file).map_err(|e| bad(format!("cannot read head.safetensors: {e}")))?;
        let tensors = SafeTensors::deserialize(&bytes).map_err(|e| bad(format!("head.safetensors: {e}")))?;
        let get = |name: &str| -> Result<(Vec<usize>, Vec<f32>)> {
            let t = tensors
                .tensor(name)
                .map_err(|e| bad(format!("head.safetensors: {name}: {e}")))?;
            if t.dtype() != Dtype::F32 {
                return Err(bad(format!("head.safetensors: {name} is {:?}, not F32", t.dtype())));
            }
            let data = t
                .data()
                .chunks_exact(4)
                .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
                .collect();
            Ok((t.shape().to_vec(), data))
        };
        let matrix = |name: &str| -> Result<Array2<f32>> {
            let (shape, data) = get(name)?;
            match shape[..] {
                [r, c] => Ok(Array2::from_shape_vec((r, c), data).expect("safetensors checked the size")),
                _ => Err(bad(format!("head.safetensors: {name} has shape {shape:?}, not 2-D"))),
            }
        };
        let vector = |name: &str| -> Result<Array1<f32>> { Ok(Array1::from_vec(get(name)?.1)) };
        let head = Head {
            w1: matrix("head.0.weight")?,
            b1: vector("head.0.bias")?,
            w2: matrix("head.2.weight")?,
            b2: vector("head.2.bias")?,
            config,
        };
        let (hidden, input) = head.w1.dim();
        if input % 3 != 1
            || head.b1.len() != hidden
            || head.w2.dim() != (LABELS.len(), hidden)
            || head.b2.len() != LABELS.len()
        {
            return Err(bad("head.safetensors: the layers' shapes do not fit together".into()));
        }
        Ok(head)
    }

    /// The width of the vectors the head reads.
    pub fn width(&self) -> usize {
        (self.w1.ncols() - 1) / 3
    }

    pub fn config(&self) -> &StanceConfig {
        &self.config
    }

    /// The verdict on every target (`targets`: their unit vectors; `keywords`: whether one of
    /// each target's keywords occurs in the statement) for one statement vector `u`.
    pub fn verdicts(&self, u: &[f32], targets: &[Vec<f32>], keywords: &[bool]) -> Vec<Verdict> {
        let w = self.width();
        let mut x = Array2::<f32>::zeros((targets.len(), 3 * w + 1));
        for ((mut row, v), &k) in x.axis_iter_mut(Axis(0)).zip(targets).zip(keywords) {
            for j in 0..w {
                row[j] = u[j];
                row[w + j] = v[j];
                row[2 * w + j] = u[j] * v[j];
            }
            row[3 * w] = if k { 1.0 } else { 0.0 };
        }
        let mut h = x.dot(&self.w1.t()) + &self.b1;
        h.mapv_inplace(gelu);
        let logits = h.dot(&self.w2.t()) + &self.b2;
        logits.axis_iter(Axis(0)).map(|l| self.verdict(l)).collect()
    }

    fn verdict(&self, logits: ArrayView1<f32>) -> Verdict {
        let max = logits.fold(f32::MIN, |m, &x| m.max(x));
        let e: Vec<f32> = logits.iter().map(|&x| (x - max).exp()).collect();
        let sum: f32 = e.iter().sum();
        let p_stance = 1.0 - e[0] / sum;
        let polarity = [Polarity::Support, Polarity::Oppose, Polarity::Neutral]
            .into_iter()
            .zip(&e[1..])
            .fold(
                (Polarity::Support, f32::MIN),
                |best, (p, &x)| if x > best.1 { (p, x) } else { best },
            )
            .0;
        let (a, b) = self.config.calibration;
        Verdict {
            score: calibrate(p_stance, a, b),
            polarity,
        }
    }
}

/// Platt scaling of a probability: `sigmoid(a · logit(p) + b)`.
pub fn calibrate(p: f32, a: f32, b: f32) -> f32 {
    let p = p.clamp(1e-6, 1.0 - 1e-6);
    let z = a * (p / (1.0 - p)).ln() + b;
    1.0 / (1.0 + (-z).exp())
}

/// GELU as torch computes it (erf form).
fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + erf(x / std::f32::consts::SQRT_2))
}

/// The error function (Abramowitz and Stegun 7.1.26, |error| < 1.5e-7).
fn erf(x: f32) -> f32 {
    let t = 1.0 / (1.0 + 0.327_591_1 * x.abs());
    let y = 1.0
        - (((((1.061_405_4 * t - 1.453_152_1) * t) + 1.421_413_8) * t - 0.284_496_74) * t + 0.254_829_6)
            * t
            * (-x * x).exp();
    y.copysign(x)
}

/// `models/stance-minilm`, or `$CYBERSTANCE_STANCE_MODEL`.
pub fn default_dir() -> PathBuf {
    crate::config::shipped("CYBERSTANCE_STANCE_MODEL", "models/stance-minilm")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn erf_and_gelu_match_reference_values() {
        // erf(0.5), erf(1), erf(2) to 7 digits; gelu(1) = 0.8413447 (torch)
        for (x, want) in [
            (0.5, 0.520_499_9),
            (1.0, 0.842_700_8),
            (2.0, 0.995_322_3),
            (-1.0, -0.842_700_8),
        ] {
            assert!((erf(x) - want).abs() < 2e-7, "erf({x}) = {}", erf(x));
        }
        assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-6);
        assert_eq!(gelu(0.0), 0.0);
    }

    #[test]
    fn calibration_is_monotone_and_identity_at_one_zero() {
        assert!((calibrate(0.3, 1.0, 0.0) - 0.3).abs() < 1e-6);
        assert!(calibrate(0.2, 2.0, -1.0) < calibrate(0.6, 2.0, -1.0));
    }

    /// A head written by hand: 2-wide vectors, hidden layer = identity-like, so the verdict can be
    /// worked out on paper.
    fn tiny_head() -> Head {
        // x = [u0, u1, v0, v1, u0v0, u1v1, k]; h = [u0v0 + u1v1 (the cosine) + k, 0]
        let w1 = Array2::from_shape_vec((2, 7), vec![0., 0., 0., 0., 1., 1., 1., 0., 0., 0., 0., 0., 0., 0.]).unwrap();
        // logits: none = 2 - 6*h0 ; support = 0 ; oppose = u-independent -1 ; neutral = -2
        let w2 = Array2::from_shape_vec((4, 2), vec![-6., 0., 0., 0., 0., 0., 0., 0.]).unwrap();
        Head {
            w1,
            b1: Array1::zeros(2),
            w2,
            b2: Array1::from_vec(vec![2., 0., -1., -2.]),
            config: StanceConfig {
                labels: LABELS.iter().map(|s| s.to_string()).collect(),
                calibration: (1.0, 0.0),
                threshold: 0.5,
            },
        }
    }

    #[test]
    fn a_statement_close_to_a_target_takes_it_and_a_far_one_does_not() {
        let head = tiny_head();
        let targets = vec![vec![1.0, 0.0], vec![0.0, 1.0]];
        let v = head.verdicts(&[1.0, 0.0], &targets, &[false, false]);
        // target 0: h0 = 1, logits (-4, 0, -1, -2): P(none) small, support wins
        assert!(v[0].score > 0.9, "{v:?}");
        assert_eq!(v[0].polarity, Polarity::Support);
        // target 1: h0 = 0, logits (2, 0, -1, -2): P(none) = e^2 / (e^2 + 1 + e^-1 + e^-2)
        let e = [2f32.exp(), 1.0, (-1f32).exp(), (-2f32).exp()];
        let want = 1.0 - e[0] / e.iter().sum::<f32>();
        assert!((v[1].score - want).abs() < 1e-4, "{} vs {want}", v[1].score);
        // a keyword of target 1 in the statement counts as much as the cosine here
        let k = head.verdicts(&[1.0, 0.0], &targets, &[false, true]);
        assert_eq!(k[0], v[0]);
        assert!(k[1].score > 0.9 && k[1].polarity == Polarity::Support, "{k:?}");
    }
}
