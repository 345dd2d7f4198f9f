//! The subcommands, called by the binary with parsed arguments. Returns what the binary needs to
//! pick an exit code.

use crate::actors::Linker;
use crate::annotate::{annotate, Summary};
use crate::backend::onnx::{quantizes_per_call, OnnxBackend};
use crate::backend::{BackendKind, Network, Pool};
use std::collections::HashMap;
use std::io::Write;

use crate::cli::{
    AnnotateArgs, EvalArgs, EvalConllArgs, ExportArgs, ModelArgs, ReportArgs, ReportPageArgs, StanceArgs,
};
use crate::config::ModelDir;
use crate::error::{Error, Result};
use crate::eval::data::{pair, read_docs};
use crate::eval::report::{check_floors, entities_table, evaluate, FloorOutcome};
use crate::output::JsonlWriter;
use crate::pipeline::{Annotator, RunOptions};
use crate::progress::Progress;
use crate::settings::Settings;
use crate::stance::cues::Cues;
use crate::stance::{self, encoder::SentenceEncoder, model::Head, Stancer};
use std::collections::HashSet;

/// Sets the thread count once for the whole process and builds the model; `abbreviations` keep
/// sentences whole (from the cues file).
pub fn build_annotator(args: &ModelArgs, settings: &Settings, abbreviations: HashSet<String>) -> Result<Annotator> {
    let threads = threads(args);
    if threads == 0 || args.batch_size == 0 {
        return Err(Error::Option {
            option: "--threads/--batch-size".into(),
            message: "must be at least 1".into(),
        });
    }
    // The global pool can only be set once; a second call (tests) keeps the first setting.
    let _ = rayon::ThreadPoolBuilder::new().num_threads(threads).build_global();
    let model = ModelDir::open(&settings.model)?;
    let onnx = args.onnx.clone().unwrap_or_else(|| model.onnx());
    let (pool, batch_size) = model_pool(args, settings, &model.dir, &onnx, Network::Tagger, threads)?;
    Ok(Annotator::new(
        &model,
        pool,
        RunOptions {
            batch_size,
            stride: args.stride,
            windows: args.windows,
        },
    )?
    .with_abbreviations(abbreviations))
}

/// The stance stage, unless `--no-stances`: targets, cues, settings and (unless
/// `--stance-signals lexical`) the stance model.
pub fn build_stancer(args: &StanceArgs, model: &ModelArgs, settings: &Settings, cues: Cues) -> Result<Option<Stancer>> {
    if args.no_stances {
        return Ok(None);
    }
    let targets = stance::targets::load(&settings.targets)?;
    let mut params = stance::Params::load(&settings.stance_config)?;
    params.signals = args.stance_signals;
    params.decision = args.decision();
    params.keep_links = args.statements;
    let link_model = match params.decision {
        stance::Decision::Links => Some(stance::links::LinkModel::load(
            &settings.stance_links,
            args.stance_signals,
        )?),
        stance::Decision::Sentences => None,
    };
    if args.stance_signals == stance::Signals::Lexical {
        if args.stance_threshold.is_some() {
            return Err(Error::Option {
                option: "--stance-threshold".into(),
                message: "it sets the stance model's threshold: add --stance-signals model".into(),
            });
        }
        return Ok(Some(Stancer::new(targets, cues, None, params, link_model)?));
    }
    let dir = settings.stance_model.clone();
    let head = Head::load(&dir)?;
    params.threshold = args.stance_threshold.unwrap_or(head.config().threshold);
    let onnx = match &args.stance_onnx {
        Some(file) => file.clone(),
        None => SentenceEncoder::onnx(&dir)?,
    };
    let weights = match model.backend {
        BackendKind::Onnx => onnx.clone(),
        BackendKind::Torch => dir.join("model.safetensors"),
    };
    if !weights.exists() {
        return Err(Error::Model {
            dir,
            problem: format!(
                "no {}: the stance model is shipped in models/stance-minilm (scripts/model/train_stance.py \
                 retrains it); or pass --no-stances, or --stance-signals lexical",
                weights.display()
            ),
        });
    }
    let (pool, batch_size) = model_pool(model, settings, &dir, &onnx, Network::Encoder, threads(model))?;
    let encoder = SentenceEncoder::new(&dir, pool, batch_size)?;
    Ok(Some(Stancer::new(
        targets,
        cues,
        Some((encoder, head)),
        params,
        link_model,
    )?))
}

