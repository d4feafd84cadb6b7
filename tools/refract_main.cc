// The `refract` command line: translate rules, list targets and modifiers.
#include <fmt/format.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "backends/backend.h"
#include "compiler/driver/compile.h"
#include "compiler/hunt/hunt.h"
#include "compiler/ir/modifiers.h"
#include "compiler/mapping/mapping.h"
#include "tools/bundle_command.h"
#include "tools/check_command.h"
#include "tools/cli.h"

namespace fs = std::filesystem;
using namespace refract;
using namespace refract::cli;

namespace {

constexpr const char* kUsage = R"(refract — compile Sigma detection rules into SIEM queries

usage:
  refract translate PATH... --target ID[,ID...] [options]
  refract hunt RULES... --events FILE... [--schema TARGET] [--timestamp FIELD] [-q]
  refract test PATH...
  refract check PATH... [--target ID[,ID...]|all] [--format text|json|sarif]
  refract bundle PATH... -o DIR [--target ID[,ID...]|all] [--check]
  refract list targets
  refract list modifiers
  refract --help | --version

translate options:
  -t, --target ID       target id, several separated by commas, or 'all'
  -o, --output DIR      write one file per rule and target under DIR/<target>/
  --emit STAGE          ast | ir | query (default query)
  --mapping FILE        a mapping file that extends or overrides the shipped one
  --placeholders FILE   values for %placeholders% used with |expand
  --filter FILE         Sigma filters to apply to the rules they name (repeatable)
  --strict-fields       a field with no mapping is an error
  --strict              warnings are errors
  --format FORMAT       diagnostics as text (default) or json
  -j, --jobs N          worker threads (default: number of cores)
  -q, --quiet           print no summary line

hunt runs single-event rules over JSON-lines events (Sigma field names) and prints one JSON
line per match: rule id, title, level, events file and line number. --schema TARGET reads
events in that target's field names (through its mapping). Correlations (all seven Sigma
types, chaining included) use exact sliding windows over the events' timestamps (common names
such as @timestamp or TimeGenerated, or --timestamp FIELD); refract's aggregate and union
extensions are reported (W0701).

test runs the cases of every NAME.test.yml found under PATH (rules, events file, expected
alerts) and prints a diff for each failure; its last line is "N passed, N failed".

PATH is a rule file or a folder searched recursively for .yml and .yaml files.
Exit status: 0 every rule translated, 1 some rule had errors, 2 usage error.
)";

struct Args {
  std::vector<std::string> paths;
  std::vector<std::string> targets;
  std::string output_dir;
  std::string emit = "query";
  std::vector<std::string> mappings;
  std::vector<std::string> filters;
  std::string placeholders;
  bool strict_fields = false;
  bool strict = false;
  bool json = false;
  bool quiet = false;
  unsigned jobs = 0;
};

// Parses translate's arguments; returns a usage message on error.
std::optional<std::string> ParseTranslateArgs(int argc, char** argv, Args* args) {
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    // A value is attached (--target=kql, -tkql, -j2) or is the next argument.
    std::string flag = a;
    std::optional<std::string> attached;
    if (a.rfind("--", 0) == 0 && a.find('=') != std::string::npos) {
      flag = a.substr(0, a.find('='));
      attached = a.substr(a.find('=') + 1);
    } else if (a.size() > 2 && a[0] == '-' && a[1] != '-' &&
               std::string("tjo").find(a[1]) != std::string::npos) {
      flag = a.substr(0, 2);
      attached = a.substr(2);
    }
    auto value = [&](const char*) -> std::optional<std::string> {
      if (attached) return attached;
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (flag == "-t" || flag == "--target") {
      auto v = value("--target");
      if (!v) return "--target needs a target id";
      for (auto& t : SplitCommas(*v)) args->targets.push_back(t);
    } else if (flag == "-o" || flag == "--output") {
      auto v = value("--output");
      if (!v) return "--output needs a folder";
      args->output_dir = *v;
    } else if (flag == "--emit") {
      auto v = value("--emit");
      if (!v || (*v != "ast" && *v != "ir" && *v != "query")) {
        return "--emit takes ast, ir or query";
      }
      args->emit = *v;
    } else if (flag == "--mapping") {
      auto v = value("--mapping");
      if (!v) return "--mapping needs a file";
      args->mappings.push_back(*v);
    } else if (flag == "--filter") {
      auto v = value("--filter");
      if (!v) return "--filter needs a file";
      args->filters.push_back(*v);
    } else if (flag == "--placeholders") {
      auto v = value("--placeholders");
      if (!v) return "--placeholders needs a file";
      args->placeholders = *v;
    } else if (flag == "--format") {
      auto v = value("--format");
      if (!v || (*v != "text" && *v != "json")) return "--format takes text or json";
      args->json = *v == "json";
    } else if (flag == "-j" || flag == "--jobs") {
      auto v = value("--jobs");
      if (!v || v->empty() || v->find_first_not_of("0123456789") != std::string::npos ||
          std::stoul(*v) == 0 || std::stoul(*v) > 256) {
        return "--jobs takes a number from 1 to 256";
      }
      args->jobs = static_cast<unsigned>(std::stoul(*v));
    } else if (flag == "--strict-fields") {
      args->strict_fields = true;
    } else if (flag == "--strict") {
      args->strict = true;
    } else if (flag == "-q" || flag == "--quiet") {
      args->quiet = true;
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      return "unknown option '" + a + "'";
    } else {
      args->paths.push_back(a);
    }
  }
  if (args->paths.empty()) return "translate needs at least one rule file or folder";
  if (args->targets.empty() && args->emit != "ast") return "translate needs --target";
  return std::nullopt;
}

