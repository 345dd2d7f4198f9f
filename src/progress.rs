//! Progress on stderr with indicatif: articles, tokens/s, ETA. Hidden when stderr is not a
//! terminal or with `--quiet`.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
    start: std::time::Instant,
    tokens: u64,
}

impl Progress {
    /// `total`: number of articles when known.
    pub fn new(total: Option<u64>, quiet: bool) -> Self {
        let visible = !quiet && std::io::stderr().is_terminal();
        let bar = match total {
            Some(n) => ProgressBar::new(n),
            None => ProgressBar::no_length(),
        };
        bar.set_draw_target(if visible {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        });
        let template = if total.is_some() {
            "{elapsed_precise} [{bar:30}] {pos}/{len} articles, {msg} (ETA {eta})"
        } else {
            "{elapsed_precise} {pos} articles, {msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress {
            bar,
            start: std::time::Instant::now(),
            tokens: 0,
        }
    }

    pub fn advance(&mut self, articles: u64, tokens: u64) {
        self.tokens += tokens;
        let secs = self.start.elapsed().as_secs_f64().max(1e-9);
        self.bar
            .set_message(format!("{:.0} tokens/s", self.tokens as f64 / secs));
        self.bar.inc(articles);
    }

    /// Prints a line without tearing the bar.
    pub fn println(&self, line: &str) {
        let line = crate::error::one_line(line);
        if self.bar.is_hidden() {
            eprintln!("{line}");
        } else {
            self.bar.suspend(|| eprintln!("{line}"));
        }
    }

    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
