//! Scoring. `cyberstance eval` compares annotated records with hand labels: [`data`] reads and
//! pairs the two sides, [`entities`] scores spans under the four SemEval-2013 schemes (as Python
//! `nervaluate`), [`actors`] scores state linking and mention clustering, [`stances`] scores
//! (actor, target, stance) triples, and [`report`] assembles the figures, prints them and checks
//! floors. `cyberstance eval-conll` ([`conll`]) runs the model over an IOB2 file and scores it with
//! the same entity scorer. [`spans`] holds the shared figures and IOB2 span reading.

pub mod actors;
pub mod conll;
pub mod data;
pub mod entities;
pub mod report;
pub mod spans;
pub mod stances;
