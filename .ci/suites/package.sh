#!/usr/bin/env bash
# The published package as a user installs it: npm pack, the tarball installed into a fresh project
# outside the repository (its dependencies from the npm registry, through npm's cache, which the repository's own install filled), then Node,
# strict tsc, Hardhat 3, a browser bundle and `npx poc` there. See test/system/package/.
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v npm >/dev/null || { echo "package suite: npm is missing" >&2; exit 1; }
npm run test:package
