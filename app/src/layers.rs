//! The layering check (issue 11): reads the sources and fails when a layer reaches one it must not,
//! so the circle `api → backend → api` cannot come back. `docs/layers.md` draws the map.

use std::path::{Path, PathBuf};

/// Each layer (a folder of `app/src/`) and what its code must never name.
const RULES: &[(&str, &[&str])] = &[
    // Pure rules, shared by browser and server.
    ("domain", &["crate::api", "crate::backend", "crate::ui", "crate::wire", "crate::emails", "crate::error", "leptos", "sqlx", "axum", "tokio"]),
    // What crosses the wire: below both the server functions and the screens.
    ("wire", &["crate::api", "crate::backend", "crate::ui", "crate::emails", "leptos", "sqlx", "axum", "tokio"]),
    // The services: plain arguments in, no request, no screens, no server functions.
    ("backend", &["crate::api", "crate::ui", "leptos", "axum::extract"]),
    // Screens reach data only through server functions.
    ("ui", &["crate::backend", "sqlx"]),
    ("api", &["crate::ui"]),
];

/// The code of a file without its comments (a `//` inside a string is rare enough here).
fn code(text: &str) -> String {
    text.lines().map(|line| line.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// The forbidden names this layer's `text` mentions, as `name` and where.
fn breaches(forbidden: &[&str], text: &str) -> Vec<(String, usize)> {
    let mut found = Vec::new();
    for (n, line) in code(text).lines().enumerate() {
        for name in forbidden {
            let hit = line.match_indices(name).any(|(at, _)| {
                let before = line[..at].chars().next_back();
                let after = line[at + name.len()..].chars().next();
                !before.is_some_and(|c| c.is_alphanumeric() || c == '_') && !after.is_some_and(|c| c.is_alphanumeric() || c == '_' && *name != "leptos")
            });
            if hit {
                found.push((name.to_string(), n + 1));
            }
        }
    }
    found
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}

#[test]
fn each_layer_names_only_the_layers_below_it() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut wrong = Vec::new();
    for (layer, forbidden) in RULES {
        for file in rust_files(&src.join(layer)) {
            for (name, line) in breaches(forbidden, &std::fs::read_to_string(&file).unwrap()) {
                wrong.push(format!("{}:{line} names {name}", file.strip_prefix(&src).unwrap().display()));
            }
        }
    }
    assert!(wrong.is_empty(), "layers reaching where they must not (see docs/layers.md):\n{}", wrong.join("\n"));
}

#[test]
fn the_check_sees_a_use_a_path_and_leptos_but_not_comments_or_longer_names() {
    let text = "use crate::api::users;\nlet s = crate::backend::state();\n// crate::api in a comment\nuse leptos_router::x;\nlet crate_api = 1;\n";
    assert_eq!(breaches(&["crate::api", "crate::backend", "leptos"], text), [("crate::api".to_string(), 1), ("crate::backend".to_string(), 2), ("leptos".to_string(), 4)]);
    assert!(breaches(&["crate::ui"], "use crate::uid::X;").is_empty(), "crate::uid is not crate::ui");
}
