#!/usr/bin/env bash
# Every test: formatting, lints, unit and integration tests (the integration tests run the shipped
# model through the binary; scripts/setup.sh must have run once, for .runtime/).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f .runtime/libonnxruntime.so ] || { echo "test.sh: run scripts/setup.sh first (.runtime/ is missing)" >&2; exit 2; }
cargo fmt --check
cargo clippy --locked --all-targets -- -D warnings
cargo test --locked
