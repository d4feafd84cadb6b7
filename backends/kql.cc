// KQL for Microsoft Sentinel and Defender XDR.
// Operator semantics: https://learn.microsoft.com/kusto/query/datatypes-string-operators
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

// KQL's regex engine is Rust's `regex` crate: no look-around, no backreferences.
// https://learn.microsoft.com/kusto/query/regex
const ir::RegexFlavor kRustFlavor{
    .name = "rust regex (KQL)",
    .named_group_prefix = "(?P<",
    // && -- ~~ are set operations inside classes
    .class_metachars = "\\]^-[&~",
    .dollar_is_text_end = true,
};

// String literals: "..." with backslash escapes; `and` binds tighter than `or`, nested
// junctions are parenthesised for the reader too.
// https://learn.microsoft.com/azure/kusto/query/scalar-data-types/string
const Dialect kKql{
    {" and ", " or ", "not(", ")", "true", "false"}, {'"', false, true, true, "\\u{:04x}"}, ""};

std::string Quote(std::string_view text) { return QuoteString(text, kKql.quote); }

// True when case-insensitive KQL operators compare `text` exactly as Sigma does: they fold
// ASCII only, so text with non-ASCII letters that have case needs a (?i) regex instead.
bool FoldsLikeAscii(std::string_view text) { return !HasNonAsciiCasedLetter(text); }

bool IsIdentifier(std::string_view s) {
  static const std::vector<std::string_view> kReserved = {
      "and",     "or",      "not",    "in",         "has",      "contains",  "where", "project",
      "extend",  "by",      "on",     "with",       "let",      "true",      "false", "null",
      "between", "matches", "regex",  "startswith", "endswith", "summarize", "as",    "of",
      "to",      "kind",    "typeof", "set",        "union"};
  if (!IsPlainName(s)) return false;
  for (auto r : kReserved) {
    if (s == r) return false;
  }
  return true;
}

// Entity names that are not plain identifiers are written ['name'].
// https://learn.microsoft.com/kusto/query/schema-entities/entity-names
std::string QuoteName(std::string_view name) {
  if (IsIdentifier(name)) return std::string(name);
  std::string out = "['";
  for (char c : name) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  return out + "']";
}

// Wildcard pattern to an anchored regex; `.` must match line breaks as `*` does in Sigma.
std::string WildcardRegex(const ir::Pattern& pattern, bool cased, bool anchored) {
  std::string out = cased ? "(?s)" : "(?is)";
  if (anchored) out += '^';
  for (const auto& piece : pattern.pieces) {
    switch (piece.kind) {
      case Piece::Kind::kLiteral:
        out += ir::RegexEscapeLiteral(piece.text, kRustFlavor);
        break;
      case Piece::Kind::kAnyChars:
        out += ".*";
        break;
      case Piece::Kind::kOneChar:
        out += '.';
        break;
    }
  }
  if (anchored) out += '$';
  return out;
}

