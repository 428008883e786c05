//! Turns the words of the interface into typed Rust, so that a missing translation does not
//! compile and the words are edited in their files, not in Rust:
//! - `locales/<language>/ui.ftl`: the fixed texts, `Key = text` (the `T` of `src/i18n.rs`);
//! - `locales/<language>/messages.ftl`: the texts with values, `Key = text with { $value }`, or
//!   one attribute per form (`.one = …`, `.other = …`) that `Msg::render` chooses (the `W`).
//!
//! Both are simple messages of Fluent's syntax. A key or form missing from a language, found in
//! one only, given twice, or naming other values than the first language's fails the build.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Every language, with its `Lang` variant; the first one's files give the order.
const LANGUAGES: [(&str, &str); 2] = [("en", "En"), ("fr", "Fr")];

/// A text: its Rust name (key, then form), and its words.
struct Entry {
    name: String,
    text: String,
}

fn camel(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// The `{ $name }`s of a text; anything else between braces is refused.
fn values(text: &str, place: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let close = rest[open..].find('}').map(|c| open + c).unwrap_or_else(|| panic!("{place}: an unclosed {{"));
        let name = rest[open + 1..close].trim().strip_prefix('$').unwrap_or_else(|| panic!("{place}: write a value as {{ $name }}"));
        assert!(!name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{place}: a value's name is snake_case: {name:?}");
        names.insert(name.to_string());
        rest = &rest[close + 1..];
    }
    assert!(!rest.contains('}'), "{place}: a stray }}");
    names
}

fn read(language: &str, file: &str, forms: bool) -> Vec<Entry> {
    let path = Path::new("locales").join(language).join(file);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut entries = Vec::new();
    let mut key: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let place = format!("{}:{}", path.display(), n + 1);
        if line.trim().is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(form) = line.strip_prefix("    .") {
            let (form, words) = form.split_once(" = ").unwrap_or_else(|| panic!("{place}: expected `    .form = text`"));
            let key = key.as_ref().unwrap_or_else(|| panic!("{place}: a form outside a message"));
            assert!(forms, "{place}: the fixed texts have no forms");
            entries.push(Entry { name: format!("{key}{}", camel(form)), text: words.trim().to_string() });
            continue;
        }
        let (name, words) = line.split_once(" =").unwrap_or_else(|| panic!("{place}: expected `Key = text`"));
        let valid = name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_alphanumeric());
        assert!(valid, "{place}: a key is a Rust name in CamelCase: {name:?}");
        key = Some(name.to_string());
        if !words.trim().is_empty() {
            entries.push(Entry { name: name.to_string(), text: words.trim().to_string() });
        }
    }
    for entry in &entries {
        let found = values(&entry.text, &format!("{} ({})", path.display(), entry.name));
        assert!(forms || found.is_empty(), "{}: {} takes no values (a text with values is a message)", path.display(), entry.name);
    }
    entries
}

/// The texts of `file` in every language, checked against the first language's.
fn read_all(file: &str, forms: bool) -> (Vec<String>, Vec<BTreeMap<String, String>>) {
    let all: Vec<Vec<Entry>> = LANGUAGES.iter().map(|(code, _)| read(code, file, forms)).collect();
    let names: Vec<String> = all[0].iter().map(|e| e.name.clone()).collect();
    let maps: Vec<BTreeMap<String, String>> = all.iter().map(|entries| entries.iter().map(|e| (e.name.clone(), e.text.clone())).collect()).collect();
    let mut problems = Vec::new();
    for ((code, _), (entries, map)) in LANGUAGES.iter().zip(all.iter().zip(&maps)) {
        if map.len() != entries.len() {
            problems.push(format!("{code}/{file}: a text is given twice"));
        }
        for name in &names {
            match map.get(name) {
                None => problems.push(format!("{code}/{file}: no text for {name}")),
                Some(text) if values(text, name) != values(&maps[0][name], name) => {
                    problems.push(format!("{code}/{file}: {name} names other values than in {}", LANGUAGES[0].0))
                }
                Some(_) => {}
            }
        }
        for name in map.keys().filter(|n| !maps[0].contains_key(*n)) {
            problems.push(format!("{code}/{file}: {name} is not in {}", LANGUAGES[0].0));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    (names, maps)
}

fn write(file: &str, code: String) {
    std::fs::write(Path::new(&std::env::var("OUT_DIR").expect("OUT_DIR")).join(file), code).expect("write generated code");
}

fn main() {
    println!("cargo:rerun-if-changed=locales");
    let (names, maps) = read_all("ui.ftl", false);
    let mut texts = String::from("texts! {\n");
    for name in &names {
        let words: Vec<String> = maps.iter().map(|m| format!("{:?}", m[name])).collect();
        texts.push_str(&format!("    {name} => {};\n", words.join(", ")));
    }
    texts.push_str("}\n");
    write("texts.rs", texts);

    let (names, maps) = read_all("messages.ftl", true);
    let mut arms = String::new();
    for name in &names {
        for ((_, lang), map) in LANGUAGES.iter().zip(&maps) {
            arms.push_str(&format!("            (W::{name}, Lang::{lang}) => {:?},\n", map[name]));
        }
    }
    write(
        "messages.rs",
        format!(
            "/// The words of a `Msg`, one per message and form (`locales/<language>/messages.ftl`).\n\
             #[derive(Clone, Copy, Debug, PartialEq, Eq)]\n\
             enum W {{ {} }}\n\n\
             impl W {{\n    #[cfg(test)]\n    const ALL: &[W] = &[{}];\n\n    \
             fn in_lang(self, lang: Lang) -> &'static str {{\n        match (self, lang) {{\n{arms}        }}\n    }}\n}}\n",
            names.join(", "),
            names.iter().map(|n| format!("W::{n}")).collect::<Vec<_>>().join(", ")
        ),
    );
}
