//! `cargo xtask build`: Roster's release — the server binary and the site it serves — as
//! `cargo leptos build --release --precompress --split` made it, without installing cargo-leptos
//! (whose own build took 18 of a first run's 36 minutes: it compiles a JS compiler, a CSS
//! compiler and a git library Roster's build never uses; issue 16, docs/first-run.md). What this
//! needs of wasm-bindgen and of the split step it takes as library crates, built here with the
//! workspace; binaryen (wasm-opt) and esbuild come prebuilt from npm (`scripts/setup.sh`).
//!
//! `cargo leptos watch` still works for development (`scripts/setup.sh --dev` installs it): the
//! workspace's `[[workspace.metadata.leptos]]` describes the same project and the same outputs.
//!
//! The steps (the server compiles beside the site, which leaves the second core busy while the
//! wasm's single-unit link runs):
//! 1. cargo builds the server (`--release`) and, at the same time, the frontend's wasm
//!    (`--profile wasm-release`, relocations kept for the split);
//! 2. [`front`]: the wasm is split (the main module and the lazily loaded screens' chunks),
//!    bound (wasm-bindgen's JS), optimised (binaryen's -Oz), the JS and the stylesheet minified;
//! 3. [`names`]: each file of `pkg/` is named by its content, and `hash.txt` beside the server
//!    says which names the pages link to;
//! 4. [`compress`]: every file of the site is precompressed (gzip, brotli) for the server to send.

mod compress;
mod front;
mod names;

use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Instant;

pub type Result<T> = std::result::Result<T, String>;

/// The name of the site's files (`pkg/roster.*.js`, `.wasm`, `.css`): the server links to them
/// (`LeptosOptions::output_name`). Leptos also reads it when compiled (`option_env!`), so both
/// builds get it, as under cargo-leptos — the same value keeps their compiled crates shared.
pub const OUTPUT_NAME: &str = "roster";

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let outcome = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        ["build"] => build(),
        _ => Err(USAGE.into()),
    };
    if let Err(message) = outcome {
        eprintln!("xtask: {message}");
        std::process::exit(1);
    }
}

const USAGE: &str = "usage: cargo xtask build
  Builds the release: target/release/server (and hash.txt beside it) and the site in target/site
  (wasm split, bound, optimised; JS and CSS minified; files named by content; gzip and brotli).";

/// Where things are: the workspace, its target folder, the site.
pub struct Layout {
    pub root: PathBuf,
    pub target: PathBuf,
}

impl Layout {
    fn find() -> Layout {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the workspace").to_path_buf();
        let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
        let target = if target.is_absolute() { target } else { root.join(target) };
        Layout { root, target }
    }
    pub fn site(&self) -> PathBuf {
        self.target.join("site")
    }
    pub fn pkg(&self) -> PathBuf {
        self.site().join("pkg")
    }
    /// cargo-leptos' folder for the wasm build (`front-target-dir`), kept so both tools share it.
    pub fn front_target(&self) -> PathBuf {
        self.target.join("front")
    }
    pub fn server_dir(&self) -> PathBuf {
        self.target.join("release")
    }
    /// The one stylesheet (`style-file`) and the public assets (`assets-dir`).
    pub fn stylesheet(&self) -> PathBuf {
        self.root.join("style/main.css")
    }
    pub fn assets(&self) -> PathBuf {
        self.root.join("frontend/public")
    }
}

fn build() -> Result<()> {
    let layout = Layout::find();
    let tools = front::Tools::find()?;
    step("cargo builds the server (release) and the wasm (wasm-release), side by side");
    let mut server = cargo(&layout, &["build", "--package=server", "--bin=server", "--release"], &[])
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    let hashes = site(&layout, &tools).inspect_err(|_| {
        let _ = server.kill();
        let _ = server.wait();
    })?;
    finish("the server's build", &mut server)?;
    let hash_file = layout.server_dir().join("hash.txt");
    std::fs::write(&hash_file, hashes).map_err(|e| format!("cannot write {}: {e}", hash_file.display()))?;
    step(&format!("built: {} and {}", layout.server_dir().join("server").display(), layout.site().display()));
    Ok(())
}

