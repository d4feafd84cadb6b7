#!/usr/bin/env bash
# `refract hunt` over a large generated file of Entra ID sign-ins in Sentinel SigninLogs columns
# (--schema kql): the single-event legacy-protocol rule, then the T1586 signals (aggregates and
# their union, whose memory grows with the matches they keep), then the pack over one dense group.
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
# A dense group: 60,000 failed sign-ins from one address in ten minutes (a spray over 5,000
# accounts), whose windows each hold thousands of matches.
awk 'BEGIN {
  for (i = 0; i < 60000; i++) {
    printf "{\"TimeGenerated\":\"%s.%03dZ\",\"UserPrincipalName\":\"user%d@contoso.com\",\"ResultType\":\"50126\",\"IPAddress\":\"203.0.113.7\",\"AppDisplayName\":\"Office 365 Exchange Online\",\"ClientAppUsed\":\"Browser\",\"AuthenticationRequirement\":\"singleFactorAuthentication\",\"LocationDetails\":{\"countryOrRegion\":\"NL\",\"city\":\"Amsterdam\"},\"NetworkLocationDetails\":\"[]\"}\n",
      strftime("%Y-%m-%dT%H:%M:%S", 1763596800 + int(i / 100), 1), (i % 100) * 10, i % 5000;
  }
}' >"$work/spray.jsonl"
run() {  # run LABEL EVENTS RULES...
  local label="$1" events="$2"
  shift 2
  echo "== $label"
  /usr/bin/time -f "wall %e s, peak resident memory %M KB" \
    build/refract hunt "$@" --schema kql --events "$events" >/dev/null
}
run "single-event rule (legacy protocol sign-in)" "$work/signins.jsonl" \
  rules/examples/entra_legacy_protocol_signin.yml
run "T1586 signals (aggregates and union)" "$work/signins.jsonl" rules/t1586
run "T1586 signals over one address's spray (60,000 events)" "$work/spray.jsonl" rules/t1586
