// Sumo Logic Cloud SIEM: rule expressions over normalized records (match rules), and Sigma's
// correlations as Cloud SIEM's own rule types — threshold, chain and aggregation rules.
// The expression language is Spark SQL's: `lower`, `like`, `rlike` (Java regular expressions),
// `IN`, `isNull`, single-quoted literals whose backslashes escape.
// https://www.sumologic.com/help/docs/cse/rules/cse-rules-syntax/
// https://spark.apache.org/docs/latest/sql-ref-literals.html#string-literal
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <set>

#include "backends/assembled_backend.h"
#include "backends/backend.h"
#include "backends/common.h"
#include "compiler/ir/ipv6_network.h"
#include "compiler/text/cat.h"

namespace refract {
namespace {

using ir::Expr;
using ir::Op;
using ir::Piece;
using ir::Predicate;
using ir::Value;

// `=` with a null operand is false and `!(null)` true (the rules syntax page); the guard keeps
// Sigma's `not` keeping records without the field under SQL's three-valued logic as well.
const Dialect kCse{{" AND ", " OR ", "NOT (", ")", "true", "false"},
                   {'\'', false, true, true, "\\u{:04x}"},
                   "(!isNull({0}) AND {1})"};

// `rlike` takes Java regular expressions and searches the value, as Sigma's `re` does.
const ir::RegexFlavor kJava = JavaRegexFlavor("java regex (Cloud SIEM rlike)");

std::string Quote(std::string_view text) { return QuoteString(text, kCse.quote); }

// Attributes of the Cloud SIEM schema (v3) that the shipped mapping names, and the record
// metadata: a field that is none of these is read from the record's `fields` map, which holds
// the original log's fields. https://github.com/SumoLogic/cloud-siem-content-catalog (schema)
constexpr std::array<std::string_view, 48> kSchemaAttributes = {
    "accountId",
    "action",
    "application",
    "authProvider",
    "baseImage",
    "changeTarget",
    "changeType",
    "commandLine",
    "description",
    "device_hostname",
    "device_ip",
    "dns_query",
    "dns_queryDomain",
    "dns_queryType",
    "dns_reply",
    "dstDevice_hostname",
    "dstDevice_ip",
    "dstPort",
    "file_basename",
    "file_hash_md5",
    "file_hash_sha1",
    "file_hash_sha256",
    "file_path",
    "http_method",
    "http_referer",
    "http_url",
    "http_userAgent",
    "ipProtocol",
    "logonType",
    "metadata_deviceEventId",
    "metadata_product",
    "metadata_vendor",
    "normalizedAction",
    "objectType",
    "parentBaseImage",
    "parentCommandLine",
    "parentPid",
    "pid",
    "srcDevice_hostname",
    "srcDevice_ip",
    "srcDevice_ip_asnNumber",
    "srcDevice_ip_countryCode",
    "srcPort",
    "success",
    "targetUser_username",
    "timestamp",
    "user_userId",
    "user_username",
};

// Spark compares a string with an integer by casting the string to an integer, which truncates
// "5.5" to 5 (https://github.com/apache/spark/blob/master/sql/catalyst/src/main/scala/org/apache/
// spark/sql/catalyst/analysis/TypeCoercion.scala, PromoteStrings): a value read from the record's
// `fields` map, always a string, is compared as a double, as Sigma compares numbers. Schema
// attributes keep their own numeric types.
std::string NumberOperand(const std::string& field) {
  return field.starts_with("fields[") ? "toDouble(" + field + ")" : field;
}

bool IsSchemaAttribute(std::string_view name) {
  return std::find(kSchemaAttributes.begin(), kSchemaAttributes.end(), name) !=
         kSchemaAttributes.end();
}

// A mapped field as the expression reads it: a schema attribute bare, anything else (a mapping's
// `fields.KEY`, or an unmapped Sigma field) from the record's `fields` map.
std::string Field(const std::string& name) {
  if (IsSchemaAttribute(name)) return name;
  std::string_view key = name;
  if (key.starts_with("fields.")) key.remove_prefix(7);
  return "fields[" + Quote(key) + "]";
}

// A Sigma pattern as a LIKE pattern: `%` and `_` for the wildcards, the literal's own `%`, `_`
// and `\` escaped with LIKE's default escape character.
std::string LikePattern(const Predicate& p, const Value& v, bool lower) {
  std::string out = (p.op == Op::kContains || p.op == Op::kEndsWith) ? "%" : "";
  for (const auto& piece : v.pattern.pieces) {
    if (piece.kind == Piece::Kind::kAnyChars) {
      out += '%';
    } else if (piece.kind == Piece::Kind::kOneChar) {
      out += '_';
    } else {
      for (char c : lower ? text::AsciiLower(piece.text) : piece.text) {
        if (c == '%' || c == '_' || c == '\\') out += '\\';
        out += c;
      }
    }
  }
  if (p.op == Op::kContains || p.op == Op::kStartsWith) out += '%';
  return out;
}

class CseGenerator : public TextGenerator {
 public:
  explicit CseGenerator(const EmitContext& ctx) : TextGenerator(ctx, kCse) {}

