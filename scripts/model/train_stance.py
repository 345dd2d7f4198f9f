#!/usr/bin/env python3
"""Train the stance model on corpus/domain's train split; select, calibrate and set the threshold on dev.

    .venv/bin/python scripts/model/train_stance.py [--out models/stance-minilm] [--leave-out K1,K2,...]

Data: every sentence of the train articles as the Rust pipeline splits it (`cyberstance annotate
--statements`), labelled for each of the 27 targets from the gold stances whose evidence overlaps it
(none / support / oppose / neutral), with the targets whose keywords occur in it (a feature of the
head). Model and decision rule: scripts/model/stancelib.py. Recipe: all-MiniLM-L6-v2 with its top
--train-layers (2) layers fine-tuned with the head and the lower four frozen (their outputs are
computed once and cached, which makes an epoch about 17 s on two cores instead of about 8 minutes
end to end), AdamW (layers 5e-5, head 2e-3), 10% warm-up then linear decay, 12 epochs, batches of
32 sentences of similar length, cross-entropy with the stance classes weighted 5 against none;
the targets go through the trained layers at every step, each read at random from its description,
one of its exemplars, or the evidence of a train stance on it (--target-variants 2), so that the
head learns to match what a target's text says rather than recognise 27 fixed vectors (at run
time: the description).
Selection: the epoch with the best dev article-level target F1 ((article, target) pairs, speakers
aside: what the model decides, apart from attribution).
Calibration: Platt scaling of P(stance) fitted on dev's output stances (correct triple or not);
the threshold is the one that maximises dev triple F1 end to end with the annotator's speakers.

--leave-out drops those targets from training entirely (not even as negatives) and reports dev
figures on them alone: how the model does on targets it never saw.

Outputs in --out: model.safetensors (fp16 encoder, the names of the base encoder's file),
head.safetensors (fp32), config.json, tokenizer.json, model.onnx, model.int8.onnx, metrics.json
(training history, dev figures, the calibration sweep).
"""
from __future__ import annotations

import argparse
import json
import math
import random
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import torch
from torch import nn

sys.path.insert(0, str(Path(__file__).resolve().parent))
from stancelib import (  # noqa: E402
    DOMAIN, LABELS, StanceModel, annotate_statements, cache_lower, decide, encoder_dir, keyword_hits, load_tokenizer,
    pad, probabilities, read_jsonl, read_split, read_targets, score_stances, sentence_labels,
)


def sentence_prf(probs: dict, labels: dict, ids: list[str], targets: list[int], threshold: float = 0.5):
    """Sentence-level F1 on the given targets: pairs (sentence, target) and triples (with polarity)."""
    tp = fp = fn = tpt = 0
    for i in ids:
        p, y = probs[i], labels[i]
        for k in range(len(y)):
            for t in targets:
                pred = 1.0 - p[k, t, 0] >= threshold
                gold = y[k][t] != 0
                if pred and gold:
                    tp += 1
                    tpt += int(1 + np.argmax(p[k, t, 1:]) == y[k][t])
                elif pred:
                    fp += 1
                elif gold:
                    fn += 1
    f = lambda c: 2 * c / (2 * tp + fp + fn) if tp + fp + fn else 0.0  # noqa: E731
    return {"pair_f1": f(tp), "triple_f1": (2 * tpt / (2 * tp + fp + fn)) if tp + fp + fn else 0.0,
            "gold": tp + fn, "predicted": tp + fp}


def article_prf(probs: dict, gold: dict, ids: list[str], keys: list[str], targets: list[int], threshold: float = 0.5):
    """Article-level F1 of (article, target): a target any sentence takes against the gold stances'
    targets, speakers aside (what the model decides, apart from attribution)."""
    want = {keys[t] for t in targets}
    g = {(i, s["target"]) for i in ids for s in gold[i]["stances"] if s["target"] in want}
    p = {(i, keys[t]) for i in ids for t in targets if len(probs[i]) and (1.0 - probs[i][:, t, 0] >= threshold).any()}
    tp = len(g & p)
    return {"article_f1": 2 * tp / (len(g) + len(p)) if g or p else 0.0, "article_gold": len(g), "article_predicted": len(p)}


