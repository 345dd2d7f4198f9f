//! Stances: for each article, every (actor, target, stance) with the sentence that shows it.
//!
//! 1. [`crate::text::sentences`] splits the text; [`attribution`] finds each sentence's speakers.
//! 2. [`encoder`] embeds the attributed sentences (all-MiniLM-L6-v2, mean-pooled, unit length)
//!    in length-sorted batches; the targets' descriptions and exemplars were embedded at start.
//! 3. A sentence takes its most similar target when the cosine (the best of the target's
//!    description and exemplars) reaches `threshold`, and any target whose keywords occur in it
//!    (the lexical signal) when the cosine reaches the lower `keyword_threshold`; at most
//!    `max_targets` per sentence, keyword hits first, then by cosine. A sentence that restates the one before ("This was echoed by Canada")
//!    takes that one's targets and stances (unless it has its own, or an opposition cue of its own).
//!    `--stance-signals` turns either signal off, to measure each.
//! 4. [`polarity`] reads support / oppose / neutral from cues in the clause naming the target.
//! 5. One stance per (actor, target) per article: the strongest evidence (a keyword first, then
//!    the cosine), earliest on ties.
//!
//! The thresholds come from `models/stance/config.json` (how they were set is written there).

pub mod attribution;
pub mod cues;
pub mod encoder;
pub mod polarity;
pub mod targets;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use serde::Deserialize;

use crate::actors::Linked;
use crate::error::{Error, Result};
use attribution::{Attributor, Statement};
use cues::Cues;
use encoder::{cosine, SentenceEncoder};
pub use polarity::Polarity;
use targets::{match_words, Target};

/// Which signals decide a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Signals {
    /// The encoder's cosine, with keywords lowering the bar.
    #[default]
    Both,
    /// The encoder's cosine alone.
    Model,
    /// Keywords alone.
    Lexical,
}

/// Decision settings (`models/stance/config.json`, overridable from the command line).
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
pub struct Params {
    pub threshold: f32,
    pub keyword_threshold: f32,
    pub max_targets: usize,
    #[serde(skip)]
    pub signals: Signals,
}

/// `models/stance/config.json`, or `$CYBERSTANCE_STANCE_CONFIG`.
pub fn default_config() -> PathBuf {
    crate::config::shipped("CYBERSTANCE_STANCE_CONFIG", "models/stance/config.json")
}

impl Params {
    pub fn load(path: &Path) -> Result<Params> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::Read {
            path: path.to_path_buf(),
            source: e,
        })?;
        serde_json::from_str(&text).map_err(|e| Error::Parse {
            path: path.to_path_buf(),
            line: e.line(),
            message: e.to_string(),
        })
    }
}

/// One stance found in an article.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    /// Index into [`Linked::actors`].
    pub actor: usize,
    /// Index into the targets.
    pub target: usize,
    pub polarity: Polarity,
    /// Cosine between the evidence and the target.
    pub score: f32,
    /// A keyword of the target occurs in the evidence.
    pub keyword: bool,
    /// Byte span of the evidence sentence.
    pub evidence: (usize, usize),
}

/// A target a statement takes, before speakers are attached.
#[derive(Debug, Clone, Copy)]
struct Take {
    target: usize,
    score: f32,
    keyword: bool,
}

/// The stance stage: the encoder (one owner) and the rules (shared by the worker threads).
pub struct Stancer {
    encoder: SentenceEncoder,
    pub rules: Rules,
}

/// Targets, their embeddings, cues and settings: everything but the model.
pub struct Rules {
    pub targets: Vec<Target>,
    cues: Cues,
    /// Per target: the embeddings of its description and exemplars.
    target_vectors: Vec<Vec<Vec<f32>>>,
    pub params: Params,
}