/// The model's worker pool on the chosen backend, and the batch size to run it with.
fn model_pool(
    args: &ModelArgs,
    settings: &Settings,
    dir: &std::path::Path,
    onnx: &std::path::Path,
    network: Network,
    threads: usize,
) -> Result<(Pool, usize)> {
    match args.backend {
        BackendKind::Onnx => onnx_pool(onnx, &settings.ort_lib, args.batch_size, threads),
        BackendKind::Torch => torch_pool(dir, network, args, threads),
    }
}

/// rust-bert on libtorch. On the CPU, one single-threaded model per worker thread, as for ONNX
/// Runtime (measured: docs/benchmarks.md); on a GPU, one model.
#[cfg(feature = "torch")]
fn torch_pool(dir: &std::path::Path, network: Network, args: &ModelArgs, threads: usize) -> Result<(Pool, usize)> {
    use crate::backend::{torch, DeviceKind};
    let device = torch::device(args.device == DeviceKind::Cuda)?;
    let workers = if args.device == DeviceKind::Cuda {
        1
    } else {
        threads.max(1)
    };
    if args.device == DeviceKind::Cpu {
        tch::set_num_threads(1);
    }
    let pool = Pool::load(workers, || torch::TorchBackend::load(dir, network, device))?;
    Ok((pool, args.batch_size))
}

#[cfg(not(feature = "torch"))]
fn torch_pool(_: &std::path::Path, _: Network, _: &ModelArgs, _: usize) -> Result<(Pool, usize)> {
    Err(Error::Option {
        option: "--backend torch".into(),
        message: "this build has no torch backend: build with --features torch (scripts/setup.sh --torch)".into(),
    })
}

/// One single-threaded ONNX Runtime session per worker thread, loaded side by side, and the batch
/// size to run them with: `--batch-size`, or 1 for a model that quantises activations per call
/// (its results must not depend on what shares a call).
fn onnx_pool(
    onnx: &std::path::Path,
    library: &std::path::Path,
    batch_size: usize,
    threads: usize,
) -> Result<(Pool, usize)> {
    let pool = Pool::load(threads, || OnnxBackend::load(onnx, library, 1))?;
    let batch_size = if quantizes_per_call(onnx)? { 1 } else { batch_size };
    Ok((pool, batch_size))
}

fn threads(args: &ModelArgs) -> usize {
    args.threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
}

pub fn run_annotate(args: &AnnotateArgs) -> Result<Summary> {
    let settings = Settings::resolve(&args.model, Some(&args.stance), args.gazetteer.as_deref());
    let cues = Cues::load(&settings.cues)?;
    let mut annotator = build_annotator(&args.model, &settings, cues.abbreviation.clone())?;
    let linker = Linker::load(&settings.gazetteer)?;
    let mut stancer = build_stancer(&args.stance, &args.model, &settings, cues)?;
    crate::outfile::refuse_inputs(std::path::Path::new(&args.output), &args.inputs)?;
    let run = crate::fingerprint::of_annotate(args, &settings)?;
    annotator.model.run = Some(run.clone());
    let (mut out, resumed) = if args.resume {
        JsonlWriter::resume(&args.output, Some(&run))?
    } else {
        (JsonlWriter::create(&args.output)?, Default::default())
    };
    if resumed.truncated > 0 {
        eprintln!(
            "resuming {}: cut off a torn last line ({} bytes)",
            args.output, resumed.truncated
        );
    }
    // one pass over each input: the bar counts bytes read against the inputs' size, known from
    // their metadata (records where it is not: stdin, a FIFO), so each input is opened once
    let mut progress = Progress::new(|| crate::corpus::total_bytes(&args.inputs), args.quiet);
    let started = std::time::Instant::now();
    let summary = annotate(
        &mut annotator,
        &linker,
        stancer.as_mut(),
        &args.inputs,
        &mut out,
        crate::annotate::Reading {
            batch_size: args.model.batch_size,
            max_article_bytes: args.max_article_bytes,
            resumed: &resumed,
            statements: args.stance.statements,
        },
        &mut progress,
    );
    progress.finish();
    let summary = match summary {
        Ok(s) => s,
        Err(e) => {
            if let Some(part) = out.part() {
                eprintln!(
                    "the records written so far are kept in {}: --resume takes up from there",
                    crate::error::one_line(&part.display().to_string())
                );
            }
            return Err(e);
        }
    };
    out.finish()?;
    let secs = started.elapsed().as_secs_f64();
    let resumed = if args.resume {
        format!(", {} already in {}", summary.resumed, args.output)
    } else {
        String::new()
    };
    eprintln!(
        "annotated {} ok, {} failed{resumed}; {} tokens in {:.1}s ({:.0} tokens/s)",
        summary.ok,
        summary.failed,
        summary.tokens,
        secs,
        summary.tokens as f64 / secs.max(1e-9)
    );
    Ok(summary)
}

