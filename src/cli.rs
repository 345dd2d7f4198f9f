//! Command-line interface (clap derive). Doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::eval::report::Floor;

#[derive(Debug, Parser)]
#[command(
    name = "cyberstance",
    version,
    args_override_self = true,
    about = "Annotate news on cyber threats and international security: entities as JSONL, scored against hand labels"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Annotate articles: .txt files, directories of .txt files, .jsonl files, or - (JSONL on stdin).
    Annotate(AnnotateArgs),
    /// Score annotated JSONL against hand labels (entities, actors, stances), matching records by id.
    Eval(EvalArgs),
    /// Score the model, through this pipeline, on a two-column IOB2 file (e.g. CoNLL-2003 test).
    EvalConll(EvalConllArgs),
    /// Convert annotated JSONL for other tools: Prodigy/spaCy, doccano, CoNLL IOB2, CSV tables.
    Export(ExportArgs),
    /// One self-contained HTML page of annotated JSONL: overview (actor x target matrix, counts)
    /// and every article with its entities and stance evidence marked.
    Report(ReportPageArgs),
}

#[derive(Debug, Args)]
pub struct ReportPageArgs {
    /// Annotated JSONL (the output of `annotate`), or - for stdin.
    #[arg(value_name = "IN")]
    pub input: PathBuf,
    /// The HTML file to write, or - for stdout.
    #[arg(short, long, default_value = "report.html", value_name = "OUT")]
    pub output: String,
    /// The page title.
    #[arg(long, default_value = "cyberstance report")]
    pub title: String,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Annotated JSONL (the output of `annotate`), or - for stdin.
    #[arg(value_name = "IN")]
    pub input: PathBuf,
    /// prodigy: Prodigy/spaCy JSONL (text, tokens with ws, spans with token indices); doccano:
    /// JSONL with labels [[start, end, label]]; conll: two-column IOB2; csv: a directory with
    /// entities.csv, actors.csv and stances.csv.
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: crate::export::Format,
    /// Output file, - for stdout; a directory for csv.
    #[arg(short, long, default_value = "-", value_name = "OUT")]
    pub output: String,
}

/// Report options shared by `eval` and `eval-conll`.
#[derive(Debug, Args, Clone)]
pub struct ReportArgs {
    /// Print one JSON object (stable keys, e.g. entities.strict.f1) instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Fail (exit 1) when a figure of the report is below VALUE, e.g. entities.strict.f1=0.80. Repeatable.
    #[arg(long = "min", value_name = "KEY=VALUE")]
    pub floors: Vec<Floor>,
}

/// How the model runs: which model, how many threads, how large the batches.
#[derive(Debug, Args, Clone)]
pub struct ModelArgs {
    /// Model directory (config.json, tokenizer.json, weights). Default: $CYBERSTANCE_MODEL, else the
    /// shipped models/ner-minilm-conll03.
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
    /// ONNX file to run instead of the model's default (e.g. model.fp32.onnx).
    #[arg(long, value_name = "FILE")]
    pub onnx: Option<PathBuf>,
    /// Model runtime: ONNX Runtime (the ONNX files), or rust-bert on libtorch (the safetensors
    /// weights, fp32; only in a build with --features torch, see scripts/setup.sh --torch).
    #[arg(long, value_enum, default_value_t = crate::backend::BackendKind::Onnx, value_name = "NAME")]
    pub backend: crate::backend::BackendKind,
    /// Device for --backend torch: cpu, or cuda (a GPU and libtorch with CUDA).
    #[arg(long, value_enum, default_value_t = crate::backend::DeviceKind::Cpu, value_name = "DEVICE")]
    pub device: crate::backend::DeviceKind,
    /// ONNX Runtime shared library. Default: $ORT_DYLIB_PATH, else the project's .runtime/.
    #[arg(long, value_name = "FILE")]
    pub ort_lib: Option<PathBuf>,
    /// Worker threads for tokenizing, decoding and the model (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Windows per model call.
    #[arg(long, default_value_t = 32, value_name = "N")]
    pub batch_size: usize,
    /// Tokens shared by consecutive windows of a sentence longer than a window (of a long article,
    /// with --windows sliding); below the model window, 126.
    #[arg(long, default_value_t = 32, value_name = "N")]
    pub stride: usize,
    /// How articles are cut into model windows: whole sentences packed together (as the model
    /// was trained; each token runs once), or windows sliding over the article and overlapping by
    /// the stride (slower, as overlapping tokens run twice; about the same accuracy).
    #[arg(long, value_enum, default_value_t = crate::pipeline::Windows::Sentences, value_name = "HOW")]
    pub windows: crate::pipeline::Windows,
}

#[derive(Debug, Args)]
pub struct AnnotateArgs {
    /// Inputs: FILE.txt (id = file stem), DIR (its .txt files, recursive, sorted), FILE.jsonl
    /// (records {"id", "text", ...}; other fields are kept as `meta`), or - for JSONL on stdin.
    #[arg(required = true, value_name = "INPUT")]
    pub inputs: Vec<PathBuf>,
    /// Output JSONL file, or - for stdout.
    #[arg(short, long, default_value = "-", value_name = "OUT")]
    pub output: String,
    /// Take up an interrupted run: keep the complete records already in OUT (a torn last line is
    /// cut off), skip their ids, append the rest. The result is what one uninterrupted run writes.
    #[arg(long)]
    pub resume: bool,
    /// Largest article read: a .txt file or JSONL line over it is an error (the batch goes on).
    #[arg(long, default_value_t = crate::corpus::DEFAULT_MAX_BYTES, value_name = "BYTES")]
    pub max_article_bytes: usize,
    /// No progress bar (it is also hidden when stderr is not a terminal); errors and the summary still print.
    #[arg(short, long)]
    pub quiet: bool,
    /// Gazetteer directory (states.tsv, bodies.tsv, words.tsv). Default: $CYBERSTANCE_GAZETTEER, else
    /// the shipped models/gazetteer.
    #[arg(long, value_name = "DIR")]
    pub gazetteer: Option<PathBuf>,
    #[command(flatten)]
    pub stance: StanceArgs,
    #[command(flatten)]
    pub model: ModelArgs,
}

