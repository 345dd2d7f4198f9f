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
//! With `--stance-decision links` (the default with the model; [`Decision`]) steps 3 and 4 give way
//! to a learned decision of who takes a sentence's targets ([`links`]): every sentence is read,
//! linked to the actors that could be speaking in it, and a pair (actor, target) is kept when its
//! best link probability times the sentence's relevance to the target reaches the threshold of
//! `models/stance/links.json`; its polarity is step 4's when the rules found the pair too.
//!
//! By default (`--stance-signals lexical`) step 2 is the hand-written rules instead: a sentence
//! takes the targets whose keywords occur in it, with the polarity the cues of [`polarity`] give
//! near the keyword, and no model is loaded. They stay the default ([`Signals`]).
//!
//! `max_targets` comes from `models/stance/config.json`. Every word the rules look for is a class of
//! `models/stance/cues.tsv` ([`cues::Cues`], loaded once per run in `app.rs` and passed on): this
//! file hands `abbreviation` (sentences) and `contrast` (clauses) to [`crate::text`];
//! [`attribution`] and [`polarity`] name the ones they read.

pub mod attribution;
pub mod cues;
pub mod encoder;
pub mod links;
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
use attribution::{Attributed, Attributor, Statement};
use cues::Cues;
use encoder::SentenceEncoder;
use links::{Link, LinkModel};
use model::{Head, Verdict};
pub use polarity::Polarity;
use targets::{match_words, Target};

/// What decides a statement's targets and polarity. The rules stay the default: with the learned
/// links the model leads them on the domain corpus's dev split (stance triple F1 0.285 against
/// 0.212) but not on the seed articles the rules were written from, whose gate stays (0.700 against
/// 0.786; model card).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Signals {
    /// Keywords of the targets and polarity cues (the hand-written rules; no model is loaded).
    #[default]
    Lexical,
    /// The trained stance model, on every attributed sentence.
    Model,
}

/// Who takes a sentence's targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Decision {
    /// The speakers the attribution rules find in the sentence (the default with the rules).
    #[default]
    Sentences,
    /// The actors the learned link model (`models/stance/links.json`) finds likely to speak in
    /// the sentence ([`links`]; the default with the stance model).
    Links,
}

impl Decision {
    /// The decision that goes with `signals` when none is asked for: the learned links with the
    /// stance model, where they win on every corpus measured; the rules' speakers with the rules,
    /// where the links win on the domain corpus but lose on the seed articles (model card).
    pub fn default_for(signals: Signals) -> Decision {
        match signals {
            Signals::Lexical => Decision::Sentences,
            Signals::Model => Decision::Links,
        }
    }
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
    #[serde(skip)]
    pub decision: Decision,
    /// Keep every link weighed, with its features, and every sentence's targets (`annotate
    /// --statements`), even when the links do not decide.
    #[serde(skip)]
    pub keep_links: bool,
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
    /// The links of actors to sentences the learned decision weighed, with their features and
    /// scores (none unless it runs or `--statements` asks for them).
    pub links: Vec<Link>,
    /// Per sentence (with the learned decision or `--statements`): the targets it takes, each with
    /// its relevance (1 for the rules' keyword hits, else the stance model's calibrated score).
    pub takes: links::Takes,
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
    /// The link model (none with `--stance-decision sentences`).
    link_model: Option<LinkModel>,
}

impl Stancer {
    /// Embeds the targets' descriptions once.
    pub fn new(
        targets: Vec<Target>,
        cues: Cues,
        mut model: Option<(SentenceEncoder, Head)>,
        params: Params,
        link_model: Option<LinkModel>,
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
                link_model,
            },
        })
    }

    pub fn backend_name(&self) -> &'static str {
        self.model.as_ref().map_or("none", |(e, _)| e.backend_name())
    }

    /// The stances (and statements) of each article of a chunk, in order.
    pub fn run(&mut self, docs: &[(&Text, &Linked)]) -> Result<Vec<ArticleStances>> {
        let attributed = self.rules.attribute(docs);
        // the sentences read: every sentence when the links are weighed, else the statements
        let whole = self.rules.link_model.is_some() || self.rules.params.keep_links;
        let spans: Vec<Vec<(usize, usize)>> = docs
            .iter()
            .zip(&attributed)
            .map(|((t, _), a)| match whole {
                true => t.sentences.clone(),
                false => a.statements.iter().map(|s| s.span).collect(),
            })
            .collect();
        let keywords: Vec<Vec<Vec<bool>>> = docs
            .par_iter()
            .zip(&spans)
            .map(|((t, _), spans)| self.rules.keywords(t.text, spans))
            .collect();
        // the model's verdicts on every target, for every sentence read of every article
        let mut verdicts: Vec<Vec<Vec<Verdict>>> = vec![Vec::new(); docs.len()];
        if let Some((encoder, head)) = self.model.as_mut() {
            let texts: Vec<&str> = docs
                .iter()
                .zip(&spans)
                .flat_map(|((t, _), spans)| spans.iter().map(|&(s, e)| &t.text[s..e]))
                .collect();
            let vectors = encoder.embed(&texts)?;
            let targets = &self.rules.target_vectors;
            let hits = keywords.iter().flatten();
            let mut all: Vec<Vec<Verdict>> = vectors
                .par_iter()
                .zip(hits.collect::<Vec<_>>())
                .map(|(u, k)| head.verdicts(u, targets, k))
                .collect();
            for (v, spans) in verdicts.iter_mut().zip(&spans) {
                let rest = all.split_off(spans.len());
                *v = std::mem::replace(&mut all, rest);
            }
        }
        let rules = &self.rules;
        Ok(docs
            .par_iter()
            .zip(attributed)
            .zip(&spans)
            .zip(&keywords)
            .zip(&verdicts)
            .map(|(((((t, linked), attributed), spans), kw), verdicts)| {
                let read = Read {
                    spans,
                    keywords: kw,
                    verdicts,
                };
                let (found, decided) = rules.article_and_takes(t.text, &attributed.statements, &read);
                let (found, links, takes) = match whole {
                    true => rules.decide(t, linked, &attributed, found, &decided, &read),
                    false => (found, Vec::new(), Vec::new()),
                };
                ArticleStances {
                    found,
                    statements: attributed.statements,
                    links,
                    takes,
                }
            })
            .collect())
    }
}

