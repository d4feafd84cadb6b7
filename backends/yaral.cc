// YARA-L 2.0 for Google SecOps: a complete single-event rule over UDM fields.
// Values are case-sensitive unless followed by `nocase`; there is no glob operator and no
// inline IN list, so patterns are RE2 regexes and lists are or-chains.
// https://cloud.google.com/chronicle/docs/yara-l/expressions
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <utility>

#include "backends/assembled_backend.h"
#include "backends/backend.h"
#include "backends/common.h"
#include "compiler/text/cat.h"

namespace refract {
namespace {

using ir::Op;
using ir::Piece;
using ir::Predicate;
using ir::Value;

// Strings are double-quoted with backslash escapes; YARA-L's `not` keeps events without the
// field (an unset UDM field reads as empty), so no guard is needed.
const Dialect kYaral{
    {" and ", " or ", "not (", ")", "true", "false"}, {'"', false, true, true, ""}, ""};

// https://cloud.google.com/chronicle/docs/detection/yara-l-2-0-functions/re-regex
const ir::RegexFlavor kRe2{
    .name = "re2 (YARA-L)",
    .class_metachars = "\\]^-[/",
    // `/` ends the regex literal
    .literal_metachars = "\\.+*?()|[]{}^$/",
    .dollar_is_text_end = true,
};

std::string Quote(std::string_view text) { return QuoteString(text, kYaral.quote); }

// True when `field` is a path below one of the UDM event's top-level fields, as a mapping
// writes it; a Sigma name with dots (Status.additionalDetails) is not.
// https://cloud.google.com/chronicle/docs/reference/rest/Shared.Types/UDM
bool IsUdmPath(std::string_view field) {
  static constexpr std::array<std::string_view, 12> kNouns = {
      "metadata", "additional", "principal",       "src",     "target",     "intermediary",
      "observer", "about",      "security_result", "network", "extensions", "extracted"};
  size_t dot = field.find('.');
  if (dot == std::string_view::npos || !AllNameChars(field, ".")) return false;
  return std::find(kNouns.begin(), kNouns.end(), field.substr(0, dot)) != kNouns.end();
}

// A UDM path of event variable `var`; a field with no UDM mapping is kept in additional.fields
// under its own name.
std::string Field(const std::string& field, std::string_view var = "$e") {
  if (IsUdmPath(field)) return text::Cat({var, ".", field});
  return text::Cat({var, ".additional.fields[", Quote(field), "]"});
}

std::string RuleName(const ir::RuleInfo& info) {
  std::string out = SnakeCase(!info.name.empty() ? info.name : info.title);
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "rule_" + out;
  return out;
}

// `rule NAME {` and the meta section: title, id, author and severity, and for a single-event
// rule its description and tags too.
std::string RuleHeader(const ir::RuleInfo& info, bool describe) {
  std::string out = fmt::format("rule {} {{\n  meta:\n", RuleName(info));
  auto meta = [&](const char* key, const std::string& value) {
    if (!value.empty()) out += text::Cat({"    ", key, " = ", Quote(value), "\n"});
  };
  meta("title", info.title);
  meta("id", info.id);
  std::string description = ReplaceAll(ReplaceAll(info.description, "\n", " "), "\r", " ");
  while (!description.empty() && description.back() == ' ') description.pop_back();
  if (describe) meta("description", description);
  meta("author", info.author);
  meta("severity", info.level);
  std::string tags;
  for (const auto& tag : info.tags) tags += (tags.empty() ? "" : ", ") + tag;
  if (describe) meta("tags", tags);
  return out;
}

// A match variable for a group-by name: `$refract_UserPrincipalName`.
std::string Placeholder(const std::string& name) { return "$" + RefractName(name); }

class YaralGenerator : public TextGenerator {
 public:
  // `var` is the event variable the rule's fields are read from.
  explicit YaralGenerator(const EmitContext& ctx, std::string var = "$e")
      : TextGenerator(ctx, kYaral), var_(std::move(var)) {}

  // The events-section expression of `rule` (its log source filters and condition).
  std::optional<std::string> EventsFor(const ir::Rule& rule) { return Condition(rule.condition); }

