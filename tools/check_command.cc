// `refract check`: validation and lint without translating — Sigma schema formats, unused
// searches, duplicate ids and names, correlations naming missing rules, per-target
// expressibility — as text, JSON lines or SARIF 2.1.0.
#include "tools/check_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "backends/backend.h"
#include "compiler/check/lint.h"
#include "compiler/check/sarif.h"
#include "compiler/diagnostics/codes.h"
#include "compiler/driver/compile.h"
#include "tools/cli.h"

namespace refract::cli {
namespace {

// What a target cannot express is a finding about that target: an error when the targets were
// chosen (--target), a warning when check looks at every target by default.
bool TargetLimit(const Diagnostic& d) { return IsTargetLimit(d.code); }

Severity Effective(const Diagnostic& d, bool targets_chosen) {
  return !targets_chosen && TargetLimit(d) ? Severity::kWarning : d.severity;
}

}  // namespace

int Check(int argc, char** argv) {
  std::vector<std::string> paths;
  std::vector<std::string> targets = {"all"};
  bool targets_chosen = false;
  std::string format = "text";
  std::string placeholders_file;
  std::vector<std::string> mappings;
  bool strict = false;
  bool quiet = false;
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
      if (!v) return UsageError("--mapping needs a profile name or a file");
      mappings.push_back(*v);
    } else if (a == "--strict") {
      strict = true;
    } else if (a == "-q" || a == "--quiet") {
      quiet = true;
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      return UnknownOption(
          a, "check",
          {"--target", "--format", "--placeholders", "--mapping", "--strict", "--quiet", "--help"});
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
  if (auto error = CollectFiles(paths, &files)) return InputError(*error);
  if (files.empty()) return NoRulesError(paths);
  if (ok) ok = LoadFolderPlaceholders(files, session.placeholders, setup);
  for (const auto& d : setup.all()) std::cerr << RenderText(d, nullptr, ColorFor(STDERR_FILENO));
  if (!ok) return kExitUsage;

  std::vector<FileResult> results = CompileAll(files, session);
  if (HoldsNoDocument(results)) return NoRulesError(paths, "Sigma rule");
  DuplicateDeclarations duplicates;
  for (auto& r : results) duplicates.Check(r.declared, r.diagnostics);
  // --strict makes every warning an error, as translate's does.
  auto severity = [&](const Diagnostic& d) {
    Severity s = Effective(d, targets_chosen);
    return strict && s == Severity::kWarning ? Severity::kError : s;
  };
  size_t errors = 0, warnings = 0;
  for (const auto& r : results) {
    for (const auto& d : r.diagnostics.all()) {
      (severity(d) == Severity::kError ? errors : warnings) += 1;
    }
  }
  if (format == "sarif") {
    std::vector<SarifFile> sarif_files;
    for (const auto& r : results) sarif_files.push_back({r.path, &r.diagnostics});
    std::error_code ec;
    std::string cwd = std::filesystem::current_path(ec).generic_string();
    std::cout << RenderSarif(sarif_files, severity, cwd);
  } else {
    std::string out;
    for (const auto& r : results) {
      for (Diagnostic d : r.diagnostics.all()) {
        d.severity = severity(d);
        out += format == "json" ? RenderJson(d) + "\n"
                                : RenderText(d, r.source.get(), ColorFor(STDOUT_FILENO));
      }
    }
    std::cout << out;
  }
  if (!quiet) {
    std::cerr << fmt::format("refract check: {} file(s), {} error(s), {} warning(s)\n",
                             files.size(), errors, warnings);
  }
  return errors > 0 ? kExitRuleErrors : kExitOk;
}

}  // namespace refract::cli