impl Stancer {
    /// Embeds the targets once.
    pub fn new(targets: Vec<Target>, cues: Cues, mut encoder: SentenceEncoder, params: Params) -> Result<Self> {
        let texts: Vec<&str> = targets.iter().flat_map(Target::texts).collect();
        let mut vectors = encoder.embed(&texts)?.into_iter();
        let target_vectors = targets
            .iter()
            .map(|t| vectors.by_ref().take(t.texts().count()).collect())
            .collect();
        Ok(Stancer {
            encoder,
            rules: Rules {
                targets,
                cues,
                target_vectors,
                params,
            },
        })
    }

    pub fn backend_name(&self) -> &'static str {
        self.encoder.backend_name()
    }

    /// The stances of each article of a chunk, in order.
    pub fn run(&mut self, docs: &[(&str, &Linked)]) -> Result<Vec<Vec<Found>>> {
        let statements = self.rules.attribute(docs);
        let texts: Vec<&str> = docs
            .iter()
            .zip(&statements)
            .flat_map(|((text, _), st)| st.iter().map(move |s| &text[s.span.0..s.span.1]))
            .collect();
        let vectors = if self.rules.params.signals == Signals::Lexical {
            Vec::new()
        } else {
            self.encoder.embed(&texts)?
        };
        let mut offset = 0;
        let mut starts = Vec::with_capacity(docs.len());
        for st in &statements {
            starts.push(offset);
            offset += st.len();
        }
        let rules = &self.rules;
        Ok(docs
            .par_iter()
            .zip(&statements)
            .zip(starts)
            .map(|(((text, _), st), first)| {
                let vectors = vectors.get(first..first + st.len()).unwrap_or(&[]);
                rules.article(text, st, vectors)
            })
            .collect())
    }
}

impl Rules {
    /// The statements of each article (sentences with their speakers).
    pub fn attribute(&self, docs: &[(&str, &Linked)]) -> Vec<Vec<Statement>> {
        let attributor = Attributor { cues: &self.cues };
        docs.par_iter()
            .map(|(text, linked)| {
                let sentences = crate::text::sentences(text, &self.cues.abbreviation);
                attributor.statements(text, &sentences, linked)
            })
            .collect()
    }

