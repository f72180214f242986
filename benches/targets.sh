#!/usr/bin/env bash
# Measures issue 18's targets in one run and prints one line per figure,
# with the machine and its load before and after:
#
#   benches/targets.sh [RUNS]        (RUNS: repetitions of each timing, default 3)
#
#   1. whole sign path against a bare HMAC-SHA1 (criterion, one group:
#      `sign/twitter-example/cached-key`);
#   2. batch verification of 1,000,000 JSON Lines requests (the log of
#      examples/batch_log.rs: 1% signed with a wrong secret);
#   3. `--hunt` on that log (every invalid request searched to depth 2 in
#      full: the worst case) and on the log of benches/batch/mistakes_log.py
#      (1% carry a catalogue mistake, one in ten of those a wrong secret;
#      signed by Python's hmac);
#   4. one `verify` from process start (hyperfine, 500 runs).
# The peers table is benches/peers/run.sh (it installs the peers). Logs are
# written once into ${TARGETS_DIR:-/tmp/oauth1-doctor-targets} (about 1 GB)
# and kept for the next run. Nothing of this runs in CI. Needs
# /usr/bin/time (Debian `time`) and hyperfine (Debian `hyperfine`).
set -euo pipefail

runs="${1:-3}"
root="$(cd "$(dirname "$0")/.." && pwd)"
dir="${TARGETS_DIR:-/tmp/oauth1-doctor-targets}"
mkdir -p "$dir"
cd "$root"

load() { cut -d' ' -f1-3 /proc/loadavg; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), load $(load) at the start"
echo "rustc: $(rustc --version | cut -d' ' -f2), commit $(git rev-parse --short HEAD)"

cargo build --release --quiet
bin="$root/target/release/oauth1-doctor"
if [ ! -s "$dir/log.jsonl" ]; then
  cargo run --release --quiet --example batch_log -- 1000000 "$dir/log.jsonl" "$dir/secrets.toml"
fi
if [ ! -s "$dir/mistakes.jsonl" ]; then
  python3 benches/batch/mistakes_log.py 1000000 "$dir/mistakes.jsonl" "$dir/mistakes.toml" 2>/dev/null
fi
# Read once, so every timed run finds the logs in the page cache.
cat "$dir/log.jsonl" "$dir/mistakes.jsonl" >/dev/null

timed() { # label, command...: wall, CPU and peak memory of each run
  local label="$1"
  shift
  for _ in $(seq "$runs"); do
    /usr/bin/time -f "%e %U %S %M" -o "$dir/time.txt" "$@" >"$dir/out.txt" 2>/dev/null || true
    # The last line: the first may say the command exited with 1 (invalid requests).
    read -r wall user sys rss < <(tail -1 "$dir/time.txt")
    printf '%-34s %6.2f s wall  %6.2f s CPU  %4d MB  (%s)\n' "$label" "$wall" \
      "$(echo "$user + $sys" | bc)" "$((rss / 1024))" "$(tail -1 "$dir/out.txt" | cut -c1-60)"
  done
}

echo "== sign path against a bare HMAC-SHA1 (criterion: its estimate of the time per iteration)"
cargo bench --quiet --bench sign -- "twitter-example/cached-key" 2>/dev/null \
  | grep -E "^sign/|time:" | paste - - | awk '{printf "%-72s %s %s\n", $1, $5, $6}'

echo "== batch: 1,000,000 requests, 1% wrong secret"
timed "verify" "$bin" verify "$dir/log.jsonl" --secrets "$dir/secrets.toml" --only-invalid
echo "== batch --hunt"
timed "verify --hunt (wrong secrets)" "$bin" verify "$dir/log.jsonl" --secrets "$dir/secrets.toml" --only-invalid --hunt
timed "verify --hunt (catalogue mistakes)" "$bin" verify "$dir/mistakes.jsonl" --secrets "$dir/mistakes.toml" --only-invalid --hunt

echo "== one verify from process start (hyperfine, 500 runs)"
hyperfine -N --warmup 50 --runs 500 --export-json "$dir/start.json" \
  "$bin verify fixtures/examples/twitter.http --consumer-secret kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw --token-secret LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE" >/dev/null 2>&1
python3 - "$dir/start.json" <<'EOF'
import json, statistics, sys
t = sorted(json.load(open(sys.argv[1]))["results"][0]["times"])
q = lambda p: t[min(len(t) - 1, int(p * len(t)))] * 1000
print(f"verify start: median {statistics.median(t) * 1000:.2f} ms, p95 {q(0.95):.2f} ms, min {t[0] * 1000:.2f} ms")
EOF
echo "load $(load) at the end"
