//! Stances: for each article, every (actor, target, stance) with the sentence that shows it.
//!
//! 1. [`crate::text::sentences`] splits the text; [`attribution`] finds each sentence's speakers.
//! 2. [`encoder`] embeds the attributed sentences that need it (all-MiniLM-L6-v2, mean-pooled,
//!    unit length); the targets' descriptions and exemplars were embedded at start.
//! 3. A sentence takes every target whose keywords occur in it (the lexical signal). A sentence
//!    with no keyword of any target is embedded (the encoder runs only on those) and takes its
//!    most similar target when the cosine (the best of the target's description and exemplars)
//!    reaches `threshold`. At most `max_targets` per sentence. `--stance-signals both` embeds
//!    every sentence instead: keyword targets then need `keyword_threshold`, and the model's best
//!    target joins them. A sentence that restates the one before ("This was echoed by Canada")
//!    takes that one's targets and stances (unless it has its own, or an opposition cue of its own).
//!    `--stance-signals` turns either signal off, to measure each.
//! 4. [`polarity`] reads support / oppose / neutral from cues in the clause naming the target.
//! 5. One stance per (actor, target) per article: the strongest evidence (a keyword first, then
//!    the cosine), earliest on ties.
//!
//! Why keywords first: on the labelled articles, keywords alone score as well as keywords with
//! the encoder, while embedding every sentence cost as much time as the NER model (seeds x40:
//! 73% of the text is in attributed sentences, 70% of those have a keyword). The encoder is kept
//! for what keywords miss.
//!
//! The thresholds come from `models/stance/config.json` (how they were set is written there).
//! Every word the rules look for is a class of `models/stance/cues.tsv` ([`cues::Cues`], loaded
//! once per run in `app.rs` and passed on): this file hands `abbreviation` (sentences) and
//! `contrast` (clauses) to [`crate::text`]; [`attribution`] and [`polarity`] name the ones they read.

pub mod attribution;
pub mod cues;
pub mod encoder;
pub mod polarity;
pub mod targets;

use crate::text::Text;
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
    /// Keywords where they occur; the encoder's cosine on sentences without any keyword.
    #[default]
    Cascade,
    /// The encoder's cosine on every sentence, with keywords lowering the bar.
    Both,
    /// The encoder's cosine alone.
    Model,
    /// Keywords alone.
    Lexical,
}

impl Signals {
    /// Whether a sentence with these keyword hits (per target) needs its embedding.
    pub fn embeds(self, keywords: &[bool]) -> bool {
        match self {
            Signals::Lexical => false,
            Signals::Cascade => !keywords.contains(&true),
            Signals::Both | Signals::Model => true,
        }
    }
}

/// Decision settings (`models/stance/config.json`, overridable from the command line); unknown
/// keys are errors.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
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
        let text = std::fs::read_to_string(path).map_err(Error::reading(path))?;
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
    /// Cosine between the evidence and the target, when the encoder embedded the evidence.
    pub score: Option<f32>,
    /// A keyword of the target occurs in the evidence.
    pub keyword: bool,
    /// Byte span of the evidence sentence.
    pub evidence: (usize, usize),
}

/// A target a statement takes, before speakers are attached.
#[derive(Debug, Clone, Copy)]
struct Take {
    target: usize,
    score: Option<f32>,
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
    pub fn run(&mut self, docs: &[(&Text, &Linked)]) -> Result<Vec<Vec<Found>>> {
        let statements = self.rules.attribute(docs);
        let keywords: Vec<Vec<Vec<bool>>> = docs
            .par_iter()
            .zip(&statements)
            .map(|((t, _), st)| self.rules.keywords(t.text, st))
            .collect();
        let signals = self.rules.params.signals;
        let wanted = |kw: &Vec<bool>| signals.embeds(kw);
        let texts: Vec<&str> = docs
            .iter()
            .zip(&statements)
            .zip(&keywords)
            .flat_map(|(((t, _), st), kw)| {
                st.iter()
                    .zip(kw)
                    .filter(|(_, kw)| wanted(kw))
                    .map(move |(s, _)| &t.text[s.span.0..s.span.1])
            })
            .collect();
        let mut embedded = self.encoder.embed(&texts)?.into_iter();
        let vectors: Vec<Vec<Option<Vec<f32>>>> = keywords
            .iter()
            .map(|kw| {
                kw.iter()
                    .map(|kw| if wanted(kw) { embedded.next() } else { None })
                    .collect()
            })
            .collect();
        let rules = &self.rules;
        Ok(docs
            .par_iter()
            .zip(&statements)
            .zip(&keywords)
            .zip(&vectors)
            .map(|((((t, _), st), kw), vectors)| rules.article(t.text, st, kw, vectors))
            .collect())
    }
}

impl Rules {
    /// The statements of each article (sentences with their speakers).
    pub fn attribute(&self, docs: &[(&Text, &Linked)]) -> Vec<Vec<Statement>> {
        let attributor = Attributor { cues: &self.cues };
        docs.par_iter()
            .map(|(t, linked)| attributor.statements(t, linked))
            .collect()
    }

    /// Per statement, per target: whether a keyword of the target occurs in the sentence.
    pub fn keywords(&self, text: &str, statements: &[Statement]) -> Vec<Vec<bool>> {
        statements
            .iter()
            .map(|s| {
                let words = match_words(&text[s.span.0..s.span.1]);
                self.targets.iter().map(|t| t.keyword_in(&words)).collect()
            })
            .collect()
    }

