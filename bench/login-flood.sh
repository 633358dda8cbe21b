#!/usr/bin/env bash
# Login flood: 1,000 sign-ins sent at once, three ways, against a release build with the demo data
# (SQLite, or PostgreSQL with DATABASE_URL). Prints how many passwords were checked (each 401 is
# one argon2 check; 429 and 503 cost none) and the server's resident memory before and at its peak.
#   A. one account, from 1,000 network addresses (X-Forwarded-For behind a trusted proxy): at most
#      5 checks (the per-account limit).
#   B. 1,000 unknown addresses from 1,000 network addresses: every one may be checked, but never more
#      than a core's worth at once (the hashing bound); the rest is turned away with 503.
#   C. 1,000 unknown addresses from one network address: at most 20 checks (the per-address limit).
# Usage: bench/login-flood.sh [requests, default 1000]
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-1000}"
cargo build --release --bin ouderportaal

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
DATABASE_URL="${DATABASE_URL:-$work/bench.db}" OUDERPORTAAL_BIND="127.0.0.1:$port" OUDERPORTAAL_LOG=error \
OUDERPORTAAL_RATE_LIMIT_PER_MINUTE=1000000 OUDERPORTAAL_TRUST_PROXY=true \
  "${CARGO_TARGET_DIR:-target}/release/ouderportaal" serve --demo --credentials "$work/credentials.json" >"$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.2; done

python3 - "$base" "$server" "$n" "$work/credentials.json" <<'PY'
import collections, json, sys, threading, time, http.client, urllib.parse

base, pid, n, credentials = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
host, port = urllib.parse.urlparse(base).hostname, urllib.parse.urlparse(base).port
guardian = next(a for a in json.load(open(credentials)) if a["role"] == "guardian")["email"]

def rss_kib(field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field):
            return int(line.split()[1])

def login(email, forwarded, results, barrier):
    body = json.dumps({"email": email, "password": "wrong-password-123"})
    headers = {"Content-Type": "application/json"}
    if forwarded:
        headers["X-Forwarded-For"] = forwarded
    conn = http.client.HTTPConnection(host, port, timeout=120)
    barrier.wait()
    try:
        conn.request("POST", "/api/v1/auth/login", body, headers)
        results.append(conn.getresponse().status)
    except Exception as err:
        results.append(type(err).__name__)

def flood(name, email_of, forwarded_of):
    results, barrier = [], threading.Barrier(n)
    threads = [threading.Thread(target=login, args=(email_of(i), forwarded_of(i), results, barrier))
               for i in range(n)]
    start = time.time()
    for t in threads: t.start()
    for t in threads: t.join()
    took = time.time() - start
    counts = collections.Counter(results)
    print(f"{name:<46} {counts.get(401, 0):>8} {counts.get(429, 0):>6} {counts.get(503, 0):>6} "
          f"{took:>7.1f} s {rss_kib('VmRSS') / 1024:>8.0f} MB {rss_kib('VmHWM') / 1024:>8.0f} MB")
    other = {k: v for k, v in counts.items() if k not in (401, 429, 503)}
    if other:
        print("   other answers:", other)
    return counts

def address(i):
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255 or 1}"

print(f"{n} parallel sign-ins per phase; {open('/proc/cpuinfo').read().count('processor')} cores")
print(f"server RSS at start: {rss_kib('VmRSS') / 1024:.0f} MB")
print(f"{'phase':<46} {'checked':>8} {'429':>6} {'503':>6} {'time':>9} {'RSS now':>11} {'RSS peak':>11}")
a = flood("A. one account, many network addresses", lambda i: guardian, lambda i: address(i))
b = flood("B. unknown accounts, many network addresses", lambda i: f"b{i}@flood.example", lambda i: address(i + 70000))
c = flood("C. unknown accounts, one network address", lambda i: f"c{i}@flood.example", lambda i: None)
assert a.get(401, 0) <= 5, "more than the per-account limit was checked"
assert c.get(401, 0) <= 20, "more than the per-address limit was checked"
assert rss_kib("VmHWM") < 256 * 1024, "peak RSS over 256 MB"
print("limits held; peak RSS under 256 MB")
PY
