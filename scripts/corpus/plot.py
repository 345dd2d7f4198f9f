#!/usr/bin/env python3
"""Counts of the domain corpus as a picture: stances by target and polarity, and entities by
label, per split.

    .venv/bin/python scripts/corpus/plot.py [--gold corpus/domain/gold.jsonl] \
        [--split corpus/domain/split.tsv] [-o corpus/domain/counts.png]

(matplotlib comes with `scripts/setup.sh --python`.)
"""

import argparse
import json
from collections import Counter
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

SPLITS = ["train", "dev", "test"]
POLARITIES = [("support", "#2e7d32"), ("oppose", "#c62828"), ("neutral", "#9e9e9e")]
LABELS = ["GPE", "ORG", "MISC", "PER", "NORP", "LOC"]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--gold", type=Path, default=Path("corpus/domain/gold.jsonl"))
    ap.add_argument("--split", type=Path, default=Path("corpus/domain/split.tsv"))
    ap.add_argument("-o", "--output", type=Path, default=Path("corpus/domain/counts.png"))
    args = ap.parse_args()
    split = {}
    for row in open(args.split, encoding="utf-8"):
        if row.startswith("#") or row.startswith("id\t") or not row.strip():
            continue
        i, s = row.rstrip("\n").split("\t")[:2]
        split[i] = s
    stances = {s: Counter() for s in SPLITS}
    entities = {s: Counter() for s in SPLITS}
    articles = Counter()
    for line in open(args.gold, encoding="utf-8"):
        r = json.loads(line)
        s = split[r["id"]]
        articles[s] += 1
        for st in r["stances"]:
            stances[s][(st["target"], st["stance"])] += 1
        for e in r["entities"]:
            entities[s][e["label"]] += 1
    targets = sorted({t for c in stances.values() for t, _ in c},
                     key=lambda t: -sum(c[(t, p)] for c in stances.values() for p, _ in POLARITIES))
    fig = plt.figure(figsize=(15, 10), layout="constrained")
    grid = fig.add_gridspec(2, 3, height_ratios=[3, 1])
    for col, s in enumerate(SPLITS):
        ax = fig.add_subplot(grid[0, col])
        left = [0] * len(targets)
        for p, colour in POLARITIES:
            values = [stances[s][(t, p)] for t in targets]
            ax.barh(targets, values, left=left, color=colour, label=p)
            left = [a + b for a, b in zip(left, values)]
        ax.invert_yaxis()
        total = sum(stances[s].values())
        ax.set_title(f"{s}: {articles[s]} articles, {total} stances")
        ax.set_xlabel("gold stances")
        if col:
            ax.set_yticklabels([])
        else:
            ax.legend(loc="lower right")
        ax.grid(axis="x", alpha=0.3)
        ax = fig.add_subplot(grid[1, col])
        ax.bar(LABELS, [entities[s][l] for l in LABELS], color="#1565c0")
        ax.set_title(f"{s}: {sum(entities[s].values())} entities by label")
        ax.grid(axis="y", alpha=0.3)
    fig.suptitle("corpus/domain: gold stances by target and polarity (top), entities by label (bottom)")
    fig.savefig(args.output, dpi=80)
    print(f"wrote {args.output}")


if __name__ == "__main__":
    main()
