//! The gazetteer: states, bodies and closed word classes, loaded from `models/gazetteer/*.tsv`
//! (format and provenance in that directory's README.md).
//!
//! Lookup of a surface string: exact first (case-sensitive; acronyms only ever match this way),
//! then, for names, variants, demonyms and capitals of at least 4 characters, ignoring case
//! ("security Council"). Whitespace runs (non-breaking spaces too) count as one space, and curly
//! apostrophes as straight ones.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::tsv::{list, Table};

/// What kind of actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    State,
    Igo,
    Org,
    Person,
    Group,
}

impl Kind {
    fn parse(s: &str) -> Option<Kind> {
        Some(match s {
            "state" => Kind::State,
            "igo" => Kind::Igo,
            "org" => Kind::Org,
            "person" => Kind::Person,
            "group" => Kind::Group,
            _ => return None,
        })
    }
}

#[derive(Debug, Clone)]
pub struct State {
    pub alpha3: String,
    pub name: String,
}

#[derive(Debug, Clone)]
pub struct Body {
    pub id: String,
    pub kind: Kind,
    pub name: String,
    /// Forms that name the body only after it was mentioned ("Council").
    pub short: Vec<String>,
}

/// A person known by office ("Secretary-General").
#[derive(Debug, Clone)]
pub struct Office {
    pub id: String,
    pub name: String,
}

/// What a surface string names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entry {
    /// The state's name or a variant.
    StateName(usize),
    /// A nationality word of the state.
    Demonym(usize),
    /// The state's capital (a metonym only in context).
    Capital(usize),
    /// A body's name, variant or acronym.
    Body(usize),
    /// An office held by one person.
    Office(usize),
}

/// Closed word classes of `words.tsv`.
#[derive(Debug, Default)]
pub struct Words {
    pub title: HashSet<String>,
    pub role: HashSet<String>,
    pub group_role: HashSet<String>,
    pub pronoun_person: HashSet<String>,
    pub pronoun_group: HashSet<String>,
    pub pronoun_we: HashSet<String>,
    pub state_noun: HashSet<String>,
    pub org_noun: HashSet<String>,
    pub igo_noun: HashSet<String>,
    pub region: HashSet<String>,
    pub norp: HashSet<String>,
    pub agent_verb: HashSet<String>,
    pub not_entity: HashSet<String>,
    /// Function words of the linking rules (each class's use is in `words.tsv`).
    pub span_article: HashSet<String>,
    pub article: HashSet<String>,
    pub determiner: HashSet<String>,
    pub short_form_determiner: HashSet<String>,
    pub name_preposition: HashSet<String>,
    pub head_end: HashSet<String>,
    pub after_role: HashSet<String>,
    pub of_kind: HashSet<String>,
    pub affiliation_of: HashSet<String>,
    pub title_preposition: HashSet<String>,
    pub state_of: HashSet<String>,
    pub us_name: HashSet<String>,
    pub us_state_country: HashSet<String>,
    pub auxiliary: HashSet<String>,
    pub conjunction: HashSet<String>,
    pub address: HashSet<String>,
}

#[derive(Debug, Default)]
pub struct Gazetteer {
    pub states: Vec<State>,
    pub bodies: Vec<Body>,
    pub offices: Vec<Office>,
    pub words: Words,
    exact: HashMap<String, Entry>,
    folded: HashMap<String, Entry>,
    /// Longest surface form, in words (bounds the scans for names in text).
    pub max_words: usize,
}

/// The key of a surface string: whitespace runs as one space, curly apostrophes straight.
pub fn key(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ").replace('’', "'")
}

/// The case-insensitive key: also lower case, hyphens as spaces ("High Level" = "High-level").
fn folded_key(k: &str) -> String {
    k.to_lowercase().replace('-', " ")
}

