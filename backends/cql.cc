// LogScale (CQL) for CrowdStrike Falcon LogScale and Next-Gen SIEM.
// `field = "x"` is exact and case-sensitive; `field = /re/i` is the case-insensitive form, so
// Sigma's strings become anchored regexes. Functions such as cidr() and test() are filters of
// their own and cannot stand inside `or`, so they are used only as top-level conjuncts.
// https://library.humio.com/data-analysis-1.183/syntax-operators.html
#include <fmt/format.h>

#include "backends/assembled_backend.h"
#include "backends/backend.h"
#include "backends/common.h"
#include "compiler/text/cat.h"

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
const ir::RegexFlavor kFlavor{
    .name = "logscale regex",
    .inline_flags = false,
    .class_metachars = "\\]^-[/",
    .literal_metachars = "\\.+*?()|[]{}^$/\"",
};

std::string Quote(std::string_view text) { return QuoteString(text, kCqlDialect.quote); }

// Field names with dots or other characters are double-quoted; #tags stay bare.
std::string Field(const std::string& name) {
  bool tag = !name.empty() && name[0] == '#';
  bool plain = !name.empty() && (tag ? AllNameChars(name.substr(1), ".") : AllNameChars(name));
  return plain ? name : Quote(name);
}

// True when `p` holds a whole |expand list that the query reads from a lookup file, as bundles
// deploy lists: exact strings and numbers through match(), networks through cidr(file=).
// Values a CSV row holds as they are only; a list a pass split (a wildcard value) stays inline.
bool ReadsLookupFile(const Predicate& p, const ListLookups* lookups) {
  if (!TestsWholeList(p, lookups) || !(p.op == Op::kEq || p.op == Op::kCidr) ||
      !AllNameChars(p.list)) {
    return false;
  }
  for (const auto& v : p.values) {
    bool plain = v.kind == Value::Kind::kNumber || v.kind == Value::Kind::kCidr ||
                 (v.kind == Value::Kind::kString && v.pattern.IsPlain());
    const std::string text = v.kind == Value::Kind::kString ? v.pattern.Literal() : v.text;
    if (!plain || text.empty() || text::HasControlCharacter(text)) return false;
  }
  return true;
}

bool IsFunctionPredicate(const Predicate& p, const ListLookups* lookups) {
  return p.op == Op::kCidr || (!p.values.empty() && p.values[0].kind == Value::Kind::kField) ||
         ReadsLookupFile(p, lookups);
}

// True when a cidr(), match() or test() sits under `or` (or under `not` of a junction), where
// LogScale cannot place a function.
bool FunctionInJunction(const Expr& e, bool nested, const ListLookups* lookups) {
  if (e.kind == Expr::Kind::kPredicate) {
    return nested && IsFunctionPredicate(e.predicate, lookups);
  }
  bool inner = nested || e.kind == Expr::Kind::kOr ||
               (e.kind == Expr::Kind::kNot && e.children[0].kind != Expr::Kind::kPredicate);
  for (const auto& child : e.children) {
    if (FunctionInJunction(child, inner, lookups)) return true;
  }
  return false;
}

class CqlGenerator : public TextGenerator {
 public:
  explicit CqlGenerator(const EmitContext& ctx) : TextGenerator(ctx, kCqlDialect) {}

