//! Scoring: strict entity P/R/F1 over IOB2 tag sequences (seqeval semantics) and the CoNLL
//! evaluation of the shipped model through the annotate pipeline.

pub mod conll;
pub mod spans;
