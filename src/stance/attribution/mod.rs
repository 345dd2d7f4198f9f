//! Who states what: each sentence of an article gets the actors whose position it states.
//!
//! The patterns, on word tokens of one sentence and the actor mentions the linker found (names,
//! descriptions such as "the Pakistani envoy", pronouns):
//! - a mention as the subject of a reporting verb, with modifiers between ("Pakistan underlined",
//!   "Ukraine also noted", "Pakistan has told", ", the EU suggested."), through an apposition
//!   ("Ambassador X, deputy representative of Pakistan, said") or a possessive and role words
//!   ("Pakistan's representative said");
//! - coordinated subjects: every mention of a list before the verb ("Brazil and France underlined",
//!   "Canada, Chile, and Colombia noted");
//! - the agent of a passive reporting verb ("was highlighted by Iraq", "echoed by Canada, Chile,
//!   and Colombia", "a suggestion, made by Switzerland and Chile");
//! - "according to X", "in X's view", "in the view of X", "speaking for X", "on behalf of X"
//!   (then the rest of the sentence is what X said), and inverted ", said X";
//! - a quotation that ends with "?" or "!" takes the speaker of the short attribution after it
//!   ("“Why wait?” Pakistan asked.");
//! - quotations: a sentence that opens a quotation continued in the next sentences of its
//!   paragraph takes the speaker named where the quotation closes ("“... . ...,” she said");
//! - continuation: a sentence with no speaker of its own continues the last speaker of its
//!   paragraph (unless another actor opens it), and a paragraph that is all quotation continues
//!   the last speaker before it;
//! - an article's own voice ([`voice`]): an official statement's first-person voice is the
//!   state or organisation that delivers it (given by the record's metadata, named in a header
//!   line, or naming itself in a delivered statement), an opinion piece's is its outlet (a
//!   masthead's organisation); sentences with no other speaker are that voice's.
//!
//! A person speaks for the state they are affiliated with (a representative for their country),
//! the head or spokesperson of an intergovernmental body for that body, an office of a state
//! ("Permanent Mission of Kenya") for the state; other people, bodies, organisations and groups
//! speak for themselves ([`speaker_of`]). A mention that is only
//! the object of a sentence ("X was attacked", "talks between X and Y continued", "attacks by X")
//! is no speaker, nor is one inside what another speaker reports ("Chile suggested that the OEWG
//! could ...": the OEWG is not a speaker).
//!
//! A sentence that restates the one before ("This was echoed by Canada") is marked so, and takes
//! that sentence's targets.
//!
//! Files: `sentence` (a sentence's word tokens, headings, quotation marks), `speakers` (the
//! explicit patterns of one sentence), `continuation` (sentences without a speaker of their own),
//! `voice` (the article's own voice); this one joins them over an article and reads
//! `state_office` and `head_role` (who speaks for whom). The words the patterns
//! look for are classes of `models/stance/cues.tsv` (`Attributor::cues`, loaded once per run):
//! `speakers` and `continuation` name the ones they read (lists: `list_intro`, `list_filler`;
//! plural anaphors: `group_anaphor`; conveners: `convene_verb`, `meeting_noun`,
//! `convening_document`); `sentence` reads none.

mod continuation;
mod sentence;
mod speakers;
#[cfg(test)]
mod tests;
mod voice;

use crate::text::Text;
use std::collections::HashMap;

use super::cues::Cues;
use crate::actors::{Kind, Linked, MentionAt};
use continuation::continued;
use sentence::{is_heading, Sentence};

/// One attributed sentence.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// Byte span of the sentence.
    pub span: (usize, usize),
    /// Speakers: indices into [`Linked::actors`], in text order, no repeats.
    pub speakers: Vec<usize>,
    /// Index (into the article's statements) of the statement this one restates.
    pub restates: Option<usize>,
}

