//! The subcommands, called by the binary with parsed arguments. Returns what the binary needs to
//! pick an exit code.

use crate::annotate::{annotate, Summary};
use crate::backend::onnx::{default_library, OnnxBackend};
use crate::cli::{AnnotateArgs, EvalConllArgs, ModelArgs};
use crate::config::{default_model_dir, ModelDir};
use crate::error::{Error, Result};
use crate::pipeline::{Annotator, RunOptions};
use crate::progress::Progress;
use crate::record::JsonlWriter;

/// Sets the thread count once for the whole process and builds the model.
pub fn build_annotator(args: &ModelArgs) -> Result<Annotator> {
    let threads = args
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if threads == 0 || args.batch_size == 0 {
        return Err(Error::Option {
            option: "--threads/--batch-size".into(),
            message: "must be at least 1".into(),
        });
    }
    // The global pool can only be set once; a second call (tests) keeps the first setting.
    let _ = rayon::ThreadPoolBuilder::new().num_threads(threads).build_global();
    let model = ModelDir::open(&args.model.clone().unwrap_or_else(default_model_dir))?;
    let onnx = args.onnx.clone().unwrap_or_else(|| model.onnx());
    let library = args.ort_lib.clone().unwrap_or_else(default_library);
    let backend = OnnxBackend::load(&onnx, &library, threads)?;
    Annotator::new(
        &model,
        Box::new(backend),
        RunOptions {
            batch_size: args.batch_size,
            stride: args.stride,
        },
    )
}

pub fn run_annotate(args: &AnnotateArgs) -> Result<Summary> {
    let mut annotator = build_annotator(&args.model)?;
    let mut out = JsonlWriter::create(&args.output)?;
    let total = if args.quiet {
        None
    } else {
        crate::corpus::count_articles(&args.inputs)
    };
    let mut progress = Progress::new(total, args.quiet);
    let started = std::time::Instant::now();
    let summary = annotate(
        &mut annotator,
        &args.inputs,
        &mut out,
        args.model.batch_size,
        &mut progress,
    );
    progress.finish();
    let summary = summary?;
    let secs = started.elapsed().as_secs_f64();
    eprintln!(
        "annotated {} ok, {} failed; {} tokens in {:.1}s ({:.0} tokens/s)",
        summary.ok,
        summary.failed,
        summary.tokens,
        secs,
        summary.tokens as f64 / secs.max(1e-9)
    );
    Ok(summary)
}

pub fn run_eval_conll(args: &EvalConllArgs) -> Result<()> {
    let docs = crate::eval::conll::read_iob2(&args.file)?;
    let mut annotator = build_annotator(&args.model)?;
    let result = crate::eval::conll::evaluate(&mut annotator, &docs, 256)?;
    if let Some(path) = &args.write_tags {
        crate::eval::conll::write_tags(path, &docs, &result.predicted)?;
    }
    let s = &result.scores;
    if args.json {
        let v = serde_json::json!({
            "file": args.file,
            "model": annotator.model,
            "documents": docs.len(),
            "strict": s.overall,
            "per_label": s.per_label,
        });
        println!("{v:#}");
    } else {
        println!(
            "{} ({} documents), strict entity-level, {} {}",
            args.file.display(),
            docs.len(),
            annotator.model.name,
            annotator.model.version
        );
        println!(
            "{:<8} {:>9} {:>9} {:>9} {:>8}",
            "label", "precision", "recall", "f1", "support"
        );
        for (label, p) in s
            .per_label
            .iter()
            .chain(std::iter::once((&"overall".to_string(), &s.overall)))
        {
            println!(
                "{:<8} {:>9.4} {:>9.4} {:>9.4} {:>8}",
                label, p.precision, p.recall, p.f1, p.support
            );
        }
    }
    Ok(())
}
