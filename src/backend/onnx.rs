//! ONNX Runtime backend through the `ort` crate, loading `libonnxruntime.so` at run time
//! (`load-dynamic`): from `--ort-lib`, else `ORT_DYLIB_PATH`, else the project-local `.runtime/`
//! directory that `scripts/setup.sh` fills from the pinned PyPI `onnxruntime` wheel.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use ort::session::builder::GraphOptimizationLevel;
use ort::session::Session;
use ort::value::TensorRef;

use super::{Backend, ModelInputs, Scores};
use crate::error::{Error, Result};

/// The ONNX Runtime version the set-up script installs and this build was tested with.
pub const ORT_VERSION: &str = "1.31.1";

static ENV: OnceLock<std::result::Result<ort::environment::Environment, String>> = OnceLock::new();

/// Where the ONNX Runtime shared library is looked for when no path is given.
pub fn default_library() -> PathBuf {
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH") {
        return PathBuf::from(p);
    }
    let local = crate::config::home().join(".runtime").join("libonnxruntime.so");
    if local.exists() {
        return local;
    }
    // an installed binary: look beside it
    std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(|d| d.join("libonnxruntime.so")))
        .unwrap_or(local)
}

fn environment(library: &Path) -> Result<ort::environment::Environment> {
    let env = ENV.get_or_init(|| {
        ort::init_from(library)
            .map_err(|e| e.to_string())?
            .with_name("cyberstance")
            .build()
            .map_err(|e| e.to_string())
    });
    env.clone().map_err(|message| Error::OnnxLibrary {
        path: library.to_path_buf(),
        message,
    })
}

/// Whether the model quantises activations at run time (ONNX Runtime's dynamic quantisation,
/// `DynamicQuantizeLinear` / `DynamicQuantizeMatMul`): one scale per model call, so such a model
/// must run one window per call for a window's result not to depend on what shares its call.
pub fn quantizes_per_call(model: &Path) -> Result<bool> {
    let bytes = std::fs::read(model).map_err(Error::reading(model))?;
    let needle = b"DynamicQuantize";
    Ok(bytes.windows(needle.len()).any(|w| w == needle))
}

/// One ONNX model session. Inputs `input_ids`, `attention_mask`, `shape_ids` (int64, `[batch, seq]`;
/// `shape_ids` only if the model declares it), output 0: float `[batch, seq, width]`.
pub struct OnnxBackend {
    session: Session,
    wants_shapes: bool,
}

impl OnnxBackend {
    pub fn load(model: &Path, library: &Path, threads: usize) -> Result<Self> {
        let env = environment(library)?;
        let onnx = |context: &str| {
            let context = format!("{context} ({})", model.display());
            move |e: ort::Error| Error::Onnx { context, source: e }
        };
        let recover = |e: ort::Error<ort::session::builder::SessionBuilder>| ort::Error::from(e);
        let session = Session::builder(&env)
            .map_err(onnx("session options"))?
            .with_optimization_level(GraphOptimizationLevel::Level3)
            .map_err(recover)
            .map_err(onnx("optimization level"))?
            .with_intra_threads(threads.max(1))
            .map_err(recover)
            .map_err(onnx("threads"))?
            .with_inter_threads(1)
            .map_err(recover)
            .map_err(onnx("threads"))?
            // int8 weights stored as DequantizeLinear initialisers are folded to fp32 once, at load
            .with_config_entry("session.disable_quant_qdq", "1")
            .map_err(recover)
            .map_err(onnx("config"))?
            .commit_from_file(model)
            .map_err(onnx("loading model"))?;
        let wants_shapes = session.inputs().iter().any(|i| i.name() == "shape_ids");
        Ok(OnnxBackend { session, wants_shapes })
    }
}

impl Backend for OnnxBackend {
    fn predict(&mut self, x: &ModelInputs) -> Result<Scores> {
        let dims = [x.batch, x.seq];
        let run = |e: ort::Error| Error::Onnx {
            context: "running the model".into(),
            source: e,
        };
        let ids = TensorRef::from_array_view((dims, x.input_ids.as_slice())).map_err(run)?;
        let mask = TensorRef::from_array_view((dims, x.attention_mask.as_slice())).map_err(run)?;
        let outputs = if self.wants_shapes {
            let shapes = TensorRef::from_array_view((dims, x.shape_ids.as_slice())).map_err(run)?;
            self.session.run(ort::inputs![ids, mask, shapes]).map_err(run)?
        } else {
            self.session.run(ort::inputs![ids, mask]).map_err(run)?
        };
        let (shape, data) = outputs[0].try_extract_tensor::<f32>().map_err(run)?;
        Scores::from_output(x, shape, || Ok(data.to_vec()))
    }

    fn name(&self) -> &'static str {
        "onnxruntime"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dynamic_quantisation_is_told_from_the_file() {
        let dir = crate::config::default_model_dir();
        assert!(quantizes_per_call(&dir.join("model.dynint8.onnx")).unwrap());
        assert!(!quantizes_per_call(&dir.join("model.int8.onnx")).unwrap());
        assert!(quantizes_per_call(&dir.join("missing.onnx")).is_err());
    }
}
