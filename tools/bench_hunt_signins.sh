#!/usr/bin/env bash
# `refract hunt` over a large generated file of Entra ID sign-ins in Sentinel SigninLogs columns
# (--schema kql): the single-event legacy-protocol rule, then the T1586 signals (aggregates and
# their union, whose memory grows with the matches they keep).
# Usage: tools/bench_hunt_signins.sh [MEGABYTES] (default 1024). Prints the file size, refract's
# events/s summary, wall time and peak resident memory (GNU time) for each run.
set -euo pipefail
cd "$(dirname "$0")/.."
megabytes="${1:-1024}"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# About 330 bytes an event: 1 GB is about 3.2 million sign-ins over 30 days, 20,000 users, 5%
# failures, a few legacy-protocol clients, countries and addresses varied.
awk -v bytes="$((megabytes * 1024 * 1024))" 'BEGIN {
  srand(7);
  split("Browser|Browser|Browser|Browser|Mobile Apps and Desktop clients|Authenticated SMTP|IMAP4|Exchange ActiveSync", apps, "|");
  split("US GB DE FR NL BE RU BR IN JP", countries, " ");
  split("0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 50126 50053", results, " ");
  written = 0; i = 0;
  while (written < bytes) {
    t = 1763596800 + int(i * 0.8);
    line = sprintf("{\"TimeGenerated\":\"%s\",\"UserPrincipalName\":\"user%d@contoso.com\",\"ResultType\":\"%s\",\"IPAddress\":\"198.51.%d.%d\",\"AppDisplayName\":\"Office 365 Exchange Online\",\"ClientAppUsed\":\"%s\",\"AuthenticationRequirement\":\"%s\",\"LocationDetails\":{\"countryOrRegion\":\"%s\",\"city\":\"City%d\"},\"NetworkLocationDetails\":\"[]\"}",
      strftime("%Y-%m-%dT%H:%M:%SZ", t, 1), i % 20000, results[int(rand() * 20) + 1],
      int(rand() * 256), int(rand() * 256), apps[int(rand() * 8) + 1],
      rand() < 0.5 ? "singleFactorAuthentication" : "multiFactorAuthentication",
      countries[int(rand() * 10) + 1], i % 97);
    print line;
    written += length(line) + 1; i++;
  }
}' >"$work/signins.jsonl"
echo "file: $(du -h "$work/signins.jsonl" | cut -f1), $(wc -l <"$work/signins.jsonl") events"
run() {  # run LABEL RULES...
  local label="$1"
  shift
  echo "== $label"
  /usr/bin/time -f "wall %e s, peak resident memory %M KB" \
    build/refract hunt "$@" --schema kql --events "$work/signins.jsonl" >/dev/null
}
run "single-event rule (legacy protocol sign-in)" rules/examples/entra_legacy_protocol_signin.yml
run "T1586 signals (aggregates and union)" rules/t1586