std::string OutputName(const FileResult& file, const Output& output, bool several_documents) {
  std::string stem = fs::path(file.path).stem().string();
  if (several_documents) stem += fmt::format("-{}", output.document + 1);
  return stem;
}

int Translate(int argc, char** argv) {
  Args args;
  if (auto error = ParseTranslateArgs(argc, argv, &args)) return UsageError(*error);

  Session session;
  bool all = std::find(args.targets.begin(), args.targets.end(), "all") != args.targets.end();
  if (all) {
    session.backends = AllBackends();
  } else {
    for (const auto& id : args.targets) {
      const Backend* backend = FindBackend(id);
      if (backend == nullptr) {
        std::vector<std::string_view> ids;
        for (const Backend* b : AllBackends()) ids.push_back(b->id());
        std::string hint = ClosestMatch(id, ids);
        return UsageError("unknown target '" + id + "'" +
                          (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
                          " ('refract list targets' lists them)");
      }
      if (std::find(session.backends.begin(), session.backends.end(), backend) ==
          session.backends.end()) {
        session.backends.push_back(backend);
      }
    }
  }
  session.stage = args.emit == "ast"  ? EmitStage::kAst
                  : args.emit == "ir" ? EmitStage::kIr
                                      : EmitStage::kQuery;
  session.mapping_options.strict_fields = args.strict_fields;
  session.strict = args.strict;

  Diagnostics setup;
  bool setup_ok = session.Init(args.mappings, setup) && session.LoadFilters(args.filters, setup);
  if (setup_ok && !args.placeholders.empty()) {
    std::ifstream in(args.placeholders, std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    if (!in) {
      setup.Error("E0001", {args.placeholders, 0, 0, 1}, "cannot read placeholders file");
      setup_ok = false;
    } else if (auto parsed = ParsePlaceholders(args.placeholders, buffer.str(), setup)) {
      for (auto& [k, v] : *parsed) session.placeholders[k] = v;
    } else {
      setup_ok = false;
    }
  }
  for (const auto& d : setup.all())
    std::cerr << (args.json ? RenderJson(d) + "\n" : RenderText(d, nullptr));
  if (!setup_ok) return kExitUsage;

  std::vector<std::string> files;
  if (auto error = CollectFiles(args.paths, &files)) return UsageError(*error);
  {
    Diagnostics folder_setup;
    bool ok = LoadFolderPlaceholders(files, session.placeholders, folder_setup);
    for (const auto& d : folder_setup.all())
      std::cerr << (args.json ? RenderJson(d) + "\n" : RenderText(d, nullptr));
    if (!ok) return kExitUsage;
  }

  std::vector<FileResult> results = CompileAll(files, session, args.jobs);

  int errors = 0;
  int warnings = 0;
  size_t queries = 0;
  size_t outputs_total = 0;
  for (const auto& r : results) outputs_total += r.outputs.size();
  bool first_output = true;
  std::set<std::string> used_names;
  for (const auto& r : results) {
    for (const auto& d : r.diagnostics.all()) {
      if (d.severity == Severity::kError) ++errors;
      if (d.severity == Severity::kWarning) ++warnings;
      std::cerr << (args.json ? RenderJson(d) + "\n" : RenderText(d, r.source.get()));
    }
    bool several = r.documents > 1;
    for (const auto& o : r.outputs) {
      ++queries;
      if (!args.output_dir.empty()) {
        const Backend* backend = o.target.empty() ? nullptr : FindBackend(o.target);
        std::string ext = args.emit == "query" && backend != nullptr
                              ? std::string(backend->extension())
                              : args.emit;
        std::string dir = o.target.empty() ? "ast" : o.target;
        std::string base = OutputName(r, o, several);
        std::string name = base;
        for (int n = 2; !used_names.insert(dir + "/" + name).second; ++n) {
          name = fmt::format("{}-{}", base, n);
        }
        fs::path path = fs::path(args.output_dir) / dir / (name + "." + ext);
        if (!WriteAtomically(path, o.text)) {
          std::cerr << "refract: cannot write " << path.string() << "\n";
          return kExitRuleErrors;
        }
        continue;
      }
      if (outputs_total > 1) {
        if (!first_output) std::cout << "\n";
        std::cout << fmt::format("## {} · {}{}\n", r.path, o.rule_title,
                                 o.target.empty() ? "" : " · " + o.target);
      }
      first_output = false;
      std::cout << o.text;
      if (o.text.empty() || o.text.back() != '\n') std::cout << "\n";
    }
  }
  std::cout.flush();
  if (!args.quiet) {
    std::cerr << fmt::format("refract: {} file(s), {} output(s), {} error(s), {} warning(s)\n",
                             files.size(), queries, errors, warnings);
  }
  return errors > 0 ? kExitRuleErrors : kExitOk;
}

int List(int argc, char** argv) {
  std::string what = argc > 2 ? argv[2] : "";
  if (what == "targets") {
    for (const Backend* b : AllBackends()) {
      std::cout << fmt::format("{:<8} {}\n", b->id(), b->description());
    }
    return kExitOk;
  }
  if (what == "modifiers") {
    for (const auto& m : ir::KnownModifiers()) {
      std::cout << fmt::format("{:<14} {}\n", m.name, m.summary);
    }
    return kExitOk;
  }
  return UsageError("list takes 'targets' or 'modifiers'");
}

// Runs the single-event rules of RULES over JSON-lines event files with the reference evaluator.
int Hunt(int argc, char** argv) {
  std::vector<std::string> rule_paths;
  std::vector<std::string> event_files;
  bool quiet = false;
  bool reading_events = false;
  std::string schema;
  std::string timestamp;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--events") {
      reading_events = true;
    } else if (a == "-q" || a == "--quiet") {
      quiet = true;
    } else if (a == "--schema" && i + 1 < argc) {
      schema = argv[++i];
      reading_events = false;
    } else if (a == "--timestamp" && i + 1 < argc) {
      timestamp = argv[++i];
      reading_events = false;
    } else if (a.starts_with("-")) {
      return UsageError("unknown option '" + a + "' for hunt");
    } else {
      (reading_events ? event_files : rule_paths).push_back(a);
    }
  }
  if (rule_paths.empty()) return UsageError("hunt needs at least one rule file or folder");
  if (event_files.empty()) return UsageError("hunt needs --events FILE...");

  hunt::Status status = hunt::Run({rule_paths, event_files, schema, timestamp, quiet}, std::cerr,
                                  [](const hunt::Match& m) { std::cout << m.json << "\n"; });
  return status == hunt::Status::kOk           ? kExitOk
         : status == hunt::Status::kRuleErrors ? kExitRuleErrors
                                               : kExitUsage;
}

// Runs every case of every *.test.yml under PATH...; the last line is "N passed, N failed".
int TestRules(int argc, char** argv) {
  if (argc <= 2) return UsageError("test needs a test file or a folder to search for *.test.yml");
  std::vector<std::string> tests;
  if (auto error = CollectFiles({argv + 2, argv + argc}, &tests, IsTestFile)) {
    return UsageError(*error);
  }
  hunt::TestSummary summary = hunt::RunTests(tests, std::cout);
  std::cout << fmt::format("{} passed, {} failed\n", summary.passed, summary.failed);
  return summary.failed == 0 ? kExitOk : kExitRuleErrors;
}

}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc < 2) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  std::string command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (command == "--version") {
    std::cout << "refract " << REFRACT_VERSION << "\n";
    return kExitOk;
  }
  if (command == "translate") return Translate(argc, argv);
  if (command == "list") return List(argc, argv);
  if (command == "hunt") return Hunt(argc, argv);
  if (command == "test") return TestRules(argc, argv);
  if (command == "check") return Check(argc, argv);
  if (command == "bundle") return Bundle(argc, argv);
  return UsageError("unknown command '" + command + "'");
}
