#!/usr/bin/env python3
"""Fine-tune all-MiniLM-L6-v2 for CoNLL-2003 NER and export it for cyberstance.

Recipe (see models/ner-minilm-conll03/README.md for the measured effect of each part):
  * document context: the sentences of each CoNLL document are packed, in order, into windows of at
    most --max-len subword tokens, so a sentence is tagged with its neighbours in view (as the Rust
    pipeline tags whole articles in overlapping windows);
  * casing signal: the encoder is uncased, so a learned embedding of each subword's shape in the
    ORIGINAL text (lower / Capitalised / ALLCAPS / mixed / no letters) is added to the token
    embeddings (zero-initialised, so training starts from the pretrained encoder exactly);
  * every subword carries a label (B- on the first piece of an entity word, I- on the rest), so the
    tagger predicts a sensible label whatever word segmentation the runtime sees;
  * constrained (BIO-valid) Viterbi decoding over the first-subword scores of each word, the same
    decoding as `src/ner.rs`;
  * bf16 autocast on CPU (fp32 master weights), AdamW, linear warm-up/decay, selection on dev F1.

Outputs (in --out): model.safetensors (fp16 weights, names load into rust-bert's
BertForTokenClassification plus `shape_embeddings.weight`), model.fp32.onnx, model.int8.onnx,
config.json, tokenizer.json, metrics.json.  CoNLL-2003 test is scored once, after selection.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from nerlib import (  # noqa: E402
    LABELS, NUM_SHAPES, Tagger, decode_words, encoder_dir, load_tokenizer, read_conll, spans_from_tags,
    strict_prf, token_shape,
)


def _fit(first, n_tokens, start_w, budget):
    """Largest end word (exclusive) such that words [start_w, end) fit in budget tokens (>= 1 word)."""
    end_w = start_w + 1
    while end_w < len(first):
        nxt = first[end_w + 1] if end_w + 1 < len(first) else n_tokens
        if nxt - first[start_w] > budget:
            break
        end_w += 1
    return end_w


def encode_docs(docs, tok, max_len):
    """Turn documents into windows of whole sentences (<= max_len - 2 subwords + [CLS]/[SEP]).

    Each window: ids, shapes, token labels (all subwords labelled), and for each sentence in it the
    token index of every word's first subword (for word-level decoding)."""
    lab2id = {l: i for i, l in enumerate(LABELS)}
    budget = max_len - 2
    windows = []
    for doc in docs:
        pieces = []  # per sentence: (ids, shapes, labels, first_index_per_word, tags)
        for words, tags in doc:
            enc = tok.encode(words, is_pretokenized=True, add_special_tokens=False)
            ids, shapes, labels, first = [], [], [], []
            for t, (wid, (s, e)) in enumerate(zip(enc.word_ids, enc.offsets)):
                tag = tags[wid]
                is_first = t == 0 or enc.word_ids[t - 1] != wid
                if is_first:
                    first.append(len(ids))
                    lab = tag
                else:
                    lab = "O" if tag == "O" else "I-" + tag[2:]
                ids.append(enc.ids[t])
                shapes.append(token_shape(words[wid][s:e]))
                labels.append(lab2id[lab])
            if len(first) != len(words):  # a word with no subword (e.g. control chars): keep alignment
                raise SystemExit(f"word without subwords in sentence: {words}")
            # an over-long sentence is cut at word boundaries into pieces that fit a window
            start_w = 0
            while start_w < len(words):
                end_w = _fit(first, len(ids), start_w, budget)
                a, z = first[start_w], (first[end_w] if end_w < len(words) else len(ids))
                pieces.append((ids[a:z], shapes[a:z], labels[a:z],
                               [f - a for f in first[start_w:end_w]], tags[start_w:end_w]))
                start_w = end_w
        cur = None
        for p in pieces:
            if cur is not None and len(cur["ids"]) + len(p[0]) <= budget:
                pass
            else:
                if cur is not None:
                    windows.append(cur)
                cur = {"ids": [], "shapes": [], "labels": [], "sents": []}
            off = len(cur["ids"]) + 1  # +1 for [CLS]
            cur["sents"].append(([f + off for f in p[3]], p[4]))
            cur["ids"] += p[0]
            cur["shapes"] += p[1]
            cur["labels"] += p[2]
        if cur is not None:
            windows.append(cur)
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    for w in windows:
        w["ids"] = [cls] + w["ids"] + [sep]
        w["shapes"] = [0] + w["shapes"] + [0]
        w["labels"] = [-100] + w["labels"] + [-100]
    return windows


def collate(ws):
    n = max(len(w["ids"]) for w in ws)
    ids = torch.zeros((len(ws), n), dtype=torch.long)
    shapes = torch.zeros_like(ids)
    mask = torch.zeros_like(ids)
    labels = torch.full_like(ids, -100)
    for i, w in enumerate(ws):
        k = len(w["ids"])
        ids[i, :k] = torch.tensor(w["ids"])
        shapes[i, :k] = torch.tensor(w["shapes"])
        labels[i, :k] = torch.tensor(w["labels"])
        mask[i, :k] = 1
    return ids, mask, shapes, labels


