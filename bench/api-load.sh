#!/usr/bin/env bash
# Load benchmark of the API: a release build on SQLite (or DATABASE_URL) with the demo data, driven
# by wrk from loopback for a fixed time per endpoint. Prints requests per second and latency.
# Usage: bench/api-load.sh [seconds per endpoint, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { echo "needs wrk (apt-get install wrk)" >&2; exit 1; }; }
cargo build --release --bin ouderportaal

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
DATABASE_URL="${DATABASE_URL:-$work/bench.db}" OUDERPORTAAL_BIND="127.0.0.1:$port" OUDERPORTAAL_LOG=warn \
OUDERPORTAAL_RATE_LIMIT_PER_MINUTE=1000000 \
  "${CARGO_TARGET_DIR:-target}/release/ouderportaal" serve --demo --credentials "$work/credentials.json" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done

read -r token school pupil < <(python3 - "$work/credentials.json" "$base" <<'PY'
import json, sys, urllib.request
accounts = json.load(open(sys.argv[1]))
admin = next(a for a in accounts if a["role"] == "school_admin")
body = json.dumps({"email": admin["email"], "password": admin["password"]}).encode()
req = urllib.request.Request(sys.argv[2] + "/api/v1/auth/login", body, {"Content-Type": "application/json"})
token = json.load(urllib.request.urlopen(req))["access_token"]
def get(path):
    r = urllib.request.Request(sys.argv[2] + path, headers={"Authorization": "Bearer " + token})
    return json.load(urllib.request.urlopen(r))
school = get("/api/v1/schools")["items"][0]["id"]
pupil = get(f"/api/v1/schools/{school}/pupils?limit=1")["items"][0]["id"]
print(token, school, pupil)
PY
)

run() {
  local name=$1 path=$2
  local out
  out=$(wrk -t2 -c16 -d"${duration}s" --latency -H "Authorization: Bearer $token" "$base$path")
  printf '%-28s %10s req/s   p50 %8s   p99 %8s\n' "$name" \
    "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" \
    "$(awk '$1=="50%" {print $2}' <<<"$out")" \
    "$(awk '$1=="99%" {print $2}' <<<"$out")"
}

echo "backend: ${DATABASE_URL:-sqlite}; $(nproc) cores; wrk -t2 -c16, ${duration}s per endpoint"
run "GET /health/live" "/health/live"
run "GET /api/v1/me" "/api/v1/me"
run "GET /schools/{id}/pupils (25)" "/api/v1/schools/$school/pupils"
run "GET /pupils/{id}" "/api/v1/pupils/$pupil"
