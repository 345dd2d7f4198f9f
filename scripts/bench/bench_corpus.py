#!/usr/bin/env python3
"""Builds the benchmark corpora at run time (never committed), as JSONL articles:
  conll-test.jsonl  the 231 CoNLL-2003 test documents (tokens joined by spaces, sentences by newlines)
  seeds-x40.jsonl   the five seed articles, 40 times each (distinct ids)

    python3 scripts/bench/bench_corpus.py CONLL_DIR OUT_DIR
"""
import json
import pathlib
import sys


def conll_documents(path):
    """The documents of a two-column IOB2 file: lists of sentences of (word, tag)."""
    docs, cur, sent = [], [], []
    for line in open(path, encoding="utf-8"):
        parts = line.split()
        if not parts:
            if sent:
                cur.append(sent)
                sent = []
            continue
        if parts[0] == "-DOCSTART-":
            if cur:
                docs.append(cur)
            cur = []
            continue
        sent.append((parts[0], parts[-1]))
    if sent:
        cur.append(sent)
    if cur:
        docs.append(cur)
    return docs


def main():
    conll, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "conll-test.jsonl", "w") as f:
        for i, doc in enumerate(conll_documents(conll / "conll2003_test.iob2")):
            text = "\n".join(" ".join(w for w, _ in s) for s in doc)
            f.write(json.dumps({"id": f"conll-test-{i:03d}", "text": text}) + "\n")
    with open(out / "seeds-x40.jsonl", "w") as f:
        for k in range(40):
            for p in sorted(pathlib.Path("corpus/seeds").glob("*.txt")):
                f.write(json.dumps({"id": f"{p.stem}-{k}", "text": p.read_text(encoding="utf-8")}) + "\n")


if __name__ == "__main__":
    main()
