#!/usr/bin/env bash
# Installs dependencies, then configures and builds refract into build/.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
# The Kusto.Language oracle, pinned by its lock file.
if [ ! -d tools/oracles/kusto/node_modules/@kusto/language-service-next ]; then
  (cd tools/oracles/kusto && npm ci --no-audit --no-fund --loglevel=error)
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build --parallel "$(nproc)"
