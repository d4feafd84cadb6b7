// `refract check`: validation and lint without translating — Sigma schema formats, unused
// searches, duplicate ids and names, correlations naming missing rules, per-target
// expressibility — as text, JSON lines or SARIF 2.1.0.
#include "tools/check_command.h"

#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "backends/backend.h"
#include "compiler/driver/compile.h"
#include "tools/cli.h"

namespace refract::cli {
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

// Reports the second and later declarations of one id or name, pointing at the first.
void ReportDuplicates(std::vector<FileResult>& results) {
  std::map<std::pair<std::string, std::string>, SourceLocation> first;
  for (auto& r : results) {
    for (const auto& d : r.declared) {
      auto [it, added] = first.try_emplace({d.key, d.value}, d.location);
      if (added) continue;
      const SourceLocation& where = it->second;
      r.diagnostics.Error(
          d.key == "id" ? "E0808" : "E0809", d.location,
          fmt::format("rule {} '{}' is already declared", d.key, d.value),
          {fmt::format("first declared at {}:{}:{}", where.file, where.line, where.column)});
    }
  }
}

// What a target cannot express is a finding about that target: an error when the targets were
// chosen (--target), a warning when check looks at every target by default.
bool TargetLimit(const Diagnostic& d) {
  return d.code == "E0500" || d.code == "E0602" || d.code == "E0618";
}

Severity Effective(const Diagnostic& d, bool targets_chosen) {
  return !targets_chosen && TargetLimit(d) ? Severity::kWarning : d.severity;
}

std::string Sarif(const std::vector<FileResult>& results, bool targets_chosen) {
  std::set<std::string> codes;
  for (const auto& r : results) {
    for (const auto& d : r.diagnostics.all()) codes.insert(d.code);
  }
  std::string rules;
  for (const auto& code : codes) {
    rules += fmt::format("{}{{\"id\":\"{}\",\"shortDescription\":{{\"text\":\"{}\"}}}}",
                         rules.empty() ? "" : ",", code, JsonEscape(CodeSummary(code)));
  }
  std::string findings;
  for (const auto& r : results) {
    for (const auto& d : r.diagnostics.all()) {
      const char* level = Effective(d, targets_chosen) == Severity::kError ? "error" : "warning";
      std::string message = d.message;
      for (const auto& note : d.notes) message += " (" + note + ")";
      findings += fmt::format(
          "{}{{\"ruleId\":\"{}\",\"level\":\"{}\",\"message\":{{\"text\":\"{}\"}},"
          "\"locations\":[{{\"physicalLocation\":{{\"artifactLocation\":{{\"uri\":\"{}\"}},"
          "\"region\":{{\"startLine\":{},\"startColumn\":{}}}}}}}]}}",
          findings.empty() ? "" : ",", d.code, level, JsonEscape(message),
          JsonEscape(d.location.file.empty() ? r.path : d.location.file),
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

}  // namespace

int Check(int argc, char** argv) {
  std::vector<std::string> paths;
  std::vector<std::string> targets = {"all"};
  bool targets_chosen = false;
  std::string format = "text";
  std::string placeholders_file;
  std::vector<std::string> mappings;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (a == "--target" || a == "-t") {
      auto v = value();
      if (!v) return UsageError("--target needs a target id");
      targets = SplitCommas(*v);
      targets_chosen = true;
    } else if (a == "--format") {
      auto v = value();
      if (!v || (*v != "text" && *v != "json" && *v != "sarif")) {
        return UsageError("--format takes text, json or sarif");
      }
      format = *v;
    } else if (a == "--placeholders") {
      auto v = value();
      if (!v) return UsageError("--placeholders needs a file");
      placeholders_file = *v;
    } else if (a == "--mapping") {
      auto v = value();
      if (!v) return UsageError("--mapping needs a file");
      mappings.push_back(*v);
    } else if (!a.empty() && a[0] == '-') {
      return UsageError("unknown option '" + a + "'");
    } else {
      paths.push_back(a);
    }
  }
  if (paths.empty()) return UsageError("check needs at least one rule file or folder");
  Session session;
  session.lint = true;
  if (auto error = SelectBackends(targets, session)) return UsageError(*error);
  Diagnostics setup;
  bool ok = session.Init(mappings, setup);
  if (ok && !placeholders_file.empty()) {
    std::ifstream in(placeholders_file, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto parsed = in ? ParsePlaceholders(placeholders_file, buffer.str(), setup) : std::nullopt;
    if (!parsed) {
      if (!in) setup.Error("E0001", {placeholders_file, 0, 0, 1}, "cannot read placeholders file");
      ok = false;
    } else {
      session.placeholders = *parsed;
    }
  }
  std::vector<std::string> files;
  if (auto error = CollectFiles(paths, &files)) return UsageError(*error);
  if (ok) ok = LoadFolderPlaceholders(files, session.placeholders, setup);
  for (const auto& d : setup.all()) std::cerr << RenderText(d, nullptr);
  if (!ok) return kExitUsage;

  std::vector<FileResult> results = CompileAll(files, session);
  ReportDuplicates(results);
  size_t errors = 0, warnings = 0;
  for (const auto& r : results) {
    for (const auto& d : r.diagnostics.all()) {
      (Effective(d, targets_chosen) == Severity::kError ? errors : warnings) += 1;
    }
  }
  if (format == "sarif") {
    std::cout << Sarif(results, targets_chosen);
  } else {
    std::string out;
    for (const auto& r : results) {
      for (Diagnostic d : r.diagnostics.all()) {
        d.severity = Effective(d, targets_chosen);
        out += format == "json" ? RenderJson(d) + "\n" : RenderText(d, r.source.get());
      }
    }
    std::cout << out;
  }
  std::cerr << fmt::format("refract check: {} file(s), {} error(s), {} warning(s)\n", files.size(),
                           errors, warnings);
  return errors > 0 ? kExitRuleErrors : kExitOk;
}

}  // namespace refract::cli
