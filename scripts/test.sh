#!/usr/bin/env bash
# The whole test suite, as CI runs it: installs what is missing, starts PostgreSQL and MailDev,
# then runs unit + service tests (SQLite and PostgreSQL), HTTP tests, the release build, and the
# Playwright journeys in Chromium. Stops at the first failure.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/versions.sh
started=$SECONDS
step() { printf '\n\033[1m== %s\033[0m (at %ds)\n' "$*" $((SECONDS - started)); }

step "set-up"
bash scripts/setup.sh --test
export PATH="$HOME/.cargo/bin:$ROSTER_TOOLS/node_modules/.bin:$PATH"

step "services: PostgreSQL, MailDev"
eval "$(bash scripts/services.sh)"

step "unit and service tests (SQLite and PostgreSQL)"
cargo test -p app --features test-support

step "the benchmarks still build (they run by hand: cargo bench)"
cargo test -p app --features test-support --benches --no-run

step "HTTP tests of the router"
cargo test -p server

step "release build (server and site: cargo xtask build, its own tests first)"
cargo test -p xtask
cargo xtask build

step "the release package runs alone (unpacked in an empty folder, an empty environment)"
bash scripts/package.sh --check

step "Playwright journeys in Chromium"
(cd end2end && npx playwright test)

step "all tests passed in $((SECONDS - started)) s"
