#!/usr/bin/env bash
# Starts the real services the tests use, if they are not running: PostgreSQL 15 (with a role
# that may create the per-test databases), MailDev (SMTP 1025, web/API 1080), and a second
# MailDev that takes only TLS and a login (SMTPS 1465, web/API 1081) with a certificate from a
# test CA made here, and a STARTTLS server with a login (port 1587, scripts/starttls-smtp.py).
# Prints the environment to use them:  eval "$(scripts/services.sh)"
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
source "$here/scripts/versions.sh"

mkdir -p "$here/target" "$ROSTER_TOOLS"  # the services' logs; their certificate

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
  nohup "$ROSTER_TOOLS/node_modules/.bin/maildev" --ip 127.0.0.1 --web-ip 127.0.0.1 -s 1025 -w 1080 \
    >"$here/target/maildev.log" 2>&1 &
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/1080) 2>/dev/null && break; sleep 0.2; done
fi

# The TLS MailDev's certificate: a leaf for localhost signed by a throwaway CA (rustls refuses a
# self-signed CA certificate used as a server's own).
# Kept with the tools, like the services themselves: one per machine, whichever clone started them.
tls="$ROSTER_TOOLS/smtp-tls"
if [[ ! -s "$tls/cert.pem" ]]; then
  mkdir -p "$tls"
  ec=(-newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes)
  openssl req -x509 "${ec[@]}" -days 3650 -subj "/CN=Roster test CA" -keyout "$tls/ca.key" -out "$tls/ca.pem" 2>/dev/null
  openssl req "${ec[@]}" -subj "/CN=localhost" -keyout "$tls/key.pem" -out "$tls/leaf.csr" 2>/dev/null
  printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n' >"$tls/leaf.ext"
  openssl x509 -req -in "$tls/leaf.csr" -CA "$tls/ca.pem" -CAkey "$tls/ca.key" -CAcreateserial -days 3650 \
    -extfile "$tls/leaf.ext" -out "$tls/cert.pem" 2>/dev/null
fi
if ! (exec 3<>/dev/tcp/127.0.0.1/1465) 2>/dev/null; then
  nohup "$ROSTER_TOOLS/node_modules/.bin/maildev" --ip 127.0.0.1 --web-ip 127.0.0.1 -s 1465 -w 1081 \
    --incoming-secure --incoming-cert "$tls/cert.pem" --incoming-key "$tls/key.pem" \
    --incoming-user roster --incoming-pass 'tls test password' >"$here/target/maildev-tls.log" 2>&1 &
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/1081) 2>/dev/null && break; sleep 0.2; done
fi

# And a server the way port 587 works: STARTTLS first, then a login (Debian's aiosmtpd).
if ! (exec 3<>/dev/tcp/127.0.0.1/1587) 2>/dev/null; then
  : >"$ROSTER_TOOLS/starttls-subjects.txt"
  nohup /usr/bin/python3 "$here/scripts/starttls-smtp.py" 1587 "$tls/cert.pem" "$tls/key.pem" roster 'starttls test password' \
    "$ROSTER_TOOLS/starttls-subjects.txt" >"$here/target/starttls-smtp.log" 2>&1 &
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/1587) 2>/dev/null && break; sleep 0.2; done
fi

echo "export ROSTER_TEST_POSTGRES_URL=postgres://$PG_ROLE:$PG_PASSWORD@127.0.0.1:$pg_port/postgres"
echo "export ROSTER_TEST_SMTP_URL=smtp://127.0.0.1:1025"
echo "export ROSTER_TEST_MAILDEV_API=http://127.0.0.1:1080/api"
echo "export ROSTER_TEST_SMTPS_URL='smtps://roster:tls%20test%20password@localhost:1465'"
echo "export ROSTER_TEST_SMTPS_CA=$tls/ca.pem"
echo "export ROSTER_TEST_MAILDEV_TLS_API=http://127.0.0.1:1081/api"
echo "export ROSTER_TEST_STARTTLS_URL='smtp://roster:starttls%20test%20password@localhost:1587?tls=required'"
echo "export ROSTER_TEST_STARTTLS_SUBJECTS=$ROSTER_TOOLS/starttls-subjects.txt"
