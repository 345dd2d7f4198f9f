#!/usr/bin/env bash
# Throughput of `cyberstance annotate` end to end on corpora built at run time (never committed):
#   conll-test: the 231 CoNLL-2003 test documents as articles (tokens joined by spaces)
#   seeds-x40:  the five seed articles, 40 times each
# Prints articles/s, words/s, subword tokens/s and peak RSS per corpus.
#   scripts/bench/bench_annotate.sh [CONLL_DIR] [extra annotate flags...]
set -euo pipefail
cd "$(dirname "$0")/../.."
conll=${1:-${CONLL2003_DIR:-../shared/data/conll2003}}
shift || true
out=bench-out
mkdir -p "$out"
python3 scripts/bench/bench_corpus.py "$conll" "$out"
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
