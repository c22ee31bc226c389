#!/usr/bin/env bash
# HTTP load test of the airport autocomplete: starts the RELEASE binary on a free loopback port
# with the typing rate limit raised out of the way, runs wrk over tests/load/airport-queries.lua,
# prints requests/s and latency percentiles, stops the server. Bounded in time; loopback only.
#
#   cargo build --release && tests/load/airports.sh
#   DURATION=30s CONNECTIONS=64 tests/load/airports.sh
#
# Environment: DURATION (15s), THREADS (2), CONNECTIONS (32), FLIGHTCLAIM_BIN
# (target/release/flightclaim), and any FLIGHTCLAIM_* variable for the server (e.g.
# FLIGHTCLAIM_LOG=warn). Needs wrk (apt-get install -y wrk). Results: docs/PERFORMANCE.md.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
BIN="${FLIGHTCLAIM_BIN:-$ROOT/target/release/flightclaim}"
DURATION="${DURATION:-15s}"
THREADS="${THREADS:-2}"
CONNECTIONS="${CONNECTIONS:-32}"

command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
[ -x "$BIN" ] || { echo "$BIN is missing: run cargo build --release first" >&2; exit 1; }

PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
DATA="$(mktemp -d)"
SERVER=""
cleanup() {
  if [ -n "$SERVER" ] && kill -0 "$SERVER" 2>/dev/null; then
    kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  fi
  rm -rf "$DATA"
}
trap cleanup EXIT

FLIGHTCLAIM_ADDRESS=127.0.0.1 FLIGHTCLAIM_PORT="$PORT" FLIGHTCLAIM_DATA_DIR="$DATA" \
  FLIGHTCLAIM_BASE_URL="http://127.0.0.1:$PORT" FLIGHTCLAIM_LOG_TO_FILE=false \
  FLIGHTCLAIM_SHUTDOWN_GRACE_SECS=1 FLIGHTCLAIM_RATE_LIMIT_TYPING="1000000000/min" \
  "$BIN" serve >"$DATA/server.log" 2>&1 &
SERVER=$!

BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 100); do
  curl -sf "$BASE/health" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$DATA/server.log" >&2; exit 1; }
  sleep 0.1
done
# Warm up (connections, allocator, caches) and check that the endpoint answers.
for q in cdg lisb barcelna paris%20orly; do
  curl -sf "$BASE/api/v1/airports/search?q=$q&limit=8&lang=fr" >/dev/null
done

echo "server: $BIN (pid $SERVER) on $BASE, $(nproc) cores"
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s tests/load/airport-queries.lua $BASE"
timeout 300 wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency \
  -s "$ROOT/tests/load/airport-queries.lua" "$BASE"
RSS_KB="$(awk '/VmRSS/ {print $2}' "/proc/$SERVER/status" 2>/dev/null || echo '?')"
echo "server RSS after the run: ${RSS_KB} kB"
