#!/usr/bin/env bash
# The pinned Python environment in .venv/: training (scripts/model/train_ner.py), export, seqeval and
# nervaluate cross-checks, peers for benchmarks. Every package is pinned in
# scripts/requirements.lock and installed with --no-deps, so nothing unpinned comes in.
# About 3 GB, mostly the CUDA wheels that PyPI's torch build imports even on CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
stamp=.venv/.requirements.lock
if [ -f "$stamp" ] && cmp -s "$stamp" scripts/requirements.lock; then
  exit 0
fi
printf '==> Python environment -> .venv/\n' >&2
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --no-deps -r scripts/requirements.lock
cp scripts/requirements.lock "$stamp"
