//! Progress on stderr with indicatif: articles, tokens/s, ETA. Hidden when stderr is not a
//! terminal or with `--quiet`.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

pub struct Progress {
    bar: ProgressBar,
    start: std::time::Instant,
    tokens: u64,
    articles: u64,
    /// The bar's length is the inputs' size in bytes; otherwise it counts articles.
    in_bytes: bool,
}

impl Progress {
    /// `total_bytes`: the inputs' size, asked only when the bar is shown (it may walk
    /// directories); `None` where it cannot be known (stdin, a FIFO): the bar counts articles.
    pub fn new(total_bytes: impl FnOnce() -> Option<u64>, quiet: bool) -> Self {
        let visible = !quiet && std::io::stderr().is_terminal();
        let total = if visible { total_bytes() } else { None };
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
            "{elapsed_precise} [{bar:30}] {bytes}/{total_bytes}, {msg} (ETA {eta})"
        } else {
            "{elapsed_precise} {msg}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        Progress {
            bar,
            start: std::time::Instant::now(),
            tokens: 0,
            articles: 0,
            in_bytes: total.is_some(),
        }
    }

    /// `articles` more done, with `tokens`; `bytes_read`: the inputs read so far.
    pub fn advance(&mut self, articles: u64, tokens: u64, bytes_read: u64) {
        self.tokens += tokens;
        self.articles += articles;
        let secs = self.start.elapsed().as_secs_f64().max(1e-9);
        self.bar.set_message(format!(
            "{} articles, {:.0} tokens/s",
            self.articles,
            self.tokens as f64 / secs
        ));
        self.bar
            .set_position(if self.in_bytes { bytes_read } else { self.articles });
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
