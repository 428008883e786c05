#!/usr/bin/env bash
# Issue 15: an identity provider's first sync — USERS users (10,000) created through SCIM by
# CLIENTS concurrent clients (4), each set up with credentials emailed, against the release server
# on a fresh demo database; prints users/s, the median and the p99 (target: 1,000 users/s on
# both backends; lldap does about 200 a second).
#
#   scripts/scim-bench.sh sqlite|postgres [USERS] [CLIENTS]
#
# PostgreSQL: a database made for the run on ROSTER_TEST_POSTGRES_URL's server (scripts/services.sh
# starts one) and dropped after. Needs a release build. Run by scripts/bench.sh.
# To see where the time goes: RUST_LOG=warn,sqlx::query=debug KEEP_LOG=/tmp/scim.log keeps the
# server's log (every statement, with its time) after the run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
backend=${1:-sqlite}
users=${2:-10000}
clients=${3:-4}
[[ -x target/release/server ]] || { echo "no release build: run scripts/run.sh or scripts/test.sh first" >&2; exit 1; }

port=3210
data=$(mktemp -d)
database=""
case $backend in
  sqlite) url="sqlite:$data/roster.db" ;;
  postgres)
    server_url=${ROSTER_TEST_POSTGRES_URL:?PostgreSQL: set ROSTER_TEST_POSTGRES_URL (scripts/services.sh prints it)}
    database="roster_bench_$$"
    psql -q "$server_url" -c "CREATE DATABASE $database"
    url="${server_url%/*}/$database"
    ;;
  *) echo "usage: scripts/scim-bench.sh sqlite|postgres [USERS] [CLIENTS]" >&2; exit 2 ;;
esac
# The demo's credentials are written beside an SQLite database, else in ./data: run from $data.
(cd "$data" && DATABASE_URL="$url" RUST_LOG=${RUST_LOG:-warn} exec "$root/target/release/server" serve --demo --bind 127.0.0.1:$port >"$data/server.log" 2>&1) &
server_pid=$!
cleanup() {
  kill $server_pid 2>/dev/null || true
  wait $server_pid 2>/dev/null || true
  [[ -n $database ]] && psql -q "$server_url" -c "DROP DATABASE IF EXISTS $database" || true
  if [[ -n ${KEEP_LOG:-} ]]; then cp "$data/server.log" "$KEEP_LOG"; fi
  rm -rf "$data"
}
trap cleanup EXIT
for _ in $(seq 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
credentials=$(ls "$data/demo-credentials.txt" "$data/data/demo-credentials.txt" 2>/dev/null | head -n1 || true)
login=$(awk '/^login:/ {print $2}' "$credentials")
password=$(awk '/^password:/ {print $2}' "$credentials")

base="http://127.0.0.1:$port"
same_site=(-H "Origin: $base" -H 'sec-fetch-site: same-origin' -H 'accept: application/json')
curl -s -c "$data/cookies" -o /dev/null "${same_site[@]}" -X POST "$base/api/login" --data-urlencode "login=$login" --data-urlencode "password=$password"
# A first sync emails every new account its credentials: the platform's email limits (R71) are
# raised to let 10,000 through, as an administrator expecting one would.
curl -s -b "$data/cookies" -o /dev/null "${same_site[@]}" -X POST "$base/api/settings/set_email_limits" \
  --data 'limits[per_person_per_hour]=1000000&limits[per_person_per_day]=1000000&limits[platform_per_hour]=1000000'
token=$(curl -s -b "$data/cookies" "${same_site[@]}" -X POST "$base/api/tokens/create" \
  --data 'form[name]=bench&form[scope]=scim&form[per_minute]=600000' | python3 -c 'import json,sys; print(json.load(sys.stdin)["secret"])')
echo "SCIM first sync ($backend):"
# The server's CPU time per user (user + system, from /proc): steadier than the rate on a machine
# whose 2 cores the clients share; the clients' own CPU beside it.
# PostgreSQL's own processes (the connections' backends, the WAL writer) beside it.
cpu_ticks() { awk '{print $14 + $15}' /proc/$1/stat; }
postgres_ticks() { local sum=0 pid; for pid in $(pgrep -x postgres); do sum=$(( sum + $(cpu_ticks "$pid" 2>/dev/null || echo 0) )); done; echo $sum; }
before=$(cpu_ticks $server_pid) postgres_before=$(postgres_ticks)
SCIM_URL="$base/scim/v2" SCIM_TOKEN="$token" python3 scripts/scim-bench.py "$users" "$clients" | sed 's/^/  /'
awk -v ticks="$(( $(cpu_ticks $server_pid) - before ))" -v hz="$(getconf CLK_TCK)" -v n="$users" \
  'BEGIN {printf "  server CPU: %.2f ms a user\n", ticks * 1000 / hz / n}'
if [[ $backend == postgres ]]; then
  awk -v ticks="$(( $(postgres_ticks) - postgres_before ))" -v hz="$(getconf CLK_TCK)" -v n="$users" \
    'BEGIN {printf "  PostgreSQL CPU: %.2f ms a user\n", ticks * 1000 / hz / n}'
fi
