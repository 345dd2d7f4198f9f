#!/usr/bin/env python3
"""Scores annotated records against the domain corpus's gold labels, per split, through
`cyberstance eval --json --per-article`, and prints the tables of corpus/README.md's baseline:
overall figures, entities by label, stances by target, and entities and stances by genre.

    cyberstance annotate corpus/domain -o target/domain/pred.jsonl --quiet
    python3 scripts/corpus/baseline.py target/domain/pred.jsonl [--splits dev test] \
        [--binary target/release/cyberstance]

Only the splits asked for are scored (dev while tuning; test once, at the end of an issue).
`--min KEY=VALUE` makes it a gate on the first split (scripts/test.sh gates dev this way).
"""

import argparse
import json
import subprocess
import tempfile
from collections import defaultdict
from pathlib import Path

DOMAIN = Path("corpus/domain")


def f1(correct, predicted, gold):
    p = correct / predicted if predicted else 0.0
    r = correct / gold if gold else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def score(binary, gold_lines, pred_lines):
    with tempfile.TemporaryDirectory() as d:
        g, p = Path(d, "gold.jsonl"), Path(d, "pred.jsonl")
        g.write_text("".join(gold_lines), encoding="utf-8")
        p.write_text("".join(pred_lines), encoding="utf-8")
        out = subprocess.run([binary, "eval", "--gold", str(g), "--pred", str(p), "--json", "--per-article"],
                             capture_output=True, text=True)
        if not out.stdout:
            raise SystemExit(f"eval failed: {out.stderr}")
        return json.loads(out.stdout)


def table_by(reports, splits, title, what, figures):
    """A table of F1 (gold count) per key of `figures(report)`, one column per split."""
    kind = "strict" if what == "label" else "triple"
    print(f"\n{title}, {kind} F1 (gold count)\n\n| {what} | " + " | ".join(splits) + " |")
    print("|---" * (len(splits) + 1) + "|")
    for key in sorted({k for r in reports.values() for k in figures(r)}):
        cells = []
        for s in splits:
            x = figures(reports[s]).get(key)
            cells.append(f"{x['f1']:.3f} ({x['support']})" if x else "-")
        print(f"| {key} | " + " | ".join(cells) + " |")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("pred", type=Path)
    ap.add_argument("--splits", nargs="+", default=["dev"], choices=["train", "dev", "test"])
    ap.add_argument("--binary", default="target/release/cyberstance")
    ap.add_argument("--min", action="append", default=[], metavar="KEY=VALUE",
                    help="fail (exit 1) when a figure of the first split's report is below VALUE, "
                         "e.g. stances.triples.f1=0.6 (the keys of `cyberstance eval --json`); repeatable")
    args = ap.parse_args()
    split = dict(l.rstrip("\n").split("\t")[:2] for l in open(DOMAIN / "split.tsv", encoding="utf-8")
                 if not l.startswith(("#", "id\t")) and l.strip())
    genre = {m["id"]: m["genre"] for m in map(json.loads, open(DOMAIN / "manifest.jsonl", encoding="utf-8"))}
    gold = {json.loads(l)["id"]: l for l in open(DOMAIN / "gold.jsonl", encoding="utf-8")}
    pred = {json.loads(l)["id"]: l for l in open(args.pred, encoding="utf-8")}
    reports = {}
    for s in args.splits:
        ids = [i for i in gold if split.get(i) == s]
        missing = [i for i in ids if i not in pred]
        if missing:
            raise SystemExit(f"{len(missing)} {s} articles not in {args.pred}, e.g. {missing[0]}")
        reports[s] = score(args.binary, [gold[i] for i in ids], [pred[i] for i in ids])
    cols = " | ".join(args.splits)
    rule = "|---" * (len(args.splits) + 1) + "|"
    print(f"| figure | {cols} |\n{rule}")
    rows = [
        ("articles", lambda r: f"{r['articles']}"),
        ("entity strict P / R / F1", lambda r: "{:.3f} / {:.3f} / {:.3f}".format(
            *(r["entities"]["strict"][k] for k in ("precision", "recall", "f1")))),
        ("states per article F1", lambda r: f"{r['actors']['states']['f1']:.3f}"),
        ("mention linking accuracy", lambda r: f"{r['actors']['mentions']['accuracy']:.3f}"),
        ("stance triples P / R / F1", lambda r: "{:.3f} / {:.3f} / {:.3f}".format(
            *(r["stances"]["triples"][k] for k in ("precision", "recall", "f1")))),
        ("stance pairs F1", lambda r: f"{r['stances']['pairs']['f1']:.3f}"),
        ("polarity accuracy (matched pairs)", lambda r: f"{r['stances']['polarity']['accuracy']:.3f}"),
        ("articles with gold stances and none predicted", lambda r: str(sum(
            1 for a in r["per_article"] if a["triples"]["support"] and not a["triples"]["predicted"]))),
    ]
    for name, get in rows:
        print(f"| {name} | " + " | ".join(get(reports[s]) for s in args.splits) + " |")
    table_by(reports, args.splits, "Entities by label", "label", lambda r: r["entities"]["per_label"])
    table_by(reports, args.splits, "Stances by target", "target", lambda r: r["stances"]["per_target"])
    print(f"\nBy genre: entity strict F1 / stance triple F1 (articles)\n\n| genre | {cols} |\n{rule}")
    for g in sorted(set(genre.values())):
        cells = []
        for s in args.splits:
            c = defaultdict(int)
            for a in reports[s]["per_article"]:
                if genre.get(a["id"]) != g:
                    continue
                c["n"] += 1
                e, t = a["entities"]["strict"], a["triples"]
                c["ec"] += e["correct"]; c["ea"] += e["actual"]; c["ep"] += e["possible"]
                c["tc"] += t["correct"]; c["tp"] += t["predicted"]; c["ts"] += t["support"]
            cells.append(f"{f1(c['ec'], c['ea'], c['ep']):.3f} / {f1(c['tc'], c['tp'], c['ts']):.3f} ({c['n']})"
                         if c["n"] else "-")
        print(f"| {g} | " + " | ".join(cells) + " |")
    failed = []
    for gate in args.min:
        key, _, value = gate.partition("=")
        x = reports[args.splits[0]]
        for part in key.split("."):
            x = x[part]
        if x < float(value):
            failed.append(f"{args.splits[0]} {key} = {x:.4f} < {value}")
    if failed:
        raise SystemExit("below the floor: " + "; ".join(failed))


if __name__ == "__main__":
    main()
