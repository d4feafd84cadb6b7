// EQL for Elastic Security: `<category> where <condition>` on ECS field names.
// Syntax and operators:
// https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html
#include <fmt/format.h>

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

// EQL's precedence is not documented, so every nested junction and negation is parenthesised.
// Strings are double-quoted; \" \\ \n \r \t and \u{XXXX} are the escapes. A comparison with a
// missing field is null, and `not null` is not true: a negated test keeps events without the
// field through a guard.
const Dialect kEql{{" and ", " or ", "not (", ")", "true", "false"},
                   {'"', false, true, true, "\\u{{{:04X}}}"},
                   "(?{0} != null and {1})"};

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

bool HasWildcardChar(const ir::Pattern& pattern) {
  for (const auto& piece : pattern.pieces) {
    if (piece.kind == Piece::Kind::kLiteral &&
        piece.text.find_first_of("*?") != std::string::npos) {
      return true;
    }
  }
  return false;
}

class EqlGenerator : public TextGenerator {
 public:
  explicit EqlGenerator(const EmitContext& ctx) : TextGenerator(ctx, kEql) {}

  std::optional<std::string> Run() {
    std::string category = ctx_.rule.source.empty() ? "any" : ctx_.rule.source;
    auto where = Condition(ctx_.rule.condition);
    if (!where) return std::nullopt;
    return category + " where " + *where;
  }

 protected:
  std::string FieldName(const std::string& field) const override { return Field(field); }

  std::string Keyword(const Predicate& p, bool) override {
    return Fail(p, "a keyword search (EQL matches fields, it has no full-text search)");
  }

  std::string Null(const Predicate&, const std::string& field) override {
    return text::Cat({"?", field, " == null"});
  }

  std::string Exists(const Predicate&, const std::string& field, bool exists) override {
    return text::Cat({"?", field, " ", exists ? "!=" : "==", " null"});
  }

  // https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-function-ref.html
  std::string Cidr(const Predicate& p, const std::string& field, bool negated) override {
    if (p.all_of) {
      return Each(p, field, negated, [&](const Value& v) {
        return text::Cat({"cidrMatch(", field, ", ", Quote(v.text), ")"});
      });
    }
    std::string list;
    for (const auto& v : p.values) list += ", " + Quote(v.text);
    return Guard(field, text::Cat({"cidrMatch(", field, list, ")"}), negated);
  }

  std::string RegexValue(const Predicate& p, const std::string& field,
                         const ir::Regex& regex) override {
    std::string construct;
    auto text = ir::EmitWholeMatch(regex, EqlRegexFlavor(), &construct);
    if (!text) {
      return Fail(p, "the regex construct " + construct + " (EQL uses Lucene regular expressions)");
    }
    if (auto why = ElasticRegexTooLong(*text)) return Fail(p, *why);
    return text::Cat({field, " ", regex.ignore_case ? "regex~" : "regex", " ", Quote(*text)});
  }

  // The values of a predicate are compared as the first one's kind.
  std::string Values(const Predicate& p, const std::string& field, bool negated) override {
    if (p.values[0].kind == Value::Kind::kField) {
      return Fail(p, "a comparison of two fields (fieldref): EQL compares fields with values only");
    }
    if (p.values[0].kind != Value::Kind::kNumber && p.values[0].kind != Value::Kind::kBool) {
      return StringTests(p, field, negated);
    }
    std::vector<std::string> parts;
    bool keyword = FieldType(p.field) == "keyword";
    for (const auto& v : p.values) {
      // ECS keyword fields (event.code, winlog.event_id) hold numbers as text.
      parts.push_back(keyword ? Quote(v.text) : v.text);
    }
    if (parts.size() > 1 && !p.all_of) {
      std::string list;
      for (size_t i = 0; i < parts.size(); ++i) list += (i ? ", " : "") + parts[i];
      return Guard(field, text::Cat({field, " in (", list, ")"}), negated);
    }
    for (auto& part : parts) part = Guard(field, text::Cat({field, " == ", part}), negated);
    return Join(parts, p.all_of);
  }

