#!/usr/bin/env bash
# Throughput of `cyberstance annotate` end to end on corpora built at run time (never committed):
#   conll-test: the 231 CoNLL-2003 test documents as articles (tokens joined by spaces)
#   seeds-x40:  the five seed articles, 40 times each
# Prints articles/s, words/s, subword tokens/s and peak RSS per corpus.
#   scripts/bench_annotate.sh [CONLL_DIR] [extra annotate flags...]
set -euo pipefail
cd "$(dirname "$0")/.."
conll=${1:-${CONLL2003_DIR:-../shared/data/conll2003}}
shift || true
out=bench-out
mkdir -p "$out"
python3 - "$conll" "$out" <<'PY'
import json, pathlib, sys
conll, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
docs, cur, sent = [], [], []
for line in open(conll / "conll2003_test.iob2", encoding="utf-8"):
    parts = line.split()
    if not parts:
        if sent: cur.append(" ".join(sent)); sent = []
        continue
    if parts[0] == "-DOCSTART-":
        if cur: docs.append(cur)
        cur = []
        continue
    sent.append(parts[0])
if sent: cur.append(" ".join(sent))
if cur: docs.append(cur)
with open(out / "conll-test.jsonl", "w") as f:
    for i, d in enumerate(docs):
        f.write(json.dumps({"id": f"conll-test-{i:03d}", "text": "\n".join(d)}) + "\n")
with open(out / "seeds-x40.jsonl", "w") as f:
    for k in range(40):
        for p in sorted(pathlib.Path("corpus/seeds").glob("*.txt")):
            f.write(json.dumps({"id": f"{p.stem}-{k}", "text": p.read_text(encoding="utf-8")}) + "\n")
PY
cargo build --release --locked --quiet
for corpus in conll-test seeds-x40; do
  in="$out/$corpus.jsonl"
  words=$(python3 -c "import json,sys; print(sum(len(json.loads(l)['text'].split()) for l in open(sys.argv[1])))" "$in")
  /usr/bin/time -f '%e %M' -o "$out/time.txt" ./target/release/cyberstance annotate "$in" -o "$out/$corpus.out.jsonl" "$@" 2> "$out/stderr.txt"
  read -r secs rss_kb < "$out/time.txt"
  summary=$(grep '^annotated' "$out/stderr.txt")
  python3 - "$corpus" "$secs" "$rss_kb" "$words" "$summary" <<'PY'
import re, sys
corpus, secs, rss, words, summary = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
ok = int(re.search(r"(\d+) ok", summary).group(1)); tokens = int(re.search(r"(\d+) tokens", summary).group(1))
print(f"{corpus:12s} {ok} articles, {words} words, {tokens} subword tokens in {secs:.2f}s wall (model load included): "
      f"{ok/secs:.1f} articles/s, {words/secs:.0f} words/s, {tokens/secs:.0f} tokens/s, peak RSS {rss/1024:.0f} MiB")
PY
done
