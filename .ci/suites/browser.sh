#!/usr/bin/env bash
# The web page in a real browser: Debian's Chromium (installed when missing) driven by playwright-core
# against `npm run web` (test/system/browser/). Screenshots land in test-artifacts/browser/.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! command -v chromium >/dev/null 2>&1; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y chromium
fi
npm run test:browser
