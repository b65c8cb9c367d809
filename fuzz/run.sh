#!/usr/bin/env bash
# Coverage-guided fuzzing of vigie-core's parsers: `fuzz/run.sh [SECS] [TARGET...]` (`make fuzz`).
# Runs each target (all of them by default) for SECS seconds (default 60) with libFuzzer, its
# corpus seeded from tests/fixtures (fuzz/seed.sh) and its platform's dictionary (fuzz/dict), under
# an RSS limit, then prints executions, peak RSS and crashes per target. Exits non-zero on a crash.
#
# Environment: FUZZ_JOBS (targets run at once, default 1), FUZZ_RSS_MB (libFuzzer -rss_limit_mb,
# default 512), FUZZ_NICE (niceness, default 10), ASAN_OPTIONS (default quarantine_size_mb=16).
# Everything it writes is gitignored: fuzz/target, fuzz/corpus, fuzz/artifacts, fuzz/Cargo.lock.
set -euo pipefail
cd "$(dirname "$0")/.."

TARGETS=(read_statuspage read_incident_io read_instatus read_betterstack read_google_cloud
  read_ai_studio read_feed read_flashduty read_ollama read_http read_history detect config text time)
dict_of() {
  case $1 in
    read_ollama | read_http) echo probe ;;
    read_history) echo "statuspage incident_io feed flashduty" ;;
    detect) echo "statuspage incident_io instatus betterstack feed" ;;
    read_*) echo "${1#read_}" ;;
    *) echo "$1" ;;
  esac
}
# AddressSanitizer keeps 256 MB of freed memory in quarantine by default, which alone would reach
# the RSS limit; the crate forbids unsafe code, so a small quarantine loses little.
export ASAN_OPTIONS=${ASAN_OPTIONS:-quarantine_size_mb=16}
bin_dir=fuzz/target/x86_64-unknown-linux-gnu/release
nice_n=${FUZZ_NICE:-10}

# One target: `run.sh --one SECS TARGET` (what the parallel runner calls).
if [[ ${1:-} == --one ]]; then
  secs=$2 t=$3
  mkdir -p "fuzz/corpus/$t" "fuzz/artifacts/$t" fuzz/artifacts/dict fuzz/artifacts/logs
  dict=fuzz/artifacts/dict/$t.dict
  for d in $(dict_of "$t"); do cat "fuzz/dict/$d.dict"; done > "$dict"
  log=fuzz/artifacts/logs/$t.log
  rc=0
  nice -n "$nice_n" "$bin_dir/$t" "fuzz/corpus/$t" -dict="$dict" -max_total_time="$secs" \
    -rss_limit_mb="${FUZZ_RSS_MB:-512}" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="fuzz/artifacts/$t/" > "$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rss=$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | tail -1)
  crashes=$(find "fuzz/artifacts/$t" -type f \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) | wc -l)
  printf '%s\t%s\t%s\t%s\t%s\n' "$t" "${execs:-?}" "${rss:-?}" "$crashes" "$rc" | tee "fuzz/artifacts/logs/$t.result"
  exit 0
fi

secs=${1:-60}
shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=("${TARGETS[@]}")

if ! cargo +nightly --version > /dev/null 2>&1; then
  echo "nightly toolchain not found: fuzzing skipped (install one with \`rustup toolchain install nightly\`)"
  exit 0
fi
if ! cargo fuzz --version > /dev/null 2>&1; then
  echo "cargo-fuzz not found: installing it (cargo install cargo-fuzz --locked)"
  cargo install cargo-fuzz --locked
fi

# Same dependency versions as the main workspace; cargo adds libFuzzer's few crates.
cp Cargo.lock fuzz/Cargo.lock
bash fuzz/seed.sh
rm -rf fuzz/artifacts/logs
nice -n "$nice_n" cargo +nightly fuzz build --fuzz-dir fuzz

start=$(date +%s)
printf '%s\n' "${targets[@]}" | xargs -P "${FUZZ_JOBS:-1}" -I{} bash fuzz/run.sh --one "$secs" {} > /dev/null
wall=$(($(date +%s) - start))

total=0 peak=0 crashed=0
printf '\n%-18s %14s %9s %8s\n' target executions "peak MB" crashes
for t in "${targets[@]}"; do
  IFS=$'\t' read -r _ execs rss crashes rc < "fuzz/artifacts/logs/$t.result"
  printf '%-18s %14s %9s %8s\n' "$t" "$execs" "$rss" "$crashes"
  [[ $execs =~ ^[0-9]+$ ]] && total=$((total + execs))
  [[ $rss =~ ^[0-9]+$ ]] && ((rss > peak)) && peak=$rss
  if [[ $crashes != 0 || $rc != 0 ]]; then
    crashed=1
    echo "  $t failed (libFuzzer exit $rc): see fuzz/artifacts/logs/$t.log and fuzz/artifacts/$t/" >&2
  fi
done
printf '%-18s %14s %9s\n' total "$total" "$peak"
echo "${#targets[@]} targets × ${secs} s, ${FUZZ_JOBS:-1} at a time: ${wall} s wall, $(nproc) cores, rss limit ${FUZZ_RSS_MB:-512} MB"
exit "$crashed"
