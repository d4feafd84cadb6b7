// The `refract` command line: parses arguments and calls the library for each command.
#include <fmt/format.h>

#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "backends/packagers/packagers.h"
#include "compiler/hunt/hunt.h"
#include "compiler/ir/modifiers.h"
#include "compiler/mapping/mapping.h"
#include "tools/bundle_command.h"
#include "tools/check_command.h"
#include "tools/cli.h"
#include "tools/translate_command.h"

// REFRACT_COMMIT, written at build time (tools/commit_header.cmake).
#include "refract_commit.h"

#ifdef REFRACT_WITH_MIMALLOC
#include <mimalloc.h>
#endif

using namespace refract;
using namespace refract::cli;

namespace {

constexpr const char* kUsage = R"(refract — compile Sigma detection rules into SIEM queries

usage:
  refract translate PATH... --target ID[,ID...] [options]
  refract hunt RULES... --events FILE... [--schema TARGET] [--timestamp FIELD] [-q]
  refract test PATH...
  refract check PATH... [--target ID[,ID...]|all] [--format text|json|sarif]
  refract bundle PATH... -o DIR [--target ID[,ID...]|all] [--check] [--inline-lists]
  refract list targets|modifiers|mappings|formats
  refract COMMAND --help
  refract --help | --version

every command: --color auto|always|never   colour diagnostics (auto: on a terminal, unless
                                           NO_COLOR is set or TERM is dumb)

translate options:
  -t, --target ID       target id, several separated by commas, or 'all'
  -o, --output DIR      write one file per rule and target under DIR/<target>/
  --emit STAGE          ast | ir | query (default query)
  --mapping NAME|FILE   a shipped mapping profile (refract list mappings) in place of the
                        default, or a mapping file that extends or overrides it
  --placeholders FILE   values for %placeholders% used with |expand
  --filter FILE         Sigma filters to apply to the rules they name (repeatable)
  --strict-fields       a field with no mapping is an error
  --strict              warnings are errors
  --format FORMAT       diagnostics as text (default) or json
  -j, --jobs N          worker threads (default: number of cores)
  -q, --quiet           print no summary line

bundle writes every query in its platform's import format (docs/bundle.md); |expand lists a
query tests whole are deployed as the platform's reference data where refract can (Sentinel
watchlists), or inlined with --inline-lists.

hunt runs single-event rules over JSON-lines events (Sigma field names) and prints one JSON
line per match: rule id, title, level, events file and line number. --schema TARGET reads
events in that target's field names (through its mapping). Correlations (all seven Sigma
types, chaining included) use exact sliding windows over the events' timestamps (common names
such as @timestamp or TimeGenerated, or --timestamp FIELD); refract's aggregate and union
extensions are reported (W0701).

test runs the cases of every NAME.test.yml found under PATH (rules, events file, expected
alerts) and prints a diff for each failure; its last line is "N passed, N failed".

PATH is a rule file, a folder searched recursively for .yml and .yaml files, or - (standard
input). A run that finds no rule is a usage error.
Exit status: 0 every rule translated, 1 some rule had errors, 2 usage error.
)";

