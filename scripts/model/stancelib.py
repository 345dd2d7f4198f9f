"""Data, model and decision rule of the stance model (scripts/model/train_stance.py).

The model reads one statement (a sentence, as the Rust pipeline splits it) and, for every target of
the vocabulary, says whether the sentence takes a position on it and with which polarity:

    u   = unit(mean-pool(encoder(sentence)))          the fine-tuned all-MiniLM-L6-v2
    v_t = unit(mean-pool(encoder(description of t)))  the same encoder, once per target at start
    k_t = 1 if a keyword of t occurs in the sentence, else 0       (the lexical signal, as a feature)
    logits(t) = W2 . gelu(W1 . [u, v_t, u * v_t, k_t] + b1) + b2      4 classes: none, support, oppose, neutral

Targets enter only through their descriptions, so a vocabulary given with `--targets FILE` works
without retraining. `src/stance/model.rs` computes the same head on the pooled vectors, whatever the
backend (ONNX Runtime or libtorch) that ran the encoder.
"""
from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nerlib import encoder_dir, load_tokenizer  # noqa: E402,F401

LABELS = ["none", "support", "oppose", "neutral"]
DOMAIN = Path("corpus/domain")


def read_targets(path: Path) -> list[dict]:
    """The target vocabulary TSV (target, description, exemplars, keywords)."""
    with open(path, encoding="utf-8") as f:
        rows = list(csv.DictReader((l for l in f if not l.startswith("#")), delimiter="\t"))
    return [{"key": r["target"], "description": r["description"],
             "exemplars": [e.strip() for e in (r.get("exemplars") or "").split("|") if e.strip()]} for r in rows]