  // `e` as one filter expression (for a case {} branch); nullopt when it cannot be one (a cidr()
  // or test() under `or`) or after a reported failure.
  std::optional<std::string> Filter(const Expr& e) {
    if (FunctionInJunction(e, false, ctx_.lookups)) {
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
        // An `or` over function filters becomes a case {} whose branches are the alternatives.
        auto stage = Pipeline(*conjunct);
        if (!stage) {
          ctx_.Unsupported(ctx_.rule.location,
                           "cidr or fieldref inside 'not' of a junction (LogScale functions "
                           "are filters of their own)");
          return std::nullopt;
        }
        stages.push_back(*stage);
      }
    }
    if (failed()) return std::nullopt;
    std::string out = JoinText(stages, "\n| ");
    return out.empty() ? "*" : out;
  }

  // `e` as pipeline stages: `and` chains stages, `or` is a case {} with a branch for each
  // alternative (an event goes through the first branch that passes it, and is dropped when
  // none does: an `or`). https://library.humio.com/data-analysis/syntax-conditional-evaluation.html
  // nullopt when a function filter sits under `not` of a junction, which no stage can say.
  std::optional<std::string> Pipeline(const Expr& e) {
    if (!FunctionInJunction(e, false, ctx_.lookups) && e.kind != Expr::Kind::kAnd) {
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
    if (e.kind == Expr::Kind::kAnd) {
      return JoinText(parts, " | ");
    }
    return "case { " + JoinEach(parts, "", [](const std::string& part) { return part + "; "; }) +
           "}";
  }

 protected:
  std::string FieldName(const std::string& field) const override { return Field(field); }

  // A whole list read from the lookup file of its name (cql/files/<name>.csv, one column,
  // `value`): match() for exact values, ignoring case unless |cased, and cidr(file=) for
  // networks; `not` negates either. match() adds the row's `value` to the events it passes.
  // https://library.humio.com/data-analysis/functions-match.html
  // https://library.humio.com/data-analysis/functions-cidr.html
  std::string Leaf(const Predicate& p, bool negated) override {
    if (!ReadsLookupFile(p, ctx_.lookups)) return TextGenerator::Leaf(p, negated);
    ctx_.lookups->read->insert(p.list);
    std::string file = Quote(p.list + ".csv");
    if (p.op == Op::kCidr) {
      return text::Cat({"cidr(", Field(p.field), ", file=", file, ", column=\"value\")"});
    }
    return text::Cat({"match(file=", file, ", field=", Quote(p.field), ", column=\"value\"",
                      p.cased ? "" : ", ignoreCase=true", ")"});
  }

  // A bare regex searches the whole event (@rawstring).
  std::string Keyword(const Predicate& p, bool) override {
    return Each(p, "", false, [&](const Value& v) {
      return p.op == Op::kRegex ? RegexLiteral(p, *v.regex) : PatternRegex(p, v);
    });
  }

  // A comparison with a missing field fails, except != : so `field != *` is absence.
  std::string Null(const Predicate&, const std::string& field) override {
    return text::Cat({field, " != *"});
  }

  std::string Exists(const Predicate&, const std::string& field, bool exists) override {
    return text::Cat({field, " ", exists ? "=" : "!=", " *"});
  }

  std::string Cidr(const Predicate& p, const std::string& field, bool negated) override {
    if (p.all_of && p.values.size() > 1) {
      return Each(p, field, negated, [&](const Value& v) {
        return text::Cat({"cidr(", field, ", subnet=", Quote(v.text), ")"});
      });
    }
    std::string list;
    for (size_t i = 0; i < p.values.size(); ++i) list += (i ? ", " : "") + Quote(p.values[i].text);
    return text::Cat({"cidr(", field, ", subnet=[", list, "])"});
  }

  std::string RegexValue(const Predicate& p, const std::string& field,
                         const ir::Regex& regex) override {
    std::string literal = RegexLiteral(p, regex);
    return failed() ? "" : field + " = " + literal;
  }

  std::string FieldRefValue(const Predicate& p, const std::string& field, const Value& v) override {
    if (p.op != Op::kEq) return Fail(p, "fieldref with contains, startswith or endswith");
    return p.cased ? text::Cat({"test(", field, " == ", Field(v.text), ")"})
                   : text::Cat({"test(lower(", field, ") == lower(", Field(v.text), "))"});
  }

  std::string NumberValue(const Predicate&, const std::string& field, const Value& v) override {
    return text::Cat({field, " = ", Quote(v.text)});
  }

  std::string BoolValue(const Predicate& p, const std::string& field, const Value& v) override {
    return NumberValue(p, field, v);
  }

  std::string StringValue(const Predicate& p, const std::string& field, const Value& v) override {
    return p.cased && p.op == Op::kEq ? text::Cat({field, " = ", Quote(v.pattern.Literal())})
                                      : text::Cat({field, " = ", PatternRegex(p, v)});
  }

 private:
  static std::string PatternRegex(const Predicate& p, const Value& v) {
    std::string out =
        "/" + PatternAsRegex(v.pattern, p.op, kFlavor, {".*", ".", "^", "$", false}) + "/";
    // `d` lets . cross line breaks, as Sigma's * does; `i` ignores case.
    if (!p.cased) out += "i";
    if (p.op == Op::kWildcard) out += "d";
    return out;
  }

  std::string RegexLiteral(const Predicate& p, const ir::Regex& regex) {
    std::string construct;
    auto body = ir::EmitRegex(regex, kFlavor, &construct, false);
    if (!body) return Fail(p, "the regex construct " + construct);
    std::string flags;
    if (regex.ignore_case) flags += 'i';
    if (regex.multiline) flags += 'm';
    if (regex.dot_all) flags += 'd';
    return "/" + *body + "/" + flags;
  }
};

