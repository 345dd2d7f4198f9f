//! The explicit patterns of one sentence: subjects of reporting verbs (through appositions,
//! possessives, role words and coordination, but not after a preposition), passive agents,
//! framings ("according to X", "in X's view", "on behalf of X") and inverted ", said X".
//!
//! Reads `models/stance/cues.tsv`: `report_verb`, `passive_verb`, `agent_preposition` and
//! `verb_particle` (passive agents); `framing`, `framing_preposition` and `framing_noun`
//! (framings); `speaker_role`, `verb_modifier`, `clause_opener`, `preposition`, `role_preposition`
//! and `conjunction` (subjects); `list_link`, `list_intro`, `list_filler` and `article` (lists of
//! mentions); `convene_verb`, `meeting_noun`, `convening_document` (conveners); `anaphor` and
//! `group_anaphor`.

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

/// Words of a group before a `list_intro` ("A number of countries, such as").
const GROUP_WORDS: usize = 6;

/// Words a description of a list's member may take between commas, in a list of four or more.
const LIST_DESCRIPTION: usize = 10;

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
            // a convening participle after a meeting ("the meeting, convened by Kenya", "the
            // concept note prepared by Kenya")
            let convened = |k: usize| {
                c.convene_verb.contains(st.word(k))
                    && (k.saturating_sub(3)..k).any(|j| c.meeting_noun.contains(st.word(j)))
            };
            let after_by = c.agent_preposition.contains(w)
                && (1..=PARTICIPLE_REACH.min(i)).any(|k| {
                    (participle(st.word(i - k)) || convened(i - k)) && (i - k + 1..i).all(|j| between(st.word(j)))
                });
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

    /// The speakers of the subjects of reporting verbs, with the mentions coordinated before each
    /// (a list of any length, perhaps introduced by a `list_intro` after a group: "Several
    /// delegations, including A, B and C, expressed").
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
            let before = self.coordinated(st, here, k);
            let first = before.last().map_or(m, |&j| &here[j]);
            let intro = self.introduced(st, st.at(first.start));
            let listed = intro || !before.is_empty();
            let opens = intro || self.at_clause_start(st, st.at(first.start));
            if let Some(verb) = self.subject_of_report(st, m, last, opens, listed) {
                if intro || !self.after_preposition(st, st.at(first.start)) {
                    reported_from = st.toks[verb].end;
                    found.extend(before.iter().rev().map(|&j| here[j].actor));
                    found.push(m.actor);
                }
            }
        }
        found
    }

    /// A word that makes its subject a speaker: a reporting verb, or a convening verb in the past
    /// with a `meeting_noun` among the four words after it ("Kenya convened an open debate", not
    /// "the OEWG could organise meetings").
    fn reports(&self, st: &Sentence, i: usize) -> bool {
        let c = self.cues;
        let w = st.word(i);
        c.report_verb.contains(w)
            || (c.convene_verb.contains(w)
                && w.ends_with("ed")
                && (i + 1..(i + 5).min(st.toks.len())).any(|j| c.meeting_noun.contains(st.word(j))))
    }

    /// Token `i` (a list's first mention, "the" before it skipped) follows a `list_intro` that
    /// follows a group as a subject: at most six words from the clause's start, with no
    /// preposition but "of" and no clause opener among them ("A number of countries, such as", "States
    /// including").
    fn introduced(&self, st: &Sentence, mut i: usize) -> bool {
        let c = self.cues;
        if i > 0 && c.article.contains(st.word(i - 1)) && st.gap(i - 1, i).trim().is_empty() {
            i -= 1;
        }
        let words: Vec<&str> = st.toks.iter().map(|t| t.lower.as_str()).collect();
        let Some(n) =
            (1..=2.min(i)).find(|&n| c.list_intro.ends_at(&words, i - 1) && c.list_intro.at(&words, i - n) == Some(n))
        else {
            return false;
        };
        let intro = i - n;
        let mut j = intro;
        let mut count = 0;
        while j > 0 && count <= GROUP_WORDS {
            let gap = st.gap(j - 1, j);
            if gap.contains([':', ';', '“', '”', '"']) || (gap.contains(',') && j != intro) {
                break;
            }
            let w = st.word(j - 1);
            // ("states" is also a verb: only prepositions and clause openers end the group)
            if (c.preposition.contains(w) && !c.role_preposition.contains(w))
                || (c.clause_opener.contains(w) && !c.article.contains(w))
            {
                return false;
            }
            j -= 1;
            count += 1;
        }
        (1..=GROUP_WORDS).contains(&count)
    }

    /// After a list's last mention, the words that close it ("and others", "and its member
    /// states", "among others"): the index of the first token after them (`i` when none).
    fn list_tail(&self, st: &Sentence, i: usize) -> usize {
        let c = self.cues;
        let mut j = i;
        while j < st.toks.len()
            && matches!(st.gap(j - 1, j).trim(), "" | ",")
            && (c.list_filler.contains(st.word(j))
                || c.conjunction.contains(st.word(j))
                || c.article.contains(st.word(j)))
        {
            j += 1;
        }
        // only words that close a list ("others"), not a conjunction before the next subject
        if (i..j).any(|k| c.list_filler.contains(st.word(k)) && !c.conjunction.contains(st.word(k))) {
            j
        } else {
            i
        }
    }

    /// The mention is followed by a reporting verb: directly, after modifiers ("also", "has"),
    /// after the words that close a list ("and others"), after an apposition between commas, or
    /// after a possessive and up to three role words (perhaps with the speaker's name between
    /// commas: "Canada's representative, Dan Brown, said"); or a possessive names a convener's
    /// document ("Kenya's concept note"). `opens`: the mention (or its list) opens a clause;
    /// `listed`: it ends a list (then a comma may close the list before the verb).
    fn subject_of_report(&self, st: &Sentence, m: &MentionAt, last: usize, opens: bool, listed: bool) -> Option<usize> {
        let c = self.cues;
        let mut i = last + 1;
        let words: Vec<&str> = st.toks.iter().map(|t| t.lower.as_str()).collect();
        // a possessive and role words: "Pakistan's representative said"
        if st.text[m.end..].starts_with("'s")
            || st.text[m.end..].starts_with("’s")
            || st.text[m.end..].starts_with("' ")
            || st.text[m.end..].starts_with("’ ")
        {
            if i < st.toks.len() && c.convening_document.at(&words, i).is_some() {
                return Some(i);
            }
            let mut k = i;
            while k < st.toks.len() && k < i + 3 && !self.reports(st, k) {
                if k > i && st.gap(k - 1, k).trim() == "," {
                    break;
                }
                k += 1;
            }
            if k < st.toks.len()
                && k > i
                && st.gap(k - 1, k).trim() == ","
                && (i..k).all(|j| {
                    c.speaker_role.contains(st.word(j))
                        || c.head_role.contains(st.word(j))
                        || st.text[st.toks[j].start..].starts_with(char::is_uppercase)
                })
            {
                // "Canada's representative, Dan Brown, said"
                let close = (k + 1..st.toks.len())
                    .take_while(|&j| st.toks[j].seg_start - st.toks[k].start <= APPOSITION_REACH)
                    .find(|&j| st.gap(j - 1, j).trim() == ",")?;
                let mut v = close;
                while v < st.toks.len() && c.verb_modifier.contains(st.word(v)) {
                    v += 1;
                }
                return (v < st.toks.len() && self.reports(st, v)).then_some(v);
            }
            return (k < st.toks.len() && self.reports(st, k) && k > i).then_some(k);
        }
        i = self.list_tail(st, i);
        if i < st.toks.len() && st.gap(i - 1, i).trim() == "," && opens {
            // "A, B and C, expressed" (a list between commas): the verb right after the comma
            let mut v = i;
            while v < st.toks.len() && c.verb_modifier.contains(st.word(v)) {
                v += 1;
            }
            if listed && v < st.toks.len() && self.reports(st, v) {
                return Some(v);
            }
            // "X, deputy representative of Y, said": the closing comma within reach
            if let Some(close) = (i + 1..st.toks.len())
                .take_while(|&k| st.toks[k].seg_start - m.end <= APPOSITION_REACH)
                .find(|&k| st.gap(k - 1, k).trim() == ",")
            {
                i = close;
            } else {
                return None;
            }
        } else if i < st.toks.len() && !st.gap(i - 1, i).trim().is_empty() {
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
        (i < st.toks.len() && self.reports(st, i)).then_some(i)
    }

    /// Token `i` starts the sentence or follows a comma, colon, quote or "that", perhaps after
    /// capitalised titles ("Ambassador Aamir Khan").
    fn at_clause_start(&self, st: &Sentence, mut i: usize) -> bool {
        if i >= st.toks.len() {
            return false; // a mention after the last word (inside one, with odd spans) opens nothing
        }
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

    /// Mentions coordinated before `here[k]` ("Canada, Chile, and Colombia", "the EU and its
    /// member states, Japan, Peru"): their indices. A link is a conjunction, or commas with
    /// articles and `list_filler` words; there must be a conjunction somewhere in the list or
    /// right after it ("A, B, C, and others"), or a `list_intro` before it.
    fn coordinated(&self, st: &Sentence, here: &[MentionAt], k: usize) -> Vec<usize> {
        let c = self.cues;
        let mut out = Vec::new();
        let mut conjunction = false;
        let mut description = false;
        let mut j = k;
        while j > 0 {
            let gap = st.text[here[j - 1].end..here[j].start].trim();
            let bare = gap.trim_start_matches(',').trim();
            let words: Vec<String> = crate::text::segments(bare)
                .map(|(_, w)| w.to_lowercase())
                .filter(|w| w.chars().any(char::is_alphanumeric))
                .collect();
            let is_conj = c.conjunction.contains(bare) || words.iter().any(|w| c.conjunction.contains(w.as_str()));
            let filler = words.iter().all(|w| {
                c.conjunction.contains(w.as_str())
                    || c.article.contains(w.as_str())
                    || c.list_filler.contains(w.as_str())
            });
            // a long list may describe a member between commas ("Albania, the country of the
            // association process, Bosnia"), or name its group in brackets ("San Marino (EU)")
            let described = gap.ends_with(',')
                && words.len() <= LIST_DESCRIPTION
                && words.iter().all(|w| {
                    let w = w.as_str();
                    !c.report_verb.contains(w) && (!c.preposition.contains(w) || c.role_preposition.contains(w))
                });
            if (filler && (is_conj || gap.starts_with(',') || gap == "(")) || described {
                conjunction |= is_conj;
                description |= described && !filler;
                out.push(j - 1);
                j -= 1;
            } else {
                break;
            }
        }
        if description && out.len() < 3 {
            return Vec::new();
        }
        if conjunction || out.is_empty() {
            return out;
        }
        // no conjunction between the mentions: one right after the last, or an intro before
        let after = st.at(here[k].end);
        let tail_conj = (after..self.list_tail(st, after)).any(|i| c.conjunction.contains(st.word(i)));
        let first = st.at(here[*out.last().unwrap()].start);
        if tail_conj || self.introduced(st, first) {
            out
        } else {
            Vec::new()
        }
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

    /// The sentence's subject is a plural anaphor (a `group_anaphor`): it opens the sentence, or
    /// follows an opening phrase and a comma and comes before a reporting verb ("With this in
    /// mind, these states made ...", "In addition, these states reiterated ...").
    pub(super) fn group_subject(&self, st: &Sentence) -> bool {
        let c = self.cues;
        let words: Vec<&str> = st.toks.iter().map(|t| t.lower.as_str()).collect();
        if let Some(n) = c.group_anaphor.at(&words, 0) {
            // not "Both the US and China said" or "They" before a mention's list
            return st
                .toks
                .get(n)
                .is_some_and(|t| !st.text[t.start..].starts_with(char::is_uppercase));
        }
        (1..words.len().min(12)).any(|i| {
            st.gap(i - 1, i).trim() == ","
                && c.group_anaphor.at(&words, i).is_some_and(|n| {
                    let mut v = i + n;
                    while v < words.len() && c.verb_modifier.contains(words[v]) {
                        v += 1;
                    }
                    v < words.len() && (c.report_verb.contains(words[v]) || c.convene_verb.contains(words[v]))
                })
        })
    }

    /// The sentence names a meeting's convener or a convener's document: a convening verb, or a
    /// `convening_document` (the speakers it has speak for later sentences on that document).
    pub(super) fn convening(&self, st: &Sentence) -> bool {
        let c = self.cues;
        let words: Vec<&str> = st.toks.iter().map(|t| t.lower.as_str()).collect();
        c.convening_document.find(&words).is_some() || words.iter().any(|w| c.convene_verb.contains(*w))
    }

    /// The sentence opens with a convener's document ("The concept note also calls ...").
    pub(super) fn opens_document(&self, st: &Sentence) -> bool {
        let words: Vec<&str> = st.toks.iter().map(|t| t.lower.as_str()).collect();
        let i = usize::from(self.cues.article.contains(st.word(0)));
        self.cues.convening_document.at(&words, i).is_some()
    }

    /// The sentence starts with an anaphor ("This was echoed", "A similar suggestion, made by").
    pub(super) fn anaphoric(&self, st: &Sentence) -> bool {
        let words: Vec<&str> = st.toks.iter().map(|t| t.lower.as_str()).collect();
        self.cues.anaphor.at(&words, 0).is_some()
    }
}
