//! Tests of attribution: helpers that attribute a text (linked with given model spans), the
//! patterns of one sentence in `patterns`, speakers carried across sentences in `continuation`.

mod continuation;
mod lists;
mod patterns;
mod voice;

use super::*;
use crate::actors::{gazetteer, Linker};
use crate::ner::spans_in;
use std::sync::OnceLock;

fn linker() -> &'static Linker {
    static L: OnceLock<Linker> = OnceLock::new();
    L.get_or_init(|| Linker::load(&gazetteer::default_dir()).unwrap())
}

fn cues() -> &'static Cues {
    static C: OnceLock<Cues> = OnceLock::new();
    C.get_or_init(|| Cues::load(&crate::stance::cues::default_file()).unwrap())
}

/// (sentence, speaker ids) of every statement of `text`, with model spans given as
/// (surface, label), each found after the previous.
fn attribute(text: &str, spans: &[(&str, &str)]) -> Vec<(String, Vec<String>)> {
    let linked = linker().link(text, &spans_in(text, spans));
    Attributor { cues: cues() }
        .statements(&crate::text::Text::new(text, &cues().abbreviation), &linked)
        .into_iter()
        .map(|s| {
            let ids = s.speakers.iter().map(|&a| linked.actors[a].id.clone()).collect();
            (text[s.span.0..s.span.1].to_string(), ids)
        })
        .collect()
}

fn speakers(got: &[(String, Vec<String>)]) -> Vec<Vec<&str>> {
    got.iter()
        .map(|(_, ids)| ids.iter().map(String::as_str).collect())
        .collect()
}