  std::optional<std::string> Run() {
    const ir::Rule& rule = ctx_.rule;
    auto events = Condition(rule.condition);
    if (!events) return std::nullopt;
    std::string out = RuleHeader(rule.info, true) + "\n  events:\n";
    if (!rule.source.empty()) out += "    " + rule.source + "\n";
    if (rule.condition.kind != ir::Expr::Kind::kTrue) out += "    " + *events + "\n";
    out += "\n  condition:\n    $e\n}";
    return out;
  }

 protected:
  std::string FieldName(const std::string& field) const override { return Field(field, var_); }

  std::string Leaf(const Predicate& p, bool negated) override {
    if (auto list = ReferenceList(p)) return *list;
    return TextGenerator::Leaf(p, negated);
  }

  std::string Keyword(const Predicate& p, bool) override {
    return Fail(p, "a keyword search (YARA-L matches UDM fields; it has no full-text search)");
  }

  // Unset UDM fields read as empty: absence and emptiness are one test.
  std::string Null(const Predicate&, const std::string& field) override {
    return text::Cat({field, " = \"\""});
  }

  std::string Exists(const Predicate&, const std::string& field, bool exists) override {
    return text::Cat({field, " ", exists ? "!=" : "=", " \"\""});
  }

  std::string CidrValue(const Predicate&, const std::string& field, const Value& v) override {
    return text::Cat({"net.ip_in_range_cidr(", field, ", ", Quote(v.text), ")"});
  }

  std::string RegexValue(const Predicate& p, const std::string& field,
                         const ir::Regex& regex) override {
    ir::Regex copy = regex;
    copy.ignore_case = false;
    std::string construct;
    auto text = ir::EmitRegex(copy, kRe2, &construct);
    if (!text) return Fail(p, "the regex construct " + construct + " (YARA-L uses RE2)");
    return text::Cat({field, " = /", *text, "/", regex.ignore_case ? " nocase" : ""});
  }

  std::string FieldRefValue(const Predicate& p, const std::string& field, const Value& v) override {
    if (p.op == Op::kEq) {
      return p.cased ? text::Cat({field, " = ", FieldName(v.text)})
                     : text::Cat({"strings.to_lower(", field, ") = strings.to_lower(",
                                  FieldName(v.text), ")"});
    }
    if (p.op == Op::kContains) {
      return p.cased ? text::Cat({"strings.contains(", field, ", ", FieldName(v.text), ")"})
                     : text::Cat({"strings.contains(strings.to_lower(", field,
                                  "), strings.to_lower(", FieldName(v.text), "))"});
    }
    return Fail(p, "fieldref with startswith or endswith");
  }

  // UDM event ids and codes are strings; declared numeric fields compare as numbers.
  std::string NumberValue(const Predicate& p, const std::string& field, const Value& v) override {
    if (FieldType(p.field) != "int") return text::Cat({field, " = ", Quote(v.text)});
    return IntegerLiteral(p, v).empty() ? "" : text::Cat({field, " = ", v.text});
  }

  std::string CompareValue(const Predicate& p, const std::string& field, const Value& v,
                           std::string_view op) override {
    return IntegerLiteral(p, v).empty() ? "" : text::Cat({field, " ", op, " ", v.text});
  }

  // Booleans are bare only for a field declared bool; additional.fields and other UDM fields
  // hold strings, which rules compare with "true" and "false".
  std::string BoolValue(const Predicate& p, const std::string& field, const Value& v) override {
    return FieldType(p.field) == "bool" ? text::Cat({field, " = ", v.text})
                                        : text::Cat({field, " = ", Quote(v.text), " nocase"});
  }

  std::string StringValue(const Predicate& p, const std::string& field, const Value& v) override {
    const std::string nocase = p.cased ? "" : " nocase";
    if (p.op == Op::kEq && !text::HasControlCharacter(v.pattern.Literal(), "\n\r\t\x7f")) {
      return text::Cat({field, " = ", Quote(v.pattern.Literal()), nocase});
    }
    return text::Cat({field, " = ", PatternRegex(p, v), nocase});
  }

