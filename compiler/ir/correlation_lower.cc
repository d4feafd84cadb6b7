#include "compiler/ir/correlation_lower.h"

#include <fmt/format.h>

#include <functional>
#include <set>

namespace refract::ir {
namespace {

CompareOp CompareOpOfSymbol(std::string_view symbol) {
  for (auto op : {CompareOp::kGt, CompareOp::kGte, CompareOp::kLt, CompareOp::kLte, CompareOp::kEq,
                  CompareOp::kNeq}) {
    if (CompareOpSymbol(op) == symbol) return op;
  }
  return CompareOp::kNeq;  // the parser accepts no other symbols
}

// The parse tree's test; a bare reference (the extended temporal condition) names a rule of `c`.
CorrelationTest LowerTest(const ast::Correlation::Test& t, const ast::Correlation& c) {
  using Kind = ast::Correlation::Test::Kind;
  CorrelationTest out;
  switch (t.kind) {
    case Kind::kCompare:
      out.name = t.measure;
      if (t.op.empty()) {
        out.kind = CorrelationTest::Kind::kRule;
        for (size_t i = 0; i < c.rules.size(); ++i) {
          if (c.rules[i].text == t.measure) {
            out.rule = i;
            break;
          }
        }
      } else {
        out.op = CompareOpOfSymbol(t.op);
        out.value = t.value;
        out.value_is_measure = t.value_is_measure;
      }
      return out;
    case Kind::kAnd:
      out.kind = CorrelationTest::Kind::kAnd;
      break;
    case Kind::kOr:
      out.kind = CorrelationTest::Kind::kOr;
      break;
    case Kind::kNot:
      out.kind = CorrelationTest::Kind::kNot;
      break;
  }
  for (const auto& child : t.children) out.children.push_back(LowerTest(child, c));
  return out;
}

RuleInfo InfoOf(const ast::Correlation& c) {
  RuleInfo info;
  info.title = c.title;
  info.id = c.id;
  info.name = c.name;
  info.status = c.status;
  info.description = c.description;
  info.author = c.author;
  info.level = c.level;
  info.tags = c.tags;
  info.references = c.references;
  info.falsepositives = c.falsepositives;
  return info;
}

// The field a correlation's `name` (a group-by entry or value field) stands for in `rule`: the
// alias the correlation defines for that rule (by its name or id), else the name itself.
std::string AliasedField(const ast::Correlation& c, const std::string& name, const Rule& rule) {
  std::string field = name;
  auto alias = c.aliases.find(name);
  if (alias != c.aliases.end()) {
    for (const std::string* key : {&rule.info.name, &rule.info.id}) {
      auto it = alias->second.find(*key);
      if (!key->empty() && it != alias->second.end()) field = it->second;
    }
  }
  return field;
}

// The alias `c` defines for `name` in the events of the source referenced as `label`.
std::string AliasedByLabel(const ast::Correlation& c, const std::string& name,
                           const std::string& label) {
  auto alias = c.aliases.find(name);
  if (alias == c.aliases.end()) return name;
  auto it = alias->second.find(label);
  return it == alias->second.end() ? name : it->second;
}

// The count-if selection of `measure` as a rule over `source`'s log source, lowered.
std::optional<Rule> LowerMeasureFilter(const ast::Correlation& c,
                                       const ast::Correlation::Measure& measure, const Rule& source,
                                       const Placeholders* placeholders, Diagnostics& diagnostics) {
  ast::Rule selection;
  selection.title = c.title;
  selection.logsource = {source.logsource.product, source.logsource.category,
                         source.logsource.service, source.logsource.definition};
  selection.location = measure.location;
  selection.searches = {*measure.where};
  ast::Condition ref;
  ref.name = measure.where->name;
  selection.conditions = {ref};
  return Lower(selection, {placeholders}, diagnostics);
}

// Narrows a source's rule to the events that have every group-by field. An event without one
// has no group key, so it is correlated with nothing: Sigma's group-by names the fields whose
// values must be equal, and a missing value equals none. The platforms differ when left alone
// (KQL, ES|QL and AQL group missing values together, SPL's stats drops them, YARA-L filters a
// match variable's zero value), so every target is told: docs/correlations.md.
void RequireGroupFields(CorrelationSource& source) {
  if (!source.rule || source.group_fields.empty()) return;
  std::vector<Expr> all;
  if (source.rule->condition.kind != Expr::Kind::kTrue) all.push_back(source.rule->condition);
  for (const auto& field : source.group_fields) {
    Predicate exists;
    exists.field = field;
    exists.op = Op::kExists;
    exists.values = {Value::Bool(true)};
    exists.location = source.location;
    all.push_back(Expr::Pred(std::move(exists)));
  }
  source.rule->condition = all.size() == 1 ? std::move(all[0]) : Expr::And(std::move(all));
}

// A detection rule as a source of `c`.
CorrelationSource RuleSource(const ast::Correlation& c, const ast::Scalar& ref, const Rule& rule) {
  CorrelationSource source;
  source.label = ref.text;
  source.location = ref.location;
  source.rule = rule;
  for (const auto& g : c.group_by) source.group_fields.push_back(AliasedField(c, g, rule));
  if (!c.field.empty()) source.value_field = AliasedField(c, c.field, rule);
  RequireGroupFields(source);
  return source;
}

// Folds the event_count correlation `inner`, named by `outer`, into one of outer's sources: the
// inner rule with at least N events. Translators express a chain this way (the evaluator runs
// chains of any type); returns nullopt after reporting E0617 when the chain has another shape.
std::optional<CorrelationSource> FoldChained(const ast::Correlation& outer, const ast::Scalar& ref,
                                             const ast::Correlation& inner,
                                             const CorrelationScope& scope,
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
  const Rule* rule = scope.FindRule(inner.rules[0].text);
  if (rule == nullptr) return refuse("it does not read a detection rule");
  if (inner.condition.size() != 1 ||
      (inner.condition[0].op != "gte" && inner.condition[0].op != "gt")) {
    return refuse("its condition is not a lower bound (gte or gt)");
  }
  std::set<std::string> outer_groups;
  for (const auto& g : outer.group_by) outer_groups.insert(AliasedByLabel(outer, g, ref.text));
  if (outer_groups != std::set<std::string>(inner.group_by.begin(), inner.group_by.end())) {
    return refuse("its group-by differs from the outer correlation's");
  }
  CorrelationSource source;
  source.label = ref.text;
  source.location = ref.location;
  source.rule = *rule;
  source.min_count = FewestEvents(inner.condition[0].op == "gt" ? CompareOp::kGt : CompareOp::kGte,
                                  inner.condition[0].value);
  // The outer group-by entry names an inner group-by entry, which the inner correlation may
  // alias in turn.
  for (const auto& g : outer.group_by) {
    source.group_fields.push_back(AliasedField(inner, AliasedByLabel(outer, g, ref.text), *rule));
  }
  if (!outer.field.empty()) source.value_field = AliasedField(outer, outer.field, *rule);
  RequireGroupFields(source);
  diagnostics.Warning(
      "W0501", ref.location,
      fmt::format("'{}' ({} events within {}) is folded into this correlation: its events and "
                  "the other rules' events must all fall within {}",
                  ref.text, source.min_count, inner.timespan, outer.timespan));
  return source;
}

std::string FirstError(const Diagnostics& diagnostics) {
  for (const auto& d : diagnostics.all()) {
    if (d.severity == Severity::kError) return d.code + " " + d.message;
  }
  return "";
}

// The correlation's own settings, before its sources are resolved.
Correlation Skeleton(const ast::Correlation& c) {
  Correlation out;
  out.info = InfoOf(c);
  out.kind = CorrelationKindNamed(c.type).value_or(CorrelationKind::kEventCount);
  out.group_by = c.group_by;
  out.window.span_seconds = c.timespan_seconds;
  out.window.span = c.timespan;
  out.window.sliding =
      out.kind != CorrelationKind::kAggregate && out.kind != CorrelationKind::kConsecutive;
  out.window.ordered = out.kind == CorrelationKind::kTemporalOrdered;
  out.window.bucket_seconds = c.window_seconds;
  out.window.bucket = c.window;
  for (const auto& b : c.condition)
    out.condition.push_back({CompareOpNamed(b.op).value_or(CompareOp::kNeq), b.value});
  out.field = c.field;
  out.percentile = c.percentile;
  if (c.test) out.test = LowerTest(*c.test, c);
  if (c.rule_condition) out.rule_condition = LowerTest(*c.rule_condition, c);
  for (const auto& column : c.columns) {
    Column lowered{column.name, column.constant, {}, column.otherwise};
    for (const auto& [when, then] : column.cases)
      lowered.cases.push_back({LowerTest(when, c), then});
    out.columns.push_back(std::move(lowered));
  }
  out.project = c.project;
  out.sort = c.sort;
  out.generate = c.generate;
  out.location = c.location;
  out.document = c.document;
  return out;
}

// Lowers the aggregate extension's measures against the first source's rule.
bool LowerMeasures(const ast::Correlation& c, const Placeholders* placeholders, Correlation& out,
                   Diagnostics& diagnostics) {
  bool ok = true;
  const Rule* first = out.sources.empty() || !out.sources[0].rule ? nullptr : &*out.sources[0].rule;
  for (const auto& m : c.measures) {
    Measure measure;
    measure.name = m.name;
    measure.kind = MeasureKindNamed(m.kind).value_or(MeasureKind::kCount);
    measure.field =
        m.field.empty() || first == nullptr ? m.field : AliasedField(c, m.field, *first);
    measure.written_field = m.field;
    measure.field2 =
        m.field2.empty() || first == nullptr ? m.field2 : AliasedField(c, m.field2, *first);
    measure.limit = m.limit;
    measure.location = m.location;
    if (m.where && first != nullptr) {
      measure.where = LowerMeasureFilter(c, m, *first, placeholders, diagnostics);
      ok = measure.where.has_value() && ok;
    }
    out.measures.push_back(std::move(measure));
  }
  return ok;
}

}  // namespace

void CorrelationScope::AddRule(const Rule& rule) {
  if (!rule.info.name.empty()) rules_.emplace(rule.info.name, &rule);
  if (!rule.info.id.empty()) rules_.emplace(rule.info.id, &rule);
}

void CorrelationScope::AddName(std::string_view reference) {
  rules_.emplace(std::string(reference), nullptr);
}

void CorrelationScope::AddCorrelation(const ast::Correlation& correlation) {
  if (!correlation.name.empty()) correlations_.emplace(correlation.name, &correlation);
  if (!correlation.id.empty()) correlations_.emplace(correlation.id, &correlation);
}

const Rule* CorrelationScope::FindRule(std::string_view reference) const {
  auto it = rules_.find(reference);
  return it == rules_.end() ? nullptr : it->second;
}

const ast::Correlation* CorrelationScope::FindCorrelation(std::string_view reference) const {
  auto it = correlations_.find(reference);
  return it == correlations_.end() ? nullptr : it->second;
}

std::vector<std::string_view> CorrelationScope::RuleReferences() const {
  std::vector<std::string_view> out;
  for (const auto& [name, rule] : rules_) out.push_back(name);
  return out;
}

CorrelationLowering LowerCorrelation(const ast::Correlation& c, const CorrelationScope& scope,
                                     const CorrelationLowerOptions& options,
                                     Diagnostics& diagnostics) {
  CorrelationLowering result;
  Correlation out = Skeleton(c);
  if (out.kind == CorrelationKind::kUnion) {
    for (const auto& ref : c.rules) {
      CorrelationSource part;
      part.label = ref.text;
      part.location = ref.location;
      part.chained = ref.text;
      out.sources.push_back(std::move(part));
    }
    result.correlation = std::move(out);
    return result;
  }
  bool ok = true;
  for (const auto& ref : c.rules) {
    if (const Rule* rule = scope.FindRule(ref.text)) {
      out.sources.push_back(RuleSource(c, ref, *rule));
      continue;
    }
    if (const ast::Correlation* inner = scope.FindCorrelation(ref.text)) {
      if (options.chains == Chains::kKeep) {
        CorrelationSource source;
        source.label = ref.text;
        source.location = ref.location;
        source.chained = ref.text;
        for (const auto& g : c.group_by)
          source.group_fields.push_back(AliasedByLabel(c, g, ref.text));
        source.value_field = c.field;
        out.sources.push_back(std::move(source));
        continue;
      }
      Diagnostics chain_diagnostics;
      auto folded = FoldChained(c, ref, *inner, scope, chain_diagnostics);
      if (options.strict) chain_diagnostics.PromoteWarnings();
      if (folded && !chain_diagnostics.HasErrors()) {
        out.sources.push_back(std::move(*folded));
        result.folded.push_back(inner);
      } else {
        ok = false;
        if (result.failure.empty()) result.failure = FirstError(chain_diagnostics);
      }
      diagnostics.Append(std::move(chain_diagnostics));
      continue;
    }
    ok = false;
    std::vector<std::string> notes;
    std::string hint = ClosestMatch(ref.text, scope.RuleReferences());
    if (!hint.empty()) notes.push_back(fmt::format("did you mean '{}'?", hint));
    notes.push_back(
        "a correlation names rules by their 'name' or 'id', from any file of "
        "the run; a rule that has errors cannot be referenced");
    diagnostics.Error(
        "E0616", ref.location,
        fmt::format("correlation refers to '{}', which is no rule of this run", ref.text), notes);
    if (result.failure.empty()) result.failure = "E0616";
  }
  if (!ok) return result;
  Diagnostics measure_diagnostics;
  if (!LowerMeasures(c, options.placeholders, out, measure_diagnostics)) {
    if (result.failure.empty()) result.failure = FirstError(measure_diagnostics);
    diagnostics.Append(std::move(measure_diagnostics));
    return result;
  }
  diagnostics.Append(std::move(measure_diagnostics));
  result.correlation = std::move(out);
  return result;
}

std::vector<bool> FindCycles(const std::vector<std::vector<size_t>>& inputs) {
  std::vector<bool> in_cycle(inputs.size(), false);
  std::vector<int> mark(inputs.size(), 0);  // 0 new, 1 on the path, 2 done
  std::function<bool(size_t)> cyclic = [&](size_t k) {
    if (mark[k] == 1) return true;
    if (mark[k] == 2) return static_cast<bool>(in_cycle[k]);
    mark[k] = 1;
    bool found = false;
    for (size_t input : inputs[k]) found = cyclic(input) || found;
    mark[k] = 2;
    in_cycle[k] = found;
    return found;
  };
  for (size_t k = 0; k < inputs.size(); ++k) cyclic(k);
  return in_cycle;
}

namespace {

std::string Lowercase(std::string s) {
  for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
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

}  // namespace

std::optional<ast::Rule> ApplyFilters(const ast::Rule& rule,
                                      const std::vector<ast::Rule>& filters) {
  std::optional<ast::Rule> out;
  for (size_t i = 0; i < filters.size(); ++i) {
    const ast::Rule& filter = filters[i];
    if (!FilterApplies(filter, rule) || filter.conditions.empty()) continue;
    if (!out) out = rule;
    std::string prefix = fmt::format("_filter{}_", i);
    for (auto search : filter.searches) {
      search.name = prefix + search.name;
      out->searches.push_back(std::move(search));
    }
    ast::Condition rule_condition;
    rule_condition.kind = ast::Condition::Kind::kOr;
    rule_condition.children = out->conditions;
    ast::Condition filter_condition;
    filter_condition.kind = ast::Condition::Kind::kOr;
    filter_condition.children = filter.conditions;
    PrefixReferences(filter_condition, prefix);
    ast::Condition both;
    both.kind = ast::Condition::Kind::kAnd;
    both.children = {std::move(rule_condition), std::move(filter_condition)};
    out->conditions = {std::move(both)};
  }
  return out;
}

}  // namespace refract::ir
