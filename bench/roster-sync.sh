#!/usr/bin/env bash
# Roster sync benchmark (persistence/benches/roster_sync.rs): generates a board of schools
# (default 100,000 pupils, 2,000 per school, ~1.8 guardians per pupil, 40 staff per school) one
# school at a time, and times per school as the API runs it (validate, then school year + load_held
# + apply in one transaction):
#   1. the initial sync,  2. a re-sync of the unchanged roster (must change nothing),
#   3. a sync with ~1 % of the records changed (counts must match the changes),
#   4. a plain bulk insert of the same rows (roster::insert_rows, no diff) into the same database.
# Prints a Markdown table per backend: total seconds, rows/s, median and max per school, peak RSS.
# Runs on SQLite (a temporary file) and then on PostgreSQL (DATABASE_URL, default
# postgres://postgres@127.0.0.1:5432/postgres; a scratch database roster_bench_<pid> is created
# there and dropped afterwards).
# Usage: bench/roster-sync.sh [--pupils N] [--pupils-per-school M]     (release build; the full
#        board takes minutes per backend)
#        SKIP_POSTGRES=1 bench/roster-sync.sh --pupils 4000             (SQLite only)
set -euo pipefail
cd "$(dirname "$0")/.."

pg_url="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
case "$pg_url" in
  postgres://*|postgresql://*) ;;
  *) pg_url="postgres://postgres@127.0.0.1:5432/postgres" ;;
esac

echo "roster sync benchmark; $(nproc) cores; args: ${*:-(defaults)}"
cargo bench -p persistence --bench roster_sync -- "$@"
if [ -z "${SKIP_POSTGRES:-}" ]; then
  cargo bench -p persistence --bench roster_sync -- --database-url "$pg_url" "$@"
fi
