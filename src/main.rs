//! The `cyberstance` binary: parse flags, call the library, map the outcome to an exit code.
//! 0: all records ok; 1: some records failed (each reported on stderr) or an eval floor was missed;
//! 2: the run could not start or stopped. A closed stdout (broken pipe) is not an error.

use std::process::ExitCode;

use clap::{CommandFactory, FromArgMatches};
use cyberstance::app;
use cyberstance::cli::{Cli, Command};

const EXIT_RECORDS_FAILED: u8 = 1;
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let command = Cli::command();
    let cli = match cyberstance::settings::with_config_file(std::env::args_os().collect(), &command) {
        Ok(argv) => Cli::from_arg_matches(&command.get_matches_from(argv)).unwrap_or_else(|e| e.exit()),
        Err(e) => return fail(&e),
    };
    let outcome = match &cli.command {
        Command::Annotate(args) => app::run_annotate(args).map(|s| s.failed == 0),
        Command::Eval(args) => app::run_eval(args),
        Command::EvalConll(args) => app::run_eval_conll(args),
        Command::Export(args) => app::run_export(args),
        Command::Report(args) => app::run_report(args),
    };
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(EXIT_RECORDS_FAILED),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => fail(&e),
    }
}

/// Prints the error with its causes on one line; exit status 2.
fn fail(e: &cyberstance::Error) -> ExitCode {
    let mut msg = format!("error: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        msg.push_str(&format!(": {s}"));
        source = s.source();
    }
    eprintln!("{}", cyberstance::error::one_line(&msg));
    ExitCode::from(EXIT_ERROR)
}

fn is_broken_pipe(e: &cyberstance::Error) -> bool {
    matches!(e, cyberstance::Error::Write { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
}
