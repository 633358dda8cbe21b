#!/usr/bin/env bash
# Fan-out benchmark (issue #10): one school-wide post to 2,000 guardians, on SQLite (a temporary
# file) or on DATABASE_URL. Prints the publishing call, the worker's fan-out and the hand-over of
# the overview mails to the outbox, in milliseconds.
# Usage: bench/fanout.sh   |   DATABASE_URL=postgres://…/empty_db bench/fanout.sh
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release -p api --example fanout
