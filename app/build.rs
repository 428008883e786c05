//! Turns the words of the interface — `locales/<language>/ui.ftl`, one `Key = text` per line
//! (the simple messages of Fluent's syntax) — into the typed texts of `src/i18n.rs`. A key
//! missing from a language, found in one only, or given twice fails the build: a missing
//! translation does not compile, and the words are edited in those files, not in Rust.

use std::collections::BTreeMap;
use std::path::Path;

/// Every language, the first one's file giving the order.
const LANGUAGES: [&str; 2] = ["en", "fr"];

fn read(language: &str) -> Vec<(String, String)> {
    let path = Path::new("locales").join(language).join("ui.ftl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut entries = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim_end();
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once(" = ").unwrap_or_else(|| panic!("{}:{}: expected `Key = text`", path.display(), n + 1));
        let valid = key.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && key.chars().all(|c| c.is_ascii_alphanumeric());
        assert!(valid, "{}:{}: a key is a Rust name in CamelCase: {key:?}", path.display(), n + 1);
        assert!(!value.contains(['{', '}']), "{}:{}: a text of the interface takes no arguments (those are `Msg`s)", path.display(), n + 1);
        entries.push((key.to_string(), value.trim().to_string()));
    }
    entries
}

fn main() {
    println!("cargo:rerun-if-changed=locales");
    let texts: Vec<Vec<(String, String)>> = LANGUAGES.iter().map(|l| read(l)).collect();
    let by_language: Vec<BTreeMap<&str, &str>> = texts.iter().map(|t| t.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect()).collect();
    let mut problems = Vec::new();
    for (language, (entries, map)) in LANGUAGES.iter().zip(texts.iter().zip(&by_language)) {
        if map.len() != entries.len() {
            problems.push(format!("{language}: a key is given twice"));
        }
        for key in by_language[0].keys().filter(|k| !map.contains_key(*k)) {
            problems.push(format!("{language}: no text for {key}"));
        }
        for key in map.keys().filter(|k| !by_language[0].contains_key(*k)) {
            problems.push(format!("{language}: {key} is not a key of {}", LANGUAGES[0]));
        }
    }
    assert!(problems.is_empty(), "locales/*/ui.ftl:\n{}", problems.join("\n"));
    let mut out = String::from("texts! {\n");
    for (key, _) in &texts[0] {
        let values: Vec<String> = by_language.iter().map(|m| format!("{:?}", m[key.as_str()])).collect();
        out.push_str(&format!("    {key} => {};\n", values.join(", ")));
    }
    out.push_str("}\n");
    let path = Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join("texts.rs");
    std::fs::write(path, out).expect("write texts.rs");
}
