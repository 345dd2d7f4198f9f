//! `cyberstance annotate`: stream a corpus through the [`Annotator`] and the actor [`Linker`], and
//! write JSONL.
//!
//! Records are read lazily and processed in chunks; each chunk's records are written in input
//! order and checkpointed (flushed, fsync'd) before the next chunk starts, so a crash loses at
//! most the chunk in flight, and `--resume` takes up from there ([`crate::output`]). A bad record
//! is reported on stderr (file, line, id) and counted; the run goes on. An id seen before in the
//! run is such a bad record: it names where the id was first seen.

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;

use rayon::prelude::*;

use crate::actors::{Linked, Linker};
use crate::corpus::{Article, Corpus, Entry, Source};
use crate::error::{RecordError, Result, TokenizerError};
use crate::output::{JsonlWriter, Resumed};
use crate::pipeline::Annotator;
use crate::progress::Progress;
use crate::record::{
    round_score, Actor as RecordActor, Entity, Mention, Record, Stance as RecordStance, StatementRecord, SCHEMA_VERSION,
};
use crate::stance::{ArticleStances, Found, Stancer};
use crate::text::CharOffsets;
use crate::text::Text;

/// What a run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub ok: u64,
    pub failed: u64,
    /// Records skipped because the output already had them (`--resume`).
    pub resumed: u64,
    pub tokens: u64,
}

/// How the corpus is read: articles per chunk follow the model's batch size; larger records than
/// `max_article_bytes` are errors; the ids `resumed` found in the output are skipped.
#[derive(Debug, Clone, Copy)]
pub struct Reading<'a> {
    pub batch_size: usize,
    pub max_article_bytes: usize,
    pub resumed: &'a Resumed,
    /// Write each record's statements (`annotate --statements`).
    pub statements: bool,
}

/// Where each id of the run was first seen, to report duplicates. Paths are stored once each.
#[derive(Default)]
struct SeenIds {
    paths: Vec<PathBuf>,
    /// id -> (index in `paths`, line, the id was generated)
    first: HashMap<String, (u32, Option<usize>, bool)>,
}

impl SeenIds {
    /// Records `article`'s id, or says where it was seen before. An id made up for a record
    /// without one (`<stem>:<line>`) never takes a real id's place: if it was seen before, it
    /// gets the first free suffix `#2`, `#3`, ...; a real id that an earlier made-up one took is
    /// an error that says so.
    fn first_time(&mut self, article: &mut Article) -> Result<(), String> {
        if let Some(&(p, line, generated)) = self.first.get(&article.id) {
            if article.id_generated {
                let base = std::mem::take(&mut article.id);
                article.id = (2..)
                    .map(|n| format!("{base}#{n}"))
                    .find(|id| !self.first.contains_key(id))
                    .expect("a free suffix");
                article.source.id = Some(article.id.clone());
            } else {
                let at = Source::at(self.paths[p as usize].clone(), line);
                let made_up = if generated {
                    " (an id made from file and line for a record without one: give that record an id)"
                } else {
                    ""
                };
                return Err(format!("{at}{made_up}"));
            }
        }
        let source = &article.source;
        if self.paths.last().map(PathBuf::as_path) != Some(source.path.as_path()) {
            self.paths.push(source.path.clone());
        }
        self.first.insert(
            article.id.clone(),
            ((self.paths.len() - 1) as u32, source.line, article.id_generated),
        );
        Ok(())
    }
}

/// Articles per chunk: enough windows to fill several batches.
fn chunk_size(batch_size: usize) -> usize {
    (batch_size * 8).max(64)
}