const MeasureSpelling kMeasures{"count(as={name})",
                                "sum({flag}, as={name})",
                                "count({field}, distinct=true, as={name})",
                                "collect({field}, as={name})",
                                "collect({field}, limit={limit}, as={name})",
                                "{fn}({field}, as={name})"};

// bucket() keeps `limit` series, 10 unless set, at most MAX_SERIES_LIMIT (500 by default), the
// highest-valued first, and each group is a series: a group past the limit is never tested.
// The limit is set to the most the platform allows, and the cap is warned.
// https://library.humio.com/data-analysis/functions-bucket.html
// https://library.humio.com/falcon-logscale-self-hosted/envar-max-series-limit.html
std::string SeriesLimit(const CorrelationContext& ctx, bool grouped) {
  if (!grouped) return "";
  ctx.Approximates(
      "bucket() keeps at most 500 groups per query (its series limit, MAX_SERIES_LIMIT), the "
      "highest-valued first: groups past it are not tested");
  return ", limit=500";
}

std::string ColumnText(const std::string& text) { return ColumnLiteral(text, kCqlDialect.quote); }

// Inside test() measures are plain names; quoted text would be a string.
std::string MeasureTest(const ir::CorrelationTest& t) {
  return RenderMeasureTest(t, {" and ", " or ", "!(", ")"},
                           [](const std::string& name) { return name; });
}

// The condition over the measures as a filter, then the derived columns by assignment or
// case {}: the end of an aggregate or consecutive query.
std::string CqlTestAndColumns(const ir::Correlation& spec) {
  std::string out;
  if (spec.test) out += "\n| test(" + MeasureTest(*spec.test) + ")";
  for (const auto& column : spec.columns) {
    std::string name = Field(column.name);
    out += column.cases.empty()
               ? text::Cat({"\n| ", name, " := ", ColumnText(column.constant)})
               : "\n| " + ColumnValue(column,
                                      {"case {", " test({test}) | {name} := {value};",
                                       " * | {name} := {value}; }}", ""},
                                      MeasureTest, ColumnText, name);
  }
  return out;
}