// A field as a KQL column reference; dots navigate dynamic columns (LocationDetails.city).
std::string FieldPathFor(const std::string& field) {
  std::string out;
  size_t start = 0;
  while (true) {
    size_t dot = field.find('.', start);
    std::string segment = field.substr(start, dot == std::string::npos ? dot : dot - start);
    if (!out.empty()) out += '.';
    out += QuoteName(segment);
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return out;
}

bool IsNumericType(const std::string& type) {
  return type == "int" || type == "long" || type == "real" || type == "decimal";
}

// KQL's operators take a predicate's values in one test (`in~ (...)`, `has_any`), so it
// supplies Leaf whole.
class KqlEmitter : public TextGenerator {
 public:
  explicit KqlEmitter(const EmitContext& ctx) : TextGenerator(ctx, kKql) {}

  std::optional<std::string> Run() {
    std::string query = QuoteName(ctx_.rule.source);
    const Expr& condition = ctx_.rule.condition;
    if (condition.kind == Expr::Kind::kTrue) return query;
    auto where = Condition(condition);
    if (!where) return std::nullopt;
    return query + "\n| where " + *where;
  }

 protected:
  std::string Leaf(const Predicate& p, bool negated) override { return EmitPredicate(p, negated); }

 private:
  // A dotted Sigma field navigates a dynamic column: SigninLogs' LocationDetails.city.
  static std::string FieldPath(const std::string& field) { return FieldPathFor(field); }

  // The field as a string expression: paths and non-string columns go through tostring().
  std::string StringField(const std::string& field) const {
    std::string type = FieldType(field);
    bool path = field.find('.') != std::string::npos && !field.empty() && field[0] != '.';
    if (path || (!type.empty() && type != "string")) return "tostring(" + FieldPath(field) + ")";
    return FieldPath(field);
  }

  std::string Regex(const std::string& subject, const std::string& regex) const {
    return text::Cat({subject, " matches regex ", Quote(regex)});
  }

  std::string EmitString(const Predicate& p, const std::string& subject) {
    // Case-insensitive KQL operators fold ASCII only; other text goes through a (?i) regex,
    // which folds Unicode. https://learn.microsoft.com/kusto/query/datatypes-string-operators
    std::vector<std::string> parts;
    std::vector<std::string> plain_eq;
    const std::string cs = p.cased ? "_cs" : "";
    for (const auto& v : p.values) {
      const std::string literal = v.pattern.Literal();
      bool needs_regex = p.op == Op::kWildcard || (!p.cased && !FoldsLikeAscii(literal));
      if (needs_regex) {
        ir::Pattern pattern = v.pattern;
        if (p.op == Op::kContains || p.op == Op::kEndsWith) {
          pattern.pieces.insert(pattern.pieces.begin(), Piece{Piece::Kind::kAnyChars, ""});
        }
        if (p.op == Op::kContains || p.op == Op::kStartsWith) {
          pattern.AddWildcard(Piece::Kind::kAnyChars);
        }
        parts.push_back(Regex(subject, WildcardRegex(pattern, p.cased, true)));
        continue;
      }
      switch (p.op) {
        case Op::kEq:
          if (!p.all_of) {
            plain_eq.push_back(Quote(literal));
          } else {
            parts.push_back(text::Cat({subject, " ", p.cased ? "==" : "=~", " ", Quote(literal)}));
          }
          break;
        case Op::kContains:
          parts.push_back(text::Cat({subject, " contains", cs, " ", Quote(literal)}));
          break;
        case Op::kStartsWith:
          parts.push_back(text::Cat({subject, " startswith", cs, " ", Quote(literal)}));
          break;
        case Op::kEndsWith:
          parts.push_back(text::Cat({subject, " endswith", cs, " ", Quote(literal)}));
          break;
        default:
          break;
      }
    }
    if (plain_eq.size() == 1) {
      parts.insert(parts.begin(),
                   text::Cat({subject, " ", p.cased ? "==" : "=~", " ", plain_eq[0]}));
    } else if (plain_eq.size() > 1) {
      std::string list;
      for (size_t i = 0; i < plain_eq.size(); ++i) list += (i ? ", " : "") + plain_eq[i];
      parts.insert(parts.begin(),
                   text::Cat({subject, " ", p.cased ? "in" : "in~", " (", list, ")"}));
    }
    return Join(parts, p.all_of);
  }

  std::string EmitNumberEq(const Predicate& p) {
    std::string type = FieldType(p.field);
    std::vector<std::string> literals;
    for (const auto& v : p.values) literals.push_back(v.text);
    std::string subject = FieldPath(p.field);
    if (type == "string") {
      for (auto& l : literals) l = Quote(l);
    } else if (!IsNumericType(type)) {
      // Unknown column type: compare the text, which holds for numeric and string columns.
      subject = "tostring(" + subject + ")";
      for (auto& l : literals) l = Quote(l);
    }
    if (literals.size() == 1) return text::Cat({subject, " == ", literals[0]});
    std::string list;
    for (size_t i = 0; i < literals.size(); ++i) list += (i ? ", " : "") + literals[i];
    return text::Cat({subject, " in (", list, ")"});
  }

  // Sigma text such as '0x3e7' or '4' compared for equality with a numeric column means that
  // number; as text the comparison would be a type error, and as tostring() it never matches.
  std::optional<std::string> NumericTextOnNumberColumn(const Predicate& p) {
    if (p.op != Op::kEq || !IsNumericType(FieldType(p.field)) || p.values.empty() ||
        p.values[0].kind != Value::Kind::kString) {
      return std::nullopt;
    }
    std::vector<std::string> numbers;
    for (const auto& v : p.values) {
      const std::string text = v.pattern.Literal();
      if (!v.pattern.IsPlain() || text.empty()) return std::nullopt;
      bool hex = text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
      const std::string digits = hex ? text.substr(2) : text;
      if (digits.empty() || digits.size() > 15) return std::nullopt;
      for (char c : digits) {
        if (!(hex ? std::isxdigit(static_cast<unsigned char>(c))
                  : std::isdigit(static_cast<unsigned char>(c)))) {
          return std::nullopt;
        }
      }
      numbers.push_back(std::to_string(std::stoll(digits, nullptr, hex ? 16 : 10)));
    }
    std::string subject = FieldPath(p.field);
    if (numbers.size() == 1) return text::Cat({subject, " == ", numbers[0]});
    if (p.all_of) {
      std::vector<std::string> parts;
      for (const auto& n : numbers) parts.push_back(text::Cat({subject, " == ", n}));
      return Join(parts, true);
    }
    std::string list;
    for (size_t i = 0; i < numbers.size(); ++i) list += (i ? ", " : "") + numbers[i];
    return text::Cat({subject, " in (", list, ")"});
  }

  std::string EmitBoolEq(const Predicate& p) {
    std::string type = FieldType(p.field);
    const std::string& value = p.values[0].text;
    if (type == "bool") return text::Cat({FieldPath(p.field), " == ", value});
    return text::Cat({"tostring(", FieldPath(p.field), ") =~ ", Quote(value)});
  }

  std::string NumericSubject(const Predicate& p) {
    std::string type = FieldType(p.field);
    std::string path = FieldPath(p.field);
    if (p.part != ir::TimePart::kNone) {
      // https://learn.microsoft.com/kusto/query/datetime-part-function
      static const char* kParts[] = {"", "minute", "hour", "day", "week_of_year", "month", "year"};
      std::string time = type == "datetime" ? path : "todatetime(" + path + ")";
      return text::Cat({"datetime_part(\"", kParts[static_cast<int>(p.part)], "\", ", time, ")"});
    }
    return IsNumericType(type) ? path : "toreal(" + path + ")";
  }

  // Functions that return null on unparsable input must not turn `not` into "drop the row":
  // Sigma's `not` keeps events whose field does not match.
  static std::string GuardNull(std::string expr, bool negated) {
    return negated ? "coalesce(" + expr + ", false)" : expr;
  }

  std::string EmitCompare(const Predicate& p, bool negated) {
    static const char* kOps[] = {"==", "", "", "", "", "", "", "", "", "<", "<=", ">", ">="};
    std::vector<std::string> parts;
    std::string subject = NumericSubject(p);
    for (const auto& v : p.values) {
      parts.push_back(
          GuardNull(text::Cat({subject, " ", kOps[static_cast<int>(p.op)], " ", v.text}), negated));
    }
    return Join(parts, p.all_of);
  }

  std::string EmitCidr(const Predicate& p, bool negated) {
    // https://learn.microsoft.com/kusto/query/ipv4-is-in-any-range-function
    std::vector<std::string> v4;
    std::vector<std::string> v6;
    for (const auto& v : p.values) (v.ipv6 ? v6 : v4).push_back(Quote(v.text));
    std::string subject = StringField(p.field);
    std::vector<std::string> parts;
    auto add = [&](const std::vector<std::string>& networks, const char* family) {
      if (networks.empty()) return;
      if (p.all_of) {
        for (const auto& n : networks) {
          parts.push_back(
              GuardNull(text::Cat({family, "_is_in_range(", subject, ", ", n, ")"}), negated));
        }
        return;
      }
      std::string list;
      for (size_t i = 0; i < networks.size(); ++i) list += (i ? ", " : "") + networks[i];
      parts.push_back(GuardNull(
          networks.size() == 1 ? text::Cat({family, "_is_in_range(", subject, ", ", list, ")"})
                               : text::Cat({family, "_is_in_any_range(", subject, ", ", list, ")"}),
          negated));
    };
    add(v4, "ipv4");
    add(v6, "ipv6");
    return Join(parts, p.all_of);
  }

  std::string EmitRegexPredicate(const Predicate& p, const std::string& subject) {
    std::vector<std::string> parts;
    for (const auto& v : p.values) {
      std::string construct;
      auto regex = ir::EmitRegex(*v.regex, kRustFlavor, &construct);
      if (!regex) {
        return Fail(
            p, text::Cat({"the regex construct ", construct, " (KQL uses the Rust regex engine)"}));
      }
      parts.push_back(Regex(subject, *regex));
    }
    return Join(parts, p.all_of);
  }

  std::string EmitFieldRef(const Predicate& p) {
    std::vector<std::string> parts;
    const std::string cs = p.cased ? "_cs" : "";
    std::string subject = StringField(p.field);
    for (const auto& v : p.values) {
      std::string other = StringField(v.text);
      switch (p.op) {
        case Op::kEq:
          parts.push_back(text::Cat({subject, " ", p.cased ? "==" : "=~", " ", other}));
          break;
        case Op::kContains:
          parts.push_back(text::Cat({subject, " contains", cs, " ", other}));
          break;
        case Op::kStartsWith:
          parts.push_back(text::Cat({subject, " startswith", cs, " ", other}));
          break;
        default:
          parts.push_back(text::Cat({subject, " endswith", cs, " ", other}));
          break;
      }
    }
    return Join(parts, p.all_of);
  }

  // A predicate holding a whole |expand list, read from the Sentinel watchlist of that name
  // (alias) when lists are deployed: exact equality and networks, the tests a watchlist's
  // SearchKey column answers as the inline list would. nullopt: write the values inline.
  // https://learn.microsoft.com/azure/sentinel/watchlists-queries
  std::optional<std::string> EmitWatchlist(const Predicate& p, bool negated) {
    if (!TestsWholeList(p, ctx_.lookups)) return std::nullopt;
    std::string watchlist = text::Cat({"_GetWatchlist(", Quote(p.list), ")"});
    std::optional<std::string> out;
    if (p.op == Op::kCidr) {
      // One list may hold both families; each function reads the networks of its own, so the
      // list can gain IPv6 ranges after deployment.
      std::string subject = StringField(p.field);
      auto family = [&](const char* fn, const char* test) {
        return GuardNull(fmt::format("{}_is_in_any_range({}, toscalar({} | where SearchKey {} "
                                     "\":\" | summarize make_list(SearchKey)))",
                                     fn, subject, watchlist, test),
                         negated);
      };
      out = Join({family("ipv4", "!contains"), family("ipv6", "contains")}, false);
    } else if (p.op == Op::kEq) {
      bool digits = true;
      for (const auto& v : p.values) {
        if (v.kind != Value::Kind::kString || !v.pattern.IsPlain()) return std::nullopt;
        const std::string text = v.pattern.Literal();
        digits = digits && !text.empty() && text.size() <= 15 &&
                 std::all_of(text.begin(), text.end(),
                             [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
      }
      if (IsNumericType(FieldType(p.field))) {
        if (!digits) return std::nullopt;
        out =
            text::Cat({FieldPath(p.field), " in ((", watchlist, " | project tolong(SearchKey)))"});
      } else {
        out = text::Cat({StringField(p.field), " ", p.cased ? "in" : "in~", " ((", watchlist,
                         " | project SearchKey))"});
      }
    }
    if (out) ctx_.lookups->read->insert(p.list);
    return out;
  }

  std::string EmitPredicate(const Predicate& p, bool negated) {
    if (p.IsKeyword()) return EmitKeyword(p);
    if (auto watchlist = EmitWatchlist(p, negated)) return *watchlist;
    const Value& first = p.values.empty() ? Value{} : p.values[0];
    switch (p.op) {
      case Op::kNull:
        return text::Cat({"isempty(", FieldPath(p.field), ")"});
      case Op::kExists:
        return text::Cat(
            {first.text == "true" ? "isnotempty" : "isempty", "(", FieldPath(p.field), ")"});
      case Op::kLt:
      case Op::kLte:
      case Op::kGt:
      case Op::kGte:
        return EmitCompare(p, negated);
      case Op::kCidr:
        return EmitCidr(p, negated);
      case Op::kRegex:
        return EmitRegexPredicate(p, StringField(p.field));
      default:
        break;
    }
    if (first.kind == Value::Kind::kField) return EmitFieldRef(p);
    if (auto numeric = NumericTextOnNumberColumn(p)) return *numeric;
    if (p.part != ir::TimePart::kNone) return EmitCompare(p, negated);
    if (first.kind == Value::Kind::kNumber) return EmitNumberEq(p);
    if (first.kind == Value::Kind::kBool) return EmitBoolEq(p);
    return EmitString(p, StringField(p.field));
  }

  // Keywords search every column: `where * contains "x"`.
  std::string EmitKeyword(const Predicate& p) {
    if (p.op == Op::kRegex) return EmitRegexPredicate(p, "*");
    std::vector<std::string> parts;
    for (const auto& v : p.values) {
      std::string literal = v.pattern.Literal();
      if (p.op == Op::kContains && (p.cased || FoldsLikeAscii(literal))) {
        parts.push_back(text::Cat({"* contains", p.cased ? "_cs" : "", " ", Quote(literal)}));
        continue;
      }
      ir::Pattern pattern = v.pattern;
      if (p.op == Op::kContains) {
        pattern.pieces.insert(pattern.pieces.begin(), Piece{Piece::Kind::kAnyChars, ""});
        pattern.AddWildcard(Piece::Kind::kAnyChars);
      }
      parts.push_back(Regex("*", WildcardRegex(pattern, p.cased, true)));
    }
    return Join(parts, p.all_of);
  }
};

// A Sigma correlation's measure over the joined events. make_set keeps up to 1,048,576 distinct
// values: an exact count where dcount estimates. Values and count-if are the aggregate's own.
const MeasureSpelling kMeasures{"count()", "", "array_length(make_set({field}))",
                                "",        "", "{fn}(toreal({field}))"};

// Sigma's windows slide: a window ends at each event and reaches back the timespan. KQL has no
// sliding aggregate over time, so each window end is joined with its group's events within the
// timespan before it: the time-window join, where an end's key is its bin and an event's keys are
// its bin and the next, so every pair within the timespan meets on one key exactly once. Group
// columns are strings (tostring), because join keys may not be dynamic and null keys never meet.
// https://learn.microsoft.com/kusto/query/join-time-window
// https://learn.microsoft.com/kusto/query/join-operator, .../mv-expand-operator
class KqlCorrelation : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    time_ = ctx_.mapping.Option("time_field", "TimeGenerated");
    span_ = CompactDuration(spec_.window.span_seconds);
    std::vector<std::string> queries;
    for (const auto& source : ctx_.sources) {
      EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
      auto query = KqlEmitter(ec).Run();
      if (!query) return std::nullopt;
      queries.push_back(*query);
    }
    const bool temporal = spec_.IsTemporal();
    std::string body;
    groups_.clear();
    for (const auto& g : spec_.group_by) groups_.push_back(QuoteName(g));
    if (!temporal && ctx_.sources.size() == 1) {
      const auto& source = ctx_.sources[0];
      body = queries[0];
      std::string extend;
      for (size_t g = 0; g < groups_.size(); ++g) {
        extend += text::Cat(
            {g ? ", " : "", groups_[g], " = tostring(", FieldPathFor(source.group_fields[g]), ")"});
      }
      if (!source.value_field.empty()) {
        extend += text::Cat(
            {extend.empty() ? "" : ", ", "refract_value = ", FieldPathFor(source.value_field)});
      }
      if (!extend.empty()) body += "\n| extend " + extend;
    } else {
      body = "union\n";
      for (size_t i = 0; i < ctx_.sources.size(); ++i) {
        std::string extend =
            SourceLabels(ctx_, i,
                         {"{name} = {value}", ", ", Quote, QuoteName,
                          [](const std::string& f) { return "tostring(" + f + ")"; },
                          [](const std::string& f) { return f; }});
        std::string indented = ReplaceAll(queries[i], "\n", "\n    ");
        body += text::Cat({"    (", indented, "\n    | extend ", extend, ")",
                           i + 1 < ctx_.sources.size() ? "," : "", "\n"});
      }
      while (!body.empty() && body.back() == '\n') body.pop_back();
    }
    std::string measure;
    std::string variable;
    if (auto kind = CorrelationMeasure(spec_.kind)) {
      variable = ir::CorrelationKindName(spec_.kind);
      measure = SpellMeasure(kMeasures, {*kind, false, "refract_value", variable, "", ""});
    } else if (spec_.kind == ir::CorrelationKind::kValuePercentile) {
      return NearestRank(body);
    } else if (spec_.kind == ir::CorrelationKind::kTemporal) {
      if (NeedsRuleCounts(ctx_)) return EveryRuleCounted(body);
      variable = "rule_count";
      measure = SpellMeasure(kMeasures,
                             {ir::MeasureKind::kDistinct, false, "refract_rule", variable, "", ""});
    } else {
      return Ordered(body);
    }
    std::string where = RenderBounds(variable, spec_.condition, " and ", "==");
    return text::Cat({WindowJoin(body, "", "", temporal ? ", refract_rule" : "", false),
                      "\n| summarize ", variable, " = ", measure, " by ", EndKeys(), "\n| where ",
                      where});
  }

 private:
  // `let refract_events = BODY;` then each window end (the events of `end_rule`, or all) joined
  // with the events (of `event_rule`, or all) within the timespan before it; `carry` names
  // more columns of the joined events. `strict`: the events strictly before the end.
  std::string WindowJoin(const std::string& body, const std::string& end_rule,
                         const std::string& event_rule, const std::string& carry,
                         bool strict) const {
    auto only = [](const std::string& rule) {
      return rule.empty() ? std::string() : "\n| where refract_rule == " + Quote(rule);
    };
    std::string columns;
    for (const auto& g : groups_) columns += ", " + g;
    std::string events_value = spec_.IsTemporal() ? "" : ValueColumn();
    return fmt::format(
        "let refract_events = {body};\nrefract_events{end_only}\n| distinct {time}{columns}\n"
        "| extend refract_key = bin({time}, {span})\n| join kind=inner (refract_events{ev_only}\n"
        "    | project refract_t = {time}{columns}{value}{carry}\n"
        "    | extend refract_key = range(bin(refract_t, {span}), bin(refract_t, {span}) + {span}, "
        "{span})\n    | mv-expand refract_key to typeof(datetime)) on refract_key{columns}\n"
        "| where refract_t between (({time} - {span}) .. {time}){strict}",
        fmt::arg("body", body), fmt::arg("end_only", only(end_rule)), fmt::arg("time", time_),
        fmt::arg("columns", columns), fmt::arg("span", span_),
        fmt::arg("ev_only", ReplaceAll(only(event_rule), "\n", "\n    ")),
        fmt::arg("value", events_value), fmt::arg("carry", carry),
        fmt::arg("strict", strict ? fmt::format(" and refract_t < {}", time_) : ""));
  }
  std::string ValueColumn() const {
    bool value = spec_.kind == ir::CorrelationKind::kValueCount ||
                 spec_.kind == ir::CorrelationKind::kValueSum ||
                 spec_.kind == ir::CorrelationKind::kValueAvg ||
                 spec_.kind == ir::CorrelationKind::kValuePercentile;
    return value ? ", refract_value" : "";
  }
  // The window's end and its group: the key of every alert.
  std::string EndKeys() const {
    std::string keys = time_;
    for (const auto& g : groups_) keys += ", " + g;
    return keys;
  }

  // value_percentile, exact where percentile() estimates: the nearest rank (the smallest value
  // with at least p% of the window's values at or below it) read from the sorted values, as
  // `refract hunt` computes it. make_list keeps up to 1,048,576 values and drops nulls (values
  // that are no number). https://learn.microsoft.com/kusto/query/make-list-aggregation-function
  std::optional<std::string> NearestRank(const std::string& body) {
    std::string where = RenderBounds("value_percentile", spec_.condition, " and ", "==");
    return fmt::format(
        "{}\n| summarize refract_values = make_list(toreal(refract_value)) by {}\n"
        "| where array_length(refract_values) > 0\n"
        "| extend value_percentile = todouble(array_sort_asc(refract_values)[max_of(toint("
        "ceiling({} / 100.0 * array_length(refract_values))) - 1, 0)])\n| where {}\n"
        "| project-away refract_values",
        WindowJoin(body, "", "", "", false), EndKeys(), spec_.percentile, where);
  }

  // temporal_ordered over two rules: at each event of the second rule, the first rule's events
  // strictly before it within the timespan.
  std::optional<std::string> Ordered(const std::string& body) {
    if (ctx_.sources.size() > 2) return OrderedChain(body);
    if (!AsksForEveryRule(ctx_)) {
      ctx_.Unsupported("a temporal_ordered condition other than all rules in order");
      return std::nullopt;
    }
    std::string counts;
    std::string thresholds;
    if (ctx_.sources[0].min_count > 1) {
      counts = ", refract_count1 = count()";
      thresholds = fmt::format("\n| where refract_count1 >= {}", ctx_.sources[0].min_count);
    }
    if (ctx_.sources[1].min_count > 1) {
      ctx_.Unsupported("a temporal_ordered whose last rule is a chained event_count");
      return std::nullopt;
    }
    return text::Cat({WindowJoin(body, ctx_.sources[1].label, ctx_.sources[0].label, "", true),
                      "\n| summarize refract_first = min(refract_t)", counts, " by ", EndKeys(),
                      thresholds, "\n| extend refract_last = ", time_});
  }

  // temporal_ordered over three or more rules: from each event of the first rule, the earliest
  // event of each next rule after the previous step and within the timespan of the start, step
  // by step. Taking the earliest at each step finds an ordered chain whenever one exists, so the
  // order is exact. Each step is a time-window join on the start's bin: an event within the
  // timespan after a start has its start in its own bin or the one before.
  std::optional<std::string> OrderedChain(const std::string& body) {
    if (!AsksForEveryRule(ctx_) || HasThresholds(ctx_)) {
      ctx_.Unsupported(
          "a temporal_ordered over three or more rules with a condition other than all rules "
          "in order");
      return std::nullopt;
    }
    std::string columns;
    for (const auto& g : groups_) columns += ", " + g;
    std::string out = fmt::format(
        "let refract_events = {};\nrefract_events\n| where refract_rule == {}\n"
        "| project refract_first = {}{}\n| distinct refract_first{}\n"
        "| extend refract_prev = refract_first, refract_key = bin(refract_first, {})",
        body, Quote(ctx_.sources[0].label), time_, columns, columns, span_);
    for (size_t i = 1; i < ctx_.sources.size(); ++i) {
      out += fmt::format(
          "\n| join kind=inner (refract_events\n    | where refract_rule == {label}\n"
          "    | project refract_t = {time}{columns}\n"
          "    | extend refract_key = range(bin(refract_t, {span}) - {span}, bin(refract_t, "
          "{span}), {span})\n    | mv-expand refract_key to typeof(datetime)) on "
          "refract_key{columns}\n"
          "| where refract_t > refract_prev and refract_t <= refract_first + {span}\n"
          "| summarize refract_prev = min(refract_t) by refract_first, refract_key{columns}",
          fmt::arg("label", Quote(ctx_.sources[i].label)), fmt::arg("time", time_),
          fmt::arg("columns", columns), fmt::arg("span", span_));
    }
    return out + text::Cat({"\n| project refract_first, refract_last = refract_prev", columns});
  }

  // temporal with per-rule counts (an extended condition or a folded chain): each rule's events
  // in the window, tested against its own threshold (1 for a plain rule).
  std::optional<std::string> EveryRuleCounted(const std::string& body) {
    std::string test = RenderRuleTest(
        ctx_, {" and ", " or ", "not(", ")", "true", "false"},
        [](size_t i, long long n) { return fmt::format("refract_count{} >= {}", i + 1, n); });
    if (test.empty()) return std::nullopt;
    std::string counts;
    for (size_t i = 0; i < ctx_.sources.size(); ++i) {
      counts += fmt::format("{}refract_count{} = countif(refract_rule == {})", i ? ", " : "", i + 1,
                            Quote(ctx_.sources[i].label));
    }
    return text::Cat({WindowJoin(body, "", "", ", refract_rule", false), "\n| summarize ", counts,
                      " by ", EndKeys(), "\n| where ", test});
  }

  std::string time_;
  std::string span_;
  std::vector<std::string> groups_;
};

// A test over measures and columns: `FailureCount >= 5 and FirstFailure < LastSuccess`.
std::string KqlMeasureTest(const ir::CorrelationTest& t) {
  return RenderMeasureTest(t, {" and ", " or ", "not(", ")", "true", "false"}, QuoteName);
}

// The having-condition and the derived columns that end an aggregate or consecutive query.
std::string KqlTestAndColumns(const ir::Correlation& spec) {
  auto literal = [](const std::string& text) { return IsNumberText(text) ? text : Quote(text); };
  std::string out;
  if (spec.test) out += "\n| where " + KqlMeasureTest(*spec.test);
  std::string extend;
  for (const auto& column : spec.columns) {
    std::string value = ColumnValue(column, {"case(", "{test}, {value}, ", "{value})", ""},
                                    KqlMeasureTest, literal);
    extend += (extend.empty() ? "" : ", ") + text::Cat({QuoteName(column.name), " = ", value});
  }
  if (!extend.empty()) out += "\n| extend " + extend;
  return out;
}

// The events of the first source over the lookback: its table, the time window, its condition.
// The timespan is a lookback, as a scheduled rule's query period.
std::optional<std::string> KqlLookbackEvents(const CorrelationContext& ctx,
                                             const std::string& time) {
  const auto& source = ctx.sources[0];
  std::string query = QuoteName(source.rule->source) +
                      text::Cat({"\n| where ", time, " > ago(",
                                 CompactDuration(ctx.spec.window.span_seconds), ")"});
  if (source.rule->condition.kind == Expr::Kind::kTrue) return query;
  EmitContext ec{*source.rule, ctx.mapping, ctx.diagnostics, ctx.target, ctx.lookups};
  auto where = KqlEmitter(ec).Condition(source.rule->condition);
  if (!where) return std::nullopt;
  return query + "\n| where " + *where;
}

// refract's aggregate extension: one summarize with named measures over a lookback, a having
// condition, then derived columns.
class KqlAggregate : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const auto& source = ctx_.sources[0];
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
    KqlEmitter emitter(ec);
    const std::string time = ctx_.mapping.Option("time_field", "TimeGenerated");
    auto events = KqlLookbackEvents(ctx_, time);
    if (!events) return std::nullopt;
    std::string query = *events;
    std::vector<std::string> measures;
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      const std::string& field = spec_.measures[i].field;
      std::string expr;
      if (m.kind == ir::MeasureKind::kCount) {
        if (ctx_.MeasureFilter(i)) {
          auto filter = emitter.Condition(*ctx_.MeasureFilter(i));
          if (!filter) return std::nullopt;
          expr = text::Cat({"countif(", *filter, ")"});
        } else {
          expr = "count()";
        }
      } else if (m.kind == ir::MeasureKind::kDistinct && ctx_.MeasureFilter(i)) {
        // The values of some events:
        // https://learn.microsoft.com/kusto/query/make-set-if-aggregation-function
        auto filter = emitter.Condition(*ctx_.MeasureFilter(i));
        if (!filter) return std::nullopt;
        expr = text::Cat({"array_length(make_set_if(", field, ", ", *filter, "))"});
      } else if (m.kind == ir::MeasureKind::kDistinct) {
        // make_set keeps up to 1,048,576 values: an exact count where dcount() estimates.
        expr = text::Cat({"array_length(make_set(", field, "))"});
      } else if (m.kind == ir::MeasureKind::kValues) {
        expr = m.limit.empty() ? text::Cat({"make_set(", field, ")"})
                               : text::Cat({"make_set(", field, ", ", m.limit, ")"});
      } else if (ctx_.MeasureFilter(i)) {
        // A conditional min or max:
        // https://learn.microsoft.com/kusto/query/minif-aggregation-function
        auto filter = emitter.Condition(*ctx_.MeasureFilter(i));
        if (!filter) return std::nullopt;
        expr = text::Cat({ir::MeasureKindName(m.kind), "if(", field, ", ", *filter, ")"});
      } else {
        expr = text::Cat({ir::MeasureKindName(m.kind), "(", field, ")"});
      }
      measures.push_back(text::Cat({QuoteName(m.name), " = ", expr}));
    }
    // Group columns carry the group-by names, so signals composed by a union share them.
    std::string by;
    for (size_t g = 0; g < spec_.group_by.size(); ++g) {
      const std::string& field = source.group_fields[g];
      const std::string& name = spec_.group_by[g];
      by += (by.empty() ? "" : ", ") +
            (field == name ? QuoteName(field)
                           : text::Cat({QuoteName(name), " = ", FieldPathFor(field)}));
    }
    if (spec_.window.bucket_seconds > 0) {
      by += (by.empty() ? "" : ", ") +
            text::Cat({"bin(", time, ", ", CompactDuration(spec_.window.bucket_seconds), ")"});
      ctx_.ApproximatesWithBuckets(
          text::Cat({"bin(", CompactDuration(spec_.window.bucket_seconds), ")"}));
    }
    query += "\n| summarize\n    ";
    for (size_t i = 0; i < measures.size(); ++i) query += (i ? ",\n    " : "") + measures[i];
    if (!by.empty()) query += "\n    by " + by;
    return query + KqlTestAndColumns(spec_);
  }
};

