#!/usr/bin/env bash
# Runs Roster on the embedded defaults: release build, SQLite file under ./data, the built-in
# development mailbox, demo data on first start. Prints the URL and how to log in.
#   scripts/run.sh                 http://127.0.0.1:3000
#   BIND_ADDRESS=0.0.0.0:8080 scripts/run.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/versions.sh
bash scripts/setup.sh
export PATH="$HOME/.cargo/bin:$ROSTER_TOOLS/node_modules/.bin:$PATH"

cargo xtask build
export DATABASE_URL="${DATABASE_URL:-sqlite:data/roster.db}"
# The development mailbox (the owner reads emails in the app): for local trials only.
export ROSTER_DEV_MAILBOX="${ROSTER_DEV_MAILBOX:-true}"
exec target/release/server serve --demo
