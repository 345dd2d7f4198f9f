#!/usr/bin/env bash
# The two backends side by side, in one run, on the corpora of scripts/bench/bench.sh (built at run time
# from ../shared): `cyberstance annotate` end to end (NER + actors + stances, model load included)
#   torch        rust-bert on libtorch, fp32 safetensors weights (--backend torch), CPU
#   onnx-fp32    ONNX Runtime on the same weights in fp32 (--onnx model.fp32.onnx, --encoder-onnx model.onnx)
#   onnx         ONNX Runtime with the shipped defaults (dynamic int8)
# Prints tokens/s, peak RSS and each one's ratio to torch.
#   scripts/bench/bench_backends.sh [CONLL_DIR]       (needs scripts/setup.sh --torch once)
set -euo pipefail
cd "$(dirname "$0")/../.."
conll=${1:-${CONLL2003_DIR:-../shared/data/conll2003}}
[ -e .libtorch/lib/libtorch_cpu.so ] || { echo "bench_backends.sh: run scripts/setup.sh --torch first" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "bench_backends.sh: needs GNU time (/usr/bin/time) for peak RSS" >&2; exit 2; }
out=bench-out
mkdir -p "$out"
python3 scripts/bench/bench_corpus.py "$conll" "$out"
cargo build --release --locked --quiet --features torch
bin=./target/release/cyberstance
declare -A flags=(
  [torch]="--backend torch"
  [onnx-fp32]="--onnx models/ner-minilm-conll03/model.fp32.onnx --encoder-onnx models/all-minilm-l6-v2/model.onnx"
  [onnx]=""
)
printf '%-11s %-10s %9s %9s %9s\n' corpus backend tokens/s "peak RSS" "x torch"
for corpus in conll-test seeds-x40; do
  declare -A rate=()
  for name in torch onnx-fp32 onnx; do
    # shellcheck disable=SC2086
    /usr/bin/time -f '%M' -o "$out/time.txt" $bin annotate "$out/$corpus.jsonl" -o "$out/$corpus.$name.jsonl" --quiet \
      ${flags[$name]} 2> "$out/stderr.txt" || { cat "$out/stderr.txt" >&2; exit 1; }
    summary=$(grep '^annotated' "$out/stderr.txt")
    rate[$name]=$(sed -E 's/.*\(([0-9]+) tokens\/s\).*/\1/' <<< "$summary")
    rss=$(( $(tail -1 "$out/time.txt") / 1024 ))
    ratio=$(python3 -c "print(f'{${rate[$name]} / ${rate[torch]}:.2f}')")
    printf '%-11s %-10s %9s %5s MiB %8sx\n' "$corpus" "$name" "${rate[$name]}" "$rss" "$ratio"
  done
done