// Sigma correlations as bucket() over time with an aggregate; several rules are labelled in one
// case {} statement. https://library.humio.com/data-analysis-1.159/functions-window.html
// refract's aggregate extension: count-if flags set by case {}, one groupBy with the measures,
// the condition as filters, columns by assignment or case {}. LogScale sets the time range on
// the search or alert, so the query opens with a comment that names the lookback.
// https://library.humio.com/data-analysis/functions-groupby.html
class CqlAggregate : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const auto& source = ctx_.sources[0];
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
    CqlGenerator emitter(ec);
    auto query = emitter.Run();
    if (!query) return std::nullopt;
    std::string out = LookbackComment(ctx_, "//", "search or alert") + *query;
    std::vector<std::string> functions;
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      MeasureText text{m.kind, CountsIf(ctx_, i), Field(m.field), Quote(m.name), "", m.limit};
      if (text.counts_if) {
        auto filter = emitter.Filter(*ctx_.MeasureFilter(i));
        if (!filter) return std::nullopt;
        text.flag = fmt::format("refract_m{}", i + 1);
        out +=
            fmt::format("\n| case {{ {} | {} := 1; * | {} := 0; }}", *filter, text.flag, text.flag);
      } else if (ctx_.MeasureFilter(i)) {
        // A conditional min or max: the field copied where the selection holds, and min() and
        // max() skip events without it. getField() reads a field whose name needs quotes.
        // https://library.humio.com/data-analysis/functions-getfield.html
        auto filter = emitter.Filter(*ctx_.MeasureFilter(i));
        if (!filter) return std::nullopt;
        std::string copy = fmt::format("refract_m{}", i + 1);
        out +=
            fmt::format("\n| case {{ {} | {} := getField({}); * }}", *filter, copy, Quote(m.field));
        text.field = Quote(copy);
      }
      functions.push_back(SpellMeasure(kMeasures, text));
    }
    std::string fields = JoinEach(source.group_fields, ", ", Field);
    std::string function_list = JoinText(functions, ", ");
    if (spec_.window.bucket_seconds > 0) {
      ctx_.ApproximatesWithBuckets(
          text::Cat({"bucket(span=", CompactDuration(spec_.window.bucket_seconds), ")"}));
      out += text::Cat({"\n| bucket(span=", CompactDuration(spec_.window.bucket_seconds),
                        ", field=[", fields, "], function=[", function_list, "]",
                        SeriesLimit(ctx_, !source.group_fields.empty()), ")"});
    } else {
      out += text::Cat({"\n| groupBy([", fields, "], function=[", function_list, "])"});
    }
    // The group-by names are the output's columns, as the other targets name them.
    // https://library.humio.com/data-analysis/functions-rename.html
    for (size_t g = 0; g < spec_.group_by.size(); ++g) {
      if (spec_.group_by[g] == source.group_fields[g]) continue;
      out += text::Cat({"\n| rename(field=", Quote(source.group_fields[g]),
                        ", as=", Quote(spec_.group_by[g]), ")"});
    }
    return out + CqlTestAndColumns(spec_);
  }
};

