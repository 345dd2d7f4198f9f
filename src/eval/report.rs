//! `cyberstance eval`: the report and its floors.
//!
//! `--json` prints [`Report`] as one object. Its keys are stable (a key is only ever added):
//!
//! | key | what |
//! |---|---|
//! | `gold`, `pred` | the two files |
//! | `articles` | articles scored (ids on both sides, usable) |
//! | `left_out` | gold records not scored (rejected, or no usable prediction) |
//! | `errors` | problems reported on stderr, one per record |
//! | `label_map` | `--label-map`, applied to both sides' entity labels |
//! | `entities.scored` | `false` (with `entities.reason`) when a side has no `entities` |
//! | `entities.{strict,exact,partial,type}.{precision,recall,f1,correct,incorrect,partial,missed,spurious,possible,actual}` | micro over all entities ([`crate::eval::entities`]) |
//! | `entities.per_label.L.{precision,recall,f1,support,predicted,correct}` | label `L`, strict |
//! | `entities.per_label.L.{strict,exact,partial,type}.*` | label `L`, every scheme |
//! | `actors.scored`, `actors.reason` | as for entities |
//! | `actors.states.{precision,recall,f1,correct,predicted,support}` | state codes per article ([`crate::eval::actors`]) |
//! | `actors.mentions.{accuracy,correct,found,total}` | linking accuracy over gold mentions |
//! | `stances.scored`, `stances.reason` | as for entities |
//! | `stances.triples.*`, `stances.pairs.*` | precision, recall, f1, correct, predicted, support ([`crate::eval::stances`]) |
//! | `stances.polarity.{accuracy,correct,total}` | over matched pairs |
//! | `stances.per_target.T.*` | triples of target `T` |
//! | `per_article[]` | with `--per-article`: `id`, `entities` (the four schemes), `states`, `mentions`, `triples`, `pairs` |
//!
//! A ratio with nothing to count (precision without predictions, recall without gold items, polarity
//! accuracy without matched pairs) is 0, as in seqeval and nervaluate; `--per-article` rows show it
//! so for an article with nothing of that kind on either side.
//!
//! A floor (`--min KEY=VALUE`) names a numeric key above, outside `per_article`, with labels and
//! targets as path parts (a name containing `.` cannot be addressed). It fails when the figure is
//! below the value or its section is not scored; a key that the report does not have (including a
//! label found in neither file) is a usage error, exit 2.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::str::FromStr;

use serde::Serialize;
use serde_json::Value;

use crate::error::{Error, Result};
use crate::eval::actors::{self, ActorCounts};
use crate::eval::data::{Doc, Paired};
use crate::eval::entities::{Counts, EntityScorer, EntityScores, Scheme, SchemeScore, Schemes};
use crate::eval::spans::{Accuracy, Prf};
use crate::eval::stances::{self, StanceCounts};

/// A section of the report: its figures, or why it was not scored.
#[derive(Debug, Clone, Serialize)]
pub struct Section<T> {
    pub scored: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub scores: Option<T>,
}

