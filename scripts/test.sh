#!/usr/bin/env bash
# Runs Kassa's whole test suite on a fresh Debian machine: installs the real
# peers the tests need when missing, then typecheck, lint and every test.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
if ! command -v litecoind >/dev/null 2>&1 && [ ! -x /usr/lib/litecoin/litecoind ]; then need_apt+=(litecoind); fi
if ! command -v chromium >/dev/null 2>&1; then need_apt+=(chromium); fi
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing test peers: ${need_apt[*]}"
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}"
fi

# PostgreSQL at 127.0.0.1:5432 is a real peer of the store tests; start the local cluster if it is down.
if command -v pg_isready >/dev/null 2>&1 && ! pg_isready -h 127.0.0.1 -p 5432 -q; then
  if command -v pg_ctlcluster >/dev/null 2>&1; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  fi
fi

if [ ! -d node_modules ] || [ "${CI:-}" = "true" ]; then npm ci --no-audit --no-fund; fi

npm run --silent typecheck
npm run --silent lint
mkdir -p test-artifacts
status=0
npx vitest run --reporter=default --reporter=json --outputFile=test-artifacts/vitest.json || status=$?
node scripts/test-summary.mjs test-artifacts/vitest.json
exit $status