// refract's consecutive: each event with the previous event of its group. sort serializes the
// rows, so prev() reads the row before, which is the group's previous event where the group
// columns are equal; geo_distance_2points() measures in metres.
// https://learn.microsoft.com/kusto/query/prev-function,
// https://learn.microsoft.com/kusto/query/serialize-operator,
// https://learn.microsoft.com/kusto/query/geo-distance-2points-function
class KqlConsecutive : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const auto& source = ctx_.sources[0];
    const std::string time = FieldPathFor(ctx_.mapping.Option("time_field", "TimeGenerated"));
    const std::string span = CompactDuration(spec_.window.span_seconds);
    auto events = KqlLookbackEvents(ctx_, time);
    if (!events) return std::nullopt;
    std::string query = *events;
    // prev() reads a column, so the values it compares are columns first.
    std::vector<std::string> current, sort, previous, same;
    for (size_t g = 0; g < source.group_fields.size(); ++g) {
      std::string key = fmt::format("refract_k{}", g + 1);
      current.push_back(
          text::Cat({key, " = tostring(", FieldPathFor(source.group_fields[g]), ")"}));
      sort.push_back(key + " asc");
      previous.push_back(fmt::format("refract_prev_k{} = prev({})", g + 1, key));
      same.push_back(fmt::format("{} == refract_prev_k{}", key, g + 1));
    }
    sort.push_back(time + " asc");
    previous.push_back(text::Cat({"refract_time = prev(", time, ")"}));
    std::vector<std::string> measures;
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      PairMeasureText text{"", "", "", "", time, "refract_time", "", ""};
      auto column = [&](const std::string& name, const std::string& value) {
        current.push_back(fmt::format("{}{} = {}", name, i + 1, value));
        previous.push_back(
            fmt::format("refract_prev_{}{} = prev({}{})", name.substr(8), i + 1, name, i + 1));
        return std::make_pair(fmt::format("{}{}", name, i + 1),
                              fmt::format("refract_prev_{}{}", name.substr(8), i + 1));
      };
      if (!m.field2.empty()) {
        std::tie(text.lat, text.lat0) =
            column("refract_lat", text::Cat({"toreal(", FieldPathFor(m.field), ")"}));
        std::tie(text.lon, text.lon0) =
            column("refract_lon", text::Cat({"toreal(", FieldPathFor(m.field2), ")"}));
      } else if (!m.field.empty()) {
        std::tie(text.value, text.value0) =
            column("refract_v", text::Cat({"tostring(", FieldPathFor(m.field), ")"}));
      }
      measures.push_back(
          text::Cat({QuoteName(m.name), " = ", SpellPairMeasure(kPairs, m.kind, text)}));
    }
    query += "\n| extend " + JoinText(current, ", ");
    query += "\n| sort by " + JoinText(sort, ", ");
    query += "\n| extend " + JoinText(previous, ", ");
    same.push_back(text::Cat({time, " - refract_time <= ", span}));
    query += "\n| where " + JoinText(same, " and ");
    query += "\n| extend " + JoinText(measures, ", ");
    return query + KqlTestAndColumns(spec_) + "\n| project-away refract_*";
  }

 private:
  // A null coordinate makes the distance null, and a comparison with null is false.
  static constexpr PairMeasureSyntax kPairs{
      "geo_distance_2points({lon0}, {lat0}, {lon}, {lat}) / 1000.0",
      "({time} - {time0}) / 1h",
      "{distance} / max_of({hours}, {min_hours})",
      "iff({value} == {value0}, 0, 1)",
  };
};

