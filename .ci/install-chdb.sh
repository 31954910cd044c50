#!/usr/bin/env bash
# chdb (an in-process current ClickHouse, ~550 MB) for the ingest tests, installed on demand: it is
# not in package.json because the registry here lacks its other platforms' binaries, so a lock file
# with it cannot pass `npm ci`. Idempotent; run after `npm ci` (which removes it).
set -euo pipefail
cd "$(dirname "$0")/.."
CHDB_VERSION=3.4.0
if node -e "process.exit(require('./node_modules/chdb/package.json').version === '$CHDB_VERSION' ? 0 : 1)" 2>/dev/null; then
  exit 0
fi
echo "install-chdb: installing chdb@$CHDB_VERSION (no-save)"
npm install --no-save --no-audit --no-fund "chdb@$CHDB_VERSION"