@torch.no_grad()
def evaluate(model, windows, batch_size, constrained=True):
    model.eval()
    gold, pred = [], []
    order = sorted(range(len(windows)), key=lambda i: len(windows[i]["ids"]))
    for b in range(0, len(order), batch_size):
        ws = [windows[i] for i in order[b:b + batch_size]]
        ids, mask, shapes, _ = collate(ws)
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits = model(ids, mask, shapes)
        logp = torch.log_softmax(logits.float(), -1).numpy()
        for i, w in enumerate(ws):
            for first, tags in w["sents"]:
                tags_pred = decode_words(logp[i, first], constrained)
                gold.append(list(tags))
                pred.append(tags_pred)
    model.train()
    return gold, pred


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.environ.get("CONLL2003_DIR", "../shared/data/conll2003"))
    ap.add_argument("--out", default="models/ner-minilm-conll03")
    ap.add_argument("--epochs", type=int, default=14)
    ap.add_argument("--batch-size", type=int, default=16)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--head-lr", type=float, default=5e-4, help="lr of classifier and shape embedding")
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--warmup", type=float, default=0.1)
    ap.add_argument("--label-smoothing", type=float, default=0.0)
    ap.add_argument("--no-context", action="store_true", help="ablation: one sentence per window")
    ap.add_argument("--no-shape", action="store_true", help="ablation: no casing embedding")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--no-export", action="store_true", help="train and score only (ablations)")
    args = ap.parse_args()

    t0 = time.time()
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.use_deterministic_algorithms(True)

    data = Path(args.data)
    tok = load_tokenizer(encoder_dir())
    splits = {}
    for name in ("train", "dev", "test"):
        docs = read_conll(data / f"conll2003_{name}.iob2")
        if args.no_context:
            docs = [[s] for d in docs for s in d]
        splits[name] = encode_docs(docs, tok, args.max_len)
        print(f"{name}: {len(docs)} docs, {len(splits[name])} windows, "
              f"{sum(len(w['ids']) for w in splits[name])} tokens", flush=True)

    model = Tagger.from_encoder(encoder_dir(), use_shape=not args.no_shape)
    head = [p for n, p in model.named_parameters() if not n.startswith("bert.")]
    body = [p for n, p in model.named_parameters() if n.startswith("bert.")]
    opt = torch.optim.AdamW([{"params": body, "lr": args.lr}, {"params": head, "lr": args.head_lr}],
                            weight_decay=0.01)
    steps_per_epoch = math.ceil(len(splits["train"]) / args.batch_size)
    total = steps_per_epoch * args.epochs
    warm = int(total * args.warmup)
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: (s + 1) / warm if s < warm else max(0.0, (total - s) / max(1, total - warm)))
    loss_fn = nn.CrossEntropyLoss(ignore_index=-100, label_smoothing=args.label_smoothing)

    best = (-1.0, 0, None)
    history = []
    rng = random.Random(args.seed)
    model.train()
    for epoch in range(1, args.epochs + 1):
        te = time.time()
        order = list(range(len(splits["train"])))
        rng.shuffle(order)
        run = 0.0
        for b in range(0, len(order), args.batch_size):
            ids, mask, shapes, labels = collate([splits["train"][i] for i in order[b:b + args.batch_size]])
            with torch.autocast("cpu", dtype=torch.bfloat16):
                logits = model(ids, mask, shapes)
            loss = loss_fn(logits.float().view(-1, len(LABELS)), labels.view(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad(set_to_none=True)
            run += loss.item()
            step = b // args.batch_size + 1
            if step % 20 == 0:
                print(f"  step {step}/{steps_per_epoch} loss {run / step:.4f} {time.time() - te:.0f}s", flush=True)
        gold, pred = evaluate(model, splits["dev"], 64)
        p, r, f = strict_prf(gold, pred)
        _, _, f_unc = strict_prf(*evaluate(model, splits["dev"], 64, constrained=False))
        history.append({"epoch": epoch, "loss": run / steps_per_epoch, "dev_f1": f, "dev_f1_unconstrained": f_unc,
                        "seconds": time.time() - te})
        print(f"epoch {epoch}: loss {run / steps_per_epoch:.4f} dev P {p:.4f} R {r:.4f} F1 {f:.4f} "
              f"(unconstrained {f_unc:.4f}) {time.time() - te:.0f}s", flush=True)
        if f > best[0]:
            best = (f, epoch, {k: v.detach().clone() for k, v in model.state_dict().items()})

    print(f"best dev F1 {best[0]:.4f} at epoch {best[1]}", flush=True)
    model.load_state_dict(best[2])
    # The shipped weights are fp16; round now so every figure below is of the shipped model.
    with torch.no_grad():
        for v in model.parameters():
            v.copy_(v.half().float())
    metrics = {"args": vars(args), "history": history, "best_epoch": best[1]}
    for split in ("dev", "test"):
        gold, pred = evaluate(model, splits[split], 64)
        p, r, f = strict_prf(gold, pred)
        metrics[split] = {"precision": p, "recall": r, "f1": f}
        for lab in ("PER", "ORG", "LOC", "MISC"):
            metrics[split][lab] = dict(zip(("precision", "recall", "f1"), strict_prf(gold, pred, lab)))
        try:
            from seqeval.metrics import f1_score
            from seqeval.scheme import IOB2
            metrics[split]["seqeval_f1_strict"] = f1_score(gold, pred, mode="strict", scheme=IOB2)
            metrics[split]["seqeval_f1_default"] = f1_score(gold, pred)
        except ImportError:
            pass
        print(split, json.dumps(metrics[split]), flush=True)
    metrics["train_seconds"] = time.time() - t0

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    (out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")
    if not args.no_export:
        from export_model import export_all
        export_all(model, tok, out, metrics)
    print(f"total {time.time() - t0:.0f}s", flush=True)


if __name__ == "__main__":
    main()
