//! The voice of a whole article: who says what no sentence gives to anyone else. The first-person
//! voice ("We believe ...") of an official statement belongs to the state or organisation that
//! delivered it; an opinion piece's, to its outlet. In order:
//! 1. the speaker the record's metadata gives ([`Linked::voice`], from `speaker` /
//!    `speaker_code`), when the text speaks in the first person at all;
//! 2. otherwise only when the author says "we"/"I" outside quotations at least twice: the speaker
//!    named in a header line before the body ("Statement by the Permanent Representative of
//!    Kenya", "EU Statement", "Permanent Mission of Australia"): on the first such line that
//!    names one, its first state, else its first body or organisation, leaving out the meeting's
//!    venue after a preposition ("at the Security Council");
//! 3. an opinion piece's outlet: the metadata's `publisher` ([`Linked::publisher`]), else the
//!    organisation of a masthead;
//! 4. in a delivered statement (an address such as "Mr. President" or "Thank you"), the state
//!    that names itself as the subject of its sentences most often ("China has always ...").
//!
//! Reads `models/stance/cues.tsv`: `statement_cue` (header lines), `venue_preposition` and
//! `determiner` (venues), `statement_address` (delivered statements); `first_person` through
//! `continuation`.

use super::continuation::OPINION_FIRST_PERSON;
use super::Attributor;
use crate::actors::{Kind, Linked};
use crate::text::Text;

/// Header lines looked at: the first non-blank lines before the body.
const HEADER_LINES: usize = 10;

/// Longest header line, in words (a long first paragraph is body, not a header).
const HEADER_WORDS: usize = 45;

impl Attributor<'_> {
    /// The article's own voice, if any, as the actor that speaks for it (`speaker`: who speaks
    /// for each actor).
    pub(super) fn voice(&self, t: &Text, linked: &Linked, speaker: &[usize]) -> Option<usize> {
        let (count, body) = self.first_person(t.text, &t.sentences);
        if let Some(v) = linked.voice.filter(|_| count > 0) {
            return Some(speaker[v]);
        }
        if count < OPINION_FIRST_PERSON {
            return None;
        }
        let body = body.unwrap_or(t.text.len());
        self.header_speaker(t, linked, speaker, body)
            .or_else(|| {
                linked
                    .publisher
                    .or_else(|| self.masthead_outlet(t.text, linked))
                    .map(|a| speaker[a])
            })
            .or_else(|| self.self_named(t, linked, speaker, body))
    }

    /// The speaker named in a header line with a `statement_cue`, before byte `body`.
    fn header_speaker(&self, t: &Text, linked: &Linked, speaker: &[usize], body: usize) -> Option<usize> {
        let text = t.text;
        let mut offset = 0;
        let mut lines = 0;
        for line in text[..body].split_inclusive('\n') {
            let (s, e) = (offset, offset + line.trim_end().len());
            offset += line.len();
            if line.trim().is_empty() {
                continue;
            }
            lines += 1;
            let words = t.words_in((s, e));
            if lines > HEADER_LINES {
                break;
            }
            let lower: Vec<&str> = words.iter().map(|w| w.lower.as_str()).collect();
            if words.is_empty() || words.len() > HEADER_WORDS || self.cues.statement_cue.find(&lower).is_none() {
                continue;
            }
            // every mention on the line, nested ones too ("Kenya" in "Permanent Mission of Kenya")
            let mut here: Vec<(usize, usize)> = linked
                .actors
                .iter()
                .enumerate()
                .flat_map(|(a, x)| x.mentions.iter().map(move |&(ms, _)| (ms, a)))
                .filter(|&(ms, _)| ms >= s && ms < e && !self.at_venue(t, ms, s))
                .map(|(ms, a)| (ms, speaker[a]))
                .collect();
            here.sort_unstable();
            let kind = |a: usize| linked.actors[a].kind;
            let found = here
                .iter()
                .find(|&&(_, a)| kind(a) == Kind::State)
                .or_else(|| here.iter().find(|&&(_, a)| matches!(kind(a), Kind::Igo | Kind::Org)));
            if let Some(&(_, a)) = found {
                return Some(a);
            }
        }
        None
    }

    /// The mention at byte `at` follows a `venue_preposition` (after determiners and capitalised
    /// words: "at the UN Security Council"), on the line starting at `line`.
    fn at_venue(&self, t: &Text, at: usize, line: usize) -> bool {
        let before = t.words_in((line, at));
        let c = self.cues;
        before
            .iter()
            .rev()
            .find(|w| !c.determiner.contains(&w.lower) && !t.text[w.start..].starts_with(char::is_uppercase))
            .is_some_and(|w| c.venue_preposition.contains(&w.lower))
    }

    /// In a delivered statement, the state that is most often the subject of a sentence of the
    /// body (its mention opens the sentence, perhaps after "The"), when one is ahead of the others.
    fn self_named(&self, t: &Text, linked: &Linked, speaker: &[usize], body: usize) -> Option<usize> {
        let text = t.text;
        let words: Vec<&str> = t.words.iter().map(|w| w.lower.as_str()).collect();
        self.cues.statement_address.find(&words)?;
        let mut count = vec![0usize; linked.actors.len()];
        for &(s, e) in t.sentences.iter().filter(|&&(s, _)| s >= body) {
            let toks = t.words_in((s, e));
            let first = match toks {
                [w, rest @ ..] if self.cues.article.contains(&w.lower) => rest.first(),
                _ => toks.first(),
            };
            let Some(first) = first else { continue };
            let subject = linked.actors.iter().enumerate().find(|(_, a)| {
                a.kind == Kind::State
                    && a.mentions.iter().any(|&(ms, me)| {
                        ms == first.start && !text[me..].starts_with("'s") && !text[me..].starts_with("’s")
                    })
            });
            if let Some((a, _)) = subject {
                count[speaker[a]] += 1;
            }
        }
        let best = (0..count.len()).max_by_key(|&a| count[a])?;
        let ahead = count[best] > 0 && count.iter().enumerate().all(|(a, &n)| a == best || n < count[best]);
        ahead.then_some(best)
    }
}