impl Gazetteer {
    /// Loads `states.tsv`, `bodies.tsv` and `words.tsv` from `dir`.
    pub fn load(dir: &Path) -> Result<Gazetteer> {
        let mut g = Gazetteer::default();
        let states = Table::read(&dir.join("states.tsv"))?;
        let [a3, name, official, variants, demonyms, capitals] =
            ["alpha3", "name", "official", "variants", "demonyms", "capitals"].map(|c| states.col(c));
        let (a3, name, official, variants, demonyms, capitals) =
            (a3?, name?, official?, variants?, demonyms?, capitals?);
        for (line, row) in &states.rows {
            let i = g.states.len();
            g.states.push(State {
                alpha3: row[a3].clone(),
                name: row[name].clone(),
            });
            let names = std::iter::once(row[name].as_str())
                .chain(list(&row[official]))
                .chain(list(&row[variants]));
            for s in names {
                g.add(s, Entry::StateName(i), &states.path, *line)?;
            }
            for s in list(&row[demonyms]) {
                g.add(s, Entry::Demonym(i), &states.path, *line)?;
            }
            for s in list(&row[capitals]) {
                g.add(s, Entry::Capital(i), &states.path, *line)?;
            }
        }

        let bodies = Table::read(&dir.join("bodies.tsv"))?;
        let [id, kind, name, acronyms, variants, short] =
            ["id", "kind", "name", "acronyms", "variants", "short"].map(|c| bodies.col(c));
        let (id, kind, name, acronyms, variants, short) = (id?, kind?, name?, acronyms?, variants?, short?);
        for (line, row) in &bodies.rows {
            let i = g.bodies.len();
            let kind = Kind::parse(&row[kind]).ok_or_else(|| Error::Parse {
                path: bodies.path.clone(),
                line: *line,
                message: format!("unknown kind {:?}", row[kind]),
            })?;
            g.bodies.push(Body {
                id: row[id].clone(),
                kind,
                name: row[name].clone(),
                short: list(&row[short]).map(str::to_string).collect(),
            });
            for s in std::iter::once(row[name].as_str()).chain(list(&row[variants])) {
                g.add(s, Entry::Body(i), &bodies.path, *line)?;
            }
            for s in list(&row[acronyms]) {
                g.add_exact(s, Entry::Body(i), &bodies.path, *line)?;
            }
        }

        let words = Table::read(&dir.join("words.tsv"))?;
        let (class, items) = (words.col("class")?, words.col("words")?);
        for (line, row) in &words.rows {
            let set = match row[class].as_str() {
                "title" => &mut g.words.title,
                "role" => &mut g.words.role,
                "group_role" => &mut g.words.group_role,
                "pronoun_person" => &mut g.words.pronoun_person,
                "pronoun_group" => &mut g.words.pronoun_group,
                "pronoun_we" => &mut g.words.pronoun_we,
                "state_noun" => &mut g.words.state_noun,
                "org_noun" => &mut g.words.org_noun,
                "igo_noun" => &mut g.words.igo_noun,
                "region" => &mut g.words.region,
                "norp" => &mut g.words.norp,
                "agent_verb" => &mut g.words.agent_verb,
                "not_entity" => &mut g.words.not_entity,
                "span_article" => &mut g.words.span_article,
                "article" => &mut g.words.article,
                "determiner" => &mut g.words.determiner,
                "short_form_determiner" => &mut g.words.short_form_determiner,
                "name_preposition" => &mut g.words.name_preposition,
                "head_end" => &mut g.words.head_end,
                "after_role" => &mut g.words.after_role,
                "of_kind" => &mut g.words.of_kind,
                "affiliation_of" => &mut g.words.affiliation_of,
                "title_preposition" => &mut g.words.title_preposition,
                "state_of" => &mut g.words.state_of,
                "us_name" => &mut g.words.us_name,
                "us_state_country" => &mut g.words.us_state_country,
                "auxiliary" => &mut g.words.auxiliary,
                "conjunction" => &mut g.words.conjunction,
                "address" => &mut g.words.address,
                "office" => {
                    let mut parts = row[items].splitn(3, ':');
                    let (Some(oid), Some(oname), Some(forms)) = (parts.next(), parts.next(), parts.next()) else {
                        return Err(Error::Parse {
                            path: words.path.clone(),
                            line: *line,
                            message: "an office is `id:name:form|form...`".into(),
                        });
                    };
                    let i = g.offices.len();
                    g.offices.push(Office {
                        id: oid.to_string(),
                        name: oname.to_string(),
                    });
                    for s in list(forms) {
                        g.add_exact(s, Entry::Office(i), &words.path, *line)?;
                    }
                    continue;
                }
                other => {
                    return Err(Error::Parse {
                        path: words.path.clone(),
                        line: *line,
                        message: format!("unknown word class {other:?}"),
                    })
                }
            };
            set.extend(list(&row[items]).map(key));
        }
        Ok(g)
    }

    fn add_exact(&mut self, s: &str, e: Entry, path: &Path, line: usize) -> Result<()> {
        let k = key(s);
        self.max_words = self.max_words.max(k.split(' ').count());
        match self.exact.insert(k.clone(), e) {
            Some(old) if old != e => Err(Error::Parse {
                path: path.to_path_buf(),
                line,
                message: format!("{s:?} names two entries"),
            }),
            _ => Ok(()),
        }
    }

