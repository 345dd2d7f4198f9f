//! Stances: for each article, every (actor, target, stance) with the sentence that shows it.
//!
//! 1. [`crate::text::sentences`] splits the text; [`attribution`] finds each sentence's speakers.
//! 2. With `--stance-signals model`, the trained stance model ([`model`], `models/stance-minilm`)
//!    reads every attributed sentence:
//!    its fine-tuned encoder ([`encoder`], any backend) embeds the sentence, and its head scores the
//!    sentence against every target's description (embedded once, at start) as none / support /
//!    oppose / neutral. A sentence takes the targets whose calibrated probability reaches
//!    `threshold` (the model's, chosen on dev; `--stance-threshold`), at most `max_targets`, most
//!    probable first, each with its most probable polarity. Targets enter only through their
//!    descriptions, so a vocabulary of one's own (`--targets`) needs no retraining.
//! 3. A sentence that restates the one before ("This was echoed by Canada") takes that one's
//!    targets and stances, unless it has its own.
//! 4. One stance per (actor, target) per article: the most probable evidence, earliest on ties.
//!
//! By default (`--stance-signals lexical`) step 2 is the hand-written rules instead: a sentence
//! takes the targets whose keywords occur in it, with the polarity the cues of [`polarity`] give
//! near the keyword, and no model is loaded. They stay the default while the model is only just
//! ahead of them on dev ([`Signals`]).
//!
//! `max_targets` comes from `models/stance/config.json`. Every word the rules look for is a class of
//! `models/stance/cues.tsv` ([`cues::Cues`], loaded once per run in `app.rs` and passed on): this
//! file hands `abbreviation` (sentences) and `contrast` (clauses) to [`crate::text`];
//! [`attribution`] and [`polarity`] name the ones they read.

pub mod attribution;
pub mod cues;
pub mod encoder;
pub mod model;
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
use encoder::SentenceEncoder;
use model::{Head, Verdict};
pub use polarity::Polarity;
use targets::{match_words, Target};

/// What decides a statement's targets and polarity. The rules stay the default until the model
/// clearly beats them on dev: today it is just ahead there (stance triple F1 0.227 against 0.212) and
/// falls well behind on the seeds and synthetic articles the rules were written from (model card).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Signals {
    /// Keywords of the targets and polarity cues (the hand-written rules; no model is loaded).
    #[default]
    Lexical,
    /// The trained stance model, on every attributed sentence.
    Model,
}

/// Decision settings: `max_targets` from `models/stance/config.json` (unknown keys are errors),
/// `threshold` from the stance model's `config.json`, both overridable from the command line.
#[derive(Debug, Clone, Copy, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Params {
    /// The calibrated probability a sentence needs to take a target.
    #[serde(skip)]
    pub threshold: f32,
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
    /// The model's calibrated probability that the evidence takes a position on the target (none
    /// with `--stance-signals lexical`).
    pub score: Option<f32>,
    /// A keyword of the target occurs in the evidence.
    pub keyword: bool,
    /// Byte span of the evidence sentence.
    pub evidence: (usize, usize),
}

/// What the stage finds in one article: its stances, and the attributed sentences they come from.
#[derive(Debug, Clone, Default)]
pub struct ArticleStances {
    pub found: Vec<Found>,
    pub statements: Vec<Statement>,
}

/// A target a statement takes, before speakers are attached.
#[derive(Debug, Clone, Copy)]
struct Take {
    target: usize,
    score: Option<f32>,
    keyword: bool,
    polarity: Polarity,
}

/// The stance stage: the model (one owner; none with `--stance-signals lexical`) and the rules
/// (shared by the worker threads).
pub struct Stancer {
    model: Option<(SentenceEncoder, Head)>,
    pub rules: Rules,
}

/// Targets, their vectors, cues and settings: everything but the model.
pub struct Rules {
    pub targets: Vec<Target>,
    cues: Cues,
    /// Per target: its description's vector from the model's encoder (empty without a model).
    target_vectors: Vec<Vec<f32>>,
    pub params: Params,
}

impl Stancer {
    /// Embeds the targets' descriptions once.
    pub fn new(
        targets: Vec<Target>,
        cues: Cues,
        mut model: Option<(SentenceEncoder, Head)>,
        params: Params,
    ) -> Result<Self> {
        let mut target_vectors = Vec::new();
        if let Some((encoder, head)) = model.as_mut() {
            if encoder.width != head.width() {
                return Err(Error::Model {
                    dir: model::default_dir(),
                    problem: format!(
                        "the encoder gives {} values, the head reads {}",
                        encoder.width,
                        head.width()
                    ),
                });
            }
            let texts: Vec<&str> = targets.iter().map(|t| t.description.as_str()).collect();
            target_vectors = encoder.embed(&texts)?;
        }
        Ok(Stancer {
            model,
            rules: Rules {
                targets,
                cues,
                target_vectors,
                params,
            },
        })
    }

