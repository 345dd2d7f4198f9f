#!/usr/bin/env python3
"""Cross-check `cyberstance eval-conll --write-tags FILE` with the seqeval package.

    .venv/bin/python scripts/check/check_seqeval.py FILE
prints seqeval's strict (IOB2) and default-mode micro F1, overall and per type, as JSON."""
import json
import sys

from seqeval.metrics import classification_report, f1_score
from seqeval.scheme import IOB2

gold, pred, g, p = [], [], [], []
for line in open(sys.argv[1], encoding="utf-8"):
    parts = line.split()
    if not parts:
        if g:
            gold.append(g)
            pred.append(p)
        g, p = [], []
        continue
    g.append(parts[-2])
    p.append(parts[-1])
if g:
    gold.append(g)
    pred.append(p)
rep = classification_report(gold, pred, mode="strict", scheme=IOB2, output_dict=True, digits=4)
print(json.dumps({
    "sentences": len(gold),
    "f1_strict": f1_score(gold, pred, mode="strict", scheme=IOB2),
    "f1_default": f1_score(gold, pred),
    "per_label": {k: round(v["f1-score"], 6) for k, v in rep.items() if k in ("PER", "ORG", "LOC", "MISC")},
}, indent=1))
