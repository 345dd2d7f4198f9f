//! Token scores -> word labels -> entity spans.
//!
//! Each pre-tokenizer word takes the scores of its first subword (the model was trained with every
//! subword labelled, so later subwords agree but add nothing). Words are decoded with a
//! BIO-constrained Viterbi (no `I-X` after `O` or after another type), the twin of
//! `decode_words` in `scripts/model/nerlib.py`. An entity spans from its first word's first byte to its
//! last word's last byte; its score is the mean probability of its words' labels.

use crate::tokenize::Encoded;

/// The model's label set, parsed from `id2label` (IOB2: `O`, `B-X`, `I-X`).
#[derive(Debug, Clone)]
pub struct LabelSet {
    pub names: Vec<String>,
    /// Entity type of each label (`None` for `O`).
    types: Vec<Option<String>>,
    inside: Vec<bool>,
    /// allowed[prev * n + cur]
    allowed: Vec<bool>,
}

impl LabelSet {
    pub fn new(names: Vec<String>) -> Self {
        let parse = |l: &str| match l.split_once('-') {
            Some(("B", t)) => (Some(t.to_string()), false),
            Some(("I", t)) => (Some(t.to_string()), true),
            _ => (None, false),
        };
        let (types, inside): (Vec<_>, Vec<_>) = names.iter().map(|l| parse(l)).unzip();
        let n = names.len();
        let mut allowed = vec![true; n * n];
        for cur in 0..n {
            if inside[cur] {
                for prev in 0..n {
                    allowed[prev * n + cur] = types[prev].is_some() && types[prev] == types[cur];
                }
            }
        }
        LabelSet {
            names,
            types,
            inside,
            allowed,
        }
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// BIO-valid Viterbi over per-word log-probabilities (`n_words x n_labels`, row-major).
    /// A word with `fresh[t]` set (the first word of a line) cannot continue an entity.
    /// Ties go to the lower label index, so the result is deterministic.
    pub fn viterbi(&self, logp: &[f32], fresh: &[bool], out: &mut Vec<usize>) {
        let n = self.len();
        let words = logp.len() / n;
        out.clear();
        if words == 0 {
            return;
        }
        const NEG: f32 = -1e30;
        let mut score: Vec<f32> = (0..n).map(|j| if self.inside[j] { NEG } else { logp[j] }).collect();
        let mut next = vec![0f32; n];
        let mut back = vec![0u16; words * n];
        for t in 1..words {
            for cur in 0..n {
                let (mut best, mut arg) = (f32::NEG_INFINITY, 0);
                for (prev, &sc) in score.iter().enumerate() {
                    let ok = self.allowed[prev * n + cur] && !(fresh[t] && self.inside[cur]);
                    let s = if ok { sc } else { NEG };
                    if s > best {
                        best = s;
                        arg = prev;
                    }
                }
                back[t * n + cur] = arg as u16;
                next[cur] = best + logp[t * n + cur];
            }
            std::mem::swap(&mut score, &mut next);
        }
        let mut last = 0;
        for j in 1..n {
            if score[j] > score[last] {
                last = j;
            }
        }
        out.resize(words, 0);
        out[words - 1] = last;
        for t in (1..words).rev() {
            out[t - 1] = back[t * n + out[t]] as usize;
        }
    }
}

/// An entity found by the tagger, in byte offsets of the article text.
#[derive(Debug, Clone, PartialEq)]
pub struct Span {
    pub start_byte: usize,
    pub end_byte: usize,
    pub label: String,
    pub score: f32,
}

/// Test input: spans given as (surface, label), each found in `text` after the previous one.
#[cfg(test)]
pub(crate) fn spans_in(text: &str, spans: &[(&str, &str)]) -> Vec<Span> {
    let mut from = 0;
    spans
        .iter()
        .map(|(surface, label)| {
            let start = from
                + text[from..]
                    .find(surface)
                    .unwrap_or_else(|| panic!("{surface} in text"));
            from = start + surface.len();
            Span {
                start_byte: start,
                end_byte: from,
                label: label.to_string(),
                score: 0.9,
            }
        })
        .collect()
}

/// Reusable buffers for [`decode`], so the hot loop does not allocate per article.
#[derive(Default)]
pub struct Decoder {
    logp: Vec<f32>,
    prob: Vec<f32>,
    fresh: Vec<bool>,
    path: Vec<usize>,
    word_tokens: Vec<(usize, usize)>,
}

impl Decoder {
    /// `scores[t]` are the raw logits of token `t` of `enc` (article-level, windows reconciled).
    /// An entity never spans a line break.
    pub fn decode(&mut self, labels: &LabelSet, text: &str, enc: &Encoded, scores: &[f32]) -> Vec<Span> {
        let n = labels.len();
        // group tokens into words: (first token, last token)
        self.word_tokens.clear();
        for t in 0..enc.len() {
            match self.word_tokens.last_mut() {
                Some((first, last)) if enc.words[*first] == enc.words[t] && *last + 1 == t => *last = t,
                _ => self.word_tokens.push((t, t)),
            }
        }
        self.logp.clear();
        for &(first, _) in &self.word_tokens {
            let row = &scores[first * n..first * n + n];
            let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
            let lse = max + row.iter().map(|&x| (x - max).exp()).sum::<f32>().ln();
            self.logp.extend(row.iter().map(|&x| x - lse));
        }
        self.fresh.clear();
        let mut prev_end = 0;
        for &(first, last) in &self.word_tokens {
            let gap = &text.as_bytes()[prev_end.min(enc.offsets[first].0)..enc.offsets[first].0];
            self.fresh.push(gap.iter().any(|&b| b == b'\n' || b == b'\r'));
            prev_end = enc.offsets[last].1;
        }
        labels.viterbi(&self.logp, &self.fresh, &mut self.path);
        self.prob.clear();
        self.prob
            .extend(self.path.iter().enumerate().map(|(w, &l)| self.logp[w * n + l].exp()));

        let mut spans = Vec::new();
        let mut open: Option<(usize, usize)> = None; // (first word, label index)
        let close = |open: (usize, usize), end_word: usize, spans: &mut Vec<Span>, this: &Self| {
            let (w0, l) = open;
            let start_byte = enc.offsets[this.word_tokens[w0].0].0;
            let end_byte = enc.offsets[this.word_tokens[end_word - 1].1].1;
            let label = labels.types[l].clone().unwrap_or_default();
            let score = this.prob[w0..end_word].iter().sum::<f32>() / (end_word - w0) as f32;
            spans.push(Span {
                start_byte,
                end_byte,
                label,
                score,
            });
        };
        for w in 0..self.path.len() {
            let l = self.path[w];
            let continues = labels.inside[l] && open.is_some_and(|(_, ol)| labels.types[ol] == labels.types[l]);
            if !continues {
                if let Some(o) = open.take() {
                    close(o, w, &mut spans, self);
                }
                if labels.types[l].is_some() {
                    open = Some((w, l));
                }
            }
        }
        if let Some(o) = open {
            close(o, self.path.len(), &mut spans, self);
        }
        spans
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels() -> LabelSet {
        LabelSet::new(["O", "B-PER", "I-PER", "B-LOC", "I-LOC"].map(String::from).to_vec())
    }

    #[test]
    fn viterbi_never_starts_or_continues_wrongly() {
        let ls = labels();
        let p = |v: [f32; 5]| v.map(|x| (x + 1e-6f32).ln());
        // argmax would give I-PER, I-LOC: invalid; best valid path is B-PER I-PER
        let logp: Vec<f32> = [p([0.1, 0.3, 0.4, 0.1, 0.1]), p([0.1, 0.1, 0.35, 0.05, 0.4])].concat();
        let mut out = Vec::new();
        ls.viterbi(&logp, &[false, false], &mut out);
        assert_eq!(out, [1, 2]);
        // after a line break the second word may not continue the entity
        ls.viterbi(&logp, &[false, true], &mut out);
        assert_eq!(out, [1, 0]);
    }

    #[test]
    fn words_take_first_subword_and_spans_cover_whole_words() {
        // "Aamir Khan visited Islamabad": tokens aa ##mir khan visited islamabad
        let text = "Aamir Khan visited Islamabad";
        let enc = Encoded {
            ids: vec![1, 2, 3, 4, 5],
            shapes: vec![2, 1, 2, 1, 2],
            offsets: vec![(0, 2), (2, 5), (6, 10), (11, 18), (19, 28)],
            words: vec![0, 0, 1, 2, 3],
        };
        let hi = |j: usize| -> [f32; 5] {
            let mut r = [0.0; 5];
            r[j] = 10.0;
            r
        };
        // the second subword says O, but the word follows its first subword
        let scores: Vec<f32> = [hi(1), hi(0), hi(2), hi(0), hi(3)].concat();
        let spans = Decoder::default().decode(&labels(), text, &enc, &scores);
        let got: Vec<_> = spans
            .iter()
            .map(|s| (&text[s.start_byte..s.end_byte], s.label.as_str()))
            .collect();
        assert_eq!(got, [("Aamir Khan", "PER"), ("Islamabad", "LOC")]);
        assert!(spans.iter().all(|s| s.score > 0.99 && s.score <= 1.0));
    }
}
