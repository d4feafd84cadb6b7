#!/usr/bin/env bash
# Evaluation throughput of `refract hunt` on a generated JSON-lines file of Windows logon events.
# Usage: tools/bench_hunt.sh [EVENTS] (default 1,000,000). Prints hyperfine's timing, refract's
# own events/s summary and the peak resident memory.
set -euo pipefail
cd "$(dirname "$0")/.."
events="${1:-1000000}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
awk -v n="$events" 'BEGIN {
  srand(1);
  split("4624 4625 4634", ids, " "); split("2 3 10", types, " ");
  for (i = 0; i < n; i++)
    printf "{\"EventID\":%s,\"TargetUserName\":\"user%d\",\"IpAddress\":\"10.0.%d.%d\",\"LogonType\":%s,\"SubStatus\":\"0xC000006A\"}\n",
      ids[int(rand() * 3) + 1], i % 500, i % 250, i % 200, types[int(rand() * 3) + 1];
}' >"$work/events.jsonl"
cat >"$work/rule.yml" <<'YAML'
title: Failed network logon with a bad password
level: medium
logsource: {product: windows, service: security}
detection:
  selection: {EventID: 4625, LogonType: 3, SubStatus: '0xC000006A'}
  condition: selection
YAML
echo "events: $events ($(du -h "$work/events.jsonl" | cut -f1))"
build/refract hunt "$work/rule.yml" --events "$work/events.jsonl" >/dev/null
if [ -x /usr/bin/time ]; then  # GNU time (Debian package `time`) reports the peak memory
  /usr/bin/time -f "peak resident memory: %M KB" \
    build/refract hunt "$work/rule.yml" --events "$work/events.jsonl" -q >/dev/null
fi
if command -v hyperfine >/dev/null; then
  hyperfine --warmup 1 --runs 5 \
    "build/refract hunt $work/rule.yml --events $work/events.jsonl -q"
fi
