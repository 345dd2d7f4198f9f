//! The learned decision: which (actor, target) pairs of an article are stances.
//!
//! The sentence stage ([`super::Rules::article`]) keeps a stance only where the speaker the rules
//! attribute to a sentence meets the sentence's targets. On the domain corpus the rules find the
//! speaker of the sentence holding a gold stance's evidence for one stance in four. This stage
//! learns attribution instead, as a probability:
//!
//! 1. Every sentence is linked to the actors that could be speaking in it: those named in it or in
//!    the two sentences before it, and the rules' speakers of those sentences (each actor as the
//!    actor that speaks for it, [`super::attribution::speaker_of`]).
//! 2. A logistic model (`models/stance/links.json`, trained by `scripts/model/train_links.py` on
//!    the train split's sentences that hold a gold stance's evidence) gives each link the
//!    probability that the actor is the one taking a position in the sentence, from [`FEATURES`]:
//!    whether the rules attribute it, where and how it is named (first, after a preposition, before
//!    a reporting verb), whether it was named or spoke just before, how much of the article is its,
//!    its kind.
//! 3. A sentence's targets are the ones the sentence stage takes (keywords, or the stance model's
//!    calibrated score over its threshold), each with a relevance: 1 for a keyword hit, the model's
//!    score otherwise. A pair (actor, target) scores its best link probability times relevance
//!    (the probability that the actor speaks there and the sentence takes the target), and is
//!    kept when that reaches the threshold (chosen by cross-validation on train), the best
//!    sentence its evidence.
//!
//! The polarity is the sentence stage's when it found the same pair, else the model's or the
//! cues' in the evidence.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::attribution::Attributed;
use super::cues::Cues;
use super::Signals;
use crate::actors::{Kind, Linked};
use crate::error::{Error, Result};
use crate::text::Text;

/// The features of a link (an actor and a sentence), in the order [`Link::features`] holds them.
pub const FEATURES: &[&str] = &[
    "spoken",
    "named",
    "first_named",
    "named_count",
    "position",
    "verb_after",
    "before_verb",
    "preposition_before",
    "of_before",
    "mentions_here",
    "reported",
    "first_person",
    "named_before",
    "named_before_2",
    "spoke_before",
    "spoken_share",
    "named_share",
    "speakers",
    "sole_speaker",
    "voice",
    "kind_state",
    "kind_igo",
    "kind_org",
    "kind_person",
    "kind_group",
];

/// How many sentences back a mention or a speaker still links an actor to a sentence.
const BACK: usize = 2;

/// How many words after a mention a reporting verb is looked for.
const VERB_WINDOW: usize = 5;

/// An actor that could be speaking in a sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Index into [`Linked::actors`] (an actor that speaks for itself).
    pub actor: usize,
    /// Index into the article's sentences.
    pub sentence: usize,
    /// Values of [`FEATURES`], in order.
    pub features: Vec<f32>,
    /// The probability that the actor takes the positions of the sentence (none before scoring).
    pub score: Option<f32>,
}

/// One set of weights in `links.json`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Weights {
    /// Names of the features read, from [`FEATURES`].
    features: Vec<String>,
    /// Standardisation: `(x - mean) / scale` per feature.
    mean: Vec<f32>,
    scale: Vec<f32>,
    weights: Vec<f32>,
    bias: f32,
    /// The probability a pair needs to be kept.
    threshold: f32,
}

/// `models/stance/links.json`: the weights for each kind of sentence signal.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct LinkFile {
    #[allow(dead_code)]
    source: String,
    lexical: Option<Weights>,
    model: Option<Weights>,
}

/// A loaded link model: the weights for the signals in use, resolved to feature positions.
#[derive(Debug, Clone)]
pub struct LinkModel {
    /// Per feature read: its position in [`FEATURES`].
    index: Vec<usize>,
    weights: Weights,
}

/// `models/stance/links.json`, or `$CYBERSTANCE_STANCE_LINKS`.
pub fn default_file() -> PathBuf {
    crate::config::shipped("CYBERSTANCE_STANCE_LINKS", "models/stance/links.json")
}

