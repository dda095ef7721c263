#!/usr/bin/env bash
# The CVM agent's suite (test/system/agent/): a real swtpm driven through tpm2-tools, the embedded
# chain, configfs-tsm emulated on disk. Installs swtpm, swtpm-tools and tpm2-tools when missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
command -v swtpm >/dev/null || missing+=(swtpm swtpm-tools)
command -v tpm2_quote >/dev/null || missing+=(tpm2-tools)
if [ ${#missing[@]} -gt 0 ]; then
  echo "agent suite: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}"
fi
command -v swtpm >/dev/null && command -v tpm2_quote >/dev/null || { echo "agent suite: swtpm / tpm2-tools still missing" >&2; exit 1; }
npm run test:agent
