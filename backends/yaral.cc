// YARA-L 2.0 for Google SecOps: a complete single-event rule over UDM fields.
// Values are case-sensitive unless followed by `nocase`; there is no glob operator and no
// inline IN list, so patterns are RE2 regexes and lists are or-chains.
// https://cloud.google.com/chronicle/docs/yara-l/expressions
#include "backends/yaral.h"

#include <fmt/format.h>

#include "backends/common.h"

namespace refract {
namespace {

using ir::Op;
using ir::Piece;
using ir::Predicate;
using ir::Value;

const BoolSyntax kYaral{" and ", " or ", "not (", ")", "true", "false"};

// https://cloud.google.com/chronicle/docs/detection/yara-l-2-0-functions/re-regex
const ir::RegexFlavor& Re2() {
  static const ir::RegexFlavor kFlavor = [] {
    ir::RegexFlavor f;
    f.name = "re2 (YARA-L)";
    f.literal_metachars = "\\.+*?()|[]{}^$/";  // `/` ends the regex literal
    f.class_metachars = "\\]^-[/";
    return f;
  }();
  return kFlavor;
}

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

bool HasControl(std::string_view text) {
  for (char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return true;
  }
  return false;
}

// A UDM path; a field with no UDM mapping is kept in additional.fields under its own name.
std::string Field(const std::string& field) {
  bool udm = !field.empty();
  for (char c : field) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') udm = false;
  }
  if (udm && field.find('.') != std::string::npos) return "$e." + field;
  return "$e.additional.fields[" + Quote(field) + "]";
}

std::string RuleName(const ir::RuleInfo& info) {
  std::string source = !info.name.empty() ? info.name : info.title;
  std::string out;
  for (char c : source) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "rule_" + out;
  return out;
}

class YaralEmitter {
 public:
  explicit YaralEmitter(const EmitContext& ctx) : ctx_(ctx) {}

  // The events-section expression of `rule` (its log source filters and condition).
  std::optional<std::string> EventsFor(const ir::Rule& rule) {
    std::string events =
        RenderBoolean(rule.condition, kYaral, [this](const Predicate& p, bool) { return Leaf(p); });
    if (failed_) return std::nullopt;
    return events;
  }

  std::optional<std::string> Run() {
    const ir::Rule& rule = ctx_.rule;
    std::string events =
        RenderBoolean(rule.condition, kYaral, [this](const Predicate& p, bool) { return Leaf(p); });
    if (failed_) return std::nullopt;
    const ir::RuleInfo& info = rule.info;
    std::string out = fmt::format("rule {} {{\n  meta:\n", RuleName(info));
    auto meta = [&](const char* key, const std::string& value) {
      if (!value.empty()) out += fmt::format("    {} = {}\n", key, Quote(value));
    };
    meta("title", info.title);
    meta("id", info.id);
    std::string description = info.description;
    for (auto& c : description) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    while (!description.empty() && description.back() == ' ') description.pop_back();
    meta("description", description);
    meta("author", info.author);
    meta("severity", info.level);
    std::string tags;
    for (const auto& tag : info.tags) tags += (tags.empty() ? "" : ", ") + tag;
    meta("tags", tags);
    out += "\n  events:\n";
    if (!rule.source.empty()) out += "    " + rule.source + "\n";
    if (rule.condition.kind != ir::Expr::Kind::kTrue) out += "    " + events + "\n";
    out += "\n  condition:\n    $e\n}";
    return out;
  }

 private:
  void Fail(const Predicate& p, const std::string& construct) {
    if (!failed_) ctx_.Unsupported(p.location, construct);
    failed_ = true;
  }

  static std::string PatternRegex(const Predicate& p, const Value& v) {
    // (?s): regexes see only the first line of a value otherwise.
    std::string out = "/(?s)";
    if (!(p.op == Op::kContains || p.op == Op::kEndsWith)) out += "^";
    for (const auto& piece : v.pattern.pieces) {
      out += piece.kind == Piece::Kind::kLiteral    ? ir::RegexEscapeLiteral(piece.text, Re2())
             : piece.kind == Piece::Kind::kAnyChars ? ".*"
                                                    : ".";
    }
    if (!(p.op == Op::kContains || p.op == Op::kStartsWith)) out += "$";
    return out + "/";
  }

