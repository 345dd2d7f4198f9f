//! rust-bert / libtorch backend (cargo feature `torch`): the shipped safetensors weights on
//! rust-bert's BERT modules, on the CPU or a CUDA GPU.
//!
//! - NER ([`Head::Tagger`]): `BertForTokenClassification` (weights `bert.*`, `classifier.*`), fed
//!   `input_embeds` = word embedding + casing-shape embedding (`shape_embeddings.weight`), which is
//!   how the model was trained; rust-bert adds positions and token types and applies the LayerNorm.
//! - Sentence encoder ([`Head::Encoder`]): `BertModel` without pooler (weights `embeddings.*`,
//!   `encoder.*`); it returns the last hidden state, and the caller mean-pools it as for ONNX.
//!
//! The architecture comes from the `bert` section of the model directory's `config.json`. Every
//! variable rust-bert declares must be in the safetensors file with the same shape (fp16 files are
//! widened to fp32); tensors the modules do not use (a pooler) are ignored.

use std::collections::HashMap;
use std::path::Path;

use rust_bert::bert::{BertConfig, BertEmbeddings, BertForTokenClassification, BertModel};
use tch::{nn, Device, Kind, Tensor};

use super::{Backend, ModelInputs, Network, Scores};
use crate::error::{Error, Result};

enum Head {
    Tagger {
        model: BertForTokenClassification,
        words: Tensor,
        shapes: Tensor,
    },
    Encoder(BertModel<BertEmbeddings>),
}

pub struct TorchBackend {
    head: Head,
    device: Device,
    // owns the weights the modules point into
    _vars: nn::VarStore,
}

/// The torch device for `--device`: CUDA only when libtorch has it and a GPU is there.
pub fn device(cuda: bool) -> Result<Device> {
    if !cuda {
        return Ok(Device::Cpu);
    }
    if tch::Cuda::is_available() {
        Ok(Device::Cuda(0))
    } else {
        Err(Error::Option {
            option: "--device cuda".into(),
            message: "no CUDA device: needs a GPU and libtorch with CUDA (scripts/setup.sh --torch-cuda)".into(),
        })
    }
}

fn torch_error(dir: &Path, context: &str) -> impl Fn(tch::TchError) -> Error {
    let dir = dir.to_path_buf();
    let context = context.to_string();
    move |e| Error::Model {
        dir: dir.clone(),
        problem: format!("{context}: {e}"),
    }
}

impl TorchBackend {
    /// Loads `dir/model.safetensors` with the architecture of `dir/config.json`.
    pub fn load(dir: &Path, kind: Network, device: Device) -> Result<Self> {
        let bad = |problem: String| Error::Model {
            dir: dir.to_path_buf(),
            problem,
        };
        let text = std::fs::read_to_string(dir.join("config.json"))
            .map_err(|e| bad(format!("cannot read config.json: {e}")))?;
        let mut json: serde_json::Value = serde_json::from_str(&text).map_err(|e| bad(format!("config.json: {e}")))?;
        let mut bert = json
            .get_mut("bert")
            .map(serde_json::Value::take)
            .ok_or_else(|| bad("config.json has no `bert` section (the architecture, for the torch backend)".into()))?;
        if let (Some(map), Some(labels)) = (bert.as_object_mut(), json.get("id2label")) {
            map.insert("id2label".into(), labels.clone());
        }
        let config: BertConfig =
            serde_json::from_value(bert).map_err(|e| bad(format!("config.json `bert` section: {e}")))?;

        let vars = nn::VarStore::new(device);
        let root = vars.root();
        let head = match kind {
            Network::Tagger => {
                if config.id2label.is_none() {
                    return Err(bad("config.json has no id2label".into()));
                }
                let model = BertForTokenClassification::new(&root, &config)
                    .map_err(|e| bad(format!("building the tagger: {e}")))?;
                let n_shapes = json.get("num_shapes").and_then(serde_json::Value::as_i64).unwrap_or(6);
                let shapes =
                    root.sub("shape_embeddings")
                        .var("weight", &[n_shapes, config.hidden_size], nn::Init::Const(0.0));
                let words = vars
                    .variables()
                    .remove("bert.embeddings.word_embeddings.weight")
                    .ok_or_else(|| bad("rust-bert declared no bert.embeddings.word_embeddings.weight".into()))?;
                Head::Tagger { model, words, shapes }
            }
            Network::Encoder => Head::Encoder(BertModel::new_with_optional_pooler(&root, &config, false)),
        };
        load_weights(&vars, &dir.join("model.safetensors"), dir)?;
        Ok(TorchBackend {
            head,
            device,
            _vars: vars,
        })
    }
}

/// Copies every declared variable from the safetensors file (widening fp16 to fp32).
fn load_weights(vars: &nn::VarStore, file: &Path, dir: &Path) -> Result<()> {
    let read = torch_error(dir, &format!("reading {}", file.display()));
    let tensors: HashMap<String, Tensor> = Tensor::read_safetensors(file).map_err(read)?.into_iter().collect();
    let mut missing = Vec::new();
    tch::no_grad(|| -> Result<()> {
        for (name, mut var) in vars.variables() {
            let Some(src) = tensors.get(&name) else {
                missing.push(name);
                continue;
            };
            if src.size() != var.size() {
                return Err(Error::Model {
                    dir: dir.to_path_buf(),
                    problem: format!(
                        "{name}: shape {:?} in the file, {:?} in the model",
                        src.size(),
                        var.size()
                    ),
                });
            }
            var.f_copy_(&src.to_kind(var.kind()))
                .map_err(torch_error(dir, &format!("copying {name}")))?;
        }
        Ok(())
    })?;
    if !missing.is_empty() {
        missing.sort();
        return Err(Error::Model {
            dir: dir.to_path_buf(),
            problem: format!(
                "model.safetensors lacks {} weights: {}",
                missing.len(),
                missing.join(", ")
            ),
        });
    }
    Ok(())
}

impl Backend for TorchBackend {
    fn predict(&mut self, x: &ModelInputs) -> Result<Scores> {
        let dims = [x.batch as i64, x.seq as i64];
        let to = |v: &[i64]| Tensor::from_slice(v).view(dims).to_device(self.device);
        let (ids, mask) = (to(&x.input_ids), to(&x.attention_mask));
        let run = |e: String| Error::Model {
            dir: Default::default(),
            problem: format!("torch forward pass: {e}"),
        };
        let out = tch::no_grad(|| match &self.head {
            Head::Tagger { model, words, shapes } => {
                let shape_ids = to(&x.shape_ids);
                let embeds = Tensor::embedding(words, &ids, -1, false, false)
                    + Tensor::embedding(shapes, &shape_ids, -1, false, false);
                Ok(model
                    .forward_t(None, Some(&mask), None, None, Some(&embeds), false)
                    .logits)
            }
            Head::Encoder(model) => model
                .forward_t(Some(&ids), Some(&mask), None, None, None, None, None, false)
                .map(|o| o.hidden_state)
                .map_err(|e| run(e.to_string())),
        })?;
        let out = out.to_device(Device::Cpu).to_kind(Kind::Float).contiguous();
        Scores::from_output(x, &out.size(), || {
            Vec::<f32>::try_from(out.view(-1)).map_err(|e| run(e.to_string()))
        })
    }

    fn name(&self) -> &'static str {
        "torch"
    }
}