    /// Targets of one statement, from its keyword hits and its embedding (if it was embedded).
    fn takes(&self, keywords: &[bool], vector: Option<&Vec<f32>>) -> Vec<Take> {
        let p = &self.params;
        let scores: Vec<Option<f32>> = (0..self.targets.len())
            .map(|t| {
                vector.map(|v| {
                    self.target_vectors[t]
                        .iter()
                        .map(|tv| cosine(v, tv))
                        .fold(f32::MIN, f32::max)
                })
            })
            .collect();
        // the model alone vouches for its best target only; keywords can add others
        let best = (0..scores.len())
            .filter(|&t| scores[t].is_some())
            .max_by(|&a, &b| scores[a].partial_cmp(&scores[b]).unwrap_or(std::cmp::Ordering::Equal));
        let mut takes: Vec<Take> = (0..self.targets.len())
            .filter_map(|t| {
                let score = scores[t];
                let keyword = p.signals != Signals::Model && keywords[t];
                let model = Some(t) == best && score.is_some_and(|s| s >= p.threshold);
                let take = match p.signals {
                    Signals::Cascade => keyword || model,
                    Signals::Both => model || (keyword && score.is_some_and(|s| s >= p.keyword_threshold)),
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
        takes.sort_by(|a, b| {
            b.keyword
                .cmp(&a.keyword)
                .then(b.score.partial_cmp(&a.score).unwrap_or(std::cmp::Ordering::Equal))
        });
        takes.truncate(p.max_targets);
        takes
    }

    /// Polarity toward a target: from the cues near its keyword in its clause, else from the
    /// whole sentence.
    fn polarity(&self, text: &str, span: (usize, usize), target: usize) -> Polarity {
        for (s, e) in crate::text::clauses(text, span, &self.cues.contrast) {
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

    /// The stances of one article, from its statements, their keyword hits ([`Rules::keywords`])
    /// and their embeddings (`None` where the encoder did not run).
    fn article(
        &self,
        text: &str,
        statements: &[Statement],
        keywords: &[Vec<bool>],
        vectors: &[Option<Vec<f32>>],
    ) -> Vec<Found> {
        // each statement's targets with their polarity
        let mut decided: Vec<Vec<(Take, Polarity)>> = Vec::with_capacity(statements.len());
        let mut out: Vec<Found> = Vec::new();
        let mut index: HashMap<(usize, usize), usize> = HashMap::new();
        for (k, st) in statements.iter().enumerate() {
            let sentence = &text[st.span.0..st.span.1];
            let own = self.takes(&keywords[k], vectors.get(k).and_then(Option::as_ref));
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
        let statements = rules.attribute(&[(&Text::new(text, &rules.cues.abbreviation), &linked)]);
        let keywords = rules.keywords(text, &statements[0]);
        rules
            .article(text, &statements[0], &keywords, &[])
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

    #[test]
    fn the_cascade_embeds_only_sentences_without_keywords() {
        assert!(Signals::Cascade.embeds(&[false, false]));
        assert!(!Signals::Cascade.embeds(&[false, true]));
        assert!(Signals::Both.embeds(&[false, true]));
        assert!(Signals::Model.embeds(&[true]));
        assert!(!Signals::Lexical.embeds(&[false]));
    }

    #[test]
    fn in_the_cascade_keywords_decide_and_the_model_decides_where_none_occurs() {
        let targets = targets::load(&targets::default_file()).unwrap();
        let n = targets.len();
        // unit vectors: target t points along axis t
        let axis = |t: usize| (0..n).map(|i| if i == t { 1.0 } else { 0.0 }).collect::<Vec<f32>>();
        let rules = Rules {
            target_vectors: (0..n).map(|t| vec![axis(t)]).collect(),
            targets,
            cues: Cues::load(&cues::default_file()).unwrap(),
            params: Params {
                threshold: 0.7,
                keyword_threshold: 0.0,
                max_targets: 3,
                signals: Signals::Cascade,
            },
        };
        let ci = rules
            .targets
            .iter()
            .position(|t| t.key == "critical_infrastructure_protection")
            .unwrap();
        let cb = rules.targets.iter().position(|t| t.key == "capacity_building").unwrap();
        let text = "Chile said attacks on critical infrastructure are unacceptable. Kenya said it agreed.";
        let linker = Linker::load(&gazetteer::default_dir()).unwrap();
        let linked = linker.link(text, &[]);
        let statements = &rules.attribute(&[(&Text::new(text, &rules.cues.abbreviation), &linked)])[0];
        let keywords = rules.keywords(text, statements);
        assert_eq!(keywords.len(), 2);
        assert!(keywords[0][ci] && !keywords[1].contains(&true));
        // the second sentence has no keyword: its embedding (close to capacity-building) decides
        let mut near_cb = axis(cb);
        near_cb[ci] = 0.3;
        let norm = near_cb.iter().map(|x| x * x).sum::<f32>().sqrt();
        near_cb.iter_mut().for_each(|x| *x /= norm);
        let found = rules.article(text, statements, &keywords, &[None, Some(near_cb)]);
        let got: Vec<(&str, usize, Option<f32>, bool)> = found
            .iter()
            .map(|f| (linked.actors[f.actor].id.as_str(), f.target, f.score, f.keyword))
            .collect();
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0], ("CHL", ci, None, true));
        assert_eq!((got[1].0, got[1].1, got[1].3), ("KEN", cb, false));
        assert!((got[1].2.unwrap() - 1.0 / norm).abs() < 1e-6);
        // below the threshold the model takes nothing
        let found = rules.article(text, statements, &keywords, &[None, Some(vec![0.0; n])]);
        assert_eq!(found.len(), 1);
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
