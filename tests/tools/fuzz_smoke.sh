#!/usr/bin/env bash
# A short libFuzzer run of every fuzz target (REFRACT_FUZZ_SECONDS each, default 60): builds
# build-fuzz with clang if needed. Long runs: tools/fuzz.sh.
set -u
cd "$(dirname "$0")/../.."
if ! command -v clang++ >/dev/null 2>&1; then
  echo "clang++ is not installed (tools/install_deps.sh --tests installs it): no fuzz smoke run"
  exit 77
fi
exec tools/fuzz.sh "${REFRACT_FUZZ_SECONDS:-60}"