  std::string Leaf(const Predicate& p) {
    if (p.IsKeyword()) {
      Fail(p, "a keyword search (YARA-L matches UDM fields; it has no full-text search)");
      return "";
    }
    if (p.part != ir::TimePart::kNone) {
      Fail(p, "a time-part modifier");
      return "";
    }
    std::string field = Field(p.field);
    std::vector<std::string> parts;
    switch (p.op) {
      // Unset UDM fields read as empty: absence and emptiness are one test.
      case Op::kNull:
        return fmt::format("{} = \"\"", field);
      case Op::kExists:
        return fmt::format("{} {} \"\"", field, p.values[0].text == "true" ? "!=" : "=");
      case Op::kLt:
      case Op::kLte:
      case Op::kGt:
      case Op::kGte: {
        static const char* kOps[] = {"<", "<=", ">", ">="};
        const char* op = kOps[static_cast<int>(p.op) - static_cast<int>(Op::kLt)];
        for (const auto& v : p.values) parts.push_back(fmt::format("{} {} {}", field, op, v.text));
        return JoinTests(parts, p.all_of, kYaral);
      }
      case Op::kCidr:
        for (const auto& v : p.values) {
          parts.push_back(fmt::format("net.ip_in_range_cidr({}, {})", field, Quote(v.text)));
        }
        return JoinTests(parts, p.all_of, kYaral);
      case Op::kRegex:
        for (const auto& v : p.values) {
          ir::Regex copy = *v.regex;
          copy.ignore_case = false;
          std::string construct;
          auto regex = ir::EmitRegex(copy, Re2(), &construct);
          if (!regex) {
            Fail(p, "the regex construct " + construct + " (YARA-L uses RE2)");
            return "";
          }
          parts.push_back(
              fmt::format("{} = /{}/{}", field, *regex, v.regex->ignore_case ? " nocase" : ""));
        }
        return JoinTests(parts, p.all_of, kYaral);
      default:
        break;
    }
    const std::string nocase = p.cased ? "" : " nocase";
    for (const auto& v : p.values) {
      switch (v.kind) {
        case Value::Kind::kField:
          if (p.op == Op::kEq) {
            parts.push_back(p.cased ? fmt::format("{} = {}", field, Field(v.text))
                                    : fmt::format("strings.to_lower({}) = strings.to_lower({})",
                                                  field, Field(v.text)));
          } else if (p.op == Op::kContains) {
            parts.push_back(
                p.cased
                    ? fmt::format("strings.contains({}, {})", field, Field(v.text))
                    : fmt::format("strings.contains(strings.to_lower({}), strings.to_lower({}))",
                                  field, Field(v.text)));
          } else {
            Fail(p, "fieldref with startswith or endswith");
            return "";
          }
          break;
        case Value::Kind::kNumber:
          // UDM event ids and codes are strings; declared numeric fields compare as numbers.
          parts.push_back(ctx_.mapping.FieldType(ctx_.rule.source, p.field) == "int"
                              ? fmt::format("{} = {}", field, v.text)
                              : fmt::format("{} = {}", field, Quote(v.text)));
          break;
        case Value::Kind::kBool:
          parts.push_back(fmt::format("{} = {}", field, v.text));
          break;
        default:
          if (p.op == Op::kEq && !HasControl(v.pattern.Literal())) {
            parts.push_back(fmt::format("{} = {}{}", field, Quote(v.pattern.Literal()), nocase));
          } else {
            parts.push_back(fmt::format("{} = {}{}", field, PatternRegex(p, v), nocase));
          }
      }
    }
    return JoinTests(parts, p.all_of, kYaral);
  }

  const EmitContext& ctx_;
  bool failed_ = false;
};

// Sigma correlations as multi-event YARA-L: one event variable per rule, joined on match
// placeholders, `match: ... over` (a hop window that finds events within the timespan, not fixed
// buckets), and conditions on event counts or outcome aggregates.
// https://docs.cloud.google.com/chronicle/docs/yara-l/match-syntax
class YaralCorrelation {
 public:
  explicit YaralCorrelation(const CorrelationContext& ctx) : ctx_(ctx), spec_(ctx.spec) {}

