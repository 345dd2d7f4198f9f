#!/usr/bin/env bash
# What the stance model costs, end to end, side by side in one run on the corpora of
# scripts/bench/bench_annotate.sh (CoNLL-2003 test documents as articles; the seeds x40):
#   model            `annotate --stance-signals model` (NER, actors, the stance model on every
#                    sentence, the learned links deciding who takes what)
#   model-sentences  the same with `--stance-decision sentences` (the model on attributed sentences only)
#   lexical          `annotate` as shipped (`--stance-signals lexical`: the keyword rules, no stance model)
#   lexical-links    the same with `--stance-decision links`
#   baseline   an earlier build, when BASELINE_BIN names it (with BASELINE_HOME, the checkout whose
#              models/ it reads), e.g. the last commit before the stance model:
#                git worktree add /tmp/base 6d4655c && (cd /tmp/base && cargo build --release)
#                BASELINE_BIN=/tmp/base/target/release/cyberstance BASELINE_HOME=/tmp/base \
#                  scripts/bench/bench_stance_cost.sh
# Each system runs ROUNDS times (default 3), interleaved, and the median wall time counts (model
# load included). Prints subword tokens/s per system and corpus, and each against `model`.
#   scripts/bench/bench_stance_cost.sh [CONLL_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
conll=${1:-${CONLL2003_DIR:-../shared/data/conll2003}}
rounds=${ROUNDS:-3}
out=bench-out
mkdir -p "$out"
python3 scripts/bench/bench_corpus.py "$conll" "$out"
cargo build --release --locked --quiet
results="$out/stance_cost.tsv"
: > "$results"
run() { # run NAME CORPUS ENV-AND-COMMAND...
  local name=$1 corpus=$2
  shift 2
  rm -f "$out/$corpus.$name.jsonl"
  local cmd=("$@")
  # flags after the binary go after the subcommand: env [VAR=...] BIN annotate IN -o OUT --quiet FLAGS
  local i=0
  while [[ "${cmd[$i]}" == *=* ]]; do i=$((i + 1)); done
  /usr/bin/time -f '%e %M' -o "$out/time.txt" env "${cmd[@]:0:$((i + 1))}" annotate "$out/$corpus.jsonl" \
    -o "$out/$corpus.$name.jsonl" --quiet "${cmd[@]:$((i + 1))}" \
    2> "$out/stderr.txt" || { cat "$out/stderr.txt" >&2; exit 1; }
  read -r secs rss_kb < "$out/time.txt"
  tokens=$(grep -o '[0-9]* tokens in' "$out/stderr.txt" | head -1 | cut -d' ' -f1)
  printf '%s\t%s\t%s\t%s\t%s\n' "$name" "$corpus" "$secs" "$tokens" "$rss_kb" >> "$results"
}
for round in $(seq "$rounds"); do
  for corpus in conll-test seeds-x40; do
    run model "$corpus" ./target/release/cyberstance --stance-signals model
    run model-sentences "$corpus" ./target/release/cyberstance --stance-signals model --stance-decision sentences
    run lexical "$corpus" ./target/release/cyberstance
    run lexical-links "$corpus" ./target/release/cyberstance --stance-decision links
    if [ -n "${BASELINE_BIN:-}" ]; then
      run baseline "$corpus" CYBERSTANCE_HOME="${BASELINE_HOME:?BASELINE_HOME: the baseline checkout}" "$BASELINE_BIN"
    fi
  done
done
python3 - "$results" <<'PY'
import statistics, sys
from collections import defaultdict
runs = defaultdict(list)
tokens, rss = {}, defaultdict(int)
for line in open(sys.argv[1]):
    name, corpus, secs, tok, kb = line.split("\t")
    runs[name, corpus].append(float(secs))
    tokens[name, corpus] = int(tok)
    rss[name, corpus] = max(rss[name, corpus], int(kb))
print("| system | corpus | median s | tokens/s | peak RSS MiB | tokens/s vs model |")
print("|---|---|---|---|---|---|")
for (name, corpus), secs in sorted(runs.items(), key=lambda kv: (kv[0][1], kv[0][0])):
    med = statistics.median(secs)
    tps = tokens[name, corpus] / med
    ref = tokens["model", corpus] / statistics.median(runs["model", corpus])
    print(f"| {name} | {corpus} | {med:.2f} | {tps:.0f} | {rss[name, corpus] / 1024:.0f} | {tps / ref:.2f} |")
PY
