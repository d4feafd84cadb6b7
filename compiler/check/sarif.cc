#include "compiler/check/sarif.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>

namespace refract {
namespace {

// One line a SARIF viewer shows for a code (the diagnostics table in docs/diagnostics.md).
std::string CodeSummary(const std::string& code) {
  static const std::map<std::string, std::string, std::less<>> kSummaries = {
      {"W0801", "rule id is not a UUID"},
      {"W0802", "date or modified is not a date"},
      {"W0803", "unknown level"},
      {"W0804", "unknown status"},
      {"W0805", "tag in no Sigma namespace"},
      {"W0806", "ATT&CK tag names no technique or tactic"},
      {"W0807", "search not used by the condition"},
      {"E0808", "rule id declared twice"},
      {"E0809", "rule name declared twice"},
      {"E0500", "the target cannot express a construct"},
      {"W0501", "the target approximates a window or measure"},
      {"E0616", "a correlation names a rule that is not in the run"},
  };
  auto it = kSummaries.find(code);
  return it != kSummaries.end() ? it->second : "refract diagnostic " + code;
}

}  // namespace

std::string RenderSarif(const std::vector<SarifFile>& files,
                        const std::function<Severity(const Diagnostic&)>& severity) {
  std::set<std::string> codes;
  for (const auto& f : files) {
    for (const auto& d : f.diagnostics->all()) codes.insert(d.code);
  }
  std::string rules;
  for (const auto& code : codes) {
    rules += fmt::format("{}{{\"id\":\"{}\",\"shortDescription\":{{\"text\":\"{}\"}}}}",
                         rules.empty() ? "" : ",", code, JsonEscape(CodeSummary(code)));
  }
  std::string findings;
  for (const auto& f : files) {
    for (const auto& d : f.diagnostics->all()) {
      const char* level = severity(d) == Severity::kError ? "error" : "warning";
      std::string message = d.message;
      for (const auto& note : d.notes) message += " (" + note + ")";
      findings += fmt::format(
          "{}{{\"ruleId\":\"{}\",\"level\":\"{}\",\"message\":{{\"text\":\"{}\"}},"
          "\"locations\":[{{\"physicalLocation\":{{\"artifactLocation\":{{\"uri\":\"{}\"}},"
          "\"region\":{{\"startLine\":{},\"startColumn\":{}}}}}}}]}}",
          findings.empty() ? "" : ",", d.code, level, JsonEscape(message),
          JsonEscape(d.location.file.empty() ? f.path : d.location.file),
          std::max(1, d.location.line), std::max(1, d.location.column));
    }
  }
  // https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
  return fmt::format(
      "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
      "\"runs\":[{{\"tool\":{{\"driver\":{{\"name\":\"refract\",\"version\":\"{}\","
      "\"informationUri\":\"https://github.com/refract-siem/refract\",\"rules\":[{}]}}}},"
      "\"results\":[{}]}}]}}\n",
      REFRACT_VERSION, rules, findings);
}

}  // namespace refract