  std::optional<std::string> Run() {
    const ir::CorrelationKind type = spec_.kind;
    if (type == ir::CorrelationKind::kValueAvg || type == ir::CorrelationKind::kValuePercentile) {
      ctx_.Unsupported(std::string(ir::CorrelationKindName(type)) +
                       " (YARA-L outcome aggregates are count, count_distinct, sum, min, "
                       "max and arrays)");
      return std::nullopt;
    }
    if (spec_.group_by.empty()) {
      ctx_.Unsupported("a correlation without group-by (YARA-L needs match placeholders)");
      return std::nullopt;
    }
    if (spec_.window.span_seconds > 48 * 3600) {
      ctx_.Unsupported("a timespan over 48 hours (the longest YARA-L match window)");
      return std::nullopt;
    }
    const bool temporal =
        type == ir::CorrelationKind::kTemporal || type == ir::CorrelationKind::kTemporalOrdered;
    std::string events;
    for (size_t i = 0; i < ctx_.sources.size(); ++i) {
      const auto& source = ctx_.sources[i];
      EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target};
      auto text = YaralEmitter(ec).EventsFor(*source.rule);
      if (!text) return std::nullopt;
      std::string var = temporal ? fmt::format("$e{}", i + 1) : "$e";
      // The single-event emitter names its variable $e; each rule gets its own here.
      std::string renamed;
      for (size_t at = 0; at < text->size();) {
        if (text->compare(at, 3, "$e.") == 0) {
          renamed += var + ".";
          at += 3;
        } else {
          renamed += (*text)[at++];
        }
      }
      events += "    " + renamed + "\n";
      for (size_t g = 0; g < spec_.group_by.size(); ++g) {
        std::string field = Field(source.group_fields[g]);
        events += fmt::format("    {}{} = ${}\n", var, field.substr(2), Placeholder(g));
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
    for (size_t g = 0; g < spec_.group_by.size(); ++g) match += (g ? ", $" : "$") + Placeholder(g);
    std::string outcome;
    std::string condition;
    auto bounds = [&](const std::string& subject) {
      return RenderBounds(subject, spec_.condition, " and ", "=");
    };
    if (type == ir::CorrelationKind::kEventCount) {
      condition = bounds("#e");
    } else if (type == ir::CorrelationKind::kValueCount || type == ir::CorrelationKind::kValueSum) {
      std::string value = Field(ctx_.sources[0].value_field);
      std::string fn = type == ir::CorrelationKind::kValueCount ? "count_distinct" : "sum";
      const std::string name(ir::CorrelationKindName(type));
      outcome = fmt::format("    ${} = {}({})\n", name, fn, value);
      condition = "$e and " + bounds("$" + name);
    } else {
      // Every rule present (and in order for temporal_ordered), or the extended condition; a
      // folded chained event_count needs N events of its rule: `#eK >= N`.
      if (!spec_.rule_condition && !AsksForEveryRule(ctx_)) {
        ctx_.Unsupported("a temporal condition other than all rules");
        return std::nullopt;
      }
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
    std::string out = fmt::format("rule {} {{\n  meta:\n", Name());
    auto meta = [&](const char* key, const std::string& value) {
      if (!value.empty()) out += fmt::format("    {} = {}\n", key, Quote(value));
    };
    meta("title", spec_.info.title);
    meta("id", spec_.info.id);
    meta("author", spec_.info.author);
    meta("severity", spec_.info.level);
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
    std::string out;
    for (size_t i = 0; i < t.children.size(); ++i) {
      auto part = RuleCondition(t.children[i], true);
      if (!part) return std::nullopt;
      out += (i ? (t.kind == Kind::kAnd ? " and " : " or ") : "") + *part;
    }
    return nested ? "(" + out + ")" : out;
  }

  std::string Placeholder(size_t g) const {
    std::string out = "refract_";
    for (char c : spec_.group_by[g]) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
  }

  std::string Name() const {
    ir::RuleInfo info;
    info.name = spec_.info.name;
    info.title = spec_.info.title;
    return RuleName(info);
  }

  const CorrelationContext& ctx_;
  const ir::Correlation& spec_;
};

// refract's aggregate extension as a single-event-variable rule with a match window and
// outcome aggregates; the having condition and derived columns read the outcome variables.
// https://cloud.google.com/chronicle/docs/yara-l/outcome-section
class YaralAggregate {
 public:
  explicit YaralAggregate(const CorrelationContext& ctx) : ctx_(ctx), spec_(ctx.spec) {}

  std::optional<std::string> Run() {
    const auto& source = ctx_.sources[0];
    if (spec_.group_by.empty()) {
      ctx_.Unsupported("an aggregate without group-by (YARA-L needs match placeholders)");
      return std::nullopt;
    }
    long long span =
        spec_.window.bucket_seconds > 0 ? spec_.window.bucket_seconds : spec_.window.span_seconds;
    if (span > 48 * 3600) {
      ctx_.Unsupported("a window over 48 hours (the longest YARA-L match window)");
      return std::nullopt;
    }
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target};
    YaralEmitter emitter(ec);
    auto events = emitter.EventsFor(*source.rule);
    if (!events) return std::nullopt;
    std::string body = "    " + *events + "\n";
    std::string match;
    for (size_t g = 0; g < spec_.group_by.size(); ++g) {
      std::string placeholder = "$" + Placeholder(spec_.group_by[g]);
      body += fmt::format("    {} = {}\n", Field(source.group_fields[g]), placeholder);
      match += (g ? ", " : "") + placeholder;
    }
    std::string outcome;
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      std::string field = Field(spec_.measures[i].field);
      std::string expr;
      if (m.kind == ir::MeasureKind::kCount && ctx_.MeasureFilter(i)) {
        ir::Rule filter_rule = *source.rule;
        filter_rule.condition = *ctx_.MeasureFilter(i);
        auto test = emitter.EventsFor(filter_rule);
        if (!test) return std::nullopt;
        expr = fmt::format("sum(if({}, 1, 0))", *test);
      } else if (m.kind == ir::MeasureKind::kCount) {
        expr = "count($e.metadata.id)";
      } else if (m.kind == ir::MeasureKind::kDistinct) {
        expr = fmt::format("count_distinct({})", field);
      } else if (m.kind == ir::MeasureKind::kValues) {
        // array_distinct keeps at most 25 values.
        expr = fmt::format("array_distinct({})", field);
        if (m.limit.empty() || std::stoll(m.limit) != 25) {
          ctx_.Approximates(fmt::format("array_distinct() keeps up to 25 values of {}, not {}",
                                        m.written_field, m.limit.empty() ? "all" : m.limit));
        }
      } else if (m.kind == ir::MeasureKind::kAvg) {
        ctx_.Unsupported("an avg measure (detection-rule outcomes have no avg())");
        return std::nullopt;
      } else {
        expr = fmt::format("{}({})", ir::MeasureKindName(m.kind), field);
      }
      outcome += fmt::format("    ${} = {}\n", m.name, expr);
    }
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
      outcome += fmt::format("    ${} = {}\n", column.name, value);
    }
    std::string condition = "$e";
    if (spec_.test) condition += " and " + Test(*spec_.test);
    if (spec_.window.bucket_seconds > 0 &&
        spec_.window.bucket_seconds != spec_.window.span_seconds) {
      ctx_.Approximates(
          fmt::format("the lookback {} is the rule's run frequency; the match window "
                      "is {}",
                      spec_.window.span, spec_.window.bucket));
    }
    std::string out = fmt::format("rule {} {{\n  meta:\n", RuleName(Info()));
    auto meta = [&](const char* key, const std::string& value) {
      if (!value.empty()) out += fmt::format("    {} = {}\n", key, Quote(value));
    };
    meta("title", spec_.info.title);
    meta("id", spec_.info.id);
    meta("author", spec_.info.author);
    meta("severity", spec_.info.level);
    out += "\n  events:\n" + body + "\n  match:\n    " + match + " over " + CompactDuration(span) +
           "\n\n  outcome:\n" + outcome + "\n  condition:\n    " + condition + "\n}";
    return out;
  }