  // The rule's log-source scope and its condition, one expression.
  std::optional<std::string> Run() {
    std::string condition = Condition(ctx_.rule.condition).value_or("");
    if (failed()) return std::nullopt;
    const std::string& scope = ctx_.rule.source;
    if (scope.empty()) return condition;
    if (ctx_.rule.condition.kind == Expr::Kind::kTrue) return scope;
    return text::Cat({scope, " AND (", condition, ")"});
  }

 protected:
  std::string FieldName(const std::string& field) const override { return Field(field); }

  // A record has no message text to search: its fields are all there is.
  std::string Keyword(const Predicate& p, bool) override {
    return Fail(p, "a keyword search (a Cloud SIEM record has fields, no message text)");
  }

  std::string Null(const Predicate&, const std::string& field) override {
    return text::Cat({"isNull(", field, ")"});
  }

  std::string Exists(const Predicate&, const std::string& field, bool exists) override {
    return text::Cat({exists ? "!" : "", "isNull(", field, ")"});
  }

  std::string CompareValue(const Predicate&, const std::string& field, const Value& v,
                           std::string_view op) override {
    return text::Cat({NumberOperand(field), " ", op, " ", v.text});
  }

  // compareCIDRPrefix tests IPv4 addresses only; an IPv6 network is a regex over the address
  // text (ir::Ipv6NetworkRegex), which rlike searches.
  std::string CidrValue(const Predicate& p, const std::string& field, const Value& v) override {
    if (v.ipv6) {
      std::string why_not;
      auto regex = ir::Ipv6NetworkRegex(v.text, &why_not);
      return regex ? RegexValue(p, field, *regex) : Fail(p, why_not);
    }
    return CompareCidrPrefix(v, field, kCse.quote);
  }

  std::string RegexValue(const Predicate& p, const std::string& field,
                         const ir::Regex& regex) override {
    std::string construct;
    auto text = ir::EmitRegex(regex, kJava, &construct);
    if (!text) return Fail(p, "the regex construct " + construct + " (rlike uses Java regex)");
    return text::Cat({field, " rlike ", Quote(*text)});
  }

  std::string Values(const Predicate& p, const std::string& field, bool negated) override {
    const Value& first = p.values[0];
    if (first.kind == Value::Kind::kField) {
      if (p.op != Op::kEq) return Fail(p, "fieldref with contains, startswith or endswith");
      return Each(p, field, negated, [&](const Value& v) {
        std::string other = Field(v.text);
        return p.cased ? text::Cat({field, " = ", other})
                       : text::Cat({"lower(", field, ") = lower(", other, ")"});
      });
    }
    if (first.kind == Value::Kind::kNumber) {
      return Each(p, field, negated, [&](const Value& v) {
        return text::Cat({NumberOperand(field), " = ", v.text});
      });
    }
    if (first.kind == Value::Kind::kBool) {
      return Guard(field, text::Cat({"lower(", field, ") = ", Quote(first.text)}), negated);
    }
    bool in_list = p.op == Op::kEq && !p.cased && !p.all_of && p.values.size() > 1;
    for (const auto& v : p.values) {
      if (!v.pattern.IsPlain() || HasNonAsciiCasedLetter(v.pattern.Literal())) in_list = false;
    }
    if (in_list) {
      std::string list = JoinEach(p.values, ", ", [this](const Value& v) {
        return Quote(text::AsciiLower(v.pattern.Literal()));
      });
      return Guard(field, text::Cat({"lower(", field, ") IN (", list, ")"}), negated);
    }
    return Each(p, field, negated, [&](const Value& v) { return StringTest(p, field, v); });
  }

