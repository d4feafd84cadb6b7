// AQL for IBM QRadar: SELECT * FROM events WHERE <log source> AND (<condition>) <time range>.
// `=` and LIKE are case-sensitive; ILIKE, IMATCHES and LOWER() give Sigma's case-insensitive
// matching. https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_operators.html
#include <fmt/format.h>

#include <algorithm>
#include <functional>
#include <map>
#include <tuple>
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

// String literals are single-quoted, a quote doubled; SQL's NULL makes a negated test NULL,
// which drops the event, so Sigma's `not` keeps events without the field through a guard.
const Dialect kAql{{" AND ", " OR ", "NOT (", ")", "TRUE", "FALSE"},
                   {'\'', true, false, false, ""},
                   "({0} IS NOT NULL AND {1})"};

// MATCHES/IMATCHES test the whole value with Java regular expressions (the documented examples
// pad with .*), so a Sigma regex is re-emitted for a whole-value match.
const ir::RegexFlavor kJavaWhole = [] {
  ir::RegexFlavor f = JavaRegexFlavor("java regex (AQL MATCHES)");
  f.anchors = false;
  f.whole_match_padding = "[\\s\\S]*";  // unlike `.`, crosses line breaks
  return f;
}();

std::string Quote(std::string_view text) { return QuoteString(text, kAql.quote); }

// Column and custom-property names with other characters are double-quoted.
std::string Field(const std::string& name) {
  return IsPlainName(name) ? name : QuoteString(name, {'"', true, false, false, ""});
}

// No escapes are documented for AQL strings: text with control characters (or letters that
// LOWER() may not fold) goes through a regex, which can spell them (\n, \x{07}).
bool NeedsRegex(const std::string& literal, bool del_too) {
  return HasNonAsciiCasedLetter(literal) ||
         text::HasControlCharacter(literal, del_too ? "" : "\x7f");
}

class AqlGenerator : public TextGenerator {
 public:
  explicit AqlGenerator(const EmitContext& ctx) : TextGenerator(ctx, kAql) {}

  std::optional<std::string> Run() {
    auto where = Where(ctx_.rule);
    if (!where) return std::nullopt;
    // Without a time range AQL searches only the last five minutes.
    // https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_start_stop.html
    return text::Cat({"SELECT * FROM events WHERE ", *where, " ",
                      ctx_.mapping.Option("time_range", "LAST 24 HOURS")});
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
    return text::Cat({field, " IS NULL"});
  }

  std::string Exists(const Predicate&, const std::string& field, bool exists) override {
    return text::Cat({field, " IS ", exists ? "NOT " : "", "NULL"});
  }

