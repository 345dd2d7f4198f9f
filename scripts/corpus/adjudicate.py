#!/usr/bin/env python3
"""Final labels of the articles labelled twice: pass A, with every disagreement decided.

    python3 scripts/corpus/adjudicate.py corpus/domain/agreement/pass_a.jsonl \
        corpus/domain/agreement/pass_b.jsonl corpus/domain/agreement/adjudication.jsonl > adjudicated.jsonl

Rules (corpus/README.md, "Adjudication"):
- Entities: where the passes differ, the decision names a region ([start, end) in code points)
  and which pass's entities inside it stand (`"take": "a"` or `"b"`).
- Stances: for each (actor, target) on which the passes differ (one has none, or the polarity
  differs), the decision says which pass stands (`"a"`, `"b"`); `"none"` drops both.
- Actors: pass A's; an actor only pass B has comes in when a decision takes one of its stances.
  Mentions are the union of both passes' mentions of the same actor (same ISO code or name); a
  span both passes give to different actors stays with pass A's.
A disagreement without a decision is an error: every one is read and decided.
"""

import json
import sys
import unicodedata


def fold(name):
    s = unicodedata.normalize("NFKC", name).casefold().strip()
    return s[4:] if s.startswith("the ") else s


def stance_key(s):
    return (s.get("actor_code") or fold(s["actor"]), s["target"])


def actor_key(a):
    return a.get("code") or fold(a["name"])


def read(path):
    return {r["id"]: r for r in map(json.loads, filter(str.strip, open(path, encoding="utf-8")))}


def adjudicate(a, b, decisions):
    problems = []
    out = {"id": a["id"], "entities": [], "actors": [], "stances": []}
    # entities
    ents_a = {(e["start"], e["end"], e["label"]): e for e in a["entities"]}
    ents_b = {(e["start"], e["end"], e["label"]): e for e in b["entities"]}
    regions = [d for d in decisions if d["kind"] == "entity"]

    def region_of(e):
        return next((d for d in regions if d["start"] < e["end"] and e["start"] < d["end"]), None)

    for k in ents_a.keys() ^ ents_b.keys():
        e = ents_a.get(k) or ents_b.get(k)
        if region_of(e) is None:
            problems.append(f"entity {e['text']!r} at {e['start']} undecided")
    for e in a["entities"]:
        d = region_of(e)
        if d is None or d["take"] == "a":
            out["entities"].append(e)
    for e in b["entities"]:
        d = region_of(e)
        if d is not None and d["take"] == "b":
            out["entities"].append(e)
    out["entities"].sort(key=lambda e: (e["start"], e["end"]))
    # stances
    st_a = {stance_key(s): s for s in a["stances"]}
    st_b = {stance_key(s): s for s in b["stances"]}
    by_key = {tuple(d["key"]): d for d in decisions if d["kind"] == "stance"}
    taken_b = []
    for k in sorted(st_a.keys() | st_b.keys(), key=str):
        x, y = st_a.get(k), st_b.get(k)
        if x and y and x["stance"] == y["stance"]:
            out["stances"].append(x)
            continue
        d = by_key.get(k)
        if d is None:
            problems.append(f"stance {k} undecided (A {x and x['stance']}, B {y and y['stance']})")
            continue
        chosen = {"a": x, "b": y, "none": None}[d["take"]]
        if chosen is not None:
            out["stances"].append(chosen)
            if chosen is y:
                taken_b.append(y)
    # actors: pass A's, plus pass B's that hold a stance taken from B; mentions united
    actors = {actor_key(x): dict(x, mentions=list(map(tuple, x["mentions"]))) for x in a["actors"]}
    names_a = {x["name"] for x in a["actors"]}
    for s in taken_b:
        if s["actor"] not in names_a:
            extra = next(x for x in b["actors"] if x["name"] == s["actor"])
            actors.setdefault(actor_key(extra), dict(extra, mentions=[]))
    claimed = {tuple(m): k for k, x in actors.items() for m in x["mentions"]}
    for x in b["actors"]:
        k = actor_key(x)
        if k not in actors:
            continue
        for m in map(tuple, x["mentions"]):
            if m not in claimed:
                actors[k]["mentions"].append(m)
                claimed[m] = k
    for x in actors.values():
        x["mentions"] = [list(m) for m in sorted(set(x["mentions"]))]
        out["actors"].append(x)
    # a stance taken from B names its actor as B did; point it at the actor kept
    names = {actor_key(x): x["name"] for x in out["actors"]}
    for s in out["stances"]:
        s["actor"] = names.get(s.get("actor_code") or fold(s["actor"]), s["actor"])
    return out, problems


def main():
    a, b = read(sys.argv[1]), read(sys.argv[2])
    decisions = [json.loads(l) for l in open(sys.argv[3], encoding="utf-8") if l.strip()]
    failed = False
    for i in sorted(set(a) & set(b)):
        rec, problems = adjudicate(a[i], b[i], [d for d in decisions if d["id"] == i])
        for p in problems:
            print(f"error: {i}: {p}", file=sys.stderr)
            failed = True
        print(json.dumps(rec, ensure_ascii=False))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
