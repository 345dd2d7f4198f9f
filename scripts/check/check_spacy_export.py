"""Loads `cyberstance export --format prodigy` output in spaCy and checks it, as tests/it/export.rs asks.

Each task becomes a `Doc` from its tokens (`words`, `spaces` from `ws`), which must give back the
exact text; each span becomes an entity through `Doc.char_span` (None would mean a span that does
not fall on token boundaries); the docs go through a `DocBin` file and are read back unchanged.
Prints "N docs, M entities".

    .venv-bench/bin/python scripts/check/check_spacy_export.py PRODIGY.jsonl OUT.spacy
"""

import json
import sys

import spacy
from spacy.tokens import Doc, DocBin


def main() -> None:
    src, out = sys.argv[1], sys.argv[2]
    nlp = spacy.blank("en")
    docs, n_ents = [], 0
    for line in open(src, encoding="utf-8"):
        task = json.loads(line)
        words = [t["text"] for t in task["tokens"]]
        spaces = [t["ws"] for t in task["tokens"]]
        doc = Doc(nlp.vocab, words=words, spaces=spaces)
        assert doc.text == task["text"], f"{task['meta']['id']}: text differs"
        ents = []
        for s in task["spans"]:
            span = doc.char_span(s["start"], s["end"], label=s["label"])
            assert span is not None, f"{task['meta']['id']}: span {s} is not on token boundaries"
            assert span.start == s["token_start"] and span.end == s["token_end"] + 1, s
            ents.append(span)
        doc.ents = ents
        n_ents += len(ents)
        docs.append(doc)
    DocBin(docs=docs).to_disk(out)
    back = list(DocBin().from_disk(out).get_docs(nlp.vocab))
    assert [d.text for d in back] == [d.text for d in docs]
    assert [[(e.start_char, e.end_char, e.label_) for e in d.ents] for d in back] == [
        [(e.start_char, e.end_char, e.label_) for e in d.ents] for d in docs
    ]
    print(f"{len(docs)} docs, {n_ents} entities")


if __name__ == "__main__":
    main()
