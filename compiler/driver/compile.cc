#include "compiler/driver/compile.h"

#include <fmt/format.h>

#include <fstream>
#include <set>
#include <sstream>

#include "compiler/check/lint.h"
#include "compiler/load/loader.h"
#include "compiler/parse/correlation_parser.h"
#include "compiler/parse/rule_parser.h"
#include "compiler/passes/simplify.h"

namespace refract {

bool Session::Init(const std::vector<std::string>& user_mapping_files, Diagnostics& diagnostics) {
  for (const Backend* backend : backends) {
    const std::string_view* text = ShippedMappingText(backend->id());
    std::string origin = "backends/mappings/" + std::string(backend->id()) + ".yaml";
    TargetMapping mapping;
    if (text != nullptr) {
      auto parsed = TargetMapping::Parse(origin, std::string(*text), diagnostics);
      if (!parsed) return false;
      mapping = std::move(*parsed);
    }
    mappings.emplace(std::string(backend->id()), std::move(mapping));
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

std::string Lowercase(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// A filter applies to the rules it names (by id or name), or to every rule when it names none,
// and only where its log source keys all equal the rule's.
bool FilterApplies(const ast::Rule& filter, const ast::Rule& rule) {
  if (!filter.filter_rules.empty()) {
    bool named = false;
    for (const auto& ref : filter.filter_rules) {
      named =
          named || (!rule.id.empty() && ref == rule.id) || (!rule.name.empty() && ref == rule.name);
    }
    if (!named) return false;
  }
  const ast::LogSource& f = filter.logsource;
  const ast::LogSource& r = rule.logsource;
  for (auto [a, b] : {std::pair{&f.product, &r.product}, std::pair{&f.category, &r.category},
                      std::pair{&f.service, &r.service}}) {
    if (!a->empty() && Lowercase(*a) != Lowercase(*b)) return false;
  }
  return true;
}

// Renames a filter's search references so they cannot collide with the rule's own; a filter's
// `them` means its own searches.
void PrefixReferences(ast::Condition& c, const std::string& prefix) {
  using Kind = ast::Condition::Kind;
  if (c.kind == Kind::kRef) {
    c.name = prefix + c.name;
  } else if (c.kind == Kind::kOneOf || c.kind == Kind::kAllOf) {
    c.name = c.name == "them" ? prefix + "*" : prefix + c.name;
  } else {
    for (auto& child : c.children) PrefixReferences(child, prefix);
  }
}

// The rule with every applicable filter joined in: (rule) and (filter) and ...
ast::Rule WithFilters(const ast::Rule& rule, const std::vector<ast::Rule>& filters) {
  ast::Rule out = rule;
  for (size_t i = 0; i < filters.size(); ++i) {
    const ast::Rule& filter = filters[i];
    if (!FilterApplies(filter, rule) || filter.conditions.empty()) continue;
    std::string prefix = fmt::format("_filter{}_", i);
    for (auto search : filter.searches) {
      search.name = prefix + search.name;
      out.searches.push_back(std::move(search));
    }
    ast::Condition rule_condition;
    rule_condition.kind = ast::Condition::Kind::kOr;
    rule_condition.children = out.conditions;
    ast::Condition filter_condition;
    filter_condition.kind = ast::Condition::Kind::kOr;
    filter_condition.children = filter.conditions;
    PrefixReferences(filter_condition, prefix);
    ast::Condition both;
    both.kind = ast::Condition::Kind::kAnd;
    both.children = {std::move(rule_condition), std::move(filter_condition)};
    out.conditions = {std::move(both)};
  }
  return out;
}

std::string FirstError(const Diagnostics& diagnostics) {
  for (const auto& d : diagnostics.all()) {
    if (d.severity == Severity::kError) return d.code + " " + d.message;
  }
  return "";
}

void CompileRule(const ast::Rule& written, int document, const Session& session, FileResult& out) {
  std::optional<ast::Rule> filtered;  // a copy only when filters change the rule
  if (!session.filters.empty()) filtered = WithFilters(written, session.filters);
  const ast::Rule& rule = filtered ? *filtered : written;
  if (session.stage == EmitStage::kAst && !rule.has_errors) {
    out.outputs.push_back({rule.title, rule.id, rule.name, document, "", ast::Print(rule)});
    return;
  }
  ir::LowerOptions lower_options;
  lower_options.placeholders = &session.placeholders;
  Diagnostics rule_diagnostics;
  auto lowered = ir::Lower(rule, lower_options, rule_diagnostics);
  if (session.strict) rule_diagnostics.PromoteWarnings();
  bool lowered_ok = lowered.has_value() && !rule_diagnostics.HasErrors();
  std::string rule_error = FirstError(rule_diagnostics);
  out.diagnostics.Append(std::move(rule_diagnostics));
  for (const Backend* backend : session.backends) {
    std::string target(backend->id());
    if (!lowered_ok) {
      out.outcomes.push_back({rule.title, target, false, rule_error});
      continue;
    }
    Diagnostics target_diagnostics;
    ir::Rule mapped = *lowered;
    const TargetMapping& mapping = session.mappings.find(target)->second;
    bool ok = ApplyMapping(mapped, mapping, session.mapping_options, target_diagnostics);
    mapped.condition = passes::Simplify(std::move(mapped.condition));
    std::optional<std::string> text;
    if (ok && session.stage == EmitStage::kIr) {
      text = ir::Print(mapped);
    } else if (ok) {
      EmitContext context{mapped, mapping, target_diagnostics, backend->id()};
      text = backend->Emit(context);
    }
    if (session.strict) target_diagnostics.PromoteWarnings();
    ok = ok && text.has_value() && !target_diagnostics.HasErrors();
    std::string error = FirstError(target_diagnostics);
    out.diagnostics.Append(std::move(target_diagnostics));
    out.outcomes.push_back({rule.title, target, ok, error});
    if (ok) {
      out.outputs.push_back(
          {rule.title, rule.id, rule.name, document, target, std::move(*text), MetaOf(rule)});
    }
  }
  // Kept for the correlations that may read this rule; moved after the per-target copies.
  if (lowered_ok) out.lowered.push_back(std::move(*lowered));
}

}  // namespace

namespace {

// The target field a correlation's group-by entry or value field names in `source`: an alias
// when the correlation defines one for that rule, else the field itself, then mapped.
std::string CorrelationField(const ast::Correlation& c, const std::string& name,
                             const ir::Rule& source, const TargetMapping& mapping) {
  std::string field = name;
  auto alias = c.aliases.find(name);
  if (alias != c.aliases.end()) {
    for (const std::string* key : {&source.info.name, &source.info.id}) {
      auto it = alias->second.find(*key);
      if (!key->empty() && it != alias->second.end()) field = it->second;
    }
  }
  bool mapped = false;
  return mapping.MapField(mapping.Find(source.logsource), field, &mapped);
}

}  // namespace

std::optional<ir::Rule> LowerMeasureFilter(const ast::Correlation& c,
                                           const ast::Correlation::Measure& measure,
                                           const ir::Rule& source, const Session& session,
                                           Diagnostics& diagnostics) {
  ast::Rule selection;
  selection.title = c.title;
  selection.logsource = source.logsource;
  selection.location = measure.location;
  selection.searches = {*measure.where};
  ast::Condition ref;
  ref.name = measure.where->name;
  selection.conditions = {ref};
  return ir::Lower(selection, {&session.placeholders}, diagnostics);
}

namespace {

// One rule a correlation reads: a detection rule, or, for a chained correlation, the rule of the
// event_count correlation it names, folded in as a threshold.
struct SourceRef {
  const ir::Rule* rule;
  std::string label;                      // the reference as written
  const ast::Correlation* via = nullptr;  // the chained event_count correlation, if any
  long long min_count = 1;
};

// The target field of the outer group-by entry `name` in a chained source: the outer alias for
// the inner correlation (an inner group-by name), then the inner correlation's own alias.
std::string ChainedField(const ast::Correlation& outer, const SourceRef& ref,
                         const std::string& name, const TargetMapping& mapping) {
  std::string inner_name = name;
  auto alias = outer.aliases.find(name);
  if (alias != outer.aliases.end()) {
    auto it = alias->second.find(ref.label);
    if (it != alias->second.end()) inner_name = it->second;
  }
  return CorrelationField(*ref.via, inner_name, *ref.rule, mapping);
}

void CompileCorrelation(const ast::Correlation& c, const std::vector<SourceRef>& sources,
                        const Session& session, FileResult& out) {
  for (const Backend* backend : session.backends) {
    std::string target(backend->id());
    const TargetMapping& mapping = session.mappings.find(target)->second;
    Diagnostics diagnostics;
    std::vector<ir::Rule> mapped;
    mapped.reserve(sources.size());
    bool ok = true;
    for (const SourceRef& source : sources) {
      ir::Rule rule = *source.rule;
      ok = ApplyMapping(rule, mapping, session.mapping_options, diagnostics) && ok;
      rule.condition = passes::Simplify(std::move(rule.condition));
      mapped.push_back(std::move(rule));
    }
    CorrelationContext context{c, {}, mapping, diagnostics, backend->id()};
    for (size_t i = 0; i < mapped.size(); ++i) {
      const SourceRef& ref = sources[i];
      CorrelationSource cs{&mapped[i], ref.label, {}, "", ref.min_count};
      for (const auto& g : c.group_by) {
        cs.group_fields.push_back(ref.via ? ChainedField(c, ref, g, mapping)
                                          : CorrelationField(c, g, *ref.rule, mapping));
      }
      if (!c.field.empty()) cs.value_field = CorrelationField(c, c.field, *ref.rule, mapping);
      context.sources.push_back(std::move(cs));
    }
    // Count-if filters of the aggregate extension, lowered against the first rule's log source
    // and mapped like it.
    for (const auto& m : c.measures) {
      context.measure_fields.push_back(
          m.field.empty() ? "" : CorrelationField(c, m.field, *sources[0].rule, mapping));
      if (!m.where) {
        context.measure_filters.emplace_back();
        continue;
      }
      auto lowered = LowerMeasureFilter(c, m, *sources[0].rule, session, diagnostics);
      if (!lowered) {
        ok = false;
        context.measure_filters.emplace_back();
        continue;
      }
      Diagnostics ignored;  // the log source was mapped, and warned about, with the rule itself
      ApplyMapping(*lowered, mapping, session.mapping_options, ignored);
      // Mapping ANDs in the log source's own filter: redundant inside a count-if, whose rows
      // already passed it, and harmless.
      context.measure_filters.push_back(passes::Simplify(std::move(lowered->condition)));
    }
    std::optional<std::string> text;
    if (ok && session.stage == EmitStage::kIr) {
      text = ast::Print(c);
      for (size_t i = 0; i < mapped.size(); ++i) {
        text->append(fmt::format("  source {}\n", sources[i].label) + ir::Print(mapped[i]));
      }
    } else if (ok && c.type == "temporal_ordered" && c.rule_condition) {
      // The proposal defines the extended condition by which rules occur, not in which order.
      context.Unsupported("an expression condition on temporal_ordered");
    } else if (ok) {
      text = c.type == "aggregate" ? backend->EmitAggregate(context)
                                   : backend->EmitCorrelation(context);
    }
    if (session.strict) diagnostics.PromoteWarnings();
    ok = ok && text.has_value() && !diagnostics.HasErrors();
    std::string error = FirstError(diagnostics);
    out.diagnostics.Append(std::move(diagnostics));
    out.outcomes.push_back({c.title, target, ok, error});
    if (ok) {
      out.outputs.push_back(
          {c.title, c.id, c.name, c.document, target, std::move(*text), MetaOf(c)});
    }
  }
}

// refract's `union` extension: the named correlations' queries, per target, composed into one
// result with shared columns and an order.
void ComposeUnions(std::vector<FileResult>& results, const Session& session) {
  std::map<std::pair<std::string, std::string>, std::string> queries;  // (name, target) → text
  std::set<std::string> names;
  for (const auto& r : results) {
    for (const auto& c : r.correlations) {
      if (!c.name.empty()) names.insert(c.name);
      if (!c.id.empty()) names.insert(c.id);
    }
    for (const auto& o : r.outputs) {
      if (o.target.empty()) continue;
      for (const std::string* key : {&o.rule_name, &o.rule_id}) {
        if (!key->empty()) queries[{*key, o.target}] = o.text;
      }
    }
  }
  std::set<std::pair<std::string, std::string>> composed;  // signals that are parts of a union
  for (auto& r : results) {
    for (const auto& c : r.correlations) {
      if (c.type != "union") continue;
      bool known = true;
      for (const auto& ref : c.rules) {
        if (names.count(ref.text) != 0) continue;
        known = false;
        r.diagnostics.Error("E0616", ref.location,
                            fmt::format("union refers to '{}', which is no correlation of this "
                                        "run",
                                        ref.text));
      }
      for (const Backend* backend : session.backends) {
        std::string target(backend->id());
        if (!known) {
          r.outcomes.push_back({c.title, target, false, "E0616"});
          continue;
        }
        std::vector<std::string> parts;
        std::string missing;
        for (const auto& ref : c.rules) {
          auto it = queries.find({ref.text, target});
          if (it == queries.end()) {
            missing = ref.text;
            break;
          }
          parts.push_back(it->second);
        }
        Diagnostics diagnostics;
        std::optional<std::string> text;
        if (!missing.empty()) {
          diagnostics.Error(
              "E0618", c.location,
              fmt::format("union has no {} query because '{}' has none", target, missing));
        } else {
          CorrelationContext context{
              c, {}, session.mappings.find(target)->second, diagnostics, backend->id()};
          text = backend->EmitUnion(context, parts);
        }
        if (session.strict) diagnostics.PromoteWarnings();
        bool ok = text.has_value() && !diagnostics.HasErrors();
        std::string error = FirstError(diagnostics);
        r.diagnostics.Append(std::move(diagnostics));
        r.outcomes.push_back({c.title, target, ok, error});
        if (!ok) continue;
        r.outputs.push_back(
            {c.title, c.id, c.name, c.document, target, std::move(*text), MetaOf(c)});
        if (!c.generate) {
          for (const auto& ref : c.rules) composed.insert({ref.text, target});
        }
      }
    }
  }
  // The signals a union composes are not results of their own unless it says generate: true.
  for (auto& r : results) {
    std::erase_if(r.outputs, [&](const Output& o) {
      return composed.count({o.rule_name, o.target}) != 0 ||
             composed.count({o.rule_id, o.target}) != 0;
    });
  }
}

}  // namespace

// Folds the event_count correlation `inner`, named by `outer`, into one of outer's sources: the
// inner rule with at least N events. Translators express a chain this way (the evaluator runs
// chains of any type); returns nullopt after reporting E0617 when the chain has another shape.
std::optional<SourceRef> FoldChained(const ast::Correlation& outer, const ast::Scalar& ref,
                                     const ast::Correlation& inner,
                                     const std::map<std::string, const ir::Rule*>& rules,
                                     Diagnostics& diagnostics) {
  auto refuse = [&](const std::string& why) {
    diagnostics.Error(
        "E0617", ref.location,
        fmt::format("correlation over correlation '{}' cannot be translated: {}", ref.text, why),
        {"translators fold an event_count correlation (one rule, lower bound, the same "
         "group-by) into a temporal or temporal_ordered correlation; `refract hunt` evaluates "
         "chains of any shape"});
    return std::nullopt;
  };
  if (outer.type != "temporal" && outer.type != "temporal_ordered") {
    return refuse("the outer correlation is " + outer.type);
  }
  if (inner.type != "event_count") return refuse("it is " + inner.type);
  if (inner.rules.size() != 1) return refuse("it reads more than one rule");
  auto rule = rules.find(inner.rules[0].text);
  if (rule == rules.end()) return refuse("it does not read a detection rule");
  if (inner.condition.size() != 1 ||
      (inner.condition[0].op != "gte" && inner.condition[0].op != "gt")) {
    return refuse("its condition is not a lower bound (gte or gt)");
  }
  std::set<std::string> outer_groups;
  for (const auto& g : outer.group_by) {
    std::string name = g;
    auto alias = outer.aliases.find(g);
    if (alias != outer.aliases.end()) {
      auto it = alias->second.find(ref.text);
      if (it != alias->second.end()) name = it->second;
    }
    outer_groups.insert(name);
  }
  if (outer_groups != std::set<std::string>(inner.group_by.begin(), inner.group_by.end())) {
    return refuse("its group-by differs from the outer correlation's");
  }
  SourceRef source{rule->second, ref.text, &inner, 1};
  source.min_count = std::stoll(inner.condition[0].value) + (inner.condition[0].op == "gt" ? 1 : 0);
  diagnostics.Warning(
      "W0501", ref.location,
      fmt::format("'{}' ({} events within {}) is folded into this correlation: its events and "
                  "the other rules' events must all fall within {}",
                  ref.text, source.min_count, inner.timespan, outer.timespan));
  return source;
}

RuleMeta MetaOf(const ast::Rule& rule) {
  return {rule.description, rule.level,          rule.status,     rule.author,
          rule.tags,        rule.falsepositives, rule.references, 0};
}

RuleMeta MetaOf(const ast::Correlation& c) {
  return {c.description, c.level,          c.status,     c.author,
          c.tags,        c.falsepositives, c.references, c.timespan_seconds};
}

void CompileCorrelations(std::vector<FileResult>& results, const Session& session) {
  std::map<std::string, const ir::Rule*> by_reference;
  std::map<std::string, const ast::Correlation*> correlation_by_reference;
  for (const auto& r : results) {
    for (const auto& rule : r.lowered) {
      if (!rule.info.name.empty()) by_reference.emplace(rule.info.name, &rule);
      if (!rule.info.id.empty()) by_reference.emplace(rule.info.id, &rule);
    }
    for (const auto& c : r.correlations) {
      if (!c.name.empty()) correlation_by_reference.emplace(c.name, &c);
      if (!c.id.empty()) correlation_by_reference.emplace(c.id, &c);
    }
  }
  std::set<const ir::Rule*> hidden;
  std::set<const ir::Rule*> shown;
  std::set<const ast::Correlation*> hidden_correlations;
  std::set<const ast::Correlation*> shown_correlations;
  for (auto& r : results) {
    for (const auto& c : r.correlations) {
      if (c.type == "union") continue;  // composed below, from the other correlations' queries
      std::vector<SourceRef> sources;
      std::string failure;  // the first error that stops this correlation
      bool ok = true;
      for (const auto& ref : c.rules) {
        auto it = by_reference.find(ref.text);
        if (it != by_reference.end()) {
          sources.push_back({it->second, ref.text});
          continue;
        }
        ok = false;
        if (auto inner = correlation_by_reference.find(ref.text);
            inner != correlation_by_reference.end()) {
          Diagnostics chain_diagnostics;
          auto folded = FoldChained(c, ref, *inner->second, by_reference, chain_diagnostics);
          if (session.strict) chain_diagnostics.PromoteWarnings();
          if (folded && !chain_diagnostics.HasErrors()) {
            sources.push_back(*folded);
            (c.generate ? shown_correlations : hidden_correlations).insert(inner->second);
            ok = true;
          } else if (failure.empty()) {
            failure = FirstError(chain_diagnostics);
          }
          r.diagnostics.Append(std::move(chain_diagnostics));
          continue;
        }
        std::vector<std::string_view> known;
        for (const auto& [name, rule] : by_reference) known.push_back(name);
        std::vector<std::string> notes;
        std::string hint = ClosestMatch(ref.text, known);
        if (!hint.empty()) notes.push_back(fmt::format("did you mean '{}'?", hint));
        notes.push_back(
            "a correlation names rules by their 'name' or 'id', from any file of "
            "the run; a rule that has errors cannot be referenced");
        r.diagnostics.Error(
            "E0616", ref.location,
            fmt::format("correlation refers to '{}', which is no rule of this run", ref.text),
            notes);
        if (failure.empty()) failure = "E0616";
      }
      if (!ok || sources.size() != c.rules.size()) {
        for (const Backend* backend : session.backends) {
          r.outcomes.push_back({c.title, std::string(backend->id()), false, failure});
        }
        continue;
      }
      for (const auto& s : sources) {
        if (!s.via) (c.generate ? shown : hidden).insert(s.rule);
      }
      CompileCorrelation(c, sources, session, r);
    }
  }
  ComposeUnions(results, session);
  // Rules a correlation reads are not queries of their own unless one says `generate: true`.
  for (const ir::Rule* rule : shown) hidden.erase(rule);
  for (const ast::Correlation* c : shown_correlations) hidden_correlations.erase(c);
  if (hidden.empty() && hidden_correlations.empty()) return;
  for (auto& r : results) {
    std::erase_if(r.outputs, [&](const Output& o) {
      if (o.target.empty()) return false;
      for (const ast::Correlation* c : hidden_correlations) {
        bool same = (!o.rule_id.empty() && o.rule_id == c->id) ||
                    (o.rule_id.empty() && !o.rule_name.empty() && o.rule_name == c->name);
        if (same) return true;
      }
      for (const ir::Rule* rule : hidden) {
        bool same = (!o.rule_id.empty() && o.rule_id == rule->info.id) ||
                    (o.rule_id.empty() && !o.rule_name.empty() && o.rule_name == rule->info.name);
        if (same) return true;
      }
      return false;
    });
  }
}

FileResult CompileText(const std::string& path, std::string text, const Session& session) {
  FileResult result;
  result.path = path;
  if (text.size() > kMaxRuleFileBytes) {
    LoadRuleText(path, std::move(text), result.diagnostics);
    return result;
  }
  result.source = std::make_shared<SourceFile>(path, std::move(text));
  auto doc = LoadRuleSource(result.source, result.diagnostics);
  if (!doc) return result;
  for (size_t i = 0; i < doc->documents.size(); ++i) {
    const yaml::Node& node = doc->documents[i];
    if (!node.IsDefined() || node.IsNull()) continue;
    ++result.documents;
    RuleDoc single{doc->source, doc->tree, {node}};
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
      CompileRule(rule, static_cast<int>(i), session, result);
    }
  }
  return result;
}

FileResult CompileFile(const std::string& path, const Session& session) {
  FileResult result;
  result.path = path;
  Diagnostics diagnostics;
  std::ifstream probe(path, std::ios::binary);
  if (!probe) {
    result.diagnostics.Error("E0001", {path, 0, 0, 1}, "cannot read file");
    return result;
  }
  probe.seekg(0, std::ios::end);
  auto size = static_cast<size_t>(std::max<std::streamoff>(probe.tellg(), 0));
  if (size > kMaxRuleFileBytes) {
    // LoadRuleFile reports the size error without reading the whole file.
    LoadRuleFile(path, result.diagnostics);
    return result;
  }
  probe.seekg(0);
  std::string text(size, '\0');
  probe.read(text.data(), static_cast<std::streamsize>(size));
  return CompileText(path, std::move(text), session);
}

}  // namespace refract
