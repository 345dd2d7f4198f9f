//! Command-line interface (clap derive). Doc comments are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(
    name = "cyberstance",
    version,
    about = "Annotate news on cyber threats and international security: entities as JSONL"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Annotate articles: .txt files, directories of .txt files, .jsonl files, or - (JSONL on stdin).
    Annotate(AnnotateArgs),
    /// Score the model, through this pipeline, on a two-column IOB2 file (e.g. CoNLL-2003 test).
    EvalConll(EvalConllArgs),
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
    /// ONNX Runtime shared library. Default: $ORT_DYLIB_PATH, else the project's .runtime/.
    #[arg(long, value_name = "FILE")]
    pub ort_lib: Option<PathBuf>,
    /// Worker threads for tokenizing, decoding and the model (default: all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<usize>,
    /// Windows per model call.
    #[arg(long, default_value_t = 32, value_name = "N")]
    pub batch_size: usize,
    /// Tokens shared by consecutive windows of a long article (below the model window, 126).
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub stride: usize,
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
    /// No progress bar (it is also hidden when stderr is not a terminal); errors and the summary still print.
    #[arg(short, long)]
    pub quiet: bool,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Debug, Args)]
pub struct EvalConllArgs {
    /// Two-column IOB2 file ("token tag" lines, blank line between sentences, -DOCSTART- between documents).
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
    /// Also write "word gold predicted" lines here (to cross-check with seqeval).
    #[arg(long, value_name = "FILE")]
    pub write_tags: Option<PathBuf>,
    #[command(flatten)]
    pub model: ModelArgs,
}
