// Sumo Logic log search: the source scope, `| json ... nodrop` to extract the rule's fields
// from the JSON message, then one `| where` clause.
// https://www.sumologic.com/help/docs/search/search-query-language/search-operators/
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "backends/backend.h"
#include "backends/common.h"

namespace refract {
namespace {

using ir::Expr;
using ir::Op;
using ir::Piece;
using ir::Predicate;
using ir::Value;

// A comparison with a field that is absent is false, and so is its `!(...)`: a negated test
// keeps the events without the field through a guard.
const Dialect kSumo{{" and ", " or ", "!(", ")", "true", "false"},
                    {'"', false, true, false, ""},
                    "(!isEmpty({0}) and {1})"};
const BoolSyntax& kWhere = kSumo.boolean;

// `matches /re/` takes RE2 regular expressions.
const ir::RegexFlavor& Re2() {
  static const ir::RegexFlavor kFlavor = [] {
    ir::RegexFlavor f;
    f.name = "re2 (Sumo Logic)";
    f.anchors = false;
    f.literal_metachars = "\\.+*?()|[]{}^$/";  // `/` ends the regex literal
    f.class_metachars = "\\]^-[/";
    f.whole_match_padding = "[\\s\\S]*";
    return f;
  }();
  return kFlavor;
}

std::string Quote(std::string_view text) { return QuoteString(text, kSumo.quote); }

// The extracted field's name: the JSON key with every other character as `_`.
std::string Alias(const std::string& field) {
  std::string out;
  for (char c : field) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "f_" + out;
  return out;
}

std::string AsciiLower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

bool HasControl(std::string_view text) {
  return std::any_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7F; });
}

void CollectFields(const Expr& e, std::set<std::string>& fields) {
  if (e.kind != Expr::Kind::kPredicate) {
    for (const auto& child : e.children) CollectFields(child, fields);
    return;
  }
  if (!e.predicate.IsKeyword()) fields.insert(e.predicate.field);
  for (const auto& v : e.predicate.values) {
    if (v.kind == Value::Kind::kField) fields.insert(v.text);
  }
}

class SumoGenerator : public TextGenerator {
 public:
  explicit SumoGenerator(const EmitContext& ctx, std::set<std::string> extra_fields = {})
      : TextGenerator(ctx, kSumo), extra_fields_(std::move(extra_fields)) {}

  std::optional<std::string> Run() {
    std::string query = ctx_.rule.source.empty() ? "*" : ctx_.rule.source;
    std::set<std::string> fields = extra_fields_;
    CollectFields(ctx_.rule.condition, fields);
    if (!fields.empty()) {
      std::string keys;
      std::string aliases;
      for (const auto& f : fields) {
        keys += (keys.empty() ? "" : ", ") + Quote(f);
        aliases += (aliases.empty() ? "" : ", ") + Alias(f);
      }
      // nodrop keeps messages that lack a key: Sigma's `not` and null tests need them.
      query += fmt::format("\n| json field=_raw {} as {} nodrop", keys, aliases);
    }
    if (ctx_.rule.condition.kind != Expr::Kind::kTrue) {
      query += "\n| where " + WhereFor(ctx_.rule);
    }
    if (failed()) return std::nullopt;
    return query;
  }

  // The where-clause expression of `rule` over the extracted fields ("" once failed()).
  std::string WhereFor(const ir::Rule& rule) { return Condition(rule.condition).value_or(""); }

 protected:
  std::string FieldName(const std::string& field) const override { return Alias(field); }

  std::string Keyword(const Predicate& p, bool) override {
    std::vector<std::string> parts;
    for (const auto& v : p.values) {
      parts.push_back(p.op == Op::kRegex ? "_raw matches " + RegexLiteral(p, *v.regex)
                                         : StringTest(p, "_raw", v));
      if (failed()) return "";
    }
    return Join(parts, p.all_of);
  }

