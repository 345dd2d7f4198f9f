//! Settings, resolved once, from low to high precedence (as ripgrep does): the shipped defaults
//! (beside the binary's source, or `$CYBERSTANCE_HOME`), environment variables, the config file
//! named by `$CYBERSTANCE_CONFIG_PATH`, the command line.
//!
//! The config file holds flags, one per line, in `--name=value` form (or `--name` alone for a
//! switch); blank lines and lines starting with `#` are skipped. Its flags go before the command
//! line's, so the command line wins; a flag the command does not take is left out for that
//! command, and a flag no command takes is an error naming the file and line.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use crate::cli::{ModelArgs, StanceArgs};
use crate::error::{Error, Result};

/// The environment variable naming the config file.
pub const CONFIG_ENV: &str = "CYBERSTANCE_CONFIG_PATH";

/// Every file and directory a run reads, each resolved from its flag, else its environment
/// variable, else the shipped default.
#[derive(Debug, Clone)]
pub struct Settings {
    /// NER model directory (`--model`, `$CYBERSTANCE_MODEL`).
    pub model: PathBuf,
    /// ONNX Runtime library (`--ort-lib`, `$ORT_DYLIB_PATH`).
    pub ort_lib: PathBuf,
    /// Gazetteer directory (`--gazetteer`, `$CYBERSTANCE_GAZETTEER`).
    pub gazetteer: PathBuf,
    /// Stance targets (`--targets`, `$CYBERSTANCE_TARGETS`).
    pub targets: PathBuf,
    /// Stance model directory (`--stance-model`, `$CYBERSTANCE_STANCE_MODEL`).
    pub stance_model: PathBuf,
    /// Stance decision settings (`$CYBERSTANCE_STANCE_CONFIG`).
    pub stance_config: PathBuf,
    /// The link model's weights (`$CYBERSTANCE_STANCE_LINKS`).
    pub stance_links: PathBuf,
    /// Cue words (`$CYBERSTANCE_CUES`).
    pub cues: PathBuf,
}

impl Settings {
    /// Resolves every path once; `stance` and `gazetteer` are the flags of commands that have them.
    pub fn resolve(model: &ModelArgs, stance: Option<&StanceArgs>, gazetteer: Option<&Path>) -> Settings {
        let flag = |p: Option<&PathBuf>, default: fn() -> PathBuf| p.cloned().unwrap_or_else(default);
        Settings {
            model: flag(model.model.as_ref(), crate::config::default_model_dir),
            ort_lib: flag(model.ort_lib.as_ref(), crate::backend::onnx::default_library),
            gazetteer: flag(
                gazetteer.map(Path::to_path_buf).as_ref(),
                crate::actors::gazetteer::default_dir,
            ),
            targets: flag(
                stance.and_then(|s| s.targets.as_ref()),
                crate::stance::targets::default_file,
            ),
            stance_model: flag(
                stance.and_then(|s| s.stance_model.as_ref()),
                crate::stance::model::default_dir,
            ),
            stance_config: crate::stance::default_config(),
            stance_links: crate::stance::links::default_file(),
            cues: crate::stance::cues::default_file(),
        }
    }
}