/// Stance options: the vocabulary, the stance model, and the decision settings.
#[derive(Debug, Args, Clone)]
pub struct StanceArgs {
    /// Stance targets: TSV with columns target, description and optionally exemplars and keywords
    /// (see models/targets.tsv). The model reads the descriptions, so targets of one's own need no
    /// retraining. Default: $CYBERSTANCE_TARGETS, else the shipped models/targets.tsv.
    #[arg(long, value_name = "FILE")]
    pub targets: Option<PathBuf>,
    /// Stance model directory (config.json, tokenizer.json, model.int8.onnx or model.safetensors,
    /// head.safetensors). Default: $CYBERSTANCE_STANCE_MODEL, else the shipped models/stance-minilm.
    #[arg(long, visible_alias = "encoder", value_name = "DIR")]
    pub stance_model: Option<PathBuf>,
    /// The stance model's ONNX file to run instead of its default int8 one (e.g. model.onnx, fp32).
    #[arg(long, visible_alias = "encoder-onnx", value_name = "FILE")]
    pub stance_onnx: Option<PathBuf>,
    /// Entities and actors only: no stances (the stance model is not loaded).
    #[arg(long)]
    pub no_stances: bool,
    /// Also write every sentence with its speakers' actor ids ("statements"; none where no actor
    /// is found to state it), to see who the annotator thinks said what, and to build training data.
    #[arg(long, conflicts_with = "no_stances")]
    pub statements: bool,
    /// The calibrated probability a sentence needs to take a target, from 0 to 1: higher for
    /// precision, lower for recall (default: the stance model's, chosen on dev; the curve is in
    /// its model card).
    #[arg(long, value_name = "P", value_parser = parse_probability)]
    pub stance_threshold: Option<f32>,
    /// What decides targets and polarity: the hand-written keyword and cue rules (lexical, the
    /// default: no model is loaded), or the trained stance model (model)
    #[arg(long, value_enum, default_value_t = crate::stance::Signals::Lexical, value_name = "WHICH")]
    pub stance_signals: crate::stance::Signals,
    /// Who takes a sentence's targets: the speakers the attribution rules find in it (sentences;
    /// the default with the lexical rules), or the actors a learned model of who speaks where finds
    /// likely (links, models/stance/links.json; the default with --stance-signals model)
    #[arg(long, value_enum, value_name = "WHICH")]
    pub stance_decision: Option<crate::stance::Decision>,
}

impl StanceArgs {
    /// The stance decision in use: the one asked for, else the one that goes with the signals.
    pub fn decision(&self) -> crate::stance::Decision {
        self.stance_decision
            .unwrap_or(crate::stance::Decision::default_for(self.stance_signals))
    }
}

#[derive(Debug, Args)]
pub struct EvalArgs {
    /// Hand labels: JSONL, one article per line ({"id", "entities", "actors", "stances"}; see
    /// corpus/README.md), or - for stdin (then --pred must be a file).
    #[arg(long, value_name = "FILE")]
    pub gold: PathBuf,
    /// Annotated records (the output of `annotate`), or - for stdin.
    #[arg(long, value_name = "FILE")]
    pub pred: PathBuf,
    /// Rename entity labels on both sides before scoring, e.g. GPE=LOC,NORP=MISC (to compare a
    /// model with a coarser label set). Repeatable.
    #[arg(long, value_name = "FROM=TO", value_delimiter = ',', value_parser = parse_label_pair)]
    pub label_map: Vec<(String, String)>,
    /// Also give the figures of each article.
    #[arg(long)]
    pub per_article: bool,
    #[command(flatten)]
    pub report: ReportArgs,
}

/// A cosine threshold: a finite number from -1 to 1 (NaN would take nothing and say nothing).
fn parse_probability(s: &str) -> Result<f32, String> {
    match s.trim().parse::<f32>() {
        Ok(x) if x.is_finite() && (0.0..=1.0).contains(&x) => Ok(x),
        Ok(_) => Err(format!("a probability is a number from 0 to 1, got {s:?}")),
        Err(e) => Err(format!("{e}: {s:?}")),
    }
}

fn parse_label_pair(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((from, to)) if !from.trim().is_empty() && !to.trim().is_empty() => {
            Ok((from.trim().to_string(), to.trim().to_string()))
        }
        _ => Err(format!("expected FROM=TO, e.g. GPE=LOC, got {s:?}")),
    }
}

#[derive(Debug, Args)]
pub struct EvalConllArgs {
    /// Two-column IOB2 file ("token tag" lines, blank line between sentences, -DOCSTART- between documents).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Also write "word gold predicted" lines here (to cross-check with seqeval).
    #[arg(long, value_name = "FILE")]
    pub write_tags: Option<PathBuf>,
    #[command(flatten)]
    pub model: ModelArgs,
}