 private:
  // lower() folds every letter but the literal is folded here for ASCII only: a value with other
  // cased letters is matched by a Unicode case-insensitive regex instead.
  std::string StringTest(const Predicate& p, const std::string& field, const Value& v) {
    if (!p.cased && HasNonAsciiCasedLetter(v.pattern.Literal())) {
      return text::Cat({field, " rlike ",
                        Quote("(?iu)" + PatternAsRegex(v.pattern, p.op, kJava,
                                                       {"(?s:.*)", "(?s:.)", "^", "\\z", true}))});
    }
    const std::string& target = p.cased ? field : "lower(" + field + ")";
    if (v.pattern.IsPlain() && p.op == Op::kEq) {
      std::string literal = v.pattern.Literal();
      return text::Cat({target, " = ", Quote(p.cased ? literal : text::AsciiLower(literal))});
    }
    return text::Cat({target, " like ", Quote(LikePattern(p, v, !p.cased))});
  }
};

// Cloud SIEM's entity types for the schema attributes that carry one: a threshold, chain or
// aggregation rule counts per entity, so a correlation's group-by must name one.
// https://www.sumologic.com/help/docs/cse/records-signals-entities-insights/view-manage-entities/
std::string_view EntityTypeOf(std::string_view field) {
  if (field == "user_username" || field == "targetUser_username") return "_username";
  if (field == "srcDevice_ip" || field == "dstDevice_ip" || field == "device_ip") return "_ip";
  if (field == "srcDevice_hostname" || field == "dstDevice_hostname" ||
      field == "device_hostname") {
    return "_hostname";
  }
  return "";
}

// Window sizes with a name; any other span from one minute to five days is CUSTOM.
// https://registry.terraform.io/providers/SumoLogic/sumologic/latest/docs/resources/cse_threshold_rule
std::string WindowFields(long long seconds) {
  static constexpr std::pair<long long, const char*> kNamed[] = {
      {300, "T05M"},   {600, "T10M"},   {1800, "T30M"},   {3600, "T60M"},
      {43200, "T12H"}, {86400, "T24H"}, {432000, "T05D"},
  };
  for (const auto& [span, name] : kNamed) {
    if (span == seconds) return text::Cat({"  \"windowSize\": \"", name, "\""});
  }
  return fmt::format("  \"windowSize\": \"CUSTOM\",\n  \"windowSizeMilliseconds\": \"{}\"",
                     seconds * 1000);
}

std::string J(std::string_view text) { return "\"" + JsonEscape(text) + "\""; }

std::string JsonStrings(const std::vector<std::string>& items) {
  return "[" + JoinEach(items, ", ", [](const std::string& s) { return J(s); }) + "]";
}

// The writers of the three rule types share: the window, the entity and grouping of the
// group-by fields, and the rule expression of each source.
class CseWriter : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

 protected:
  // The window's span as Cloud SIEM's window fields; nullopt (reported) outside its range.
  std::optional<std::string> Window(long long seconds) const {
    if (Refuses(seconds < 60 || seconds > 432000,
                text::Cat({"a window of ", CompactDuration(seconds),
                           " (Cloud SIEM windows run from 1 minute to 5 days)"}))) {
      return std::nullopt;
    }
    return WindowFields(seconds);
  }

  // entitySelectors (the first group-by field with an entity type) and groupByFields (the
  // others), so that records are counted per value of every group-by field; nullopt (reported)
  // when the sources read their group keys from different fields or no key is an entity.
  std::optional<std::string> Grouping() const {
    if (Refuses(!SourcesShareFields(ctx_),
                "group-by keys read from different fields per rule (a Cloud SIEM rule groups "
                "every record by the same fields)")) {
      return std::nullopt;
    }
    const auto& fields = ctx_.sources[0].group_fields;
    auto entity = std::find_if(fields.begin(), fields.end(),
                               [](const std::string& f) { return !EntityTypeOf(f).empty(); });
    if (Refuses(entity == fields.end(),
                "a group-by with no entity field (threshold, chain and aggregation rules count "
                "per entity: user_username, srcDevice_ip, device_hostname, ...)")) {
      return std::nullopt;
    }
    std::vector<std::string> others;
    for (const auto& f : fields) {
      if (&f != &*entity) others.push_back(Field(f));
    }
    return fmt::format(
        "  \"entitySelectors\": [{{\"entityType\": \"{}\", \"expression\": {}}}],\n"
        "  \"groupByFields\": {}",
        EntityTypeOf(*entity), J(*entity), JsonStrings(others));
  }

