#include "compiler/driver/compile.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string_view>

#include "compiler/check/lint.h"
#include "compiler/load/loader.h"
#include "compiler/parse/correlation_parser.h"
#include "compiler/parse/rule_parser.h"
#include "compiler/passes/simplify.h"

namespace refract {

namespace {

// Whether a --mapping argument names a file rather than a shipped profile.
bool NamesFile(const std::string& arg) {
  if (arg.find('/') != std::string::npos || arg.ends_with(".yaml") || arg.ends_with(".yml")) {
    return true;
  }
  for (const auto& p : ShippedProfiles()) {
    if (p.name == arg) return false;
  }
  return std::filesystem::exists(arg);
}

// Every shipped profile name, each once, for a message.
std::string ProfileNames() {
  std::set<std::string> names;
  for (const auto& p : ShippedProfiles()) names.insert(p.name);
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Records profile `name` for each selected target that has one by that name; E0113 when none
// does or a target already has another.
bool ChooseProfile(const std::string& name, const std::vector<const Backend*>& backends,
                   std::map<std::string, const ShippedProfile*>& chosen, Diagnostics& diagnostics) {
  const SourceLocation where{"--mapping " + name, 0, 0, 1};
  std::string targets;
  bool any = false;
  for (const auto& p : ShippedProfiles()) {
    if (p.name != name) continue;
    targets += (targets.empty() ? "" : ", ") + p.target;
    bool selected = false;
    for (const Backend* b : backends) selected = selected || b->id() == p.target;
    if (!selected) continue;
    any = true;
    auto [it, fresh] = chosen.emplace(p.target, &p);
    if (!fresh && it->second != &p) {
      diagnostics.Error("E0113", where,
                        fmt::format("two mapping profiles for target '{}': '{}' and '{}'", p.target,
                                    it->second->name, name));
      return false;
    }
  }
  if (targets.empty()) {
    diagnostics.Error("E0113", where,
                      fmt::format("no mapping file or shipped profile named '{}'", name),
                      {"profiles: " + ProfileNames() + " (refract list mappings)"});
    return false;
  }
  if (!any) {
    diagnostics.Error(
        "E0113", where,
        fmt::format("mapping profile '{}' is for {}, which is not selected", name, targets),
        {"add --target " + targets.substr(0, targets.find(','))});
    return false;
  }
  return true;
}

}  // namespace

bool Session::Init(const std::vector<std::string>& mapping_args, Diagnostics& diagnostics) {
  std::vector<std::string> user_mapping_files;
  std::map<std::string, const ShippedProfile*> chosen;  // a named profile, by target
  for (const auto& arg : mapping_args) {
    if (NamesFile(arg)) {
      user_mapping_files.push_back(arg);
    } else if (!ChooseProfile(arg, backends, chosen, diagnostics)) {
      return false;
    }
  }
  for (const Backend* backend : backends) {
    const std::string target(backend->id());
    const std::string_view* text = ShippedMappingText(target);
    TargetMapping mapping;
    if (text != nullptr) {
      auto parsed =
          TargetMapping::Parse("backends/mappings/" + target + ".yaml", *text, diagnostics);
      if (!parsed) return false;
      mapping = std::move(*parsed);
    }
    // A profile is its target's default mapping with the profile's file on top.
    auto profile = chosen.find(target);
    if (profile != chosen.end() && !profile->second->is_default) {
      auto parsed = TargetMapping::Parse("backends/mappings/" + profile->second->file + ".yaml",
                                         profile->second->text, diagnostics);
      if (!parsed) return false;
      mapping.Extend(*parsed);
    }
    mappings.emplace(target, std::move(mapping));
  }
  for (const auto& file : user_mapping_files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      diagnostics.Error("E0001", {file, 0, 0, 1}, "cannot read mapping file");
      return false;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto user = TargetMapping::Parse(file, buffer.str(), diagnostics);
    if (!user) return false;
    bool applied = false;
    for (auto& [target, mapping] : mappings) {
      if (user->target().empty() ? backends.size() == 1 : user->target() == target) {
        mapping.Extend(*user);
        applied = true;
      }
    }
    if (!applied) {
      diagnostics.Error(
          "E0112", {file, 1, 1, 1},
          user->target().empty()
              ? "mapping file names no 'target:' and several targets are selected"
              : "mapping file's target '" + user->target() + "' is not among the selected targets");
      return false;
    }
  }
  for (auto& [target, mapping] : mappings) {
    for (const auto& [name, values] : mapping.placeholders()) {
      placeholders.emplace(name, values);
    }
  }
  return true;
}

bool Session::LoadFilters(const std::vector<std::string>& files, Diagnostics& diagnostics) {
  int before = diagnostics.error_count();
  for (const auto& file : files) {
    auto doc = LoadRuleFile(file, diagnostics);
    if (!doc) continue;
    ParsedDocuments parsed = ParseDocuments(*doc, diagnostics);
    if (parsed.filters.empty() && diagnostics.error_count() == before) {
      diagnostics.Error("E0630", {file, 1, 1, 1}, "the --filter file holds no filter document");
    }
    for (auto& f : parsed.filters) filters.push_back(std::move(f));
  }
  return diagnostics.error_count() == before;
}

namespace {

// The names of `reads`, each once, sorted.
std::vector<std::string> Distinct(const std::multiset<std::string>& reads) {
  std::set<std::string> names(reads.begin(), reads.end());
  return {names.begin(), names.end()};
}

std::string FirstError(const Diagnostics& diagnostics) {
  for (const auto& d : diagnostics.all()) {
    if (d.severity == Severity::kError) return d.code + " " + d.message;
  }
  return "";
}

bool HasCode(const Diagnostics& diagnostics, std::string_view code) {
  for (const auto& d : diagnostics.all()) {
    if (d.code == code) return true;
  }
  return false;
}

// Room for `more` elements; past the first call it at least doubles, so that a file of many
// rules does not reallocate exactly (and copy everything) once per rule.
template <typename T>
void MakeRoom(std::vector<T>& v, size_t more) {
  if (v.capacity() - v.size() >= more) return;
  v.reserve(std::max(v.size() + more, 2 * v.capacity()));
}

// What a pass over a rule file does: compile it (and report), or only lower its rules again for
// the correlations that name them (CompileCorrelations without Session::keep_lowered).
enum class Pass { kCompile, kLowerAgain };

void CompileRule(const ast::Rule& written, int document, const Session& session, Pass pass,
                 FileResult& out) {
  std::optional<ast::Rule> filtered;  // a copy only when filters change the rule
  if (!session.filters.empty()) filtered = ir::ApplyFilters(written, session.filters);
  const ast::Rule& rule = filtered ? *filtered : written;
  if (pass == Pass::kCompile && session.stage == EmitStage::kAst && !rule.has_errors) {
    out.outputs.push_back({rule.title, rule.id, rule.name, document, "", ast::Print(rule)});
    return;
  }
  ir::LowerOptions lower_options;
  lower_options.placeholders = &session.placeholders;
  Diagnostics rule_diagnostics;
  auto lowered = ir::Lower(rule, lower_options, rule_diagnostics);
  if (session.strict) rule_diagnostics.PromoteWarnings();
  bool lowered_ok = lowered.has_value() && !rule_diagnostics.HasErrors();
  // Once per rule, not per target: mapping keeps the tree simplified unless it says otherwise.
  if (lowered_ok) lowered->condition = passes::Simplify(std::move(lowered->condition));
  if (pass == Pass::kLowerAgain) {
    if (lowered_ok) out.lowered.push_back(std::move(*lowered));
    return;
  }
  if (lowered_ok) {
    for (const std::string* key : {&lowered->info.name, &lowered->info.id}) {
      if (!key->empty()) out.lowered_names.push_back(*key);
    }
  }
  std::string rule_error = FirstError(rule_diagnostics);
  std::vector<Diagnostic> rule_own;
  if (session.diagnostics_per_outcome) rule_own = rule_diagnostics.all();
  out.diagnostics.Append(std::move(rule_diagnostics));
  const SharedMeta meta = MetaOf(rule);
  // One outcome and at most one output per target: no regrowth (the vectors hold a whole run).
  MakeRoom(out.outcomes, session.backends.size());
  if (lowered_ok) MakeRoom(out.outputs, session.backends.size());
  for (size_t b = 0; b < session.backends.size(); ++b) {
    const Backend* backend = session.backends[b];
    std::string target(backend->id());
    if (!lowered_ok) {
      out.outcomes.push_back({rule.title, target, false, rule_error, false, rule_own});
      continue;
    }
    Diagnostics target_diagnostics;
    // Mapping rewrites the rule, so each target has its own copy, except the last, which takes
    // the rule itself unless the session keeps it: a one-target run copies nothing.
    const bool last_use = b + 1 == session.backends.size() && !session.keep_lowered;
    ir::Rule mapped = last_use ? std::move(*lowered) : *lowered;
    const TargetMapping& mapping = session.mappings.find(target)->second;
    Reshaped reshaped = Reshaped::kNone;
    bool ok = ApplyMapping(mapped, mapping, session.mapping_options, target_diagnostics, reshaped);
    if (reshaped == Reshaped::kWhole) {
      mapped.condition = passes::Simplify(std::move(mapped.condition));
    } else if (reshaped == Reshaped::kTop) {
      mapped.condition = passes::SimplifyTop(std::move(mapped.condition));
    }
    std::optional<std::string> text;
    std::multiset<std::string> lists;
    if (ok && session.stage == EmitStage::kIr) {
      text = ir::Print(mapped);
    } else if (ok) {
      ListLookups lookups{&session.placeholders, &lists};
      EmitContext context{mapped, mapping, target_diagnostics, backend->id(),
                          session.lookups ? &lookups : nullptr};
      text = backend->Emit(context);
    }
    if (session.strict) target_diagnostics.PromoteWarnings();
    ok = ok && text.has_value() && !target_diagnostics.HasErrors();
    std::string error = FirstError(target_diagnostics);
    bool field_warning = HasCode(target_diagnostics, "W0402");
    std::vector<Diagnostic> own;
    if (session.diagnostics_per_outcome) {
      own = rule_own;
      own.insert(own.end(), target_diagnostics.all().begin(), target_diagnostics.all().end());
    }
    out.diagnostics.Append(std::move(target_diagnostics));
    out.outcomes.push_back({rule.title, target, ok, error, field_warning, std::move(own)});
    if (ok) {
      out.outputs.push_back(
          {rule.title, rule.id, rule.name, document, target, std::move(*text), meta});
      out.outputs.back().lists = Distinct(lists);
      out.outputs.back().diagnostics = out.outcomes.back().diagnostics;
    }
  }
  // Kept whole only where the session asks (refract hunt); moved after the per-target copies.
  if (lowered_ok && session.keep_lowered) out.lowered.push_back(std::move(*lowered));
}

}  // namespace

namespace {

// Maps `c` into `backend`'s names and emits it; nullopt after reporting why it cannot.
std::optional<std::string> EmitMapped(const ir::Correlation& c, const Backend& backend,
                                      const Session& session, Diagnostics& diagnostics,
                                      std::multiset<std::string>* lists) {
  const TargetMapping& mapping = session.mappings.find(std::string(backend.id()))->second;
  ir::Correlation mapped = c;
  bool ok = MapCorrelation(mapped, mapping, session.mapping_options, diagnostics);
  passes::Simplify(mapped);
  ListLookups lookups{&session.placeholders, lists};
  CorrelationContext context{mapped, mapping, diagnostics, backend.id(),
                             session.lookups && lists != nullptr ? &lookups : nullptr};
  if (!ok) return std::nullopt;
  if (session.stage == EmitStage::kIr) return ir::Print(mapped);
  if (c.kind == ir::CorrelationKind::kTemporalOrdered && c.rule_condition) {
    // The proposal defines the extended condition by which rules occur, not in which order.
    context.Unsupported("an expression condition on temporal_ordered");
    return std::nullopt;
  }
  if (c.kind == ir::CorrelationKind::kConsecutive) return backend.EmitConsecutive(context);
  return c.kind == ir::CorrelationKind::kAggregate ? backend.EmitAggregate(context)
                                                   : backend.EmitCorrelation(context);
}

// Maps `c` into each target's names and emits it, recording outputs and outcomes in `out`.
void CompileCorrelation(const ir::Correlation& c, const Session& session, FileResult& out) {
  const SharedMeta meta = MetaOf(c);
  for (const Backend* backend : session.backends) {
    std::string target(backend->id());
    Diagnostics diagnostics;
    std::multiset<std::string> lists;
    std::optional<std::string> text = EmitMapped(c, *backend, session, diagnostics, &lists);
    if (session.strict) diagnostics.PromoteWarnings();
    bool ok = text.has_value() && !diagnostics.HasErrors();
    std::string error = FirstError(diagnostics);
    bool field_warning = HasCode(diagnostics, "W0402");
    std::vector<Diagnostic> own;
    if (session.diagnostics_per_outcome) own = diagnostics.all();
    out.diagnostics.Append(std::move(diagnostics));
    out.outcomes.push_back({c.info.title, target, ok, error, field_warning, std::move(own)});
    if (ok) {
      out.outputs.push_back(
          {c.info.title, c.info.id, c.info.name, c.document, target, std::move(*text), meta});
      out.outputs.back().lists = Distinct(lists);
      out.outputs.back().diagnostics = out.outcomes.back().diagnostics;
    }
  }
}

// The signals of union `c` on a target with no union of results: each one's query of its own,
// carrying the union's columns, as outputs of the union's document; false after reporting why
// one of them cannot be written. The signals' own warnings were reported when they compiled
// alone, so only errors and the composition's warning are kept here.
bool ComposePerSignal(const ir::Correlation& c, const Backend& backend, const Session& session,
                      const std::map<std::string, ir::Correlation>& signals,
                      Diagnostics& diagnostics, std::vector<Output>& outputs) {
  std::vector<Output> parts;
  for (const auto& source : c.sources) {
    const ir::Correlation& signal = signals.find(source.chained)->second;
    ir::Correlation part = ir::AsUnionPart(signal, c);
    Diagnostics part_diagnostics;
    std::multiset<std::string> lists;
    std::optional<std::string> text = EmitMapped(part, backend, session, part_diagnostics, &lists);
    for (const auto& d : part_diagnostics.all()) {
      if (d.severity == Severity::kError) diagnostics.Report(d);
    }
    if (!text || part_diagnostics.HasErrors()) return false;
    Output o{fmt::format("{}: {}", c.info.title, signal.info.title),
             signal.info.id,
             signal.info.name,
             c.document,
             std::string(backend.id()),
             std::move(*text),
             MetaOf(signal)};
    o.composition = c.info.title;
    o.part = signal.info.name.empty() ? signal.info.id : signal.info.name;
    o.lists = Distinct(lists);
    parts.push_back(std::move(o));
  }
  diagnostics.Warning(
      "W0501", c.location,
      backend.UnionSignalsCarryColumns()
          ? fmt::format("on target '{}' the union '{}' becomes {} queries, one per signal, each "
                        "carrying the union's columns: deploy them together (the platform has "
                        "no union of results)",
                        backend.id(), c.info.title, parts.size())
          : fmt::format("on target '{}' the union '{}' becomes {} rules, one per signal, "
                        "without the union's columns and order (a rule has no place for them): "
                        "deploy them together",
                        backend.id(), c.info.title, parts.size()));
  for (auto& o : parts) outputs.push_back(std::move(o));
  return true;
}

// refract's `union` extension: the named correlations' queries, per target, composed into one
// result with shared columns and an order.
void ComposeUnions(std::vector<FileResult>& results, const std::vector<ir::Correlation>& unions,
                   const std::vector<size_t>& union_files,
                   const std::map<std::string, ir::Correlation>& signals, const Session& session) {
  if (unions.empty()) return;
  struct Query {
    std::string text;
    std::vector<std::string> lists;
  };
  // Only the queries some union names are copied: every output's text was a fifth of a
  // corpus run's memory. Copies, since composing adds outputs to the vectors they sit in.
  std::set<std::string_view> wanted;
  for (const auto& c : unions) {
    for (const auto& part : c.sources) wanted.insert(part.chained);
  }
  std::map<std::pair<std::string, std::string>, Query> queries;  // (name, target)
  std::set<std::string> names;
  for (const auto& r : results) {
    for (const auto& c : r.correlations) {
      if (!c.name.empty()) names.insert(c.name);
      if (!c.id.empty()) names.insert(c.id);
    }
    for (const auto& o : r.outputs) {
      if (o.target.empty()) continue;
      for (const std::string* key : {&o.rule_name, &o.rule_id}) {
        if (!key->empty() && wanted.count(*key) != 0) queries[{*key, o.target}] = {o.text, o.lists};
      }
    }
  }
  std::set<std::pair<std::string, std::string>> composed;  // signals that are parts of a union
  for (size_t u = 0; u < unions.size(); ++u) {
    const ir::Correlation& c = unions[u];
    FileResult& r = results[union_files[u]];
    bool known = true;
    for (const auto& part : c.sources) {
      if (names.count(part.chained) != 0) continue;
      known = false;
      r.diagnostics.Error("E0616", part.location,
                          fmt::format("union refers to '{}', which is no correlation of this "
                                      "run",
                                      part.chained));
    }
    const SharedMeta meta = MetaOf(c);
    for (const Backend* backend : session.backends) {
      std::string target(backend->id());
      if (!known) {
        r.outcomes.push_back({c.info.title, target, false, "E0616"});
        continue;
      }
      std::vector<std::string> parts;
      std::set<std::string> lists;  // a union reads what its parts read
      std::string missing;
      for (const auto& part : c.sources) {
        auto it = queries.find({part.chained, target});
        if (it == queries.end()) {
          missing = part.chained;
          break;
        }
        parts.push_back(it->second.text);
        lists.insert(it->second.lists.begin(), it->second.lists.end());
      }
      Diagnostics diagnostics;
      std::optional<std::string> text;
      if (missing.empty() && backend->WritesUnionPerSignal()) {
        bool ok = ComposePerSignal(c, *backend, session, signals, diagnostics, r.outputs);
        if (session.strict) diagnostics.PromoteWarnings();
        ok = ok && !diagnostics.HasErrors();
        std::string error = FirstError(diagnostics);
        std::vector<Diagnostic> own;
        if (session.diagnostics_per_outcome) own = diagnostics.all();
        r.diagnostics.Append(std::move(diagnostics));
        r.outcomes.push_back({c.info.title, target, ok, error, false, std::move(own)});
        if (ok && !c.generate) {
          for (const auto& part : c.sources) composed.insert({part.chained, target});
        }
        continue;
      }
      if (!missing.empty()) {
        diagnostics.Error(
            "E0618", c.location,
            fmt::format("union has no {} query because '{}' has none", target, missing));
      } else {
        CorrelationContext context{c, session.mappings.find(target)->second, diagnostics,
                                   backend->id()};
        text = backend->EmitUnion(context, parts);
      }
      if (session.strict) diagnostics.PromoteWarnings();
      bool ok = text.has_value() && !diagnostics.HasErrors();
      std::string error = FirstError(diagnostics);
      std::vector<Diagnostic> own;
      if (session.diagnostics_per_outcome) own = diagnostics.all();
      r.diagnostics.Append(std::move(diagnostics));
      r.outcomes.push_back({c.info.title, target, ok, error, false, std::move(own)});
      if (!ok) continue;
      r.outputs.push_back(
          {c.info.title, c.info.id, c.info.name, c.document, target, std::move(*text), meta});
      r.outputs.back().lists.assign(lists.begin(), lists.end());  // a set already
      r.outputs.back().diagnostics = r.outcomes.back().diagnostics;
      if (!c.generate) {
        for (const auto& part : c.sources) composed.insert({part.chained, target});
      }
    }
  }
  // The signals a union composes are not results of their own unless it says generate: true.
  for (auto& r : results) {
    std::erase_if(r.outputs, [&](const Output& o) {
      if (!o.composition.empty()) return false;  // a signal as the union's part
      return composed.count({o.rule_name, o.target}) != 0 ||
             composed.count({o.rule_id, o.target}) != 0;
    });
  }
}

// True when output `o` is the query of the rule or correlation with `id` and `name`.
bool IsOutputOf(const Output& o, const std::string& id, const std::string& name) {
  return (!o.rule_id.empty() && o.rule_id == id) ||
         (o.rule_id.empty() && !o.rule_name.empty() && o.rule_name == name);
}

}  // namespace

const SharedMeta& NoMeta() {
  static const SharedMeta kNone = std::make_shared<const RuleMeta>();
  return kNone;
}

SharedMeta MetaOf(const ast::Rule& rule) {
  return std::make_shared<const RuleMeta>(RuleMeta{rule.description, rule.level, rule.status,
                                                   rule.author, rule.tags, rule.falsepositives,
                                                   rule.references, 0});
}

SharedMeta MetaOf(const ir::Correlation& c) {
  const ir::RuleInfo& i = c.info;
  return std::make_shared<const RuleMeta>(RuleMeta{i.description, i.level, i.status, i.author,
                                                   i.tags, i.falsepositives, i.references,
                                                   c.window.span_seconds});
}

void CompileCorrelations(std::vector<FileResult>& results, const Session& session) {
  ir::CorrelationScope scope;
  // Rules not kept are lowered again, in the files that declare a name a correlation reads;
  // every other rule's names are known for "did you mean" only.
  std::set<std::string_view> named;
  for (const auto& r : results) {
    for (const auto& c : r.correlations) {
      for (const auto& ref : c.rules) named.insert(ref.text);
    }
  }
  std::vector<std::vector<ir::Rule>> lowered_again(results.size());
  for (size_t f = 0; f < results.size(); ++f) {
    const FileResult& r = results[f];
    const bool read = std::any_of(r.lowered_names.begin(), r.lowered_names.end(),
                                  [&](const std::string& key) { return named.contains(key); });
    if (read && !session.keep_lowered) lowered_again[f] = LowerAgain(r, session);
    if (read) {
      for (const auto& rule : session.keep_lowered ? r.lowered : lowered_again[f]) {
        scope.AddRule(rule);
      }
    } else {
      for (const auto& key : r.lowered_names) scope.AddName(key);
    }
    for (const auto& c : r.correlations) scope.AddCorrelation(c);
  }
  std::set<const ir::Rule*> hidden;
  std::set<const ir::Rule*> shown;
  std::set<const ast::Correlation*> hidden_correlations;
  std::set<const ast::Correlation*> shown_correlations;
  std::vector<ir::Correlation> unions;
  std::vector<size_t> union_files;
  std::map<std::string, ir::Correlation> signals;  // by name and id: what a union may compose
  const ir::CorrelationLowerOptions options{&session.placeholders, ir::Chains::kFold,
                                            session.strict};
  for (size_t f = 0; f < results.size(); ++f) {
    FileResult& r = results[f];
    for (const auto& c : r.correlations) {
      ir::CorrelationLowering lowering = ir::LowerCorrelation(c, scope, options, r.diagnostics);
      if (!lowering.correlation) {
        for (const Backend* backend : session.backends) {
          r.outcomes.push_back({c.title, std::string(backend->id()), false, lowering.failure});
        }
        continue;
      }
      if (lowering.correlation->kind == ir::CorrelationKind::kUnion) {
        // Composed below, from the other correlations' queries.
        unions.push_back(std::move(*lowering.correlation));
        union_files.push_back(f);
        continue;
      }
      for (const ast::Correlation* inner : lowering.folded) {
        (c.generate ? shown_correlations : hidden_correlations).insert(inner);
      }
      for (const auto& ref : c.rules) {
        if (const ir::Rule* rule = scope.FindRule(ref.text)) {
          (c.generate ? shown : hidden).insert(rule);
        }
      }
      CompileCorrelation(*lowering.correlation, session, r);
      for (const std::string* key : {&c.name, &c.id}) {
        if (!key->empty()) signals.emplace(*key, *lowering.correlation);
      }
    }
  }
  ComposeUnions(results, unions, union_files, signals, session);
  std::set<std::string> reported;
  for (auto& r : results) r.diagnostics.DropSeen(reported);
  // Rules a correlation reads are not queries of their own unless one says `generate: true`.
  for (const ir::Rule* rule : shown) hidden.erase(rule);
  for (const ast::Correlation* c : shown_correlations) hidden_correlations.erase(c);
  if (hidden.empty() && hidden_correlations.empty()) return;
  for (auto& r : results) {
    std::erase_if(r.outputs, [&](const Output& o) {
      if (o.target.empty()) return false;
      for (const ast::Correlation* c : hidden_correlations) {
        if (IsOutputOf(o, c->id, c->name)) return true;
      }
      for (const ir::Rule* rule : hidden) {
        if (IsOutputOf(o, rule->info.id, rule->info.name)) return true;
      }
      return false;
    });
  }
}

namespace {

// Reads, parses and compiles the documents of `result.source` into `result`.
void CompileSource(const Session& session, Pass pass, FileResult& result) {
  auto doc = LoadRuleSource(result.source, result.diagnostics);
  if (!doc) return;
  for (size_t i = 0; i < doc->documents.size(); ++i) {
    const yaml::Node& node = doc->documents[i];
    if (!node.IsDefined() || node.IsNull()) continue;
    RuleDoc single{doc->source, doc->tree, {node}};
    if (pass == Pass::kLowerAgain) {
      for (const auto& rule : ParseDocuments(single, result.diagnostics).rules) {
        CompileRule(rule, static_cast<int>(i), session, pass, result);
      }
      continue;
    }
    ++result.documents;
    if (session.lint) LintMetadata(node, *doc->source, result.diagnostics);
    ParsedDocuments parsed = ParseDocuments(single, result.diagnostics);
    auto declare = [&](const std::string& id, const std::string& name, SourceLocation at) {
      if (!id.empty()) result.declared.push_back({"id", id, at});
      if (!name.empty()) result.declared.push_back({"name", name, at});
    };
    for (const auto& c : parsed.correlations) declare(c.id, c.name, c.location);
    for (const auto& rule : parsed.rules) {
      declare(rule.id, rule.name, rule.location);
      if (session.lint && !rule.has_errors) LintSearches(rule, result.diagnostics);
    }
    for (auto& c : parsed.correlations) {
      c.document = static_cast<int>(i);
      if (session.stage == EmitStage::kAst) {
        result.outputs.push_back({c.title, c.id, c.name, static_cast<int>(i), "", ast::Print(c)});
      } else {
        result.correlations.push_back(std::move(c));
      }
    }
    for (const auto& f : parsed.filters) {
      result.diagnostics.Warning("W0631", f.location,
                                 fmt::format("filter '{}' is not applied: filters take effect "
                                             "with --filter FILE",
                                             f.title));
    }
    const auto& rules = parsed.rules;
    for (const auto& rule : rules) {
      if (!rule.has_errors) ++result.rules_parsed;
      CompileRule(rule, static_cast<int>(i), session, pass, result);
    }
  }
}

}  // namespace

std::vector<ir::Rule> LowerAgain(const FileResult& file, const Session& session) {
  if (!file.source) return {};
  FileResult again;
  again.path = file.path;
  again.source = file.source;
  CompileSource(session, Pass::kLowerAgain, again);
  return std::move(again.lowered);
}

FileResult CompileText(const std::string& path, std::string text, const Session& session) {
  FileResult result;
  result.path = path;
  if (text.size() > kMaxRuleFileBytes) {
    LoadRuleText(path, std::move(text), result.diagnostics);
    return result;
  }
  result.source = std::make_shared<SourceFile>(path, std::move(text));
  CompileSource(session, Pass::kCompile, result);
  return result;
}

FileResult CompileFile(const std::string& path, const Session& session) {
  FileResult result;
  result.path = path;
  auto text = ReadRuleFileText(path, result.diagnostics);
  if (!text) return result;
  return CompileText(path, std::move(*text), session);
}

}  // namespace refract
