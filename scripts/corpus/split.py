#!/usr/bin/env python3
"""Fixes the train / dev / test split of the domain corpus, by article, into a TSV file.

    python3 scripts/corpus/split.py [--manifest corpus/domain/manifest.jsonl] \
        [--gold corpus/domain/gold.jsonl] [-o corpus/domain/split.tsv]

Articles of one meeting or event (the manifest's `event`; the page address when it has none) stay
in one split, so no meeting is read in training and scored in test. Whole events are assigned
(deterministic local search from a fixed seed) so that each split's share of articles, of each
genre, of each target's gold stances and of each polarity is as close as possible to
60 / 20 / 20. Run once; the file is then fixed, and later issues score test once at their end.
"""

import argparse
import json
import random
from collections import Counter, defaultdict
from pathlib import Path

SHARES = {"train": 0.6, "dev": 0.2, "test": 0.2}


def features(article, stances):
    """Counts an article adds to its split: itself, its genre, its targets, its polarities."""
    f = Counter({"articles": 1, "genre:" + article["genre"]: 1})
    for s in stances:
        f["target:" + s["target"]] += 1
        f["stance:" + s["stance"]] += 1
    return f


def cost(totals, assigned):
    """Squared relative distance of every split's counts from its share of the totals."""
    c = 0.0
    for split, share in SHARES.items():
        for key, total in totals.items():
            want = share * total
            c += (assigned[split][key] - want) ** 2 / max(total, 1)
    return c


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--manifest", type=Path, default=Path("corpus/domain/manifest.jsonl"))
    ap.add_argument("--gold", type=Path, default=Path("corpus/domain/gold.jsonl"))
    ap.add_argument("-o", "--output", type=Path, default=Path("corpus/domain/split.tsv"))
    ap.add_argument("--seed", type=int, default=18)
    args = ap.parse_args()
    manifest = [json.loads(l) for l in open(args.manifest, encoding="utf-8")]
    gold = {r["id"]: r for r in map(json.loads, open(args.gold, encoding="utf-8"))}
    groups = defaultdict(list)
    for m in manifest:
        if m["id"] in gold:
            groups[m.get("event") or m["source_url"]].append(m["id"])
    feats = {}
    for key, ids in groups.items():
        f = Counter()
        for i in ids:
            f += features(next(m for m in manifest if m["id"] == i), gold[i]["stances"])
        feats[key] = f
    totals = sum(feats.values(), Counter())
    keys = sorted(groups)
    rng = random.Random(args.seed)
    best = None
    for _ in range(20):
        assign = {k: rng.choices(list(SHARES), weights=list(SHARES.values()))[0] for k in keys}
        assigned = {s: Counter() for s in SHARES}
        for k, s in assign.items():
            assigned[s] += feats[k]
        current = cost(totals, assigned)
        improved = True
        while improved:
            improved = False
            for k in rng.sample(keys, len(keys)):
                for s in SHARES:
                    if s == assign[k]:
                        continue
                    old = assign[k]
                    assigned[old] -= feats[k]
                    assigned[s] += feats[k]
                    c = cost(totals, assigned)
                    if c < current - 1e-12:
                        assign[k], current, improved = s, c, True
                    else:
                        assigned[s] -= feats[k]
                        assigned[old] += feats[k]
        if best is None or current < best[0]:
            best = (current, dict(assign))
    assign = best[1]
    rows = sorted((i, assign[k]) for k, ids in groups.items() for i in ids)
    with open(args.output, "w", encoding="utf-8") as out:
        out.write("# made by scripts/corpus/split.py; fixed: do not regenerate (corpus/README.md)\n")
        out.write("id\tsplit\n")
        for i, s in rows:
            out.write(f"{i}\t{s}\n")
    counts = Counter(s for _, s in rows)
    print(f"{len(rows)} articles: " + ", ".join(f"{s} {counts[s]}" for s in SHARES) + f"; cost {best[0]:.2f}")


if __name__ == "__main__":
    main()