// Each command's own help: its usage line and its options (`refract COMMAND --help`).
const char* CommandHelp(const std::string& command) {
  if (command == "translate") {
    return R"(usage: refract translate PATH... --target ID[,ID...] [options]

Translates Sigma rules (PATH: a rule file, a folder searched for .yml and .yaml files, or - for
standard input) into each target's query, printed, or written with -o.

  -t, --target ID       target id, several separated by commas, or 'all'
  -o, --output DIR      write one file per rule and target under DIR/<target>/; -o FILE (a
                        name with an extension) writes the one query of the run to FILE
  --emit STAGE          ast | ir | query (default query)
  --mapping NAME|FILE   a shipped mapping profile (refract list mappings) in place of the
                        default, or a mapping file that extends or overrides it
  --placeholders FILE   values for %placeholders% used with |expand
  --filter FILE         Sigma filters to apply to the rules they name (repeatable)
  --strict-fields       a field with no mapping is an error
  --strict              warnings are errors
  --format FORMAT       diagnostics as text (default) or json
  -j, --jobs N          worker threads (default: number of cores)
  -q, --quiet           print no summary line

Exit status: 0 every rule translated, 1 some rule had errors, 2 usage error (no rule found
included).
)";
  }
  if (command == "check") {
    return R"(usage: refract check PATH... [--target ID[,ID...]|all] [--format text|json|sarif] [options]

Validates and lints rules without translating: Sigma schema, unused searches, duplicate ids and
names, correlations naming missing rules, and what each target cannot express.

  -t, --target ID       the targets to check against (default: every target, as warnings)
  --format FORMAT       text (default), json (one object a line) or sarif (SARIF 2.1.0)
  --mapping NAME|FILE   a shipped mapping profile (refract list mappings) in place of the
                        default, or a mapping file that extends or overrides it
  --placeholders FILE   values for %placeholders% used with |expand
  --strict              warnings are errors
  -q, --quiet           print no summary line

Exit status: 0 no error, 1 some finding is an error, 2 usage error (no rule found included).
)";
  }
  if (command == "bundle") {
    return R"(usage: refract bundle PATH... -o DIR [--target ID[,ID...]|all] [options]

Writes every query in its platform's import format (docs/bundle.md), with a manifest, a
coverage table and an ATT&CK Navigator layer; |expand lists a query tests whole are deployed as
the platform's reference data.

  -o, --output DIR      the bundle's folder (replaced only when the new bundle is complete)
  -t, --target ID       target ids, or 'all' (default)
  --mapping NAME|FILE   a shipped mapping profile (refract list mappings) in place of the
                        default, or a mapping file that extends or overrides it
  --check               compare with the bundle in DIR instead of writing (exit 1 when stale)
  --inline-lists        write list values into the queries instead of deploying lists
  -q, --quiet           print no summary line
)";
  }
  if (command == "hunt") {
    return R"(usage: refract hunt RULES... --events FILE... [--schema TARGET [--mapping NAME|FILE]]
                   [--timestamp FIELD] [-q]

Runs rules over JSON-lines events with the reference evaluator and prints one JSON line per
match (rule id, title, level, events file and line). Correlations use exact sliding windows.

  --events FILE...      the JSON-lines event files
  --schema TARGET       read events in that target's field names (through its mapping)
  --mapping NAME|FILE   with --schema: a shipped mapping profile of that target (refract list
                        mappings), e.g. defender-xdr for an advanced-hunting export, or a
                        mapping file over it
  --timestamp FIELD     the event time field (default: @timestamp, TimeGenerated, …)
  -q, --quiet           print no summary line
)";
  }
  if (command == "test") {
    return R"(usage: refract test PATH...

Runs the cases of every NAME.test.yml under PATH (rules, events, expected alerts) and prints a
diff for each failure; the last line is "N passed, N failed". No test file found is exit 2.
)";
  }
  if (command == "list") {
    return R"(usage: refract list targets|modifiers|mappings|formats

Lists the target ids with their platforms, the Sigma modifiers refract knows, each target's
shipped mapping profiles (--mapping NAME), or the output formats (diagnostics, and each
target's bundle files).
)";
  }
  return nullptr;
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
  if (what == "mappings") {
    // Every shipped profile: --mapping NAME selects one, --mapping FILE extends it.
    for (const Backend* b : AllBackends()) {
      for (const ShippedProfile& p : ShippedProfiles()) {
        if (p.target != b->id()) continue;
        std::cout << fmt::format("{:<8} {:<18} {:<9} {} (backends/mappings/{}.yaml)\n", p.target,
                                 p.name, p.is_default ? "default" : "", p.description, p.file);
      }
    }
    return kExitOk;
  }
  if (what == "formats") {
    std::cout << "diagnostics: text, json (translate, check), sarif (check)\n";
    for (const Backend* b : AllBackends()) {
      std::string_view summary = packagers::FormatSummary(b->id());
      if (!summary.empty()) std::cout << fmt::format("{:<8} {}\n", b->id(), summary);
    }
    return kExitOk;
  }
  return UsageError("list takes 'targets', 'modifiers', 'mappings' or 'formats'");
}

// A hunt holds hundreds of megabytes of matches while it runs, and touching each new 4 KiB page
// faulted into the kernel: a fifth of the pack's time over 1 GB of sign-ins. mimalloc's large OS
// pages (the kernel's transparent huge pages, where it allows them for madvise) take 2 MiB at a
// fault. Only hunt asks for them: a translation is short and small, and would only pay to
// clear the larger pages. https://microsoft.github.io/mimalloc/group__options.html
void UseLargePages() {
#ifdef REFRACT_WITH_MIMALLOC
  mi_option_enable(mi_option_large_os_pages);
#endif
}