pub fn annotate(
    annotator: &mut Annotator,
    linker: &Linker,
    mut stancer: Option<&mut Stancer>,
    inputs: &[PathBuf],
    out: &mut JsonlWriter,
    reading: Reading,
    progress: &mut Progress,
) -> Result<Summary> {
    let mut corpus = Corpus::new(inputs).with_max_bytes(reading.max_article_bytes);
    let mut summary = Summary::default();
    let mut seen = SeenIds::default();
    let chunk = chunk_size(reading.batch_size);
    let mut articles: Vec<Article> = Vec::with_capacity(chunk);
    let mut resumed_met: HashSet<String> = HashSet::new();
    loop {
        articles.clear();
        let entries: Vec<Entry> = corpus.by_ref_entries().take(chunk).collect();
        if entries.is_empty() {
            break;
        }
        // reading files and parsing JSON in parallel; order is kept
        let loaded: Vec<_> = entries.into_par_iter().map(Entry::load).collect();
        for item in loaded {
            let item = item.and_then(|mut a| match seen.first_time(&mut a) {
                Ok(()) => Ok(a),
                Err(first) => Err(RecordError::DuplicateId {
                    source_: a.source,
                    first,
                }),
            });
            match item {
                Ok(a) if reading.resumed.done.contains_key(&a.id) => {
                    if !articles.is_empty() || summary.ok > 0 {
                        return Err(out_of_order(reading.resumed, &resumed_met));
                    }
                    resumed_met.insert(a.id);
                    summary.resumed += 1;
                    progress.advance(1, 0, corpus.bytes_read());
                }
                Ok(a) => {
                    // the records already in OUT must all come before the first new one
                    if resumed_met.len() < reading.resumed.done.len() && articles.is_empty() && summary.ok == 0 {
                        return Err(out_of_order(reading.resumed, &resumed_met));
                    }
                    articles.push(a)
                }
                Err(e) => {
                    summary.failed += 1;
                    progress.println(&format!("error: {e}"));
                    progress.advance(1, 0, corpus.bytes_read());
                }
            }
        }
        if articles.is_empty() {
            continue;
        }
        let n = articles.len() as u64;
        // each article's text layer, split once for every stage
        let abbreviations = annotator.abbreviations();
        let texts: Vec<Text> = articles.par_iter().map(|a| Text::new(&a.text, abbreviations)).collect();
        let tagged = annotator.tag_texts(&texts.iter().collect::<Vec<_>>())?;
        // linking actors, in parallel; order is kept
        let linked: Vec<std::result::Result<(usize, Linked), TokenizerError>> = texts
            .par_iter()
            .zip(tagged)
            .zip(&articles)
            .map(|((t, tagged), article)| {
                tagged.map(|tagged| {
                    let mut linked = linker.link_text(t, &tagged.spans);
                    linked.add_voices(&article.voices());
                    (tagged.tokens, linked)
                })
            })
            .collect();
        // stances of the articles that were tagged
        let mut stances: Vec<Option<ArticleStances>> = vec![None; articles.len()];
        if let Some(stancer) = stancer.as_deref_mut() {
            let (docs, which): (Vec<(&Text, &Linked)>, Vec<usize>) = texts
                .iter()
                .zip(&linked)
                .enumerate()
                .filter_map(|(i, (t, r))| r.as_ref().ok().map(|(_, l)| ((t, l), i)))
                .unzip();
            for (found, i) in stancer.run(&docs)?.into_iter().zip(which) {
                stances[i] = Some(found);
            }
        }
        // with --statements, every sentence is written, with its speakers (none if unattributed)
        let mut sentences: Vec<Vec<(usize, usize)>> = match reading.statements {
            true => texts.iter().map(|t| t.sentences.clone()).collect(),
            false => Vec::new(),
        };
        drop(texts);
        let targets = stancer.as_deref().map(|s| &s.rules.targets);
        let mut tokens = 0;
        for (k, ((article, result), found)) in articles.drain(..).zip(linked).zip(stances).enumerate() {
            match result {
                Ok((n_tokens, linked)) => {
                    tokens += n_tokens as u64;
                    let mut record = to_record(article, linked, annotator);
                    if let (Some(found), Some(targets)) = (found, targets) {
                        record.stances = Some(stance_records(&record, &found.found, targets));
                        if reading.statements {
                            let all = std::mem::take(&mut sentences[k]);
                            let rules = &stancer.as_deref().expect("stances come from a stancer").rules;
                            record.statements = Some(statement_records(&record, &all, &found, rules));
                            record.links = Some(link_records(&record, &found.links));
                        }
                    }
                    out.write(&record)?;
                    summary.ok += 1;
                }
                Err(source) => {
                    summary.failed += 1;
                    let e = RecordError::Tokenize {
                        source_: article.source,
                        source,
                    };
                    progress.println(&format!("error: {e}"));
                }
            }
        }
        out.checkpoint()?;
        summary.tokens += tokens;
        progress.advance(n, tokens, corpus.bytes_read());
    }
    if resumed_met.len() < reading.resumed.done.len() {
        return Err(out_of_order(reading.resumed, &resumed_met));
    }
    Ok(summary)
}

/// `--resume` cannot keep input order: a record of the output comes later in the input than a
/// new one, or is not in the input at all. Names the first such record.
fn out_of_order(resumed: &Resumed, met: &HashSet<String>) -> crate::error::Error {
    let (id, line) = resumed
        .done
        .iter()
        .filter(|(id, _)| !met.contains(*id))
        .min_by_key(|(_, &line)| line)
        .map_or(("?".to_string(), 0), |(id, &line)| (id.clone(), line));
    crate::error::Error::Option {
        option: "--resume".into(),
        message: format!(
            "cannot keep input order: the output's record {id:?} (line {line}) is not among the inputs' first records \
             (the inputs changed since the interrupted run, or it is not in them); run without --resume"
        ),
    }
}

