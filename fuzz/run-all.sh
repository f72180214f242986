#!/usr/bin/env bash
# Builds every fuzz target, then runs each one in turn for SECONDS seconds
# (default 600) and prints a summary: the final libFuzzer stats line of
# each run ("#N DONE cov: … exec/s: …"), or the crash it found.
#
#   fuzz/run-all.sh [SECONDS] [TARGET…]
#
# Needs cargo-fuzz and a nightly toolchain (or RUSTC_BOOTSTRAP=1, see the
# README). Corpora grow in fuzz/corpus/<target>/ (not committed); a target
# with an empty corpus is seeded from the fixtures first. A crash input is
# left in fuzz/artifacts/<target>/: keep it under fuzz/regressions/<target>/
# with a name that says what it found, and `cargo test --test
# fuzz_regressions` replays it. Logs go to fuzz/target/logs/<target>.log.
# Each target runs as one process (no -jobs: libFuzzer would send a job's
# output to a fuzz-N.log of its own). With KEEP_GOING=1 a target goes on
# past a crash (libFuzzer's -fork=1 -ignore_crashes=1): for a target whose
# known crash is not fixed yet; every crash is still left in artifacts/.
set -u
cd "$(dirname "$0")"

seconds=${1:-600}
shift || true
case $seconds in
'' | *[!0-9]*)
    echo "usage: $0 [SECONDS] [TARGET…]" >&2
    exit 2
    ;;
esac

# cargo-fuzz needs nightly features: a nightly toolchain when there is one.
fuzz() {
    if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
        cargo +nightly fuzz "$@"
    else
        RUSTC_BOOTSTRAP=1 cargo fuzz "$@"
    fi
}

if [ $# -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(fuzz list)
fi

# Inputs kept small so that each run makes many executions per second.
max_len() {
    case $1 in
    hunt) echo 512 ;;
    diff | verify | echo) echo 1024 ;;
    *) echo 2048 ;;
    esac
}

# Seeds from the repository for a target whose corpus is empty.
seed() {
    local dir=corpus/$1
    mkdir -p "$dir"
    [ -n "$(ls -A "$dir")" ] && return
    case $1 in
    fixture) find ../fixtures/vectors -name '*.toml' -exec cp {} "$dir" \; ;;
    http) find ../fixtures/readers/http -type f -exec cp {} "$dir" \; ;;
    hunt)
        # selector byte (0: hunt as sent, 4: signed correctly), then the request
        for f in ../fixtures/diff/*/candidate.http; do
            n=$(basename "$(dirname "$f")")
            { printf '\0'; cat "$f"; } >"$dir/$n"
            { printf '\4'; cat "$f"; } >"$dir/$n-signed"
        done
        ;;
    diff)
        # selector byte, known-good, NUL, candidate
        for d in ../fixtures/diff/*/; do
            [ -f "$d/known_good.http" ] && [ -f "$d/candidate.http" ] || continue
            { printf '\4'; cat "$d/known_good.http"; printf '\0'; cat "$d/candidate.http"; } \
                >"$dir/$(basename "$d")"
        done
        ;;
    curl) find ../fixtures/readers/curl -type f -exec cp {} "$dir" \; ;;
    har) find ../fixtures/readers/har -type f -exec cp {} "$dir" \; ;;
    postman) find ../fixtures/postman -name '*.json' -exec cp {} "$dir" \; ;;
    echo) find ../fixtures/diff -name 'server_response*' -exec sh -c 'cp "$1" "$2/$(basename "$(dirname "$1")")"' _ {} "$dir" \; ;;
    *) ;;
    esac
}

fuzz build || exit 2
logs=target/logs
mkdir -p "$logs"
summary=()
failed=0
for t in "${targets[@]}"; do
    seed "$t"
    echo "== $t: ${seconds}s" >&2
    extra=()
    [ "${KEEP_GOING:-0}" = 1 ] && extra=(-fork=1 -ignore_crashes=1)
    fuzz run "$t" -- -max_total_time="$seconds" -max_len="$(max_len "$t")" \
        -print_final_stats=1 "${extra[@]}" >"$logs/$t.log" 2>&1
    rc=$?
    # "#N DONE cov: …" in one process; "#N: cov: … crash: a/b/c …" in fork mode.
    line=$(grep -E '^#[0-9]+([[:space:]]+DONE|:[[:space:]]+cov)' "$logs/$t.log" | tail -n 1)
    if [ "${KEEP_GOING:-0}" = 1 ] && [ -n "$line" ]; then
        # Fork mode exits non-zero when it ignored crashes; its last line counts them.
        if [ $rc -ne 0 ]; then
            failed=1
            line="$line (exit $rc: crashes kept in fuzz/artifacts/$t/)"
        fi
        summary+=("$t: $line")
    elif [ $rc -ne 0 ]; then
        failed=1
        crash=$(grep -m1 -E 'panicked at|ERROR: libFuzzer|SUMMARY' "$logs/$t.log")
        artifact=$(grep -m1 -o 'artifact_prefix=[^;]*; Test unit written to [^ ]*' "$logs/$t.log")
        summary+=("$t: FAILED (exit $rc): $crash ${artifact#*written to }")
    else
        summary+=("$t: ${line:-no DONE line, see fuzz/$logs/$t.log}")
    fi
done

echo
echo "Summary (${seconds}s per target):"
printf '%s\n' "${summary[@]}"
exit $failed