  // The rule expression of each source.
  std::optional<std::vector<std::string>> Expressions() const {
    return SourceQueries<CseGenerator>(ctx_);
  }
};

// event_count and value_count at a minimum → a threshold rule (N matches, or N distinct values
// of a field, per entity within the window); other bounds, value_sum and value_avg → an
// aggregation rule with the condition as its trigger; temporal → a chain rule, ordered for
// temporal_ordered.
// https://www.sumologic.com/help/docs/cse/rules/write-threshold-rule/
// https://www.sumologic.com/help/docs/cse/rules/write-chain-rule/
class CseCorrelation : public CseWriter {
 public:
  using CseWriter::CseWriter;

  std::optional<std::string> Run() {
    if (Refuses(spec_.kind == ir::CorrelationKind::kValuePercentile,
                "value_percentile (Cloud SIEM's aggregation functions have no percentile)")) {
      return std::nullopt;
    }
    auto window = Window(spec_.window.span_seconds);
    auto grouping = window ? Grouping() : std::nullopt;
    auto expressions = grouping ? Expressions() : std::nullopt;
    if (!expressions) return std::nullopt;
    if (spec_.IsTemporal()) return Chain(*expressions, *window, *grouping);
    if (IsThreshold()) return Threshold(*expressions, *window, *grouping);
    return Aggregation(*expressions, *window, *grouping);
  }

 private:
  // A count at a minimum (gte N, or gt N as N + 1) of whole records: what a threshold rule
  // fires on. Other bounds, sums and averages become an aggregation rule with a trigger.
  bool IsThreshold() const {
    using Kind = ir::CorrelationKind;
    if (spec_.kind != Kind::kEventCount && spec_.kind != Kind::kValueCount) return false;
    const auto& bound = spec_.condition[0];
    return spec_.condition.size() == 1 && IsNumberText(bound.value) &&
           bound.value.find('.') == std::string::npos &&
           (bound.op == ir::CompareOp::kGte || bound.op == ir::CompareOp::kGt);
  }

  // The sources' expressions as one (a record of any of the rules).
  static std::string AnyOf(const std::vector<std::string>& expressions) {
    return expressions.size() == 1
               ? expressions[0]
               : JoinEach(expressions, " OR ", [](const std::string& e) { return "(" + e + ")"; });
  }

  std::optional<std::string> Threshold(const std::vector<std::string>& expressions,
                                       const std::string& window, const std::string& grouping) {
    if (Refuses(HasThresholds(ctx_), "a chained event_count inside a threshold rule")) {
      return std::nullopt;
    }
    const auto& bound = spec_.condition[0];
    long long limit = std::atoll(bound.value.c_str());
    if (bound.op == ir::CompareOp::kGt) ++limit;
    std::string expression = AnyOf(expressions);
    const bool distinct = spec_.kind == ir::CorrelationKind::kValueCount;
    return fmt::format(
        "{{\n  \"ruleType\": \"threshold\",\n  \"expression\": {},\n  \"limit\": {},\n"
        "  \"countDistinct\": {},\n  \"countField\": {},\n{},\n{}\n}}",
        J(expression), std::max(limit, 1LL), distinct ? "true" : "false",
        J(distinct ? Field(ctx_.sources[0].value_field) : ""), grouping, window);
  }

