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
#include "compiler/eval/correlate.h"
#include "compiler/eval/event.h"
#include "compiler/eval/matcher.h"
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

}  // namespace

// One match or alert of a hunt: the rule's title, the events behind it, and its JSON line.
struct HuntMatch {
  std::string title;
  std::vector<eval::EventRef> events;
  std::string json;
  std::vector<eval::NamedValue> values;  // an aggregate's measures and columns, a union's columns
};

// Gives `correlator` what it needs beyond its rules' matches: event field names in the schema's
// spelling, and the aggregate's count-if selections as matchers. Returns the errors reported.
int PrepareCorrelator(const ast::Correlation& c, eval::Correlator& correlator,
                      const std::map<std::string, size_t>& by_reference,
                      const std::vector<std::unique_ptr<eval::Matcher>>& matchers,
                      const Session& session, const TargetMapping* schema_mapping,
                      std::ostream& err) {
  std::vector<const ir::Rule*> sources;
  for (const auto& ref : c.rules) {
    auto it = by_reference.find(ref.text);
    sources.push_back(it == by_reference.end() ? nullptr : &matchers[it->second]->rule());
  }
  if (schema_mapping != nullptr) {
    correlator.SetFieldNames([schema_mapping, sources](size_t rule, const std::string& field) {
      if (rule >= sources.size() || sources[rule] == nullptr) return field;
      bool mapped = false;
      return schema_mapping->MapField(schema_mapping->Find(sources[rule]->logsource), field,
                                      &mapped);
    });
  }
  if (c.type != "aggregate" || sources.empty() || sources[0] == nullptr) return 0;
  int errors = 0;
  std::vector<std::unique_ptr<eval::Matcher>> filters;
  for (const auto& m : c.measures) {
    if (!m.where) {
      filters.emplace_back();
      continue;
    }
    Diagnostics diagnostics;
    auto rule = LowerMeasureFilter(c, m, *sources[0], session, diagnostics);
    if (rule && schema_mapping != nullptr) ApplyMapping(*rule, *schema_mapping, {}, diagnostics);
    std::string error;
    std::unique_ptr<eval::Matcher> matcher;
    if (rule) matcher = eval::Matcher::Create(*rule, error);
    if (!matcher) {
      ++errors;
      err << fmt::format("{}:{}:{}: error[E0700]: measure '{}' of '{}' cannot be evaluated{}\n",
                         m.location.file, m.location.line, m.location.column, m.name, c.title,
                         error.empty() ? "" : ": " + error);
    }
    filters.push_back(std::move(matcher));
  }
  correlator.SetMeasureFilters(std::move(filters));
  return errors;
}

// The JSON object of an aggregate alert's measures and columns.
std::string ValuesJson(const std::vector<eval::NamedValue>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    out += fmt::format("{}\"{}\":{}", i ? "," : "", JsonEscape(values[i].name), values[i].json);
  }
  return out + "}";
}

// A progress line on a terminal for long runs: share of the input read, events, events/s.
class Progress {
 public:
  Progress(const std::vector<std::string>& files, bool enabled, std::ostream& err)
      : enabled_(enabled), err_(err), start_(std::chrono::steady_clock::now()) {
    if (!enabled_) return;
    for (const auto& f : files) {
      std::error_code ec;
      auto size = fs::file_size(f, ec);
      if (!ec) sizes_.emplace_back(f, size), total_ += size;
    }
  }