// union of the signals' queries, then the shared columns and order.
// https://learn.microsoft.com/kusto/query/union-operator, .../project-operator, .../sort-operator
class KqlUnion : public CorrelationWriter {
 public:
  KqlUnion(const CorrelationContext& ctx, const std::vector<std::string>& parts)
      : CorrelationWriter(ctx), parts_(parts) {}

  std::optional<std::string> Run() {
    std::string out = "union\n";
    for (size_t i = 0; i < parts_.size(); ++i) {
      std::string indented = ReplaceAll(parts_[i], "\n", "\n    ");
      out += text::Cat({"    (", indented, ")", i + 1 < parts_.size() ? "," : "", "\n"});
    }
    while (!out.empty() && out.back() == '\n') out.pop_back();
    if (!spec_.project.empty()) {
      out += "\n| project";
      for (size_t i = 0; i < spec_.project.size(); ++i) {
        const auto& [name, from] = spec_.project[i];
        out +=
            (i ? ",\n    " : "\n    ") +
            (name == from ? QuoteName(name) : text::Cat({QuoteName(name), " = ", QuoteName(from)}));
      }
    }
    if (!spec_.sort.empty()) {
      out += "\n| sort by ";
      for (size_t i = 0; i < spec_.sort.size(); ++i) {
        out += (i ? ", " : "") + QuoteName(spec_.sort[i].first) +
               (spec_.sort[i].second ? " desc" : " asc");
      }
    }
    return out;
  }

 private:
  const std::vector<std::string>& parts_;
};

}  // namespace

const Backend& KqlBackend() {
  static const AssembledBackend<KqlEmitter, KqlCorrelation, KqlAggregate, KqlUnion, KqlConsecutive>
      kBackend({"kql", "Microsoft Sentinel / Defender XDR (Kusto Query Language)", "kql"},
               {"", "", "", ""});
  return kBackend;
}

}  // namespace refract