  std::string Null(const Predicate&, const std::string& field) override {
    return fmt::format("isEmpty({})", field);
  }

  std::string Exists(const Predicate&, const std::string& field, bool exists) override {
    return fmt::format("{}isEmpty({})", exists ? "!" : "", field);
  }

  std::string CompareValue(const Predicate&, const std::string& field, const Value& v,
                           std::string_view op) override {
    return fmt::format("num({}) {} {}", field, op, v.text);
  }

  // IPv4 only, prefix length as a string.
  // https://www.sumologic.com/help/docs/search/search-query-language/search-operators/cidr/
  std::string CidrValue(const Predicate& p, const std::string& field, const Value& v) override {
    if (v.ipv6) return Fail(p, "an IPv6 cidr network (compareCIDRPrefix is IPv4 only)");
    size_t slash = v.text.find('/');
    std::string network = v.text.substr(0, slash);
    std::string bits = slash == std::string::npos ? "32" : v.text.substr(slash + 1);
    return fmt::format("compareCIDRPrefix({}, {}, {})", Quote(network), field, Quote(bits));
  }

  std::string RegexValue(const Predicate& p, const std::string& field,
                         const ir::Regex& regex) override {
    std::string literal = RegexLiteral(p, regex);
    return failed() ? "" : field + " matches " + literal;
  }

  // The values of a predicate are compared as the first one's kind.
  std::string Values(const Predicate& p, const std::string& field, bool negated) override {
    const Value& first = p.values[0];
    if (first.kind == Value::Kind::kField) {
      if (p.op != Op::kEq) return Fail(p, "fieldref with contains, startswith or endswith");
      return Each(p, field, negated, [&](const Value& v) {
        std::string other = Alias(v.text);
        return p.cased ? fmt::format("{} = {}", field, other)
                       : fmt::format("toLowerCase({}) = toLowerCase({})", field, other);
      });
    }
    if (first.kind == Value::Kind::kNumber) {
      return Each(p, field, negated,
                  [&](const Value& v) { return fmt::format("num({}) = {}", field, v.text); });
    }
    if (first.kind == Value::Kind::kBool) {
      return Guard(field, fmt::format("toLowerCase({}) = {}", field, Quote(first.text)), negated);
    }
    bool in_list = p.op == Op::kEq && !p.cased && !p.all_of && p.values.size() > 1;
    for (const auto& v : p.values) {
      const std::string literal = v.pattern.Literal();
      if (HasNonAsciiCasedLetter(literal) || HasControl(literal)) in_list = false;
    }
    if (in_list) {
      std::string list;
      for (size_t i = 0; i < p.values.size(); ++i) {
        list += (i ? ", " : "") + Quote(AsciiLower(p.values[i].pattern.Literal()));
      }
      return Guard(field, fmt::format("toLowerCase({}) in ({})", field, list), negated);
    }
    return Each(p, field, negated, [&](const Value& v) { return StringTest(p, field, v); });
  }

 private:
  // A whole-value RE2 regex for a Sigma pattern, anchored so it means the same whether
  // `matches` tests the whole value or searches in it.
  static std::string PatternRegex(const Predicate& p, const Value& v) {
    std::string out = p.cased ? "/^" : "/(?i)^";
    if (p.op == Op::kContains || p.op == Op::kEndsWith) out += "[\\s\\S]*";
    for (const auto& piece : v.pattern.pieces) {
      out += piece.kind == Piece::Kind::kLiteral    ? ir::RegexEscapeLiteral(piece.text, Re2())
             : piece.kind == Piece::Kind::kAnyChars ? "[\\s\\S]*"
                                                    : "[\\s\\S]";
    }
    if (p.op == Op::kContains || p.op == Op::kStartsWith) out += "[\\s\\S]*";
    return out + "$/";
  }

