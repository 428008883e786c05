#!/usr/bin/env bash
# The release package, for people who only want to run Roster: a tarball with the server (one
# binary: the migrations are inside it, and it needs only glibc) and the site beside it (the
# wasm, JS and CSS it serves). It runs without Rust, Node or internet:
#   tar xzf roster-VERSION-linux-x86_64.tar.gz && cd roster-VERSION && ./server serve --demo
#
#   scripts/package.sh            builds the release (as scripts/run.sh does), then packs it
#   scripts/package.sh --built    packs the release already built in target/
#   scripts/package.sh --check    also unpacks the tarball in an empty folder and starts it there,
#                                 with an empty environment, to see it serve and log in
# Writes target/package/roster-VERSION-linux-ARCH.tar.gz and prints its path.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
build=1 check=0
for arg in "$@"; do
  case "$arg" in
    --built) build=0 ;;
    --check) build=0 check=1 ;;
    *) echo "usage: scripts/package.sh [--built | --check]" >&2; exit 2 ;;
  esac
done

if [[ $build == 1 ]]; then
  source scripts/versions.sh
  bash scripts/setup.sh
  export PATH="$HOME/.cargo/bin:$ROSTER_TOOLS/node_modules/.bin:$PATH"
  cargo xtask build
fi
for built in target/release/server target/release/hash.txt target/site/pkg; do
  [[ -e $built ]] || { echo "no release build ($built is missing): run scripts/package.sh without --built" >&2; exit 1; }
done

version=$(awk -F'"' '/^version *=/ {print $2; exit}' server/Cargo.toml)
name="roster-$version"
out=target/package
rm -rf "${out:?}/$name"
mkdir -p "$out/$name"
cp target/release/server target/release/hash.txt "$out/$name/"
cp -r target/site "$out/$name/site"
cat >"$out/$name/README.txt" <<EOF
Roster $version

  ./server serve --demo      Roster at http://127.0.0.1:3000 with demo data; prints how to log in
  ./server --help            every command and setting

Data (the SQLite database, the demo's credentials) goes to ./data under the folder you start it
from. The settings are those of the README in the source repository (environment variables or
flags): DATABASE_URL, BIND_ADDRESS, PUBLIC_URL, SMTP_URL, SMTP_FROM, ... The site (wasm, JS, CSS)
is read from site/ beside the server. Needs Linux with glibc 2.36 or newer (Debian 12, Ubuntu
22.04+); nothing else.
EOF
tarball="$out/$name-linux-$(uname -m).tar.gz"
tar -C "$out" -czf "$tarball" "$name"
echo "$tarball ($(du -h "$tarball" | cut -f1))"

[[ $check == 1 ]] || exit 0

# The check: unpacked where nothing else is, started with an empty environment (no cargo, no
# node, no settings), it serves the login page, its stylesheet and code, and the demo owner logs in.
place=$(mktemp -d)
server_pid=
trap '[[ -n $server_pid ]] && kill $server_pid 2>/dev/null; rm -rf "$place"' EXIT
tar -C "$place" -xzf "$tarball"
cd "$place/$name"
port=$((20000 + RANDOM % 20000))
env -i HOME="$place" PATH=/usr/bin:/bin ./server serve --demo --bind "127.0.0.1:$port" >"$place/server.log" 2>&1 &
server_pid=$!
base="http://127.0.0.1:$port"
fail() { echo "package check: $*" >&2; sed 's/^/  server: /' "$place/server.log" >&2; exit 1; }
for _ in $(seq 150); do curl -fs "$base/healthz" >/dev/null && break; sleep 0.2; done
curl -fs "$base/healthz" >/dev/null || fail "the server did not answer"
page=$(curl -fs "$base/login") || fail "/login did not answer 200"
assets=$(grep -o '/pkg/roster\.[A-Za-z0-9_-]*\.\(css\|js\|wasm\)' <<<"$page" | sort -u)
[[ $(wc -l <<<"$assets") -eq 3 ]] || fail "/login does not name the stylesheet, the JS and the wasm: $assets"
for asset in $assets; do
  curl -fs -o /dev/null "$base$asset" || fail "$asset (named by /login) did not answer 200"
  echo "  $asset served"
done
[[ -f data/demo-credentials.txt ]] || fail "no data/demo-credentials.txt where it was started"
login=$(awk '/^login:/ {print $2}' data/demo-credentials.txt)
password=$(awk '/^password:/ {print $2}' data/demo-credentials.txt)
curl -fs -c "$place/cookies" -o /dev/null -X POST "$base/api/login" -H 'sec-fetch-site: same-origin' \
  --data-urlencode "login=$login" --data-urlencode "password=$password" || fail "the demo owner's login was refused"
curl -fs -b "$place/cookies" "$base/dashboard/users" | grep -q 'owner@northwind.example' || fail "Dashboard > USERS did not show the owner once logged in"
echo "package check: unpacked alone, it served /login and its assets, and the demo owner logged in"
