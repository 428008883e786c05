//! The browser's part of the site: the wasm compiled, split, bound to JavaScript and optimised,
//! the JavaScript and the stylesheet minified — what cargo-leptos 0.3.10 did, with the same
//! libraries (its split step, wasm-bindgen's), binaryen's library at wasm-opt's `-Oz`, and
//! esbuild where it compiled swc and lightningcss in.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::{Layout, OUTPUT_NAME, Result, cargo, finish, step};

/// The name the split step gives its loader until the names by content are known
/// ([`crate::names`]): as wide as a content name, so the wasm that imports it can be rewritten
/// in place.
pub const LOADER: &str = "__wasm_split.______________________.js";
pub const MANIFEST: &str = "__wasm_split_manifest.json";

/// The wasm's compiler flags: the workspace's (`.cargo/config.toml`, which `RUSTFLAGS` would
/// otherwise replace) and the relocations the split step reads.
const WASM_RUSTFLAGS: &str = "--cfg erase_components -Clink-args=--emit-relocs";
const WASM_PROFILE: &str = "wasm-release";

/// The prebuilt tools this needs, from npm (`scripts/setup.sh` installs them).
pub struct Tools {
    node: PathBuf,
    /// npm's binaryen (wasm-opt's library, compiled to wasm): its `index.js`.
    binaryen: PathBuf,
    esbuild: PathBuf,
}

impl Tools {
    pub fn find() -> Result<Tools> {
        // `node_modules/.bin/wasm-opt` leads to `node_modules/binaryen/bin/wasm-opt`.
        let wasm_opt = std::fs::canonicalize(find_tool("wasm-opt")?).map_err(|e| e.to_string())?;
        let binaryen = wasm_opt.parent().and_then(Path::parent).map(|b| b.join("index.js")).filter(|i| i.is_file());
        let binaryen = binaryen.ok_or_else(|| format!("{} is not npm's binaryen: run scripts/setup.sh", wasm_opt.display()))?;
        Ok(Tools { node: find_tool("node")?, binaryen, esbuild: find_tool("esbuild")? })
    }

    /// Which tools these are: where each lives, its size and when it was written.
    pub fn identity(&self) -> String {
        [&self.node, &self.binaryen, &self.esbuild]
            .map(|tool| {
                let real = std::fs::canonicalize(tool).unwrap_or_else(|_| tool.clone());
                let meta = std::fs::metadata(&real).ok();
                let modified = meta.as_ref().and_then(|m| m.modified().ok());
                format!("{} {:?} {:?}", real.display(), meta.map(|m| m.len()), modified)
            })
            .join("\n")
    }
}

/// On the `PATH`, else where `scripts/setup.sh` puts npm's tools.
fn find_tool(name: &str) -> Result<PathBuf> {
    let tools = std::env::var_os("ROSTER_TOOLS")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".local/share/roster-tools")));
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain(tools.map(|t| t.join("node_modules/.bin")))
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
        .ok_or_else(|| format!("{name} not found on the PATH nor in the roster-tools folder: run scripts/setup.sh"))
}

/// Step 1's wasm half: cargo builds the frontend crate for the browser. Returns the wasm.
pub fn compile(layout: &Layout) -> Result<PathBuf> {
    let front_target = layout.front_target();
    let mut build = cargo(
        layout,
        &[
            "build",
            "--package=frontend",
            "--lib",
            "--target=wasm32-unknown-unknown",
            &format!("--target-dir={}", front_target.display()),
            &format!("--profile={WASM_PROFILE}"),
        ],
        &[("RUSTFLAGS", WASM_RUSTFLAGS)],
    )
    .spawn()
    .map_err(|e| format!("cannot run cargo: {e}"))?;
    finish("the wasm's build", &mut build)?;
    Ok(front_target.join("wasm32-unknown-unknown").join(WASM_PROFILE).join("frontend.wasm"))
}

