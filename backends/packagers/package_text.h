// Text and schedule helpers every import format shares: JSON and YAML quoting, file names from
// titles, stable ids, ATT&CK ids from tags, a scheduled rule's period and frequency.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/check/attack.h"
#include "compiler/driver/compile.h"

namespace refract::packagers {

// A JSON string literal; YAML reads it too (a double-quoted YAML scalar uses the same escapes).
std::string Q(std::string_view text);
// The lists `outputs` read from the platform, each once, sorted (Output::lists).
std::set<std::string> ListsRead(const std::vector<const Output*>& outputs);
// One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break.
std::string CsvField(const std::string& value);
// A one-column CSV, header `value`, one list value a row: the form of a watchlist or lookup.
std::string ValueCsv(const std::vector<std::string>& values);
// A JSON list of string literals.
std::string JsonList(const std::vector<std::string>& items);
// `text` as a YAML literal block under a key at `indent` spaces (keeps every line as it is).
std::string YamlBlock(std::string text, int indent);
// A file name from a title: lower-case letters and digits, `_` between words.
std::string Slug(const std::string& title);
// The rule's id, or a stable UUID-shaped id derived from its title when it has none.
std::string RuleId(const Output& o);
// The ATT&CK technique ids the rule's tags name.
std::vector<std::string> Techniques(const RuleMeta& meta);
// The ATT&CK tactics the rule's tags name.
std::vector<const attack::Tactic*> TacticsOf(const RuleMeta& meta);
// One ATT&CK tactic of a rule and the rule's techniques that serve it, each parent technique
// with the sub-techniques the rule names under it — the nesting Elastic's `threat` and the
// Navigator want.
struct ThreatTactic {
  const attack::Tactic* tactic;
  std::vector<std::pair<std::string, std::vector<std::string>>> techniques;
};
// The rule's tactics (tagged ones first, then those its techniques serve), each with its
// techniques. A technique the table does not know goes under every tagged tactic.
std::vector<ThreatTactic> Threat(const RuleMeta& meta);
// The Sentinel tactic names a rule must list: its tagged tactics and every tactic its techniques
// serve (Azure-Sentinel's NoTechniquesWithoutMatchingTactics).
std::vector<std::string> SentinelTactics(const RuleMeta& meta);
// The parent techniques of the rule that Sentinel's validator knows; newer ones are left out,
// since Sentinel rejects a technique it cannot place under a tactic.
std::vector<std::string> SentinelTechniques(const RuleMeta& meta);
// How far back a scheduled run reads: the correlation's window, an hour for single events.
long long Period(const Output& o);
// How often a scheduled run goes: the period, at most hourly, at least every 5 minutes.
long long Frequency(const Output& o);
// 3600 → "1h".
std::string Compact(long long seconds);
// 3600 → "PT1H".
std::string Iso(long long seconds);
// A five-field cron that runs every `seconds` (at least 5 minutes).
std::string Cron(long long seconds);
// The rule's description (its title when it has none), without trailing line breaks.
std::string Description(const Output& o);

}  // namespace refract::packagers
