#!/usr/bin/env bash
# Lighthouse's accessibility and performance scores (issue 14: accessibility 100, performance
# ≥ 95) of the login page, the homepage and the add-user panel, on the release build with the
# demo data, in Debian's Chromium. Prints the scores and what cost points; checks nothing (not a
# timed test). Needs a release build (scripts/run.sh or scripts/test.sh make one).
#   scripts/lighthouse.sh                  the three pages, desktop and mobile
#   FORMS=mobile scripts/lighthouse.sh     one form factor
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/versions.sh

[[ -x target/release/server ]] || { echo "no release build: run scripts/run.sh or scripts/test.sh first" >&2; exit 1; }
chromium=${CHROMIUM_PATH:-/usr/bin/chromium}
[[ -x $chromium ]] || { echo "no Chromium at $chromium: run scripts/setup.sh" >&2; exit 1; }

# Lighthouse in its own folder beside the other npm tools, installed once at the pinned version.
tools="$ROSTER_TOOLS/lighthouse"
installed=$(node -p "require('$tools/node_modules/lighthouse/package.json').version" 2>/dev/null || true)
if [[ $installed != "$LIGHTHOUSE_VERSION" ]]; then
  echo "npm install lighthouse@$LIGHTHOUSE_VERSION into $tools" >&2
  mkdir -p "$tools"
  [[ -f $tools/package.json ]] || echo '{"private":true}' >"$tools/package.json"
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error --save-exact "lighthouse@$LIGHTHOUSE_VERSION")
fi

port=3210
data=$(mktemp -d)
DATABASE_URL="sqlite:$data/roster.db" LEPTOS_SITE_ROOT=target/site RUST_LOG=warn \
  target/release/server serve --demo --bind 127.0.0.1:$port >"$data/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null; rm -rf "$data"' EXIT
for _ in $(seq 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
base="http://127.0.0.1:$port"
login=$(awk '/^login:/ {print $2}' "$data/demo-credentials.txt")
password=$(awk '/^password:/ {print $2}' "$data/demo-credentials.txt")
curl -s -c "$data/cookies" -o /dev/null -H 'sec-fetch-site: same-origin' -H 'accept: application/json' \
  -X POST "$base/api/login" --data-urlencode "login=$login" --data-urlencode "password=$password"
session=$(awk '$6 == "roster_session" {print $7}' "$data/cookies")

audit() { # audit NAME PATH FORM_FACTOR [COOKIE]
  local name=$1 path=$2 form=$3 cookie=${4:-} extra=()
  [[ -n $cookie ]] && extra=(--extra-headers "{\"Cookie\": \"roster_session=$cookie\"}")
  [[ $form == desktop ]] && extra+=(--preset=desktop)
  # Lighthouse sometimes misses the trace's start with this Chromium (NO_NAVSTART): a second try.
  local try
  for try in 1 2; do
    "$tools/node_modules/.bin/lighthouse" "$base$path" --quiet --output=json --output-path="$data/$name-$form.json" \
      --only-categories=accessibility,performance --chrome-path="$chromium" \
      --chrome-flags="--headless=new --no-sandbox --disable-gpu" "${extra[@]}" >/dev/null 2>"$data/$name-$form.log" && break
    grep -q NO_NAVSTART "$data/$name-$form.log" && [[ $try == 1 ]] && continue
    echo "lighthouse failed on $path ($form):" >&2; tail -5 "$data/$name-$form.log" >&2; return 1
  done
  node -e '
    const r = require(process.argv[1]);
    const score = (c) => Math.round(r.categories[c].score * 100);
    const lost = Object.values(r.audits).filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "manual" && a.scoreDisplayMode !== "notApplicable");
    const metric = (id) => r.audits[id]?.displayValue ?? "-";
    console.log(`  ${process.argv[2].padEnd(22)} ${process.argv[3].padEnd(8)} accessibility ${String(score("accessibility")).padStart(3)}  performance ${String(score("performance")).padStart(3)}   FCP ${metric("first-contentful-paint")}, LCP ${metric("largest-contentful-paint")}, TBT ${metric("total-blocking-time")}, CLS ${metric("cumulative-layout-shift")}`);
    const lcp = r.audits["largest-contentful-paint-element"]?.details?.items ?? [];
    const element = lcp[0]?.items?.[0]?.node?.snippet;
    const phases = (lcp[1]?.items ?? []).map((p) => `${p.phase} ${Math.round(p.timing)} ms`).join(", ");
    if (element) console.log(`      LCP element: ${element.slice(0, 90)}${phases ? ` (${phases})` : ""}`);
    for (const a of lost.filter((a) => r.categories.accessibility.auditRefs.some((ref) => ref.id === a.id && ref.weight > 0))) console.log(`      accessibility: ${a.id}: ${a.title}`);
  ' "$data/$name-$form.json" "$name" "$form"
}

echo "Lighthouse $LIGHTHOUSE_VERSION, release build, demo data (targets: accessibility 100, performance ≥ 95):"
for form in ${FORMS:-desktop mobile}; do
  audit "login" /login $form
  audit "homepage" / $form "$session"
  audit "add-user panel" /add-users $form "$session"
done
