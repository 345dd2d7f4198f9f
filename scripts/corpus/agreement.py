#!/usr/bin/env python3
"""Agreement between two independent labelling passes of the same articles.

    python3 scripts/corpus/agreement.py corpus/domain/agreement/pass_a.jsonl \
        corpus/domain/agreement/pass_b.jsonl

Prints, over the articles both passes labelled: entity strict F1 (same span, same label), stance
triple F1 ((actor, target, stance) equal; actors by ISO code, else by folded name, as
`cyberstance eval` matches them), and Cohen's kappa on polarity, over the (actor, target) pairs
both passes labelled, and over every pair either labelled with "no stance" as a fourth category.
Entity and stance F1 are also what `cyberstance eval --gold A --pred B` prints.
"""

import json
import sys
import unicodedata
from collections import Counter


def fold(name):
    s = unicodedata.normalize("NFKC", name).casefold().strip()
    return s[4:] if s.startswith("the ") else s


def actor_key(stance):
    return stance.get("actor_code") or fold(stance["actor"])


def read(path):
    return {r["id"]: r for r in map(json.loads, filter(str.strip, open(path, encoding="utf-8")))}


def f1(a, b):
    tp = len(a & b)
    p = tp / len(b) if b else 1.0
    r = tp / len(a) if a else 1.0
    return 2 * p * r / (p + r) if p + r else 0.0, tp, len(a), len(b)


def kappa(pairs):
    """Cohen's kappa of a list of (label_a, label_b)."""
    n = len(pairs)
    if not n:
        return float("nan")
    observed = sum(a == b for a, b in pairs) / n
    ca, cb = Counter(a for a, _ in pairs), Counter(b for _, b in pairs)
    expected = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (observed - expected) / (1 - expected) if expected < 1 else 1.0


def main():
    a, b = read(sys.argv[1]), read(sys.argv[2])
    ids = sorted(set(a) & set(b))
    ents_a, ents_b, tri_a, tri_b = set(), set(), set(), set()
    matched, with_none = [], []
    for i in ids:
        ents_a |= {(i, e["start"], e["end"], e["label"]) for e in a[i]["entities"]}
        ents_b |= {(i, e["start"], e["end"], e["label"]) for e in b[i]["entities"]}
        pol_a = {(i, actor_key(s), s["target"]): s["stance"] for s in a[i]["stances"]}
        pol_b = {(i, actor_key(s), s["target"]): s["stance"] for s in b[i]["stances"]}
        tri_a |= {k + (v,) for k, v in pol_a.items()}
        tri_b |= {k + (v,) for k, v in pol_b.items()}
        matched += [(pol_a[k], pol_b[k]) for k in pol_a.keys() & pol_b.keys()]
        with_none += [(pol_a.get(k, "none"), pol_b.get(k, "none")) for k in pol_a.keys() | pol_b.keys()]
    ef, etp, ena, enb = f1(ents_a, ents_b)
    sf, stp, sna, snb = f1(tri_a, tri_b)
    print(f"articles labelled twice: {len(ids)}")
    print(f"entity strict F1: {ef:.4f} ({etp} equal; {ena} in pass A, {enb} in pass B)")
    print(f"stance triple F1: {sf:.4f} ({stp} equal; {sna} in pass A, {snb} in pass B)")
    print(f"Cohen's kappa, polarity of pairs both labelled: {kappa(matched):.4f} ({len(matched)} pairs, "
          f"{sum(x == y for x, y in matched)} agree)")
    print(f"Cohen's kappa, stance or none over pairs either labelled: {kappa(with_none):.4f} "
          f"({len(with_none)} pairs)")


if __name__ == "__main__":
    main()