/// The site in `target/site`, made anew unless the one there came from the same inputs (the
/// wasm, the stylesheet, the assets, this program and its tools): optimising the wasm alone
/// takes a minute. Returns what `hash.txt` says.
fn site(layout: &Layout, tools: &front::Tools) -> Result<String> {
    let wasm = front::compile(layout)?;
    let inputs = inputs(layout, tools, &wasm)?;
    let record = layout.front_target().join("site-inputs.txt");
    let made_from = std::fs::read_to_string(&record).unwrap_or_default();
    if let Some(hashes) = made_from.strip_prefix(&format!("{inputs}\n")).filter(|_| layout.pkg().is_dir()) {
        step("the site is kept: it was made from the same wasm, stylesheet, assets and tools");
        return Ok(hashes.to_string());
    }
    let site = layout.site();
    let _ = std::fs::remove_file(&record);
    if site.exists() {
        std::fs::remove_dir_all(&site).map_err(|e| format!("cannot empty {}: {e}", site.display()))?;
    }
    std::fs::create_dir_all(layout.pkg()).map_err(|e| format!("cannot create {}: {e}", layout.pkg().display()))?;
    front::site(layout, tools, &wasm)?;
    copy_assets(&layout.assets(), &site)?;
    let hashes = names::name_pkg(&layout.pkg())?;
    step("precompressing the site (gzip, brotli)");
    compress::site(&site)?;
    std::fs::write(&record, format!("{inputs}\n{hashes}")).map_err(|e| format!("cannot write {}: {e}", record.display()))?;
    Ok(hashes)
}

/// One digest of what the site is made from.
fn inputs(layout: &Layout, tools: &front::Tools, wasm: &Path) -> Result<String> {
    let read = |path: &Path| std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()));
    let mut parts = vec![read(wasm)?, read(&layout.stylesheet())?];
    let mut files = Vec::new();
    list_files(&layout.assets(), &mut files)?;
    files.sort();
    for file in files {
        parts.push(file.to_string_lossy().into_owned().into_bytes());
        parts.push(read(&file)?);
    }
    let this = std::env::current_exe().map_err(|e| e.to_string())?;
    parts.push(read(&this)?);
    parts.push(tools.identity().into_bytes());
    Ok(names::fingerprint(&parts.iter().map(Vec::as_slice).collect::<Vec<_>>()))
}

/// A cargo command in the workspace, with the environment cargo-leptos gives both builds.
pub fn cargo(layout: &Layout, args: &[&str], env: &[(&str, &str)]) -> Command {
    let mut command = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    command.current_dir(&layout.root).args(args).env("LEPTOS_OUTPUT_NAME", OUTPUT_NAME);
    for (name, value) in env {
        command.env(name, value);
    }
    command
}

pub fn finish(what: &str, child: &mut Child) -> Result<()> {
    let status = child.wait().map_err(|e| format!("{what}: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{what} failed ({status})")) }
}

/// Says what begins now, and when (seconds since the build began).
pub fn step(what: &str) {
    static STARTED: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    let at = STARTED.get_or_init(Instant::now).elapsed().as_secs();
    eprintln!("\x1b[1m[xtask {at:>3} s]\x1b[0m {what}");
}

/// The public assets (the favicon) at the site's root, as cargo-leptos' `assets-dir`.
fn copy_assets(from: &Path, to: &Path) -> Result<()> {
    let mut files = Vec::new();
    list_files(from, &mut files)?;
    for source in files {
        let dest = to.join(source.strip_prefix(from).expect("listed under from"));
        if let Some(parent) = dest.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
        }
        std::fs::copy(&source, &dest).map_err(|e| format!("cannot copy {}: {e}", source.display()))?;
    }
    Ok(())
}

/// The files under `dir`, in its folders too.
pub fn list_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    for entry in std::fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))? {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            list_files(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}