    fn add(&mut self, s: &str, e: Entry, path: &Path, line: usize) -> Result<()> {
        self.add_exact(s, e, path, line)?;
        let k = key(s);
        if k.chars().count() >= 4 {
            // Two entries that differ only by case keep neither folded form.
            let folded = folded_key(&k);
            if let Some(old) = self.folded.get(&folded) {
                if *old != e {
                    self.folded.remove(&folded);
                    return Ok(());
                }
            }
            self.folded.insert(folded, e);
        }
        Ok(())
    }

    /// What `s` names, if anything (see the module doc).
    pub fn lookup(&self, s: &str) -> Option<Entry> {
        let k = key(s);
        if let Some(e) = self.exact.get(&k) {
            return Some(*e);
        }
        if k.chars().count() >= 4 {
            return self.folded.get(&folded_key(&k)).copied();
        }
        None
    }

    /// What `s` names, matched with its case as written.
    pub fn lookup_exact(&self, s: &str) -> Option<Entry> {
        self.exact.get(&key(s)).copied()
    }

    /// The bodies with `form` among their short forms.
    pub fn bodies_with_short(&self, form: &str) -> impl Iterator<Item = usize> + '_ {
        let form = key(form);
        self.bodies
            .iter()
            .enumerate()
            .filter(move |(_, b)| b.short.contains(&form))
            .map(|(i, _)| i)
    }
}

/// The shipped gazetteer directory: $CYBERSTANCE_GAZETTEER, else models/gazetteer.
pub fn default_dir() -> PathBuf {
    crate::config::shipped("CYBERSTANCE_GAZETTEER", "models/gazetteer")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shipped() -> Gazetteer {
        Gazetteer::load(&default_dir()).unwrap()
    }

    #[test]
    fn shipped_files_load_with_every_state_and_body() {
        let g = shipped();
        assert!(g.states.len() >= 195, "{}", g.states.len());
        let code = |s: &str| match g.lookup(s) {
            Some(Entry::StateName(i) | Entry::Demonym(i) | Entry::Capital(i)) => Some(g.states[i].alpha3.as_str()),
            _ => None,
        };
        for (s, c) in [
            ("the US", None), // "the" is the linker's business
            ("US", Some("USA")),
            ("United States", Some("USA")),
            ("Russian Federation", Some("RUS")),
            ("Republic of Korea", Some("KOR")),
            ("Türkiye", Some("TUR")),
            ("Turkey", Some("TUR")),
            ("Côte d'Ivoire", Some("CIV")),
            ("Côte d’Ivoire", Some("CIV")),
            ("Cote d'Ivoire", Some("CIV")),
            ("Pakistani", Some("PAK")),
            ("Dutch", Some("NLD")),
            ("Islamabad", Some("PAK")),
            ("Kosovo", Some("XKX")),
            ("Taiwan", Some("TWN")),
            ("pakistan", Some("PAK")),
        ] {
            assert_eq!(code(s), c, "{s}");
        }
        assert!(matches!(g.lookup("Pakistani"), Some(Entry::Demonym(_))));
        let body = |s: &str| match g.lookup(s) {
            Some(Entry::Body(i)) => Some(g.bodies[i].id.as_str()),
            _ => None,
        };
        assert_eq!(body("OEWG"), Some("oewg"));
        assert_eq!(body("security Council"), Some("unsc"));
        assert_eq!(body("UN\u{a0}Security Council"), Some("unsc"));
        assert_eq!(
            body("High Level Panel on Digital Cooperation"),
            Some("high-level-panel-digital-cooperation")
        );
        assert_eq!(body("UNIDIR"), Some("unidir"));
        assert_eq!(body("ODA"), Some("unoda"));
        assert_eq!(body("Oewg"), None, "acronyms are case-sensitive");
        assert!(g.bodies_with_short("Council").any(|i| g.bodies[i].id == "unsc"));
        assert!(g.words.title.contains("Ms."));
        assert!(g.words.span_article.contains("The") && g.words.us_name.contains("U.S."));
        assert!(matches!(g.lookup("Secretary-General"), Some(Entry::Office(_))));
    }

    #[test]
    fn a_form_naming_two_entries_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let src = default_dir();
        for f in ["bodies.tsv", "words.tsv"] {
            std::fs::copy(src.join(f), dir.path().join(f)).unwrap();
        }
        std::fs::write(
            dir.path().join("states.tsv"),
            "alpha3\talpha2\tname\tofficial\tstatus\tvariants\tdemonyms\tcapitals\n\
             AAA\tAA\tAland\tAland\tother\t\t\t\n\
             BBB\tBB\tBland\tBland\tother\tAland\t\t\n",
        )
        .unwrap();
        let e = Gazetteer::load(dir.path()).unwrap_err().to_string();
        assert!(e.contains("states.tsv:3: \"Aland\" names two entries"), "{e}");
    }
}