 private:
  static const ir::RegexFlavor& EqlRegexFlavor() {
    static const ir::RegexFlavor kFlavor = [] {
      ir::RegexFlavor f = LuceneRegexFlavor();
      f.fold_case = false;           // regex~ is case-insensitive itself
      f.backslash_literal = "\\\\";  // no `/` delimiter to keep away from
      f.literal_metachars = "\\.?+*|{}[]()\"#@&<>~";
      return f;
    }();
    return kFlavor;
  }

  // `:` is case-insensitive and expands * and ? (a list form exists); `like` is its
  // case-sensitive twin; a literal * or ? in the value needs a regex instead.
  std::string StringTests(const Predicate& p, const std::string& field, bool negated) {
    std::vector<std::string> wildcard_values;
    std::vector<std::string> regex_tests;
    for (const auto& v : p.values) {
      bool leading = p.op == Op::kContains || p.op == Op::kEndsWith;
      bool trailing = p.op == Op::kContains || p.op == Op::kStartsWith;
      if (HasWildcardChar(v.pattern)) {
        std::string regex = LucenePatternRegex(v.pattern, leading, trailing, false);
        if (auto why = ElasticRegexTooLong(regex)) return Fail(p, *why);
        // The Lucene escapes are for the engine; the string quoting comes on top.
        regex_tests.push_back(
            text::Cat({field, " ", p.cased ? "regex" : "regex~", " ", Quote(regex)}));
        continue;
      }
      std::string text = leading ? "*" : "";
      for (const auto& piece : v.pattern.pieces) {
        text += piece.kind == Piece::Kind::kLiteral    ? piece.text
                : piece.kind == Piece::Kind::kAnyChars ? "*"
                                                       : "?";
      }
      if (trailing) text += "*";
      wildcard_values.push_back(Quote(text));
    }
    const bool plain_eq = p.op == Op::kEq;
    const char* op = p.cased ? (plain_eq ? "==" : "like") : ":";
    std::vector<std::string> parts;
    if (!wildcard_values.empty()) {
      if (p.all_of || wildcard_values.size() == 1) {
        for (const auto& w : wildcard_values) parts.push_back(text::Cat({field, " ", op, " ", w}));
      } else {
        std::string list;
        for (size_t i = 0; i < wildcard_values.size(); ++i) {
          list += (i ? ", " : "") + wildcard_values[i];
        }
        const char* list_op = p.cased ? (plain_eq ? "in" : "like") : ":";
        parts.push_back(text::Cat({field, " ", list_op, " (", list, ")"}));
      }
    }
    parts.insert(parts.end(), regex_tests.begin(), regex_tests.end());
    for (auto& part : parts) part = Guard(field, part, negated);
    return Join(parts, p.all_of);
  }
};

