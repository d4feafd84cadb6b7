// `refract translate`: rules to queries, printed or written one file per rule and target.
#include "tools/translate_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "backends/backend.h"
#include "backends/packagers/package_text.h"
#include "compiler/mapping/mapping.h"
#include "tools/cli.h"

namespace refract::cli {
namespace {

namespace fs = std::filesystem;

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

// "unknown option" with a did-you-mean among translate's options.
std::string UnknownOptionMessage(const std::string& option) {
  static const std::vector<std::string_view> kKnown = {
      "--target", "--output", "--emit",   "--mapping", "--filter", "--placeholders",
      "--format", "--jobs",   "--strict", "--quiet",   "--help",   "--strict-fields"};
  std::string hint = ClosestMatch(option.substr(0, option.find('=')), kKnown);
  return "unknown option '" + option + "'" + (hint.empty() ? "" : "; did you mean '" + hint + "'?");
}

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
      if (!v) return "--mapping needs a profile name or a file";
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
      return UnknownOptionMessage(a);
    } else {
      args->paths.push_back(a);
    }
  }
  if (args->paths.empty()) return "translate needs at least one rule file or folder";
  if (args->targets.empty() && args->emit != "ast") return "translate needs --target";
  return std::nullopt;
}

// `diagnostics` as a JSON array of the objects --format json writes to stderr.
std::string JsonArray(const std::vector<Diagnostic>& diagnostics) {
  std::string out = "[";
  for (const auto& d : diagnostics) out += (out.size() > 1 ? ", " : "") + RenderJson(d);
  return out + "]";
}

std::string OutputName(const FileResult& file, const Output& output, bool several_documents) {
  // A rule from standard input is named by its `name`, or "stdin".
  std::string stem = file.path != "<stdin>" && file.path != "-"
                         ? fs::path(file.path).stem().string()
                     : output.rule_name.empty() ? "stdin"
                                                : output.rule_name;
  if (several_documents) stem += fmt::format("-{}", output.document + 1);
  // A union written one query per signal: each signal in a file of its own.
  if (!output.part.empty()) stem += "-" + output.part;
  return stem;
}

}  // namespace

int Translate(int argc, char** argv) {
  Args args;
  if (auto error = ParseTranslateArgs(argc, argv, &args)) return UsageError(*error);

  Session session;
  if (auto error = SelectBackends(args.targets, session)) return UsageError(*error);
  if (!args.output_dir.empty()) {
    FinishWritesOnSignal();
    RemoveStaleTemporaries(args.output_dir);
  }
  session.stage = args.emit == "ast"  ? EmitStage::kAst
                  : args.emit == "ir" ? EmitStage::kIr
                                      : EmitStage::kQuery;
  session.mapping_options.strict_fields = args.strict_fields;
  session.strict = args.strict;
  session.diagnostics_per_outcome = args.json && args.output_dir.empty();

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
    std::cerr << (args.json ? RenderJson(d) + "\n"
                            : RenderText(d, nullptr, ColorFor(STDERR_FILENO)));
  if (!setup_ok) return kExitUsage;

  std::vector<std::string> files;
  if (auto error = CollectFiles(args.paths, &files)) return InputError(*error);
  if (files.empty()) return NoRulesError(args.paths);
  {
    Diagnostics folder_setup;
    bool ok = LoadFolderPlaceholders(files, session.placeholders, folder_setup);
    for (const auto& d : folder_setup.all())
      std::cerr << (args.json ? RenderJson(d) + "\n"
                              : RenderText(d, nullptr, ColorFor(STDERR_FILENO)));
    if (!ok) return kExitUsage;
  }

  std::vector<FileResult> results = CompileAll(files, session, args.jobs);
  if (HoldsNoDocument(results)) return NoRulesError(args.paths, "Sigma rule");

  int errors = 0;
  int warnings = 0;
  size_t queries = 0;
  size_t outputs_total = 0;
  for (const auto& r : results) outputs_total += r.outputs.size();
  // -o FILE (a name with an extension that is no folder) is sigma-cli's: one query, one file.
  std::error_code ec;
  const bool output_file = !args.output_dir.empty() && !fs::is_directory(args.output_dir, ec) &&
                           fs::path(args.output_dir).has_extension();
  if (output_file && outputs_total > 1) {
    return UsageError(
        fmt::format("-o {} names a file, which holds one query; this run has {}: give -o a folder",
                    args.output_dir, outputs_total));
  }
  bool first_output = true;
  std::set<std::string> used_names;
  // With -o DIR, the files to write once every rule has been compiled, in order.
  std::vector<std::pair<fs::path, const std::string*>> files_to_write;
  for (const auto& r : results) {
    for (const auto& d : r.diagnostics.all()) {
      if (d.severity == Severity::kError) ++errors;
      if (d.severity == Severity::kWarning) ++warnings;
      std::cerr << (args.json ? RenderJson(d) + "\n"
                              : RenderText(d, r.source.get(), ColorFor(STDERR_FILENO)));
    }
    bool several = r.documents > 1;
    for (const auto& o : r.outputs) {
      ++queries;
      if (output_file) {
        if (auto error = WriteAtomically(args.output_dir, o.text)) {
          std::cerr << "refract: cannot write " << args.output_dir << ": " << *error << "\n";
          return kExitRuleErrors;
        }
        continue;
      }
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
        files_to_write.emplace_back(fs::path(args.output_dir) / dir / (name + "." + ext), &o.text);
        continue;
      }
      if (args.json) {
        // One JSON object a line for pipelines: the rule, the target, its query and what was
        // said about it.
        std::cout << fmt::format(
            "{{\"file\": {}, \"id\": {}, \"title\": {}, \"target\": {}, \"query\": {}, "
            "\"error\": null, \"diagnostics\": {}}}\n",
            packagers::Q(r.path), o.rule_id.empty() ? "null" : packagers::Q(o.rule_id),
            packagers::Q(o.rule_title), packagers::Q(o.target), packagers::Q(o.text),
            JsonArray(o.diagnostics));
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
    if (args.json && args.output_dir.empty()) {
      // A rule that reached no query on a target: its first error in place of the query.
      for (const auto& outcome : r.outcomes) {
        if (outcome.ok) continue;
        std::cout << fmt::format(
            "{{\"file\": {}, \"id\": null, \"title\": {}, \"target\": {}, \"query\": null, "
            "\"error\": {}, \"diagnostics\": {}}}\n",
            packagers::Q(r.path), packagers::Q(outcome.rule_title), packagers::Q(outcome.target),
            packagers::Q(outcome.error), JsonArray(outcome.diagnostics));
      }
    }
  }
  std::cout.flush();
  if (!files_to_write.empty()) {
    const unsigned writers = args.jobs != 0 ? args.jobs : std::thread::hardware_concurrency();
    if (auto failure = WriteAllAtomically(files_to_write, writers)) {
      std::cerr << "refract: cannot write " << failure->first << ": " << failure->second << "\n";
      return kExitRuleErrors;
    }
  }
  if (!args.quiet) {
    std::cerr << fmt::format("refract: {} file(s), {} output(s), {} error(s), {} warning(s)\n",
                             files.size(), queries, errors, warnings);
  }
  return errors > 0 ? kExitRuleErrors : kExitOk;
}

}  // namespace refract::cli
