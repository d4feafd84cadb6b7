// ES|QL for Elastic: `FROM <index> | WHERE <condition>` on ECS field names, and Sigma correlations
// as `STATS ... BY BUCKET(@timestamp, span), groups`.
// Syntax: https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-syntax.html
// Operators (==, LIKE, RLIKE, IN, IS NULL):
// https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-functions-operators.html
#include <fmt/format.h>

#include <algorithm>
#include <set>

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

// Strings are double-quoted with \" \\ \n \r \t escapes. A comparison with a missing field is
// null and `NOT null` is null, which drops the row: a negated test keeps events without the
// field through a guard.
const Dialect kEsqlDialect{{" AND ", " OR ", "NOT (", ")", "TRUE", "FALSE"},
                           {'"', false, true, true, ""},
                           "({0} IS NOT NULL AND {1})"};
const BoolSyntax& kEsql = kEsqlDialect.boolean;

std::string Quote(std::string_view text) { return QuoteString(text, kEsqlDialect.quote); }

// Names with characters other than letters, digits, `_`, `.` and `@` go in backticks.
std::string Field(const std::string& name) {
  if (IsPlainName(name, ".@")) return name;
  std::string out = "`";
  for (char c : name) {
    if (c == '`') out += '`';
    out += c;
  }
  return out + "`";
}

// RLIKE takes Lucene's regular expressions (whole-value match); the string quoting comes on top.
const ir::RegexFlavor& EsqlRegexFlavor() {
  static const ir::RegexFlavor kFlavor = [] {
    ir::RegexFlavor f = LuceneRegexFlavor();
    f.name = "Lucene regex (ES|QL RLIKE)";
    f.backslash_literal = "\\\\";
    f.literal_metachars = "\\.?+*|{}[]()\"#@&<>~";
    return f;
  }();
  return kFlavor;
}

// A duration as ES|QL writes a time span literal: `1 hour`, `30 minutes`.
std::string SpanLiteral(long long seconds) {
  struct Unit {
    long long size;
    const char* name;
  };
  static const Unit kUnits[] = {{86400, "day"}, {3600, "hour"}, {60, "minute"}, {1, "second"}};
  for (const auto& u : kUnits) {
    if (seconds % u.size == 0) {
      long long n = seconds / u.size;
      return fmt::format("{} {}{}", n, u.name, n == 1 ? "" : "s");
    }
  }
  return fmt::format("{} seconds", seconds);
}

class EsqlEmitter : public TextGenerator {
 public:
  explicit EsqlEmitter(const EmitContext& ctx) : TextGenerator(ctx, kEsqlDialect) {}

  // FROM, then WHERE. With lookup joins, the conjuncts that read none filter first, so the
  // joins run on the rows they keep, then a second WHERE tests the rest.
  std::optional<std::string> Run() {
    std::string from = text::Cat({"FROM ", Source(ctx_.rule)});
    if (ctx_.rule.condition.kind == ir::Expr::Kind::kTrue) return from;
    std::vector<std::string> before;
    std::vector<std::string> after;
    const std::vector<const ir::Expr*> conjuncts = Conjuncts(ctx_.rule.condition);
    for (const ir::Expr* conjunct : conjuncts) {
      const size_t joins = joins_.size();
      auto text = Condition(*conjunct);
      if (!text) return std::nullopt;
      bool wrap = conjuncts.size() > 1 && conjunct->kind == ir::Expr::Kind::kOr;
      std::string part = wrap ? "(" + *text + ")" : *text;
      (joins_.size() > joins ? after : before).push_back(part);
    }
    std::string query = from;
    if (!before.empty()) query += "\n| WHERE " + JoinText(before, " AND ");
    for (const auto& join : joins_) query += join;
    if (!after.empty()) query += "\n| WHERE " + JoinText(after, " AND ");
    // The join's columns are the query's own, not the events'.
    return joins_.empty() ? query : query + "\n| DROP refract_*";
  }

