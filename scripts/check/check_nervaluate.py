"""Cross-check the entity figures of `cyberstance eval --json` against Python nervaluate.

    target/release/cyberstance eval --gold corpus/seeds_gold.jsonl --pred out/seeds.jsonl --json > report.json
    .venv/bin/python scripts/check/check_nervaluate.py corpus/seeds_gold.jsonl out/seeds.jsonl report.json

Pass the same `--label-map` to both. nervaluate takes inclusive end offsets, so each span's end is
given as end - 1 (our spans are half-open). Predicted and gold spans are sorted by (start, end,
label), the order the Rust scorer uses. Prints every figure compared and exits 1 on any difference.
"""

import argparse
import json
import sys

from nervaluate import Evaluator

SCHEMES = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}


def read(path, label_map):
    docs = {}
    with open(path, encoding="utf-8-sig") as f:
        for line in f:
            if line.strip():
                r = json.loads(line)
                spans = sorted(
                    (e["start"], e["end"], label_map.get(e["label"], e["label"])) for e in r.get("entities", [])
                )
                docs[r["id"]] = [{"label": lab, "start": s, "end": e - 1} for s, e, lab in spans]
    return docs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold")
    ap.add_argument("pred")
    ap.add_argument("report", help="the JSON printed by `cyberstance eval --json`")
    ap.add_argument("--label-map", default="", help="FROM=TO,... as given to cyberstance eval")
    args = ap.parse_args()
    label_map = dict(kv.split("=", 1) for kv in args.label_map.split(",") if kv)

    gold, pred = read(args.gold, label_map), read(args.pred, label_map)
    ids = [i for i in gold if i in pred]
    tags = sorted({e["label"] for d in list(gold.values()) + list(pred.values()) for e in d})
    res = Evaluator([gold[i] for i in ids], [pred[i] for i in ids], tags=tags, loader="dict").evaluate()
    with open(args.report, encoding="utf-8") as f:
        ours = json.load(f)["entities"]

    checks = []
    for ours_name, nv_name in SCHEMES.items():
        checks.append((ours_name, res["overall"][nv_name], ours[ours_name]))
        for tag in tags:
            checks.append((f"per_label.{tag}.{ours_name}", res["entities"][tag][nv_name], ours["per_label"][tag][ours_name]))
    bad = 0
    for name, nv, rs in checks:
        for key in ("correct", "incorrect", "partial", "missed", "spurious", "precision", "recall", "f1"):
            a, b = getattr(nv, key), rs[key]
            same = abs(a - b) < 1e-9
            bad += not same
            if not same or key == "f1":
                print(f"{'ok  ' if same else 'DIFF'} {name}.{key}: nervaluate {a:.6f} cyberstance {b:.6f}")
    print(f"{len(ids)} articles, {len(checks)} figure groups compared, {bad} differences")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
