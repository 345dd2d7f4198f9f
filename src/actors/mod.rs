//! Actors: who the entities of an article are. Links every mention to a canonical actor (states to
//! ISO 3166-1 alpha-3, bodies to the gazetteer's ids, people and other organisations to slugs of
//! their names), refines entity labels (LOC -> GPE, nationality MISC -> NORP, bodies -> ORG), and
//! finds mentions that are not names ("the Pakistani envoy", "the country", "she").
//!
//! [`gazetteer`] loads the data; [`link`] holds the rules, applied in text order:
//! 1. Entity spans lose a leading "the", a person's leading titles ("Ms.", "Ambassador") and a
//!    trailing possessive; a dateline ("UNITED NATIONS (APP):") stays LOC and names no actor.
//!    A span that is only a generic technology or plural (`not_entity` in `words.tsv`: "ICTs",
//!    "CERTs", "Internet"; a plural acronym) or a lower-case word the gazetteer does not know is
//!    dropped.
//! 2. An acronym the article defines ("Official Development Assistance (ODA)") means what it
//!    defines there, before any gazetteer entry. Otherwise each span is looked up: a state's name
//!    (GPE) or nationality word (NORP) links to the state, unless it is a US state ("the US state
//!    of Georgia", "the state of Georgia"; "the State of Palestine" is a state); a capital links to its state only when it acts
//!    ("Islamabad said", "Moscow's position"); a body links to its id (ORG). Other LOC spans become
//!    GPE unless they are regions; other ORG and PER spans become actors, clustered: an acronym
//!    defined in brackets or spelling an earlier name's initials, a surname after a full name,
//!    a body's short form ("Council") after the body, unless it is part of another name ("the
//!    National Assembly", "Council on Foreign Relations").
//! 3. Gazetteer names the model missed are added as entities (`source: gazetteer`).
//! 4. Descriptions and pronouns join the actor they refer to: "the country" the last state,
//!    "the <modifiers> envoy/official/chief..." the person named right after it in apposition,
//!    else the last person (one of the named state's, or of no known state, when a state is named
//!    before the role or after "of"; "the head of state" is nobody), offices ("the Secretary-General") their holder, "the panellists" the
//!    article's group of speakers, he/she/his/her the last person (or, in a short fronted phrase
//!    such as "In her remarks, Ambassador X said", the person named after the comma; never "His
//!    Excellency"), they/their that group, and
//!    "we"/"our" in a quotation the state of the last person who has one.
//! 5. A person's affiliation comes from an apposition ("X, deputy permanent representative of
//!    Pakistan") or a preceding modifier ("Pakistan's ambassador X", "UN official X").

pub mod gazetteer;
pub mod link;

use std::path::Path;

pub use gazetteer::{Gazetteer, Kind};

use crate::error::Result;
use crate::ner::Span;

/// One actor of an article as the linker found it. Offsets are bytes into the text (the output's
/// actor, with code-point spans, is [`crate::record::Actor`]).
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedActor {
    /// ISO3 for states, the gazetteer id for bodies and offices, a slug of the name otherwise.
    pub id: String,
    pub name: String,
    pub kind: Kind,
    /// ISO 3166-1 alpha-3, for states.
    pub code: Option<String>,
    /// The actor id a person speaks for or belongs to.
    pub affiliation: Option<String>,
    /// Byte spans of its mentions, sorted.
    pub mentions: Vec<(usize, usize)>,
}

/// An actor's mention at a byte span of the text, as the linker and the attribution of statements
/// work with it (the output's mention is [`crate::record::Mention`]). Ordered by start, end, then
/// actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct MentionAt {
    /// Byte offset of its first character.
    pub(crate) start: usize,
    /// Byte offset just past its end.
    pub(crate) end: usize,
    /// Index of the actor mentioned (while linking, of the linker's actors; after, of
    /// [`Linked::actors`]).
    pub(crate) actor: usize,
}

impl MentionAt {
    pub(crate) const fn new(start: usize, end: usize, actor: usize) -> Self {
        MentionAt { start, end, actor }
    }
}

/// An entity after linking.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkedEntity {
    pub span: Span,
    /// Index into [`Linked::actors`].
    pub actor: Option<usize>,
    /// Added from the gazetteer, not found by the model.
    pub from_gazetteer: bool,
}

/// The actors of one article, and its entities with refined labels.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Linked {
    pub entities: Vec<LinkedEntity>,
    pub actors: Vec<LinkedActor>,
    /// The actor the record's metadata names as the speaker of its first-person voice (index into
    /// `actors`; see [`Linked::add_voices`]).
    pub voice: Option<usize>,
    /// The actor the record's metadata names as its publisher (an opinion piece's outlet).
    pub publisher: Option<usize>,
}

impl Linked {
    /// Takes the speaker and publisher of the record's metadata ([`crate::corpus::Voices`]): the
    /// actor of the article with that code or id (case-insensitive) or name, else a new actor
    /// without mentions (a state when the code is three capital letters, else an organisation;
    /// a speaker known only from the page is still an actor, corpus/README.md).
    pub fn add_voices(&mut self, v: &crate::corpus::Voices) {
        if v.speaker.is_some() || v.speaker_code.is_some() {
            self.voice = Some(self.actor_for(v.speaker.as_deref(), v.speaker_code.as_deref()));
        }
        if let Some(p) = &v.publisher {
            self.publisher = Some(self.actor_for(Some(p), None));
        }
    }

    fn actor_for(&mut self, name: Option<&str>, code: Option<&str>) -> usize {
        let fold = |s: &str| {
            s.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_lowercase)
                .collect::<String>()
        };
        let found = self.actors.iter().position(|a| {
            code.is_some_and(|c| {
                a.id.eq_ignore_ascii_case(c) || a.code.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(c))
            }) || (code.is_none() && name.is_some_and(|n| fold(&a.name) == fold(n)))
        });
        if let Some(a) = found {
            return a;
        }
        let state = code.filter(|c| c.len() == 3 && c.chars().all(|x| x.is_ascii_uppercase()));
        let name = name.or(code).unwrap_or_default().to_string();
        self.actors.push(LinkedActor {
            id: state.map_or_else(
                || code.map_or_else(|| link::slug(&name), str::to_string),
                str::to_string,
            ),
            kind: if state.is_some() { Kind::State } else { Kind::Org },
            code: state.map(str::to_string),
            name,
            affiliation: None,
            mentions: Vec::new(),
        });
        self.actors.len() - 1
    }
}

/// Links the entities of articles to actors; cheap to share between threads.
pub struct Linker {
    pub gazetteer: Gazetteer,
}

impl Linker {
    pub fn load(dir: &Path) -> Result<Linker> {
        Ok(Linker {
            gazetteer: Gazetteer::load(dir)?,
        })
    }

    /// Links one article's entities (byte spans from the NER model, sorted).
    pub fn link(&self, text: &str, spans: &[Span]) -> Linked {
        self.link_text(&crate::text::Text::new(text, &Default::default()), spans)
    }

    /// [`Linker::link`] over an article's text layer, split once for every stage.
    pub fn link_text(&self, text: &crate::text::Text, spans: &[Span]) -> Linked {
        link::Article::new(&self.gazetteer, text).run(spans)
    }
}
