// LogScale (CQL) for CrowdStrike Falcon LogScale and Next-Gen SIEM.
// `field = "x"` is exact and case-sensitive; `field = /re/i` is the case-insensitive form, so
// Sigma's strings become anchored regexes. Functions such as cidr() and test() are filters of
// their own and cannot stand inside `or`, so they are used only as top-level conjuncts.
// https://library.humio.com/data-analysis-1.183/syntax-operators.html
#include <fmt/format.h>

#include "backends/backend.h"
#include "backends/common.h"

namespace refract {
namespace {

using ir::Expr;
using ir::Op;
using ir::Piece;
using ir::Predicate;
using ir::Value;

// The precedence of and/or is not documented; every junction is parenthesised. A comparison
// with a missing field fails and `not` keeps the event, so no guard is needed.
const Dialect kCqlDialect{
    {" and ", " or ", "not (", ")", "*", "not *"}, {'"', false, true, false, ""}, ""};
const BoolSyntax& kCql = kCqlDialect.boolean;

// LogScale's regex engine; look-around and backreferences are not relied on.
// https://library.humio.com/data-analysis/syntax-regex.html
const ir::RegexFlavor& Flavor() {
  static const ir::RegexFlavor kFlavor = [] {
    ir::RegexFlavor f;
    f.name = "logscale regex";
    f.inline_flags = false;
    f.literal_metachars = "\\.+*?()|[]{}^$/\"";
    f.class_metachars = "\\]^-[/";
    return f;
  }();
  return kFlavor;
}

std::string Quote(std::string_view text) { return QuoteString(text, kCqlDialect.quote); }

// Field names with dots or other characters are double-quoted; #tags stay bare.
std::string Field(const std::string& name) {
  bool plain = !name.empty();
  for (size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_' || (i == 0 && c == '#') ||
          (c == '.' && name[0] == '#'))) {
      plain = false;
    }
  }
  return plain ? name : Quote(name);
}

bool IsFunctionPredicate(const Predicate& p) {
  return p.op == Op::kCidr || (!p.values.empty() && p.values[0].kind == Value::Kind::kField);
}

// True when a cidr() or test() sits under `or` (or under `not` of a junction), where LogScale
// cannot place a function.
bool FunctionInJunction(const Expr& e, bool nested) {
  if (e.kind == Expr::Kind::kPredicate) return nested && IsFunctionPredicate(e.predicate);
  bool inner = nested || e.kind == Expr::Kind::kOr ||
               (e.kind == Expr::Kind::kNot && e.children[0].kind != Expr::Kind::kPredicate);
  for (const auto& child : e.children) {
    if (FunctionInJunction(child, inner)) return true;
  }
  return false;
}

class CqlGenerator : public TextGenerator {
 public:
  explicit CqlGenerator(const EmitContext& ctx) : TextGenerator(ctx, kCqlDialect) {}

  // `e` as one filter expression (for a case {} branch); nullopt when it cannot be one (a cidr()
  // or test() under `or`) or after a reported failure.
  std::optional<std::string> Filter(const Expr& e) {
    if (FunctionInJunction(e, false)) {
      ctx_.Unsupported(ctx_.rule.location,
                       "cidr or fieldref inside 'or' (LogScale functions are filters of their "
                       "own and cannot be combined with or)");
      return std::nullopt;
    }
    return Condition(e);
  }

  std::optional<std::string> Run() {
    const Expr& condition = ctx_.rule.condition;
    std::vector<std::string> stages;
    if (!ctx_.rule.source.empty()) stages.push_back(ctx_.rule.source);
    if (condition.kind != Expr::Kind::kTrue) {
      for (const Expr* conjunct : Conjuncts(condition)) {
        if (FunctionInJunction(*conjunct, false)) {
          // An `or` over function filters becomes a case {} whose branches are the alternatives.
          auto pipeline = Pipeline(*conjunct);
          if (!pipeline) {
            ctx_.Unsupported(ctx_.rule.location,
                             "cidr or fieldref inside 'not' of a junction (LogScale functions "
                             "are filters of their own)");
            return std::nullopt;
          }
          stages.push_back(*pipeline);
          continue;
        }
        std::string text = Condition(*conjunct).value_or("");
        stages.push_back(conjunct->kind == Expr::Kind::kOr ? "(" + text + ")" : text);
      }
    }
    if (failed()) return std::nullopt;
    std::string out;
    for (size_t i = 0; i < stages.size(); ++i) out += (i ? "\n| " : "") + stages[i];
    return out.empty() ? "*" : out;
  }

