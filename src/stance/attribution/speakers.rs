//! The explicit patterns of one sentence: subjects of reporting verbs (through appositions,
//! possessives, role words and coordination, but not after a preposition), passive agents,
//! framings ("according to X", "in X's view", "on behalf of X") and inverted ", said X".
//!
//! Reads `models/stance/cues.tsv`: `report_verb`, `passive_verb`, `agent_preposition` and
//! `verb_particle` (passive agents); `framing`, `framing_preposition` and `framing_noun`
//! (framings); `speaker_role`, `verb_modifier`, `clause_opener`, `preposition`, `role_preposition`
//! and `conjunction` (subjects); `list_link` and `article` (lists of mentions); `anaphor`.

use super::sentence::Sentence;
use super::Attributor;
use crate::actors::MentionAt;

/// Bytes an apposition between a subject and its verb may take.
const APPOSITION_REACH: usize = 160;

/// Words from a passive participle to its "by", the participle included ("raised once again by").
const PARTICIPLE_REACH: usize = 4;

/// Role words a framing or an inverted verb may name before "of" and the state ("said the
/// permanent representative of India").
const ROLE_WORDS: usize = 3;

impl Attributor<'_> {
    /// Speakers named in one sentence by the explicit patterns.
    pub(super) fn speakers(&self, st: &Sentence, here: &[MentionAt]) -> Vec<usize> {
        let (framed, framing) = self.framed(st, here);
        // subjects of reporting verbs, unless a framing names the speaker: then the rest of the
        // sentence is what they said ("In Chile's view, the OEWG could recommend ...")
        let mut found = if framing { Vec::new() } else { self.subjects(st, here) };
        found.extend(framed);
        let mut seen = Vec::with_capacity(found.len());
        found.retain(|a| {
            let new = !seen.contains(a);
            seen.push(*a);
            new
        });
        found
    }

    /// Framings ("according to X", "in X's view", "speaking for X") and passive agents ("was
    /// highlighted by X"): the speakers of mentions in a list after "to" / "of" / "for" / "by",
    /// and whether a framing (not a passive agent or an inverted ", said X") names one.
    fn framed(&self, st: &Sentence, here: &[MentionAt]) -> (Vec<usize>, bool) {
        let c = self.cues;
        let words: Vec<&str> = st.toks.iter().map(|t| t.lower.as_str()).collect();
        let mut framed: Vec<usize> = Vec::new();
        let mut framing = false;
        for i in 0..st.toks.len() {
            let w = st.word(i);
            // a participle right before "by" ("echoed by", "was highlighted by"), perhaps with
            // adverbs, modifiers or a particle between
            let participle = |v: &str| {
                (c.report_verb.contains(v) && (v.ends_with("ed") || v.ends_with('d'))) || c.passive_verb.contains(v)
            };
            // ("strongly supported by", "put forward by", "raised once again by")
            let between = |v: &str| v.ends_with("ly") || c.verb_particle.contains(v) || c.verb_modifier.contains(v);
            let after_by = c.agent_preposition.contains(w)
                && (1..=PARTICIPLE_REACH.min(i))
                    .any(|k| participle(st.word(i - k)) && (i - k + 1..i).all(|j| between(st.word(j))));
            // "..., said Russia", "“...,” said the EU"
            let inverted = c.report_verb.contains(w)
                && i >= 1
                && st.gap(i - 1, i).contains([',', '”', '"'])
                && st.toks.get(i + 1).is_some();
            // "according to X", "on behalf of X"
            let framed_by = c.framing.ends_at(&words, i);
            let mut got = Vec::new();
            if after_by || framed_by || inverted {
                got = self.list_at(st, here, i + 1);
            } else if c.framing_noun.contains(w) && i >= 2 {
                // "In Chile's view", "In the United States' view"
                let possessor = here.iter().find(|m| {
                    m.end <= st.toks[i].seg_start
                        && matches!(st.text[m.end..st.toks[i].seg_start].trim(), "'s" | "’s" | "'" | "’")
                        && {
                            let j = st.at(m.start);
                            let j = if j >= 1 && c.article.contains(st.word(j - 1)) {
                                j - 1
                            } else {
                                j
                            };
                            j >= 1 && c.framing_preposition.contains(st.word(j - 1))
                        }
                });
                got.extend(possessor.map(|m| m.actor));
            }
            framing |= !got.is_empty() && !after_by && !inverted;
            framed.extend(got);
        }
        (framed, framing)
    }

    /// The speakers of the subjects of reporting verbs, with the mentions coordinated before each.
    fn subjects(&self, st: &Sentence, here: &[MentionAt]) -> Vec<usize> {
        let mut found: Vec<usize> = Vec::new();
        // what a speaker reports: mentions after its verb are inside it ("Chile suggested that the
        // OEWG could recognise ...")
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
                    reported_from = st.toks[verb].end;
                    found.extend(before.iter().rev().map(|&j| here[j].actor));
                    found.push(m.actor);
                }
            }
        }
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
                .take_while(|&k| st.toks[k].seg_start - m.end <= APPOSITION_REACH)
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
        while i > 0
            && st.gap(i - 1, i).trim().is_empty()
            && st.text[st.toks[i - 1].seg_start..].starts_with(char::is_uppercase)
        {
            i -= 1;
        }
        i == 0 || {
            let gap = st.gap(i - 1, i);
            gap.contains([',', ':', ';', '“', '”', '"']) || self.cues.clause_opener.contains(st.word(i - 1))
        }
    }

    /// Token `i` (a subject candidate, titles and "the" before it skipped) follows a preposition:
    /// an object ("talks between the US and China continued"), not a subject.
    fn after_preposition(&self, st: &Sentence, mut i: usize) -> bool {
        let c = self.cues;
        while i > 0
            && st.gap(i - 1, i).trim().is_empty()
            && (st.text[st.toks[i - 1].seg_start..].starts_with(char::is_uppercase)
                || c.article.contains(st.word(i - 1)))
        {
            i -= 1;
        }
        // "The representative of Brazil said": the role speaks for its state
        let role_of = i >= 2 && c.role_preposition.contains(st.word(i - 1)) && c.speaker_role.contains(st.word(i - 2));
        i > 0 && !role_of && st.gap(i - 1, i).trim().is_empty() && c.preposition.contains(st.word(i - 1))
    }

    /// Mentions coordinated before `here[k]` ("Canada, Chile, and Colombia"): their indices. The
    /// last link must be a conjunction; commas link the ones before it.
    fn coordinated(&self, st: &Sentence, here: &[MentionAt], k: usize) -> Vec<usize> {
        let mut out = Vec::new();
        let mut j = k;
        while j > 0 {
            let gap = st.text[here[j - 1].end..here[j].start].trim();
            let conjunction = self.cues.conjunction.contains(gap.trim_start_matches(',').trim());
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
    fn list_at(&self, st: &Sentence, here: &[MentionAt], mut i: usize) -> Vec<usize> {
        let c = self.cues;
        // "the representative of India", "the permanent representative of the Russian Federation"
        let mut j = i + usize::from(c.article.contains(st.word(i)));
        let roles_from = j;
        while j < roles_from + ROLE_WORDS && c.speaker_role.contains(st.word(j)) {
            j += 1;
        }
        if j > roles_from && c.role_preposition.contains(st.word(j)) {
            i = j + 1;
        }
        let Some(first) = st.toks.get(i).map(|t| t.seg_start) else {
            return Vec::new();
        };
        let k = here.partition_point(|m| m.start < first);
        let Some(k) = (k < here.len()
            && (here[k].start == first || (self.cues.article.contains(st.word(i)) && st.at(here[k].start) == i + 1)))
            .then_some(k)
        else {
            return Vec::new();
        };
        let mut out = vec![here[k].actor];
        let mut j = k;
        while j + 1 < here.len() {
            let gap = st.text[here[j].end..here[j + 1].start].trim();
            let gap = gap.trim_start_matches(',').trim();
            if gap.is_empty() || self.cues.list_link.contains(gap) {
                out.push(here[j + 1].actor);
                j += 1;
            } else {
                break;
            }
        }
        out
    }

    /// The sentence starts with an anaphor ("This was echoed", "A similar suggestion, made by").
    pub(super) fn anaphoric(&self, st: &Sentence) -> bool {
        let words: Vec<&str> = st.toks.iter().map(|t| t.lower.as_str()).collect();
        self.cues.anaphor.at(&words, 0).is_some()
    }
}
