#!/usr/bin/env bash
# The planner's booking rush (issue #12): 1,000 guardians race for the 200 slots of a round that
# has just opened (10 desks of 20 slots, 100 pupils per desk), 64 requests in flight, against a
# release server on SQLite (a temporary file) or on DATABASE_URL (an empty database). Counts the
# bookings in the database afterwards (exits non-zero unless there are exactly 200, no slot and no
# pupil at a desk twice) and prints the rate next to /health/ready, measured with the same client in
# the same run (bench/planner_rush.rs).
# Usage: bench/planner-rush.sh   |   DATABASE_URL=postgres://…/empty_db bench/planner-rush.sh
# (GUARDIANS, GROUPS, SLOTS, CONNECTIONS, SEED: see bench/planner_rush.rs)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release -p api --bin ouderportaal --example planner_rush

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
export DATABASE_URL="${DATABASE_URL:-$work/rush.db}"
export OUDERPORTAAL_JWT_SECRET="planner-rush-benchmark-secret-of-at-least-32-bytes"
OUDERPORTAAL_BIND="127.0.0.1:$port" OUDERPORTAAL_LOG=warn OUDERPORTAAL_RATE_LIMIT_PER_MINUTE=1000000 \
  "${CARGO_TARGET_DIR:-target}/release/ouderportaal" serve >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done

echo "backend: $DATABASE_URL; $(nproc) cores (server, load and database share them); commit $(git rev-parse --short HEAD)"
status=0
"${CARGO_TARGET_DIR:-target}/release/examples/planner_rush" "$base" || status=$?
if grep -qiE 'error|panic' "$work/server.log"; then
  echo "server log:"; grep -iE 'error|panic' "$work/server.log" | sort | uniq -c | sort -rn | head -20
fi
exit $status
