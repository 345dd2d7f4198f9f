//! Tokenization with the model's HF `tokenizers` file, the casing shape of each subword, and the
//! plan of overlapping model windows over a long article.
//!
//! Alignment comes from the tokenizer (byte offsets into the original text and the word each
//! subword belongs to); nothing is re-derived by searching strings.

use std::path::Path;

use crate::error::{Error, Result, TokenizerError};

/// One article's subword tokens (no special tokens), parallel arrays.
#[derive(Debug, Default, Clone)]
pub struct Encoded {
    pub ids: Vec<u32>,
    /// Casing class of each token's original text; see [`token_shape`].
    pub shapes: Vec<u8>,
    /// Byte offsets of each token into the original text.
    pub offsets: Vec<(usize, usize)>,
    /// Index of the pre-tokenizer word each token belongs to (non-decreasing).
    pub words: Vec<u32>,
}

impl Encoded {
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }
}

/// The model's tokenizer, with truncation and padding off (windows are made here).
pub struct TextTokenizer {
    inner: tokenizers::Tokenizer,
    pub cls: u32,
    pub sep: u32,
    pub pad: u32,
}

impl TextTokenizer {
    pub fn from_file(path: &Path) -> Result<Self> {
        let err = |source: TokenizerError| Error::Tokenizer {
            path: path.to_path_buf(),
            source,
        };
        let library = |e| err(TokenizerError::Library(e));
        let mut inner = tokenizers::Tokenizer::from_file(path).map_err(library)?;
        inner.with_truncation(None).map_err(library)?;
        inner.with_padding(None);
        let id = |t: &'static str| inner.token_to_id(t).ok_or_else(|| err(TokenizerError::MissingToken(t)));
        Ok(TextTokenizer {
            cls: id("[CLS]")?,
            sep: id("[SEP]")?,
            pad: id("[PAD]")?,
            inner,
        })
    }

    pub fn encode(&self, text: &str) -> std::result::Result<Encoded, TokenizerError> {
        let enc = self.inner.encode(text, false).map_err(TokenizerError::Library)?;
        let offsets = enc.get_offsets().to_vec();
        let shapes = offsets.iter().map(|&(s, e)| token_shape(&text[s..e])).collect();
        let words = enc.get_word_ids().iter().map(|w| w.unwrap_or(0)).collect();
        Ok(Encoded {
            ids: enc.get_ids().to_vec(),
            shapes,
            offsets,
            words,
        })
    }
}

/// Casing class of a token's original text (the encoder is uncased): 1 lower, 2 Capitalised (one
/// upper-case letter counts), 3 ALLCAPS, 4 mixed, 5 no cased letter; 0 is for special tokens.
/// Twin of `token_shape` in `scripts/model/nerlib.py`.
pub fn token_shape(s: &str) -> u8 {
    let mut cased = s.chars().filter(|c| c.is_uppercase() || c.is_lowercase());
    let Some(first) = cased.next() else { return 5 };
    let (mut all_lower, mut rest_lower, mut all_upper) = (first.is_lowercase(), true, first.is_uppercase());
    for c in cased {
        rest_lower &= c.is_lowercase();
        all_lower &= c.is_lowercase();
        all_upper &= c.is_uppercase();
    }
    if all_lower {
        1
    } else if first.is_uppercase() && rest_lower {
        2
    } else if all_upper {
        3
    } else {
        4
    }
}

/// A model window over an article's tokens: `[start, end)` is fed to the model (plus [CLS]/[SEP]);
/// predictions are kept for `[keep_start, keep_end)` only, so every token is owned by exactly one
/// window: the one in which it sits furthest from an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub start: usize,
    pub end: usize,
    pub keep_start: usize,
    pub keep_end: usize,
}

/// Plans windows of at most `content` tokens, consecutive windows sharing `overlap` tokens (the
/// last window is aligned to the end of the article, so it may share more). Deterministic.
pub fn plan_windows(n_tokens: usize, content: usize, overlap: usize) -> Vec<Window> {
    assert!(
        content > 0 && overlap < content,
        "window content must exceed the overlap"
    );
    if n_tokens <= content {
        return vec![Window {
            start: 0,
            end: n_tokens,
            keep_start: 0,
            keep_end: n_tokens,
        }];
    }
    let step = content - overlap;
    let mut starts: Vec<usize> = (0..).map(|k| k * step).take_while(|s| s + content < n_tokens).collect();
    starts.push(n_tokens - content);
    let mut out: Vec<Window> = Vec::with_capacity(starts.len());
    for (k, &start) in starts.iter().enumerate() {
        let end = start + content;
        let keep_start = if k == 0 { 0 } else { out[k - 1].keep_end };
        let keep_end = match starts.get(k + 1) {
            // the overlap [next, end) is split at its middle
            Some(&next) => (next + end).div_ceil(2),
            None => n_tokens,
        };
        out.push(Window {
            start,
            end,
            keep_start,
            keep_end,
        });
    }
    out
}

