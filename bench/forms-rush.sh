#!/usr/bin/env bash
# The sign-up forms' race (issue #13): the school admin opens a form with a per-household option
# of 50 places and a per-child option of 200 (waiting lists, places given at once) and 1,000
# households respond at once, each for both, 64 requests in flight, one line in ten a retry with
# the same Idempotency-Key, against a release server on SQLite (a temporary file) or on
# DATABASE_URL (an empty database). Checks the admin's results and the database afterwards (exits
# non-zero unless every household responded once, each option has exactly its capacity placed in
# order of arrival and the rest wait at positions 1..n) and prints the rate next to /health/ready,
# measured with the same client in the same run (bench/forms_rush.rs).
# Usage: bench/forms-rush.sh   |   DATABASE_URL=postgres://…/empty_db bench/forms-rush.sh
# (GUARDIANS, GROUPS, HELPERS, PLACES, CONNECTIONS: see bench/forms_rush.rs)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p api --bin ouderportaal --example forms_rush

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
export DATABASE_URL="${DATABASE_URL:-$work/rush.db}"
export OUDERPORTAAL_JWT_SECRET="forms-rush-benchmark-secret-of-at-least-32-bytes"
OUDERPORTAAL_BIND="127.0.0.1:$port" OUDERPORTAAL_LOG=warn OUDERPORTAAL_RATE_LIMIT_PER_MINUTE=1000000 \
  "${CARGO_TARGET_DIR:-target}/release/ouderportaal" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done

echo "backend: $DATABASE_URL; $(nproc) cores (server, load and database share them); commit $(git rev-parse --short HEAD)"
status=0
"${CARGO_TARGET_DIR:-target}/release/examples/forms_rush" "$base" || status=$?
if grep -qiE 'error|panic' "$work/server.log"; then
  echo "server log:"; grep -iE 'error|panic' "$work/server.log" | sort | uniq -c | sort -rn | head -20
fi
exit $status