impl<T> Section<T> {
    fn new(scores: Result<T, String>) -> Self {
        match scores {
            Ok(s) => Section {
                scored: true,
                reason: None,
                scores: Some(s),
            },
            Err(reason) => Section {
                scored: false,
                reason: Some(reason),
                scores: None,
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct ActorScores {
    pub states: Prf,
    pub mentions: MentionScores,
}

#[derive(Debug, Clone, Copy, Serialize)]
pub struct MentionScores {
    pub accuracy: f64,
    pub correct: usize,
    pub found: usize,
    pub total: usize,
}

impl From<&ActorCounts> for ActorScores {
    fn from(c: &ActorCounts) -> Self {
        ActorScores {
            states: c.states.prf(),
            mentions: MentionScores {
                accuracy: Accuracy::new(c.mentions_correct, c.mentions_total).accuracy,
                correct: c.mentions_correct,
                found: c.mentions_found,
                total: c.mentions_total,
            },
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct StanceScores {
    pub triples: Prf,
    pub pairs: Prf,
    pub polarity: Accuracy,
    pub per_target: BTreeMap<String, Prf>,
}

impl From<&StanceCounts> for StanceScores {
    fn from(c: &StanceCounts) -> Self {
        StanceScores {
            triples: c.triples.prf(),
            pairs: c.pairs.prf(),
            polarity: Accuracy::new(c.polarity_correct, c.pairs.correct),
            per_target: c.per_target.iter().map(|(t, c)| (t.clone(), c.prf())).collect(),
        }
    }
}

/// One article's figures (`--per-article`); a field is absent when its section is not scored.
#[derive(Debug, Clone, Serialize)]
pub struct ArticleRow {
    pub id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entities: Option<Schemes<SchemeScore>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub states: Option<Prf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mentions: Option<MentionScores>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub triples: Option<Prf>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pairs: Option<Prf>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub gold: String,
    pub pred: String,
    pub articles: usize,
    pub left_out: usize,
    pub errors: usize,
    pub label_map: BTreeMap<String, String>,
    pub entities: Section<EntityScores>,
    pub actors: Section<ActorScores>,
    pub stances: Section<StanceScores>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub per_article: Option<Vec<ArticleRow>>,
}

/// Why a section cannot be scored, if it cannot: no articles, or a side without the field.
fn coverage(pairs: &[(Doc, Doc)], field: &str, has: impl Fn(&Doc) -> bool) -> Result<(), String> {
    if pairs.is_empty() {
        return Err("no article to score".into());
    }
    for (side, pick) in [("gold", 0), ("predicted", 1)] {
        let missing = pairs
            .iter()
            .filter(|p| !has(if pick == 0 { &p.0 } else { &p.1 }))
            .count();
        if missing > 0 {
            return Err(format!("no `{field}` in {missing} of {} {side} records", pairs.len()));
        }
    }
    Ok(())
}

/// Scores the paired articles.
pub fn evaluate(
    paired: &Paired,
    label_map: &HashMap<String, String>,
    per_article: bool,
    files: (&str, &str),
) -> Report {
    let pairs = &paired.pairs;
    let ent_ok = coverage(pairs, "entities", |d| d.entities.is_some());
    let act_ok = coverage(pairs, "actors", |d| d.actors.is_some());
    let sta_ok = coverage(pairs, "stances", |d| d.stances.is_some());

    let mut entity_scorer = EntityScorer::default();
    let mut actor_counts = ActorCounts::default();
    let mut stance_counts = StanceCounts::default();
    let mut rows = Vec::new();
    for (g, p) in pairs {
        let mut row = ArticleRow {
            id: g.id.clone(),
            entities: None,
            states: None,
            mentions: None,
            triples: None,
            pairs: None,
        };
        if ent_ok.is_ok() {
            let doc: Schemes<Counts> = entity_scorer.add(&g.spans(label_map), &p.spans(label_map));
            row.entities = Some(doc.scores());
        }
        if act_ok.is_ok() {
            let c = actors::count(
                g.actors.as_deref().unwrap_or_default(),
                p.actors.as_deref().unwrap_or_default(),
            );
            actor_counts += c;
            let s = ActorScores::from(&c);
            (row.states, row.mentions) = (Some(s.states), Some(s.mentions));
        }
        if sta_ok.is_ok() {
            let c = stances::count(
                g.stances.as_deref().unwrap_or_default(),
                p.stances.as_deref().unwrap_or_default(),
            );
            stance_counts.add(&c);
            (row.triples, row.pairs) = (Some(c.triples.prf()), Some(c.pairs.prf()));
        }
        rows.push(row);
    }
    Report {
        gold: files.0.to_string(),
        pred: files.1.to_string(),
        articles: pairs.len(),
        left_out: paired.left_out,
        errors: paired.errors.len(),
        label_map: label_map.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
        entities: Section::new(ent_ok.map(|()| entity_scorer.finish())),
        actors: Section::new(act_ok.map(|()| ActorScores::from(&actor_counts))),
        stances: Section::new(sta_ok.map(|()| StanceScores::from(&stance_counts))),
        per_article: per_article.then_some(rows),
    }
}

/// `--min KEY=VALUE`: a figure of the report that must not fall below `min`.
#[derive(Debug, Clone, PartialEq)]
pub struct Floor {
    pub key: String,
    pub min: f64,
}

impl FromStr for Floor {
    type Err = String;

    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let (key, value) = s
            .split_once('=')
            .ok_or_else(|| format!("expected KEY=VALUE (e.g. entities.strict.f1=0.80), got {s:?}"))?;
        let min = value
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| format!("{value:?} is not a finite number"))?;
        Ok(Floor {
            key: key.trim().to_string(),
            min,
        })
    }
}

/// What a floor found: the figure, or why there is none.
#[derive(Debug, Clone, PartialEq)]
pub enum FloorOutcome {
    Met(f64),
    Below(f64),
    NotScored(String),
}

/// Checks each floor against the report's JSON. A key that names no figure is an error.
pub fn check_floors(report: &Value, floors: &[Floor]) -> Result<Vec<FloorOutcome>> {
    floors
        .iter()
        .map(|floor| {
            let mut v = report;
            for part in floor.key.split('.') {
                if v.get("scored") == Some(&Value::Bool(false)) {
                    let reason = v.get("reason").and_then(Value::as_str).unwrap_or("not scored");
                    return Ok(FloorOutcome::NotScored(reason.to_string()));
                }
                v = v.get(part).ok_or_else(|| Error::Option {
                    option: format!("--min {}", floor.key),
                    message: format!(
                        "the report has no figure `{}` (see `eval --json` for its keys)",
                        floor.key
                    ),
                })?;
            }
            let x = v.as_f64().ok_or_else(|| Error::Option {
                option: format!("--min {}", floor.key),
                message: "not a number in the report".into(),
            })?;
            Ok(if x >= floor.min {
                FloorOutcome::Met(x)
            } else {
                FloorOutcome::Below(x)
            })
        })
        .collect()
}

impl Report {
    /// The human-readable report.
    pub fn table(&self) -> String {
        let mut o = String::new();
        let map = if self.label_map.is_empty() {
            String::new()
        } else {
            let m: Vec<String> = self.label_map.iter().map(|(k, v)| format!("{k}={v}")).collect();
            format!("; label map {}", m.join(","))
        };
        let _ = writeln!(
            o,
            "{} articles scored, {} gold records left out, {} errors (gold {}, predicted {}){map}",
            self.articles, self.left_out, self.errors, self.gold, self.pred
        );
        let _ = writeln!(o);
        match &self.entities.scores {
            None => not_scored(&mut o, "Entities", &self.entities.reason),
            Some(e) => o.push_str(&entities_table(e)),
        }

        let _ = writeln!(o);
        match &self.actors.scores {
            None => not_scored(&mut o, "Actors", &self.actors.reason),
            Some(a) => {
                let _ = writeln!(o, "{:<36} {}", "Actors", prf_head());
                o.push_str(&prf_row("states (ISO3 codes per article)", &a.states));
                let m = &a.mentions;
                let _ = writeln!(
                    o,
                    "  {:<34} {:>9.4}   ({} of {} gold mentions linked; {} found at their span)",
                    "mention linking accuracy", m.accuracy, m.correct, m.total, m.found
                );
            }
        }

        let _ = writeln!(o);
        match &self.stances.scores {
            None => not_scored(&mut o, "Stances", &self.stances.reason),
            Some(s) => {
                let _ = writeln!(o, "{:<36} {}", "Stances", prf_head());
                o.push_str(&prf_row("triples (actor, target, stance)", &s.triples));
                o.push_str(&prf_row("pairs (actor, target)", &s.pairs));
                let _ = writeln!(
                    o,
                    "  {:<34} {:>9.4}   ({} of {} matched pairs)",
                    "polarity accuracy", s.polarity.accuracy, s.polarity.correct, s.polarity.total
                );
                let _ = writeln!(o, "{:<36} {}", "Stance triples by target", prf_head());
                for (target, p) in &s.per_target {
                    o.push_str(&prf_row(target, p));
                }
            }
        }

        if let Some(rows) = &self.per_article {
            let _ = writeln!(o);
            let _ = writeln!(
                o,
                "{:<36} {:>9} {:>9} {:>9} {:>9} {:>9}",
                "Per article", "ent.f1", "states.f1", "mentions", "triples", "pairs"
            );
            let cell = |x: Option<f64>| x.map_or_else(|| "-".to_string(), |x| format!("{x:.4}"));
            for r in rows {
                let _ = writeln!(
                    o,
                    "  {:<34} {:>9} {:>9} {:>9} {:>9} {:>9}",
                    r.id,
                    cell(r.entities.as_ref().map(|e| e.strict.f1)),
                    cell(r.states.map(|p| p.f1)),
                    cell(r.mentions.map(|m| m.accuracy)),
                    cell(r.triples.map(|p| p.f1)),
                    cell(r.pairs.map(|p| p.f1)),
                );
            }
        }
        o
    }
}

fn prf_head() -> String {
    format!(
        "{:>9} {:>9} {:>9} {:>8} {:>9} {:>8}",
        "precision", "recall", "f1", "correct", "predicted", "gold"
    )
}

fn prf_row(name: &str, p: &Prf) -> String {
    format!(
        "  {name:<34} {:>9.4} {:>9.4} {:>9.4} {:>8} {:>9} {:>8}\n",
        p.precision, p.recall, p.f1, p.correct, p.predicted, p.support
    )
}

/// The entity figures as a table: the four schemes, then strict per label.
pub fn entities_table(e: &EntityScores) -> String {
    let mut o = format!(
        "{:<36} {:>9} {:>9} {:>9} {:>8} {:>9} {:>8} {:>8} {:>8}\n",
        "Entities", "precision", "recall", "f1", "correct", "incorrect", "partial", "missed", "spurious"
    );
    for scheme in Scheme::ALL {
        let s = e.overall.get(scheme);
        let _ = writeln!(
            o,
            "  {:<34} {:>9.4} {:>9.4} {:>9.4} {:>8} {:>9} {:>8} {:>8} {:>8}",
            scheme.name(),
            s.precision,
            s.recall,
            s.f1,
            s.correct,
            s.incorrect,
            s.partial,
            s.missed,
            s.spurious
        );
    }
    let _ = writeln!(o, "{:<36} {}", "Entities by label (strict)", prf_head());
    for (label, s) in &e.per_label {
        o.push_str(&prf_row(label, &s.strict_prf));
    }
    o
}

fn not_scored(o: &mut String, section: &str, reason: &Option<String>) {
    let _ = writeln!(o, "{section}: not scored ({})", reason.as_deref().unwrap_or("-"));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn floors_parse_and_check() {
        assert_eq!(
            "entities.strict.f1=0.8".parse::<Floor>(),
            Ok(Floor {
                key: "entities.strict.f1".into(),
                min: 0.8
            })
        );
        assert!("entities.strict.f1".parse::<Floor>().is_err());
        assert!("x=high".parse::<Floor>().is_err());
        assert!("x=nan".parse::<Floor>().is_err());

        let report = serde_json::json!({
            "entities": {"scored": true, "strict": {"f1": 0.75}, "per_label": {"PER": {"f1": 0.9}}},
            "actors": {"scored": false, "reason": "no `actors` in 2 of 2 predicted records"},
        });
        let floor = |k: &str, v: f64| Floor { key: k.into(), min: v };
        let got = check_floors(
            &report,
            &[
                floor("entities.strict.f1", 0.75),
                floor("entities.strict.f1", 0.76),
                floor("entities.per_label.PER.f1", 0.5),
                floor("actors.states.f1", 0.1),
            ],
        )
        .unwrap();
        assert_eq!(
            got,
            [
                FloorOutcome::Met(0.75),
                FloorOutcome::Below(0.75),
                FloorOutcome::Met(0.9),
                FloorOutcome::NotScored("no `actors` in 2 of 2 predicted records".into()),
            ]
        );
        let e = check_floors(&report, &[floor("entities.strict.f2", 0.1)])
            .unwrap_err()
            .to_string();
        assert!(e.contains("no figure `entities.strict.f2`"), "{e}");
        assert!(check_floors(&report, &[floor("entities.strict", 0.1)]).is_err());
    }
}