    /// Targets of one statement.
    fn takes(&self, sentence: &str, vector: Option<&Vec<f32>>) -> Vec<Take> {
        let words = match_words(sentence);
        let p = &self.params;
        let scores: Vec<f32> = (0..self.targets.len())
            .map(|t| {
                vector.map_or(0.0, |v| {
                    self.target_vectors[t]
                        .iter()
                        .map(|tv| cosine(v, tv))
                        .fold(f32::MIN, f32::max)
                })
            })
            .collect();
        // the model alone vouches for its best target only; keywords can add others
        let best = (0..scores.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b]));
        let mut takes: Vec<Take> = self
            .targets
            .iter()
            .enumerate()
            .filter_map(|(t, target)| {
                let score = scores[t];
                let keyword = p.signals != Signals::Model && target.keyword_in(&words);
                let model = Some(t) == best && score >= p.threshold;
                let take = match p.signals {
                    Signals::Both => model || (keyword && score >= p.keyword_threshold),
                    Signals::Model => model,
                    Signals::Lexical => keyword,
                };
                take.then_some(Take {
                    target: t,
                    score,
                    keyword,
                })
            })
            .collect();
        takes.sort_by(|a, b| b.keyword.cmp(&a.keyword).then(b.score.total_cmp(&a.score)));
        takes.truncate(p.max_targets);
        takes
    }

    /// Polarity toward a target: from the cues near its keyword in its clause, else from the
    /// whole sentence.
    fn polarity(&self, text: &str, span: (usize, usize), target: usize) -> Polarity {
        for (s, e) in polarity::clauses(text, span) {
            let words = match_words(&text[s..e]);
            if let Some(at) = self.targets[target].keyword_at(&words) {
                let words: Vec<&str> = words.iter().map(String::as_str).collect();
                return polarity::near(&words, at, &self.cues);
            }
        }
        let words = match_words(&text[span.0..span.1]);
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        polarity::of_words(&words, &self.cues)
    }

    fn article(&self, text: &str, statements: &[Statement], vectors: &[Vec<f32>]) -> Vec<Found> {
        // each statement's targets with their polarity
        let mut decided: Vec<Vec<(Take, Polarity)>> = Vec::with_capacity(statements.len());
        let mut out: Vec<Found> = Vec::new();
        let mut index: HashMap<(usize, usize), usize> = HashMap::new();
        for (k, st) in statements.iter().enumerate() {
            let sentence = &text[st.span.0..st.span.1];
            let own = self.takes(sentence, vectors.get(k));
            let mine: Vec<(Take, Polarity)> = match st.restates {
                // a restatement ("This was echoed by Belarus") takes the targets and stances of
                // what it restates, unless it has targets of its own; its own opposition cue wins
                Some(j) if own.is_empty() => {
                    let words = match_words(sentence);
                    let words: Vec<&str> = words.iter().map(String::as_str).collect();
                    let opposes = polarity::of_words(&words, &self.cues) == Polarity::Oppose;
                    decided[j]
                        .iter()
                        .map(|&(t, p)| (t, if opposes { Polarity::Oppose } else { p }))
                        .collect()
                }
                _ => own
                    .into_iter()
                    .map(|t| (t, self.polarity(text, st.span, t.target)))
                    .collect(),
            };
            for &(take, polarity) in &mine {
                for &actor in &st.speakers {
                    let found = Found {
                        actor,
                        target: take.target,
                        polarity,
                        score: take.score,
                        keyword: take.keyword,
                        evidence: st.span,
                    };
                    match index.get(&(actor, take.target)) {
                        Some(&i) if (found.keyword, found.score) > (out[i].keyword, out[i].score) => out[i] = found,
                        Some(_) => {}
                        None => {
                            index.insert((actor, take.target), out.len());
                            out.push(found);
                        }
                    }
                }
            }
            decided.push(mine);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::{gazetteer, Linker};

    /// (actor id, target, polarity) of a text, keywords only (no encoder needed).
    fn stances(text: &str) -> Vec<(String, String, Polarity)> {
        let targets = targets::load(&targets::default_file()).unwrap();
        let n = targets.len();
        let rules = Rules {
            targets,
            cues: Cues::load(&cues::default_file()).unwrap(),
            target_vectors: vec![Vec::new(); n],
            params: Params {
                threshold: 1.0,
                keyword_threshold: 0.0,
                max_targets: 3,
                signals: Signals::Lexical,
            },
        };
        let linker = Linker::load(&gazetteer::default_dir()).unwrap();
        let linked = linker.link(text, &[]);
        let statements = rules.attribute(&[(text, &linked)]);
        rules
            .article(text, &statements[0], &[])
            .into_iter()
            .map(|f| {
                (
                    linked.actors[f.actor].id.clone(),
                    rules.targets[f.target].key.clone(),
                    f.polarity,
                )
            })
            .collect()
    }

    fn s(actor: &str, target: &str, p: Polarity) -> (String, String, Polarity) {
        (actor.to_string(), target.to_string(), p)
    }

    #[test]
    fn a_restatement_takes_the_stance_it_restates() {
        let got = stances("Russia rejected a legally binding treaty. This was echoed by Belarus.");
        assert_eq!(
            got,
            [
                s("RUS", "binding_instrument", Polarity::Oppose),
                s("BLR", "binding_instrument", Polarity::Oppose)
            ]
        );
    }

    #[test]
    fn one_stance_per_actor_and_target_and_threats_are_opposed_in_support() {
        let got = stances(
            "Chile said attacks on hospitals are unacceptable. Chile also stressed critical infrastructure. \
             Kenya said ransomware attacks undermine development. Estonia was attacked by ransomware.",
        );
        assert_eq!(
            got,
            [
                s("CHL", "critical_infrastructure_protection", Polarity::Support),
                s("KEN", "ransomware_threat", Polarity::Support)
            ]
        );
    }
}