class CqlCorrelation : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    auto queries = SourceQueries<CqlGenerator>(ctx_);
    if (!queries) return std::nullopt;
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
      // A step needs the previous step's time on each event of its group: LogScale's sequence
      // functions could carry it, but only after an ordering aggregate capped at StateRowLimit.
      // https://library.humio.com/data-analysis/functions-sequence.html
      ctx_.Unsupported(
          "temporal_ordered over three or more rules (bucket() collapses a group; carrying each "
          "step's time from event to event needs a sequence function after sort() or head(), "
          "which keep at most StateRowLimit events, 20,000 by default)");
      return std::nullopt;
    }
    std::string body;
    std::vector<std::string> groups;
    std::string value;
    if (!temporal && ctx_.sources.size() == 1) {
      body = (*queries)[0];
      for (const auto& f : ctx_.sources[0].group_fields) groups.push_back(Field(f));
      value = Field(ctx_.sources[0].value_field);
    } else {
      // Each branch: the rule's filters, then labels; an event matching no branch is dropped.
      body = "case {";
      for (size_t i = 0; i < ctx_.sources.size(); ++i) {
        std::string branch = ReplaceAll((*queries)[i], "\n| ", " | ");
        // getField() reads a field by name; a quoted name alone would be a text literal.
        auto get = [](const std::string& f) { return "getField(" + Quote(f) + ")"; };
        branch += SourceLabels(ctx_, i, {" | {name} := {value}", "", Quote, Alias, get, get});
        if (ordered)
          branch += text::Cat({" | ", i == 0 ? "refract_a" : "refract_b", " := @timestamp"});
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
    const std::string span = CompactDuration(spec_.window.span_seconds);
    auto bucket = [&, fields = JoinText(groups, ", ")](const std::string& function) {
      ctx_.ApproximatesWithBuckets("bucket(span=" + span + ")");
      return text::Cat({body, "\n| bucket(span=", span, ", field=[", fields,
                        "], function=", function, SeriesLimit(ctx_, !groups.empty()), ")"});
    };
    std::string function;
    std::string variable;
    if (auto measure = CorrelationMeasure(type)) {
      variable = ir::CorrelationKindName(type);
      function = SpellMeasure(kMeasures, {*measure, false, value, variable, "", ""});
    } else if (type == ir::CorrelationKind::kValuePercentile) {
      variable = "value_percentile";
      function = text::Cat({"percentile(", value, ", percentiles=[", spec_.percentile, "])"});
      ctx_.Approximates("percentile() is an estimate");
    } else if (type == ir::CorrelationKind::kTemporal && NeedsRuleCounts(ctx_)) {
      // A filter stage over the per-rule sums (every branch sets every rule's 0/1 hit field, so
      // a sum is 0, not missing, for a rule without events in the bucket).
      std::string test = RenderRuleTest(ctx_, kCql, [](size_t i, long long n) {
        return fmt::format("refract_count_{} >= {}", i + 1, n);
      });
      if (test.empty()) return std::nullopt;
      return bucket("[" + ThresholdSums(SourceSet::kAll) + "]") + "\n| " + test;
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
      return bucket(fmt::format(
                 "[min(refract_a, as=refract_first), max(refract_b, "
                 "as=refract_last){}]",
                 HasThresholds(ctx_) ? ", " + ThresholdSums(SourceSet::kCounted) : "")) +
             "\n| test(refract_first < refract_last)" +
             EachSource(ctx_, "\n| test(refract_count_{n} >= {min})", "", SourceSet::kCounted);
    }
    // Each bound is a filter stage of its own.
    std::string filters = "\n| " + RenderBounds(variable, spec_.condition, "\n| ", "=");
    if (type == ir::CorrelationKind::kValuePercentile) {
      filters = text::Cat({"\n| value_percentile := _", spec_.percentile}) + filters;
    }
    return bucket(function) + filters;
  }

 private:
  static std::string Alias(const std::string& name) { return RefractName(name); }

  // Per-rule event counts for folded chained event_counts.
  std::string ThresholdSums(SourceSet which) const {
    return EachSource(ctx_, "sum(refract_hit_{n}, as=refract_count_{n})", ", ", which);
  }
};

