#!/usr/bin/env bash
# Starts the real services the tests use, if they are not running: PostgreSQL 15 (with a role
# that may create the per-test databases) and MailDev (SMTP 1025, web/API 1080).
# Prints the environment to use them:  eval "$(scripts/services.sh)"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/versions.sh"

PG_ROLE=roster_test
PG_PASSWORD=roster_test

if ! pg_lsclusters --no-header 2>/dev/null | awk '$4 == "online"' | grep -q .; then
  cluster=$(pg_lsclusters --no-header | awk 'NR==1 {print $1" "$2}')
  [[ -n "$cluster" ]] || { echo "no PostgreSQL cluster: run scripts/setup.sh --test" >&2; exit 1; }
  pg_ctlcluster $cluster start >&2
fi
pg_port=$(pg_lsclusters --no-header | awk '$4 == "online" {print $3; exit}')
as_postgres() { runuser -u postgres -- psql -p "$pg_port" -v ON_ERROR_STOP=1 -qtAX "$@"; }
if [[ "$(as_postgres -c "SELECT 1 FROM pg_roles WHERE rolname = '$PG_ROLE'")" != 1 ]]; then
  as_postgres -c "CREATE ROLE $PG_ROLE LOGIN CREATEDB PASSWORD '$PG_PASSWORD'" >&2
fi
# Databases left by earlier runs of the tests.
for db in $(as_postgres -c "SELECT datname FROM pg_database WHERE datname LIKE 'roster\_test\_%'"); do
  as_postgres -c "DROP DATABASE IF EXISTS \"$db\"" >&2
done

if ! (exec 3<>/dev/tcp/127.0.0.1/1025) 2>/dev/null; then
  mkdir -p "$here/target"
  nohup "$ROSTER_TOOLS/node_modules/.bin/maildev" --ip 127.0.0.1 --web-ip 127.0.0.1 -s 1025 -w 1080 \
    >"$here/target/maildev.log" 2>&1 &
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/1080) 2>/dev/null && break; sleep 0.2; done
fi

echo "export ROSTER_TEST_POSTGRES_URL=postgres://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$pg_port/postgres"
echo "export ROSTER_TEST_SMTP_URL=smtp://127.0.0.1:1025"
echo "export ROSTER_TEST_MAILDEV_API=http://127.0.0.1:1080/api"