/// What was read of an article's sentences: per sentence read (every sentence, or only the
/// statements), its keyword hits per target and the model's verdicts (empty without a model).
struct Read<'a> {
    spans: &'a [(usize, usize)],
    keywords: &'a [Vec<bool>],
    verdicts: &'a [Vec<Verdict>],
}

impl Read<'_> {
    /// The keyword hits and verdicts of the sentence `span`, if it was read.
    fn of(&self, span: (usize, usize)) -> Option<(&[bool], Option<&[Verdict]>)> {
        let k = self.spans.binary_search(&span).ok()?;
        Some((&self.keywords[k], self.verdicts.get(k).map(Vec::as_slice)))
    }
}

impl Rules {
    /// The statements of each article (sentences with their speakers).
    pub fn attribute(&self, docs: &[(&Text, &Linked)]) -> Vec<Attributed> {
        let attributor = Attributor { cues: &self.cues };
        docs.par_iter()
            .map(|(t, linked)| attributor.attributed(t, linked))
            .collect()
    }

    /// The article's stances by the learned links ([`links`]), from the sentence stage's `found`
    /// (which gives the polarity of the pairs it also found) and `decided` (each statement's
    /// targets), and every link weighed (without a link model: `found` as it is, and the links
    /// unscored). `read` has every sentence.
    fn decide(
        &self,
        t: &Text,
        linked: &Linked,
        attributed: &Attributed,
        found: Vec<Found>,
        decided: &[Vec<Take>],
        read: &Read,
    ) -> (Vec<Found>, Vec<Link>, links::Takes) {
        let sentences = &t.sentences;
        debug_assert_eq!(read.spans, sentences.as_slice());
        let article = links::Article {
            text: t,
            linked,
            attributed,
            cues: &self.cues,
        };
        let mut weighed = links::links(&article);
        // each sentence's targets, as the sentence stage takes them: a statement's as decided there
        // (a restatement takes those it restates), any other sentence's from its own reading
        let of_statement: HashMap<(usize, usize), &Vec<Take>> =
            attributed.statements.iter().map(|st| st.span).zip(decided).collect();
        let takes: Vec<Vec<Take>> = (0..sentences.len())
            .map(|k| match of_statement.get(&sentences[k]) {
                Some(&decided) => decided.clone(),
                None => self.takes(
                    t.text,
                    sentences[k],
                    &read.keywords[k],
                    read.verdicts.get(k).map(Vec::as_slice),
                ),
            })
            .collect();
        let relevance: Vec<Vec<(usize, f32)>> = takes
            .iter()
            .map(|ts| ts.iter().map(|x| (x.target, x.score.unwrap_or(1.0))).collect())
            .collect();
        let Some(model) = &self.link_model else {
            return (found, weighed, sentences.iter().copied().zip(relevance).collect());
        };
        for l in &mut weighed {
            l.score = Some(model.probability(&l.features));
        }
        let mut out: Vec<Found> = links::pairs(&weighed, &relevance, model.threshold())
            .into_iter()
            .map(|pair| {
                let span = sentences[pair.sentence];
                let take = takes[pair.sentence].iter().find(|x| x.target == pair.target);
                let polarity = match found.iter().find(|f| (f.actor, f.target) == (pair.actor, pair.target)) {
                    Some(f) => f.polarity,
                    None => take.map_or(Polarity::Support, |x| x.polarity),
                };
                Found {
                    actor: pair.actor,
                    target: pair.target,
                    polarity,
                    score: Some(pair.score),
                    keyword: read.keywords[pair.sentence][pair.target],
                    evidence: span,
                }
            })
            .collect();
        out.sort_by_key(|f| (f.evidence.0, f.actor, f.target));
        let takes = match self.params.keep_links {
            true => sentences.iter().copied().zip(relevance).collect(),
            false => Vec::new(),
        };
        (out, weighed, takes)
    }