  // Shows how far `in` (reading `file`) has come; called every few thousand events.
  void Update(const std::string& file, std::istream& in, size_t events) {
    if (!enabled_ || total_ == 0) return;
    double done = 0;
    for (const auto& [name, size] : sizes_) {
      if (name == file) {
        auto at = in.tellg();
        done += at < 0 ? 0 : static_cast<double>(at);
        break;
      }
      done += static_cast<double>(size);
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    err_ << fmt::format("\r{:5.1f}%  {} events  {:.0f} events/s ", 100.0 * done / total_, events,
                        seconds > 0 ? static_cast<double>(events) / seconds : 0.0)
         << std::flush;
    shown_ = true;
  }

  // Clears the progress line.
  void Done() {
    if (shown_) err_ << "\r" << std::string(60, ' ') << "\r" << std::flush;
  }

 private:
  bool enabled_;
  std::ostream& err_;
  std::chrono::steady_clock::time_point start_;
  std::vector<std::pair<std::string, std::uintmax_t>> sizes_;
  double total_ = 0;
  bool shown_ = false;
};

// One row of a union: a part's alert under the union's columns.
struct UnionRow {
  const ast::Correlation* part;
  const eval::Alert* alert;
  std::vector<eval::NamedValue> columns;
};

// The value named `name` in an alert: a measure or column, else a group-by key.
eval::NamedValue AlertValue(const eval::Alert& alert, const std::string& name) {
  for (const auto& v : alert.values) {
    if (v.name == name) return v;
  }
  for (const auto& [field, value] : alert.keys) {
    if (field == name) return {name, "\"" + JsonEscape(value) + "\"", 0, false, value};
  }
  return {name, "null", 0, false, ""};
}

// Emits the rows of `u`: every alert of its parts, projected to its columns and sorted by its
// sort keys (numbers by value, text by text, missing values last). Returns the row count.
size_t EmitUnion(const ast::Correlation& u, const std::vector<size_t>& parts,
                 const std::deque<ast::Correlation>& correlations,
                 const std::vector<std::vector<eval::Alert>>& alerts,
                 const std::function<void(const HuntMatch&)>& emit) {
  std::vector<UnionRow> rows;
  for (size_t part : parts) {
    for (const auto& alert : alerts[part]) {
      UnionRow row{&correlations[part], &alert, {}};
      for (const auto& [name, from] : u.project) {
        eval::NamedValue v = AlertValue(alert, from);
        v.name = name;
        row.columns.push_back(std::move(v));
      }
      if (u.project.empty()) row.columns = alert.values;
      rows.push_back(std::move(row));
    }
  }
  auto value_of = [](const UnionRow& row, const std::string& name) -> const eval::NamedValue* {
    for (const auto& v : row.columns) {
      if (v.name == name) return &v;
    }
    return nullptr;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const UnionRow& a, const UnionRow& b) {
    for (const auto& [name, descending] : u.sort) {
      const eval::NamedValue* x = value_of(a, name);
      const eval::NamedValue* y = value_of(b, name);
      bool x_missing = x == nullptr || x->json == "null";
      bool y_missing = y == nullptr || y->json == "null";
      if (x_missing != y_missing) return y_missing;
      if (x_missing) continue;
      int order = 0;
      if (x->numeric && y->numeric) {
        order = x->number < y->number ? -1 : x->number > y->number ? 1 : 0;
      } else {
        order = x->text.compare(y->text);
      }
      if (order != 0) return descending ? order > 0 : order < 0;
    }
    return false;
  });
  for (const auto& row : rows) {
    std::string columns = "{";
    for (size_t i = 0; i < row.columns.size(); ++i) {
      columns += fmt::format("{}\"{}\":{}", i ? "," : "", JsonEscape(row.columns[i].name),
                             row.columns[i].json);
    }
    columns += "}";
    std::string refs;
    for (const auto& e : row.alert->events) {
      if (!refs.empty()) refs += ",";
      refs += fmt::format("{{\"file\":\"{}\",\"line\":{}}}", JsonEscape(e.file), e.line);
    }
    emit({u.title, row.alert->events,
          fmt::format("{{\"rule_id\":\"{}\",\"title\":\"{}\",\"level\":\"{}\",\"type\":\"union\","
                      "\"part\":\"{}\",\"group\":\"{}\",\"columns\":{},\"events\":[{}]}}",
                      JsonEscape(u.id), JsonEscape(u.title), JsonEscape(u.level),
                      JsonEscape(row.part->title), JsonEscape(row.alert->group), columns, refs),
          row.columns});
  }
  return rows.size();
}

