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
//! - an opinion piece's own voice: when the author writes "we"/"our"/"I" outside quotations at
//!   least twice, the article is an opinion piece, and sentences with no other speaker are the
//!   outlet's, when a masthead (a short first line holding an organisation) names it.
//!
//! A person speaks for the state they are affiliated with (a representative for their country);
//! other people, bodies, organisations and groups speak for themselves. A mention that is only
//! the object of a sentence ("X was attacked", "talks between X and Y continued", "attacks by X")
//! is no speaker.
//!
//! A sentence that restates the one before ("This was echoed by Canada") is marked so, and takes
//! that sentence's targets.

use std::collections::HashMap;

use unicode_segmentation::UnicodeSegmentation;

use super::cues::Cues;
use crate::actors::{Kind, Linked, MentionAt};

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

/// Bytes an apposition between a subject and its verb may take.
const APPOSITION_REACH: usize = 160;
/// Times the author must say "we"/"I" outside quotes for an article to be an opinion piece.
const OPINION_FIRST_PERSON: usize = 2;

/// What a sentence says of itself, before continuation is resolved.
struct Info {
    span: (usize, usize),
    paragraph: usize,
    new_paragraph: bool,
    speakers: Vec<usize>,
    anaphoric: bool,
    /// The speaker of a mention that opens the sentence.
    subject: Option<usize>,
    opens_quote: bool,
    closes_quote: bool,
    /// Ends with a closing quotation mark (perhaps after ? or !).
    ends_quote: bool,
    words: usize,
}

/// Longest sentence (words) that is only an attribution ("Pakistan asked.").
const ATTRIBUTION_WORDS: usize = 6;

/// How many sentences ahead a quotation's speaker is looked for.
const QUOTE_SENTENCES: usize = 4;

/// Whether a sentence leaves a quotation open (more opening than closing marks, or an odd number
/// of straight quotes that starts it) and whether it closes one opened before it.
fn quote_balance(s: &str) -> (bool, bool) {
    let open = s.matches('“').count();
    let close = s.matches('”').count();
    let straight = s.matches('"').count() % 2 == 1;
    let starts = s.trim_start().starts_with('"');
    (
        open > close || (straight && starts),
        close > open || (straight && !starts),
    )
}

struct Sentence<'t> {
    /// Word tokens: (start, end) bytes and the lower-cased word.
    toks: Vec<(usize, usize, String)>,
    text: &'t str,
}

impl<'t> Sentence<'t> {
    fn new(text: &'t str, (s, e): (usize, usize)) -> Self {
        let toks = text[s..e]
            .split_word_bound_indices()
            .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
            .map(|(i, w)| (s + i, s + i + w.len(), w.to_lowercase()))
            .collect();
        Sentence { toks, text }
    }

    fn word(&self, i: usize) -> &str {
        self.toks.get(i).map_or("", |t| t.2.as_str())
    }

    /// Index of the first token starting at or after `byte`.
    fn at(&self, byte: usize) -> usize {
        self.toks.partition_point(|t| t.0 < byte)
    }

    fn gap(&self, a: usize, b: usize) -> &'t str {
        &self.text[self.toks[a].1..self.toks[b].0]
    }
}

