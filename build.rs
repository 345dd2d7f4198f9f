//! With the `torch` feature, the binary must find libtorch at run time: an rpath to the directory
//! that really holds `libtorch_cpu.so` (the `.libtorch/lib` links point there, and libtorch's own
//! `$ORIGIN` rpath finds its CUDA runtime stubs beside it only from its real place).
use std::path::PathBuf;

fn main() {
    println!("cargo:rerun-if-env-changed=LIBTORCH");
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var_os("CARGO_FEATURE_TORCH").is_none() {
        return;
    }
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let libtorch = std::env::var_os("LIBTORCH").map_or_else(|| manifest.join(".libtorch"), PathBuf::from);
    let lib = libtorch.join("lib").join("libtorch_cpu.so");
    match std::fs::canonicalize(&lib) {
        Ok(real) => {
            let dir = real.parent().expect("a file has a parent directory");
            println!("cargo:rustc-link-arg=-Wl,-rpath,{}", dir.display());
        }
        Err(e) => panic!(
            "the torch feature needs libtorch 2.4 at {} ({e}): run scripts/setup.sh --torch, or set LIBTORCH",
            lib.display()
        ),
    }
}
