#!/usr/bin/env bash
# Start a throwaway PostgreSQL server on loopback for the test suite and print its URL.
# Usage: .ci/start-postgres.sh [DATADIR] [PORT]   (needs root or the postgres user)
# max_connections: two per workstation for 200 workstations plus a reserve, as a
# delegation sizes its server (docs/delegation.md; tests/test_connections.py checks it).
# Connections over TCP authenticate with SCRAM, as at a site (README): the tests sign
# people in with their own passwords and a wrong one is refused by the server itself.
set -euo pipefail
datadir=${1:-/tmp/st2desk-pg}
port=${2:-54329}
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bindir" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi
password=st2desk-ci
url="postgresql+psycopg://postgres:$password@127.0.0.1:$port/postgres"
if "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port"; then
  echo "$url"   # a server from an earlier run is still up: reuse it
  exit 0
fi
run() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if [ ! -f "$datadir/PG_VERSION" ]; then
  mkdir -p "$datadir"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$datadir"
  echo "$password" > "$datadir.pw"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$datadir.pw"
  run "$bindir/initdb -D $datadir -U postgres --auth-local=trust --auth-host=scram-sha-256 --pwfile=$datadir.pw --encoding=UTF8 --locale=C.UTF-8" >/dev/null
  rm -f "$datadir.pw"
fi
if ! run "$bindir/pg_ctl -D $datadir status" >/dev/null 2>&1; then
  run "$bindir/pg_ctl -D $datadir -l $datadir/server.log -w -o \"-p $port -c listen_addresses=127.0.0.1 -k /tmp -c fsync=off -c max_connections=450\" start" >/dev/null
fi
echo "$url"