/// `eval`: true when every record was usable and every floor met.
pub fn run_eval(args: &EvalArgs) -> Result<bool> {
    if args.gold == args.pred {
        return Err(Error::Option {
            option: "--gold/--pred".into(),
            message: "the two sides must be different inputs".into(),
        });
    }
    let mut label_map: HashMap<String, String> = HashMap::new();
    for (from, to) in &args.label_map {
        if label_map.insert(from.clone(), to.clone()).is_some() {
            return Err(Error::Option {
                option: "--label-map".into(),
                message: format!("{from} is mapped twice"),
            });
        }
    }
    let paired = pair(read_docs(&args.gold)?, read_docs(&args.pred)?);
    for e in &paired.errors {
        eprintln!("error: {}", crate::error::one_line(&e.to_string()));
    }
    if paired.pairs.is_empty() {
        eprintln!("error: no article to score: no id is usable on both sides");
    }
    let files = (args.gold.display().to_string(), args.pred.display().to_string());
    let report = evaluate(&paired, &label_map, args.per_article, (&files.0, &files.1));
    let floors_met = print_report(&report, || report.table(), &args.report)?;
    Ok(floors_met && paired.errors.is_empty() && !paired.pairs.is_empty())
}

/// Prints a report (JSON or table) and checks the floors; true when all are met. A closed stdout
/// (broken pipe) stops the printing, not the checks.
fn print_report<T: serde::Serialize>(report: &T, table: impl FnOnce() -> String, args: &ReportArgs) -> Result<bool> {
    let value = serde_json::to_value(report).expect("reports serialize");
    let outcomes = check_floors(&value, &args.floors)?;
    let text = if args.json { format!("{value:#}\n") } else { table() };
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => return Err(Error::write("stdout", e)),
        _ => {}
    }
    let mut all_met = true;
    for (floor, outcome) in args.floors.iter().zip(outcomes) {
        match outcome {
            FloorOutcome::Met(x) => eprintln!("floor met: {} = {x:.4} >= {}", floor.key, floor.min),
            FloorOutcome::Below(x) => {
                all_met = false;
                eprintln!("error: below floor: {} = {x:.4} < {}", floor.key, floor.min);
            }
            FloorOutcome::NotScored(reason) => {
                all_met = false;
                eprintln!("error: floor {} not checked: not scored ({reason})", floor.key);
            }
        }
    }
    Ok(all_met)
}

/// `eval-conll`: true when every floor is met.
pub fn run_eval_conll(args: &EvalConllArgs) -> Result<bool> {
    let docs = crate::eval::conll::read_iob2(&args.file)?;
    let settings = Settings::resolve(&args.model, None, None);
    let abbreviations = Cues::load(&settings.cues)?.abbreviation;
    let mut annotator = build_annotator(&args.model, &settings, abbreviations)?;
    let result = crate::eval::conll::evaluate(&mut annotator, &docs, 256)?;
    if let Some(path) = &args.write_tags {
        crate::eval::conll::write_tags(path, &docs, &result.predicted)?;
    }
    let report = serde_json::json!({
        "file": args.file,
        "model": annotator.model,
        "documents": docs.len(),
        "entities": result.scores,
    });
    let table = || {
        format!(
            "{} ({} documents), {} {}\n{}",
            args.file.display(),
            docs.len(),
            annotator.model.name,
            annotator.model.version,
            entities_table(&result.scores)
        )
    };
    print_report(&report, table, &args.report)
}

/// `export`: true when every input line was a record.
pub fn run_export(args: &ExportArgs) -> Result<bool> {
    let abbreviations = Cues::load(&stance::cues::default_file())?.abbreviation;
    crate::outfile::refuse_inputs(std::path::Path::new(&args.output), &[&args.input])?;
    let (n, bad) = crate::export::export(&args.input, args.format, &args.output, &abbreviations)?;
    eprintln!("exported {n} records, {bad} lines skipped");
    Ok(bad == 0)
}

/// `report`: true when every input line was a record.
pub fn run_report(args: &ReportPageArgs) -> Result<bool> {
    crate::outfile::refuse_inputs(std::path::Path::new(&args.output), &[&args.input])?;
    let mut records = Vec::new();
    let bad = crate::export::for_each_record(&args.input, |r| {
        records.push(r);
        Ok(())
    })?;
    let page = crate::report::html(&records, &args.title);
    let mut out = crate::export::Output::create(&args.output)?;
    out.write_all(page.as_bytes())?;
    out.finish()?;
    eprintln!(
        "report of {} records -> {}, {} lines skipped",
        records.len(),
        args.output,
        bad
    );
    Ok(bad == 0)
}