  // The LOOKUP JOIN stages the conditions written so far read, to go right after FROM.
  const std::vector<std::string>& joins() const { return joins_; }

  // `query` with `joins` after its first line (the FROM).
  static std::string WithJoins(const std::string& query, const std::vector<std::string>& joins) {
    if (joins.empty()) return query;
    size_t end = query.find('\n');
    std::string head = end == std::string::npos ? query : query.substr(0, end);
    std::string tail = end == std::string::npos ? "" : query.substr(end);
    for (const auto& join : joins) head += join;
    return head + tail;
  }

  static std::string Source(const ir::Rule& rule) {
    return rule.source.empty() ? "logs-*" : rule.source;
  }

 protected:
  std::string FieldName(const std::string& field) const override { return Field(field); }

  std::string Keyword(const Predicate& p, bool) override {
    return Fail(p, "a keyword search (ES|QL matches fields; map keywords to a field)");
  }

  std::string TimePart(const Predicate& p, bool negated) override {
    return TimePartTests(p, Field(p.field), negated);
  }

  std::string Null(const Predicate&, const std::string& field) override {
    return text::Cat({field, " IS NULL"});
  }

  std::string Exists(const Predicate&, const std::string& field, bool exists) override {
    return text::Cat({field, " IS ", exists ? "NOT " : "", "NULL"});
  }

  // TO_DOUBLE: ES|QL refuses to compare a keyword with a number, and ECS keeps some numbers
  // (LogonType) as keywords.
  std::string CompareValue(const Predicate&, const std::string& field, const Value& v,
                           std::string_view op) override {
    return text::Cat({"TO_DOUBLE(", field, ") ", op, " ", v.text});
  }

  // CIDR_MATCH(ip, block1, block2, ...) is true when the address is in any block; TO_IP
  // because ECS keeps some addresses (winlog IpAddress) as keywords.
  // https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-functions-operators.html#esql-cidr_match
  std::string Cidr(const Predicate& p, const std::string& field, bool negated) override {
    if (p.all_of) {
      return Each(p, field, negated, [&](const Value& v) {
        return text::Cat({"CIDR_MATCH(TO_IP(", field, "), ", Quote(v.text), ")"});
      });
    }
    std::string list;
    for (const auto& v : p.values) list += ", " + Quote(v.text);
    return Guard(field, text::Cat({"CIDR_MATCH(TO_IP(", field, ")", list, ")"}), negated);
  }

  std::string RegexValue(const Predicate& p, const std::string& field,
                         const ir::Regex& regex) override {
    std::string construct;
    auto text = ir::EmitWholeMatch(regex, EsqlRegexFlavor(), &construct);
    if (!text) {
      return Fail(p,
                  "the regex construct " + construct + " (RLIKE uses Lucene regular expressions)");
    }
    if (auto why = ElasticRegexTooLong(*text)) return Fail(p, *why);
    return text::Cat({TextSubject(p, field), " RLIKE ", Quote(*text)});
  }

  // The values of a predicate are compared as the first one's kind.
  std::string Values(const Predicate& p, const std::string& field, bool negated) override {
    if (p.values[0].kind == Value::Kind::kField) {
      if (p.op != Op::kEq) return Fail(p, "fieldref with contains, startswith or endswith");
      return Each(p, field, negated, [&](const Value& v) {
        std::string other = Field(v.text);
        return p.cased ? text::Cat({field, " == ", other})
                       : text::Cat({"TO_LOWER(", field, ") == TO_LOWER(", other, ")"});
      });
    }
    if (p.values[0].kind != Value::Kind::kNumber && p.values[0].kind != Value::Kind::kBool) {
      return StringTests(p, field, negated);
    }
    // ES|QL is strictly typed: ECS keyword fields (event.code) compare with text.
    std::vector<std::string> parts;
    bool keyword = FieldType(p.field) == "keyword";
    for (const auto& v : p.values) parts.push_back(keyword ? Quote(v.text) : v.text);
    if (parts.size() > 1 && !p.all_of) {
      std::string list;
      for (size_t i = 0; i < parts.size(); ++i) list += (i ? ", " : "") + parts[i];
      return Guard(field, text::Cat({field, " IN (", list, ")"}), negated);
    }
    for (auto& part : parts) part = Guard(field, text::Cat({field, " == ", part}), negated);
    return Join(parts, p.all_of);
  }

