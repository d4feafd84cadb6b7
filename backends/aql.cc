// AQL for IBM QRadar: SELECT * FROM events WHERE <log source> AND (<condition>) <time range>.
// `=` and LIKE are case-sensitive; ILIKE, IMATCHES and LOWER() give Sigma's case-insensitive
// matching. https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_operators.html
#include <fmt/format.h>

#include <algorithm>

#include "backends/backend.h"
#include "backends/common.h"

namespace refract {
namespace {

using ir::Op;
using ir::Piece;
using ir::Predicate;
using ir::Value;

// String literals are single-quoted, a quote doubled; SQL's NULL makes a negated test NULL,
// which drops the event, so Sigma's `not` keeps events without the field through a guard.
const Dialect kAql{{" AND ", " OR ", "NOT (", ")", "TRUE", "FALSE"},
                   {'\'', true, false, false, ""},
                   "({0} IS NOT NULL AND {1})"};

// MATCHES/IMATCHES test the whole value with Java regular expressions (the documented examples
// pad with .*), so a Sigma regex is re-emitted for a whole-value match.
const ir::RegexFlavor& JavaWhole() {
  static const ir::RegexFlavor kFlavor = [] {
    ir::RegexFlavor f;
    f.name = "java regex (AQL MATCHES)";
    f.lookaround = true;
    f.backreferences = true;
    f.atomic_groups = true;
    f.possessive = true;
    f.end_before_newline = true;
    f.named_group_prefix = "(?<";
    f.braced_hex_escape = true;
    f.anchors = false;
    f.whole_match_padding = "[\\s\\S]*";  // unlike `.`, crosses line breaks
    return f;
  }();
  return kFlavor;
}

std::string Quote(std::string_view text) { return QuoteString(text, kAql.quote); }

// Column and custom-property names with other characters are double-quoted.
std::string Field(const std::string& name) {
  bool plain = !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') plain = false;
  }
  return plain ? name : QuoteString(name, {'"', true, false, false, ""});
}

std::string AsciiLower(std::string text) {
  for (auto& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// No escapes are documented for AQL strings: text with control characters (or letters that
// LOWER() may not fold) goes through a regex, which can spell them (\n, \x{07}).
bool NeedsRegex(const std::string& literal, bool del_too) {
  return HasNonAsciiCasedLetter(literal) ||
         std::any_of(literal.begin(), literal.end(), [del_too](char c) {
           return static_cast<unsigned char>(c) < 0x20 || (del_too && c == 0x7F);
         });
}

class AqlGenerator : public TextGenerator {
 public:
  explicit AqlGenerator(const EmitContext& ctx) : TextGenerator(ctx, kAql) {}

  std::optional<std::string> Run() {
    auto where = Where(ctx_.rule);
    if (!where) return std::nullopt;
    // Without a time range AQL searches only the last five minutes.
    // https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_start_stop.html
    return fmt::format("SELECT * FROM events WHERE {} {}", *where,
                       ctx_.mapping.Option("time_range", "LAST 24 HOURS"));
  }

  // The rule's log source scope and condition, for a WHERE clause.
  std::optional<std::string> Where(const ir::Rule& rule) {
    auto where = Condition(rule.condition);
    if (!where) return std::nullopt;
    return rule.source.empty() ? *where : rule.source + " AND (" + *where + ")";
  }

 protected:
  std::string FieldName(const std::string& field) const override { return Field(field); }

  // Keywords search the event payload, as QRadar's own full-text searches do.
  std::string Keyword(const Predicate& p, bool) override {
    std::vector<std::string> parts;
    for (const auto& v : p.values) {
      parts.push_back(p.op == Op::kRegex ? WholeRegex(p, "UTF8(payload)", *v.regex)
                                         : StringTest(p, "UTF8(payload)", v));
      if (failed()) return "";
    }
    return Join(parts, p.all_of);
  }

  std::string Null(const Predicate&, const std::string& field) override {
    return fmt::format("{} IS NULL", field);
  }

  std::string Exists(const Predicate&, const std::string& field, bool exists) override {
    return fmt::format("{} IS {}NULL", field, exists ? "NOT " : "");
  }

  // https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_cidr_examples.html
  std::string CidrValue(const Predicate&, const std::string& field, const Value& v) override {
    return fmt::format("INCIDR({}, {})", Quote(v.text), field);
  }

  std::string RegexValue(const Predicate& p, const std::string& field,
                         const ir::Regex& regex) override {
    return WholeRegex(p, field, regex);
  }

  // AQL compares all the values of a predicate as the first one's kind.
  std::string Values(const Predicate& p, const std::string& field, bool negated) override {
    const Value& first = p.values[0];
    if (first.kind == Value::Kind::kField) {
      if (p.op != Op::kEq) return Fail(p, "fieldref with contains, startswith or endswith");
      return Each(p, field, negated, [&](const Value& v) {
        return p.cased ? fmt::format("{} = {}", field, Field(v.text))
                       : fmt::format("LOWER({}) = LOWER({})", field, Field(v.text));
      });
    }
    if (first.kind == Value::Kind::kNumber || first.kind == Value::Kind::kBool) {
      auto literal = [this](const Value& v) {
        return v.kind == Value::Kind::kBool ? Quote(v.text) : v.text;
      };
      if (p.values.size() > 1 && !p.all_of) {
        std::string list;
        for (size_t i = 0; i < p.values.size(); ++i) list += (i ? ", " : "") + literal(p.values[i]);
        return Guard(field, fmt::format("{} IN ({})", field, list), negated);
      }
      return Each(p, field, negated,
                  [&](const Value& v) { return fmt::format("{} = {}", field, literal(v)); });
    }
    // Plain case-insensitive equality over several values reads best as LOWER(f) IN (...).
    bool in_list = p.op == Op::kEq && !p.cased && !p.all_of && p.values.size() > 1;
    for (const auto& v : p.values) in_list = in_list && !NeedsRegex(v.pattern.Literal(), false);
    if (in_list) {
      std::string list;
      for (size_t i = 0; i < p.values.size(); ++i) {
        list += (i ? ", " : "") + Quote(AsciiLower(p.values[i].pattern.Literal()));
      }
      return Guard(field, fmt::format("LOWER({}) IN ({})", field, list), negated);
    }
    return Each(p, field, negated, [&](const Value& v) { return StringTest(p, field, v); });
  }

 private:
  std::string WholeRegex(const Predicate& p, const std::string& field, const ir::Regex& regex) {
    std::string construct;
    auto text = ir::EmitWholeMatch(regex, JavaWhole(), &construct);
    if (!text) return Fail(p, "the regex construct " + construct);
    return fmt::format("{} MATCHES {}", field, Quote(*text));
  }

  // A LIKE pattern, or nothing when the literal holds LIKE's own % or _ (no escape is
  // documented), in which case a regex is used.
  static std::optional<std::string> LikePattern(const Predicate& p, const Value& v) {
    std::string out = (p.op == Op::kContains || p.op == Op::kEndsWith) ? "%" : "";
    for (const auto& piece : v.pattern.pieces) {
      if (piece.kind == Piece::Kind::kLiteral) {
        if (piece.text.find_first_of("%_") != std::string::npos) return std::nullopt;
        out += piece.text;
      } else {
        out += piece.kind == Piece::Kind::kAnyChars ? "%" : "_";
      }
    }
    if (p.op == Op::kContains || p.op == Op::kStartsWith) out += "%";
    return out;
  }

  static std::string PatternRegex(const Predicate& p, const Value& v) {
    std::string out = "(?s)";
    if (p.op == Op::kContains || p.op == Op::kEndsWith) out += ".*";
    for (const auto& piece : v.pattern.pieces) {
      out += piece.kind == Piece::Kind::kLiteral ? ir::RegexEscapeLiteral(piece.text, JavaWhole())
             : piece.kind == Piece::Kind::kAnyChars ? ".*"
                                                    : ".";
    }
    if (p.op == Op::kContains || p.op == Op::kStartsWith) out += ".*";
    return out;
  }

  std::string StringTest(const Predicate& p, const std::string& field, const Value& v) {
    std::string literal = v.pattern.Literal();
    bool needs_regex = NeedsRegex(literal, true);
    if (p.op == Op::kEq && !needs_regex) {
      return p.cased ? fmt::format("{} = {}", field, Quote(literal))
                     : fmt::format("LOWER({}) = {}", field, Quote(AsciiLower(literal)));
    }
    auto like = LikePattern(p, v);
    if (like && !needs_regex) {
      return fmt::format("{} {} {}", field, p.cased ? "LIKE" : "ILIKE", Quote(*like));
    }
    return fmt::format("{} {} {}", field, p.cased ? "MATCHES" : "IMATCHES",
                       Quote(PatternRegex(p, v)));
  }
};

// Sigma correlations as GROUP BY ... HAVING over the window that ends when the search runs: AQL
// documents no time bucketing, so the timespan becomes the search's time range.
class AqlCorrelation {
 public:
  explicit AqlCorrelation(const CorrelationContext& ctx) : ctx_(ctx), spec_(ctx.spec) {}

  std::optional<std::string> Run() {
    const ir::CorrelationKind type = spec_.kind;
    if (type == ir::CorrelationKind::kTemporal || type == ir::CorrelationKind::kTemporalOrdered) {
      ctx_.Unsupported(std::string(ir::CorrelationKindName(type)) +
                       " (AQL queries one event stream; QRadar correlates several rules "
                       "in CRE rules, not in AQL)");
      return std::nullopt;
    }
    if (type == ir::CorrelationKind::kValuePercentile) {
      ctx_.Unsupported("value_percentile (AQL has no percentile aggregate)");
      return std::nullopt;
    }
    const ir::CorrelationSource& source = ctx_.sources[0];
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target};
    auto where = AqlGenerator(ec).Where(*source.rule);
    if (!where || ctx_.diagnostics.HasErrors()) return std::nullopt;
    const std::string& condition = *where;
    std::vector<std::string> groups;
    for (const auto& f : source.group_fields) groups.push_back(Field(f));
    std::string field = Field(source.value_field);
    std::string variable;
    std::string measure;
    if (type == ir::CorrelationKind::kEventCount) {
      variable = "event_count";
      measure = "COUNT(*)";
    } else if (type == ir::CorrelationKind::kValueCount) {
      variable = "value_count";
      measure = fmt::format("DISTINCTCOUNT({})", field);
      ctx_.Approximates("DISTINCTCOUNT is an estimate (HyperLogLog)");
    } else if (type == ir::CorrelationKind::kValueSum) {
      variable = "value_sum";
      measure = fmt::format("SUM({})", field);
    } else {
      variable = "value_avg";
      measure = fmt::format("AVG({})", field);
    }
    std::string having = RenderBounds(variable, spec_.condition, " AND ", "=");
    std::string select;
    for (const auto& g : groups) select += g + ", ";
    std::string group_by;
    for (size_t i = 0; i < groups.size(); ++i) group_by += (i ? ", " : "") + groups[i];
    ctx_.Approximates(fmt::format(
        "the timespan {} is the window ending when the search runs: schedule it at least every "
        "{} so that no window is missed",
        spec_.window.span, spec_.window.span));
    return fmt::format("SELECT {}{} AS {} FROM events WHERE {}{} HAVING {} {}", select, measure,
                       variable, condition, group_by.empty() ? "" : " GROUP BY " + group_by, having,
                       TimeRange(spec_.window.span_seconds));
  }

 private:
  static std::string TimeRange(long long seconds) {
    if (seconds % 86400 == 0) return fmt::format("LAST {} DAYS", seconds / 86400);
    if (seconds % 3600 == 0) return fmt::format("LAST {} HOURS", seconds / 3600);
    if (seconds % 60 == 0) return fmt::format("LAST {} MINUTES", seconds / 60);
    return fmt::format("LAST {} SECONDS", seconds);
  }

  const CorrelationContext& ctx_;
  const ir::Correlation& spec_;
};

// refract's aggregate extension as SELECT … GROUP BY … HAVING over the lookback. AQL's
// aggregates are COUNT, SUM, AVG, MIN, MAX and DISTINCTCOUNT; it documents no conditional
// aggregate (count-if) and no aggregate that collects values.
// https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_aggregate_functions.html
class AqlAggregate {
 public:
  explicit AqlAggregate(const CorrelationContext& ctx) : ctx_(ctx), spec_(ctx.spec) {}

  std::optional<std::string> Run() {
    const ir::CorrelationSource& source = ctx_.sources[0];
    std::vector<std::string> select;
    for (size_t g = 0; g < spec_.group_by.size(); ++g) {
      select.push_back(
          fmt::format("{} AS {}", Field(source.group_fields[g]), Field(spec_.group_by[g])));
    }
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      std::string field = Field(spec_.measures[i].field);
      std::string expr;
      if (m.kind == ir::MeasureKind::kCount && ctx_.MeasureFilter(i)) {
        ctx_.Unsupported(
            fmt::format("the count-if measure {} (AQL documents no conditional "
                        "aggregate)",
                        m.name));
        return std::nullopt;
      } else if (m.kind == ir::MeasureKind::kCount) {
        expr = "COUNT(*)";
      } else if (m.kind == ir::MeasureKind::kDistinct) {
        expr = fmt::format("DISTINCTCOUNT({})", field);
        ctx_.Approximates("DISTINCTCOUNT is an estimate (HyperLogLog)");
      } else if (m.kind == ir::MeasureKind::kValues) {
        ctx_.Unsupported(fmt::format(
            "the values measure {} (AQL has no aggregate that collects values)", m.name));
        return std::nullopt;
      } else {
        std::string fn(ir::MeasureKindName(m.kind));
        for (auto& c : fn) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        expr = fmt::format("{}({})", fn, field);
      }
      select.push_back(fmt::format("{} AS {}", expr, Field(m.name)));
    }
    for (const auto& column : spec_.columns) {
      if (!column.cases.empty()) {
        ctx_.Unsupported(
            fmt::format("the conditional column {} (CASE over aggregates is not "
                        "documented for AQL)",
                        column.name));
        return std::nullopt;
      }
      select.push_back(fmt::format("{} AS {}", Literal(column.constant), Field(column.name)));
    }
    if (spec_.window.bucket_seconds > 0) {
      ctx_.Unsupported("a window inside the lookback (AQL documents no time bucketing)");
      return std::nullopt;
    }
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target};
    auto where = AqlGenerator(ec).Where(*source.rule);
    if (!where || ctx_.diagnostics.HasErrors()) return std::nullopt;
    const std::string& condition = *where;
    std::string out = "SELECT ";
    for (size_t i = 0; i < select.size(); ++i) out += (i ? ", " : "") + select[i];
    out += " FROM events WHERE " + condition;
    if (!source.group_fields.empty()) {
      out += " GROUP BY ";
      for (size_t g = 0; g < source.group_fields.size(); ++g) {
        out += (g ? ", " : "") + Field(source.group_fields[g]);
      }
    }
    if (spec_.test) {
      out += " HAVING " + RenderMeasureTest(*spec_.test, kAql.boolean,
                                            [](const std::string& name) { return Field(name); });
    }
    return out + " " + LastRange(spec_.window.span_seconds);
  }