    pub fn backend_name(&self) -> &'static str {
        self.model.as_ref().map_or("none", |(e, _)| e.backend_name())
    }

    /// The stances (and statements) of each article of a chunk, in order.
    pub fn run(&mut self, docs: &[(&Text, &Linked)]) -> Result<Vec<ArticleStances>> {
        let statements = self.rules.attribute(docs);
        let keywords: Vec<Vec<Vec<bool>>> = docs
            .par_iter()
            .zip(&statements)
            .map(|((t, _), st)| self.rules.keywords(t.text, st))
            .collect();
        // the model's verdicts on every target, for every statement of every article
        let mut verdicts: Vec<Vec<Vec<Verdict>>> = vec![Vec::new(); docs.len()];
        if let Some((encoder, head)) = self.model.as_mut() {
            let texts: Vec<&str> = docs
                .iter()
                .zip(&statements)
                .flat_map(|((t, _), st)| st.iter().map(|s| &t.text[s.span.0..s.span.1]))
                .collect();
            let vectors = encoder.embed(&texts)?;
            let targets = &self.rules.target_vectors;
            let hits = keywords.iter().flatten();
            let mut all: Vec<Vec<Verdict>> = vectors
                .par_iter()
                .zip(hits.collect::<Vec<_>>())
                .map(|(u, k)| head.verdicts(u, targets, k))
                .collect();
            for (v, st) in verdicts.iter_mut().zip(&statements) {
                let rest = all.split_off(st.len());
                *v = std::mem::replace(&mut all, rest);
            }
        }
        let rules = &self.rules;
        let found: Vec<Vec<Found>> = docs
            .par_iter()
            .zip(&statements)
            .zip(&keywords)
            .zip(&verdicts)
            .map(|((((t, _), st), kw), verdicts)| rules.article(t.text, st, kw, verdicts))
            .collect();
        Ok(found
            .into_iter()
            .zip(statements)
            .map(|(found, statements)| ArticleStances { found, statements })
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
            .map(|s| self.keywords_in(&text[s.span.0..s.span.1]))
            .collect()
    }

    /// Per target: whether a keyword of the target occurs in `sentence`.
    pub fn keywords_in(&self, sentence: &str) -> Vec<bool> {
        let words = match_words(sentence);
        self.targets.iter().map(|t| t.keyword_in(&words)).collect()
    }

    /// Targets of one statement: from the model's verdicts when there are any, else from its
    /// keyword hits with the polarity cues.
    fn takes(&self, text: &str, span: (usize, usize), keywords: &[bool], verdicts: Option<&[Verdict]>) -> Vec<Take> {
        let p = &self.params;
        let mut takes: Vec<Take> = match verdicts {
            Some(verdicts) => verdicts
                .iter()
                .enumerate()
                .filter(|(_, v)| v.score >= p.threshold)
                .map(|(t, v)| Take {
                    target: t,
                    score: Some(v.score),
                    keyword: keywords[t],
                    polarity: v.polarity,
                })
                .collect(),
            None => (0..self.targets.len())
                .filter(|&t| keywords[t])
                .map(|t| Take {
                    target: t,
                    score: None,
                    keyword: true,
                    polarity: self.polarity(text, span, t),
                })
                .collect(),
        };
        // most probable first (stable: target order on ties and without a model)
        takes.sort_by(|a, b| b.score.partial_cmp(&a.score).unwrap_or(std::cmp::Ordering::Equal));
        takes.truncate(p.max_targets);
        takes
    }

    /// Polarity toward a target from the cues (lexical rules): near its keyword in its clause,
    /// else from the whole sentence.
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
    /// and the model's verdicts (empty without a model).
    fn article(
        &self,
        text: &str,
        statements: &[Statement],
        keywords: &[Vec<bool>],
        verdicts: &[Vec<Verdict>],
    ) -> Vec<Found> {
        // each statement's targets
        let mut decided: Vec<Vec<Take>> = Vec::with_capacity(statements.len());
        let mut out: Vec<Found> = Vec::new();
        let mut index: HashMap<(usize, usize), usize> = HashMap::new();
        for (k, st) in statements.iter().enumerate() {
            let own = self.takes(text, st.span, &keywords[k], verdicts.get(k).map(Vec::as_slice));
            let mine: Vec<Take> = match st.restates {
                // a restatement ("This was echoed by Belarus") takes the targets and stances of
                // what it restates, unless it has targets of its own; its own opposition cue wins
                Some(j) if own.is_empty() => {
                    let words = match_words(&text[st.span.0..st.span.1]);
                    let words: Vec<&str> = words.iter().map(String::as_str).collect();
                    let opposes = polarity::of_words(&words, &self.cues) == Polarity::Oppose;
                    decided[j]
                        .iter()
                        .map(|&t| Take {
                            polarity: if opposes { Polarity::Oppose } else { t.polarity },
                            ..t
                        })
                        .collect()
                }
                _ => own,
            };
            for take in &mine {
                for &actor in &st.speakers {
                    let found = Found {
                        actor,
                        target: take.target,
                        polarity: take.polarity,
                        score: take.score,
                        keyword: take.keyword,
                        evidence: st.span,
                    };
                    match index.get(&(actor, take.target)) {
                        Some(&i) if (found.score, found.keyword) > (out[i].score, out[i].keyword) => out[i] = found,
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
        let rules = rules(Signals::Lexical);
        let (linked, statements, keywords) = attributed(&rules, text);
        rules
            .article(text, &statements, &keywords, &[])
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

    fn rules(signals: Signals) -> Rules {
        Rules {
            targets: targets::load(&targets::default_file()).unwrap(),
            cues: Cues::load(&cues::default_file()).unwrap(),
            target_vectors: Vec::new(),
            params: Params {
                threshold: 0.5,
                max_targets: 2,
                signals,
            },
        }
    }

    /// A text's actors, statements and keyword hits.
    fn attributed(rules: &Rules, text: &str) -> (Linked, Vec<Statement>, Vec<Vec<bool>>) {
        let linker = Linker::load(&gazetteer::default_dir()).unwrap();
        let linked = linker.link(text, &[]);
        let statements = rules
            .attribute(&[(&Text::new(text, &rules.cues.abbreviation), &linked)])
            .remove(0);
        let keywords = rules.keywords(text, &statements);
        (linked, statements, keywords)
    }

    #[test]
    fn the_models_verdicts_decide_targets_and_polarity_above_the_threshold() {
        let rules = rules(Signals::Model);
        let n = rules.targets.len();
        let text = "Chile said attacks on critical infrastructure are unacceptable. Kenya said it disagreed.";
        let (linked, statements, keywords) = attributed(&rules, text);
        let statements = &statements;
        assert_eq!(statements.len(), 2);
        let verdict = |score: f32, polarity: Polarity| Verdict { score, polarity };
        let mut first = vec![verdict(0.1, Polarity::Support); n];
        let mut second = first.clone();
        // first sentence: three targets above the threshold, at most two kept, most probable first;
        // the model's polarity, not the cues'
        first[3] = verdict(0.6, Polarity::Support);
        first[5] = verdict(0.9, Polarity::Neutral);
        first[7] = verdict(0.7, Polarity::Oppose);
        // second sentence (no keyword of the target): the model alone decides it
        second[9] = verdict(0.55, Polarity::Oppose);
        let found = rules.article(text, statements, &keywords, &[first, second]);
        let got: Vec<(&str, usize, Polarity, Option<f32>)> = found
            .iter()
            .map(|f| (linked.actors[f.actor].id.as_str(), f.target, f.polarity, f.score))
            .collect();
        assert_eq!(
            got,
            [
                ("CHL", 5, Polarity::Neutral, Some(0.9)),
                ("CHL", 7, Polarity::Oppose, Some(0.7)),
                ("KEN", 9, Polarity::Oppose, Some(0.55)),
            ]
        );
        // below the threshold nothing is taken, keywords or not
        let low = vec![verdict(0.49, Polarity::Support); n];
        assert!(rules
            .article(text, statements, &keywords, &[low.clone(), low])
            .is_empty());
    }

    #[test]
    fn the_most_probable_evidence_wins_for_an_actor_and_target() {
        let rules = rules(Signals::Model);
        let n = rules.targets.len();
        let text = "Chile said the treaty matters. Chile said the treaty matters greatly.";
        let (_, statements, keywords) = attributed(&rules, text);
        let statements = &statements;
        let mut a = vec![
            Verdict {
                score: 0.0,
                polarity: Polarity::Support
            };
            n
        ];
        let mut b = a.clone();
        a[0] = Verdict {
            score: 0.6,
            polarity: Polarity::Support,
        };
        b[0] = Verdict {
            score: 0.8,
            polarity: Polarity::Oppose,
        };
        let found = rules.article(text, statements, &keywords, &[a, b]);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].polarity, found[0].evidence),
            (Polarity::Oppose, statements[1].span)
        );
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
