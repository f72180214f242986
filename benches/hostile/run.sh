#!/usr/bin/env bash
# Issue 11 "bounded cost": runs each hostile input of the table through the
# release binary and prints wall time and peak memory (max RSS) per row.
#
#   benches/hostile/run.sh [TIMEOUT_SECONDS]
#
# The inputs are generated into a temporary folder (benches/hostile/generate.py,
# about 36 MB) and deleted afterwards. Each run is capped at TIMEOUT_SECONDS
# (default 150); a capped run is shown as ">TIMEOUT s".
# Needs GNU time (/usr/bin/time, Debian package `time`).
set -uo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cap="${1:-150}"
dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

(cd "$root" && cargo build --release --quiet --bin oauth1-doctor) || exit 2
bin="$root/target/release/oauth1-doctor"
python3 "$here/generate.py" "$dir" || exit 2
secrets=(--consumer-secret cs --token-secret ts)

row() {
  local label="$1"
  shift
  local log="$dir/time.log"
  timeout "$cap" /usr/bin/time -v -o "$log" "$@" >"$dir/out" 2>"$dir/err"
  local rc=$?
  if [ "$rc" = 124 ]; then
    printf '| %s | >%s s | - | timeout |\n' "$label" "$cap"
    return
  fi
  local wall rss
  wall="$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$log")"
  rss="$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$log")"
  printf '| %s | %s | %s MiB | exit %s |\n' "$label" "$wall" "$((rss / 1024))" "$rc"
}

echo "| input → command | wall (m:ss) | max RSS | exit |"
echo "|---|---|---|---|"
row "100,000 query parameters → diff against itself" \
  "$bin" diff "$dir/query-100k.http" "$dir/query-100k.http" "${secrets[@]}"
row "two 1 MiB base strings, half the values differ → diff" \
  "$bin" diff "$dir/base-good.txt" "$dir/base-candidate.txt"
row "Authorization header with 100,000 parameters → explain" \
  "$bin" explain "$dir/header-100k.http" "${secrets[@]}"
row "hunt --depth 4 on 200 parameters" \
  "$bin" hunt "$dir/hunt-200.http" --depth 4 "${secrets[@]}"
row "hunt on a 15 MiB form body (3.9M parameters)" \
  "$bin" hunt "$dir/form-15m-wrong.http" "${secrets[@]}"
row "diff of that form against itself signed wrongly (runs hunt)" \
  "$bin" diff "$dir/form-15m.http" "$dir/form-15m-wrong.http" "${secrets[@]}"
row "verify on the 15 MiB form" \
  "$bin" verify "$dir/form-15m.http" "${secrets[@]}"
row "sign on the 15 MiB form" \
  "$bin" sign "$dir/form-15m.http" "${secrets[@]}" --consumer-key ck --token tok
row "explain on the 15 MiB form" \
  "$bin" explain "$dir/form-15m.http" "${secrets[@]}"
row "explain --json on the 15 MiB form" \
  "$bin" explain --json "$dir/form-15m.http" "${secrets[@]}"
