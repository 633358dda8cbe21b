#!/usr/bin/env bash
# Load benchmark of the request path: a release build on SQLite (or DATABASE_URL) with the demo
# data, driven by wrk from loopback for a fixed time per endpoint, side by side with /health/ready
# (one database round trip through the pool: the framework's ceiling) in the same run. Prints
# requests per second, the share of the ceiling, and latency.
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

read -r admin guardian school pupil < <(python3 - "$work/credentials.json" "$base" <<'PY'
import json, sys, urllib.request
accounts = json.load(open(sys.argv[1]))
def login(role):
    a = next(a for a in accounts if a["role"] == role)
    body = json.dumps({"email": a["email"], "password": a["password"]}).encode()
    req = urllib.request.Request(sys.argv[2] + "/api/v1/auth/login", body, {"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(req))["access_token"]
def get(token, path):
    r = urllib.request.Request(sys.argv[2] + path, headers={"Authorization": "Bearer " + token})
    return json.load(urllib.request.urlopen(r))
admin, guardian = login("school_admin"), login("guardian")
child = get(guardian, "/api/v1/me")["children"][0]
school = get(admin, "/api/v1/schools")["items"][0]["id"]
print(admin, guardian, school, child["id"])
PY
)

ceiling=""
run() {
  local name=$1 token=$2 path=$3
  local out rps
  out=$(wrk -t2 -c32 -d"${duration}s" --latency -H "Authorization: Bearer $token" "$base$path")
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  [ -z "$ceiling" ] && ceiling=$rps
  printf '%-34s %10s req/s %6s %%   p50 %8s   p99 %8s\n' "$name" "$rps" \
    "$(awk -v a="$rps" -v b="$ceiling" 'BEGIN {printf "%.0f", 100 * a / b}')" \
    "$(awk '$1=="50%" {print $2}' <<<"$out")" \
    "$(awk '$1=="99%" {print $2}' <<<"$out")"
}

echo "backend: ${DATABASE_URL:-sqlite}; $(nproc) cores; wrk -t2 -c32, ${duration}s per endpoint; % of /health/ready"
run "GET /health/ready (one round trip)" "$admin" "/health/ready"
run "GET /api/v1/me (guardian)" "$guardian" "/api/v1/me"
run "GET /pupils/{id} (guardian)" "$guardian" "/api/v1/pupils/$pupil"
run "GET /schools/{id}/pupils (admin, 25)" "$admin" "/api/v1/schools/$school/pupils"