 private:
  // True when the mapping types `field` as one of ES|QL's numeric types.
  bool IsNumericColumn(const std::string& field) const {
    static const std::set<std::string> kNumeric = {"long", "integer", "double", "unsigned_long"};
    return kNumeric.count(FieldType(field)) > 0;
  }

  // Sigma text such as '1442' compared for equality with a numeric column (ECS
  // source.as.number is a long) means that number: ES|QL casts string literals implicitly only
  // to dates, durations, ip, version and boolean, so the text would be a type error.
  // https://www.elastic.co/docs/reference/query-languages/esql/esql-implicit-casting
  std::optional<std::string> NumericTextOnNumberColumn(const Predicate& p,
                                                       const std::string& column, bool negated) {
    if (p.op != Op::kEq || !IsNumericColumn(p.field)) return std::nullopt;
    std::vector<std::string> numbers;
    for (const auto& v : p.values) {
      const std::string text = v.pattern.Literal();
      if (!v.pattern.IsPlain() || text.empty() || text.size() > 18 ||
          !std::all_of(text.begin(), text.end(),
                       [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; })) {
        return std::nullopt;
      }
      numbers.push_back(std::to_string(std::stoll(text)));
    }
    if (numbers.size() > 1 && !p.all_of) {
      std::string list;
      for (size_t i = 0; i < numbers.size(); ++i) list += (i ? ", " : "") + numbers[i];
      return Guard(column, text::Cat({column, " IN (", list, ")"}), negated);
    }
    std::vector<std::string> parts;
    for (const auto& n : numbers) {
      parts.push_back(Guard(column, text::Cat({column, " == ", n}), negated));
    }
    return Join(parts, p.all_of);
  }

  // A predicate holding a whole |expand list of strings, read from the lookup index
  // `refract_<name>` when lists are deployed: the field's lower-cased text joined on the index's
  // key (its values lower-cased, as the inline TO_LOWER(f) IN (...) reads them), the match's
  // `refract_<name>_hit` renamed per read. A LOOKUP JOIN keeps unmatched rows with null
  // columns, so the test is `IS NOT NULL`. |cased matches, letters ASCII folding misses and
  // list names an index cannot take stay inline. nullopt: write the values inline.
  // https://www.elastic.co/docs/reference/query-languages/esql/esql-lookup-join
  std::optional<std::string> LookupJoin(const Predicate& p, const std::string& column,
                                        bool negated) {
    if (!TestsWholeList(p, ctx_.lookups) || p.cased || p.op != Op::kEq ||
        IsNumericColumn(p.field) || !std::all_of(p.list.begin(), p.list.end(), [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        }))
      return std::nullopt;
    for (const auto& v : p.values) {
      const std::string literal = v.pattern.Literal();
      if (v.kind != Value::Kind::kString || !v.pattern.IsPlain() || literal.empty() ||
          HasNonAsciiCasedLetter(literal) || text::HasControlCharacter(literal)) {
        return std::nullopt;
      }
    }
    const std::string hit = fmt::format("refract_hit_{}", ctx_.lookups->read->size() + 1);
    ctx_.lookups->read->insert(p.list);
    const std::string index = "refract_" + p.list;
    joins_.push_back(fmt::format(
        "\n| EVAL {0}_key = TO_LOWER({1})\n| LOOKUP JOIN {0} ON {0}_key\n| RENAME {0}_hit AS {2}",
        index, TextSubject(p, column), hit));
    return Guard(column, hit + " IS NOT NULL", negated);
  }

