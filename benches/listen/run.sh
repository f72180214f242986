#!/usr/bin/env bash
# Load on `oauth1-doctor listen` (not in CI; loopback only, bounded in time):
#
#   benches/listen/run.sh [SECONDS]   (default 5 per run)
#
# 1. valid requests per second with keep-alive (wrk, 2 threads, 50
#    connections), every request signed by the Python reference signer
#    (tests/clients/send_python.py, independent of oauth1-doctor) with its
#    own nonce, so each is verified and answered 200;
# 2. the cost of an invalid request whose mistake the hunt names
#    (plus-for-space): verify, then hunt (depth 3) until it reproduces it;
# 3. the cost of an invalid request nothing explains: the hunt tries every
#    combination up to depth 3, within --hunt-time (1.5 s by default).
#
# The load generator is wrk (Debian package `wrk`) with benches/listen/signed.lua.
# wrk's "N requests in" line and the server's closing summary line count the
# same requests: none is lost.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
secs="${1:-5}"
if ! command -v wrk >/dev/null; then
  echo "wrk is needed: apt-get install wrk" >&2
  exit 2
fi
(cd "$root" && cargo build --quiet --release)
bin="$root/target/release/oauth1-doctor"
export CK=ck1 CS='c+s/1=' TOKEN=tok1 TS='t s&2'
api=http://api.example.com
work="$(mktemp -d)"
pid=""
cleanup() {
  if [ -n "$pid" ]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

start_server() {
  "$bin" listen --port 0 --as "$api" --consumer-secret "$CS" --token-secret "$TS" "$@" \
    >"$work/out" 2>"$work/err" &
  pid=$!
  for _ in $(seq 100); do
    if [ -s "$work/out" ]; then break; fi
    sleep 0.05
  done
  url="$(head -1 "$work/out")"
}

stop_server() {
  kill -INT "$pid"
  wait "$pid" || true
  pid=""
  tail -1 "$work/err"
}

# wrk over HEADERS (a file of Authorization headers): THREADS CONNECTIONS.
load() {
  local headers="$1" threads="$2" conns="$3"
  local lines target body
  mapfile -t lines < "$headers.meta"
  target="${lines[0]}"
  body="${lines[1]}"
  HEADERS="$headers" TARGET="$target" BODY="$body" THREADS="$threads" \
    wrk -t"$threads" -c"$conns" -d"${secs}s" --latency -s "$here/signed.lua" "$url" \
    > "$work/wrk.txt"
  grep -E "requests in|Requests/sec|Non-2xx|Socket errors|50%|99%" "$work/wrk.txt" | sed "s/^ */  /"
}

gen() {
  local out="$1" n="$2" mistake="$3"
  python3 "$here/gen.py" "$out" "$n" "$api" "$mistake" > "$out.meta"
}

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//'), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "wrk $(wrk --version 2>&1 | head -1 | awk '{print $2}'), ${secs} s per run, server and load generator on the same machine"

valid_n=$((60000 * secs))
gen "$work/valid" "$valid_n" none
echo
echo "1. valid requests (200), keep-alive, 2 threads x 50 connections:"
start_server --max-skew 0
load "$work/valid" 2 50
stop_server

gen "$work/named" 80000 plus-for-space
echo
echo "2. invalid, the hunt names the mistake (plus-for-space), 2 threads x 4 connections:"
start_server --max-skew 0
load "$work/named" 2 4
stop_server

gen "$work/garbage" 2000 garbage
echo
echo "3. invalid, nothing explains it (the hunt tries every combination up to depth 3, within --hunt-time), 1 thread x 2 connections:"
start_server --max-skew 0
load "$work/garbage" 1 2
stop_server