  // One aggregation function named after the kind (count, count_distinct, sum or avg of the
  // value field) and the condition as the trigger.
  std::optional<std::string> Aggregation(const std::vector<std::string>& expressions,
                                         const std::string& window, const std::string& grouping) {
    if (Refuses(HasThresholds(ctx_), "a chained event_count inside an aggregation rule")) {
      return std::nullopt;
    }
    using Kind = ir::CorrelationKind;
    std::string name(ir::CorrelationKindName(spec_.kind));
    std::string_view function = spec_.kind == Kind::kEventCount   ? "count"
                                : spec_.kind == Kind::kValueCount ? "count_distinct"
                                : spec_.kind == Kind::kValueSum   ? "sum"
                                                                  : "avg";
    std::string argument =
        spec_.kind == Kind::kEventCount ? "true" : Field(ctx_.sources[0].value_field);
    return fmt::format(
        "{{\n  \"ruleType\": \"aggregation\",\n  \"matchExpression\": {},\n"
        "  \"aggregationFunctions\": [\n    {{\"name\": {}, \"function\": \"{}\", "
        "\"arguments\": [{}]}}\n  ],\n  \"triggerExpression\": {},\n"
        "  \"groupByAsset\": true,\n{},\n{}\n}}",
        J(AnyOf(expressions)), J(name), function, J(argument),
        J(RenderBounds(name, spec_.condition, " AND ", "=")), grouping, window);
  }

  // Every rule at least once (a folded chained event_count: its count) within the window.
  std::optional<std::string> Chain(const std::vector<std::string>& expressions,
                                   const std::string& window, const std::string& grouping) {
    if (Refuses(spec_.rule_condition.has_value(),
                "an extended temporal condition over rule names (a chain rule needs every "
                "expression)") ||
        Refuses(!AsksForEveryRule(ctx_),
                "a temporal condition that asks for fewer than all rules (a chain rule needs "
                "every expression)")) {
      return std::nullopt;
    }
    std::string steps;
    for (size_t i = 0; i < expressions.size(); ++i) {
      steps += fmt::format("{}\n    {{\"expression\": {}, \"limit\": {}}}", i ? "," : "",
                           J(expressions[i]), ctx_.sources[i].min_count);
    }
    return fmt::format(
        "{{\n  \"ruleType\": \"chain\",\n  \"expressionsAndLimits\": [{}\n  ],\n"
        "  \"ordered\": {},\n{},\n{}\n}}",
        steps, spec_.window.ordered ? "true" : "false", grouping, window);
  }
};

// refract's aggregate → an aggregation rule: its measures as named aggregation functions (count
// with the count-if selection as its expression), the having-condition as the trigger.
// https://www.sumologic.com/help/docs/cse/rules/write-aggregation-rule/
class CseAggregate : public CseWriter {
 public:
  using CseWriter::CseWriter;

  std::optional<std::string> Run() {
    if (Refuses(ctx_.sources.size() != 1, "an aggregate over several rules")) return std::nullopt;
    // A window splits the lookback into buckets; Cloud SIEM's window slides instead.
    long long seconds =
        spec_.window.bucket_seconds > 0 ? spec_.window.bucket_seconds : spec_.window.span_seconds;
    auto window = Window(seconds);
    auto grouping = window ? Grouping() : std::nullopt;
    auto expressions = grouping ? Expressions() : std::nullopt;
    if (!expressions) return std::nullopt;
    if (spec_.window.bucket_seconds > 0) {
      ctx_.Approximates(fmt::format(
          "window {} slides over the records (a Cloud SIEM aggregation window) where refract's "
          "aggregate splits its lookback into fixed buckets",
          spec_.window.bucket));
    }
    std::set<std::string> tested;
    if (spec_.test) CollectNames(*spec_.test, tested);
    std::vector<std::pair<size_t, std::string>> kept;  // measure index, function
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      auto function = Function(i, tested.count(spec_.measures[i].name) > 0);
      if (!function) {
        if (failed_) return std::nullopt;
        continue;
      }
      kept.emplace_back(i, *function);
    }
    // At most six functions: measures the trigger does not read go first, from the last.
    for (size_t k = kept.size(); kept.size() > kMaxFunctions && k-- > 0;) {
      const auto& m = spec_.measures[kept[k].first];
      if (tested.count(m.name)) continue;
      ctx_.Approximates(
          fmt::format("the measure {} is left out (an aggregation rule has at most "
                      "six functions, and the trigger does not read it)",
                      m.name));
      kept.erase(kept.begin() + static_cast<std::ptrdiff_t>(k));
    }
    if (Refuses(kept.size() > kMaxFunctions,
                fmt::format("{} measures in the trigger (an aggregation rule has at most six)",
                            kept.size()))) {
      return std::nullopt;
    }
    std::string functions;
    for (size_t k = 0; k < kept.size(); ++k)
      functions += (k ? ",\n    " : "\n    ") + kept[k].second;
    for (const auto& column : spec_.columns) {
      ctx_.Approximates(
          text::Cat({"derived column ", column.name,
                     " is not written (a Cloud SIEM signal has no computed columns)"}));
    }
    std::string trigger = spec_.test ? RenderMeasureTest(*spec_.test, kCse.boolean,
                                                         [](const std::string& n) { return n; })
                                     : "true";
    return fmt::format(
        "{{\n  \"ruleType\": \"aggregation\",\n  \"matchExpression\": {},\n"
        "  \"aggregationFunctions\": [{}\n  ],\n  \"triggerExpression\": {},\n"
        "  \"groupByAsset\": true,\n{},\n{}\n}}",
        J((*expressions)[0]), functions, J(trigger), *grouping, *window);
  }