  std::string RegexLiteral(const Predicate& p, const ir::Regex& regex) {
    ir::Regex copy = regex;
    copy.ignore_case = false;
    copy.dot_all = false;
    std::string construct;
    auto body = ir::EmitWholeMatch(copy, Re2(), &construct);
    if (!body) return Fail(p, "the regex construct " + construct + " (Sumo Logic uses RE2)");
    std::string flags;
    if (regex.ignore_case) flags += 'i';
    if (regex.dot_all) flags += 's';
    return "/" + (flags.empty() ? "" : "(?" + flags + ")") + "^(?:" + *body + ")$/";
  }

  std::string StringTest(const Predicate& p, const std::string& field, const Value& v) {
    std::string literal = v.pattern.Literal();
    if (p.op == Op::kEq && !HasNonAsciiCasedLetter(literal) && !HasControl(literal)) {
      return p.cased ? fmt::format("{} = {}", field, Quote(literal))
                     : fmt::format("toLowerCase({}) = {}", field, Quote(AsciiLower(literal)));
    }
    return fmt::format("{} matches {}", field, PatternRegex(p, v));
  }

  std::set<std::string> extra_fields_;  // extracted too: a correlation's group and value fields
};

// Sigma correlations: timeslice buckets and an aggregate `by` the group fields, then `where`.
// https://www.sumologic.com/help/docs/search/search-query-language/group-aggregate-operators/
class SumoCorrelation {
 public:
  explicit SumoCorrelation(const CorrelationContext& ctx) : ctx_(ctx), spec_(ctx.spec) {}