/// Step 2: from the compiled wasm to `pkg/`: `roster.js`, `roster.wasm`, the chunks, their
/// loader and its manifest, `roster.css`.
pub fn site(layout: &Layout, tools: &Tools, wasm: &Path) -> Result<()> {
    let pkg = layout.pkg();
    step("splitting the wasm (the screens loaded when first shown)");
    let input = std::fs::read(wasm).map_err(|e| format!("cannot read {}: {e}", wasm.display()))?;
    let main = wasm.with_file_name("frontend_split.wasm");
    let main_module = format!("./{OUTPUT_NAME}.js");
    let link_name = format!("./{LOADER}");
    let mut options = wasm_split_cli_support::Options::new(&input);
    options.output_dir = &pkg;
    options.main_out_path = &main;
    options.main_module = &main_module;
    options.link_name = &link_name;
    let split = wasm_split_cli_support::transform(options).map_err(|e| format!("splitting the wasm: {e:#}"))?;
    let manifest = serde_json::to_string_pretty(&split.prefetch_map).map_err(|e| e.to_string())?;
    write(&pkg.join(MANIFEST), manifest.as_bytes())?;
    drop(input);

    step("binding the wasm to JavaScript (wasm-bindgen)");
    // As the CLI cargo-leptos ran: --target=web --keep-lld-exports --no-demangle (and no .d.ts).
    wasm_bindgen_cli_support::Bindgen::new()
        .input_path(&main)
        .out_name(OUTPUT_NAME)
        .web(true)
        .and_then(|b| b.keep_lld_exports(true).demangle(false).omit_default_module_path(false).generate(&pkg))
        .map_err(|e| format!("wasm-bindgen: {e:#}"))?;
    let bound = pkg.join(format!("{OUTPUT_NAME}_bg.wasm"));
    let main_wasm = pkg.join(format!("{OUTPUT_NAME}.wasm"));
    std::fs::rename(&bound, &main_wasm).map_err(|e| format!("cannot rename {}: {e}", bound.display()))?;

    step(&format!("optimising the main wasm and its {} chunks (binaryen, as wasm-opt -Oz)", split.split_modules.len()));
    optimise(tools, &main_wasm, &split.split_modules)?;

    step("minifying the JavaScript and the stylesheet (esbuild)");
    let js = pkg.join(format!("{OUTPUT_NAME}.js"));
    // wasm-bindgen lists the loader once per import in one object: the same module each time.
    run(Command::new(&tools.esbuild)
        .arg(&js)
        .args(["--minify", "--allow-overwrite", "--log-level=warning", "--log-override:duplicate-object-key=silent"])
        .arg(format!("--outfile={}", js.display())))?;
    let css = pkg.join(format!("{OUTPUT_NAME}.css"));
    run(Command::new(&tools.esbuild)
        .arg(layout.stylesheet())
        .args(["--minify", "--log-level=warning"])
        .arg(format!("--outfile={}", css.display())))?;
    Ok(())
}

/// Binaryen's `-Oz` on every wasm: the main one in one process, the chunks in another beside it
/// (~50 s and ~11 s here; npm's wasm-opt took ~46 s and ~110 s, starting anew for each file).
/// Warnings (a name subsection binaryen does not know, in every file) are shown only on failure.
fn optimise(tools: &Tools, main: &Path, chunks: &[PathBuf]) -> Result<()> {
    let script = include_str!("optimise.mjs");
    let mut running = Vec::new();
    for files in [std::slice::from_ref(&main.to_path_buf()), chunks] {
        let child = Command::new(&tools.node)
            .args(["--input-type=module", "--eval", script])
            .arg(&tools.binaryen)
            .args(files)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run {}: {e}", tools.node.display()))?;
        running.push(child);
    }
    for child in running {
        let output = child.wait_with_output().map_err(|e| e.to_string())?;
        if !output.status.success() {
            return Err(format!("optimising the wasm failed ({}):\n{}", output.status, String::from_utf8_lossy(&output.stderr)));
        }
    }
    Ok(())
}

fn run(command: &mut Command) -> Result<()> {
    let program = command.get_program().to_string_lossy().into_owned();
    let mut child = command.spawn().map_err(|e| format!("cannot run {program}: {e}"))?;
    finish(&program, &mut child)
}

fn write(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `RUSTFLAGS` replaces the workspace's own flags rather than adding to them: the wasm's
    /// flags must begin with them, or the browser's components would differ from the server's.
    #[test]
    fn the_wasm_keeps_the_workspace_flags() {
        let config = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../.cargo/config.toml")).unwrap();
        let line = config.lines().find(|l| l.trim_start().starts_with("rustflags")).expect("a rustflags line");
        let listed = line.split_once('=').unwrap().1.trim().trim_matches(['[', ']']);
        let flags: Vec<&str> = listed.split(',').map(|f| f.trim().trim_matches('"')).collect();
        assert!(WASM_RUSTFLAGS.starts_with(&flags.join(" ")), "{WASM_RUSTFLAGS:?} should begin with {flags:?}");
    }
}