  std::vector<std::string> joins_;

  // DATE_EXTRACT takes java.time ChronoField names; the ISO week is not one of them.
  // https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-functions-operators.html#esql-date_extract
  std::string TimePartTests(const Predicate& p, const std::string& field, bool negated) {
    static const char* kParts[] = {"", "minute_of_hour", "hour_of_day", "day_of_month",
                                   "", "month_of_year",  "year"};
    const char* part = kParts[static_cast<int>(p.part)];
    if (*part == '\0') return Fail(p, "the week modifier (DATE_EXTRACT has no ISO week number)");
    static const char* kOps[] = {"==", "", "", "", "", "", "", "", "", "<", "<=", ">", ">="};
    const char* op = kOps[static_cast<int>(p.op)];
    if (*op == '\0') return Fail(p, "a time-part modifier with a text comparison");
    return Each(p, field, negated, [&](const Value& v) {
      return text::Cat(
          {"DATE_EXTRACT(\"", part, "\", TO_DATETIME(", field, ")) ", op, " ", v.text});
    });
  }

  // LIKE's `*` and `?` are wildcards and `\` escapes them; the string quoting comes on top.
  // https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-functions-operators.html#esql-like-operator
  static std::string LikePattern(const Predicate& p, const Value& v, bool lower) {
    std::string out = (p.op == Op::kContains || p.op == Op::kEndsWith) ? "*" : "";
    for (const auto& piece : v.pattern.pieces) {
      if (piece.kind == Piece::Kind::kLiteral) {
        for (char c : lower ? text::AsciiLower(piece.text) : piece.text) {
          if (c == '*' || c == '?' || c == '\\') out += '\\';
          out += c;
        }
      } else {
        out += piece.kind == Piece::Kind::kAnyChars ? "*" : "?";
      }
    }
    if (p.op == Op::kContains || p.op == Op::kStartsWith) out += "*";
    return out;
  }

  // Text tests on an address column (ECS `ip` type, declared under `types`) read its text form.
  std::string TextSubject(const Predicate& p, const std::string& field) const {
    return FieldType(p.field) == "ip" ? text::Cat({"TO_STRING(", field, ")"}) : field;
  }

  // Case-insensitive text compares TO_LOWER(field) with the ASCII-lowered literal; letters
  // outside ASCII (whose lowercase the backend does not compute) go through RLIKE with [aA]
  // classes.
  std::string StringTests(const Predicate& p, const std::string& column, bool negated) {
    if (auto numbers = NumericTextOnNumberColumn(p, column, negated)) return *numbers;
    if (auto join = LookupJoin(p, column, negated)) return *join;
    const std::string field = TextSubject(p, column);
    std::vector<std::string> parts;
    std::vector<std::string> equal_values;
    // Values without letters need no folding, so the field is compared as it is.
    bool fold = false;
    for (const auto& v : p.values) {
      std::string literal = v.pattern.Literal();
      fold = fold || (!p.cased && std::any_of(literal.begin(), literal.end(), [](char c) {
               return std::isalpha(static_cast<unsigned char>(c));
             }));
    }
    for (const auto& v : p.values) {
      std::string literal = v.pattern.Literal();
      bool fold_by_regex = !p.cased && HasNonAsciiCasedLetter(literal);
      if (fold_by_regex || text::HasControlCharacter(literal)) {
        bool leading = p.op == Op::kContains || p.op == Op::kEndsWith;
        bool trailing = p.op == Op::kContains || p.op == Op::kStartsWith;
        std::string regex = LucenePatternRegex(v.pattern, leading, trailing, !p.cased);
        if (auto why = ElasticRegexTooLong(regex)) return Fail(p, *why);
        parts.push_back(text::Cat({field, " RLIKE ", Quote(regex)}));
        continue;
      }
      std::string subject = fold ? text::Cat({"TO_LOWER(", field, ")"}) : field;
      if (p.op == Op::kEq && v.pattern.IsPlain()) {
        equal_values.push_back(Quote(fold ? text::AsciiLower(literal) : literal));
        continue;
      }
      parts.push_back(text::Cat({subject, " LIKE ", Quote(LikePattern(p, v, fold))}));
    }
    std::string subject = fold ? text::Cat({"TO_LOWER(", field, ")"}) : field;
    if (equal_values.size() > 1 && !p.all_of) {
      std::string list;
      for (size_t i = 0; i < equal_values.size(); ++i) list += (i ? ", " : "") + equal_values[i];
      parts.insert(parts.begin(), text::Cat({subject, " IN (", list, ")"}));
    } else {
      for (size_t i = 0; i < equal_values.size(); ++i) {
        parts.insert(parts.begin() + static_cast<long>(i),
                     text::Cat({subject, " == ", equal_values[i]}));
      }
    }
    for (auto& part : parts) part = Guard(column, part, negated);
    return Join(parts, p.all_of);
  }
};