 private:
  // A predicate holding a whole |expand list, read from the SecOps reference list of that name
  // when lists are deployed: exact strings (`in %name`, `nocase` unless cased) and networks
  // (`in cidr %name_cidr`, a list of its own, since a reference list has one type). The Detection
  // Engine allows 7 `in` statements a rule, 2 of them cidr; past those, values stay inline.
  // nullopt: write the values inline.
  // https://cloud.google.com/chronicle/docs/yara-l/reference-list-syntax
  std::optional<std::string> ReferenceList(const Predicate& p) {
    if (!TestsWholeList(p, ctx_.lookups)) return std::nullopt;
    if (!std::all_of(p.list.begin(), p.list.end(), [](char c) {
          return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_';
        })) {
      return std::nullopt;  // not a name YARA-L can write after %
    }
    std::multiset<std::string>& read = *ctx_.lookups->read;
    size_t cidr_reads = 0;
    for (const auto& r : read) cidr_reads += r.starts_with("cidr:") ? 1u : 0u;
    if (read.size() >= 7) return std::nullopt;
    const std::string field = FieldName(p.field);
    if (p.op == Op::kCidr) {
      if (cidr_reads >= 2) return std::nullopt;
      read.insert("cidr:" + p.list);
      return text::Cat({field, " in cidr %", p.list, "_cidr"});
    }
    if (p.op != Op::kEq || FieldType(p.field) == "int" || FieldType(p.field) == "bool") {
      return std::nullopt;
    }
    for (const auto& v : p.values) {
      // String lists match whole lines; a line break, surrounding blanks or a control character
      // cannot be an entry (https://cloud.google.com/chronicle/docs/reference/reference-lists).
      const std::string text = v.pattern.Literal();
      if (v.kind != Value::Kind::kString || !v.pattern.IsPlain() || text.empty() ||
          text::HasControlCharacter(text, "\n\r\t\x7f") || text.front() == ' ' ||
          text.back() == ' ') {
        return std::nullopt;
      }
    }
    read.insert(p.list);
    return text::Cat({field, " in %", p.list, p.cased ? "" : " nocase"});
  }

  // `v` as a number literal, or "" after reporting one YARA-L cannot write: its literals are
  // non-negative integers. https://cloud.google.com/chronicle/docs/yara-l/expressions
  std::string IntegerLiteral(const Predicate& p, const Value& v) {
    if (v.text.find_first_not_of("0123456789") == std::string::npos) return v.text;
    return Fail(p, "the number " + v.text + " (YARA-L number literals are non-negative integers)");
  }

  static std::string PatternRegex(const Predicate& p, const Value& v) {
    // (?s): regexes see only the first line of a value otherwise.
    return "/(?s)" + PatternAsRegex(v.pattern, p.op, kRe2, {".*", ".", "^", "$", false}) + "/";
  }

