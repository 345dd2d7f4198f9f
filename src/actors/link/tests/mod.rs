//! Tests of the linker: helpers that link a text with given model spans, whole-article cases here,
//! the passes in `names` (passes 1 to 3) and `references` (passes 4 and 5).

mod names;
mod references;

use super::*;
use crate::actors::gazetteer::default_dir;
use crate::ner::spans_in;
use crate::text::Text;
use std::sync::OnceLock;

fn gazetteer() -> &'static Gazetteer {
    static G: OnceLock<Gazetteer> = OnceLock::new();
    G.get_or_init(|| Gazetteer::load(&default_dir()).unwrap())
}

/// Links `text` with model spans given as (surface, label), each found after the previous.
fn link(text: &str, spans: &[(&str, &str)]) -> Linked {
    Article::new(gazetteer(), &Text::new(text, &Default::default())).run(&spans_in(text, spans))
}

/// (entity text, label, actor id) of every entity.
fn entities<'t>(text: &'t str, l: &Linked) -> Vec<(&'t str, String, Option<String>)> {
    l.entities
        .iter()
        .map(|x| {
            let id = x.actor.map(|a| l.actors[a].id.clone());
            (&text[x.span.start_byte..x.span.end_byte], x.span.label.clone(), id)
        })
        .collect()
}

fn mentions<'t>(text: &'t str, l: &Linked, id: &str) -> Vec<&'t str> {
    let a = l
        .actors
        .iter()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("actor {id}"));
    a.mentions.iter().map(|&(s, e)| &text[s..e]).collect()
}

fn actor<'l>(l: &'l Linked, id: &str) -> &'l LinkedActor {
    l.actors
        .iter()
        .find(|a| a.id == id)
        .unwrap_or_else(|| panic!("actor {id}: {:?}", l.actors))
}

fn e(t: &str, label: &str, id: Option<&str>) -> (String, String, Option<String>) {
    (t.to_string(), label.to_string(), id.map(String::from))
}

fn owned(v: Vec<(&str, String, Option<String>)>) -> Vec<(String, String, Option<String>)> {
    v.into_iter().map(|(a, b, c)| (a.to_string(), b, c)).collect()
}

#[test]
fn odd_spans_and_long_articles_do_not_break_the_linker() {
    // a span of spaces, a long run of "the", a long paragraph without punctuation or quotes
    let mut t = String::from("Pakistan   spoke. ");
    t.push_str(&"the ".repeat(20_000));
    t.push_str("Netherlands agreed ");
    t.push_str(&"and he said ".repeat(20_000));
    let spaces = t.find("   ").unwrap() + 1;
    let spans = vec![
        Span {
            start_byte: 0,
            end_byte: 8,
            label: "LOC".into(),
            score: 0.9,
        },
        Span {
            start_byte: spaces,
            end_byte: spaces + 2,
            label: "ORG".into(),
            score: 0.9,
        },
    ];
    let l = Article::new(gazetteer(), &Text::new(&t, &Default::default())).run(&spans);
    let ids: Vec<&str> = l.actors.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["PAK", "NLD"]);
}

#[test]
fn slugs_are_stable() {
    assert_eq!(slug("Chatham House"), "chatham-house");
    assert_eq!(slug("Kerstin\u{a0}Vignard"), "kerstin-vignard");
    assert_eq!(slug("Côte d'Ivoire  Bank"), "côte-d-ivoire-bank");
}