/// The speakers' mentions, sorted, with people resolved to their state (a person affiliated with a
/// state speaks for it; every other actor for itself): the actor of each is its speaker.
fn speaker_mentions(linked: &Linked) -> Vec<MentionAt> {
    let states: HashMap<&str, usize> = linked
        .actors
        .iter()
        .enumerate()
        .filter(|(_, a)| a.kind == Kind::State)
        .map(|(i, a)| (a.id.as_str(), i))
        .collect();
    let mut v: Vec<MentionAt> = Vec::new();
    for (a, actor) in linked.actors.iter().enumerate() {
        let speaker = match (&actor.kind, &actor.affiliation) {
            (Kind::Person, Some(aff)) => states.get(aff.as_str()).copied().unwrap_or(a),
            _ => a,
        };
        v.extend(actor.mentions.iter().map(|&(s, e)| MentionAt::new(s, e, speaker)));
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

pub struct Attributor<'c> {
    pub cues: &'c Cues,
}

impl Attributor<'_> {
    /// The statements of an article: every sentence (byte spans from [`crate::text::sentences`])
    /// that has a speaker.
    pub fn statements(&self, text: &str, sentences: &[(usize, usize)], linked: &Linked) -> Vec<Statement> {
        let mentions = speaker_mentions(linked);
        let outlet = self.opinion_outlet(text, sentences, linked);
        // first what each sentence says of itself
        let mut infos: Vec<Info> = Vec::with_capacity(sentences.len());
        let mut paragraph = 0;
        let mut prev_end = 0;
        for &(s, e) in sentences {
            let new_paragraph = text[prev_end..s].contains('\n');
            if new_paragraph {
                paragraph += 1;
            }
            prev_end = e;
            let sentence = Sentence::new(text, (s, e));
            if sentence.toks.is_empty() || is_heading(text, (s, e), &sentence) {
                continue;
            }
            let lo = mentions.partition_point(|m| m.start < s);
            let here: Vec<MentionAt> = mentions[lo..].iter().take_while(|m| m.end <= e).copied().collect();
            let speakers = self.speakers(&sentence, &here);
            let (opens, closes) = quote_balance(&text[s..e]);
            infos.push(Info {
                span: (s, e),
                paragraph,
                new_paragraph,
                anaphoric: !speakers.is_empty() && self.anaphoric(&sentence),
                // another actor as the sentence's subject: no continuation
                subject: here.first().filter(|m| sentence.at(m.start) == 0).map(|m| m.actor),
                speakers,
                opens_quote: opens,
                closes_quote: closes,
                ends_quote: text[s..e].ends_with(['”', '"']),
                words: sentence.toks.len(),
            });
        }
        // then continuation, quotations whose speaker comes after them, and the author's voice
        let mut out: Vec<Statement> = Vec::new();
        let mut last: Option<(Vec<usize>, usize)> = None; // speakers and paragraph of the last statement
        for (i, info) in infos.iter().enumerate() {
            let (s, e) = info.span;
            let restates = info.anaphoric.then(|| out.len().checked_sub(1)).flatten();
            let mut speakers = info.speakers.clone();
            if speakers.is_empty() && info.ends_quote {
                // "“Why would anyone oppose it?” Pakistan asked.": a short attribution after it
                if let Some(next) = infos
                    .get(i + 1)
                    .filter(|x| x.paragraph == info.paragraph && x.words <= ATTRIBUTION_WORDS && !x.speakers.is_empty())
                {
                    speakers = next.speakers.clone();
                }
            }
            if speakers.is_empty() && info.opens_quote {
                // "“First sentence. Second sentence,” she said.": the speaker who closes it
                speakers = infos[i + 1..]
                    .iter()
                    .take(QUOTE_SENTENCES)
                    .take_while(|x| x.paragraph == info.paragraph)
                    .find(|x| x.closes_quote)
                    .map(|x| x.speakers.clone())
                    .unwrap_or_default();
            }
            if speakers.is_empty() {
                let all_quote = info.new_paragraph && is_quotation(&text[s..e]);
                let continues = match &last {
                    Some((who, p)) if *p == info.paragraph || all_quote => Some(who.clone()),
                    _ => None,
                };
                speakers = match continues {
                    Some(who) if info.subject.is_none_or(|a| who.contains(&a)) => who,
                    _ => outlet.into_iter().collect(),
                };
                if speakers.is_empty() {
                    continue;
                }
                if outlet.is_some_and(|o| speakers == [o]) {
                    // the author's voice does not carry over to the next sentence
                    out.push(Statement {
                        span: (s, e),
                        speakers,
                        restates: None,
                    });
                    continue;
                }
            }
            last = Some((speakers.clone(), info.paragraph));
            out.push(Statement {
                span: (s, e),
                speakers,
                restates,
            });
        }
        out
    }

    /// Speakers named in one sentence by the explicit patterns.
    fn speakers(&self, st: &Sentence, here: &[MentionAt]) -> Vec<usize> {
        let c = self.cues;
        // framings ("according to X", "in X's view", "speaking for X") and passive agents ("was
        // highlighted by X"): mentions in a list after "to" / "of" / "for" / "by"
        let mut framed: Vec<usize> = Vec::new();
        let mut framing = false;
        for i in 0..st.toks.len() {
            let w = st.word(i);
            // a participle right before "by" ("echoed by", "was highlighted by"), perhaps with an
            // adverb or particle between ("strongly supported by", "put forward by")
            let participle = |v: &str| {
                (c.report_verb.contains(v) && (v.ends_with("ed") || v.ends_with('d'))) || c.passive_verb.contains(v)
            };
            let after_by = w == "by"
                && i >= 1
                && (participle(st.word(i - 1))
                    || (i >= 2
                        && participle(st.word(i - 2))
                        && (st.word(i - 1).ends_with("ly") || matches!(st.word(i - 1), "forward" | "out" | "up"))));
            // "..., said Russia", "“...,” said the EU"
            let inverted = c.report_verb.contains(w)
                && i >= 1
                && st.gap(i - 1, i).contains([',', '”', '"'])
                && st.toks.get(i + 1).is_some();
            let according = w == "to" && i >= 1 && st.word(i - 1) == "according";
            let view_of = w == "of" && i >= 2 && st.word(i - 1) == "view" && st.word(i - 2) == "the";
            let for_whom = (w == "for" && i >= 1 && st.word(i - 1) == "speaking")
                || (w == "of" && i >= 2 && st.word(i - 1) == "behalf" && st.word(i - 2) == "on");
            let mut got = Vec::new();
            if after_by || according || view_of || for_whom || inverted {
                got = self.list_at(st, here, i + 1);
            } else if w == "view" && i >= 2 {
                // "In Chile's view", "In the United States' view"
                let possessor = here.iter().find(|m| {
                    m.end <= st.toks[i].0 && matches!(st.text[m.end..st.toks[i].0].trim(), "'s" | "’s" | "'" | "’") && {
                        let j = st.at(m.start);
                        let j = if j >= 1 && st.word(j - 1) == "the" { j - 1 } else { j };
                        j >= 1 && st.word(j - 1) == "in"
                    }
                });
                got.extend(possessor.map(|m| m.actor));
            }
            framing |= !got.is_empty() && !after_by && !inverted;
            framed.extend(got);
        }
        let mut found: Vec<usize> = Vec::new();
        // subjects of reporting verbs, unless a framing names the speaker: then the rest of the
        // sentence is what they said ("In Chile's view, the OEWG could recommend ...")
        if !framing {
            // what a speaker reports: mentions after its verb are inside it ("Chile suggested
            // that the OEWG could recognise ...")
            let mut reported_from = usize::MAX;
            for (k, m) in here.iter().enumerate() {
                if m.start >= reported_from {
                    break;
                }
                let last = st.at(m.end).saturating_sub(1);
                if let Some(verb) = self.subject_of_report(st, m, last) {
                    let before = self.coordinated(st, here, k);
                    let first = before.last().map_or(m, |&j| &here[j]);
                    if !self.after_preposition(st, st.at(first.start)) {
                        reported_from = st.toks[verb].1;
                        found.extend(before.iter().rev().map(|&j| here[j].actor));
                        found.push(m.actor);
                    }
                }
            }
        }
        found.extend(framed);
        let mut seen = Vec::with_capacity(found.len());
        found.retain(|a| {
            let new = !seen.contains(a);
            seen.push(*a);
            new
        });
        found
    }

    /// The mention is followed by a reporting verb: directly, after modifiers ("also", "has"),
    /// after an apposition between commas, or after a possessive and up to three role words.
    fn subject_of_report(&self, st: &Sentence, m: &MentionAt, last: usize) -> Option<usize> {
        let c = self.cues;
        let mut i = last + 1;
        // a possessive and role words: "Pakistan's representative said"
        if st.text[m.end..].starts_with("'s") || st.text[m.end..].starts_with("’s") {
            let mut k = i;
            while k < st.toks.len() && k < i + 3 && !c.report_verb.contains(st.word(k)) {
                k += 1;
            }
            return (k < st.toks.len() && c.report_verb.contains(st.word(k)) && k > i).then_some(k);
        }
        if i < st.toks.len() && st.gap(last, i).trim() == "," && self.at_clause_start(st, st.at(m.start)) {
            // "X, deputy representative of Y, said": the closing comma within reach
            if let Some(close) = (i + 1..st.toks.len())
                .take_while(|&k| st.toks[k].0 - m.end <= APPOSITION_REACH)
                .find(|&k| st.gap(k - 1, k).trim() == ",")
            {
                i = close;
            } else {
                return None;
            }
        } else if i < st.toks.len() && !st.gap(last, i).trim().is_empty() {
            return None;
        }
        // role nouns: "The United States delegate said", "the Japanese delegation noted"
        let roles_from = i;
        while i < st.toks.len() && i < roles_from + 3 && c.speaker_role.contains(st.word(i)) {
            i += 1;
        }
        while i < st.toks.len() && c.verb_modifier.contains(st.word(i)) {
            i += 1;
        }
        (i < st.toks.len() && c.report_verb.contains(st.word(i))).then_some(i)
    }

    /// Token `i` starts the sentence or follows a comma, colon, quote or "that", perhaps after
    /// capitalised titles ("Ambassador Aamir Khan").
    fn at_clause_start(&self, st: &Sentence, mut i: usize) -> bool {
        while i > 0 && st.gap(i - 1, i).trim().is_empty() && st.text[st.toks[i - 1].0..].starts_with(char::is_uppercase)
        {
            i -= 1;
        }
        i == 0 || {
            let gap = st.gap(i - 1, i);
            gap.contains([',', ':', ';', '“', '”', '"']) || matches!(st.word(i - 1), "that" | "and" | "but" | "the")
        }
    }

    /// Token `i` (a subject candidate, titles and "the" before it skipped) follows a preposition:
    /// an object ("talks between the US and China continued"), not a subject.
    fn after_preposition(&self, st: &Sentence, mut i: usize) -> bool {
        while i > 0
            && st.gap(i - 1, i).trim().is_empty()
            && (st.text[st.toks[i - 1].0..].starts_with(char::is_uppercase) || st.word(i - 1) == "the")
        {
            i -= 1;
        }
        // "The representative of Brazil said": the role speaks for its state
        let role_of = i >= 2 && st.word(i - 1) == "of" && self.cues.speaker_role.contains(st.word(i - 2));
        i > 0
            && !role_of
            && st.gap(i - 1, i).trim().is_empty()
            && matches!(
                st.word(i - 1),
                "between"
                    | "with"
                    | "among"
                    | "amongst"
                    | "on"
                    | "of"
                    | "against"
                    | "by"
                    | "from"
                    | "for"
                    | "to"
                    | "in"
                    | "at"
                    | "about"
                    | "over"
                    | "into"
                    | "toward"
                    | "towards"
                    | "under"
                    | "including"
                    | "like"
                    | "than"
                    | "via"
                    | "without"
            )
    }

    /// Mentions coordinated before `here[k]` ("Canada, Chile, and Colombia"): their indices. The
    /// last link must be a conjunction; commas link the ones before it.
    fn coordinated(&self, st: &Sentence, here: &[MentionAt], k: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut j = k;
        while j > 0 {
            let gap = st.text[here[j - 1].end..here[j].start].trim();
            let conjunction = matches!(gap.trim_start_matches(',').trim(), "and" | "or" | "as well as");
            if conjunction || (!out.is_empty() && gap == ",") {
                out.push(j - 1);
                j -= 1;
            } else {
                break;
            }
        }
        out
    }

    /// The speakers of a list of mentions starting at token `i` ("Canada, Chile, and Colombia").
    fn list_at(&self, st: &Sentence, here: &[MentionAt], i: usize) -> Vec<usize> {
        let Some(first) = st.toks.get(i).map(|t| t.0) else {
            return Vec::new();
        };
        let k = here.partition_point(|m| m.start < first);
        let Some(k) = (k < here.len()
            && (here[k].start == first || (st.word(i) == "the" && st.at(here[k].start) == i + 1)))
            .then_some(k)
        else {
            return Vec::new();
        };
        let mut out = vec![here[k].actor];
        let mut j = k;
        while j + 1 < here.len() {
            let gap = st.text[here[j].end..here[j + 1].start].trim();
            let gap = gap.trim_start_matches(',').trim();
            if matches!(gap, "and" | "or" | "" | "and the" | "the") {
                out.push(here[j + 1].actor);
                j += 1;
            } else {
                break;
            }
        }
        out
    }

    /// The sentence starts with an anaphor ("This was echoed", "A similar suggestion, made by").
    fn anaphoric(&self, st: &Sentence) -> bool {
        let words: Vec<&str> = st.toks.iter().map(|t| t.2.as_str()).collect();
        self.cues.anaphor.at(&words, 0).is_some()
    }

    /// The outlet, when the article is an opinion piece with a masthead.
    fn opinion_outlet(&self, text: &str, sentences: &[(usize, usize)], linked: &Linked) -> Option<usize> {
        let mut first_person = 0;
        // the quotation state runs across sentences; a paragraph break ends it
        let mut quoted = false;
        let mut prev_end = 0;
        let fp = &self.cues.first_person;
        for &(s, e) in sentences {
            if text[prev_end..s].contains("\n\n") {
                quoted = false;
            }
            prev_end = e;
            let mut previous = "";
            for (_, w) in text[s..e].split_word_bound_indices() {
                if matches!(w, "“" | "”" | "\"") {
                    quoted = if w == "\"" { !quoted } else { w == "“" };
                    continue;
                }
                if w.trim().is_empty() {
                    continue;
                }
                let lower = w.to_lowercase();
                // "I" after a capitalised word is a numeral ("Annex I", "Part I")
                let pronoun_i = w == "I" && !previous.starts_with(char::is_uppercase);
                if !quoted && ((pronoun_i && fp.contains(w)) || (lower != "i" && fp.contains(&lower))) {
                    first_person += 1;
                }
                previous = w;
            }
        }
        if first_person < OPINION_FIRST_PERSON {
            return None;
        }
        let start = text.len() - text.trim_start().len();
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let line = text[start..line_end].trim();
        if line.split_whitespace().count() > 5 || line.ends_with(['.', '!', '?']) {
            return None;
        }
        linked.actors.iter().position(|a| {
            matches!(a.kind, Kind::Org | Kind::Igo) && a.mentions.iter().any(|&(s, e)| s >= start && e <= line_end)
        })
    }
}