  // https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_cidr_examples.html
  std::string CidrValue(const Predicate&, const std::string& field, const Value& v) override {
    return text::Cat({"INCIDR(", Quote(v.text), ", ", field, ")"});
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
        return p.cased ? text::Cat({field, " = ", Field(v.text)})
                       : text::Cat({"LOWER(", field, ") = LOWER(", Field(v.text), ")"});
      });
    }
    if (first.kind == Value::Kind::kNumber || first.kind == Value::Kind::kBool) {
      auto literal = [this](const Value& v) {
        return v.kind == Value::Kind::kBool ? Quote(v.text) : v.text;
      };
      if (p.values.size() > 1 && !p.all_of) {
        std::string list;
        for (size_t i = 0; i < p.values.size(); ++i) list += (i ? ", " : "") + literal(p.values[i]);
        return Guard(field, text::Cat({field, " IN (", list, ")"}), negated);
      }
      return Each(p, field, negated, [&](const Value& v) {
        return text::Cat({field, " = ", literal(v)});
      });
    }
    if (auto set = ReferenceSet(p, field, negated)) return *set;
    // Plain case-insensitive equality over several values reads best as LOWER(f) IN (...).
    bool in_list = p.op == Op::kEq && !p.cased && !p.all_of && p.values.size() > 1;
    for (const auto& v : p.values) in_list = in_list && !NeedsRegex(v.pattern.Literal(), false);
    if (in_list) {
      std::string list;
      for (size_t i = 0; i < p.values.size(); ++i) {
        list += (i ? ", " : "") + Quote(text::AsciiLower(p.values[i].pattern.Literal()));
      }
      return Guard(field, text::Cat({"LOWER(", field, ") IN (", list, ")"}), negated);
    }
    return Each(p, field, negated, [&](const Value& v) { return StringTest(p, field, v); });
  }

 private:
  // A predicate holding a whole |expand list of strings, read from the QRadar reference set of
  // that name when lists are deployed: an alphanumeric set holding the values lower-cased,
  // tested with LOWER(field) as the inline list is, or `<name>_cased` holding them as they are
  // for |cased. Values that need a regex inline (control characters, letters LOWER() may not
  // fold) keep the list inline. nullopt: write the values inline.
  // https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_data_functions.html
  std::optional<std::string> ReferenceSet(const Predicate& p, const std::string& field,
                                          bool negated) {
    if (!TestsWholeList(p, ctx_.lookups) || p.op != Op::kEq || !AllNameChars(p.list))
      return std::nullopt;
    for (const auto& v : p.values) {
      if (v.kind != Value::Kind::kString || !v.pattern.IsPlain() || v.pattern.Literal().empty() ||
          NeedsRegex(v.pattern.Literal(), true)) {
        return std::nullopt;
      }
    }
    ctx_.lookups->read->insert(p.cased ? "cased:" + p.list : p.list);
    std::string set = Quote(p.cased ? p.list + "_cased" : p.list);
    return Guard(field,
                 text::Cat({"REFERENCESETCONTAINS(", set, ", ",
                            p.cased ? field : fmt::format("LOWER({})", field), ")"}),
                 negated);
  }

  std::string WholeRegex(const Predicate& p, const std::string& field, const ir::Regex& regex) {
    std::string construct;
    auto text = ir::EmitWholeMatch(regex, kJavaWhole, &construct);
    if (!text) return Fail(p, "the regex construct " + construct);
    return text::Cat({field, " MATCHES ", Quote(*text)});
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
      out += piece.kind == Piece::Kind::kLiteral    ? ir::RegexEscapeLiteral(piece.text, kJavaWhole)
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
      return p.cased ? text::Cat({field, " = ", Quote(literal)})
                     : text::Cat({"LOWER(", field, ") = ", Quote(text::AsciiLower(literal))});
    }
    auto like = LikePattern(p, v);
    if (like && !needs_regex) {
      return text::Cat({field, " ", p.cased ? "LIKE" : "ILIKE", " ", Quote(*like)});
    }
    return text::Cat(
        {field, " ", p.cased ? "MATCHES" : "IMATCHES", " ", Quote(PatternRegex(p, v))});
  }
};

