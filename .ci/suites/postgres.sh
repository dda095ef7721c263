#!/usr/bin/env bash
# The indexer on a real PostgreSQL server (test/system/postgres/): the test starts its own server
# with initdb + pg_ctl on a temp directory. Installs Debian's postgresql when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
have_pg() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null; }
if ! have_pg; then
  echo "postgres suite: installing postgresql"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq postgresql
fi
have_pg || { echo "postgres suite: initdb still missing" >&2; exit 1; }
npm run test:postgres