// Runs the rules and correlations found under `rule_paths` over JSON-lines `event_files`,
// passing each match to `emit`; diagnostics and the summary go to `err`. Returns an exit code.
int RunHunt(const std::vector<std::string>& rule_paths, const std::vector<std::string>& event_files,
            const std::string& schema, const std::string& timestamp, bool quiet, std::ostream& err,
            const std::function<void(const HuntMatch&)>& emit) {
  Session session;
  session.stage = EmitStage::kIr;
  Diagnostics setup;
  if (!schema.empty()) {
    const Backend* backend = FindBackend(schema);
    if (backend == nullptr) {
      err << "refract: unknown schema '" << schema << "' ('refract list targets' lists them)\n";
      return kExitUsage;
    }
    session.backends = {backend};
  }
  if (!session.Init({}, setup)) return kExitUsage;
  // The mapping is all hunt needs of the target: no queries are emitted.
  session.backends.clear();
  const TargetMapping* schema_mapping =
      schema.empty() ? nullptr : &session.mappings.find(schema)->second;
  std::vector<std::string> files;
  if (auto error = CollectFiles(rule_paths, &files)) {
    err << "refract: " << *error << "\n";
    return kExitUsage;
  }
  {
    Diagnostics folder_setup;
    bool ok = LoadFolderPlaceholders(files, session.placeholders, folder_setup);
    for (const auto& d : folder_setup.all()) err << RenderText(d, nullptr);
    if (!ok) return kExitUsage;
  }

  int errors = 0;
  std::vector<std::unique_ptr<eval::Matcher>> matchers;
  std::deque<ast::Correlation> correlations;
  std::deque<ast::Correlation> unions;
  for (const auto& file : files) {
    FileResult r = CompileFile(file, session);
    for (const auto& c : r.correlations) {
      if (eval::Correlator::Supports(c)) {
        correlations.push_back(c);
        continue;
      }
      if (c.type == "union") {
        unions.push_back(c);
        continue;
      }
      r.diagnostics.Warning("W0701", c.location,
                            fmt::format("correlation '{}' ({}) is not evaluated: hunt does not "
                                        "evaluate this type yet",
                                        c.title, c.type));
    }
    // Events in a platform's field names are read through the backend's own mapping.
    std::vector<ir::Rule> rules = r.lowered;
    if (schema_mapping != nullptr) {
      for (auto& rule : rules) ApplyMapping(rule, *schema_mapping, {}, r.diagnostics);
    }
    for (const auto& d : r.diagnostics.all()) {
      if (d.severity == Severity::kError) ++errors;
      err << RenderText(d, r.source.get());
    }
    for (const auto& rule : rules) {
      std::string error;
      auto matcher = eval::Matcher::Create(rule, error);
      if (!matcher) {
        ++errors;
        err << fmt::format("{}: error[E0700]: rule '{}' cannot be evaluated: {}\n", file,
                           rule.info.title, error);
        continue;
      }
      matchers.push_back(std::move(matcher));
    }
  }

  // Correlations read the matches of the rules they name; those rules alert on their own only
  // when the correlation says `generate: true`.
  std::map<std::string, size_t> by_reference;
  for (size_t i = 0; i < matchers.size(); ++i) {
    const auto& info = matchers[i]->rule().info;
    if (!info.name.empty()) by_reference.emplace(info.name, i);
    if (!info.id.empty()) by_reference.emplace(info.id, i);
  }
  // A correlation may also name another correlation (chaining): the inner one's alerts are
  // its events.
  std::map<std::string, size_t> correlation_by_reference;
  for (size_t k = 0; k < correlations.size(); ++k) {
    if (!correlations[k].name.empty()) correlation_by_reference.emplace(correlations[k].name, k);
    if (!correlations[k].id.empty()) correlation_by_reference.emplace(correlations[k].id, k);
  }
  std::vector<std::unique_ptr<eval::Correlator>> correlators;
  std::vector<std::vector<std::pair<size_t, size_t>>> feeds(matchers.size());
  std::vector<std::vector<std::pair<size_t, size_t>>> inputs(correlations.size());
  std::set<size_t> suppressed;
  std::set<size_t> suppressed_correlations;
  for (size_t k = 0; k < correlations.size(); ++k) {
    const ast::Correlation& c = correlations[k];
    correlators.push_back(std::make_unique<eval::Correlator>(c));
    errors += PrepareCorrelator(c, *correlators.back(), by_reference, matchers, session,
                                schema_mapping, err);
    for (size_t position = 0; position < c.rules.size(); ++position) {
      const auto& ref = c.rules[position];
      if (auto it = by_reference.find(ref.text); it != by_reference.end()) {
        feeds[it->second].push_back({k, position});
        if (!c.generate) suppressed.insert(it->second);
      } else if (auto inner = correlation_by_reference.find(ref.text);
                 inner != correlation_by_reference.end()) {
        inputs[k].push_back({inner->second, position});
        if (!c.generate) suppressed_correlations.insert(inner->second);
      } else {
        ++errors;
        err << fmt::format(
            "{}:{}:{}: error[E0616]: correlation '{}' refers to '{}', which is no rule or "
            "evaluated correlation of this run\n",
            ref.location.file, ref.location.line, ref.location.column, c.title, ref.text);
      }
    }
  }

  // A correlation in a cycle of chained correlations, or over one, is reported when the alerts
  // are collected (E0619); the others are connected and streamed.
  std::vector<bool> in_cycle(correlations.size(), false);
  {
    std::vector<int> mark(correlations.size(), 0);  // 0 new, 1 on the path, 2 done
    std::function<bool(size_t)> cyclic = [&](size_t k) {
      if (mark[k] == 1) return true;
      if (mark[k] == 2) return static_cast<bool>(in_cycle[k]);
      mark[k] = 1;
      bool found = false;
      for (const auto& input : inputs[k]) found = cyclic(input.first) || found;
      mark[k] = 2;
      in_cycle[k] = found;
      return found;
    };
    for (size_t k = 0; k < correlations.size(); ++k) cyclic(k);
  }
  // Correlations decide their windows while the events stream by (flat memory on a long file
  // in time order); a chained correlation takes its inner correlation's alerts as they are
  // decided.
  auto connect_and_stream = [&](bool streaming) {
    std::vector<std::vector<std::pair<size_t, size_t>>> readers(correlators.size());
    for (size_t k = 0; k < correlators.size(); ++k) {
      if (in_cycle[k]) continue;
      for (const auto& [inner, position] : inputs[k]) {
        readers[inner].push_back({k, position});
        correlators[k]->AddInput(correlators[inner].get());
      }
      if (streaming) correlators[k]->EnableStreaming();
    }
    for (size_t inner = 0; inner < correlators.size(); ++inner) {
      if (readers[inner].empty()) continue;
      correlators[inner]->SetAlertSink([&correlators, to = readers[inner]](const eval::Alert& a) {
        for (const auto& [k, position] : to) correlators[k]->AddAlert(position, a);
      });
    }
  };
  connect_and_stream(true);

  eval::EventReader reader;
  eval::Event event;
  size_t events = 0, matches = 0, skipped = 0, untimed = 0;
  auto start = std::chrono::steady_clock::now();
  const std::string time_field = !timestamp.empty() || schema_mapping == nullptr
                                     ? timestamp
                                     : schema_mapping->Option("time_field", "");
  Progress progress(event_files, !quiet && isatty(STDERR_FILENO) != 0, err);
  // One pass over the events. A replay only feeds the correlations: no output, no counts.
  auto read_events = [&](bool replay) {
    for (const auto& path : event_files) {
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        err << "refract: cannot read " << path << "\n";
        return false;
      }
      eval::EventStream stream(in);
      std::string line;
      size_t number = 0;
      while (stream.Next(line, number)) {
        std::string error;
        if (!reader.Parse(line, event, error)) {
          if (replay) continue;
          ++skipped;
          err << fmt::format("{}:{}: skipped: malformed JSON event: {}\n", path, number, error);
          continue;
        }
        if (!replay && ++events % 65536 == 0) progress.Update(path, in, events);
        std::optional<std::optional<double>> time;  // looked up once, when a correlation needs it
        for (size_t i = 0; i < matchers.size(); ++i) {
          if (replay && feeds[i].empty()) continue;
          if (!matchers[i]->Matches(event)) continue;
          if (!feeds[i].empty()) {
            if (!time) {
              // --timestamp, else the schema's time column, else the common names.
              time = eval::EventTime(event, time_field);
              if (!*time && timestamp.empty() && !time_field.empty()) time = eval::EventTime(event);
            }
            if (!*time) {
              if (!replay) ++untimed;
            } else {
              for (const auto& [correlator, position] : feeds[i]) {
                correlators[correlator]->Add(position, event, {path, number, **time});
              }
            }
          }
          if (replay || suppressed.count(i) != 0) continue;
          ++matches;
          const auto& info = matchers[i]->rule().info;
          emit(
              {info.title,
               {{path, number, 0}},
               fmt::format("{{\"rule_id\":\"{}\",\"title\":\"{}\",\"level\":\"{}\",\"file\":\"{}\","
                           "\"line\":{}}}",
                           JsonEscape(info.id), JsonEscape(info.title), JsonEscape(info.level),
                           JsonEscape(path), number),
               {}});
        }
      }
    }
    return true;
  };
  if (!read_events(false)) return kExitUsage;
  progress.Done();
  // Events more than an hour out of order: the correlations read them again, keeping every
  // match (memory grows with the matches, results are exact).
  bool out_of_order = std::any_of(correlators.begin(), correlators.end(),
                                  [](const auto& c) { return c->out_of_order(); });
  if (out_of_order) {
    if (!quiet) {
      err << "refract: the events are not in time order; correlations read them again and "
             "keep every match\n";
    }
    std::ostringstream ignored;  // set-up problems were reported on the first pass
    for (size_t k = 0; k < correlators.size(); ++k) {
      correlators[k] = std::make_unique<eval::Correlator>(correlations[k]);
      PrepareCorrelator(correlations[k], *correlators[k], by_reference, matchers, session,
                        schema_mapping, ignored);
    }
    connect_and_stream(false);
    if (!read_events(true)) return kExitUsage;
  }
  // A union composes the alerts of the correlations it names; they are results of their own
  // only when it says `generate: true`.
  std::vector<std::vector<size_t>> union_parts(unions.size());
  for (size_t u = 0; u < unions.size(); ++u) {
    for (const auto& ref : unions[u].rules) {
      auto it = correlation_by_reference.find(ref.text);
      if (it == correlation_by_reference.end()) {
        ++errors;
        err << fmt::format(
            "{}:{}:{}: error[E0616]: union '{}' refers to '{}', which is no evaluated "
            "correlation of this run\n",
            ref.location.file, ref.location.line, ref.location.column, unions[u].title, ref.text);
        continue;
      }
      union_parts[u].push_back(it->second);
      if (!unions[u].generate) suppressed_correlations.insert(it->second);
    }
  }
  // Inner correlations finish first (handing their last alerts to the outer ones through their
  // sinks); a correlation in or over a cycle is an error, not a hang.
  std::vector<std::vector<eval::Alert>> alerts(correlators.size());
  std::vector<bool> finished(correlators.size(), false);
  std::function<void(size_t)> finish = [&](size_t k) {
    if (finished[k]) return;
    for (const auto& input : inputs[k]) finish(input.first);
    alerts[k] = correlators[k]->Finish();
    finished[k] = true;
  };
  for (size_t k = 0; k < correlators.size(); ++k) {
    const ast::Correlation& c = correlations[k];
    if (in_cycle[k]) {
      ++errors;
      err << fmt::format(
          "{}:{}:{}: error[E0619]: correlation '{}' is part of a cycle of "
          "correlations\n",
          c.location.file, c.location.line, c.location.column, c.title);
      continue;
    }
    finish(k);
    if (suppressed_correlations.count(k) != 0) continue;
    for (const auto& alert : alerts[k]) {
      ++matches;
      std::string refs;
      for (const auto& e : alert.events) {
        if (!refs.empty()) refs += ",";
        refs += fmt::format("{{\"file\":\"{}\",\"line\":{}}}", JsonEscape(e.file), e.line);
      }
      std::string measure = c.type == "aggregate" ? "\"values\":" + ValuesJson(alert.values)
                                                  : fmt::format("\"measure\":{}", alert.measure);
      emit({c.title, alert.events,
            fmt::format("{{\"rule_id\":\"{}\",\"title\":\"{}\",\"level\":\"{}\",\"type\":\"{}\","
                        "\"group\":\"{}\",\"start\":\"{}\",\"end\":\"{}\",{},\"events\":[{}]}}",
                        JsonEscape(c.id), JsonEscape(c.title), JsonEscape(c.level), c.type,
                        JsonEscape(alert.group), eval::FormatTime(alert.start),
                        eval::FormatTime(alert.end), measure, refs),
            alert.values});
    }
  }
  for (size_t u = 0; u < unions.size(); ++u) {
    matches += EmitUnion(unions[u], union_parts[u], correlations, alerts, emit);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (untimed != 0) {
    err << fmt::format(
        "refract: {} matching event(s) had no timestamp a correlation could use ({})\n", untimed,
        timestamp.empty()
            ? "@timestamp, timestamp, TimeCreated, TimeGenerated, EventTime, TimeCreatedUtc; "
              "--timestamp FIELD names another"
            : "--timestamp " + timestamp);
  }
  if (!quiet) {
    err << fmt::format(
        "refract: {} rule(s), {} correlation(s), {} event(s), {} match(es), {} skipped line(s), "
        "{:.0f} events/s\n",
        matchers.size(), correlators.size(), events, matches, skipped,
        seconds > 0 ? events / seconds : 0.0);
  }
  return errors > 0 ? kExitRuleErrors : kExitOk;
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

  return RunHunt(rule_paths, event_files, schema, timestamp, quiet, std::cerr,
                 [](const HuntMatch& m) { std::cout << m.json << "\n"; });
}