/// Plans windows that hold whole sentences, packed greedily up to `content` tokens, as the model
/// was trained (sentences packed into windows): every token goes through the model once and no
/// window cuts a sentence. A sentence longer than a window gets overlapping windows of its own
/// ([`plan_windows`], sharing `overlap` tokens). `sentence_starts`: token indices where
/// sentences start, ascending.
pub fn plan_sentence_windows(
    sentence_starts: &[usize],
    n_tokens: usize,
    content: usize,
    overlap: usize,
) -> Vec<Window> {
    if n_tokens <= content {
        return plan_windows(n_tokens, content, overlap);
    }
    let mut bounds: Vec<usize> = vec![0];
    bounds.extend(sentence_starts.iter().copied().filter(|&s| s > 0 && s < n_tokens));
    bounds.push(n_tokens);
    bounds.dedup();
    let whole = |s: usize, e: usize| Window {
        start: s,
        end: e,
        keep_start: s,
        keep_end: e,
    };
    let mut out = Vec::new();
    let mut cur: Option<(usize, usize)> = None;
    for pair in bounds.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if b - a > content {
            out.extend(cur.take().map(|(s, e)| whole(s, e)));
            out.extend(plan_windows(b - a, content, overlap).into_iter().map(|w| Window {
                start: w.start + a,
                end: w.end + a,
                keep_start: w.keep_start + a,
                keep_end: w.keep_end + a,
            }));
            continue;
        }
        cur = match cur {
            Some((s, _)) if b - s <= content => Some((s, b)),
            other => {
                out.extend(other.map(|(s, e)| whole(s, e)));
                Some((a, b))
            }
        };
    }
    out.extend(cur.map(|(s, e)| whole(s, e)));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tokenizer_error_keeps_its_cause() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokenizer.json");
        let Err(e) = TextTokenizer::from_file(&path) else {
            panic!("no tokenizer file, yet it loaded")
        };
        assert_eq!(e.to_string(), format!("cannot load tokenizer {}", path.display()));
        let Error::Tokenizer {
            source: TokenizerError::Library(cause),
            ..
        } = &e
        else {
            panic!("{e:?}")
        };
        let io = cause.downcast_ref::<std::io::Error>();
        assert_eq!(io.map(std::io::Error::kind), Some(std::io::ErrorKind::NotFound));
    }

    #[test]
    fn shapes_match_python_twin() {
        let cases = [
            ("nak", 1),
            ("Nak", 2),
            ("O", 2),
            ("NATO", 3),
            ("McD", 4),
            ("1996", 5),
            ("'", 5),
            ("Été", 2),
            ("ÉU", 3),
        ];
        for (s, want) in cases {
            assert_eq!(token_shape(s), want, "{s}");
        }
    }

    #[test]
    fn sentence_windows_pack_whole_sentences_and_cover_every_token_once() {
        // sentences of 50, 50, 50, 300 and 10 tokens
        let starts = [0, 50, 100, 150, 450];
        let ws = plan_sentence_windows(&starts, 460, 126, 32);
        let whole = |s, e| Window {
            start: s,
            end: e,
            keep_start: s,
            keep_end: e,
        };
        assert_eq!(ws[0], whole(0, 100));
        assert_eq!(ws[1], whole(100, 150));
        assert!(ws[2].start == 150 && ws[2].keep_start == 150 && ws[2].end == 276);
        assert_eq!(*ws.last().unwrap(), whole(450, 460));
        for n in [0, 1, 126, 127, 300, 1000] {
            let starts: Vec<usize> = (0..n).step_by(37).collect();
            let ws = plan_sentence_windows(&starts, n, 126, 32);
            let mut next = 0;
            for w in &ws {
                assert!(w.end - w.start <= 126 && w.end <= n);
                assert_eq!(w.keep_start, next, "n={n} {ws:?}");
                next = w.keep_end;
            }
            assert_eq!(next, n);
        }
    }

    #[test]
    fn windows_cover_every_token_once() {
        for n in [0, 1, 5, 126, 127, 200, 1000, 1001] {
            let ws = plan_windows(n, 126, 32);
            let mut next = 0;
            for w in &ws {
                assert!(w.end - w.start <= 126 && w.end <= n);
                assert_eq!(w.keep_start, next, "n={n} {ws:?}");
                assert!(w.start <= w.keep_start && w.keep_end <= w.end && w.keep_start <= w.keep_end);
                next = w.keep_end;
            }
            assert_eq!(next, n);
        }
        let ws = plan_windows(200, 126, 32);
        assert_eq!(
            ws[0],
            Window {
                start: 0,
                end: 126,
                keep_start: 0,
                keep_end: 100
            }
        );
        assert_eq!(
            ws[1],
            Window {
                start: 74,
                end: 200,
                keep_start: 100,
                keep_end: 200
            }
        );
    }
}
