// Every diagnostic code refract reports, with the one-line summary and the longer description
// that docs/diagnostics.md gives it, for tools that show a code on its own (SARIF's rules).
#pragma once

#include <string_view>
#include <vector>

namespace refract {

struct DiagnosticCode {
  std::string_view code;         // "E0203"
  std::string_view summary;      // "unknown modifier"
  std::string_view description;  // a sentence or two: what it means and what to do
};

// Every code, sorted.
const std::vector<DiagnosticCode>& DiagnosticCodes();
// The code `code`, or null when refract has no such code.
const DiagnosticCode* FindDiagnosticCode(std::string_view code);
// Whether `code` says one target has no query for a rule while its other targets stand (what
// the target cannot express, a table its profile lacks, a column its fixed table lacks): bundle
// leaves the rule out of that target's files, check reports it as a warning unless the targets
// were chosen.
bool IsTargetLimit(std::string_view code);

}  // namespace refract