/// A line without sentence punctuation at its end: a heading or a caption, not a statement.
fn is_heading(text: &str, (s, e): (usize, usize), st: &Sentence) -> bool {
    let own_line = text[..s].ends_with(['\n']) || s == 0 || text[..s].trim_end_matches([' ', '\t']).ends_with('\n');
    let ends = text[s..e].trim_end_matches(['"', '”', '’', '\'', ')']);
    own_line && !ends.ends_with(['.', '!', '?', ':', ';']) && st.toks.len() < 20
}

/// The sentence is a quotation throughout.
fn is_quotation(s: &str) -> bool {
    let s = s.trim();
    (s.starts_with('“') || s.starts_with('"')) && (s.ends_with('”') || s.ends_with('"') || s.ends_with(".”"))
}

#[cfg(test)]
mod tests {
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
        let sentences = crate::text::sentences(text, &cues().abbreviation);
        Attributor { cues: cues() }
            .statements(text, &sentences, &linked)
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

    #[test]
    fn subjects_of_reporting_verbs_with_modifiers_and_coordination() {
        let t = "Pakistan underlined the need for capacity-building. Ukraine also noted that norms matter. \
                 Brazil and France underlined best practices. Canada, Chile, and Colombia agreed.";
        let got = attribute(t, &[]);
        assert_eq!(
            speakers(&got),
            [vec!["PAK"], vec!["UKR"], vec!["BRA", "FRA"], vec!["CAN", "CHL", "COL"]]
        );
    }

