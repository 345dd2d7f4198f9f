#!/usr/bin/env bash
# Sweeps the stance decision settings on a labelled corpus and prints, per setting, the stance
# triple and pair F1 of `cyberstance eval` and the number of stances predicted:
#   scripts/bench/sweep_stances.sh [CORPUS] [GOLD]     (defaults: corpus/seeds corpus/seeds_gold.jsonl)
#   THRESHOLDS="0.6 0.7" KEYWORD_THRESHOLDS="0 0.2" SIGNALS="cascade both" scripts/bench/sweep_stances.sh
# `keyword_threshold` only matters with --stance-signals both (the cascade never embeds a sentence
# with a keyword), so the cascade is swept over `threshold` alone.
# How models/stance/config.json was set: see models/stance/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
corpus=${1:-corpus/seeds}
gold=${2:-corpus/seeds_gold.jsonl}
bin=target/release/cyberstance
out=$(mktemp)
trap 'rm -f "$out"' EXIT
printf 'signals\tthreshold\tkeyword_threshold\ttriples_f1\tpairs_f1\tpredicted\n'
for signals in ${SIGNALS:-cascade both}; do
  kts=${KEYWORD_THRESHOLDS:-0 0.1 0.2 0.3 0.4}
  [ "$signals" = both ] || kts=-
  for th in ${THRESHOLDS:-0.5 0.6 0.7 0.8 1.01}; do
    for kt in $kts; do
      flags=(--stance-signals "$signals" --stance-threshold "$th")
      [ "$kt" = - ] || flags+=(--keyword-threshold "$kt")
      "$bin" annotate "$corpus" -o "$out" --quiet "${flags[@]}" 2>/dev/null
      "$bin" eval --gold "$gold" --pred "$out" --json | python3 -c "
import json, sys
s = json.load(sys.stdin)['stances']
print('$signals\t$th\t$kt\t%.3f\t%.3f\t%d' % (s['triples']['f1'], s['pairs']['f1'], s['triples']['predicted']))"
    done
  done
done
