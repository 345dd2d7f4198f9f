//! The integration tests, as one test binary (`cargo test --test it`; a filter picks a module,
//! e.g. `cargo test --test it resume`). Most run the `cyberstance` binary with the shipped model
//! and need the ONNX Runtime library that `scripts/setup.sh` installs in `.runtime/`; helpers
//! shared by the modules are in `common`.

mod common;

mod cli;
mod data_safety;
mod determinism;
mod export;
mod fuzz;
mod hostile;
mod report;
mod resume;
mod spark;
// only with `--features torch` (libtorch from `scripts/setup.sh --torch`).
#[cfg(feature = "torch")]
mod torch_parity;