/// What a sentence says of itself, before continuation is resolved.
struct Info {
    span: (usize, usize),
    paragraph: usize,
    new_paragraph: bool,
    speakers: Vec<usize>,
    anaphoric: bool,
    /// Its subject is a plural anaphor ("These delegations ...", "They ..."): it takes the
    /// speakers of the statement before it.
    group: bool,
    /// It names a convener or a convener's document; opens with that document.
    convening: bool,
    opens_document: bool,
    /// The speaker of a mention that opens the sentence.
    subject: Option<usize>,
    opens_quote: bool,
    closes_quote: bool,
    /// Ends with a closing quotation mark (perhaps after ? or !).
    ends_quote: bool,
    words: usize,
}

/// Who speaks for each actor (indices into [`Linked::actors`]): a person for the state they are
/// affiliated with (a representative for their country), the head or spokesperson of an
/// intergovernmental body for it (a `head_role` word among the four before a mention or the
/// six after it: "Secretary-General António Guterres", "X, the UNODC Executive Director"; an
/// office named for its body, "the UN Secretary-General", for that body when the article names
/// it), an office of a state ("Permanent Mission of Kenya", "Ministry of Foreign Affairs of
/// Japan": a `state_office` word in its name and a state named inside it, or named as one of the
/// state's mentions) for that state; every
/// other actor for itself (staff of a body, companies' executives, academics).
pub(crate) fn speaker_of(t: &Text, linked: &Linked, cues: &Cues) -> Vec<usize> {
    let actors = &linked.actors;
    let index: HashMap<&str, usize> = actors.iter().enumerate().map(|(i, a)| (a.id.as_str(), i)).collect();
    let name_words = |a: usize| -> Vec<String> {
        crate::text::segments(&actors[a].name)
            .map(|(_, w)| w.to_lowercase())
            .filter(|w| !w.trim().is_empty())
            .collect()
    };
    // a state named inside an office's mention
    let office_state = |a: usize| -> Option<usize> {
        let actor = &actors[a];
        let office = name_words(a).iter().any(|w| cues.state_office.contains(w));
        if !office || !matches!(actor.kind, Kind::Org | Kind::Igo) {
            return None;
        }
        let name = format!(" {} ", name_words(a).join(" "));
        actors.iter().position(|s| {
            s.kind == Kind::State
                && s.mentions.iter().any(|&(ms, me)| {
                    actor
                        .mentions
                        .iter()
                        .any(|&(os, oe)| os <= ms && me <= oe && (os, oe) != (ms, me))
                        || name.contains(&format!(" {} ", t.text[ms..me].to_lowercase()))
                })
        })
    };
    let own = |a: usize| -> usize {
        match actors[a].kind {
            Kind::State | Kind::Igo => a,
            _ => office_state(a).unwrap_or(a),
        }
    };
    // a head_role word near one of the person's mentions, or in their name (an office)
    let heads = |a: usize| -> bool {
        name_words(a).iter().any(|w| cues.head_role.contains(w))
            || actors[a].mentions.iter().any(|&(s, e)| {
                let before = t.words_in((0, s));
                let after = t.words_in((e, t.text.len()));
                before
                    .iter()
                    .rev()
                    .take(4)
                    .chain(after.iter().take(6))
                    .any(|w| cues.head_role.contains(&w.lower))
            })
    };
    (0..actors.len())
        .map(|a| {
            if actors[a].kind != Kind::Person {
                return own(a);
            }
            let affiliated = actors[a]
                .affiliation
                .as_deref()
                .and_then(|aff| index.get(aff))
                .map(|&b| own(b));
            match affiliated {
                Some(b) if actors[b].kind == Kind::State => b,
                Some(b) if actors[b].kind == Kind::Igo && heads(a) => b,
                // an office named for its body ("UN Secretary-General")
                None if heads(a) => name_words(a)
                    .iter()
                    .find_map(|w| index.get(w.as_str()).copied().filter(|&b| actors[b].kind == Kind::Igo))
                    .unwrap_or(a),
                _ => a,
            }
        })
        .collect()
}