// refract's consecutive: each event with the previous event of its group. neighbor() reads the
// event before in the order of the aggregate before it, so the events are sorted by group and
// time (sort(), bounded by StateRowLimit) and a pair counts where the group fields are equal;
// the values are copied under plain names first (getField() reads a name that needs quotes),
// and geography:distance() measures in metres.
// https://library.humio.com/data-analysis/functions-neighbor.html,
// https://library.humio.com/data-analysis/functions-sort.html,
// https://library.humio.com/data-analysis/functions-geography-distance.html,
// https://library.humio.com/data-analysis/functions-default.html
class CqlConsecutive : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const auto& source = ctx_.sources[0];
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
    auto query = CqlGenerator(ec).Run();
    if (!query) return std::nullopt;
    std::string out = LookbackComment(ctx_, "//", "search or alert") + *query;
    const std::string time = ctx_.mapping.Option("time_field", "@timestamp");
    std::vector<std::string> keys, sort_types, included, same, defaults;
    auto copy = [&](const std::string& name, const std::string& field) {
      out += text::Cat({"\n| ", name, " := getField(", Quote(field), ")"});
      included.push_back(name);
    };
    for (size_t g = 0; g < source.group_fields.size(); ++g) {
      std::string key = fmt::format("refract_k{}", g + 1);
      copy(key, source.group_fields[g]);
      keys.push_back(key);
      sort_types.push_back("string");
      same.push_back(fmt::format("{0} == prev.{0}", key));
    }
    copy("refract_time", time);
    std::vector<std::string> measures;
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      const size_t n = i + 1;
      if (!m.field2.empty()) {
        copy(fmt::format("refract_lat{}", n), m.field);
        copy(fmt::format("refract_lon{}", n), m.field2);
      } else if (!m.field.empty()) {
        // A missing value compares as empty text, as on the other targets.
        copy(fmt::format("refract_v{}", n), m.field);
        defaults.push_back(fmt::format("refract_v{}", n));
      }
      measures.push_back(Measure(m, n));
    }
    if (!defaults.empty()) {
      out += text::Cat({"\n| default(field=[", JoinText(defaults, ", "), "], value=\"\")"});
    }
    keys.push_back("refract_time");
    sort_types.push_back("number");
    std::vector<std::string> order(keys.size(), "asc");
    ctx_.Approximates(
        "sort() orders at most StateRowLimit events (limit=max, 20,000 by default): past it the "
        "events of the groups sorted last are not compared");
    out += text::Cat({"\n| sort(field=[", JoinText(keys, ", "), "], order=[", JoinText(order, ", "),
                      "], type=[", JoinText(sort_types, ", "), "], limit=max)"});
    out += text::Cat({"\n| neighbor(include=[", JoinText(included, ", "), "], prefix=prev)"});
    same.push_back(
        fmt::format("refract_time - prev.refract_time <= {}", spec_.window.span_seconds * 1000));
    for (const auto& test : same) out += "\n| test(" + test + ")";
    for (const auto& measure : measures) out += measure;
    return out + CqlTestAndColumns(spec_);
  }

 private:
  // The stages that compute measure `m` (the n-th) as a field of its own name. Times are in
  // milliseconds; a speed divides by at least a minute.
  static std::string Measure(const ir::Measure& m, size_t n) {
    const std::string name = Field(m.name);
    const std::string ms = "(refract_time - prev.refract_time)";
    auto distance = [&] {
      return fmt::format(
          "\n| refract_d{0} := geography:distance(lat1=prev.refract_lat{0}, "
          "lon1=prev.refract_lon{0}, lat2=refract_lat{0}, lon2=refract_lon{0})",
          n);
    };
    switch (m.kind) {
      case ir::MeasureKind::kDistanceKm:
        return distance() + fmt::format("\n| {} := refract_d{} / 1000", name, n);
      case ir::MeasureKind::kSpeedKmh:
        return distance() +
               fmt::format(
                   "\n| refract_ms{0} := {1}\n| case {{ test(refract_ms{0} < {2}) | "
                   "refract_ms{0} := {2}; * }}\n| {3} := refract_d{0} / 1000 / (refract_ms{0} / "
                   "3600000)",
                   n, ms, static_cast<long long>(ir::kMinSpeedHours * 3600000 + 0.5), name);
      case ir::MeasureKind::kHours:
        return text::Cat({"\n| ", name, " := ", ms, " / 3600000"});
      case ir::MeasureKind::kChanged:
        return fmt::format(
            "\n| case {{ test(refract_v{0} == prev.refract_v{0}) | {1} := 0; * | {1} := 1; }}", n,
            name);
      default:  // previous
        return fmt::format("\n| {} := prev.refract_v{}", name, n);
    }
  }
};

}  // namespace

// A union's signal ends with `:=` renames and select(); a column it lacks is left out (a
// missing field is absent, not an error), and it is not sorted: sort() keeps only its `limit`
// events (200 by default), which would cut the alerts.
// https://library.humio.com/data-analysis/functions-select.html
// https://library.humio.com/data-analysis/functions-sort.html
const UnionColumnSyntax kCqlUnionColumns{
    "\n| {name} := {value}", "", "\n| select([{columns}])", "", "", "", Field};

const Backend& CqlBackend() {
  static const AssembledBackend<CqlGenerator, CqlCorrelation, CqlAggregate, PerSignalUnion,
                                CqlConsecutive>
      kBackend({"cql", "CrowdStrike Falcon LogScale / Next-Gen SIEM (CQL)", "cql"},
               {"", "", "", ""}, &kCqlUnionColumns);
  return kBackend;
}

}  // namespace refract
