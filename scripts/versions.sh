# Pinned tool versions, sourced by the other scripts. WASM_BINDGEN_VERSION must equal the
# `wasm-bindgen = "=…"` pin in Cargo.toml: the CLI and the crate must agree byte for byte.
# cargo-leptos and the wasm-bindgen CLI are for `cargo leptos watch` only (setup.sh --dev).
CARGO_LEPTOS_VERSION=0.3.10
WASM_BINDGEN_VERSION=0.2.130
BINARYEN_VERSION=132
ESBUILD_VERSION=0.28.2
MAILDEV_VERSION=3.0.0
PLAYWRIGHT_VERSION=1.65.1
LIGHTHOUSE_VERSION=12.2.3
# npm tools live outside the checkout so a fresh clone (CI) does not reinstall them.
ROSTER_TOOLS="${ROSTER_TOOLS:-$HOME/.local/share/roster-tools}"
