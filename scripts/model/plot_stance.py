#!/usr/bin/env python3
"""The stance model card's figures, from what `annotate` wrote on the dev articles at a low threshold:

    cyberstance annotate corpus/domain -o target/domain/low.jsonl --stance-threshold 0.02 --quiet
    .venv/bin/python scripts/model/plot_stance.py target/domain/low.jsonl [--split dev] [--out models/stance-minilm]

- `pr.png`: triple precision, recall and F1 as `--stance-threshold` moves (each stance kept when
  its score reaches the threshold, as a run at that threshold keeps it), and the precision/recall curve;
- `reliability.png`: the reliability diagram of `score` (fraction of stances that are right, per
  score bin, against the bin's mean score), with the count per bin;
- `curve.tsv`: the numbers behind the first.

A stance is right when the gold has the same (actor, target, stance) in that article (the actor
by code, else by folded name, as `cyberstance eval` matches them).
"""
from __future__ import annotations

import argparse
import json
import re
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

DOMAIN = Path("corpus/domain")


def fold(name: str) -> str:
    name = re.sub(r"\s+", " ", name.strip().lower())
    return name[4:] if name.startswith("the ") else name


def scored_stances(pred_path: Path, split_name: str):
    """(score, right) for every stance `annotate` wrote on the split's articles, and the number of
    gold stances there."""
    split = {}
    for line in open(DOMAIN / "split.tsv", encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) >= 2 and not line.startswith("#"):
            split[parts[0]] = parts[1]
    gold = {r["id"]: r for r in map(json.loads, open(DOMAIN / "gold.jsonl", encoding="utf-8"))
            if split.get(r["id"]) == split_name}
    pred = {r["id"]: r for r in map(json.loads, open(pred_path, encoding="utf-8")) if r["id"] in gold}
    truth = set()
    for i, g in gold.items():
        for s in g["stances"]:
            truth.add((i, s["actor_code"] or fold(s["actor"]), s["target"], s["stance"]))
    n_gold = sum(len(g["stances"]) for g in gold.values())
    scored = []
    for i, r in pred.items():
        names = {a["id"]: a for a in r["actors"]}
        for s in r.get("stances") or []:
            a = names.get(s["actor"], {})
            who = s.get("actor_code") or fold(a.get("name", s["actor"]))
            scored.append((s["score"], (i, who, s["target"], s["stance"]) in truth))
    if not scored:
        raise SystemExit("no scored stances in the split: was the file annotated with the model?")
    return scored, n_gold


def curve(scored, n_gold: int) -> list[tuple]:
    """(threshold, precision, recall, F1, kept) for thresholds 0.02, 0.04, ... 0.98: the stances
    whose score reaches the threshold, as a run at that threshold keeps them."""
    rows = []
    for k in range(2, 100, 2):
        t = k / 100
        kept = [r for s, r in scored if s >= t]
        tp = sum(kept)
        p = tp / len(kept) if kept else 1.0
        rc = tp / n_gold
        rows.append((t, p, rc, 2 * p * rc / (p + rc) if p + rc else 0.0, len(kept)))
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pred", type=Path)
    ap.add_argument("--split", default="dev")
    ap.add_argument("--out", type=Path, default=Path("models/stance-minilm"))
    args = ap.parse_args()
    scored, n_gold = scored_stances(args.pred, args.split)
    rows = curve(scored, n_gold)
    args.out.mkdir(parents=True, exist_ok=True)
    with open(args.out / "curve.tsv", "w", encoding="utf-8") as f:
        f.write("threshold\tprecision\trecall\tf1\tpredicted\n")
        for r in rows:
            f.write(f"{r[0]:.2f}\t{r[1]:.4f}\t{r[2]:.4f}\t{r[3]:.4f}\t{r[4]}\n")

    fig, (a1, a2) = plt.subplots(1, 2, figsize=(10, 4))
    ts = [r[0] for r in rows]
    a1.plot(ts, [r[1] for r in rows], label="precision")
    a1.plot(ts, [r[2] for r in rows], label="recall")
    a1.plot(ts, [r[3] for r in rows], label="F1")
    a1.set_xlabel("--stance-threshold")
    a1.set_title(f"stance triples on {args.split} ({n_gold} gold)")
    a1.legend()
    a1.grid(alpha=0.3)
    a2.plot([r[2] for r in rows], [r[1] for r in rows], marker=".")
    for r in rows[::5]:
        a2.annotate(f"{r[0]:.2f}", (r[2], r[1]), fontsize=7)
    a2.set_xlabel("recall")
    a2.set_ylabel("precision")
    a2.set_title("precision / recall (labels: threshold)")
    a2.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(args.out / "pr.png", dpi=110)

    bins = [[] for _ in range(10)]
    for s, r in scored:
        bins[min(int(s * 10), 9)].append((s, r))
    fig, ax = plt.subplots(figsize=(5, 4.5))
    xs = [sum(s for s, _ in b) / len(b) for b in bins if b]
    ys = [sum(r for _, r in b) / len(b) for b in bins if b]
    ax.plot([0, 1], [0, 1], "--", color="grey", label="calibrated")
    ax.plot(xs, ys, marker="o", label="model")
    for b, x, y in zip([b for b in bins if b], xs, ys):
        ax.annotate(str(len(b)), (x, y), textcoords="offset points", xytext=(4, -10), fontsize=7)
    ax.set_xlabel("score (mean of bin)")
    ax.set_ylabel("fraction right")
    ax.set_title(f"reliability of score on {args.split} ({len(scored)} stances)")
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out / "reliability.png", dpi=110)
    print(f"wrote {args.out}/pr.png, reliability.png, curve.tsv")


if __name__ == "__main__":
    main()