/// The speakers' mentions, sorted, each with the actor that speaks for it ([`speaker_of`]).
fn speaker_mentions(linked: &Linked, speaker: &[usize]) -> Vec<MentionAt> {
    let mut v: Vec<MentionAt> = Vec::new();
    for (a, actor) in linked.actors.iter().enumerate() {
        v.extend(actor.mentions.iter().map(|&(s, e)| MentionAt::new(s, e, speaker[a])));
    }
    // nested mentions ("ODA" inside "the head of the ODA"): the outer one speaks
    v.sort_unstable_by_key(|m| (m.start, std::cmp::Reverse(m.end)));
    let mut out: Vec<MentionAt> = Vec::with_capacity(v.len());
    for m in v {
        if out.last().is_none_or(|l| m.start >= l.end) {
            out.push(m);
        }
    }
    out
}

/// What attribution finds in an article.
#[derive(Debug, Clone, Default)]
pub struct Attributed {
    /// Every sentence that has a speaker.
    pub statements: Vec<Statement>,
    /// Per actor: the actor that speaks for it ([`speaker_of`]).
    pub speaker_of: Vec<usize>,
    /// The article's own first-person voice (a statement's speaker, an outlet), if any.
    pub voice: Option<usize>,
}

pub struct Attributor<'c> {
    pub cues: &'c Cues,
}

impl Attributor<'_> {
    /// The statements of an article: every sentence of its text layer that has a speaker.
    pub fn statements(&self, t: &Text, linked: &Linked) -> Vec<Statement> {
        self.attributed(t, linked).statements
    }

    /// The statements of an article, with who speaks for each actor and the article's own voice.
    pub fn attributed(&self, t: &Text, linked: &Linked) -> Attributed {
        let text = t.text;
        let speaker = speaker_of(t, linked, self.cues);
        let mentions = speaker_mentions(linked, &speaker);
        let outlet = self.voice(t, linked, &speaker);
        // first what each sentence says of itself
        let infos = self.infos(t, &mentions);
        // then continuation, quotations whose speaker comes after them, and the author's voice
        Attributed {
            statements: continued(text, &infos, outlet),
            speaker_of: speaker,
            voice: outlet,
        }
    }

    /// What each sentence (not a heading) says of itself.
    fn infos(&self, t: &Text, mentions: &[MentionAt]) -> Vec<Info> {
        let (text, sentences) = (t.text, &t.sentences);
        let mut infos: Vec<Info> = Vec::with_capacity(sentences.len());
        let mut paragraph = 0;
        let mut prev_end = 0;
        for &(s, e) in sentences {
            let new_paragraph = text[prev_end..s].contains('\n');
            if new_paragraph {
                paragraph += 1;
            }
            prev_end = e;
            let sentence = Sentence::new(t, (s, e));
            if sentence.toks.is_empty() || is_heading(text, (s, e), &sentence) {
                continue;
            }
            let lo = mentions.partition_point(|m| m.start < s);
            let here: Vec<MentionAt> = mentions[lo..].iter().take_while(|m| m.end <= e).copied().collect();
            let speakers = self.speakers(&sentence, &here);
            let (opens, closes) = crate::text::quotes::balance(&text[s..e]);
            infos.push(Info {
                span: (s, e),
                paragraph,
                new_paragraph,
                anaphoric: !speakers.is_empty() && self.anaphoric(&sentence),
                group: self.group_subject(&sentence),
                convening: self.convening(&sentence),
                opens_document: self.opens_document(&sentence),
                // another actor as the sentence's subject: no continuation
                subject: here.first().filter(|m| sentence.at(m.start) == 0).map(|m| m.actor),
                speakers,
                opens_quote: opens,
                closes_quote: closes,
                ends_quote: text[s..e].ends_with(['”', '"']),
                words: sentence.toks.len(),
            });
        }
        infos
    }
}