// Runs the single-event rules of RULES over JSON-lines event files with the reference evaluator.
int Hunt(int argc, char** argv) {
  UseLargePages();
  std::vector<std::string> rule_paths;
  std::vector<std::string> event_files;
  bool quiet = false;
  bool reading_events = false;
  std::string schema;
  std::string timestamp;
  std::vector<std::string> mappings;
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
    } else if (a == "--mapping" && i + 1 < argc) {
      mappings.push_back(argv[++i]);
      reading_events = false;
    } else if (a.starts_with("-")) {
      return UnknownOption(
          a, "hunt", {"--events", "--schema", "--mapping", "--timestamp", "--quiet", "--help"});
    } else {
      (reading_events ? event_files : rule_paths).push_back(a);
    }
  }
  if (rule_paths.empty()) return UsageError("hunt needs at least one rule file or folder");
  if (event_files.empty()) return UsageError("hunt needs --events FILE...");

  hunt::Status status =
      hunt::Run({rule_paths, event_files, schema, timestamp, quiet, mappings}, std::cerr,
                [](const hunt::Match& m) { std::cout << m.json << "\n"; });
  return status == hunt::Status::kOk           ? kExitOk
         : status == hunt::Status::kRuleErrors ? kExitRuleErrors
                                               : kExitUsage;
}

// Runs every case of every *.test.yml under PATH...; the last line is "N passed, N failed".
int TestRules(int argc, char** argv) {
  if (argc <= 2) return UsageError("test needs a test file or a folder to search for *.test.yml");
  std::vector<std::string> tests;
  const std::vector<std::string> paths(argv + 2, argv + argc);
  if (auto error = CollectFiles(paths, &tests, IsTestFile)) return InputError(*error);
  if (tests.empty()) return NoRulesError(paths, "test files (*.test.yml)");
  hunt::TestSummary summary = hunt::RunTests(tests, std::cout);
  std::cout << fmt::format("{} passed, {} failed\n", summary.passed, summary.failed);
  return summary.failed == 0 ? kExitOk : kExitRuleErrors;
}

// Takes --color[=]WHEN out of `args` for every command; a usage message when WHEN is not
// auto, always or never.
std::optional<std::string> TakeColorOption(std::vector<char*>& args) {
  for (size_t i = 1; i < args.size(); ++i) {
    std::string a = args[i];
    std::string value;
    size_t taken = 1;
    if (a.starts_with("--color=")) {
      value = a.substr(8);
    } else if (a == "--color" && i + 1 < args.size()) {
      value = args[i + 1];
      taken = 2;
    } else if (a == "--color") {
      return "--color takes auto, always or never";
    } else {
      continue;
    }
    if (value == "auto") {
      SetColorMode(ColorMode::kAuto);
    } else if (value == "always") {
      SetColorMode(ColorMode::kAlways);
    } else if (value == "never") {
      SetColorMode(ColorMode::kNever);
    } else {
      return "--color takes auto, always or never";
    }
    args.erase(args.begin() + static_cast<long>(i), args.begin() + static_cast<long>(i + taken));
    --i;
  }
  return std::nullopt;
}

}  // namespace

int main(int raw_argc, char** raw_argv) {
  std::ios::sync_with_stdio(false);
  std::vector<char*> args(raw_argv, raw_argv + raw_argc);
  if (auto error = TakeColorOption(args)) return UsageError(*error);
  args.push_back(nullptr);
  int argc = static_cast<int>(args.size()) - 1;
  char** argv = args.data();
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
    std::cout << "refract " << REFRACT_VERSION << " (commit " << REFRACT_COMMIT << ")\n";
    return kExitOk;
  }
  if (const char* help = CommandHelp(command)) {
    for (int i = 2; i < argc; ++i) {
      const std::string a = argv[i];
      if (a == "--help" || a == "-h") {
        std::cout << help;
        return kExitOk;
      }
    }
  }
  if (command == "translate") return Translate(argc, argv);
  if (command == "list") return List(argc, argv);
  if (command == "hunt") return Hunt(argc, argv);
  if (command == "test") return TestRules(argc, argv);
  if (command == "check") return Check(argc, argv);
  if (command == "bundle") return Bundle(argc, argv);
  return UsageError("unknown command '" + command + "'");
}