  std::optional<std::string> Run() {
    const ir::CorrelationKind type = spec_.kind;
    if (type == ir::CorrelationKind::kTemporal || type == ir::CorrelationKind::kTemporalOrdered)
      return Temporal(type == ir::CorrelationKind::kTemporalOrdered);
    std::vector<std::string> queries;
    for (const auto& source : ctx_.sources) {
      EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target};
      std::set<std::string> extra(source.group_fields.begin(), source.group_fields.end());
      if (!source.value_field.empty()) extra.insert(source.value_field);
      auto query = SumoGenerator(ec, extra).Run();
      if (!query) return std::nullopt;
      queries.push_back(*query);
    }
    const auto& source = ctx_.sources[0];
    std::string groups;
    for (const auto& f : source.group_fields) groups += ", " + Alias(f);
    std::string value = Alias(source.value_field);
    std::string variable(ir::CorrelationKindName(type));
    std::string measure;
    if (type == ir::CorrelationKind::kEventCount) {
      measure = "count";
    } else if (type == ir::CorrelationKind::kValueCount) {
      measure = fmt::format("count_distinct({})", value);
    } else if (type == ir::CorrelationKind::kValueSum) {
      measure = fmt::format("sum({})", value);
    } else if (type == ir::CorrelationKind::kValueAvg) {
      measure = fmt::format("avg({})", value);
    } else {
      measure = fmt::format("pct({}, {})", value, spec_.percentile);
    }
    std::string where = RenderBounds(variable, spec_.condition, " and ", "=");
    ctx_.ApproximatesWithBuckets("timeslice");
    return fmt::format("{}\n| timeslice {}\n| {} as {} by _timeslice{}\n| where {}", queries[0],
                       spec_.window.span, measure, variable, groups, where);
  }

 private:
  // temporal: a 0/1 flag per rule, the flags' maximum per timeslice and
  // group, and the count of rules seen.
  // Ordered, for two rules: the first rule's earliest _messagetime before the second rule's
  // latest, per timeslice and group (a sentinel stands in where a rule has no event).
  std::optional<std::string> Temporal(bool ordered) {
    const auto& first = ctx_.sources[0];
    if (ordered &&
        (ctx_.sources.size() != 2 || spec_.condition.size() != 1 ||
         spec_.condition[0].op != ir::CompareOp::kGte || spec_.condition[0].value != "2")) {
      ctx_.Unsupported("temporal_ordered other than two rules, all in order");
      return std::nullopt;
    }
    // Rules of several source categories are read by one search over all of them; each rule's
    // test then also checks its own category (`matches` takes the same * wildcards).
    std::set<std::string> scopes;
    for (const auto& source : ctx_.sources) scopes.insert(source.rule->source);
    std::set<std::string> fields;
    for (const auto& source : ctx_.sources) {
      fields.insert(source.group_fields.begin(), source.group_fields.end());
    }
    std::vector<std::string> tests;
    for (const auto& source : ctx_.sources) {
      EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target};
      SumoGenerator emitter(ec);
      std::string test = emitter.WhereFor(*source.rule);
      if (emitter.failed()) return std::nullopt;
      if (scopes.size() > 1) {
        const std::string prefix = "_sourceCategory=";
        const std::string& scope = source.rule->source;
        if (scope.rfind(prefix, 0) != 0 ||
            scope.find_first_of(" ()\"", prefix.size()) != std::string::npos) {
          ctx_.Unsupported("temporal over rules whose scopes are not one _sourceCategory each");
          return std::nullopt;
        }
        test = fmt::format("_sourceCategory matches {} and ({})",
                           Quote(scope.substr(prefix.size())), test);
      }
      tests.push_back(test);
      CollectFields(source.rule->condition, fields);
    }
    std::string query;
    if (scopes.size() == 1) {
      query = first.rule->source.empty() ? "*" : first.rule->source;
    } else {
      for (const auto& scope : scopes) query += (query.empty() ? "(" : " OR ") + scope;
      query += ")";
    }
    std::string keys;
    std::string aliases;
    for (const auto& f : fields) {
      keys += (keys.empty() ? "" : ", ") + Quote(f);
      aliases += (aliases.empty() ? "" : ", ") + Alias(f);
    }
    query += fmt::format("\n| json field=_raw {} as {} nodrop", keys, aliases);
    std::string any;
    std::string flags;
    std::string maxes;
    std::string sum;
    for (size_t i = 0; i < tests.size(); ++i) {
      any += (i ? " or " : "") + fmt::format("({})", tests[i]);
      flags += fmt::format("\n| if({}, 1, 0) as refract_rule_{}", tests[i], i + 1);
      maxes +=
          fmt::format("{}max(refract_rule_{}) as refract_seen_{}", i ? ", " : "", i + 1, i + 1);
      sum += fmt::format("{}refract_seen_{}", i ? " + " : "", i + 1);
    }
    // A group key read from different fields per rule becomes one field, taken from the field of
    // the rule the message matches.
    std::string groups;
    std::string keys_from_rules;
    for (size_t g = 0; g < first.group_fields.size(); ++g) {
      bool same = std::all_of(ctx_.sources.begin(), ctx_.sources.end(), [&](const auto& src) {
        return src.group_fields[g] == first.group_fields[g];
      });
      if (same) {
        groups += ", " + Alias(first.group_fields[g]);
        continue;
      }
      std::string name = "refract_" + Alias(spec_.group_by[g]);
      std::string value = "\"\"";
      for (size_t i = ctx_.sources.size(); i-- > 0;) {
        value =
            fmt::format("if({}, {}, {})", tests[i], Alias(ctx_.sources[i].group_fields[g]), value);
      }
      keys_from_rules += fmt::format("\n| {} as {}", value, name);
      groups += ", " + name;
    }
    flags = keys_from_rules + flags;
    ctx_.ApproximatesWithBuckets("timeslice");
    // A folded chained event_count counts its rule's events: a sum of the flag, not its max.
    std::string count_flags;
    std::string counts;
    std::string thresholds;
    for (size_t i = 0; i < ctx_.sources.size(); ++i) {
      if (ctx_.sources[i].min_count <= 1) continue;
      count_flags += fmt::format("\n| if({}, 1, 0) as refract_rule_{}", tests[i], i + 1);
      counts += fmt::format(", sum(refract_rule_{}) as refract_count_{}", i + 1, i + 1);
      thresholds += fmt::format(" and refract_count_{} >= {}", i + 1, ctx_.sources[i].min_count);
    }
    if (ordered) {
      count_flags = keys_from_rules + count_flags;
      return fmt::format(
          "{}\n| where {}\n| if({}, _messagetime, 9223372036854775807) as refract_time_1\n"
          "| if({}, _messagetime, -1) as refract_time_2{}\n| timeslice {}\n"
          "| min(refract_time_1) as refract_first, max(refract_time_2) as refract_last{} by "
          "_timeslice{}\n| where refract_first < refract_last{}",
          query, any, tests[0], tests[1], count_flags, spec_.window.span, counts, groups,
          thresholds);
    }
    if (NeedsRuleCounts(ctx_)) {
      std::string where = RenderRuleTest(ctx_, kWhere, [](size_t i, long long n) {
        return fmt::format("refract_count_{} >= {}", i + 1, n);
      });
      if (where.empty()) return std::nullopt;
      std::string all;
      for (size_t i = 0; i < ctx_.sources.size(); ++i) {
        all +=
            fmt::format("{}sum(refract_rule_{}) as refract_count_{}", i ? ", " : "", i + 1, i + 1);
      }
      return fmt::format("{}\n| where {}{}\n| timeslice {}\n| {} by _timeslice{}\n| where {}",
                         query, any, flags, spec_.window.span, all, groups, where);
    }
    std::string where = RenderBounds(sum, spec_.condition, " and ", "=");
    return fmt::format("{}\n| where {}{}\n| timeslice {}\n| {} by _timeslice{}\n| where {}", query,
                       any, flags, spec_.window.span, maxes, groups, where);
  }

  const CorrelationContext& ctx_;
  const ir::Correlation& spec_;
};

