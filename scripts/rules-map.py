#!/usr/bin/env python3
"""Prints docs/layers.md's table of where each rule (R1…) is enforced and tested, from the
sources: "enforced in" lists the files of app/src/ (but the screens, ui/) and server/src/ whose
code or comments name the rule outside tests; "tested in" the files holding a test named after it (`r31_…` in Rust, "R31" in a
Playwright title). Run from the repository's root: python3 scripts/rules-map.py"""
import pathlib, re

root = pathlib.Path(__file__).resolve().parent.parent
rules = sorted({int(n) for doc in ("docs/rules.md",) for n in re.findall(r"\*\*R(\d+)\b", (root / doc).read_text())} | set(range(1, 47)))

def rust_parts(text):
    """(code outside #[cfg(test)] modules, the names of test functions)."""
    code = text.split("#[cfg(test)]")[0]
    return code, re.findall(r"fn (\w+)\(", text[len(code):])

enforced, tested = {}, {}
sources = [(p, str(p.relative_to(root / "app/src"))) for p in sorted((root / "app/src").rglob("*.rs"))]
sources += [(p, "server/" + str(p.relative_to(root / "server/src"))) for p in sorted((root / "server/src").rglob("*.rs"))]
for path, name in sources:
    code, tests = rust_parts(path.read_text())
    for n in rules:
        if not name.startswith("ui/") and re.search(rf"\bR{n}\b", code):
            enforced.setdefault(n, []).append(name)
        if any(re.search(rf"(^|_)r{n}(_|$)", t) for t in tests):
            tested.setdefault(n, []).append(name)
suites = [("app/tests/service", "service"), ("server/tests/http", "http"), ("server/tests/processes", "processes")]
for folder, label in suites:
    for path in sorted((root / folder).glob("*.rs")):
        names = re.findall(r"\b(r\d+(?:_r?\d+)*_\w+)", path.read_text())
        for n in rules:
            if any(re.search(rf"(^|_)r{n}(_|$)", t) for t in names):
                tested.setdefault(n, []).append(f"{label}/{path.name}")
for path in sorted((root / "end2end/tests").glob("*.spec.ts")):
    titles = re.findall(r"test\(\s*['\"`]([^'\"`]*)", path.read_text())
    for n in rules:
        if any(re.search(rf"\bR{n}\b", t) for t in titles):
            tested.setdefault(n, []).append(f"e2e/{path.name}")

print("| Rule | Enforced in (`app/src/`, `server/src/`) | Tested in |")
print("|---|---|---|")
for n in rules:
    print(f"| R{n} | {', '.join(sorted(set(enforced.get(n, [])))) or '—'} | {', '.join(sorted(set(tested.get(n, [])))) or '—'} |")
