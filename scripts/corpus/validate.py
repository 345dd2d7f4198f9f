#!/usr/bin/env python3
"""Checks gold labels against their texts and the project's vocabularies (corpus/README.md).

    python3 scripts/corpus/validate.py corpus/domain/gold.jsonl --texts corpus/domain \
        [--split corpus/domain/split.tsv] [--manifest corpus/domain/manifest.jsonl]

For every record: the article exists; entity offsets slice the text to `text` (code points, end
exclusive), labels are in the tag set, entities do not overlap; actors have a known kind, states
a valid ISO 3166-1 alpha-3 code (models/gazetteer/states.tsv), mentions (none for a speaker known
only from the page) slice inside the text and
names are unique; stances name an actor of the article (and its code), a target of
models/targets.tsv, a polarity, and evidence found verbatim at `evidence_start`; one stance per
(actor, target). With --split: every labelled article in exactly one split and no event in two.
Prints one line per problem (`file:line: id: message`) and exits 1 if there is any.
"""

import argparse
import csv
import json
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
LABELS = {"PER", "ORG", "GPE", "NORP", "LOC", "MISC"}
KINDS = {"state", "igo", "org", "person", "group"}
POLARITIES = {"support", "oppose", "neutral"}
SPLITS = {"train", "dev", "test"}


def tsv_column(path, column):
    rows = (l for l in open(path, encoding="utf-8") if not l.startswith("#"))
    return {r[column] for r in csv.DictReader(rows, delimiter="\t")}


def check_record(rec, text, codes, targets):
    """Problems of one gold record, as messages."""
    out = []
    n = len(text)
    spans = []
    for i, e in enumerate(rec.get("entities", [])):
        s, t = e.get("start"), e.get("end")
        if not (isinstance(s, int) and isinstance(t, int) and 0 <= s < t <= n):
            out.append(f"entity {i}: offsets [{s}, {t}) outside the text ({n} code points)")
            continue
        if text[s:t] != e.get("text"):
            out.append(f"entity {i}: text[{s}:{t}] is {text[s:t]!r}, not {e.get('text')!r}")
        if text[s:t] != text[s:t].strip():
            out.append(f"entity {i}: {text[s:t]!r} has surrounding white space")
        if e.get("label") not in LABELS:
            out.append(f"entity {i}: label {e.get('label')!r} not in {sorted(LABELS)}")
        spans.append((s, t, i))
    spans.sort()
    for (s1, t1, i1), (s2, t2, i2) in zip(spans, spans[1:]):
        if s2 < t1:
            out.append(f"entities {i1} and {i2} overlap: [{s1}, {t1}) and [{s2}, {t2})")
    actors = {}
    for i, a in enumerate(rec.get("actors", [])):
        name = a.get("name")
        if not isinstance(name, str) or not name.strip():
            out.append(f"actor {i}: no name")
            continue
        if name in actors:
            out.append(f"actor {name!r} twice")
        actors[name] = a
        if a.get("kind") not in KINDS:
            out.append(f"actor {name!r}: kind {a.get('kind')!r} not in {sorted(KINDS)}")
        code = a.get("code")
        if a.get("kind") == "state":
            if code not in codes:
                out.append(f"actor {name!r}: state code {code!r} is no ISO 3166-1 alpha-3 code")
        elif code is not None:
            out.append(f"actor {name!r}: a {a.get('kind')} has no code")
        # no mention is allowed: a statement's speaker known only from the page (corpus/README.md)
        mentions = a.get("mentions", [])
        for m in mentions:
            if not (isinstance(m, list) and len(m) == 2 and all(isinstance(x, int) for x in m)
                    and 0 <= m[0] < m[1] <= n):
                out.append(f"actor {name!r}: mention {m!r} outside the text")
            elif text[m[0]:m[1]] != text[m[0]:m[1]].strip():
                out.append(f"actor {name!r}: mention {text[m[0]:m[1]]!r} has surrounding white space")
        if len({tuple(m) for m in mentions if isinstance(m, list)}) != len(mentions):
            out.append(f"actor {name!r}: a mention listed twice")
    seen = set()
    for i, st in enumerate(rec.get("stances", [])):
        actor = st.get("actor")
        if actor not in actors:
            out.append(f"stance {i}: actor {actor!r} is not among the article's actors")
        elif st.get("actor_code") != actors[actor].get("code"):
            out.append(f"stance {i}: actor_code {st.get('actor_code')!r} differs from the actor's "
                       f"code {actors[actor].get('code')!r}")
        if st.get("target") not in targets:
            out.append(f"stance {i}: target {st.get('target')!r} not in models/targets.tsv")
        if st.get("stance") not in POLARITIES:
            out.append(f"stance {i}: stance {st.get('stance')!r} not in {sorted(POLARITIES)}")
        ev, at = st.get("evidence"), st.get("evidence_start")
        if not isinstance(ev, str) or not ev.strip():
            out.append(f"stance {i}: no evidence")
        elif not isinstance(at, int) or text[at:at + len(ev)] != ev:
            out.append(f"stance {i}: evidence not found verbatim at {at}")
        key = (actor, st.get("target"))
        if key in seen:
            out.append(f"stance {i}: a second stance for {key}")
        seen.add(key)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--texts", type=Path, required=True, help="directory of the articles' .txt files")
    ap.add_argument("--split", type=Path, help="split file: id<TAB>split")
    ap.add_argument("--manifest", type=Path, help="manifest.jsonl with each article's `event`")
    args = ap.parse_args()
    codes = tsv_column(REPO / "models/gazetteer/states.tsv", "alpha3")
    targets = tsv_column(REPO / "models/targets.tsv", "target")
    problems = []
    ids = Counter()
    for no, line in enumerate(open(args.gold, encoding="utf-8"), 1):
        if not line.strip():
            continue
        where = f"{args.gold}:{no}"
        try:
            rec = json.loads(line)
        except json.JSONDecodeError as e:
            problems.append(f"{where}: malformed JSON: {e}")
            continue
        rid = rec.get("id")
        ids[rid] += 1
        if ids[rid] == 2:
            problems.append(f"{where}: {rid}: id labelled twice")
        path = args.texts / f"{rid}.txt"
        if not path.is_file():
            problems.append(f"{where}: {rid}: no article {path}")
            continue
        text = path.read_bytes().decode("utf-8")
        problems += [f"{where}: {rid}: {m}" for m in check_record(rec, text, codes, targets)]
    if args.split:
        split = {}
        for no, row in enumerate(open(args.split, encoding="utf-8"), 1):
            if row.startswith("#") or not row.strip() or row.startswith("id\t"):
                continue
            rid, part = row.rstrip("\n").split("\t")[:2]
            if part not in SPLITS:
                problems.append(f"{args.split}:{no}: {rid}: split {part!r} not in {sorted(SPLITS)}")
            if rid in split:
                problems.append(f"{args.split}:{no}: {rid}: in two splits")
            split[rid] = part
        for rid in ids:
            if rid not in split:
                problems.append(f"{args.split}: {rid}: labelled but in no split")
        if args.manifest:
            event_split = {}
            for l in open(args.manifest, encoding="utf-8"):
                m = json.loads(l)
                key = m.get("event") or m["source_url"]
                part = split.get(m["id"])
                if part and event_split.setdefault(key, (part, m["id"]))[0] != part:
                    first = event_split[key][1]
                    problems.append(f"{args.split}: {m['id']}: event {key!r} also in "
                                    f"{event_split[key][0]} ({first})")
    for p in problems:
        print(p)
    print(f"{sum(ids.values())} records, {len(problems)} problems", file=sys.stderr)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
