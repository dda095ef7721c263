#!/usr/bin/env bash
# The log's C2SP interop suite (test/system/go/): tiles and tlog-proof files checked by Go's
# golang.org/x/mod/sumdb/tlog, built offline from Debian's packages. Installs golang-go and
# golang-golang-x-mod-dev when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
command -v go >/dev/null || missing+=(golang-go)
[ -d /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog ] || missing+=(golang-golang-x-mod-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "go suite: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}"
fi
command -v go >/dev/null && [ -d /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog ] || { echo "go suite: go / golang.org/x/mod still missing" >&2; exit 1; }
npm run test:go