  std::string var_;
};

// Sigma correlations as multi-event YARA-L: one event variable per rule, joined on match
// placeholders, `match: ... over` (a hop window that finds events within the timespan, not fixed
// buckets), and conditions on event counts or outcome aggregates.
// https://docs.cloud.google.com/chronicle/docs/yara-l/match-syntax
class YaralCorrelation : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const ir::CorrelationKind type = spec_.kind;
    if (Refuses(type == ir::CorrelationKind::kValuePercentile,
                "value_percentile (YARA-L documents no percentile function for detection rules: "
                "https://cloud.google.com/chronicle/docs/yara-l/functions)"))
      return std::nullopt;
    if (Refuses(spec_.group_by.empty(),
                "a correlation without group-by (YARA-L needs match placeholders)") ||
        Refuses(spec_.window.span_seconds > 48 * 3600,
                "a timespan over 48 hours (the longest YARA-L match window)")) {
      return std::nullopt;
    }
    const bool temporal =
        type == ir::CorrelationKind::kTemporal || type == ir::CorrelationKind::kTemporalOrdered;
    // Several counted rules are one event variable, whose event lines are and-ed: their
    // conditions share one line, joined by or.
    const bool joined = !temporal && ctx_.sources.size() > 1;
    if (Refuses(joined && !SourcesShareFields(ctx_), "rules whose group or value fields differ")) {
      return std::nullopt;
    }
    std::string events;
    for (size_t i = 0; i < ctx_.sources.size(); ++i) {
      const auto& source = ctx_.sources[i];
      EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
      std::string var = temporal ? fmt::format("$e{}", i + 1) : "$e";
      auto text = YaralGenerator(ec, var).EventsFor(*source.rule);
      if (!text) return std::nullopt;
      events += joined ? (i ? " or (" : "    (") + *text + ")" : "    " + *text;
      if (joined && i + 1 < ctx_.sources.size()) continue;
      events += "\n";
      for (size_t g = 0; g < spec_.group_by.size(); ++g) {
        events += text::Cat({"    ", Field(source.group_fields[g], var), " = ",
                             Placeholder(spec_.group_by[g]), "\n"});
      }
    }
    if (type == ir::CorrelationKind::kTemporalOrdered) {
      for (size_t i = 1; i < ctx_.sources.size(); ++i) {
        events += fmt::format(
            "    $e{}.metadata.event_timestamp.seconds < $e{}.metadata.event_timestamp.seconds\n",
            i, i + 1);
      }
    }
    std::string match;
    for (size_t g = 0; g < spec_.group_by.size(); ++g)
      match += (g ? ", " : "") + Placeholder(spec_.group_by[g]);
    std::string outcome;
    std::string condition;
    auto bounds = [&](const std::string& subject) {
      return RenderBounds(subject, spec_.condition, " and ", "=");
    };
    if (type == ir::CorrelationKind::kEventCount) {
      condition = bounds("#e");
    } else if (type == ir::CorrelationKind::kValueCount || type == ir::CorrelationKind::kValueSum ||
               type == ir::CorrelationKind::kValueAvg) {
      // window.avg() averages a match window's values.
      // https://cloud.google.com/chronicle/docs/detection/yara-l-2-0-functions/window-avg
      std::string value = Field(ctx_.sources[0].value_field);
      std::string fn = type == ir::CorrelationKind::kValueCount ? "count_distinct"
                       : type == ir::CorrelationKind::kValueSum ? "sum"
                                                                : "window.avg";
      const std::string name(ir::CorrelationKindName(type));
      outcome = text::Cat({"    $", name, " = ", fn, "(", value, ")\n"});
      condition = "$e and " + bounds("$" + name);
    } else {
      // Every rule present (and in order for temporal_ordered), or the extended condition; a
      // folded chained event_count needs N events of its rule: `#eK >= N`.
      if (Refuses(!spec_.rule_condition && !AsksForEveryRule(ctx_),
                  "a temporal condition other than all rules"))
        return std::nullopt;
      if (spec_.rule_condition) {
        auto text = RuleCondition(*spec_.rule_condition, false);
        if (!text) return std::nullopt;
        condition = *text;
      } else {
        for (size_t i = 0; i < ctx_.sources.size(); ++i) {
          condition += (i ? " and " : "") + Presence(i);
        }
      }
    }
    std::string out = RuleHeader(spec_.info, false);
    out +=
        "\n  events:\n" + events + "\n  match:\n    " + match + " over " + spec_.window.span + "\n";
    if (!outcome.empty()) out += "\n  outcome:\n" + outcome;
    out += "\n  condition:\n    " + condition + "\n}";
    return out;
  }

 private:
  std::string Presence(size_t i) const {
    long long n = ctx_.sources[i].min_count;
    return n > 1 ? fmt::format("#e{} >= {}", i + 1, n) : fmt::format("$e{}", i + 1);
  }

  // The extended temporal condition: and/or over rule variables, `!$eK` for a rule that must not
  // occur (YARA-L negates event variables only).
  // https://cloud.google.com/chronicle/docs/detection/yara-l-2-0-syntax#condition_section_syntax
  std::optional<std::string> RuleCondition(const ir::CorrelationTest& t, bool nested) const {
    using Kind = ir::CorrelationTest::Kind;
    if (t.kind == Kind::kRule) return Presence(t.rule);
    if (t.kind == Kind::kNot) {
      const auto& inner = t.children[0];
      if (inner.kind == Kind::kRule && ctx_.sources[inner.rule].min_count <= 1) {
        return fmt::format("!$e{}", inner.rule + 1);
      }
      ctx_.Unsupported("'not' over anything but one rule in a temporal condition");
      return std::nullopt;
    }
    // https://cloud.google.com/chronicle/docs/yara-l/condition-syntax: "Use or only when the
    // query contains a single event variable."
    if (Refuses(t.kind == Kind::kOr && ctx_.sources.size() > 1,
                "'or' between rules in a temporal condition (YARA-L allows or only with a single "
                "event variable)"))
      return std::nullopt;
    std::string out;
    for (size_t i = 0; i < t.children.size(); ++i) {
      auto part = RuleCondition(t.children[i], true);
      if (!part) return std::nullopt;
      out += (i ? (t.kind == Kind::kAnd ? " and " : " or ") : "") + *part;
    }
    return nested ? "(" + out + ")" : out;
  }
};

