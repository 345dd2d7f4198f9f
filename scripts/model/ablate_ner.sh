#!/usr/bin/env bash
# Short (4-epoch) training runs that measure what each part of the recipe gives on CoNLL dev.
# Results: /tmp/ablate/<name>/metrics.json. About 10 minutes a run on the 2-core box.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:-../shared/data/conll2003}
run() { name=$1; shift; .venv/bin/python scripts/model/train_ner.py --data "$data" --epochs 4 --batch-size 16 --no-export --out "/tmp/ablate/$name" "$@" > "/tmp/ablate/$name.log" 2>&1; }
mkdir -p /tmp/ablate
run full
run no_context --no-context
run no_shape --no-shape
