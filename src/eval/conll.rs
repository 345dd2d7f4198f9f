//! `cyberstance eval-conll`: the shipped model, run through the annotate pipeline, on a
//! two-column IOB2 file (CoNLL-2003 style; `-DOCSTART-` lines separate documents).
//!
//! Each document becomes one article: words joined by a space, sentences by a newline, exactly
//! as an article would reach `annotate`. The predicted entities (character spans) are projected
//! back onto the file's words: a word belongs to an entity when its first character lies inside
//! the entity; the first such word is `B-`, the rest `I-`. An entity that covers no word start is
//! lost (it can only be a boundary error). The projected tags are scored per sentence under the
//! four schemes of [`crate::eval::entities`] (strict is seqeval's figure) and can be written out for
//! a cross-check with seqeval itself.

use std::io::{BufRead, BufReader, Write};
use std::path::Path;

use crate::error::{Error, Result};
use crate::eval::entities::{EntityScorer, EntityScores};
use crate::eval::spans::spans_from_tags;
use crate::pipeline::Annotator;

/// One CoNLL document as an article.
#[derive(Debug, Clone, Default)]
pub struct Document {
    pub text: String,
    /// Byte span of each word in `text`.
    pub words: Vec<(usize, usize)>,
    pub gold: Vec<String>,
    /// Index of the first word of each sentence (and the word count at the end).
    pub sentence_starts: Vec<usize>,
    pub words_text: Vec<String>,
}

impl Document {
    fn push_word(&mut self, word: &str, tag: &str, sentence_start: bool) {
        if !self.text.is_empty() {
            self.text.push(if sentence_start { '\n' } else { ' ' });
        }
        if sentence_start {
            self.sentence_starts.push(self.words.len());
        }
        let start = self.text.len();
        self.text.push_str(word);
        self.words.push((start, self.text.len()));
        self.gold.push(tag.to_string());
        self.words_text.push(word.to_string());
    }
}

/// Reads a two-column IOB2 file ("token tag" per line, blank line between sentences).
pub fn read_iob2(path: &Path) -> Result<Vec<Document>> {
    let f = std::fs::File::open(path).map_err(Error::reading(path))?;
    let mut docs = vec![Document::default()];
    let mut sentence_start = true;
    for (i, line) in BufReader::new(f).lines().enumerate() {
        let line = line.map_err(Error::reading(path))?;
        let line = line.trim_end();
        if line.is_empty() {
            sentence_start = true;
            continue;
        }
        let Some((word, tag)) = line.rsplit_once(' ') else {
            return Err(Error::Parse {
                path: path.to_path_buf(),
                line: i + 1,
                message: "expected `token tag`".into(),
            });
        };
        if word == "-DOCSTART-" {
            docs.push(Document::default());
            continue;
        }
        if !(tag == "O" || tag.starts_with("B-") || tag.starts_with("I-")) {
            return Err(Error::Parse {
                path: path.to_path_buf(),
                line: i + 1,
                message: format!("not an IOB2 tag: {tag:?}"),
            });
        }
        let doc = docs.last_mut().expect("docs is never empty");
        doc.push_word(word, tag, sentence_start);
        sentence_start = false;
    }
    docs.retain(|d| !d.words.is_empty());
    Ok(docs)
}

/// Projects byte spans onto the document's words as IOB2 tags (see the module doc).
pub fn project(doc: &Document, spans: &[(usize, usize, String)]) -> Vec<String> {
    let mut tags = vec!["O".to_string(); doc.words.len()];
    for (start, end, label) in spans {
        let first = doc.words.partition_point(|w| w.0 < *start);
        let mut w = first;
        while w < doc.words.len() && doc.words[w].0 < *end {
            tags[w] = format!("{}-{label}", if w == first { "B" } else { "I" });
            w += 1;
        }
    }
    tags
}

/// Result of [`evaluate`]: the scores and, per document, the predicted tags.
pub struct ConllEval {
    pub scores: EntityScores,
    pub predicted: Vec<Vec<String>>,
}

/// Runs the annotator over the documents and scores the projected tags against gold, per sentence.
pub fn evaluate(annotator: &mut Annotator, docs: &[Document], chunk: usize) -> Result<ConllEval> {
    let mut predicted = Vec::with_capacity(docs.len());
    for part in docs.chunks(chunk.max(1)) {
        let texts: Vec<&str> = part.iter().map(|d| d.text.as_str()).collect();
        for (doc, tagged) in part.iter().zip(annotator.tag(&texts)?) {
            let spans: Vec<(usize, usize, String)> = match tagged {
                Ok(t) => t
                    .spans
                    .into_iter()
                    .map(|s| (s.start_byte, s.end_byte, s.label))
                    .collect(),
                Err(_) => Vec::new(),
            };
            predicted.push(project(doc, &spans));
        }
    }
    // score sentence by sentence, as seqeval does over a list of sentences
    let mut scorer = EntityScorer::default();
    for (doc, pred) in docs.iter().zip(&predicted) {
        let mut bounds = doc.sentence_starts.clone();
        bounds.push(doc.words.len());
        for w in bounds.windows(2) {
            scorer.add(
                &spans_from_tags(&doc.gold[w[0]..w[1]]),
                &spans_from_tags(&pred[w[0]..w[1]]),
            );
        }
    }
    let scores = scorer.finish();
    Ok(ConllEval { scores, predicted })
}

/// Writes `word gold predicted` lines, a blank line between sentences (for seqeval).
pub fn write_tags(path: &Path, docs: &[Document], predicted: &[Vec<String>]) -> Result<()> {
    let werr = Error::writing(path);
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).map_err(werr)?);
    for (doc, pred) in docs.iter().zip(predicted) {
        for (w, ((word, gold), pred)) in doc.words_text.iter().zip(&doc.gold).zip(pred).enumerate() {
            if w > 0 && doc.sentence_starts.binary_search(&w).is_ok() {
                writeln!(f).map_err(werr)?;
            }
            writeln!(f, "{word} {gold} {pred}").map_err(werr)?;
        }
        writeln!(f).map_err(werr)?;
    }
    f.flush().map_err(werr)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_documents_and_projects_spans_to_words() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.iob2");
        std::fs::write(&p, "-DOCSTART- O\n\nEU B-ORG\nrejects O\n\nPeter B-PER\nBlackburn I-PER\n\n-DOCSTART- O\n\nU.S.-based B-MISC\nfirm O\n").unwrap();
        let docs = read_iob2(&p).unwrap();
        assert_eq!(docs.len(), 2);
        assert_eq!(docs[0].text, "EU rejects\nPeter Blackburn");
        assert_eq!(docs[0].sentence_starts, [0, 2]);
        let tags = project(&docs[0], &[(0, 2, "ORG".into()), (11, 26, "PER".into())]);
        assert_eq!(tags, ["B-ORG", "O", "B-PER", "I-PER"]);
        // a span starting inside a word covers no word start: lost
        assert_eq!(project(&docs[1], &[(1, 4, "LOC".into())]), ["O", "O"]);
        // a span that starts at a word start and ends inside it still tags the word
        assert_eq!(project(&docs[1], &[(0, 4, "LOC".into())]), ["B-LOC", "O"]);
    }

    #[test]
    fn bad_tag_names_file_and_line() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("x.iob2");
        std::fs::write(&p, "EU B-ORG\nrejects X-1\n").unwrap();
        let e = read_iob2(&p).err().unwrap().to_string();
        assert!(e.ends_with("x.iob2:2: not an IOB2 tag: \"X-1\""), "{e}");
    }
}