// refract's aggregate extension as a single-event-variable rule with a match window and
// outcome aggregates; the having condition and derived columns read the outcome variables.
// https://cloud.google.com/chronicle/docs/yara-l/outcome-section
class YaralAggregate : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const auto& source = ctx_.sources[0];
    long long span =
        spec_.window.bucket_seconds > 0 ? spec_.window.bucket_seconds : spec_.window.span_seconds;
    if (Refuses(spec_.group_by.empty(),
                "an aggregate without group-by (YARA-L needs match placeholders)") ||
        Refuses(span > 48 * 3600, "a window over 48 hours (the longest YARA-L match window)")) {
      return std::nullopt;
    }
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
    YaralGenerator emitter(ec);
    auto events = emitter.EventsFor(*source.rule);
    if (!events) return std::nullopt;
    std::string body = "    " + *events + "\n";
    std::string match;
    for (size_t g = 0; g < spec_.group_by.size(); ++g) {
      std::string placeholder = Placeholder(spec_.group_by[g]);
      body += text::Cat({"    ", Field(source.group_fields[g]), " = ", placeholder, "\n"});
      match += (g ? ", " : "") + placeholder;
    }
    std::string outcome;
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      MeasureText text{m.kind, CountsIf(ctx_, i), Field(m.field), m.name, "", m.limit};
      if (text.counts_if) {
        ir::Rule filter_rule = *source.rule;
        filter_rule.condition = *ctx_.MeasureFilter(i);
        auto test = emitter.EventsFor(filter_rule);
        if (!test) return std::nullopt;
        text.flag = *test;
      } else if (m.kind == ir::MeasureKind::kDistinct && ctx_.MeasureFilter(i)) {
        // A distinct count of some events: the others read "", which count_distinct counts
        // (Google's own rules subtract it), so "" is taken off once wherever it was counted —
        // an event outside the selection or one with an empty value, which a distinct count
        // leaves out anyway. chronicle/detection-rules
        // o365_entra_id_app_permissions_threshold_exceeded.yaral; outcome-section.
        ir::Rule filter_rule = *source.rule;
        filter_rule.condition = *ctx_.MeasureFilter(i);
        auto test = emitter.EventsFor(filter_rule);
        if (!test) return std::nullopt;
        outcome += fmt::format("    $refract_d{} = count_distinct(if({}, {}, \"\"))\n", i + 1,
                               *test, text.field);
        outcome += fmt::format("    $refract_e{} = max(if(({}) and {} != \"\", 0, 1))\n", i + 1,
                               *test, text.field);
        outcome += fmt::format("    ${} = $refract_d{} - $refract_e{}\n", m.name, i + 1, i + 1);
        continue;
      } else if (ctx_.MeasureFilter(i)) {
        // A conditional min or max of the event time (seconds): if() in an outcome needs an
        // else value. https://cloud.google.com/chronicle/docs/yara-l/outcome-section
        auto fallback = ConditionalTimeFallback(ctx_, i, false, "YARA-L's if()");
        if (!fallback) return std::nullopt;
        ir::Rule filter_rule = *source.rule;
        filter_rule.condition = *ctx_.MeasureFilter(i);
        auto test = emitter.EventsFor(filter_rule);
        if (!test) return std::nullopt;
        text.field = text::Cat({"if(", *test, ", ", text.field, ", ", *fallback, ")"});
      } else if (m.kind == ir::MeasureKind::kValues &&
                 (m.limit.empty() || std::stoll(m.limit) != 25)) {
        ctx_.Approximates(text::Cat({"array_distinct() keeps up to 25 values of ", m.written_field,
                                     ", not ", m.limit.empty() ? "all" : m.limit}));
      }
      // Detection-rule outcomes average with window.avg(), not avg() (a search function).
      // https://cloud.google.com/chronicle/docs/detection/yara-l-2-0-functions/window-avg
      std::string measure = m.kind == ir::MeasureKind::kAvg
                                ? text::Cat({"window.avg(", text.field, ")"})
                                : SpellMeasure(kMeasures, text);
      outcome += text::Cat({"    $", m.name, " = ", measure, "\n"});
    }
    // A comparison of two measures reads their difference, an outcome of its own: the examples
    // compare an outcome variable with a literal (`$permission_diff > 8`), and an outcome may
    // compute from others. https://cloud.google.com/chronicle/docs/yara-l/outcome-section
    std::optional<ir::CorrelationTest> having;
    if (spec_.test) having = WithDifferences(*spec_.test, outcome);
    for (const auto& written : spec_.columns) {
      ir::Column column = written;
      for (auto& [when, then] : column.cases) when = WithDifferences(when, outcome);
      outcome += text::Cat(
          {"    $", column.name, " = ",
           ColumnValue(column, {"", "if({test}, {value}, ", "{value}", ")"}, Test, Literal), "\n"});
    }
    outcome += UnionOutcomes();
    std::string condition = "$e";
    if (having) condition += " and " + Test(*having);
    if (spec_.window.bucket_seconds > 0 &&
        spec_.window.bucket_seconds != spec_.window.span_seconds) {
      ctx_.Approximates(
          fmt::format("the lookback {} is the rule's run frequency; the match window "
                      "is {}",
                      spec_.window.span, spec_.window.bucket));
    }
    std::string out = RuleHeader(spec_.info, false);
    out += "\n  events:\n" + body + "\n  match:\n    " + match + " over " + CompactDuration(span) +
           "\n\n  outcome:\n" + outcome + "\n  condition:\n    " + condition + "\n}";
    return out;
  }

 private:
  // A union's signal: outcome variables under the union's names ("" for a column the signal
  // lacks), so that every signal's detections carry the union's columns; a detection has no
  // order, so the union's sort does not apply.
  std::string UnionOutcomes() const {
    if (spec_.composed_in.empty()) return "";
    std::string out;
    for (const auto& [name, from] : spec_.project) {
      bool present = spec_.HasColumn(from);
      if (present && name == from) continue;
      out += text::Cat({"    $", name, " = ", present ? "$" + from : "\"\"", "\n"});
    }
    return out;
  }

  // array_distinct keeps at most 25 values.
  static constexpr MeasureSpelling kMeasures{"count($e.metadata.id)",   "sum(if({flag}, 1, 0))",
                                             "count_distinct({field})", "array_distinct({field})",
                                             "array_distinct({field})", "{fn}({field})"};

  static std::string Literal(const std::string& text) { return ColumnLiteral(text, kYaral.quote); }

  // Measures are outcome variables: `$FailureCount >= 5`.
  static std::string Test(const ir::CorrelationTest& t) {
    return RenderMeasureTest(t, {" and ", " or ", "not (", ")"},
                             [](const std::string& name) { return "$" + name; });
  }

  // t with each comparison of measures A op B as `refract_diffN op 0`, declaring
  // `$refract_diffN = $A - $B` in `outcome` once for each pair.
  ir::CorrelationTest WithDifferences(const ir::CorrelationTest& t, std::string& outcome) {
    ir::CorrelationTest out = t;
    if (t.kind == ir::CorrelationTest::Kind::kCompare && t.value_is_measure) {
      auto [it, added] = differences_.try_emplace(
          {t.name, t.value}, fmt::format("refract_diff{}", differences_.size() + 1));
      if (added) outcome += fmt::format("    ${} = ${} - ${}\n", it->second, t.name, t.value);
      out.name = it->second;
      out.value = "0";
      out.value_is_measure = false;
    }
    for (auto& child : out.children) child = WithDifferences(child, outcome);
    return out;
  }

  std::map<std::pair<std::string, std::string>, std::string> differences_;
};

}  // namespace

const Backend& YaralBackend() {
  static const AssembledBackend<YaralGenerator, YaralCorrelation, YaralAggregate, PerSignalUnion>
      kBackend({"yaral", "Google SecOps / Chronicle (YARA-L 2.0)", "yaral"},
               {"", "", "",
                "the consecutive extension (a YARA-L rule matches any events of its window, not an "
                "event and the one before it)"});
  return kBackend;
}

}  // namespace refract
