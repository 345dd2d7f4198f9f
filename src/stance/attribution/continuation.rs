//! Speakers across sentences: a quotation takes the speaker named after it, a sentence without a
//! speaker of its own continues the last speaker of its paragraph (a paragraph that is all
//! quotation, the last speaker before it), and in an opinion piece (the author says "we" or "I"
//! outside quotations) with a masthead, the outlet speaks where no one else does. A sentence whose
//! subject is a plural anaphor ("These delegations ...") takes the speakers before it, and one that
//! opens with a convener's document ("The concept note ...") speaks for its convener.
//!
//! Reads `models/stance/cues.tsv`: `first_person` and `roman_numeral` (the author's voice).

use super::sentence::is_quotation;
use super::{Attributor, Info, Statement};
use crate::actors::{Kind, Linked};

/// Longest sentence (words) that is only an attribution ("Pakistan asked.").
const ATTRIBUTION_WORDS: usize = 6;

/// How many sentences ahead a quotation's speaker is looked for.
const QUOTE_SENTENCES: usize = 4;

/// Times the author must say "we"/"I" outside quotes for an article to be an opinion piece.
pub(super) const OPINION_FIRST_PERSON: usize = 2;

/// The statements of an article from what each sentence says of itself: its own speakers, else
/// those of a quotation's attribution after it, else the last speaker continued, else the outlet.
pub(super) fn continued(text: &str, infos: &[Info], outlet: Option<usize>) -> Vec<Statement> {
    let mut out: Vec<Statement> = Vec::new();
    let mut last: Option<(Vec<usize>, usize)> = None; // speakers and paragraph of the last statement
    let mut convener: Option<Vec<usize>> = None; // who convened the meeting or wrote its document
    for (i, info) in infos.iter().enumerate() {
        let (s, e) = info.span;
        let restates = info.anaphoric.then(|| out.len().checked_sub(1)).flatten();
        let mut speakers = info.speakers.clone();
        if info.convening && !speakers.is_empty() {
            convener = Some(speakers.clone());
        }
        // a plural anaphor as subject: the speakers of the statement before, in this paragraph or
        // the one before
        match &last {
            // (a pronoun the linker resolved to one actor stands unless the speakers before are many)
            Some((who, p))
                if info.group
                    && (info.subject.is_none() || who.len() > 1)
                    && (*p == info.paragraph || (info.new_paragraph && *p + 1 == info.paragraph)) =>
            {
                speakers = who.clone();
            }
            _ => {}
        }
        if speakers.is_empty() && info.opens_document {
            speakers = convener.clone().unwrap_or_default();
        }
        if speakers.is_empty() {
            speakers = quotation_speakers(infos, i);
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

/// The speakers of sentence `i` when it is part of a quotation whose speaker is named after it.
fn quotation_speakers(infos: &[Info], i: usize) -> Vec<usize> {
    let info = &infos[i];
    if info.ends_quote {
        // "“Why would anyone oppose it?” Pakistan asked.": a short attribution after it
        if let Some(next) = infos
            .get(i + 1)
            .filter(|x| x.paragraph == info.paragraph && x.words <= ATTRIBUTION_WORDS && !x.speakers.is_empty())
        {
            return next.speakers.clone();
        }
    }
    if info.opens_quote {
        // "“First sentence. Second sentence,” she said.": the speaker who closes it
        return infos[i + 1..]
            .iter()
            .take(QUOTE_SENTENCES)
            .take_while(|x| x.paragraph == info.paragraph)
            .find(|x| x.closes_quote)
            .map(|x| x.speakers.clone())
            .unwrap_or_default();
    }
    Vec::new()
}

impl Attributor<'_> {
    /// How often the author says "we"/"our"/"I" outside quotations, and where the first sentence
    /// that does so starts (the body of a statement, after its header lines).
    pub(super) fn first_person(&self, text: &str, sentences: &[(usize, usize)]) -> (usize, Option<usize>) {
        let mut first_person = 0;
        let mut body = None;
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
            for (_, w) in crate::text::segments(&text[s..e]) {
                if matches!(w, "“" | "”" | "\"") {
                    quoted = if w == "\"" { !quoted } else { w == "“" };
                    continue;
                }
                if w.trim().is_empty() {
                    continue;
                }
                let lower = w.to_lowercase();
                // a Roman numeral ("I") counts only in capitals, and not after a capitalised word
                // ("Annex I", "Part I")
                let counts = if self.cues.roman_numeral.contains(&lower) {
                    w != lower && !previous.starts_with(char::is_uppercase) && fp.contains(w)
                } else {
                    fp.contains(&lower)
                };
                if !quoted && counts {
                    first_person += 1;
                    body.get_or_insert(s);
                }
                previous = w;
            }
        }
        (first_person, body)
    }

    /// The outlet of an opinion piece: an organisation in its masthead.
    pub(super) fn masthead_outlet(&self, text: &str, linked: &Linked) -> Option<usize> {
        let (start, line_end) = crate::text::masthead(text)?;
        linked.actors.iter().position(|a| {
            matches!(a.kind, Kind::Org | Kind::Igo) && a.mentions.iter().any(|&(s, e)| s >= start && e <= line_end)
        })
    }
}