    #[test]
    fn passive_agents_according_to_views_and_final_attribution() {
        let t = "The need for rules was highlighted by Iraq. This was echoed by Canada, Chile, and Colombia. \
                 According to South Africa, capacity raises resilience. In Chile's view, the OEWG could study threats. \
                 States should not harm vulnerable groups, Costa Rica emphasised.";
        let got = attribute(t, &[]);
        assert_eq!(
            speakers(&got),
            [
                vec!["IRQ"],
                vec!["CAN", "CHL", "COL"],
                vec!["ZAF"],
                vec!["CHL"],
                vec!["CRI"]
            ]
        );
    }

    #[test]
    fn representatives_speak_for_their_state_and_pronouns_continue() {
        let t = "Ambassador Aamir Khan, deputy permanent representative of Pakistan, said a treaty was needed. \
                 He continued that capacity mattered. The Pakistani envoy said more.\n\n\
                 Ms. Izumi Nakamitsu warned of attacks. She urged caution.";
        let got = attribute(
            t,
            &[
                ("Aamir Khan", "PER"),
                ("Pakistan", "LOC"),
                ("Pakistani", "MISC"),
                ("Izumi Nakamitsu", "PER"),
            ],
        );
        assert_eq!(
            speakers(&got),
            [
                vec!["PAK"],
                vec!["PAK"],
                vec!["PAK"],
                vec!["izumi-nakamitsu"],
                vec!["izumi-nakamitsu"]
            ]
        );
    }