impl LinkModel {
    /// Reads the weights for `signals` from `path`.
    pub fn load(path: &Path, signals: Signals) -> Result<LinkModel> {
        let bad = |line: usize, message: String| Error::Parse {
            path: path.to_path_buf(),
            line,
            message,
        };
        let text = std::fs::read_to_string(path).map_err(Error::reading(path))?;
        let file: LinkFile = serde_json::from_str(&text).map_err(|e| bad(e.line(), e.to_string()))?;
        let (name, weights) = match signals {
            Signals::Lexical => ("lexical", file.lexical),
            Signals::Model => ("model", file.model),
        };
        let weights = weights.ok_or_else(|| {
            bad(
                0,
                format!(
                    "no \"{name}\" weights (train them with scripts/model/train_links.py, or pass --stance-decision sentences)"
                ),
            )
        })?;
        let n = weights.features.len();
        if [weights.mean.len(), weights.scale.len(), weights.weights.len()] != [n, n, n] {
            return Err(bad(
                0,
                format!("\"{name}\": features, mean, scale and weights differ in length"),
            ));
        }
        if weights.scale.contains(&0.0) {
            return Err(bad(0, format!("\"{name}\": a scale is 0")));
        }
        let index = weights
            .features
            .iter()
            .map(|f| {
                FEATURES
                    .iter()
                    .position(|g| g == f)
                    .ok_or_else(|| bad(0, format!("\"{name}\": unknown feature {f:?} (known: {FEATURES:?})")))
            })
            .collect::<Result<Vec<usize>>>()?;
        Ok(LinkModel { index, weights })
    }

    /// The probability of a link with these features (all of [`FEATURES`]).
    pub fn probability(&self, features: &[f32]) -> f32 {
        let w = &self.weights;
        let z = self
            .index
            .iter()
            .enumerate()
            .map(|(k, &i)| w.weights[k] * (features[i] - w.mean[k]) / w.scale[k])
            .sum::<f32>()
            + w.bias;
        1.0 / (1.0 + (-z).exp())
    }

    /// The probability a pair needs to be kept.
    pub fn threshold(&self) -> f32 {
        self.weights.threshold
    }
}

/// What the link stage reads of one article.
pub struct Article<'a> {
    pub text: &'a Text<'a>,
    pub linked: &'a Linked,
    /// The rules' statements, who speaks for each actor and the article's own voice.
    pub attributed: &'a Attributed,
    pub cues: &'a Cues,
}