// Sigma correlations as STATS over BUCKET(@timestamp, span); several rules read one FROM with a
// 0/1 flag per rule, so an event that matches two rules counts for both.
// https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-commands.html#esql-stats-by
class EsqlCorrelation : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const ir::CorrelationKind type = spec_.kind;
    const bool temporal =
        type == ir::CorrelationKind::kTemporal || type == ir::CorrelationKind::kTemporalOrdered;
    std::vector<std::string> conditions;
    std::set<std::string> indices;
    std::vector<std::string> joins;
    for (const auto& source : ctx_.sources) {
      EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
      EsqlEmitter emitter(ec);
      auto condition = emitter.Condition(source.rule->condition);
      if (!condition) return std::nullopt;
      conditions.push_back(*condition);
      indices.insert(EsqlEmitter::Source(*source.rule));
      joins.insert(joins.end(), emitter.joins().begin(), emitter.joins().end());
    }
    std::string from = "FROM ";
    for (const auto& index : indices) from += (from.size() > 5 ? "," : "") + index;
    from = EsqlEmitter::WithJoins(from, joins);
    const std::string time = ctx_.mapping.Option("time_field", "@timestamp");
    std::string by = text::Cat({"refract_bucket = BUCKET(", Field(time), ", ",
                                SpanLiteral(spec_.window.span_seconds), ")"});
    if (!temporal && ctx_.sources.size() == 1) {
      std::string query = from;
      if (ctx_.sources[0].rule->condition.kind != ir::Expr::Kind::kTrue) {
        query += "\n| WHERE " + conditions[0];
      }
      for (const auto& g : ctx_.sources[0].group_fields) by += ", " + Field(g);
      std::string value = Field(ctx_.sources[0].value_field);
      std::string measure;
      if (type == ir::CorrelationKind::kEventCount) {
        measure = "COUNT(*)";
      } else if (type == ir::CorrelationKind::kValueCount) {
        // HyperLogLog++: exact below the precision threshold (40000 is the maximum).
        measure = text::Cat({"COUNT_DISTINCT(", value, ", 40000)"});
        ctx_.Approximates("COUNT_DISTINCT() is exact only below 40000 distinct values");
      } else if (type == ir::CorrelationKind::kValueSum) {
        measure = text::Cat({"SUM(", value, ")"});
      } else if (type == ir::CorrelationKind::kValueAvg) {
        measure = text::Cat({"AVG(", value, ")"});
      } else {
        measure = text::Cat({"PERCENTILE(", value, ", ", spec_.percentile, ")"});
        ctx_.Approximates("PERCENTILE() is an estimate (TDigest)");
      }
      Buckets();
      return text::Cat({query, "\n| STATS ", ir::CorrelationKindName(type), " = ", measure, " BY ",
                        by, "\n| WHERE ",
                        RenderBounds(std::string(ir::CorrelationKindName(type)), spec_.condition,
                                     " AND ", "==")});
    }
    // Several rules: one read, a flag (or a time) per rule, group keys taken from the rule that
    // matched.
    std::string any;
    for (size_t i = 0; i < conditions.size(); ++i) {
      any += (i ? " OR " : "") + text::Cat({"(", conditions[i], ")"});
    }
    std::string evals;
    for (size_t g = 0; g < spec_.group_by.size(); ++g) {
      bool same = std::all_of(ctx_.sources.begin(), ctx_.sources.end(), [&](const auto& s) {
        return s.group_fields[g] == ctx_.sources[0].group_fields[g];
      });
      if (same) {
        by += ", " + Field(ctx_.sources[0].group_fields[g]);
        continue;
      }
      std::string key = "CASE(";
      for (size_t i = 0; i < conditions.size(); ++i) {
        key += text::Cat(
            {conditions[i], ", TO_STRING(", Field(ctx_.sources[i].group_fields[g]), "), "});
      }
      key += "null)";
      evals += text::Cat({"\n| EVAL ", Alias(spec_.group_by[g]), " = ", key});
      by += ", " + Alias(spec_.group_by[g]);
    }
    if (type == ir::CorrelationKind::kTemporalOrdered)
      return Ordered(from, any, evals, conditions, by, time);
    if (!temporal) {
      ctx_.Unsupported(std::string(ir::CorrelationKindName(type)) +
                       " over several rules (one read cannot say which rule's value counts)");
      return std::nullopt;
    }
    std::string stats;
    std::string seen;
    for (size_t i = 0; i < conditions.size(); ++i) {
      evals += fmt::format("\n| EVAL refract_rule_{} = CASE({}, 1, 0)", i + 1, conditions[i]);
      stats +=
          fmt::format("{}refract_count_{} = SUM(refract_rule_{})", i ? ", " : "", i + 1, i + 1);
    }
    if (NeedsRuleCounts(ctx_)) {
      std::string where = RenderRuleTest(ctx_, kEsql, [](size_t i, long long n) {
        return fmt::format("refract_count_{} >= {}", i + 1, n);
      });
      if (where.empty()) return std::nullopt;
      Buckets();
      return text::Cat(
          {from, "\n| WHERE ", any, evals, "\n| STATS ", stats, " BY ", by, "\n| WHERE ", where});
    }
    for (size_t i = 0; i < conditions.size(); ++i) {
      seen += fmt::format("{}CASE(refract_count_{} > 0, 1, 0)", i ? " + " : "", i + 1);
    }
    Buckets();
    return text::Cat({from, "\n| WHERE ", any, evals, "\n| STATS ", stats, " BY ", by,
                      "\n| EVAL rule_count = ", seen, "\n| WHERE ",
                      RenderBounds("rule_count", spec_.condition, " AND ", "==")});
  }

 private:
  // Warns that the timespan became fixed buckets (once the query is certain).
  void Buckets() const {
    ctx_.ApproximatesWithBuckets("BUCKET(" + SpanLiteral(spec_.window.span_seconds) + ")");
  }

  // temporal_ordered over two rules: the first rule's earliest event before the second's latest,
  // in one bucket ("some a before some b" is exactly that).
  std::optional<std::string> Ordered(const std::string& from, const std::string& any,
                                     std::string evals, const std::vector<std::string>& conditions,
                                     const std::string& by, const std::string& time) {
    if (ctx_.sources.size() > 2) {
      // Each step needs the previous step's time on every event of the group, which only
      // INLINE STATS gives (Elasticsearch 9.2 on); refract does not emit it yet.
      // https://www.elastic.co/docs/reference/query-languages/esql/commands/inlinestats-by
      ctx_.Unsupported(
          "temporal_ordered over three or more rules (STATS collapses a group, so no step can "
          "take the earliest event after the previous rule's; INLINE STATS, Elasticsearch 9.2 "
          "on, could and is not emitted yet; the eql target orders any number of rules)");
      return std::nullopt;
    }
    if (!AsksForEveryRule(ctx_)) {
      ctx_.Unsupported("temporal_ordered other than all rules in order");
      return std::nullopt;
    }
    evals += text::Cat({"\n| EVAL refract_a = CASE(", conditions[0], ", ", Field(time), ", null)"});
    evals += text::Cat({"\n| EVAL refract_b = CASE(", conditions[1], ", ", Field(time), ", null)"});
    std::string stats = "refract_first = MIN(refract_a), refract_last = MAX(refract_b)";
    std::string where = "refract_first < refract_last";
    for (size_t i = 0; i < conditions.size(); ++i) {
      if (ctx_.sources[i].min_count <= 1) continue;
      evals += fmt::format("\n| EVAL refract_rule_{} = CASE({}, 1, 0)", i + 1, conditions[i]);
      stats += fmt::format(", refract_count_{} = SUM(refract_rule_{})", i + 1, i + 1);
      where += fmt::format(" AND refract_count_{} >= {}", i + 1, ctx_.sources[i].min_count);
    }
    Buckets();
    return text::Cat(
        {from, "\n| WHERE ", any, evals, "\n| STATS ", stats, " BY ", by, "\n| WHERE ", where});
  }

  static std::string Alias(const std::string& name) {
    std::string out = "refract_";
    for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
  }
};