    #[test]
    fn continuation_within_a_paragraph_and_a_quoted_paragraph() {
        let t = "Costa Rica emphasised inclusion. Governments must engage civil society.\n\n\
                 Those efforts must respect rights.\n\n\
                 Nakamitsu said the UN stands ready.\n\n\
                 “Perspectives from the private sector are unique.”";
        let got = attribute(t, &[("Nakamitsu", "PER"), ("UN", "ORG")]);
        let texts: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
        // the second sentence continues Costa Rica; a new paragraph without a speaker does not
        assert_eq!(
            texts,
            [
                "Costa Rica emphasised inclusion.",
                "Governments must engage civil society.",
                "Nakamitsu said the UN stands ready.",
                "“Perspectives from the private sector are unique.”"
            ]
        );
        assert_eq!(speakers(&got)[1], ["CRI"]);
        assert_eq!(speakers(&got)[3], ["nakamitsu"]);
    }

    #[test]
    fn a_quotation_takes_the_speaker_named_where_it_closes() {
        let t = "Nakamitsu said little.\n\n“Rules exist. They must be applied,” Ms. Ana Lopez said. Others left.";
        let got = attribute(t, &[("Nakamitsu", "PER"), ("Ana Lopez", "PER")]);
        let texts: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Nakamitsu said little.",
                "“Rules exist.",
                "They must be applied,” Ms. Ana Lopez said.",
                "Others left."
            ]
        );
        assert_eq!(
            speakers(&got)[1..],
            [vec!["ana-lopez"], vec!["ana-lopez"], vec!["ana-lopez"]]
        );
    }

    #[test]
    fn quotations_with_the_speaker_after_them_and_negated_verbs() {
        let t = "Brazil stressed capacity building. “We reject any new treaty!” Russia said. \
                 “We reject it too,” said the United States. Russia does not support a new treaty.";
        let got = attribute(t, &[]);
        let texts: Vec<&str> = got.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Brazil stressed capacity building.",
                "“We reject any new treaty!”",
                "Russia said.",
                "“We reject it too,” said the United States.",
                "Russia does not support a new treaty."
            ]
        );
        assert_eq!(
            speakers(&got),
            [vec!["BRA"], vec!["RUS"], vec!["RUS"], vec!["USA"], vec!["RUS"]]
        );
    }

    #[test]
    fn objects_of_prepositions_are_not_subjects_but_a_role_of_a_state_is() {
        let t = "Pakistan highlighted attacks by Russia on hospitals.\n\nTalks between the US and China continued. \
                 The representative of Brazil said norms matter. In South Africa’s view, the OEWG could act.";
        let got = attribute(t, &[]);
        assert_eq!(speakers(&got), [vec!["PAK"], vec!["BRA"], vec!["ZAF"]]);
    }

    #[test]
    fn mentioned_attacked_or_reported_actors_are_not_speakers() {
        let t = "Estonia was attacked in 2007. Talks with Georgia stalled. \
                 Chile suggested that the OEWG could recognise the GFCE. \
                 In a meeting at the UN Security Council, Pakistan highlighted the risks.";
        let got = attribute(t, &[("UN Security Council", "ORG")]);
        assert_eq!(speakers(&got), [vec!["CHL"], vec!["PAK"]]);
    }

    #[test]
    fn an_opinion_pieces_own_voice_is_the_outlets() {
        let t = "NetMag Global\nA binding instrument offers a path forward. We must act together, and our \
                 future depends on it. Pakistan said aid was needed.";
        let got = attribute(t, &[("NetMag", "ORG")]);
        assert_eq!(
            speakers(&got),
            [vec!["netmag-global"], vec!["netmag-global"], vec!["PAK"]]
        );
        // "US" and roman numerals are not the author's voice
        let t = "Reuters\nAnnex I lists the measures. Part I covers ransomware. The US and the UK met.";
        assert!(attribute(t, &[("Reuters", "ORG")]).is_empty());
        // the same text without "we"/"our" is a report: no author's voice
        let t = "NetMag Global\nA binding instrument offers a path forward. Pakistan said aid was needed.";
        let got = attribute(t, &[("NetMag", "ORG")]);
        assert_eq!(speakers(&got), [vec!["PAK"]]);
    }
}