// Sigma correlations as GROUP BY ... HAVING over the window that ends when the search runs: AQL
// documents no time bucketing, so the timespan becomes the search's time range.
class AqlCorrelation : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const ir::CorrelationKind type = spec_.kind;
    if (type == ir::CorrelationKind::kTemporalOrdered && ctx_.sources.size() > 2) {
      ctx_.Unsupported(
          "temporal_ordered over three or more rules (one AQL search aggregates per group; "
          "ordering each rule's events after the previous rule's needs per-event steps, which "
          "QRadar does in CRE rules)");
      return std::nullopt;
    }
    if (type == ir::CorrelationKind::kValuePercentile) {
      ctx_.Unsupported("value_percentile (AQL has no percentile aggregate)");
      return std::nullopt;
    }
    // Several rules are one search: their conditions joined by OR, counted together.
    if (Refuses(!SourcesShareFields(ctx_),
                "a correlation over rules whose group-by or value fields differ (one AQL "
                "search groups by one set of columns)")) {
      return std::nullopt;
    }
    const ir::CorrelationSource& source = ctx_.sources[0];
    std::string condition;
    std::vector<std::string> rule_conditions;
    for (const auto& each : ctx_.sources) {
      EmitContext ec{*each.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
      auto where = AqlGenerator(ec).Where(*each.rule);
      if (!where || ctx_.diagnostics.HasErrors()) return std::nullopt;
      condition +=
          ctx_.sources.size() == 1 ? *where : (condition.empty() ? "(" : " OR (") + *where + ")";
      rule_conditions.push_back(*where);
    }
    std::vector<std::string> groups;
    for (const auto& f : source.group_fields) groups.push_back(Field(f));
    std::string field = Field(source.value_field);
    std::string variable;
    std::string measure;
    std::string having;
    if (spec_.IsTemporal()) {
      auto flagged = RuleMeasures(rule_conditions);
      if (!flagged) return std::nullopt;
      std::tie(measure, having) = *flagged;
    } else if (type == ir::CorrelationKind::kEventCount) {
      variable = "event_count";
      measure = "COUNT(*)";
    } else if (type == ir::CorrelationKind::kValueCount) {
      variable = "value_count";
      measure = text::Cat({"DISTINCTCOUNT(", field, ")"});
      ctx_.Approximates("DISTINCTCOUNT is an estimate (HyperLogLog)");
    } else if (type == ir::CorrelationKind::kValueSum) {
      variable = "value_sum";
      measure = text::Cat({"SUM(", field, ")"});
    } else {
      variable = "value_avg";
      measure = text::Cat({"AVG(", field, ")"});
    }
    if (!variable.empty()) {
      measure += " AS " + variable;
      having = RenderBounds(variable, spec_.condition, " AND ", "=");
    }
    std::string select;
    for (const auto& g : groups) select += g + ", ";
    std::string group_by;
    for (size_t i = 0; i < groups.size(); ++i) group_by += (i ? ", " : "") + groups[i];
    ctx_.Approximates(fmt::format(
        "the timespan {} is the window ending when the search runs: schedule it at least every "
        "{} so that no window is missed",
        spec_.window.span, spec_.window.span));
    return text::Cat({"SELECT ", select, measure, " FROM events WHERE ", condition,
                      group_by.empty() ? "" : " GROUP BY " + group_by, " HAVING ", having, " ",
                      TimeRange(spec_.window.span_seconds)});
  }

 private:
  // temporal: each rule's events counted per group as a sum of IF flags, tested against the
  // rule's threshold (the extended condition, or every rule). temporal_ordered over two rules:
  // the first rule's earliest `starttime` before the second's latest — "some event of the first
  // before some event of the second" exactly; an ELSE beyond every time (or 0) keeps a rule
  // without events from passing, where AQL documents no NULL literal.
  // https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/c_aql_conditional_logic.html
  // https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_aggregate_functions.html
  std::optional<std::pair<std::string, std::string>> RuleMeasures(
      const std::vector<std::string>& conditions) {
    std::vector<std::string> measures;
    std::string having;
    if (spec_.kind == ir::CorrelationKind::kTemporalOrdered) {
      if (!AsksForEveryRule(ctx_)) {
        ctx_.Unsupported("temporal_ordered other than all rules in order");
        return std::nullopt;
      }
      measures.push_back(text::Cat({"MIN(IF ", conditions[0],
                                    " THEN starttime ELSE 9223372036854775807) AS refract_first"}));
      measures.push_back(
          text::Cat({"MAX(IF ", conditions[1], " THEN starttime ELSE 0) AS refract_last"}));
      having = "refract_first < refract_last";
      for (size_t i = 0; i < ctx_.sources.size(); ++i) {
        if (ctx_.sources[i].min_count <= 1) continue;
        measures.push_back(
            fmt::format("SUM(IF {} THEN 1 ELSE 0) AS refract_count{}", conditions[i], i + 1));
        having += fmt::format(" AND refract_count{} >= {}", i + 1, ctx_.sources[i].min_count);
      }
    } else {
      having = RenderRuleTest(
          ctx_, {" AND ", " OR ", "NOT (", ")", "1=1", "1=0"},
          [](size_t i, long long n) { return fmt::format("refract_count{} >= {}", i + 1, n); });
      if (having.empty()) return std::nullopt;
      for (size_t i = 0; i < ctx_.sources.size(); ++i) {
        measures.push_back(
            fmt::format("SUM(IF {} THEN 1 ELSE 0) AS refract_count{}", conditions[i], i + 1));
      }
    }
    return std::make_pair(JoinText(measures, ", "), having);
  }

  static std::string TimeRange(long long seconds) {
    if (seconds % 86400 == 0) return fmt::format("LAST {} DAYS", seconds / 86400);
    if (seconds % 3600 == 0) return fmt::format("LAST {} HOURS", seconds / 3600);
    if (seconds % 60 == 0) return fmt::format("LAST {} MINUTES", seconds / 60);
    return fmt::format("LAST {} SECONDS", seconds);
  }
};