def batches(train: list, size: int, rng: random.Random, by_article: bool = False) -> list[list]:
    """Shuffled batches of sentences of similar length (less padding), in shuffled order; with
    `by_article`, batches of whole articles (about `size` sentences), for the article-level loss."""
    if by_article:
        arts = {}
        for x in train:
            arts.setdefault(x[3], []).append(x)
        keys = list(arts)
        rng.shuffle(keys)
        out, cur = [], []
        for a in keys:
            cur += arts[a]
            if len(cur) >= size:
                out.append(cur)
                cur = []
        return out + ([cur] if cur else [])
    order = list(range(len(train)))
    rng.shuffle(order)
    out = []
    for k in range(0, len(order), size * 20):
        pool = sorted(order[k : k + size * 20], key=lambda i: train[i][0].shape[0])
        out += [[train[i] for i in pool[j : j + size]] for j in range(0, len(pool), size)]
    rng.shuffle(out)
    return out


def fit_platt(scores: np.ndarray, correct: np.ndarray) -> tuple[float, float]:
    """a, b minimising the log loss of sigmoid(a * logit(score) + b) against `correct`."""
    z = np.log(np.clip(scores, 1e-6, 1 - 1e-6) / (1 - np.clip(scores, 1e-6, 1 - 1e-6)))
    zt, yt = torch.tensor(z, dtype=torch.float64), torch.tensor(correct, dtype=torch.float64)
    ab = torch.tensor([1.0, 0.0], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([ab], max_iter=200)

    def closure():
        opt.zero_grad()
        loss = nn.functional.binary_cross_entropy_with_logits(ab[0] * zt + ab[1], yt)
        loss.backward()
        return loss

    opt.step(closure)
    return float(ab[0]), float(ab[1])


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("models/stance-minilm"))
    ap.add_argument("--binary", default="target/release/cyberstance")
    ap.add_argument("--targets", type=Path, default=Path("models/targets.tsv"))
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--head-lr", type=float, default=2e-3)
    ap.add_argument("--pos-weight", type=float, default=5.0, help="loss weight of the stance classes against none")
    ap.add_argument("--max-len", type=int, default=128)
    ap.add_argument("--train-layers", type=int, default=2, help="encoder layers trained (from the top); 0: frozen")
    ap.add_argument("--hidden", type=int, default=256, help="width of the head's hidden layer")
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument("--leave-out", default="", help="comma-separated targets never trained on")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--target-variants", type=int, default=2,
                    help="1: read each target in training from its description or an exemplar, at random; 2: also from the "
                         "evidence of train stances on it (both tried: see the model card); 0: description only")
    ap.add_argument("--mil-weight", type=float, default=0.0,
                    help="weight of the article-level loss (noisy-or of the sentences against the article's gold targets)")
    ap.add_argument("--no-export", action="store_true")
    args = ap.parse_args()
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.set_num_threads(args.threads)
    t0 = time.time()

    targets = read_targets(args.targets)
    keys = [t["key"] for t in targets]
    left_out = [k for k in args.leave_out.split(",") if k]
    unknown = set(left_out) - set(keys)
    if unknown:
        raise SystemExit(f"--leave-out: unknown targets {sorted(unknown)}")
    train_t = [i for i, k in enumerate(keys) if k not in left_out]
    eval_t = [keys.index(k) for k in left_out] or train_t

    split = read_split()
    gold = read_jsonl(DOMAIN / "gold.jsonl")
    records = read_jsonl(annotate_statements(args.binary, DOMAIN, Path("target/stance-train/statements.jsonl")))
    ids = {s: sorted(i for i in records if split.get(i) == s) for s in ("train", "dev")}
    labels = {i: sentence_labels(records[i], gold[i], keys) for s in ids.values() for i in s}
    text = lambda i, s: records[i]["text"][s["start"]:s["end"]]  # noqa: E731
    n_train = sum(len(records[i]["statements"]) for i in ids["train"])
    print(f"train: {n_train} sentences, {sum(int((y[train_t] != 0).any()) for i in ids['train'] for y in labels[i])}"
          f" with a stance; targets trained {len(train_t)}, left out {left_out}", file=sys.stderr)

    from transformers import BertModel

    bert = BertModel.from_pretrained(str(encoder_dir()), add_pooling_layer=False, attn_implementation="eager")
    tok = load_tokenizer(encoder_dir())
    model = StanceModel(bert, hidden=args.hidden, train_layers=args.train_layers)
    descriptions = [targets[t]["description"] for t in range(len(keys))]
    # the frozen layers run once: their outputs are cached for every sentence and description
    cached = {i: cache_lower(model, tok, [text(i, s) for s in records[i]["statements"]], args.max_len)
              for s in ("train", "dev") for i in ids[s]}
    d_cache = cache_lower(model, tok, descriptions, args.max_len)
    # in training a target is read, at random, from its description or one of its exemplars, so that
    # the head learns to match a sentence with what a target's text says, not to recognise 27 vectors
    variants = [[d_cache[t]] + (cache_lower(model, tok, targets[t]["exemplars"], args.max_len)
                                if args.target_variants and targets[t]["exemplars"] else []) for t in range(len(keys))]
    if args.target_variants >= 2:
        # and from the evidence of the train split's gold stances on it: hundreds of texts per target
        for t, key in enumerate(keys):
            texts = sorted({g["evidence"] for i in ids["train"] for g in gold[i]["stances"] if g["target"] == key})
            if texts:
                variants[t] += cache_lower(model, tok, texts, args.max_len)
    hits = {i: [keyword_hits(s, keys) for s in records[i]["statements"]] for i in cached}
    train = [(cached[i][k], hits[i][k][train_t], labels[i][k][train_t], n)
             for n, i in enumerate(ids["train"]) for k in range(len(records[i]["statements"]))]
    # per train article, the targets its gold stances take (the bag label of the article-level loss)
    bag = torch.tensor(np.stack([[float(any(g["target"] == keys[t] for g in gold[i]["stances"])) for t in train_t]
                                 for i in ids["train"]]))
    print(f"cached the {bert.config.num_hidden_layers - args.train_layers} frozen layers in "
          f"{time.time() - t0:.0f} s", file=sys.stderr)
    trainable = [p for p in model.bert.parameters() if p.requires_grad]
    opt = torch.optim.AdamW([
        {"params": trainable, "lr": args.lr},
        {"params": model.head.parameters(), "lr": args.head_lr},
    ], weight_decay=0.01)
    steps = args.epochs * math.ceil(len(train) / args.batch)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, (steps - s) / steps))
    weight = torch.tensor([1.0] + [args.pos_weight] * 3)

    @torch.no_grad()
    def dev_probs():
        model.eval()
        v = model.upper(*pad(d_cache))
        out = {}
        for i in ids["dev"]:
            if cached[i]:
                u = model.upper(*pad(cached[i]))
                out[i] = probabilities(model, u, v, np.stack(hits[i]))
            else:
                out[i] = np.zeros((0, len(keys), 4))
        return out

    best, best_state, history = -1.0, None, []
    rng = random.Random(args.seed)
    for epoch in range(args.epochs):
        model.train()
        total = 0.0
        for chunk in batches(train, args.batch, rng, by_article=args.mil_weight > 0):
            u = model.upper(*pad([x for x, _, _, _ in chunk]))
            v = model.upper(*pad([rng.choice(variants[t]) for t in train_t]))
            k = torch.tensor(np.stack([kk for _, kk, _, _ in chunk]))
            logits = model.logits(u, v, k)
            y = torch.tensor(np.stack([yy for _, _, yy, _ in chunk]))
            loss = nn.functional.cross_entropy(logits.reshape(-1, len(LABELS)), y.reshape(-1), weight=weight)
            if args.mil_weight > 0:
                # article level: P(the article takes t) = 1 - prod over its sentences of P(none)
                log_none = torch.log_softmax(logits, dim=-1)[..., 0]
                art = torch.tensor([a for _, _, _, a in chunk])
                for a in art.unique():
                    p_any = (1 - torch.exp(log_none[art == a].sum(0))).clamp(1e-6, 1 - 1e-6)
                    loss = loss + args.mil_weight * nn.functional.binary_cross_entropy(p_any, bag[a]) / len(art.unique())
            opt.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            sched.step()
            total += float(loss) * len(chunk)
        probs = dev_probs()
        dev = {**sentence_prf(probs, labels, ids["dev"], eval_t), **article_prf(probs, gold, ids["dev"], keys, eval_t)}
        history.append({"epoch": epoch + 1, "loss": total / len(train), **dev, "seconds": round(time.time() - t0)})
        print(json.dumps(history[-1]), file=sys.stderr)
        if dev["article_f1"] > best:
            best = dev["article_f1"]
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)
    probs = dev_probs()

    # end to end on dev with the annotator's speakers: calibrate, then pick the threshold
    raw = decide({i: records[i] for i in ids["dev"]}, probs, keys, 0.05)
    workdir = Path("target/stance-train")
    report = score_stances(args.binary, gold, records, raw, ids["dev"], workdir / "raw")
    gold_triples = {(i, g.get("actor_code") or g["actor"].lower(), g["target"], g["stance"])
                    for i in ids["dev"] for g in gold[i]["stances"]}
    names = {i: {a["id"]: a for a in records[i]["actors"]} for i in ids["dev"]}
    scores, correct = [], []
    for i, stances in raw.items():
        for s in stances:
            if keys.index(s["target"]) not in eval_t:
                continue
            a = names[i][s["actor"]]
            who = a.get("code") or a["name"].lower()
            scores.append(s["score"])
            correct.append(float((i, who, s["target"], s["stance"]) in gold_triples))
    a, b = fit_platt(np.array(scores), np.array(correct)) if scores else (1.0, 0.0)
    sweep = []
    for thr in np.arange(0.05, 0.96, 0.05):
        st = decide({i: records[i] for i in ids["dev"]}, probs, keys, float(thr), (a, b))
        if left_out:
            st = {i: [s for s in v if s["target"] in left_out] for i, v in st.items()}
        rep = score_stances(args.binary, {i: {**gold[i], "stances": [g for g in gold[i]["stances"]
                                                                    if not left_out or g["target"] in left_out]}
                                          for i in ids["dev"]}, records, st, ids["dev"], workdir / "sweep")
        sweep.append({"threshold": round(float(thr), 2), **{k: rep["stances"][k] for k in ("triples", "pairs")}})
    chosen = max(sweep, key=lambda r: (r["triples"]["f1"], -abs(r["threshold"] - 0.5)))
    print(f"calibration a={a:.3f} b={b:.3f}; threshold {chosen['threshold']}: dev triple F1 "
          f"{chosen['triples']['f1']:.3f}, pair F1 {chosen['pairs']['f1']:.3f}", file=sys.stderr)

    metrics = {"history": history, "selected_epoch": max(history, key=lambda h: h["article_f1"])["epoch"],
               "dev_sentence": sentence_prf(probs, labels, ids["dev"], eval_t), "calibration": [a, b],
               "threshold": chosen["threshold"], "dev_sweep": sweep, "left_out": left_out,
               "train_sentences": len(train), "seconds": round(time.time() - t0), "args": {k: str(v) for k, v in vars(args).items()}}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "metrics.json").write_text(json.dumps(metrics, indent=1) + "\n")
    if not args.no_export:
        from export_stance import export

        export(model, args.out, {"calibration": [a, b], "threshold": chosen["threshold"]})
    print(f"done in {time.time() - t0:.0f} s -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