def read_split(domain: Path = DOMAIN) -> dict[str, str]:
    out = {}
    for line in open(domain / "split.tsv", encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 2 and not line.startswith("#") and parts[0] != "id":
            out[parts[0]] = parts[1]
    return out


def read_jsonl(path: Path) -> dict[str, dict]:
    return {r["id"]: r for r in map(json.loads, open(path, encoding="utf-8"))}


def annotate_statements(binary: str, corpus: Path, out: Path, extra: list[str] = ()) -> Path:
    """Runs `cyberstance annotate --statements` over a corpus (every sentence, with its speakers; the
    lexical rules, so that no stance model is needed)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.unlink(missing_ok=True)
    subprocess.run([binary, "annotate", str(corpus), "-o", str(out), "--quiet", "--statements",
                    "--stance-signals", "lexical", *extra], check=True)
    return out


def sentence_labels(record: dict, gold: dict, keys: list[str]) -> list[np.ndarray]:
    """Per sentence of `record` (the annotator's statements), the gold class of every target: the
    polarity of a gold stance whose evidence overlaps the sentence, else none."""
    index = {k: i for i, k in enumerate(keys)}
    out = []
    for s in record["statements"]:
        y = np.zeros(len(keys), dtype=np.int64)
        for st in gold.get("stances", []):
            t = index.get(st["target"])
            a = st["evidence_start"]
            b = a + len(st["evidence"])
            if t is not None and a < s["end"] and b > s["start"] and y[t] == 0:
                y[t] = LABELS.index(st["stance"])
        out.append(y)
    return out


class StanceModel(nn.Module):
    """The encoder (its lower layers frozen: `train_layers` on top are trained) and the head."""

    def __init__(self, bert, hidden: int = 256, train_layers: int = 2):
        super().__init__()
        self.bert = bert
        self.split = bert.config.num_hidden_layers - train_layers
        for p in bert.embeddings.parameters():
            p.requires_grad = False
        for layer in bert.encoder.layer[: self.split]:
            for p in layer.parameters():
                p.requires_grad = False
        h = bert.config.hidden_size
        self.head = nn.Sequential(nn.Linear(3 * h + 1, hidden), nn.GELU(), nn.Linear(hidden, len(LABELS)))

    @staticmethod
    def _mask(mask):
        return (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min

    @torch.no_grad()
    def lower(self, ids, mask):
        """Hidden states after the frozen layers (what training caches)."""
        x = self.bert.embeddings(input_ids=ids)
        m = self._mask(mask)
        for layer in self.bert.encoder.layer[: self.split]:
            x = layer(x, attention_mask=m)[0]
        return x

    def upper(self, x, mask):
        """The trained layers, then mean pooling over the mask and unit length."""
        m = self._mask(mask)
        for layer in self.bert.encoder.layer[self.split :]:
            x = layer(x, attention_mask=m)[0]
        w = mask.unsqueeze(-1).to(x.dtype)
        v = (x * w).sum(1) / w.sum(1).clamp(min=1)
        return nn.functional.normalize(v, dim=-1)

    def embed(self, ids, mask):
        return self.upper(self.lower(ids, mask), mask)

    def logits(self, u, v, k):
        """u [B, H] statements, v [T, H] targets, k [B, T] keyword hits -> [B, T, 4]."""
        b, t = u.shape[0], v.shape[0]
        uu = u.unsqueeze(1).expand(b, t, -1)
        vv = v.unsqueeze(0).expand(b, t, -1)
        return self.head(torch.cat([uu, vv, uu * vv, k.unsqueeze(-1).to(u.dtype)], dim=-1))


def batch_ids(tok, texts: list[str], max_len: int):
    """Token ids with [CLS] and [SEP], cut to max_len, padded to the longest: ids and mask [B, S]."""
    enc = [tok.encode(t).ids[: max_len - 2] for t in texts]
    cls, sep, pad_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]"), tok.token_to_id("[PAD]")
    seq = max(len(e) for e in enc) + 2
    ids = torch.full((len(texts), seq), pad_id, dtype=torch.long)
    mask = torch.zeros((len(texts), seq), dtype=torch.long)
    for i, e in enumerate(enc):
        row = [cls, *e, sep]
        ids[i, : len(row)] = torch.tensor(row)
        mask[i, : len(row)] = 1
    return ids, mask


def pad(rows: list[torch.Tensor]):
    """Cached hidden states [len, H] of several texts -> [B, S, H] and the mask [B, S]."""
    seq = max(r.shape[0] for r in rows)
    x = torch.zeros((len(rows), seq, rows[0].shape[1]))
    mask = torch.zeros((len(rows), seq), dtype=torch.long)
    for i, r in enumerate(rows):
        x[i, : r.shape[0]] = r
        mask[i, : r.shape[0]] = 1
    return x, mask


@torch.no_grad()
def cache_lower(model: StanceModel, tok, texts: list[str], max_len: int, batch: int = 64) -> list[torch.Tensor]:
    """Each text's hidden states after the frozen layers, unpadded."""
    model.eval()
    out = [None] * len(texts)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for k in range(0, len(order), batch):
        idx = order[k : k + batch]
        ids, mask = batch_ids(tok, [texts[i] for i in idx], max_len)
        x = model.lower(ids, mask)
        for row, i in enumerate(idx):
            out[i] = x[row, : int(mask[row].sum())].clone()
    return out


def keyword_hits(statement: dict, keys: list[str]) -> np.ndarray:
    """1 for each target whose keywords occur in the sentence (`annotate --statements`)."""
    hit = set(statement.get("keywords", []))
    return np.array([1.0 if k in hit else 0.0 for k in keys], dtype=np.float32)


@torch.no_grad()
def probabilities(model: StanceModel, u: torch.Tensor, v: torch.Tensor, k: np.ndarray) -> np.ndarray:
    """[B, T, 4] class probabilities."""
    return torch.softmax(model.logits(u, v, torch.tensor(k)), dim=-1).numpy()


def decide(records: dict, probs: dict, keys: list[str], threshold: float, calibration=(1.0, 0.0)) -> dict:
    """The Rust decision rule on the annotator's statements: a statement takes target t when its
    calibrated P(stance on t) reaches `threshold`, with the most probable polarity; every speaker of
    the statement gets it; one stance per (actor, target): the most probable."""
    out = {}
    a, b = calibration
    for rid, rec in records.items():
        p = probs[rid]
        actors = {x["id"]: x for x in rec["actors"]}
        best = {}
        for k, s in enumerate(rec["statements"]):
            if not s["speakers"]:
                continue
            for t in range(len(keys)):
                score = calibrated(1.0 - p[k, t, 0], a, b)
                if score < threshold:
                    continue
                pol = LABELS[1 + int(np.argmax(p[k, t, 1:]))]
                for sp in s["speakers"]:
                    if (sp, t) not in best or score > best[sp, t][0]:
                        best[sp, t] = (score, pol, s)
        stances = []
        for (sp, t), (score, pol, s) in best.items():
            stances.append({"actor": sp, "actor_code": actors[sp].get("code"), "target": keys[t], "stance": pol,
                            "score": round(float(score), 4), "evidence": rec["text"][s["start"]:s["end"]],
                            "evidence_start": s["start"]})
        out[rid] = stances
    return out


def calibrated(p: float, a: float, b: float) -> float:
    """Platt scaling of a probability: sigmoid(a * logit(p) + b)."""
    p = min(max(p, 1e-6), 1 - 1e-6)
    z = a * np.log(p / (1 - p)) + b
    return float(1 / (1 + np.exp(-z)))


def score_stances(binary: str, gold: dict, records: dict, stances: dict, ids: list[str], workdir: Path) -> dict:
    """`cyberstance eval --json` of the given stances against the gold, on the articles `ids`."""
    workdir.mkdir(parents=True, exist_ok=True)
    g, p = workdir / "gold.jsonl", workdir / "pred.jsonl"
    with open(g, "w", encoding="utf-8") as fg, open(p, "w", encoding="utf-8") as fp:
        for i in ids:
            fg.write(json.dumps(gold[i], ensure_ascii=False) + "\n")
            rec = {k: v for k, v in records[i].items() if k != "statements"}
            rec["stances"] = stances[i]
            fp.write(json.dumps(rec, ensure_ascii=False) + "\n")
    out = subprocess.run([binary, "eval", "--gold", str(g), "--pred", str(p), "--json"], capture_output=True, text=True)
    if not out.stdout:
        raise SystemExit(f"eval failed: {out.stderr}")
    return json.loads(out.stdout)