  // `e` as pipeline stages: `and` chains stages, `or` is a case {} with a branch for each
  // alternative (an event goes through the first branch that passes it, and is dropped when
  // none does: an `or`). https://library.humio.com/data-analysis/syntax-conditional-evaluation.html
  // nullopt when a function filter sits under `not` of a junction, which no stage can say.
  std::optional<std::string> Pipeline(const Expr& e) {
    if (!FunctionInJunction(e, false) && e.kind != Expr::Kind::kAnd) {
      std::string text = Condition(e).value_or("");
      return e.kind == Expr::Kind::kOr ? "(" + text + ")" : text;
    }
    std::vector<std::string> parts;
    if (e.kind == Expr::Kind::kAnd || e.kind == Expr::Kind::kOr) {
      for (const auto& child : e.children) {
        auto part = Pipeline(child);
        if (!part) return std::nullopt;
        parts.push_back(*part);
      }
    } else {
      return std::nullopt;  // `not` over a junction holding a function filter
    }
    std::string out;
    if (e.kind == Expr::Kind::kAnd) {
      for (size_t i = 0; i < parts.size(); ++i) out += (i ? " | " : "") + parts[i];
      return out;
    }
    out = "case { ";
    for (const auto& part : parts) out += part + "; ";
    return out + "}";
  }

 protected:
  std::string FieldName(const std::string& field) const override { return Field(field); }

  // A bare regex searches the whole event (@rawstring).
  std::string Keyword(const Predicate& p, bool) override {
    std::vector<std::string> parts;
    for (const auto& v : p.values) {
      parts.push_back(p.op == Op::kRegex ? RegexLiteral(p, *v.regex) : PatternRegex(p, v));
      if (failed()) return "";
    }
    return Join(parts, p.all_of);
  }

  // A comparison with a missing field fails, except != : so `field != *` is absence.
  std::string Null(const Predicate&, const std::string& field) override {
    return fmt::format("{} != *", field);
  }

  std::string Exists(const Predicate&, const std::string& field, bool exists) override {
    return fmt::format("{} {} *", field, exists ? "=" : "!=");
  }

  std::string Cidr(const Predicate& p, const std::string& field, bool negated) override {
    if (p.all_of && p.values.size() > 1) {
      return Each(p, field, negated, [&](const Value& v) {
        return fmt::format("cidr({}, subnet={})", field, Quote(v.text));
      });
    }
    std::string list;
    for (size_t i = 0; i < p.values.size(); ++i) list += (i ? ", " : "") + Quote(p.values[i].text);
    return fmt::format("cidr({}, subnet=[{}])", field, list);
  }

  std::string RegexValue(const Predicate& p, const std::string& field,
                         const ir::Regex& regex) override {
    std::string literal = RegexLiteral(p, regex);
    return failed() ? "" : field + " = " + literal;
  }

  std::string FieldRefValue(const Predicate& p, const std::string& field, const Value& v) override {
    if (p.op != Op::kEq) return Fail(p, "fieldref with contains, startswith or endswith");
    return p.cased ? fmt::format("test({} == {})", field, Field(v.text))
                   : fmt::format("test(lower({}) == lower({}))", field, Field(v.text));
  }

  std::string NumberValue(const Predicate&, const std::string& field, const Value& v) override {
    return fmt::format("{} = {}", field, Quote(v.text));
  }

  std::string BoolValue(const Predicate& p, const std::string& field, const Value& v) override {
    return NumberValue(p, field, v);
  }

  std::string StringValue(const Predicate& p, const std::string& field, const Value& v) override {
    return p.cased && p.op == Op::kEq ? fmt::format("{} = {}", field, Quote(v.pattern.Literal()))
                                      : fmt::format("{} = {}", field, PatternRegex(p, v));
  }

 private:
  static std::string PatternRegex(const Predicate& p, const Value& v) {
    std::string out = "/";
    if (!(p.op == Op::kContains || p.op == Op::kEndsWith)) out += "^";
    for (const auto& piece : v.pattern.pieces) {
      out += piece.kind == Piece::Kind::kLiteral    ? ir::RegexEscapeLiteral(piece.text, Flavor())
             : piece.kind == Piece::Kind::kAnyChars ? ".*"
                                                    : ".";
    }
    if (!(p.op == Op::kContains || p.op == Op::kStartsWith)) out += "$";
    // `d` lets . cross line breaks, as Sigma's * does; `i` ignores case.
    out += "/";
    if (!p.cased) out += "i";
    if (p.op == Op::kWildcard) out += "d";
    return out;
  }

