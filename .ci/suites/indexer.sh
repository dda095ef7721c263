#!/usr/bin/env bash
# The indexer on its embedded default, Ponder with PGlite (test/system/indexer/): no system package,
# but `ponder start` as a child process takes tens of seconds, so it is kept out of `npm test`.
set -euo pipefail
cd "$(dirname "$0")/../.."
npm run test:indexer
