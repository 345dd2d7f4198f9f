//! Pass 4, mentions that are not names: offices and bodies the scan found ("the
//! Secretary-General"), pronouns (he/she, they, "we" in a quotation, cataphora such as "In her
//! remarks, Ambassador X said"), the group of speakers ("the panellists"), and descriptions that
//! start with "the" (in `definite`).
//!
//! Reads `models/gazetteer/words.tsv`: `pronoun_person`, `pronoun_group`, `pronoun_we`, `address`
//! (no pronoun: "His Excellency"), `group_role` and `article`.

use super::{overlaps_sorted, Article, Who, GROUP_REACH, PERSON_REACH};
use crate::actors::gazetteer::Entry;
use crate::actors::MentionAt;

/// How far a pronoun looks ahead for the name it announces, and back for an opening quote (bytes).
const CATAPHOR_REACH: usize = 200;
const QUOTE_REACH: usize = 1500;

impl Article<'_> {
    /// The mentions that are not names, added to `mentions` (sorted by start first, for `cataphor`):
    /// `named` (offices and bodies the scan found), then pronouns and descriptions outside
    /// entities and those, in text order.
    pub(super) fn descriptions(&mut self, named: &[(usize, usize, Entry)]) {
        self.mentions.sort_unstable();
        self.named_descriptions = self.named_mentions(named);
        let entity_spans = self.entity_spans();
        let named: Vec<(usize, usize)> = self.named_descriptions.iter().map(|f| (f.start, f.end)).collect();
        let mut i = 0;
        while i < self.toks.len() {
            let (s, e) = self.toks[i];
            if overlaps_sorted(&entity_spans, s, e) || overlaps_sorted(&named, s, e) {
                i += 1;
                continue;
            }
            match self.reference_at(i) {
                Some(m) => {
                    self.described.push(m);
                    i = self.tok_at(m.end);
                }
                None => i += 1,
            }
        }
        let named = std::mem::take(&mut self.named_descriptions);
        let described = std::mem::take(&mut self.described);
        self.mentions.extend(named.into_iter().chain(described));
    }

    /// The mentions of offices and bodies the gazetteer scan found as descriptions, sorted.
    fn named_mentions(&mut self, named: &[(usize, usize, Entry)]) -> Vec<MentionAt> {
        let mut found: Vec<MentionAt> = Vec::new();
        for &(s, e, entry) in named {
            let a = match entry {
                Entry::Office(o) => {
                    let name = self.g.offices[o].name.clone();
                    self.actor(Who::Office(o), &name)
                }
                Entry::Body(b) => self.body_actor(b),
                _ => continue,
            };
            found.push(MentionAt::new(s, e, a));
        }
        found.sort_unstable();
        found
    }

    /// The pronoun, group of speakers ("the panellists") or description that starts at token `i`,
    /// as a mention of the actor it refers to.
    fn reference_at(&mut self, i: usize) -> Option<MentionAt> {
        let (s, e) = self.toks[i];
        let w = self.t((s, e));
        let lw = w.to_lowercase();
        let words = &self.g.words;
        // "his Excellency", "Her Majesty": a form of address, not a mention
        let address = i + 1 < self.toks.len() && words.address.contains(self.t(self.toks[i + 1]));
        if words.pronoun_person.contains(&lw) && !address {
            self.cataphor(s)
                .or_else(|| self.last_before(s, PERSON_REACH, |a| self.is_person(a) && !self.is_office(a)))
                .map(|actor| MentionAt::new(s, e, actor))
        } else if words.pronoun_group.contains(&lw) {
            self.last_before(s, GROUP_REACH, |a| self.actors[a].who == Who::Group)
                .map(|actor| MentionAt::new(s, e, actor))
        } else if words.pronoun_we.contains(&lw) && crate::text::quotes::in_quote(self.text, s, QUOTE_REACH) {
            let speaker = self.last_before(s, PERSON_REACH, |a| {
                self.is_person(a)
                    && self.actors[a]
                        .affiliation
                        .is_some_and(|x| matches!(self.actors[x].who, Who::State(_)))
            });
            speaker
                .and_then(|p| self.actors[p].affiliation)
                .map(|actor| MentionAt::new(s, e, actor))
        } else if words.group_role.contains(&lw) {
            let start = self.with_determiner(s, &words.article);
            let a = self.actor(Who::Group, "panellists");
            Some(MentionAt::new(start, e, a))
        } else if words.article.contains(&lw) {
            self.description_at(i)
        } else {
            None
        }
    }

    /// "In his remarks, Ambassador X said": a pronoun in a short fronted phrase refers to the first
    /// person named after the comma in the same sentence.
    fn cataphor(&self, pos: usize) -> Option<usize> {
        // at most two words since the sentence began (looked for within 60 bytes)
        let from = self.char_floor(pos.saturating_sub(60));
        let sentence_start = match self.text[from..pos].rfind(['.', '!', '?', '\n']) {
            Some(i) => from + i + 1,
            None if from == 0 => 0,
            None => return None,
        };
        if self.text[sentence_start..pos].split_whitespace().count() > 2 {
            return None;
        }
        let rest = &self.text[pos..self.char_floor(pos + CATAPHOR_REACH)];
        let comma = pos + rest.find(',').filter(|&c| c < 60)?;
        let end = pos + rest.find(['.', '!', '?', '\n']).unwrap_or(rest.len());
        let k = self.mentions.partition_point(|m| m.start <= comma);
        self.mentions[k..]
            .iter()
            .take_while(|m| m.start < end)
            .find(|m| self.is_person(m.actor) && !self.is_office(m.actor))
            .map(|m| m.actor)
    }
}