// refract's aggregate extension: STATS with named measures over a lookback, a having
// condition, then derived columns.
// https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-functions-operators.html#esql-agg-functions
class EsqlAggregate : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const auto& source = ctx_.sources[0];
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
    EsqlEmitter emitter(ec);
    const std::string time = Field(ctx_.mapping.Option("time_field", "@timestamp"));
    std::string where = text::Cat({time, " > NOW() - ", SpanLiteral(spec_.window.span_seconds)});
    if (source.rule->condition.kind != ir::Expr::Kind::kTrue) {
      auto condition = emitter.Condition(source.rule->condition);
      if (!condition) return std::nullopt;
      where += " AND " + *condition;
    }
    std::string out = text::Cat({"FROM ", EsqlEmitter::Source(*source.rule), "\n| WHERE ", where});
    std::vector<std::string> measures;
    std::vector<std::string> slices;
    bool warned_distinct = false;
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      std::string field = Field(spec_.measures[i].field);
      std::string name = Field(m.name);
      std::string expr;
      if (m.kind == ir::MeasureKind::kCount && ctx_.MeasureFilter(i)) {
        auto filter = emitter.Condition(*ctx_.MeasureFilter(i));
        if (!filter) return std::nullopt;
        // A 0/1 flag summed: CASE treats a null test as false.
        out += fmt::format("\n| EVAL refract_m{} = CASE({}, 1, 0)", i + 1, *filter);
        expr = fmt::format("SUM(refract_m{})", i + 1);
      } else if (m.kind == ir::MeasureKind::kCount) {
        expr = "COUNT(*)";
      } else if (m.kind == ir::MeasureKind::kDistinct) {
        if (ctx_.MeasureFilter(i)) {
          // The values of some events: CASE without else is null elsewhere, which the count
          // skips.
          auto filter = emitter.Condition(*ctx_.MeasureFilter(i));
          if (!filter) return std::nullopt;
          out += fmt::format("\n| EVAL refract_m{} = CASE({}, {})", i + 1, *filter, field);
          field = fmt::format("refract_m{}", i + 1);
        }
        expr = text::Cat({"COUNT_DISTINCT(", field, ", 40000)"});
        if (!warned_distinct) {
          ctx_.Approximates("COUNT_DISTINCT() is exact only below 40000 distinct values");
          warned_distinct = true;
        }
      } else if (m.kind == ir::MeasureKind::kValues) {
        expr = text::Cat({"VALUES(", field, ")"});
        if (!m.limit.empty()) {
          slices.push_back(
              fmt::format("{} = MV_SLICE({}, 0, {})", name, name, std::stoll(m.limit) - 1));
        }
      } else {
        std::string fn(ir::MeasureKindName(m.kind));
        for (auto& c : fn) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        if (ctx_.MeasureFilter(i)) {
          // A conditional min or max: CASE with no else is null where the selection does not
          // hold, and MIN and MAX skip nulls.
          // https://www.elastic.co/docs/reference/query-languages/esql/functions-operators/conditional-functions-and-expressions
          auto filter = emitter.Condition(*ctx_.MeasureFilter(i));
          if (!filter) return std::nullopt;
          out += fmt::format("\n| EVAL refract_m{} = CASE({}, {})", i + 1, *filter, field);
          field = fmt::format("refract_m{}", i + 1);
        }
        expr = text::Cat({fn, "(", field, ")"});
      }
      measures.push_back(text::Cat({name, " = ", expr}));
    }
    std::string by;
    for (size_t g = 0; g < spec_.group_by.size(); ++g) {
      const std::string& field = source.group_fields[g];
      const std::string& name = spec_.group_by[g];
      by += (by.empty() ? "" : ", ") +
            (field == name ? Field(field) : text::Cat({Field(name), " = ", Field(field)}));
    }
    if (spec_.window.bucket_seconds > 0) {
      by += (by.empty() ? "" : ", ") + text::Cat({"refract_bucket = BUCKET(", time, ", ",
                                                  SpanLiteral(spec_.window.bucket_seconds), ")"});
      ctx_.ApproximatesWithBuckets(
          text::Cat({"BUCKET(", SpanLiteral(spec_.window.bucket_seconds), ")"}));
    }
    out += "\n| STATS ";
    for (size_t i = 0; i < measures.size(); ++i) out += (i ? ", " : "") + measures[i];
    if (!by.empty()) out += " BY " + by;
    if (!slices.empty()) {
      out += "\n| EVAL ";
      for (size_t i = 0; i < slices.size(); ++i) out += (i ? ", " : "") + slices[i];
    }
    if (spec_.test) out += "\n| WHERE " + Test(*spec_.test);
    std::string columns;
    for (const auto& column : spec_.columns) {
      std::string value =
          ColumnValue(column, {"CASE(", "{test}, {value}, ", "{value})", ""}, Test, Literal);
      columns += (columns.empty() ? "" : ", ") + text::Cat({Field(column.name), " = ", value});
    }
    if (!columns.empty()) out += "\n| EVAL " + columns;
    return EsqlEmitter::WithJoins(out, emitter.joins());
  }

 private:
  static std::string Literal(const std::string& text) {
    return IsNumberText(text) ? text : Quote(text);
  }

  static std::string Test(const ir::CorrelationTest& t) {
    return RenderMeasureTest(t, kEsql, [](const std::string& name) { return Field(name); });
  }
};

}  // namespace

// A union's signal ends with EVAL (renames; null for a column it lacks), KEEP and SORT.
// https://www.elastic.co/guide/en/elasticsearch/reference/current/esql-commands.html
const UnionColumnSyntax kEsqlUnionColumns{"\n| EVAL {name} = {value}",
                                          "null",
                                          "\n| KEEP {columns}",
                                          "\n| SORT {keys}",
                                          "{name} ASC",
                                          "{name} DESC",
                                          Field};

const Backend& EsqlBackend() {
  static const AssembledBackend<EsqlEmitter, EsqlCorrelation, EsqlAggregate, PerSignalUnion>
      kBackend(
          {"esql", "Elastic (ES|QL piped queries, ECS fields; counts and distinct counts)", "esql"},
          {"", "", "",
           "the consecutive extension (ES|QL has no window function: no row reads the previous row "
           "of its group)"},
          &kEsqlUnionColumns);
  return kBackend;
}

}  // namespace refract