// "TITLE [line, line]" for one alert, the form expected and actual alerts are compared in.
// "Title [1, 2] {RiskScore=90}": an alert as the test diff shows it; `values` are the checked
// measures and columns, sorted by name.
std::string AlertText(const std::string& title, const std::vector<size_t>& lines,
                      const std::map<std::string, std::string>& values = {}) {
  std::string out = title + " [";
  for (size_t i = 0; i < lines.size(); ++i) out += (i ? ", " : "") + std::to_string(lines[i]);
  out += "]";
  if (values.empty()) return out;
  out += " {";
  bool first = true;
  for (const auto& [name, value] : values) {
    out += (first ? "" : ", ") + name + "=" + value;
    first = false;
  }
  return out + "}";
}

// Runs one case of a test file; prints a readable diff and returns false when it fails.
bool RunTestCase(const fs::path& test_file, const YAML::Node& test, const YAML::Node& c,
                 size_t index) {
  fs::path dir = test_file.parent_path();
  std::string name = c["name"] ? c["name"].as<std::string>() : fmt::format("case {}", index + 1);
  std::string label = fmt::format("{}: {}", test_file.string(), name);
  std::vector<std::string> rules;
  for (const auto& r : test["rules"]) rules.push_back((dir / r.as<std::string>()).string());
  std::string schema = test["schema"] ? test["schema"].as<std::string>() : "";
  std::string timestamp = test["timestamp"] ? test["timestamp"].as<std::string>() : "";
  if (!c["events"]) {
    std::cout << "FAIL " << label << ": the case names no 'events' file\n";
    return false;
  }
  std::string events = (dir / c["events"].as<std::string>()).string();
  // An expectation may check named values (`values: {RiskScore: 90}`); those names are then
  // shown for every alert of that rule.
  struct Alert {
    std::string title;
    std::vector<size_t> lines;
    std::map<std::string, std::string> values;  // expected: the checked ones; raised: all
  };
  std::vector<Alert> expected;
  std::map<std::string, std::set<std::string>> checked;  // rule title → value names checked
  for (const auto& e : c["expect"]) {
    Alert a{e["rule"].as<std::string>(), {}, {}};
    for (const auto& l : e["events"]) a.lines.push_back(l.as<size_t>());
    for (const auto& v : e["values"]) {
      std::string text;
      if (v.second.IsSequence()) {
        for (size_t i = 0; i < v.second.size(); ++i) {
          text += (i ? ", " : "") + v.second[i].as<std::string>();
        }
      } else {
        text = v.second.as<std::string>();
      }
      a.values[v.first.as<std::string>()] = text;
      checked[a.title].insert(v.first.as<std::string>());
    }
    expected.push_back(std::move(a));
  }
  std::vector<Alert> raised;
  std::ostringstream err;
  int rc = RunHunt(rules, {events}, schema, timestamp, true, err, [&](const HuntMatch& m) {
    Alert a{m.title, {}, {}};
    for (const auto& e : m.events) a.lines.push_back(e.line);
    for (const auto& v : m.values) a.values[v.name] = v.text;
    raised.push_back(std::move(a));
  });
  // Each expectation takes one raised alert of its rule and events whose values include the
  // expected ones; what is left over on either side is the diff.
  std::vector<bool> used(raised.size(), false);
  std::vector<std::string> missing, extra;
  for (const auto& e : expected) {
    bool found = false;
    for (size_t r = 0; r < raised.size() && !found; ++r) {
      if (used[r] || raised[r].title != e.title || raised[r].lines != e.lines) continue;
      bool values_hold = std::all_of(e.values.begin(), e.values.end(), [&](const auto& kv) {
        auto it = raised[r].values.find(kv.first);
        return it != raised[r].values.end() && it->second == kv.second;
      });
      if (values_hold) used[r] = found = true;
    }
    if (!found) missing.push_back(AlertText(e.title, e.lines, e.values));
  }
  for (size_t r = 0; r < raised.size(); ++r) {
    if (used[r]) continue;
    // Show the values the expectations of this rule check, so a wrong score is visible.
    std::map<std::string, std::string> shown;
    if (auto names = checked.find(raised[r].title); names != checked.end()) {
      for (const auto& name : names->second) {
        auto it = raised[r].values.find(name);
        shown[name] = it == raised[r].values.end() ? "(none)" : it->second;
      }
    }
    extra.push_back(AlertText(raised[r].title, raised[r].lines, shown));
  }
  if (rc == kExitOk && missing.empty() && extra.empty()) return true;
  std::cout << "FAIL " << label << "\n";
  if (rc != kExitOk) std::cout << err.str();
  std::sort(missing.begin(), missing.end());
  std::sort(extra.begin(), extra.end());
  for (const auto& m : missing) std::cout << "  - expected, not raised: " << m << "\n";
  for (const auto& x : extra) std::cout << "  + raised, not expected: " << x << "\n";
  return false;
}

// Runs every case of every *.test.yml under PATH...; the last line is "N passed, N failed".
int TestRules(int argc, char** argv) {
  if (argc <= 2) return UsageError("test needs a test file or a folder to search for *.test.yml");
  std::vector<std::string> tests;
  if (auto error = CollectFiles({argv + 2, argv + argc}, &tests, IsTestFile)) {
    return UsageError(*error);
  }
  size_t passed = 0, failed = 0;
  for (const auto& file : tests) {
    try {
      YAML::Node test = YAML::LoadFile(file);
      if (!test["rules"] || !test["cases"]) {
        std::cout << "FAIL " << file << ": a test file needs 'rules' and 'cases'\n";
        ++failed;
        continue;
      }
      size_t index = 0;
      for (const auto& c : test["cases"]) {
        (RunTestCase(file, test, c, index++) ? passed : failed) += 1;
      }
    } catch (const YAML::Exception& e) {
      std::cout << "FAIL " << file << ": " << e.what() << "\n";
      ++failed;
    }
  }
  std::cout << fmt::format("{} passed, {} failed\n", passed, failed);
  return failed == 0 ? kExitOk : kExitRuleErrors;
}

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