  std::string RegexLiteral(const Predicate& p, const ir::Regex& regex) {
    std::string construct;
    auto body = ir::EmitRegex(regex, Flavor(), &construct, false);
    if (!body) return Fail(p, "the regex construct " + construct);
    std::string flags;
    if (regex.ignore_case) flags += 'i';
    if (regex.multiline) flags += 'm';
    if (regex.dot_all) flags += 'd';
    return "/" + *body + "/" + flags;
  }
};

// Sigma correlations as bucket() over time with an aggregate; several rules are labelled in one
// case {} statement. https://library.humio.com/data-analysis-1.159/functions-window.html
// refract's aggregate extension: count-if flags set by case {}, one groupBy with the measures,
// the condition as filters, columns by assignment or case {}. LogScale sets the time range on
// the search or alert, so the query opens with a comment that names the lookback.
// https://library.humio.com/data-analysis/functions-groupby.html
class CqlAggregate {
 public:
  explicit CqlAggregate(const CorrelationContext& ctx) : ctx_(ctx), spec_(ctx.spec) {}

  std::optional<std::string> Run() {
    const auto& source = ctx_.sources[0];
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target};
    CqlGenerator emitter(ec);
    auto query = emitter.Run();
    if (!query) return std::nullopt;
    std::string out = fmt::format("// time range: the last {} (set it on the search or alert)\n",
                                  CompactDuration(spec_.window.span_seconds)) +
                      *query;
    std::vector<std::string> functions;
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      std::string field = Field(spec_.measures[i].field);
      std::string as = Quote(m.name);
      if (m.kind == ir::MeasureKind::kCount && ctx_.MeasureFilter(i)) {
        auto filter = emitter.Filter(*ctx_.MeasureFilter(i));
        if (!filter) return std::nullopt;
        std::string flag = fmt::format("refract_m{}", i + 1);
        out += fmt::format("\n| case {{ {} | {} := 1; * | {} := 0; }}", *filter, flag, flag);
        functions.push_back(fmt::format("sum({}, as={})", flag, as));
      } else if (m.kind == ir::MeasureKind::kCount) {
        functions.push_back(fmt::format("count(as={})", as));
      } else if (m.kind == ir::MeasureKind::kDistinct) {
        functions.push_back(fmt::format("count({}, distinct=true, as={})", field, as));
      } else if (m.kind == ir::MeasureKind::kValues) {
        functions.push_back(m.limit.empty()
                                ? fmt::format("collect({}, as={})", field, as)
                                : fmt::format("collect({}, limit={}, as={})", field, m.limit, as));
      } else {
        functions.push_back(fmt::format("{}({}, as={})", ir::MeasureKindName(m.kind), field, as));
      }
    }
    std::string fields;
    for (const auto& f : source.group_fields) fields += (fields.empty() ? "" : ", ") + Field(f);
    std::string function_list;
    for (size_t i = 0; i < functions.size(); ++i) function_list += (i ? ", " : "") + functions[i];
    if (spec_.window.bucket_seconds > 0) {
      ctx_.Approximates(fmt::format(
          "window {} becomes fixed buckets (bucket(span={})): events on both sides of a bucket "
          "boundary are not counted together",
          spec_.window.bucket, CompactDuration(spec_.window.bucket_seconds)));
      out += fmt::format("\n| bucket(span={}, field=[{}], function=[{}])",
                         CompactDuration(spec_.window.bucket_seconds), fields, function_list);
    } else {
      out += fmt::format("\n| groupBy([{}], function=[{}])", fields, function_list);
    }
    if (spec_.test) out += "\n| test(" + Test(*spec_.test) + ")";
    for (const auto& column : spec_.columns) {
      std::string name = Field(column.name);
      if (column.cases.empty()) {
        out += fmt::format("\n| {} := {}", name, Literal(column.constant));
        continue;
      }
      out += "\n| case {";
      for (const auto& [test, then] : column.cases) {
        out += fmt::format(" test({}) | {} := {};", Test(test), name, Literal(then));
      }
      out += fmt::format(" * | {} := {}; }}", name, Literal(column.otherwise));
    }
    return out;
  }

 private:
  static std::string Literal(const std::string& text) {
    return IsNumberText(text) ? text : Quote(text);
  }

  // Inside test() measures are plain names; quoted text would be a string.
  static std::string Test(const ir::CorrelationTest& t) {
    return RenderMeasureTest(t, {" and ", " or ", "!(", ")"},
                             [](const std::string& name) { return name; });
  }

  const CorrelationContext& ctx_;
  const ir::Correlation& spec_;
};