/// Every link of an article with its features, unscored, by sentence then actor.
pub fn links(a: &Article) -> Vec<Link> {
    let t = a.text;
    let sentences = &t.sentences;
    let n = sentences.len();
    let actors = &a.linked.actors;
    let speaker_of = &a.attributed.speaker_of;
    // per sentence: the rules' speakers
    let mut speakers: Vec<&[usize]> = vec![&[]; n];
    for st in &a.attributed.statements {
        if let Ok(k) = sentences.binary_search(&st.span) {
            speakers[k] = &st.speakers;
        }
    }
    let sentence_of = |pos: usize| -> Option<usize> {
        let k = sentences.partition_point(|&(s, _)| s <= pos).checked_sub(1)?;
        (pos < sentences[k].1).then_some(k)
    };
    // per sentence: the mentions in it, in order, each with the actor that speaks for it
    let mut here: Vec<Vec<(usize, usize, usize)>> = vec![Vec::new(); n];
    for (x, actor) in actors.iter().enumerate() {
        for &(s, e) in &actor.mentions {
            if let Some(k) = sentence_of(s) {
                here[k].push((s, e, speaker_of[x]));
            }
        }
    }
    for m in &mut here {
        m.sort_unstable();
    }
    let named_in = |x: usize, k: usize| here[k].iter().any(|m| m.2 == x);
    let mut spoken = vec![0usize; actors.len()];
    let mut named = vec![0usize; actors.len()];
    for (said, mentions) in speakers.iter().zip(&here) {
        for &x in *said {
            spoken[x] += 1;
        }
        let mut xs: Vec<usize> = mentions.iter().map(|m| m.2).collect();
        xs.sort_unstable();
        xs.dedup();
        for x in xs {
            named[x] += 1;
        }
    }
    let n_speakers = spoken.iter().filter(|&&c| c > 0).count();
    let share = |c: usize| if n == 0 { 0.0 } else { c as f32 / n as f32 };
    let bit = |b: bool| f32::from(u8::from(b));
    let mut out = Vec::new();
    for k in 0..n {
        let (s, e) = sentences[k];
        let mut candidates: Vec<usize> = (k.saturating_sub(BACK)..=k)
            .flat_map(|j| here[j].iter().map(|m| m.2).chain(speakers[j].iter().copied()))
            .filter(|&x| speaker_of[x] == x)
            .collect();
        candidates.sort_unstable();
        candidates.dedup();
        let mut distinct: Vec<usize> = here[k].iter().map(|m| m.2).collect();
        distinct.sort_unstable();
        distinct.dedup();
        let words = t.words_in((s, e));
        // the first reporting verb of the sentence, and whether it speaks in the first person
        let verb = words
            .iter()
            .find(|w| a.cues.report_verb.contains(&w.lower))
            .map(|w| w.start);
        let first_person = words.iter().any(|w| a.cues.first_person.contains(&w.lower));
        for x in candidates {
            let first = here[k].iter().find(|m| m.2 == x);
            let (verb_after, preposition_before, of_before, position) = match first {
                Some(&(ms, me, _)) => {
                    let after = t.words_in((me, e));
                    let verb = after
                        .iter()
                        .filter(|w| w.lower.chars().any(char::is_alphabetic))
                        .take(VERB_WINDOW)
                        .any(|w| a.cues.report_verb.contains(&w.lower));
                    let before = t.words_in((s, ms));
                    let last = before.iter().rev().find(|w| w.lower.chars().any(char::is_alphanumeric));
                    let prep = last.is_some_and(|w| a.cues.preposition.contains(&w.lower));
                    let of = last.is_some_and(|w| a.cues.role_preposition.contains(&w.lower));
                    (verb, prep, of, (ms - s) as f32 / (e - s).max(1) as f32)
                }
                None => (false, false, false, 1.0),
            };
            let mentions_here = here[k].iter().filter(|m| m.2 == x).count();
            let features = vec![
                bit(speakers[k].contains(&x)),
                bit(first.is_some()),
                bit(here[k].first().is_some_and(|m| m.2 == x)),
                (distinct.len() as f32).ln_1p(),
                position,
                bit(verb_after),
                bit(first.is_some_and(|m| verb.is_some_and(|v| m.1 <= v))),
                bit(preposition_before),
                bit(of_before),
                (mentions_here as f32).ln_1p(),
                bit(verb.is_some()),
                bit(first_person),
                bit(k >= 1 && named_in(x, k - 1)),
                bit(k >= 2 && named_in(x, k - 2)),
                bit(k >= 1 && speakers[k - 1].contains(&x)),
                share(spoken[x]),
                share(named[x]),
                (n_speakers as f32).ln_1p(),
                bit(n_speakers == 1 && spoken[x] > 0),
                bit(a.attributed.voice == Some(x)),
                bit(actors[x].kind == Kind::State),
                bit(actors[x].kind == Kind::Igo),
                bit(actors[x].kind == Kind::Org),
                bit(actors[x].kind == Kind::Person),
                bit(actors[x].kind == Kind::Group),
            ];
            debug_assert_eq!(features.len(), FEATURES.len());
            out.push(Link {
                actor: x,
                sentence: k,
                features,
                score: None,
            });
        }
    }
    out
}

/// Per sentence (its byte span): the targets it takes, each with its relevance (1 for the rules'
/// keyword hits, the stance model's calibrated score otherwise).
pub type Takes = Vec<((usize, usize), Vec<(usize, f32)>)>;

/// A kept pair: the actor, the target, its probability and its evidence sentence.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Pair {
    pub actor: usize,
    pub target: usize,
    pub score: f32,
    pub sentence: usize,
}