 private:
  static std::string Literal(const std::string& text) {
    return IsNumberText(text) ? text : Quote(text);
  }

  static std::string LastRange(long long seconds) {
    if (seconds % 86400 == 0) return fmt::format("LAST {} DAYS", seconds / 86400);
    if (seconds % 3600 == 0) return fmt::format("LAST {} HOURS", seconds / 3600);
    if (seconds % 60 == 0) return fmt::format("LAST {} MINUTES", seconds / 60);
    return fmt::format("LAST {} SECONDS", seconds);
  }

  const CorrelationContext& ctx_;
  const ir::Correlation& spec_;
};

class Aql final : public Backend {
 public:
  std::string_view id() const override { return "aql"; }
  std::string_view description() const override { return "IBM QRadar (Ariel Query Language)"; }
  std::string_view extension() const override { return "aql"; }
  std::optional<std::string> Emit(const EmitContext& ctx) const override {
    return AqlGenerator(ctx).Run();
  }
  std::optional<std::string> EmitCorrelation(const CorrelationContext& ctx) const override {
    return AqlCorrelation(ctx).Run();
  }
  std::optional<std::string> EmitAggregate(const CorrelationContext& ctx) const override {
    return AqlAggregate(ctx).Run();
  }
  std::optional<std::string> EmitUnion(const CorrelationContext& ctx,
                                       const std::vector<std::string>&) const override {
    ctx.Unsupported(
        "a union of several searches (AQL has no UNION): schedule the signals as separate "
        "searches");
    return std::nullopt;
  }
};

}  // namespace

const Backend& AqlBackend() {
  static const Aql kBackend;
  return kBackend;
}

}  // namespace refract