// refract's aggregate extension as SELECT … GROUP BY … HAVING over the lookback. AQL's
// aggregates are COUNT, SUM, AVG, MIN, MAX and DISTINCTCOUNT; it documents no conditional
// aggregate (count-if) and no aggregate that collects values.
// https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_aggregate_functions.html
class AqlAggregate : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const ir::CorrelationSource& source = ctx_.sources[0];
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
    std::vector<std::string> select;
    for (size_t g = 0; g < spec_.group_by.size(); ++g) {
      std::string field = Field(source.group_fields[g]);
      values_[spec_.group_by[g]] = field;
      select.push_back(text::Cat({field, " AS ", Field(spec_.group_by[g])}));
    }
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      auto expr = MeasureExpr(ec, i);
      if (!expr) return std::nullopt;
      if (expr->empty()) continue;  // a values measure: warned, left out
      values_[spec_.measures[i].name] = *expr;
      select.push_back(text::Cat({*expr, " AS ", Field(spec_.measures[i].name)}));
    }
    for (const auto& column : spec_.columns) {
      std::string value = ColumnValue(column, {"", "IF {test} THEN {value} ELSE (", "{value}", ")"},
                                      Test(false), Literal);
      values_[column.name] = value;
      select.push_back(text::Cat({value, " AS ", Field(column.name)}));
    }
    AddUnionColumns(select);
    long long lookback = spec_.window.span_seconds;
    if (spec_.window.bucket_seconds > 0) {
      // One window that ends when the search runs, like the lookback of every AQL search.
      lookback = spec_.window.bucket_seconds;
      ctx_.Approximates(fmt::format(
          "the {} lookback in {} windows becomes one {} window ending when the search runs "
          "(AQL documents no time bucketing): schedule it every {}",
          spec_.window.span, spec_.window.bucket, spec_.window.bucket, spec_.window.bucket));
    }
    auto where = AqlGenerator(ec).Where(*source.rule);
    if (!where || ctx_.diagnostics.HasErrors()) return std::nullopt;
    std::string out = "SELECT " + JoinText(select, ", ") + " FROM events WHERE " + *where;
    if (!source.group_fields.empty()) {
      out += " GROUP BY " + JoinEach(source.group_fields, ", ", Field);
    }
    if (spec_.test) out += " HAVING " + Test(true)(*spec_.test);
    if (!spec_.composed_in.empty() && !spec_.sort.empty()) {
      out += " ORDER BY " + JoinEach(spec_.sort, ", ", [](const auto& key) {
               return Field(key.first) + (key.second ? " DESC" : " ASC");
             });
    }
    return out + " " + LastRange(lookback);
  }

 private:
  // The aggregate of measure `i`; "" for a values measure (AQL cannot collect values: warned,
  // the column is left out and the rule's logic holds without it); nullopt once refused.
  // Count-if sums an IF expression: IF … THEN … ELSE is an AQL expression and SUM an aggregate.
  // https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/c_aql_conditional_logic.html
  // https://www.ibm.com/docs/en/SSKMKU/com.ibm.qradar.doc/r_aql_aggregate_functions.html
  std::optional<std::string> MeasureExpr(const EmitContext& ec, size_t i) {
    const auto& m = spec_.measures[i];
    std::string field = Field(m.field);
    switch (m.kind) {
      case ir::MeasureKind::kCount: {
        if (!ctx_.MeasureFilter(i)) return std::string("COUNT(*)");
        auto filter = AqlGenerator(ec).Condition(*ctx_.MeasureFilter(i));
        if (!filter) return std::nullopt;
        return text::Cat({"SUM(IF ", *filter, " THEN 1 ELSE 0)"});
      }
      case ir::MeasureKind::kDistinct:
        if (ctx_.MeasureFilter(i)) {
          ctx_.Unsupported(
              fmt::format("a distinct count of {} over some events (AQL's IF … THEN "
                          "… ELSE needs an else value, which DISTINCTCOUNT would "
                          "count)",
                          m.written_field));
          return std::nullopt;
        }
        if (!warned_distinct_) {
          ctx_.Approximates("DISTINCTCOUNT is an estimate (HyperLogLog)");
          warned_distinct_ = true;
        }
        return text::Cat({"DISTINCTCOUNT(", field, ")"});
      case ir::MeasureKind::kValues:
        ctx_.Approximates(text::Cat({"the values measure ", m.name,
                                     " is left out (AQL has no aggregate that collects values)"}));
        return std::string();
      default: {
        std::string fn(ir::MeasureKindName(m.kind));
        for (auto& c : fn) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (!ctx_.MeasureFilter(i)) return text::Cat({fn, "(", field, ")"});
        // A conditional min or max of the event time (milliseconds in AQL).
        auto fallback = ConditionalTimeFallback(ctx_, i, true, "AQL's IF … THEN … ELSE");
        if (!fallback) return std::nullopt;
        auto filter = AqlGenerator(ec).Condition(*ctx_.MeasureFilter(i));
        if (!filter) return std::nullopt;
        return text::Cat({fn, "(IF ", *filter, " THEN ", field, " ELSE ", *fallback, ")"});
      }
    }
  }

  // A union's signal: its renamed columns again under the union's names, and '' for the
  // columns it lacks, so that every signal's result has the union's columns.
  void AddUnionColumns(std::vector<std::string>& select) const {
    if (spec_.composed_in.empty()) return;
    for (const auto& [name, from] : spec_.project) {
      auto it = values_.find(from);
      if (it != values_.end() && name == from) continue;
      select.push_back(text::Cat({it == values_.end() ? "''" : it->second, " AS ", Field(name)}));
    }
  }

  // Writes a test over measures: by alias in HAVING (as IBM's examples do), by expression in a
  // column (a SELECT expression cannot read another's alias).
  std::function<std::string(const ir::CorrelationTest&)> Test(bool by_alias) const {
    return [this, by_alias](const ir::CorrelationTest& t) {
      return RenderMeasureTest(t, kAql.boolean, [this, by_alias](const std::string& name) {
        auto it = values_.find(name);
        return by_alias || it == values_.end() ? Field(name) : it->second;
      });
    };
  }

  static std::string Literal(const std::string& text) {
    return IsNumberText(text) ? text : Quote(text);
  }

  static std::string LastRange(long long seconds) {
    if (seconds % 86400 == 0) return fmt::format("LAST {} DAYS", seconds / 86400);
    if (seconds % 3600 == 0) return fmt::format("LAST {} HOURS", seconds / 3600);
    if (seconds % 60 == 0) return fmt::format("LAST {} MINUTES", seconds / 60);
    return fmt::format("LAST {} SECONDS", seconds);
  }

  std::map<std::string, std::string> values_;  // output column → its AQL expression
  bool warned_distinct_ = false;
};

}  // namespace

const Backend& AqlBackend() {
  static const AssembledBackend<AqlGenerator, AqlCorrelation, AqlAggregate, PerSignalUnion>
      kBackend({"aql", "IBM QRadar (Ariel Query Language)", "aql"},
               {"", "", "",
                "the consecutive extension (AQL documents no window function: a row cannot read "
                "the previous event of its group)"});
  return kBackend;
}

}  // namespace refract