/// Builds the output record: byte spans become code-point spans plus the sliced text.
pub fn to_record(article: Article, linked: Linked, annotator: &Annotator) -> Record {
    let chars = CharOffsets::new(&article.text);
    let text = &article.text;
    let mention = |s: usize, e: usize| Mention {
        start: chars.char_at(s),
        end: chars.char_at(e),
        start_byte: s,
        end_byte: e,
        text: text[s..e].to_string(),
    };
    let entities = linked
        .entities
        .into_iter()
        .map(|x| {
            let m = mention(x.span.start_byte, x.span.end_byte);
            Entity {
                start: m.start,
                end: m.end,
                start_byte: m.start_byte,
                end_byte: m.end_byte,
                text: m.text,
                label: x.span.label,
                score: round_score(x.span.score),
                actor: x.actor.map(|a| linked.actors[a].id.clone()),
                source: x.from_gazetteer.then(|| "gazetteer".to_string()),
            }
        })
        .collect();
    let actors = linked
        .actors
        .iter()
        .map(|a| RecordActor {
            id: a.id.clone(),
            name: a.name.clone(),
            kind: a.kind,
            code: a.code.clone(),
            affiliation: a.affiliation.clone(),
            mentions: a.mentions.iter().map(|&(s, e)| mention(s, e)).collect(),
        })
        .collect();
    Record {
        schema_version: SCHEMA_VERSION,
        id: article.id,
        text: article.text,
        meta: article.meta,
        bom_removed: article.bom_removed,
        entities,
        actors,
        stances: None,
        statements: None,
        links: None,
        model: annotator.model.clone(),
    }
}

/// The output form of an article's sentences with their speakers, from its statements (`record`
/// has its actors, in the linker's order); a sentence no statement covers has no speaker.
fn statement_records(
    record: &Record,
    sentences: &[(usize, usize)],
    found: &crate::stance::ArticleStances,
    rules: &crate::stance::Rules,
) -> Vec<StatementRecord> {
    let chars = CharOffsets::new(&record.text);
    let speakers: HashMap<(usize, usize), &[usize]> = found
        .statements
        .iter()
        .map(|st| (st.span, st.speakers.as_slice()))
        .collect();
    let takes: HashMap<(usize, usize), &[(usize, f32)]> = found.takes.iter().map(|(s, v)| (*s, v.as_slice())).collect();
    sentences
        .iter()
        .map(|&(s, e)| StatementRecord {
            start: chars.char_at(s),
            end: chars.char_at(e),
            start_byte: s,
            end_byte: e,
            speakers: speakers
                .get(&(s, e))
                .map(|v| v.iter().map(|&a| record.actors[a].id.clone()).collect())
                .unwrap_or_default(),
            keywords: rules
                .keywords_in(&record.text[s..e])
                .into_iter()
                .zip(&rules.targets)
                .filter(|(hit, _)| *hit)
                .map(|(_, t)| t.key.clone())
                .collect(),
            takes: takes.get(&(s, e)).map(|v| {
                v.iter()
                    .map(|&(t, p)| (rules.targets[t].key.clone(), round_score(p)))
                    .collect()
            }),
        })
        .collect()
}

/// The output form of the links the learned decision weighed (`record` has its actors, in the
/// linker's order).
fn link_records(record: &Record, links: &[crate::stance::links::Link]) -> Vec<crate::record::LinkRecord> {
    links
        .iter()
        .map(|l| crate::record::LinkRecord {
            actor: record.actors[l.actor].id.clone(),
            sentence: l.sentence,
            score: l.score.map(round_score),
            features: crate::stance::links::FEATURES
                .iter()
                .zip(&l.features)
                .map(|(name, &v)| (name.to_string(), round_score(v)))
                .collect(),
        })
        .collect()
}

/// The output form of an article's stances (`record` has its actors, in the linker's order).
fn stance_records(record: &Record, found: &[Found], targets: &[crate::stance::targets::Target]) -> Vec<RecordStance> {
    let chars = CharOffsets::new(&record.text);
    found
        .iter()
        .map(|f| {
            let actor = &record.actors[f.actor];
            let (s, e) = f.evidence;
            RecordStance {
                actor: actor.id.clone(),
                actor_code: actor.code.clone(),
                target: targets[f.target].key.clone(),
                stance: f.polarity,
                score: f.score.map(round_score),
                keyword: f.keyword,
                evidence: record.text[s..e].to_string(),
                evidence_start: chars.char_at(s),
                evidence_end: chars.char_at(e),
                evidence_start_byte: s,
                evidence_end_byte: e,
            }
        })
        .collect()
}
