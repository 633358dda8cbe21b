#!/usr/bin/env bash
# Load benchmark of the request path: a release build on SQLite (or DATABASE_URL) with the demo
# data, driven by wrk from loopback for a fixed time per endpoint, side by side with /health/ready
# (one database round trip through the pool: the framework's ceiling) in the same run. Prints
# requests per second, the share of the ceiling, and latency.
# Usage: bench/api-load.sh [seconds per endpoint, default 10] (ROUNDS=5: turns the time is split into;
# NEWS_POSTS=N: N more news posts in the database first, bench/seed-news.sh)
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
if [ -n "${NEWS_POSTS:-}" ]; then
  bench/seed-news.sh "$NEWS_POSTS" "${DATABASE_URL:-$work/bench.db}"
  echo "news posts in the database: $NEWS_POSTS more than the demo's"
fi

read -r admin guardian lunch school pupil group < <(python3 - "$work/credentials.json" "$base" <<'PY'
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
admin, guardian, lunch = login("school_admin"), login("guardian"), login("lunch_supervisor")
child = get(guardian, "/api/v1/me")["children"][0]
school = get(admin, "/api/v1/schools")["items"][0]["id"]
group = get(guardian, "/api/v1/pupils/" + child["id"])["groups"][0]["id"]
print(admin, guardian, lunch, school, child["id"], group)
PY
)

# The machine's speed drifts within a run (a shared VM), so the endpoints take turns: ROUNDS rounds of
# all of them, each endpoint's requests summed over the rounds, each share against the ceiling's own sum.
rounds="${ROUNDS:-5}"
names=("GET /health/ready (one round trip)" "GET /api/v1/me (guardian)" "GET /pupils/{id} (guardian)" "GET /schools/{id}/pupils (admin, 25)" "GET /me/news (guardian, first page)"
       "GET /pupils/{id}/consents (guardian)" "GET /groups/{id}/contacts (guardian)" "GET /groups/{id}/medical-notes (lunch)")
tokens=("$admin" "$guardian" "$guardian" "$admin" "$guardian" "$guardian" "$guardian" "$lunch")
paths=("/health/ready" "/api/v1/me" "/api/v1/pupils/$pupil" "/api/v1/schools/$school/pupils" "/api/v1/me/news"
       "/api/v1/pupils/$pupil/consents" "/api/v1/groups/$group/contacts" "/api/v1/groups/$group/medical-notes")
# ONLY="0 5 6 7": run these endpoints only (the ceiling, index 0, always belongs in the run).
indices=(${ONLY:-$(seq 0 $((${#paths[@]} - 1)))})
declare -a total p50 p99
slice=$(awk -v d="$duration" -v r="$rounds" 'BEGIN {s = d / r; if (s < 1) s = 1; printf "%d", s}')
for _ in $(seq 1 "$rounds"); do
  for i in "${indices[@]}"; do
    out=$(wrk -t2 -c32 -d"${slice}s" --latency -H "Authorization: Bearer ${tokens[$i]}" "$base${paths[$i]}")
    total[$i]=$(awk -v t="${total[$i]:-0}" '/Requests\/sec/ {printf "%.0f", t + $2}' <<<"$out")
    p50[$i]=$(awk '$1=="50%" {print $2}' <<<"$out")
    p99[$i]=$(awk '$1=="99%" {print $2}' <<<"$out")
  done
done

echo "backend: ${DATABASE_URL:-sqlite}; $(nproc) cores; wrk -t2 -c32; $rounds rounds of ${slice}s per endpoint, taking turns; % of /health/ready"
for i in "${indices[@]}"; do
  printf '%-38s %8.0f req/s %5s %%   last p50 %8s   p99 %8s\n' "${names[$i]}" \
    "$(awk -v t="${total[$i]}" -v r="$rounds" 'BEGIN {print t / r}')" \
    "$(awk -v a="${total[$i]}" -v b="${total[0]}" 'BEGIN {printf "%.0f", 100 * a / b}')" \
    "${p50[$i]}" "${p99[$i]}"
done
