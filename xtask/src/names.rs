//! Names by content: each file of `pkg/` is renamed `stem.<hash>.ext`, so browsers may keep it
//! for a year (the server says `immutable`) and a new release is fetched anew. The pages find
//! the names in `hash.txt` beside the server (`js`, `wasm`, `css`, `manifest`, `split`), which
//! Leptos and `app::ui` read.
//!
//! Files name each other, so a name must change when anything it leads to changes:
//! - a file that names no other (the chunks, the stylesheet) is named by its own bytes;
//! - the manifest (the chunks each screen needs) by its bytes once the chunks' names are in it;
//! - the main JavaScript and the chunks' loader import each other, and the main wasm imports the
//!   loader by name: the three are named together, from the digest of all three (with the other
//!   files' names already in them), so a change in any renames all three.
//!
//! cargo-leptos named the main JavaScript before rewriting the loader's name into it, so a
//! loader that changed alone left the JavaScript's name unchanged over different bytes.

use std::collections::BTreeMap;
use std::path::Path;

use base64::Engine;
use sha2::{Digest, Sha256};

use crate::Result;
use crate::front::{LOADER, MANIFEST};

/// Renames the files of `pkg/` by content and returns what `hash.txt` says.
pub fn name_pkg(pkg: &Path) -> Result<String> {
    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(pkg).map_err(|e| format!("cannot read {}: {e}", pkg.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        // A folder (wasm-bindgen's `snippets/`) keeps its names: the wasm's JavaScript imports them.
        if entry.path().is_file() {
            let name = entry.file_name().into_string().map_err(|n| format!("not UTF-8: {n:?}"))?;
            files.insert(name, std::fs::read(entry.path()).map_err(|e| e.to_string())?);
        }
    }
    let named = name(&files, crate::OUTPUT_NAME)?;
    for old in files.keys() {
        std::fs::remove_file(pkg.join(old)).map_err(|e| format!("cannot remove {old}: {e}"))?;
    }
    for (new, bytes) in &named.files {
        std::fs::write(pkg.join(new), bytes).map_err(|e| format!("cannot write {new}: {e}"))?;
    }
    Ok(named.hash_txt)
}

pub struct Named {
    /// New name → bytes.
    pub files: BTreeMap<String, Vec<u8>>,
    pub hash_txt: String,
}

/// The pure part: from the files (name → bytes) to their new names and bytes.
pub fn name(files: &BTreeMap<String, Vec<u8>>, output: &str) -> Result<Named> {
    let (js, wasm, css) = (format!("{output}.js"), format!("{output}.wasm"), format!("{output}.css"));
    for needed in [&js, &wasm, &css] {
        if !files.contains_key(needed) {
            return Err(format!("{needed} is missing from pkg/"));
        }
    }
    let together: Vec<&String> =
        files.keys().filter(|n| **n == js || n.as_str() == LOADER || contains(&files[*n], LOADER.as_bytes())).collect();
    let mut renames: Vec<(String, String)> = Vec::new();
    let mut hashes = BTreeMap::new();

    // Files that name no other: by their own bytes.
    let mut out = BTreeMap::new();
    for (name, bytes) in files.iter().filter(|(n, _)| !together.contains(n) && n.as_str() != MANIFEST) {
        let hash = fingerprint(&[bytes]);
        out.insert(hashed(name, &hash), bytes.clone());
        renames.push((name.clone(), hashed(name, &hash)));
        hashes.insert(name.clone(), hash);
    }
    // The manifest lists chunks by stem (`chunk_16`), whole strings.
    if let Some(manifest) = files.get(MANIFEST) {
        let stems: BTreeMap<&str, &str> = renames
            .iter()
            .filter_map(|(old, new)| Some((old.strip_suffix(".wasm")?, new.strip_suffix(".wasm")?)))
            .collect();
        let mut value: serde_json::Value = serde_json::from_slice(manifest).map_err(|e| format!("{MANIFEST}: {e}"))?;
        rename_strings(&mut value, &stems);
        let bytes = serde_json::to_vec(&value).map_err(|e| e.to_string())?;
        let hash = fingerprint(&[&bytes]);
        out.insert(hashed(MANIFEST, &hash), bytes);
        hashes.insert(MANIFEST.to_string(), hash);
    }

    // The files that name each other: the others' names first, then one digest for all of them.
    let first: Vec<(&String, Vec<u8>)> =
        together.iter().map(|n| Ok((*n, substitute(n, &files[*n], &renames)?))).collect::<Result<_>>()?;
    let joint = fingerprint(&first.iter().flat_map(|(n, b)| [n.as_bytes(), b.as_slice()]).collect::<Vec<_>>());
    let mut among = Vec::new();
    for (name, _) in &first {
        let hash = fingerprint(&[name.as_bytes(), joint.as_bytes()]);
        among.push(((*name).clone(), hashed(name, &hash)));
        hashes.insert((*name).clone(), hash);
    }
    for (name, bytes) in first {
        out.insert(hashed(name, &hashes[name]), substitute(name, &bytes, &among)?);
    }

    let hash_of = |name: &str| hashes.get(name).cloned().ok_or_else(|| format!("{name} is missing from pkg/"));
    let mut hash_txt = format!("js: {}\nwasm: {}\ncss: {}\n", hash_of(&js)?, hash_of(&wasm)?, hash_of(&css)?);
    if files.contains_key(MANIFEST) {
        hash_txt.push_str(&format!("manifest: {}\n", hash_of(MANIFEST)?));
    }
    if files.contains_key(LOADER) {
        hash_txt.push_str(&format!("split: {}\n", hash_of(LOADER)?));
    }
    Ok(Named { files: out, hash_txt })
}

/// 22 characters: the first 16 bytes of the SHA-256 of the parts, in URL-safe base64 — as wide
/// as the loader's placeholder name.
pub fn fingerprint(parts: &[&[u8]]) -> String {
    let mut digest = Sha256::new();
    for part in parts {
        digest.update((part.len() as u64).to_le_bytes());
        digest.update(part);
    }
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(&digest.finalize()[..16])
}

/// `chunk_16.wasm` → `chunk_16.<hash>.wasm`; the loader's placeholder takes the hash.
pub fn hashed(name: &str, hash: &str) -> String {
    let placeholder = "_".repeat(hash.len());
    if name.contains(&placeholder) {
        return name.replacen(&placeholder, hash, 1);
    }
    match name.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash}.{ext}"),
        None => format!("{name}.{hash}"),
    }
}

