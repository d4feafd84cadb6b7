#include "compiler/diagnostics/codes.h"

#include <algorithm>

namespace refract {

const std::vector<DiagnosticCode>& DiagnosticCodes() {
  // Kept in step with docs/diagnostics.md by tests/compiler/diagnostics/codes_test.cc.
  static const std::vector<DiagnosticCode> kCodes = {
      {"E0001", "a file cannot be read", "The rule file could not be opened or read."},
      {"E0002", "a rule file is larger than 1 MiB",
       "refract reads rule files of at most 1 MiB; split the file or check that it is a rule."},
      {"E0003", "a rule file is not valid UTF-8",
       "The file holds an invalid, overlong or surrogate UTF-8 sequence; Sigma rules are UTF-8."},
      {"E0004", "a rule file holds no rule",
       "The file is empty, holds only comments, or only empty YAML documents."},
      {"E0100", "malformed YAML", "The file is not valid YAML; the caret marks where it fails."},
      {"E0101", "a YAML document is not a map",
       "Each document of a rule file must be a map of Sigma keys."},
      {"E0110", "malformed mapping file", "A --mapping file could not be read as a mapping."},
      {"E0111", "malformed placeholders file", "A placeholders file could not be read."},
      {"E0112", "a mapping file's target is not among the selected ones",
       "The mapping file names a target that this run does not translate to."},
      {"E0113", "an unknown or misplaced mapping profile",
       "--mapping NAME names no shipped profile, none of a selected target's, or a second "
       "profile for one target (refract list mappings)."},
      {"E0200", "a required key is missing",
       "A Sigma rule needs title, logsource and detection (a correlation: correlation)."},
      {"E0201", "an empty detection or search, or no condition",
       "The detection has no search, a search is empty, or there is no condition."},
      {"E0202", "a value of the wrong shape",
       "A map where values belong, an empty list, or another shape the key does not take."},
      {"E0203", "unknown modifier",
       "The field names a modifier Sigma does not define; the note suggests the nearest one."},
      {"E0204", "a modifier applied to the wrong value type",
       "The modifier needs another type of value (gt needs a number, exists a boolean, ...)."},
      {"E0205", "modifiers that cannot be combined",
       "The modifier chain combines modifiers that exclude each other (contains|endswith, ...)."},
      {"E0206", "invalid regular expression",
       "The re value is not a valid regular expression; the caret marks the character."},
      {"E0207", "invalid CIDR network", "The cidr value is not an IPv4 or IPv6 network."},
      {"E0208", "|all on a single value",
       "The specification allows |all only on a list of values."},
      {"E0209", "an |expand placeholder without values",
       "The placeholder has no values in the placeholders file."},
      {"E0300", "condition syntax error",
       "The condition does not parse, or its parentheses do "
       "not balance; the caret marks where."},
      {"E0301", "the condition names a search that does not exist",
       "The condition names a search identifier the detection does not define."},
      {"E0302", "an x of pattern matches no search",
       "The pattern of '1 of' or 'all of' matches no search identifier."},
      {"E0303", "a condition that is too long or nests too deeply",
       "refract bounds condition length and nesting so that no input can exhaust it."},
      {"E0304", "a legacy aggregation in a condition",
       "'| count() by ...' in a condition is Sigma 1.0; write a correlation rule instead."},
      {"E0305", "a quantifier other than 1, any or all",
       "Sigma conditions quantify searches with 1, any or all only."},
      {"E0400", "a field without mapping under --strict-fields",
       "The field has no mapping for the target and --strict-fields is on."},
      {"E0401", "a column the table lacks, under --strict-fields",
       "W0402 promoted to an error by --strict-fields."},
      {"E0403", "a table the mapping profile's platform does not have",
       "The log source maps to a table outside the profile's tables (Defender XDR has no "
       "SecurityEvent): choose another profile or map the log source in a --mapping file."},
      {"E0404", "a column a fixed-schema table lacks",
       "The log source maps to a table whose columns the platform fixes (mapping entry "
       "'fixed_schema'), and the rule names a column it lacks: no query is written for that "
       "target. Read the events from a table that has the field."},
      {"E0500", "the target cannot express a construct",
       "The message names the rule, the construct and the target; no query is written for it."},
      {"E0602", "correlation rules are not implemented for the target",
       "The target has no translation of correlation rules yet."},
      {"E0610", "unknown correlation type",
       "The correlation type is not one Sigma defines, or correlation is not a map."},
      {"E0611", "a correlation without enough rules",
       "No rules, or fewer than two for the temporal types."},
      {"E0612", "missing or invalid timespan", "The correlation's timespan is missing or invalid."},
      {"E0613", "missing or invalid condition",
       "The correlation's condition is missing or invalid."},
      {"E0615", "field or percentile missing for a value type",
       "value_count, value_sum and the other value types need a field (and percentile)."},
      {"E0616", "a correlation names a rule that is not in the run",
       "Every rule a correlation names must be among the rules translated together."},
      {"E0617", "a chain the translators cannot fold",
       "A correlation over correlations that no target's translation can fold into one query."},
      {"E0618", "a union without a query on the target",
       "One of the union's signals has no query on the target, so the union has none."},
      {"E0619", "a cycle of correlations", "Correlations that name each other in a cycle."},
      {"E0620", "a measure without a known kind or field",
       "refract's aggregate extension: the measure's kind is unknown or it lacks a field."},
      {"E0621", "a condition or column names an undefined measure",
       "refract's aggregate extension: the name is not a measure of the aggregate."},
      {"E0630", "a --filter file holds no filter document",
       "The file given to --filter has no Sigma filter in it."},
      {"E0700", "a rule the evaluator cannot prepare",
       "hunt and test could not prepare the rule (a regex PCRE2 rejects)."},
      {"E0808", "rule id declared twice", "Two rules of the run declare the same id."},
      {"E0809", "rule name declared twice", "Two rules of the run declare the same name."},
      {"E0900", "a query over its platform's length limit",
       "bundle leaves the query out of that platform's files; the message names the limit."},
      {"W0206", "timeframe without an aggregation has no effect",
       "timeframe only applies to aggregations; use a correlation rule."},
      {"W0401", "no table or source mapped for the log source",
       "The target has no mapping for the rule's logsource; a custom-log name is used."},
      {"W0402", "a column the table does not declare",
       "The field's column is not among the table's declared columns."},
      {"W0403", "the profile's table approximates the log source",
       "The table also holds other events (Defender XDR keeps interactive and non-interactive "
       "sign-ins together); the message says how."},
      {"W0501", "the target approximates a window or measure",
       "The message names the approximation; results can differ from the Sigma meaning."},
      {"W0631", "a filter document among the translated rules",
       "Filters apply to rules with --filter FILE; on their own they translate to nothing."},
      {"W0701", "a correlation type the evaluator does not run yet",
       "hunt and test skip the correlation."},
      {"W0801", "rule id is not a UUID", "Sigma rule ids are UUIDs."},
      {"W0802", "date or modified is not a date", "Dates are YYYY-MM-DD."},
      {"W0803", "unknown level", "level is one of informational, low, medium, high and critical."},
      {"W0804", "unknown status",
       "status is one of stable, test, experimental, deprecated and unsupported."},
      {"W0805", "tag in no Sigma namespace",
       "Tags are in the attack, car, cve, d3fend, detection, stp or tlp namespaces."},
      {"W0806", "ATT&CK tag names no technique or tactic",
       "The attack. tag names no technique or tactic of ATT&CK Enterprise."},
      {"W0807", "search not used by the condition",
       "The detection defines a search its condition never uses."},
  };
  return kCodes;
}

const DiagnosticCode* FindDiagnosticCode(std::string_view code) {
  const auto& all = DiagnosticCodes();
  auto it =
      std::lower_bound(all.begin(), all.end(), code,
                       [](const DiagnosticCode& c, std::string_view v) { return c.code < v; });
  return it != all.end() && it->code == code ? &*it : nullptr;
}

bool IsTargetLimit(std::string_view code) {
  return code == "E0403" || code == "E0404" || code == "E0500" || code == "E0602" ||
         code == "E0618";
}

}  // namespace refract
