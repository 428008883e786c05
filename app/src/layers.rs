//! The layering check (issue 11): reads the sources and fails when a layer reaches one it must not,
//! so the circle `api → backend → api` cannot come back; nor any circle between the services'
//! modules (`backend/groups` → `backend/enrollment` → … → `backend/groups`). `docs/layers.md`
//! draws the map.

use std::collections::{BTreeMap, BTreeSet};
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

/// The identifiers right after each `prefix` in `code`; after `prefix{`, the first segment of
/// each item of the list (nested lists included in their item).
fn names_after(code: &str, prefix: &str) -> Vec<String> {
    let ident = |s: &str| s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect::<String>();
    let mut names = Vec::new();
    for (at, _) in code.match_indices(prefix) {
        if code[..at].chars().next_back().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
            continue;
        }
        let rest = &code[at + prefix.len()..];
        match rest.strip_prefix('{') {
            Some(list) => {
                let (mut depth, mut item_start) = (0, 0);
                for (i, c) in list.char_indices() {
                    match c {
                        '{' => depth += 1,
                        '}' if depth == 0 => {
                            names.push(ident(list[item_start..i].trim()));
                            break;
                        }
                        '}' => depth -= 1,
                        ',' if depth == 0 => {
                            names.push(ident(list[item_start..i].trim()));
                            item_start = i + 1;
                        }
                        _ => {}
                    }
                }
            }
            None => names.push(ident(rest)),
        }
    }
    names
}

/// Which of backend's modules each one names: a file directly in `backend/` names its siblings
/// as `super::x`; a file of `backend/x/` as `super::super::x`; any as `crate::backend::x`.
fn backend_graph(backend: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let module_of = |file: &Path| file.strip_prefix(backend).unwrap().iter().next().unwrap().to_string_lossy().trim_end_matches(".rs").to_string();
    let files: Vec<PathBuf> = rust_files(backend).into_iter().filter(|f| module_of(f) != "mod").collect();
    let modules: BTreeSet<String> = files.iter().map(|f| module_of(f)).collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = modules.iter().map(|m| (m.clone(), BTreeSet::new())).collect();
    for file in &files {
        let module = module_of(file);
        let text = code(&std::fs::read_to_string(file).unwrap());
        let sibling = if file.parent() == Some(backend) { "super::" } else { "super::super::" };
        let named = names_after(&text, "crate::backend::").into_iter().chain(names_after(&text, sibling));
        graph.get_mut(&module).unwrap().extend(named.filter(|n| modules.contains(n) && *n != module));
    }
    graph
}

/// A circle of the graph, if any, as the modules along it.
fn circle(graph: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn walk(node: &str, graph: &BTreeMap<String, BTreeSet<String>>, path: &mut Vec<String>, done: &mut BTreeSet<String>) -> Option<Vec<String>> {
        if let Some(start) = path.iter().position(|n| n == node) {
            return Some(path[start..].iter().cloned().chain([node.to_string()]).collect());
        }
        if !done.insert(node.to_string()) {
            return None;
        }
        path.push(node.to_string());
        let found = graph[node].iter().find_map(|next| walk(next, graph, path, done));
        path.pop();
        found
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|start| walk(start, graph, &mut Vec::new(), &mut done))
}

#[test]
fn the_services_modules_name_each_other_without_a_circle() {
    let backend = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/backend");
    let graph = backend_graph(&backend);
    assert!(graph["groups"].contains("enrollment") && graph["invitations"].contains("groups"), "the graph is read: {graph:?}");
    if let Some(circle) = circle(&graph) {
        panic!("backend's modules run in a circle: {}", circle.join(" → "));
    }
}

#[test]
fn the_circle_check_finds_a_circle_and_reads_use_lists() {
    let graph: BTreeMap<String, BTreeSet<String>> =
        [("a", &["b"][..]), ("b", &["c"]), ("c", &["a"]), ("d", &[])].into_iter().map(|(n, to)| (n.to_string(), to.iter().map(|t| t.to_string()).collect())).collect();
    assert_eq!(circle(&graph), Some(vec!["a".to_string(), "b".into(), "c".into(), "a".into()]));
    assert_eq!(names_after("use super::{db::{Db, Tx}, mail};\nlet t = super::tree::get();", "super::"), ["db", "mail", "tree"]);
}