/// Each old name where it begins a name (after `/`, a quote, …: not inside a longer name)
/// becomes the new one. In a wasm the two must be as long (its strings carry their length).
pub fn substitute(file: &str, bytes: &[u8], renames: &[(String, String)]) -> Result<Vec<u8>> {
    let binary = file.ends_with(".wasm");
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    'scan: while at < bytes.len() {
        let starts_name = at == 0 || !is_name_byte(bytes[at - 1]);
        if starts_name {
            for (old, new) in renames {
                if bytes[at..].starts_with(old.as_bytes()) {
                    if binary && old.len() != new.len() {
                        return Err(format!("{file} names {old}, which cannot be renamed in a wasm to {new} (another length)"));
                    }
                    out.extend_from_slice(new.as_bytes());
                    at += old.len();
                    continue 'scan;
                }
            }
        }
        out.push(bytes[at]);
        at += 1;
    }
    Ok(out)
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn rename_strings(value: &mut serde_json::Value, map: &BTreeMap<&str, &str>) {
    match value {
        serde_json::Value::String(s) => {
            if let Some(new) = map.get(s.as_str()) {
                *s = new.to_string();
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(|v| rename_strings(v, map)),
        serde_json::Value::Object(fields) => fields.values_mut().for_each(|v| rename_strings(v, map)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pkg(chunk_1: &str, js: &str) -> BTreeMap<String, Vec<u8>> {
        let loader_ref = format!("./{LOADER}");
        [
            ("roster.js", format!("import * as s from '{loader_ref}'; imports['{loader_ref}'] = s; {js}")),
            ("roster.wasm", format!("\0\x05wasm\x26{loader_ref}\x2d")),
            ("roster.css", "a{color:red}".into()),
            (LOADER, "import { initSync } from \"./roster.js\"; fetch('chunk_1.wasm'); fetch('chunk_10.wasm'); xchunk_1.wasm".into()),
            ("chunk_1.wasm", chunk_1.into()),
            ("chunk_10.wasm", "ten".into()),
            (MANIFEST, r#"{"load_a": ["chunk_1", "chunk_10"], "load_b": ["chunk_10"]}"#.into()),
        ]
        .into_iter()
        .map(|(n, c)| (n.to_string(), c.into_bytes()))
        .collect()
    }

    /// The new name and text of the file whose new name begins with `prefix` and ends with `ext`.
    fn file(named: &Named, prefix: &str, ext: &str) -> (String, String) {
        let (name, bytes) = named.files.iter().find(|(n, _)| n.starts_with(prefix) && n.ends_with(ext)).unwrap();
        (name.clone(), String::from_utf8_lossy(bytes).into_owned())
    }

    #[test]
    fn every_file_is_named_by_content_and_every_reference_follows() {
        let named = name(&pkg("one", ""), "roster").unwrap();
        assert_eq!(named.files.len(), 7);
        assert!(named.files.keys().all(|n| !n.contains("______")), "{:?}", named.files.keys());
        let (chunk_1, _) = file(&named, "chunk_1.", ".wasm");
        let (chunk_10, _) = file(&named, "chunk_10.", ".wasm");
        let (loader, loader_text) = file(&named, "__wasm_split.", ".js");
        let (js, js_text) = file(&named, "roster.", ".js");
        assert!(loader_text.contains(&format!("\"./{js}\"")), "{loader_text}");
        assert!(loader_text.contains(&format!("'{chunk_1}'")) && loader_text.contains(&format!("'{chunk_10}'")), "{loader_text}");
        assert!(loader_text.ends_with("xchunk_1.wasm"), "not inside a longer name: {loader_text}");
        assert_eq!(js_text.matches(&format!("'./{loader}'")).count(), 2, "{js_text}");
        let (wasm, _) = file(&named, "roster.", ".wasm");
        assert_eq!(named.files[&wasm].len(), pkg("one", "")["roster.wasm"].len(), "a wasm keeps its length");
        assert!(contains(&named.files[&wasm], loader.as_bytes()));
        let (_, manifest) = file(&named, "__wasm_split_manifest.", ".json");
        let stem = |n: &str| n.trim_end_matches(".wasm").to_string();
        let value: serde_json::Value = serde_json::from_str(&manifest).unwrap();
        assert_eq!(value["load_a"], serde_json::json!([stem(&chunk_1), stem(&chunk_10)]));
        let kinds: Vec<&str> = named.hash_txt.lines().map(|l| l.split(':').next().unwrap()).collect();
        assert_eq!(kinds, ["js", "wasm", "css", "manifest", "split"]);
        for line in named.hash_txt.lines() {
            let hash = line.split_once(": ").unwrap().1;
            assert!(named.files.keys().any(|n| n.contains(hash)), "{line}");
        }
    }

    #[test]
    fn a_changed_chunk_renames_what_leads_to_it_and_nothing_else() {
        let (before, after) = (name(&pkg("one", ""), "roster").unwrap(), name(&pkg("uno", ""), "roster").unwrap());
        let changed = |prefix: &str, ext: &str| file(&before, prefix, ext).0 != file(&after, prefix, ext).0;
        assert!(changed("chunk_1.", ".wasm") && changed("__wasm_split_manifest.", ".json"));
        assert!(changed("__wasm_split.", ".js"), "the loader names the chunk");
        assert!(changed("roster.", ".js"), "the main JavaScript imports the loader");
        assert!(!changed("chunk_10.", ".wasm") && !changed("roster.", ".css"));
    }

    #[test]
    fn a_change_of_the_main_javascript_alone_renames_its_loader_too() {
        let (before, after) = (name(&pkg("one", ""), "roster").unwrap(), name(&pkg("one", "/* new */"), "roster").unwrap());
        let changed = |prefix: &str, ext: &str| file(&before, prefix, ext).0 != file(&after, prefix, ext).0;
        assert!(changed("roster.", ".js") && changed("__wasm_split.", ".js"));
        assert!(!changed("chunk_1.", ".wasm"));
    }

    #[test]
    fn a_wasm_whose_named_file_changes_length_is_refused() {
        let renames = vec![("a.js".to_string(), "a.longer.js".to_string())];
        assert!(substitute("m.wasm", b"\x04/a.js", &renames).is_err());
        assert_eq!(substitute("m.js", b"'./a.js'", &renames).unwrap(), b"'./a.longer.js'");
    }

    #[test]
    fn names_take_the_hash_before_the_extension_or_in_the_placeholder() {
        let hash = fingerprint(&[b"x"]);
        assert_eq!(hash.len(), 22);
        assert_eq!(hashed("chunk_16.wasm", &hash), format!("chunk_16.{hash}.wasm"));
        assert_eq!(hashed(LOADER, &hash), format!("__wasm_split.{hash}.js"));
    }
}
