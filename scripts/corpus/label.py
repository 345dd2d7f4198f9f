#!/usr/bin/env python3
"""Turns a label sheet (spans written as text, not offsets) into a gold record with exact offsets.

    python3 scripts/corpus/label.py SHEET.json --texts corpus/domain >> gold.jsonl

A sheet is what a person labelling an article writes while reading it:

    {"id": "st_usun_001",
     "entities": [["United States", "GPE"], ["Security Council", "ORG"], ["Council", "ORG", 3], ...],
     "actors": [{"name": "United States", "kind": "state", "code": "USA",
                 "mentions": ["United States", ["we", 2], ["its", 1, 4]]}, ...],
     "stances": [{"actor": "United States", "target": "voluntary_norms", "stance": "support",
                  "evidence": "we remain committed to the framework", "occurrence": 1}, ...]}

Spans are matched as whole words (no letter or digit right before or after), case-sensitively.
- An entity `[text, label]` is the next occurrence of `text` after the previous entity; `[text,
  label, k]` is the k-th occurrence (1-based) in the whole article.
- An actor mention `text` is every occurrence of `text` in the article; `[text, k, ...]` only the
  listed occurrences. A mention inside an entity span of another name is allowed (a state inside
  "Permanent Mission of France").
- Evidence is found verbatim; if it occurs more than once, `occurrence` says which.
Every failure names the sheet and the span; nothing is written for a sheet with a failure.
"""

import argparse
import json
import re
import sys
from pathlib import Path


def occurrences(text, needle):
    """Start offsets of `needle` in `text` as a whole word."""
    out = []
    for m in re.finditer(re.escape(needle), text):
        s, e = m.start(), m.end()
        before = text[s - 1] if s > 0 else " "
        after = text[e] if e < len(text) else " "
        if not (before.isalnum() and needle[0].isalnum()) and not (after.isalnum() and needle[-1].isalnum()):
            out.append(s)
    return out


class SheetError(Exception):
    pass


def nth(text, needle, k, what):
    found = occurrences(text, needle)
    if not 1 <= k <= len(found):
        raise SheetError(f"{what}: {needle!r} occurrence {k} asked, {len(found)} in the text")
    return found[k - 1]


def convert(sheet, text):
    rec = {"id": sheet["id"], "entities": [], "actors": [], "stances": []}
    pos = 0
    for item in sheet.get("entities", []):
        if len(item) == 3:
            s = nth(text, item[0], item[2], "entity")
        else:
            after = [o for o in occurrences(text, item[0]) if o >= pos]
            if not after:
                raise SheetError(f"entity {item[0]!r} ({item[1]}): no occurrence after offset {pos}")
            s = after[0]
        pos = s + len(item[0])
        rec["entities"].append({"start": s, "end": pos, "text": item[0], "label": item[1]})
    rec["entities"].sort(key=lambda e: e["start"])
    codes = {}
    for a in sheet.get("actors", []):
        mentions = set()
        for m in a.get("mentions", []):
            if isinstance(m, str):
                found = occurrences(text, m)
                if not found:
                    raise SheetError(f"actor {a['name']!r}: mention {m!r} not in the text")
                mentions.update((s, s + len(m)) for s in found)
            else:
                for k in m[1:]:
                    s = nth(text, m[0], k, f"actor {a['name']!r} mention")
                    mentions.add((s, s + len(m[0])))
        actor = {"name": a["name"], "kind": a["kind"], "code": a.get("code"),
                 "mentions": [list(m) for m in sorted(mentions)]}
        codes[a["name"]] = a.get("code")
        rec["actors"].append(actor)
    for st in sheet.get("stances", []):
        ev = st["evidence"]
        found = [m.start() for m in re.finditer(re.escape(ev), text)]
        k = st.get("occurrence", 1)
        if not found:
            raise SheetError(f"stance {st['actor']!r}/{st['target']}: evidence {ev[:60]!r} not verbatim in the text")
        if len(found) > 1 and "occurrence" not in st:
            raise SheetError(f"stance {st['actor']!r}/{st['target']}: evidence {ev[:60]!r} occurs "
                             f"{len(found)} times: say which with \"occurrence\"")
        if not 1 <= k <= len(found):
            raise SheetError(f"stance {st['actor']!r}/{st['target']}: occurrence {k} of {len(found)}")
        rec["stances"].append({"actor": st["actor"], "actor_code": codes.get(st["actor"]),
                               "target": st["target"], "stance": st["stance"],
                               "evidence": ev, "evidence_start": found[k - 1]})
    return rec


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("sheets", nargs="+", type=Path)
    ap.add_argument("--texts", type=Path, required=True)
    args = ap.parse_args()
    failed = 0
    for path in args.sheets:
        try:
            sheet = json.loads(path.read_text(encoding="utf-8"))
            text = (args.texts / f"{sheet['id']}.txt").read_bytes().decode("utf-8")
            rec = convert(sheet, text)
        except (SheetError, KeyError, ValueError, OSError, IndexError, TypeError) as e:
            print(f"error: {path}: {e}", file=sys.stderr)
            failed += 1
            continue
        print(json.dumps(rec, ensure_ascii=False))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
