#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs them.
#   tools/fuzz.sh [SECONDS|-runs=N] [TARGET...]     e.g. tools/fuzz.sh 60, tools/fuzz.sh -runs=10000000 load
# Targets: compile load condition events mapping (default: all). Seeds come from tests/golden,
# rules and tests/rules; findings go to build-fuzz/findings/<target>/. A crash, a timeout over
# 1 s or an RSS over 512 MB fails the run. Prints each target's executions. FUZZ_TIMEOUT=SECONDS
# raises the time limit for long runs on a busy machine, where a slice of CPU is not a hang (any
# timeout found that way is re-run alone with the target binary to see whether it is one).
# FUZZ_FORK=N runs N worker processes (libFuzzer -fork) whose executions add up to -runs; a
# timeout or an out-of-memory stops it, as without -fork.
set -euo pipefail
cd "$(dirname "$0")/.."
budget="${1:-60}"
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(compile load condition events mapping)
build=build-fuzz
if [ ! -f "$build/CMakeCache.txt" ]; then
  CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREFRACT_FUZZ=ON \
    -DREFRACT_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target $(printf 'fuzz_%s ' "${targets[@]}") >/dev/null
if [[ "$budget" == -runs=* ]]; then limit="$budget"; else limit="-max_total_time=$budget"; fi

seeds() {  # the seed corpus of target $1, in a fresh folder
  local dir="$build/seeds/$1"
  rm -rf "$dir" && mkdir -p "$dir"
  case "$1" in
    compile|load) find tests/golden rules tests/rules -name '*.yml' -exec cp {} "$dir" \; ;;
    condition)
      grep -rhoE '^ *condition: .*$' tests/golden rules | sed 's/^ *condition: //' |
        awk '{ print > (dir "/c" NR) }' dir="$dir" ;;
    events) find tests/rules rules tests/tools/hunt -name '*.jsonl' -exec cp {} "$dir" \; ;;
    mapping)
      for f in backends/mappings/*.yaml; do { printf '\0'; cat "$f"; } > "$dir/$(basename "$f")"; done
      for f in $(find rules tests -name '*placeholders*.yml'); do
        { printf '\1'; cat "$f"; } > "$dir/$(basename "$f")"
      done ;;
  esac
  echo "$dir"
}

executions() {  # the executions a run's log $1 reports, with or without -fork
  if [ -n "${FUZZ_FORK:-}" ]; then
    grep -a -oE '^#[0-9]+: cov:' "$1" | tail -1 | grep -oE '[0-9]+'
  else
    grep -a -m1 -oE 'stat::number_of_executed_units: *[0-9]+' "$1" | grep -oE '[0-9]+$'
  fi
}

# ASan's quarantine of freed memory alone grows to 256 MB by default; kept small, the RSS limit
# measures refract's memory, not the sanitizer's.
export ASAN_OPTIONS="${ASAN_OPTIONS:-quarantine_size_mb=16:malloc_context_size=5}"
status=0
for t in "${targets[@]}"; do
  findings="$build/findings/$t"
  mkdir -p "$findings" "$build/corpus/$t"
  seed_dir=$(seeds "$t")
  log="$build/findings/$t.log"
  # The longest condition in the SigmaHQ corpus is 557 bytes; 4 KB leaves room for nesting
  # without spending the run on inputs the size of whole rule files.
  max_len=65536
  [ "$t" = condition ] && max_len=4096
  # -fork ignores timeouts and out-of-memory inputs unless told not to.
  fork=()
  [ -n "${FUZZ_FORK:-}" ] && fork=(-fork="$FUZZ_FORK" -ignore_timeouts=0 -ignore_ooms=0)
  if "$build/fuzz_$t" "$build/corpus/$t" "$seed_dir" -dict=tools/fuzz/sigma.dict "$limit" \
      -timeout="${FUZZ_TIMEOUT:-1}" -rss_limit_mb=512 -max_len=$max_len -artifact_prefix="$findings/" \
      -print_final_stats=1 "${fork[@]}" >"$log" 2>&1; then
    echo "$t: $(executions "$log") executions, no finding"
  else
    status=1
    echo "$t: FAILED (see $log; inputs in $findings)"
    grep -E 'ERROR|SUMMARY|timeout|out-of-memory' "$log" | head -5 || true
  fi
done
exit $status
