//! The annotate pipeline: tokenize (rayon) -> windows -> length-sorted batches -> backend ->
//! window reconciliation -> entity decoding (rayon). [`Annotator::tag`] works on a chunk of
//! articles; [`crate::annotate`] streams a corpus through it chunk by chunk.

use crate::text::Text;
use rayon::prelude::*;

use crate::backend::{ModelInputs, Pool};
use crate::config::ModelDir;
use crate::error::{Result, TokenizerError};
use crate::ner::{Decoder, LabelSet, Span};
use crate::record::ModelInfo;
use crate::tokenize::{plan_sentence_windows, plan_windows, Encoded, TextTokenizer, Window};

/// How the pipeline runs (not what it computes): batch size and window overlap.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Windows per model call.
    pub batch_size: usize,
    /// Tokens shared by consecutive windows of a long sentence (of a long article, with
    /// [`Windows::Sliding`]).
    pub stride: usize,
    pub windows: Windows,
}

/// How an article is cut into model windows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Windows {
    /// Whole sentences packed into windows, as the model was trained: each token runs once.
    #[default]
    Sentences,
    /// Windows sliding over the article, overlapping by the stride; each token is taken from the
    /// window where it sits furthest from an edge.
    Sliding,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions {
            batch_size: 32,
            stride: 32,
            windows: Windows::default(),
        }
    }
}

/// Tagging output for one article of a chunk.
pub struct Tagged {
    pub spans: Vec<Span>,
    pub tokens: usize,
}

/// The model with its tokenizer and labels, warm and reused across chunks.
pub struct Annotator {
    tokenizer: TextTokenizer,
    pool: Pool,
    labels: LabelSet,
    /// Tokens per window, without [CLS]/[SEP].
    content: usize,
    options: RunOptions,
    /// Abbreviations that do not end a sentence, for [`Windows::Sentences`].
    abbreviations: std::collections::HashSet<String>,
    pub model: ModelInfo,
}

impl Annotator {
    pub fn new(model: &ModelDir, pool: Pool, options: RunOptions) -> Result<Self> {
        let tokenizer = TextTokenizer::from_file(&model.tokenizer())?;
        let content = model.config.max_len - 2;
        if options.stride >= content {
            return Err(crate::error::Error::Option {
                option: "--stride".into(),
                message: format!("must be below the window of {content} tokens"),
            });
        }
        let info = ModelInfo {
            name: model.config.name.clone(),
            version: model.config.version.clone(),
            backend: pool.name().to_string(),
            run: None,
        };
        Ok(Annotator {
            tokenizer,
            pool,
            labels: LabelSet::new(model.labels.clone()),
            content,
            options: RunOptions {
                batch_size: options.batch_size.max(1),
                ..options
            },
            abbreviations: Default::default(),
            model: info,
        })
    }

    /// Abbreviations that do not end a sentence ("U.S.", "Ms."), for [`Windows::Sentences`].
    pub fn with_abbreviations(mut self, abbreviations: std::collections::HashSet<String>) -> Self {
        self.abbreviations = abbreviations;
        self
    }

    /// Tags a chunk of texts. The outer error is a backend failure (the run stops); an inner one
    /// is a text the tokenizer rejected (that article fails, the others go on).
    pub fn tag(&mut self, texts: &[&str]) -> Result<Vec<std::result::Result<Tagged, TokenizerError>>> {
        let abbreviations = &self.abbreviations;
        let split: Vec<Text> = texts.par_iter().map(|t| Text::new(t, abbreviations)).collect();
        self.tag_texts(&split.iter().collect::<Vec<_>>())
    }

    /// The abbreviations that end no sentence: split an article's [`Text`] with them for
    /// [`Annotator::tag_texts`].
    pub fn abbreviations(&self) -> &std::collections::HashSet<String> {
        &self.abbreviations
    }

    /// [`Annotator::tag`] over text layers already split (with [`Annotator::abbreviations`]).
    pub fn tag_texts(&mut self, texts: &[&Text]) -> Result<Vec<std::result::Result<Tagged, TokenizerError>>> {
        let encoded: Vec<std::result::Result<Encoded, TokenizerError>> =
            texts.par_iter().map(|t| self.tokenizer.encode(t.text)).collect();

        // every window of every article, sorted by length so that batches carry little padding
        let mut items: Vec<(usize, Window)> = Vec::new();
        let plans: Vec<Vec<Window>> = encoded
            .par_iter()
            .zip(texts.par_iter())
            .map(|(enc, text)| match enc {
                Ok(enc) if self.options.windows == Windows::Sentences => {
                    let starts: Vec<usize> = text
                        .sentences
                        .iter()
                        .map(|&(s, _)| enc.offsets.partition_point(|o| o.0 < s))
                        .collect();
                    plan_sentence_windows(&starts, enc.len(), self.content, self.options.stride)
                }
                Ok(enc) => plan_windows(enc.len(), self.content, self.options.stride),
                Err(_) => Vec::new(),
            })
            .collect();
        for (a, plan) in plans.into_iter().enumerate() {
            items.extend(plan.into_iter().map(|w| (a, w)));
        }
        items.sort_by_key(|(a, w)| (w.end - w.start, *a, w.start));

        let width = self.labels.len();
        let batches: Vec<&[(usize, Window)]> = items.chunks(self.options.batch_size).collect();
        let tokenizer = &self.tokenizer;
        let encoded_ref = &encoded;
        // each batch's kept scores, reduced on the worker that ran it
        let results = self.pool.run(
            batches.len(),
            |b| {
                let batch = batches[b];
                let seq = batch.iter().map(|(_, w)| w.end - w.start).max().unwrap_or(0) + 2;
                let mut x = ModelInputs::zeros(batch.len(), seq, tokenizer.pad as i64);
                for (row, (a, w)) in batch.iter().enumerate() {
                    let Ok(enc) = &encoded_ref[*a] else { continue };
                    let (ids, shapes) = (&enc.ids[w.start..w.end], &enc.shapes[w.start..w.end]);
                    x.set_row(row, ids, shapes, tokenizer.cls, tokenizer.sep);
                }
                x
            },
            |b, out| {
                out.expect_width(width)?;
                // (article, first kept token, scores of the kept tokens)
                Ok(batches[b]
                    .iter()
                    .enumerate()
                    .map(|(row, (a, w))| {
                        let first = 1 + w.keep_start - w.start;
                        let last = 1 + w.keep_end - w.start;
                        let kept: Vec<f32> = (first..last).flat_map(|pos| out.at(row, pos).iter().copied()).collect();
                        (*a, w.keep_start, kept)
                    })
                    .collect::<Vec<_>>())
            },
        )?;
        let mut scores: Vec<Vec<f32>> = encoded
            .iter()
            .map(|e| vec![0f32; e.as_ref().map_or(0, |e| e.len() * width)])
            .collect();
        for batch in results {
            for (a, keep_start, kept) in batch {
                scores[a][keep_start * width..keep_start * width + kept.len()].copy_from_slice(&kept);
            }
        }

        let labels = &self.labels;
        Ok(encoded
            .into_par_iter()
            .zip(scores.par_iter())
            .zip(texts.par_iter())
            .map_init(Decoder::default, |dec, ((enc, sc), text)| {
                let enc = enc?;
                Ok(Tagged {
                    spans: dec.decode(labels, text.text, &enc, sc),
                    tokens: enc.len(),
                })
            })
            .collect())
    }
}