class CqlCorrelation {
 public:
  explicit CqlCorrelation(const CorrelationContext& ctx) : ctx_(ctx), spec_(ctx.spec) {}

  std::optional<std::string> Run() {
    std::vector<std::string> queries;
    for (const auto& source : ctx_.sources) {
      EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target};
      auto query = CqlGenerator(ec).Run();
      if (!query) return std::nullopt;
      queries.push_back(*query);
    }
    const ir::CorrelationKind type = spec_.kind;
    // percentile() names its output `_<p>` (an underscore before the percentile).
    // https://library.humio.com/data-analysis/functions-percentile.html
    if (type == ir::CorrelationKind::kValuePercentile &&
        spec_.percentile.find_first_not_of("0123456789") != std::string::npos) {
      ctx_.Unsupported("a fractional percentile (its output field would be named '_" +
                       spec_.percentile + "')");
      return std::nullopt;
    }
    const bool temporal =
        type == ir::CorrelationKind::kTemporal || type == ir::CorrelationKind::kTemporalOrdered;
    const bool ordered = type == ir::CorrelationKind::kTemporalOrdered;
    if (ordered && ctx_.sources.size() != 2) {
      ctx_.Unsupported("temporal_ordered over more than two rules (two are supported)");
      return std::nullopt;
    }
    std::string body;
    std::vector<std::string> groups;
    std::string value;
    if (!temporal && ctx_.sources.size() == 1) {
      body = queries[0];
      for (const auto& f : ctx_.sources[0].group_fields) groups.push_back(Field(f));
      value = Field(ctx_.sources[0].value_field);
    } else {
      // Each branch: the rule's filters, then labels; an event matching no branch is dropped.
      body = "case {";
      for (size_t i = 0; i < ctx_.sources.size(); ++i) {
        const auto& source = ctx_.sources[i];
        std::string branch = queries[i];
        for (size_t at = branch.find("\n| "); at != std::string::npos; at = branch.find("\n| ")) {
          branch.replace(at, 3, " | ");
        }
        branch += fmt::format(" | refract_rule := {}", Quote(source.label));
        for (size_t g = 0; g < spec_.group_by.size(); ++g) {
          // getField() reads a field by name; a quoted name alone would be a text literal.
          branch += fmt::format(" | {} := getField({})", Alias(spec_.group_by[g]),
                                Quote(source.group_fields[g]));
        }
        if (!source.value_field.empty()) {
          branch += fmt::format(" | refract_value := getField({})", Quote(source.value_field));
        }
        if (ordered)
          branch += fmt::format(" | {} := @timestamp", i == 0 ? "refract_a" : "refract_b");
        // A folded chained event_count counts its rule's events: a 1 per event, summed.
        if (NeedsRuleCounts(ctx_)) {
          for (size_t j = 0; j < ctx_.sources.size(); ++j) {
            branch += fmt::format(" | refract_hit_{} := {}", j + 1, i == j ? 1 : 0);
          }
        }
        body += "\n    " + branch + ";";
      }
      body += "\n  }";
      for (const auto& g : spec_.group_by) groups.push_back(Alias(g));
      value = "refract_value";
    }
    std::string fields;
    for (size_t i = 0; i < groups.size(); ++i) fields += (i ? ", " : "") + groups[i];
    std::string function;
    std::string variable;
    if (type == ir::CorrelationKind::kEventCount) {
      variable = "event_count";
      function = "count(as=event_count)";
    } else if (type == ir::CorrelationKind::kValueCount) {
      variable = "value_count";
      function = fmt::format("count({}, distinct=true, as=value_count)", value);
    } else if (type == ir::CorrelationKind::kValueSum) {
      variable = "value_sum";
      function = fmt::format("sum({}, as=value_sum)", value);
    } else if (type == ir::CorrelationKind::kValueAvg) {
      variable = "value_avg";
      function = fmt::format("avg({}, as=value_avg)", value);
    } else if (type == ir::CorrelationKind::kValuePercentile) {
      variable = "value_percentile";
      function = fmt::format("percentile({}, percentiles=[{}])", value, spec_.percentile);
      ctx_.Approximates("percentile() is an estimate");
    } else if (type == ir::CorrelationKind::kTemporal && NeedsRuleCounts(ctx_)) {
      // A filter stage over the per-rule sums (every branch sets every rule's 0/1 hit field, so
      // a sum is 0, not missing, for a rule without events in the bucket).
      std::string test = RenderRuleTest(ctx_, kCql, [](size_t i, long long n) {
        return fmt::format("refract_count_{} >= {}", i + 1, n);
      });
      if (test.empty()) return std::nullopt;
      ctx_.ApproximatesWithBuckets("bucket(span=" + CompactDuration(spec_.window.span_seconds) +
                                   ")");
      return fmt::format("{}\n| bucket(span={}, field=[{}], function=[{}])\n| {}", body,
                         CompactDuration(spec_.window.span_seconds), fields, ThresholdSums(false),
                         test);
    } else if (type == ir::CorrelationKind::kTemporal) {
      variable = "rule_count";
      function = "count(refract_rule, distinct=true, as=rule_count)";
    } else {
      bool every_rule = spec_.condition.size() == 1 &&
                        spec_.condition[0].op == ir::CompareOp::kGte &&
                        spec_.condition[0].value == "2";
      if (!every_rule) {
        ctx_.Unsupported("a temporal_ordered condition other than all rules in order");
        return std::nullopt;
      }
      ctx_.ApproximatesWithBuckets("bucket(span=" + CompactDuration(spec_.window.span_seconds) +
                                   ")");
      return fmt::format(
          "{}\n| bucket(span={}, field=[{}], function=[min(refract_a, as=refract_first), "
          "max(refract_b, as=refract_last){}])\n| test(refract_first < refract_last){}",
          body, CompactDuration(spec_.window.span_seconds), fields,
          HasThresholds(ctx_) ? ", " + ThresholdSums(true) : "", ThresholdTests(true));
    }
    // Each bound is a filter stage of its own.
    std::string filters = "\n| " + RenderBounds(variable, spec_.condition, "\n| ", "=");
    if (type == ir::CorrelationKind::kValuePercentile) {
      filters = fmt::format("\n| value_percentile := _{}", spec_.percentile) + filters;
    }
    ctx_.ApproximatesWithBuckets("bucket(span=" + CompactDuration(spec_.window.span_seconds) + ")");
    return fmt::format("{}\n| bucket(span={}, field=[{}], function={}){}", body,
                       CompactDuration(spec_.window.span_seconds), fields, function, filters);
  }

 private:
  static std::string Alias(const std::string& name) {
    std::string out = "refract_";
    for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
  }

  // Per-rule event counts for folded chained event_counts: every rule, or (when `only_counted`)
  // the rules that need more than one event.
  std::string ThresholdSums(bool only_counted) const {
    std::string out;
    for (size_t i = 0; i < ctx_.sources.size(); ++i) {
      if (only_counted && ctx_.sources[i].min_count <= 1) continue;
      out += fmt::format("{}sum(refract_hit_{}, as=refract_count_{})", out.empty() ? "" : ", ",
                         i + 1, i + 1);
    }
    return out;
  }

  std::string ThresholdTests(bool only_counted) const {
    std::string out;
    for (size_t i = 0; i < ctx_.sources.size(); ++i) {
      if (only_counted && ctx_.sources[i].min_count <= 1) continue;
      out += fmt::format("\n| test(refract_count_{} >= {})", i + 1, ctx_.sources[i].min_count);
    }
    return out;
  }

  const CorrelationContext& ctx_;
  const ir::Correlation& spec_;
};

class Cql final : public Backend {
 public:
  std::string_view id() const override { return "cql"; }
  std::string_view description() const override {
    return "CrowdStrike Falcon LogScale / Next-Gen SIEM (CQL)";
  }
  std::string_view extension() const override { return "cql"; }
  std::optional<std::string> Emit(const EmitContext& ctx) const override {
    return CqlGenerator(ctx).Run();
  }
  std::optional<std::string> EmitCorrelation(const CorrelationContext& ctx) const override {
    return CqlCorrelation(ctx).Run();
  }
  std::optional<std::string> EmitAggregate(const CorrelationContext& ctx) const override {
    return CqlAggregate(ctx).Run();
  }
  std::optional<std::string> EmitUnion(const CorrelationContext& ctx,
                                       const std::vector<std::string>&) const override {
    ctx.Unsupported(
        "a union of signals (LogScale has no union of query results: keep each "
        "signal a search of its own)");
    return std::nullopt;
  }
};

}  // namespace

const Backend& CqlBackend() {
  static const Cql kBackend;
  return kBackend;
}

}  // namespace refract