 private:
  ir::RuleInfo Info() const {
    ir::RuleInfo info;
    info.name = spec_.info.name;
    info.title = spec_.info.title;
    return info;
  }

  static std::string Placeholder(const std::string& name) {
    std::string out = "refract_";
    for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
  }

  static std::string Literal(const std::string& text) {
    return IsNumberText(text) ? text : Quote(text);
  }

  // Measures are outcome variables: `$FailureCount >= 5`.
  static std::string Test(const ir::CorrelationTest& t) {
    return RenderMeasureTest(t, {" and ", " or ", "not (", ")"},
                             [](const std::string& name) { return "$" + name; });
  }

  const CorrelationContext& ctx_;
  const ir::Correlation& spec_;
};

class Yaral final : public Backend {
 public:
  std::string_view id() const override { return "yaral"; }
  std::string_view description() const override { return "Google SecOps / Chronicle (YARA-L 2.0)"; }
  std::string_view extension() const override { return "yaral"; }
  std::optional<std::string> Emit(const EmitContext& ctx) const override {
    return YaralEmitter(ctx).Run();
  }
  std::optional<std::string> EmitCorrelation(const CorrelationContext& ctx) const override {
    return YaralCorrelation(ctx).Run();
  }
  std::optional<std::string> EmitAggregate(const CorrelationContext& ctx) const override {
    return YaralAggregate(ctx).Run();
  }
  std::optional<std::string> EmitUnion(const CorrelationContext& ctx,
                                       const std::vector<std::string>&) const override {
    ctx.Unsupported(
        "a union of several rules (a YARA-L rule yields its own detections): deploy the signals "
        "as separate rules");
    return std::nullopt;
  }
};

}  // namespace

const Backend& YaralBackend() {
  static const Yaral kBackend;
  return kBackend;
}

}  // namespace refract
