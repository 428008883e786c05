#!/usr/bin/env bash
# Installs what building, running and testing Roster needs, and only what is missing.
# Idempotent: a tool already present at the pinned version is left alone.
# Used by the README's two commands and by .ci/run.
#
#   scripts/setup.sh            what `cargo xtask build` needs (enough to run Roster): the wasm
#                               target, and wasm-opt and esbuild from npm (downloads, no compiling)
#   scripts/setup.sh --test     and the test services (Chromium, Playwright, MailDev, PostgreSQL,
#                               scim2-tester, schemathesis)
#   scripts/setup.sh --dev      and cargo-leptos with the wasm-bindgen CLI, for `cargo leptos watch`
#                               (compiled: ~25 min on 2 cores; nothing else needs them)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# shellcheck source=scripts/versions.sh
source "$here/scripts/versions.sh"

want_test_tools=0 want_dev_tools=0
for arg in "$@"; do
  case "$arg" in
    --test) want_test_tools=1 ;;
    --dev) want_dev_tools=1 ;;
    *) echo "usage: scripts/setup.sh [--test] [--dev]" >&2; exit 2 ;;
  esac
done

say() { printf '\033[1m[setup]\033[0m %s\n' "$*"; }

export PATH="$HOME/.cargo/bin:$ROSTER_TOOLS/node_modules/.bin:$PATH"

apt_updated=0
apt_install() {
  # apt_install PACKAGE... — installs the Debian packages that are not installed yet.
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  if [[ $apt_updated -eq 0 ]]; then
    say "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  say "apt-get install ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

# --- Rust: the wasm target (and, for --dev only, cargo-leptos and wasm-bindgen-cli) ----------------
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if [[ $want_dev_tools -eq 1 ]]; then
  if [[ "$(cargo leptos --version 2>/dev/null || true)" != *"$CARGO_LEPTOS_VERSION"* ]]; then
    say "cargo install cargo-leptos@$CARGO_LEPTOS_VERSION (cold: ~18 min)"
    cargo install cargo-leptos --version "$CARGO_LEPTOS_VERSION" --locked
  fi
  if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != *"$WASM_BINDGEN_VERSION"* ]]; then
    # Without --locked: its lockfile wants a crate version the registry lacks.
    say "cargo install wasm-bindgen-cli@$WASM_BINDGEN_VERSION (cold: ~6 min)"
    cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --force
  fi
fi

# --- npm tools in one folder outside the checkout: binaryen (wasm-opt), esbuild, MailDev -----------
# binaryen (wasm-opt) must be npm's: Debian's (108) builds a wasm that fails to hydrate; the xtask
# runs its library with Node. esbuild minifies the site's JavaScript and stylesheet (prebuilt).
npm_tool_version() { # npm_tool_version PACKAGE -> installed version or nothing
  node -p "require('$ROSTER_TOOLS/node_modules/$1/package.json').version" 2>/dev/null || true
}
npm_wanted=()
[[ "$(npm_tool_version binaryen)" == "$BINARYEN_VERSION"* ]] || npm_wanted+=("binaryen@$BINARYEN_VERSION")
[[ "$(npm_tool_version esbuild)" == "$ESBUILD_VERSION" ]] || npm_wanted+=("esbuild@$ESBUILD_VERSION")
if [[ $want_test_tools -eq 1 ]]; then
  [[ "$(npm_tool_version maildev)" == "$MAILDEV_VERSION" ]] || npm_wanted+=("maildev@$MAILDEV_VERSION")
fi
if [[ ${#npm_wanted[@]} -gt 0 ]]; then
  say "npm install ${npm_wanted[*]} into $ROSTER_TOOLS"
  mkdir -p "$ROSTER_TOOLS"
  [[ -f "$ROSTER_TOOLS/package.json" ]] || echo '{"private":true}' >"$ROSTER_TOOLS/package.json"
  npm install --prefix "$ROSTER_TOOLS" --no-audit --no-fund --loglevel=error "${npm_wanted[@]}"
fi

# --- test services ----------------------------------------------------------------------------------
if [[ $want_test_tools -eq 1 ]]; then
  # Debian's Chromium (never a browser downloaded by Playwright), PostgreSQL 15, python3
  # (whose sqlite3 lets the journeys move the test database's clock, e.g. age an invitation),
  # openssl (the test CA of the TLS MailDev) and aiosmtpd (the STARTTLS test server).
  apt_install chromium postgresql python3 python3-venv openssl python3-aiosmtpd

  # The outside test suites of issue 15 — scim2-tester (SCIM) and schemathesis (the REST API) —
  # each pinned with everything it runs on, in a virtual environment of its own; installed again
  # when its pins change.
  python_tool() { # python_tool VENV REQUIREMENTS
    local venv="$ROSTER_TOOLS/$1" sum
    sum="$(sha256sum "$here/scripts/$2" | cut -d' ' -f1)"
    if [[ "$(cat "$venv/.roster-requirements-sha256" 2>/dev/null || true)" != "$sum" ]]; then
      say "pip install $1 into $venv"
      python3 -m venv --clear "$venv"
      "$venv/bin/pip" install --quiet --disable-pip-version-check --no-deps -r "$here/scripts/$2"
      echo "$sum" >"$venv/.roster-requirements-sha256"
    fi
  }
  python_tool scim-tester scim-requirements.txt
  python_tool schemathesis schemathesis-requirements.txt

  # Playwright and axe-core, for end2end/, from its lockfile (installed again when the lockfile
  # changes); never Playwright's own browser download.
  lock_sum="$(sha256sum "$here/end2end/package-lock.json" | cut -d' ' -f1)"
  if [[ "$(cat "$here/end2end/node_modules/.roster-lock-sha256" 2>/dev/null || true)" != "$lock_sum" ]]; then
    say "npm ci in end2end/ (@playwright/test $PLAYWRIGHT_VERSION, @axe-core/playwright)"
    (cd "$here/end2end" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
    echo "$lock_sum" >"$here/end2end/node_modules/.roster-lock-sha256"
  fi
fi

say "ready: wasm-opt $(wasm-opt --version | awk '{print $3}'), esbuild $(esbuild --version)$([[ $want_dev_tools -eq 1 ]] && echo ", cargo-leptos $(cargo leptos --version | awk '{print $2}'), wasm-bindgen $(wasm-bindgen --version | awk '{print $2}')")"