// Sigma correlations as EQL sequences: `with maxspan` bounds the time between the first and last
// event (no fixed buckets), `by` joins on the group-by fields, `with runs=N` repeats one query.
// EQL has no aggregations, so counting distinct values, sums and averages are not expressible.
// https://www.elastic.co/guide/en/elasticsearch/reference/current/eql-syntax.html#eql-sequences
class EqlCorrelation : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const ir::CorrelationKind type = spec_.kind;
    // An unordered `sample` would fit temporal, but samples read no timestamp, so nothing
    // bounds them by the timespan. https://www.elastic.co/docs/reference/query-languages/eql
    if (type == ir::CorrelationKind::kTemporal) {
      ctx_.Unsupported(
          "temporal (EQL sequences are ordered, and its unordered samples read no timestamp, so "
          "no timespan bounds them: the esql target counts)");
      return std::nullopt;
    }
    if (type != ir::CorrelationKind::kEventCount && type != ir::CorrelationKind::kTemporalOrdered) {
      ctx_.Unsupported(
          std::string(ir::CorrelationKindName(type)) +
          " (EQL has no aggregations, only ordered sequences: the esql target counts)");
      return std::nullopt;
    }
    int runs = 0;
    if (type == ir::CorrelationKind::kEventCount) {
      if (spec_.condition.size() != 1 || (spec_.condition[0].op != ir::CompareOp::kGte &&
                                          spec_.condition[0].op != ir::CompareOp::kGt)) {
        ctx_.Unsupported(
            "an event_count condition other than gte or gt (EQL sequences find at "
            "least N events)");
        return std::nullopt;
      }
      const long long least = ir::FewestEvents(spec_.condition[0].op, spec_.condition[0].value);
      if (least < 1 || least > 100) {
        ctx_.Unsupported("an event count outside 1..100 (the range of `with runs`)");
        return std::nullopt;
      }
      runs = static_cast<int>(least);
    } else if (spec_.condition.size() != 1 || spec_.condition[0].op != ir::CompareOp::kGte ||
               spec_.condition[0].value != std::to_string(ctx_.sources.size())) {
      ctx_.Unsupported("a temporal_ordered condition other than all rules in order");
      return std::nullopt;
    }
    std::string out =
        text::Cat({"sequence with maxspan=", CompactDuration(spec_.window.span_seconds)});
    if (type == ir::CorrelationKind::kEventCount && ctx_.sources.size() > 1) {
      return CountOfSeveral(out, runs);
    }
    for (const auto& source : ctx_.sources) {
      EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target};
      auto query = EqlGenerator(ec).Run();
      if (!query) return std::nullopt;
      std::string keys;
      for (size_t g = 0; g < source.group_fields.size(); ++g) {
        keys += (g ? ", " : "") + Field(source.group_fields[g]);
      }
      out += text::Cat({"\n  [", *query, "]", keys.empty() ? "" : " by " + keys});
      // A folded chained event_count repeats its rule's query N times.
      long long repeat = runs > 0 ? runs : source.min_count;
      if (repeat > 100) {
        ctx_.Unsupported("an event count over 100 (the range of `with runs`)");
        return std::nullopt;
      }
      if (repeat > 1) out += fmt::format(" with runs={}", repeat);
    }
    return out;
  }

 private:
  // event_count over several rules counts the events of any of them: one step whose query is
  // the rules' conditions joined by or, repeated `runs` times. The rules must read one event
  // category (`process where`) and the same group fields.
  std::optional<std::string> CountOfSeveral(std::string out, int runs) {
    std::string category;
    std::string conditions;
    for (const auto& source : ctx_.sources) {
      EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target};
      auto query = EqlGenerator(ec).Run();
      if (!query) return std::nullopt;
      size_t where = query->find(" where ");
      std::string prefix = query->substr(0, where);
      if (Refuses(where == std::string::npos || (!category.empty() && prefix != category) ||
                      !SourcesShareFields(ctx_),
                  "event_count over rules of different event categories or group fields (one "
                  "sequence step reads one query)")) {
        return std::nullopt;
      }
      category = prefix;
      conditions += (conditions.empty() ? "(" : " or (") + query->substr(where + 7) + ")";
    }
    out += text::Cat({"\n  [", category, " where ", conditions, "]"});
    if (!spec_.group_by.empty()) {
      out += " by " + JoinEach(ctx_.sources[0].group_fields, ", ", Field);
    }
    if (runs > 1) out += fmt::format(" with runs={}", runs);
    return out;
  }
};

}  // namespace

const Backend& EqlBackend() {
  static const AssembledBackend<EqlGenerator, EqlCorrelation, void, void> kBackend(
      {"eql", "Elastic Security (Event Query Language, ECS fields)", "eql"},
      {"", "the aggregate extension (EQL has no aggregations: the esql target counts)",
       "a union of several signals (it has no aggregate signals to compose)",
       "the consecutive extension (a sequence matches events in order but computes nothing "
       "from two of them)"});
  return kBackend;
}

}  // namespace refract