/// The command line with the config file's flags (if `$CYBERSTANCE_CONFIG_PATH` names one) put
/// right after the subcommand, so that the command line's own flags come later and win.
pub fn with_config_file(argv: Vec<OsString>, cli: &clap::Command) -> Result<Vec<OsString>> {
    let Some(path) = std::env::var_os(CONFIG_ENV).filter(|p| !p.is_empty()) else {
        return Ok(argv);
    };
    let path = PathBuf::from(path);
    let text = std::fs::read_to_string(&path).map_err(Error::reading(&path))?;
    let Some(sub) = argv.get(1).and_then(|a| cli.find_subcommand(a.to_str()?)) else {
        return Ok(argv); // no subcommand (--help, --version, a typo): clap says what is wrong
    };
    let takes = |c: &clap::Command, name: &str| c.get_arguments().any(|a| a.get_long() == Some(name));
    let mut extra = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let bad = |message: String| Error::Parse {
            path: path.clone(),
            line: i + 1,
            message,
        };
        let Some(name) = line.strip_prefix("--").map(|f| f.split('=').next().unwrap_or(f)) else {
            return Err(bad(format!(
                "{line:?}: a config file holds flags in --name=value form, one per line"
            )));
        };
        if takes(sub, name) {
            extra.push(OsString::from(line));
        } else if !cli.get_subcommands().any(|c| takes(c, name)) {
            return Err(bad(format!("no command takes --{name}")));
        }
    }
    let mut out = argv;
    let rest = out.split_off(2);
    out.extend(extra);
    out.extend(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{CommandFactory, Parser};

    fn args(argv: &[&str], config: &str) -> Result<Vec<String>> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("config");
        std::fs::write(&file, config).unwrap();
        // the environment is process-wide: only this test sets this variable
        std::env::set_var(CONFIG_ENV, &file);
        let out = with_config_file(argv.iter().map(OsString::from).collect(), &crate::cli::Cli::command());
        std::env::remove_var(CONFIG_ENV);
        out.map(|v| v.into_iter().map(|a| a.into_string().unwrap()).collect())
    }

    #[test]
    fn config_flags_go_before_the_command_lines_and_only_to_commands_that_take_them() {
        let config = "# mine\n--threads=1\n\n--title=Mine\n--quiet\n";
        let got = args(&["cs", "annotate", "in.txt", "--threads=2"], config).unwrap();
        assert_eq!(
            got,
            ["cs", "annotate", "--threads=1", "--quiet", "in.txt", "--threads=2"]
        );
        let got = args(&["cs", "report", "x.jsonl"], config).unwrap();
        assert_eq!(got, ["cs", "report", "--title=Mine", "x.jsonl"]);
        // the command line wins over the config file
        let cli = crate::cli::Cli::try_parse_from(args(&["cs", "annotate", "in.txt", "--threads=2"], config).unwrap());
        match cli.unwrap().command {
            crate::cli::Command::Annotate(a) => assert_eq!(a.model.threads, Some(2)),
            other => panic!("{other:?}"),
        }
        let e = args(&["cs", "annotate", "in.txt"], "--threads=1\n--thraeds=2\n").unwrap_err();
        assert!(e.to_string().contains(":2: no command takes --thraeds"), "{e}");
        let e = args(&["cs", "annotate", "in.txt"], "threads 1\n").unwrap_err();
        assert!(e.to_string().contains(":1: \"threads 1\""), "{e}");
    }

    #[test]
    fn config_files_with_unknown_keys_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let stance = dir.path().join("config.json");
        std::fs::write(&stance, r#"{"max_targets": 3}"#).unwrap();
        assert!(crate::stance::Params::load(&stance).is_ok());
        // a misspelt key, and the threshold, which now belongs to the stance model's config.json
        for (body, key) in [
            (r#"{"max_target": 3, "max_targets": 3}"#, "max_target"),
            (r#"{"threshold": 0.3, "max_targets": 3}"#, "threshold"),
        ] {
            std::fs::write(&stance, body).unwrap();
            let e = crate::stance::Params::load(&stance).unwrap_err();
            assert!(e.to_string().contains(&format!("unknown field `{key}`")), "{e}");
        }
        // the model's config.json: the shipped one loads, one with a misspelt key does not
        let shipped = crate::config::default_model_dir();
        let model = dir.path().join("model");
        std::fs::create_dir(&model).unwrap();
        let mut config: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(shipped.join("config.json")).unwrap()).unwrap();
        config["max_lne"] = 128.into();
        std::fs::write(model.join("config.json"), config.to_string()).unwrap();
        std::fs::copy(shipped.join("tokenizer.json"), model.join("tokenizer.json")).unwrap();
        let e = crate::config::ModelDir::open(&model).unwrap_err();
        assert!(format!("{e}").contains("max_lne"), "{e}");
        assert!(crate::config::ModelDir::open(&shipped).is_ok());
    }
}