 private:
  // https://www.sumologic.com/help/docs/cse/rules/write-aggregation-rule/: "up to six"
  // aggregation functions.
  static constexpr size_t kMaxFunctions = 6;

  static void CollectNames(const ir::CorrelationTest& t, std::set<std::string>& names) {
    if (t.kind == ir::CorrelationTest::Kind::kCompare) names.insert(t.name);
    if (t.value_is_measure) names.insert(t.value);
    for (const auto& child : t.children) CollectNames(child, names);
  }

  // The where-selection of measure `i` as an expression over the records; nullopt (failed_
  // set) when it has no rule expression.
  std::optional<std::string> FilterExpression(size_t i) {
    ir::Rule rule = *ctx_.sources[0].rule;
    rule.condition = *ctx_.MeasureFilter(i);
    rule.source.clear();
    EmitContext ec{rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
    auto text = CseGenerator(ec).Run();
    if (!text) failed_ = true;
    return text;
  }

  // Measure `i` as an aggregation function; nullopt for one left out (warned) or refused
  // (failed_ set).
  std::optional<std::string> Function(size_t i, bool tested) {
    const auto& m = spec_.measures[i];
    std::string function;
    std::string argument;
    switch (m.kind) {
      case ir::MeasureKind::kCount: {
        function = "count";
        argument = "true";
        if (ctx_.MeasureFilter(i)) {
          auto text = FilterExpression(i);
          if (!text) return std::nullopt;
          argument = *text;
        }
        break;
      }
      case ir::MeasureKind::kDistinct:
        function = "count_distinct";
        if (ctx_.MeasureFilter(i)) {
          auto text = FilterExpression(i);
          if (!text) return std::nullopt;
          argument = text::Cat({"if(", *text, ", ", Field(m.field), ", null)"});
        }
        break;
      case ir::MeasureKind::kValues:
        if (Refuses(tested, fmt::format("the values measure {} in the condition (Cloud SIEM's "
                                        "aggregation functions have no values)",
                                        m.name))) {
          failed_ = true;
          return std::nullopt;
        }
        ctx_.Approximates(fmt::format(
            "the values measure {} is left out (Cloud SIEM's aggregation functions are avg, "
            "count, count_distinct, first, last, max, min and sum)",
            m.name));
        return std::nullopt;
      default:
        function = std::string(ir::MeasureKindName(m.kind));
        if (ctx_.MeasureFilter(i)) {
          // A conditional min or max: the field where the selection holds, else null, which
          // the aggregate skips (Spark SQL's if()).
          auto text = FilterExpression(i);
          if (!text) return std::nullopt;
          argument = text::Cat({"if(", *text, ", ", Field(m.field), ", null)"});
        }
        break;
    }
    if (argument.empty()) argument = Field(m.field);
    return fmt::format("{{\"name\": {}, \"function\": \"{}\", \"arguments\": [{}]}}", J(m.name),
                       function, J(argument));
  }

  bool failed_ = false;
};

}  // namespace

const Backend& SumoCseBackend() {
  static const AssembledBackend<CseGenerator, CseCorrelation, CseAggregate, PerSignalRule> kBackend(
      {"sumo-cse", "Sumo Logic Cloud SIEM (rule expressions and rule types)", "cse"},
      {"", "", "",
       "the consecutive extension (no Cloud SIEM rule type compares a record with the previous "
       "record of its entity)"});
  return kBackend;
}

}  // namespace refract