    /// Per sentence (byte spans), per target: whether a keyword of the target occurs in it.
    pub fn keywords(&self, text: &str, spans: &[(usize, usize)]) -> Vec<Vec<bool>> {
        spans.iter().map(|&(s, e)| self.keywords_in(&text[s..e])).collect()
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
    #[cfg(test)]
    fn article(&self, text: &str, statements: &[Statement], read: &Read) -> Vec<Found> {
        self.article_and_takes(text, statements, read).0
    }

    /// [`Rules::article`], with the targets each statement takes (its own, or those of the one it
    /// restates).
    fn article_and_takes(&self, text: &str, statements: &[Statement], read: &Read) -> (Vec<Found>, Vec<Vec<Take>>) {
        // each statement's targets
        let mut decided: Vec<Vec<Take>> = Vec::with_capacity(statements.len());
        let mut out: Vec<Found> = Vec::new();
        let mut index: HashMap<(usize, usize), usize> = HashMap::new();
        for st in statements {
            let (keywords, verdicts) = read.of(st.span).expect("every statement is read");
            let own = self.takes(text, st.span, keywords, verdicts);
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
        (out, decided)
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
            .article(text, &statements, &read(&spans(&statements), &keywords, &[]))
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
                decision: Decision::Sentences,
                keep_links: false,
            },
            link_model: None,
        }
    }

    /// A text's actors, statements and keyword hits.
    fn attributed(rules: &Rules, text: &str) -> (Linked, Vec<Statement>, Vec<Vec<bool>>) {
        let linker = Linker::load(&gazetteer::default_dir()).unwrap();
        let linked = linker.link(text, &[]);
        let statements = rules
            .attribute(&[(&Text::new(text, &rules.cues.abbreviation), &linked)])
            .remove(0)
            .statements;
        let spans: Vec<(usize, usize)> = statements.iter().map(|s| s.span).collect();
        let keywords = rules.keywords(text, &spans);
        (linked, statements, keywords)
    }

    /// The statements' spans: what was read when only they are.
    fn spans(statements: &[Statement]) -> Vec<(usize, usize)> {
        statements.iter().map(|s| s.span).collect()
    }

    fn read<'a>(spans: &'a [(usize, usize)], keywords: &'a [Vec<bool>], verdicts: &'a [Vec<Verdict>]) -> Read<'a> {
        Read {
            spans,
            keywords,
            verdicts,
        }
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
        let found = rules.article(text, statements, &read(&spans(statements), &keywords, &[first, second]));
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
            .article(
                text,
                statements,
                &read(&spans(statements), &keywords, &[low.clone(), low])
            )
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
        let found = rules.article(text, statements, &read(&spans(statements), &keywords, &[a, b]));
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].polarity, found[0].evidence),
            (Polarity::Oppose, statements[1].span)
        );
    }

    /// The stances of a text decided by a link model written by hand: a named actor speaks, unless
    /// named after a preposition.
    fn linked_stances(text: &str) -> Vec<(String, String, Polarity)> {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("links.json");
        std::fs::write(
            &file,
            r#"{"source": "by hand", "lexical": {"features": ["named", "preposition_before"],
                "mean": [0, 0], "scale": [1, 1], "weights": [4, -8], "bias": -2, "threshold": 0.5}}"#,
        )
        .unwrap();
        let model = LinkModel::load(&file, Signals::Lexical).unwrap();
        let rules = rules(Signals::Lexical);
        let mut stancer = Stancer::new(
            rules.targets,
            rules.cues,
            None,
            Params {
                decision: Decision::Links,
                ..rules.params
            },
            Some(model),
        )
        .unwrap();
        let linker = Linker::load(&gazetteer::default_dir()).unwrap();
        let linked = linker.link(text, &[]);
        let t = Text::new(text, &stancer.rules.cues.abbreviation);
        let found = stancer.run(&[(&t, &linked)]).unwrap().remove(0);
        assert!(found.found.iter().all(|f| f.score.is_some()), "{:?}", found.found);
        found
            .found
            .iter()
            .map(|f| {
                (
                    linked.actors[f.actor].id.clone(),
                    stancer.rules.targets[f.target].key.clone(),
                    f.polarity,
                )
            })
            .collect()
    }

    #[test]
    fn with_links_the_learned_model_not_the_rules_decides_who_takes_a_target() {
        // the rules find no speaker in a sentence with no verb of saying; the model does
        let text = "Chile: capacity building first.";
        assert!(stances(text).is_empty());
        assert_eq!(linked_stances(text), [s("CHL", "capacity_building", Polarity::Support)]);
        // and the model's weights can keep an actor out
        assert!(linked_stances("Capacity building came up in talks with Chile.").is_empty());
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