// refract's aggregate extension: one aggregation with named measures, a having condition, then
// derived columns. The lookback is the scheduled search's time range.
// https://www.sumologic.com/help/docs/search/search-query-language/group-aggregate-operators/
class SumoAggregate {
 public:
  explicit SumoAggregate(const CorrelationContext& ctx) : ctx_(ctx), spec_(ctx.spec) {}

  std::optional<std::string> Run() {
    const auto& source = ctx_.sources[0];
    // Every field the query reads is extracted once; Sumo's own fields (_messagetime) are not
    // JSON keys.
    std::set<std::string> extra;
    auto want = [&](const std::string& f) {
      if (!f.empty() && f[0] != '_') extra.insert(f);
    };
    for (const auto& f : source.group_fields) want(f);
    for (const auto& m : spec_.measures) want(m.field);
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const ir::Expr* filter = ctx_.MeasureFilter(i);
      if (filter == nullptr) continue;
      std::set<std::string> fields;
      CollectFields(*filter, fields);
      for (const auto& f : fields) want(f);
    }
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target};
    SumoGenerator emitter(ec, extra);
    auto query = emitter.Run();
    if (!query) return std::nullopt;
    std::string out = fmt::format("// time range: the last {} (set it on the scheduled search)\n",
                                  CompactDuration(spec_.window.span_seconds)) +
                      *query;
    std::vector<std::string> measures;
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      std::string field = Alias(spec_.measures[i].field);
      if (m.kind == ir::MeasureKind::kCount && ctx_.MeasureFilter(i)) {
        ir::Rule filter_rule = *source.rule;
        filter_rule.condition = *ctx_.MeasureFilter(i);
        std::string test = emitter.WhereFor(filter_rule);
        if (emitter.failed()) return std::nullopt;
        out += fmt::format("\n| if({}, 1, 0) as refract_m{}", test, i + 1);
        measures.push_back(fmt::format("sum(refract_m{}) as {}", i + 1, m.name));
      } else if (m.kind == ir::MeasureKind::kCount) {
        measures.push_back("count as " + m.name);
      } else if (m.kind == ir::MeasureKind::kDistinct) {
        measures.push_back(fmt::format("count_distinct({}) as {}", field, m.name));
      } else if (m.kind == ir::MeasureKind::kValues) {
        // values() returns up to 100 distinct values, newline-separated; it takes no limit.
        // https://www.sumologic.com/help/docs/search/search-query-language/group-aggregate-operators/values
        measures.push_back(fmt::format("values({}) as {}", field, m.name));
        if (m.limit != "100") {
          ctx_.Approximates(fmt::format("values() keeps up to 100 distinct values of {}, not {}",
                                        m.written_field, m.limit.empty() ? "all" : m.limit));
        }
      } else {
        measures.push_back(fmt::format("{}({}) as {}", ir::MeasureKindName(m.kind), field, m.name));
      }
    }
    std::string by;
    if (spec_.window.bucket_seconds > 0) {
      out += "\n| timeslice " + CompactDuration(spec_.window.bucket_seconds);
      by = "_timeslice";
      ctx_.Approximates(fmt::format(
          "window {} becomes fixed buckets (timeslice): events on both sides of a bucket "
          "boundary are not counted together",
          spec_.window.bucket));
    }
    for (const auto& f : source.group_fields) by += (by.empty() ? "" : ", ") + Alias(f);
    out += "\n| ";
    for (size_t i = 0; i < measures.size(); ++i) out += (i ? ", " : "") + measures[i];
    if (!by.empty()) out += " by " + by;
    // Group columns under the group-by names, so signals share them.
    for (size_t g = 0; g < spec_.group_by.size(); ++g) {
      std::string alias = Alias(source.group_fields[g]);
      if (alias != spec_.group_by[g]) out += fmt::format("\n| {} as {}", alias, spec_.group_by[g]);
    }
    if (spec_.test) out += "\n| where " + Test(*spec_.test);
    for (const auto& column : spec_.columns) {
      std::string value;
      if (column.cases.empty()) {
        value = Literal(column.constant);
      } else {
        std::string close;
        for (const auto& [test, then] : column.cases) {
          value += fmt::format("if({}, {}, ", Test(test), Literal(then));
          close += ")";
        }
        value += Literal(column.otherwise) + close;
      }
      out += fmt::format("\n| {} as {}", value, column.name);
    }
    return out;
  }

 private:
  static std::string Literal(const std::string& text) {
    return IsNumberText(text) ? text : Quote(text);
  }

  static std::string Test(const ir::CorrelationTest& t) {
    return RenderMeasureTest(t, kWhere, [](const std::string& name) { return name; });
  }

  const CorrelationContext& ctx_;
  const ir::Correlation& spec_;
};

class Sumo final : public Backend {
 public:
  std::string_view id() const override { return "sumo"; }
  std::string_view description() const override { return "Sumo Logic (log search)"; }
  std::string_view extension() const override { return "sumo"; }
  std::optional<std::string> Emit(const EmitContext& ctx) const override {
    return SumoGenerator(ctx).Run();
  }
  std::optional<std::string> EmitCorrelation(const CorrelationContext& ctx) const override {
    return SumoCorrelation(ctx).Run();
  }
  std::optional<std::string> EmitAggregate(const CorrelationContext& ctx) const override {
    return SumoAggregate(ctx).Run();
  }
  std::optional<std::string> EmitUnion(const CorrelationContext& ctx,
                                       const std::vector<std::string>&) const override {
    ctx.Unsupported(
        "a union of several aggregate searches (a Sumo Logic search has one aggregation "
        "pipeline): schedule the signals as separate searches");
    return std::nullopt;
  }
};

}  // namespace

const Backend& SumoBackend() {
  static const Sumo kBackend;
  return kBackend;
}

}  // namespace refract