/// The pairs (actor, target) whose best link probability times relevance reaches `threshold`, in
/// (actor, target) order, with that product as score and that sentence as evidence (the earliest on
/// ties). `takes`: per sentence, the targets it takes with their relevance (1 for the rules'
/// keyword hits, the stance model's calibrated score otherwise).
pub fn pairs(links: &[Link], takes: &[Vec<(usize, f32)>], threshold: f32) -> Vec<Pair> {
    let mut best: std::collections::BTreeMap<(usize, usize), Pair> = Default::default();
    for l in links {
        let p = l.score.unwrap_or(0.0);
        if p < threshold {
            continue;
        }
        for &(target, relevance) in &takes[l.sentence] {
            let score = p * relevance;
            if score < threshold {
                continue;
            }
            let pair = Pair {
                actor: l.actor,
                target,
                score,
                sentence: l.sentence,
            };
            best.entry((l.actor, target))
                .and_modify(|b| {
                    if (score, std::cmp::Reverse(l.sentence)) > (b.score, std::cmp::Reverse(b.sentence)) {
                        *b = pair;
                    }
                })
                .or_insert(pair);
        }
    }
    best.into_values().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::actors::{gazetteer, Linker};
    use crate::stance::attribution::Attributor;

    /// The links of a hand-written text, by (actor id, sentence), with the named features.
    fn links_of(text: &str) -> (Linked, Vec<Link>) {
        let cues = Cues::load(&crate::stance::cues::default_file()).unwrap();
        let linker = Linker::load(&gazetteer::default_dir()).unwrap();
        let linked = linker.link(text, &[]);
        let t = Text::new(text, &cues.abbreviation);
        let attributor = Attributor { cues: &cues };
        let links = links(&Article {
            text: &t,
            linked: &linked,
            attributed: &attributor.attributed(&t, &linked),
            cues: &cues,
        });
        (linked, links)
    }

    fn feature(l: &Link, name: &str) -> f32 {
        l.features[FEATURES.iter().position(|f| *f == name).unwrap()]
    }

    fn find<'a>(linked: &Linked, links: &'a [Link], actor: &str, sentence: usize) -> Option<&'a Link> {
        links
            .iter()
            .find(|l| linked.actors[l.actor].id == actor && l.sentence == sentence)
    }

    #[test]
    fn actors_named_in_a_sentence_or_the_two_before_are_linked_to_it() {
        let text = "Chile said capacity building matters. The meeting went on. Many spoke.\n\n\
                    Kenya said cooperation matters. Nobody disagreed. Brazil left. It rained.";
        let (linked, links) = links_of(text);
        let at = |actor: &str| -> Vec<usize> {
            links
                .iter()
                .filter(|l| linked.actors[l.actor].id == actor)
                .map(|l| l.sentence)
                .collect()
        };
        // each state: the sentences naming it or the two before them, and those whose speaker
        // (the rules carry a voice on: Chile's to "Many spoke", Kenya's past "Brazil left") it is,
        // or was in the two sentences before
        assert_eq!(at("CHL"), [0, 1, 2, 3, 4]);
        assert_eq!(at("KEN"), [3, 4, 5, 6]);
        assert_eq!(at("BRA"), [5, 6]);
        let own = find(&linked, &links, "CHL", 0).unwrap();
        assert_eq!(
            [
                "spoken",
                "named",
                "first_named",
                "verb_after",
                "preposition_before",
                "named_before"
            ]
            .map(|f| feature(own, f)),
            [1.0, 1.0, 1.0, 1.0, 0.0, 0.0]
        );
        assert_eq!(feature(own, "position"), 0.0);
        let next = find(&linked, &links, "CHL", 1).unwrap();
        assert_eq!(
            ["named", "named_before", "named_before_2", "position"].map(|f| feature(next, f)),
            [0.0, 1.0, 0.0, 1.0]
        );
        assert_eq!(feature(find(&linked, &links, "CHL", 2).unwrap(), "named_before_2"), 1.0);
    }

    #[test]
    fn where_and_how_an_actor_is_named_is_measured() {
        let text = "Officials from Kenya met the delegates and Brazil, which urged restraint.";
        let (linked, links) = links_of(text);
        let kenya = find(&linked, &links, "KEN", 0).unwrap();
        let brazil = find(&linked, &links, "BRA", 0).unwrap();
        // Kenya: first named, after a preposition; Brazil: second, before a reporting verb
        assert_eq!(
            ["first_named", "preposition_before", "verb_after", "named_count"].map(|f| feature(kenya, f)),
            [1.0, 1.0, 0.0, 3f32.ln()]
        );
        assert_eq!(
            ["first_named", "preposition_before", "verb_after"].map(|f| feature(brazil, f)),
            [0.0, 0.0, 1.0]
        );
        assert!(feature(kenya, "position") < feature(brazil, "position"));
        assert_eq!(feature(kenya, "kind_state"), 1.0);
        // both named before the sentence's reporting verb, in the third person
        for l in [kenya, brazil] {
            assert_eq!(
                ["before_verb", "reported", "first_person", "of_before"].map(|f| feature(l, f)),
                [1.0, 1.0, 0.0, 0.0]
            );
        }
        // a first-person sentence with no reporting verb, naming Chile twice, after "of"
        let (linked, links) = links_of("We thank the representative of Chile, and Chile alone.");
        let chile = find(&linked, &links, "CHL", 0).unwrap();
        assert_eq!(
            [
                "of_before",
                "preposition_before",
                "first_person",
                "reported",
                "before_verb",
                "mentions_here"
            ]
            .map(|f| feature(chile, f)),
            [1.0, 1.0, 1.0, 0.0, 0.0, 3f32.ln()]
        );
    }

    fn link(actor: usize, sentence: usize, score: f32) -> Link {
        Link {
            actor,
            sentence,
            features: Vec::new(),
            score: Some(score),
        }
    }

    #[test]
    fn a_pair_is_its_best_link_times_relevance_and_must_reach_the_threshold() {
        // sentence 0 takes target 0 (keyword: relevance 1); sentence 1 targets 0 and 1 (model scores)
        let takes = vec![vec![(0, 1.0)], vec![(0, 0.9), (1, 0.5)], vec![]];
        let links = [
            link(0, 0, 0.6),
            link(0, 1, 0.7),
            link(1, 1, 0.35),
            link(1, 2, 0.99),
            link(2, 0, 0.39),
        ];
        let got = pairs(&links, &takes, 0.4);
        let want = [
            // actor 0, target 0: 0.6 * 1 in sentence 0 against 0.7 * 0.9 = 0.63 in sentence 1
            Pair {
                actor: 0,
                target: 0,
                score: 0.63,
                sentence: 1,
            },
            // target 1: 0.7 * 0.5 = 0.35 misses; actor 1: 0.35 * 0.9 misses, and sentence 2 takes
            // nothing; actor 2: 0.39 misses
        ];
        assert_eq!(got.len(), want.len(), "{got:?}");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!((g.actor, g.target, g.sentence), (w.actor, w.target, w.sentence));
            assert!((g.score - w.score).abs() < 1e-6, "{g:?}");
        }
        // on a tie the earlier sentence is the evidence
        let tie = pairs(
            &[link(0, 1, 0.5), link(0, 0, 0.5)],
            &[vec![(0, 1.0)], vec![(0, 1.0)]],
            0.4,
        );
        assert_eq!(tie[0].sentence, 0);
    }

    fn write(dir: &Path, json: &str) -> PathBuf {
        let path = dir.join("links.json");
        std::fs::write(&path, json).unwrap();
        path
    }

    #[test]
    fn the_weights_file_is_checked_and_the_probability_is_a_standardised_logistic() {
        let dir = tempfile::tempdir().unwrap();
        let good = r#"{"source": "by hand",
            "lexical": {"features": ["named", "position"], "mean": [0.5, 0.0], "scale": [0.5, 2.0],
                        "weights": [2.0, -4.0], "bias": -1.0, "threshold": 0.3}}"#;
        let model = LinkModel::load(&write(dir.path(), good), Signals::Lexical).unwrap();
        assert_eq!(model.threshold(), 0.3);
        let mut x = vec![0.0; FEATURES.len()];
        x[1] = 1.0; // named: (1 - 0.5) / 0.5 = 1
        x[4] = 0.5; // position: 0.5 / 2 = 0.25
        let z: f32 = 2.0 * 1.0 - 4.0 * 0.25 - 1.0;
        assert!((model.probability(&x) - 1.0 / (1.0 + (-z).exp())).abs() < 1e-6);
        // no weights for the model's signals
        let e = LinkModel::load(&write(dir.path(), good), Signals::Model).unwrap_err();
        assert!(e.to_string().contains("no \"model\" weights"), "{e}");
        for (bad, says) in [
            (
                good.replace("\"position\"]", "\"loudness\"]"),
                "unknown feature \"loudness\"",
            ),
            (good.replace("[2.0, -4.0]", "[2.0]"), "differ in length"),
            (good.replace("[0.5, 2.0]", "[0.5, 0.0]"), "a scale is 0"),
            (good.replace("\"bias\"", "\"biass\""), "unknown field"),
        ] {
            let e = LinkModel::load(&write(dir.path(), &bad), Signals::Lexical).unwrap_err();
            assert!(e.to_string().contains(says), "{e} should say {says}");
        }
    }
}
