// SPL for Splunk. What the search command can say exactly goes there (case-insensitive,
// `*` wildcards, CIDR); the rest goes to one `| where` eval expression with PCRE `match()`.
// Search semantics:
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/search-commands/search
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

// Splunk's regex engine is PCRE.
// https://help.splunk.com/splunk-enterprise/search/search-manual/9.0/expressions-and-predicates/spl-and-regular-expressions
const ir::RegexFlavor kPcre{
    .name = "pcre (SPL)",
    .lookaround = true,
    .backreferences = true,
    .atomic_groups = true,
    .possessive = true,
    .end_before_newline = true,
    .named_group_prefix = "(?<",
};

// The search command: OR binds tighter than AND, so every nested junction is parenthesised.
// https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.3/expressions-and-predicates
// Double-quoted strings; a backslash escapes `"` and itself.
// https://help.splunk.com/splunk-enterprise/search/search-manual/9.4/search-primer/backslashes
const Dialect kSearchDialect{
    {" ", " OR ", "NOT (", ")", "*", "NOT *"}, {'"', false, true, false, ""}, ""};
// In eval a null field makes the test null, and NOT null drops the event; Sigma's `not` keeps
// events without the field.
const Dialect kEvalDialect{{" AND ", " OR ", "NOT (", ")", "true()", "false()"},
                           {'"', false, true, false, ""},
                           "(isnotnull({0}) AND {1})"};
const BoolSyntax& kSearch = kSearchDialect.boolean;
const BoolSyntax& kEval = kEvalDialect.boolean;

std::string Quote(std::string_view text) { return QuoteString(text, kSearchDialect.quote); }

// Field names in eval expressions are single-quoted, so dots and dashes are safe.
std::string EvalField(const std::string& field) {
  return QuoteString(field, {'\'', false, true, false, ""});
}

std::string SearchField(const std::string& field) {
  return AllNameChars(field, ".{}") ? field : Quote(field);
}

// A search-command value for a pattern: `*` stays a wildcard; the search command has no
// single-character wildcard and cannot escape `*`, so such patterns go to `where`.
bool SearchablePattern(const ir::Pattern& pattern) {
  for (const auto& piece : pattern.pieces) {
    if (piece.kind == Piece::Kind::kOneChar) return false;
    if (piece.kind == Piece::Kind::kLiteral &&
        (piece.text.find('*') != std::string::npos || text::HasControlCharacter(piece.text))) {
      return false;
    }
  }
  return true;
}

std::string SearchPattern(const Predicate& p, const Value& v) {
  std::string text;
  if (p.op == Op::kContains || p.op == Op::kEndsWith) text += '*';
  for (const auto& piece : v.pattern.pieces) {
    text += piece.kind == Piece::Kind::kLiteral ? piece.text : "*";
  }
  if (p.op == Op::kContains || p.op == Op::kStartsWith) text += '*';
  return Quote(text);
}

bool IsStringOp(Op op) {
  return op == Op::kEq || op == Op::kContains || op == Op::kStartsWith || op == Op::kEndsWith ||
         op == Op::kWildcard;
}

bool Searchable(const Predicate& p) {
  if (p.part != ir::TimePart::kNone || p.op == Op::kRegex) return false;
  if (!p.values.empty() && p.values[0].kind == Value::Kind::kField) return false;
  if (IsStringOp(p.op) && p.values[0].kind == Value::Kind::kString) {
    if (p.cased) return false;
    for (const auto& v : p.values) {
      if (!SearchablePattern(v.pattern)) return false;
    }
  }
  return true;
}

bool SearchableExpr(const Expr& e) {
  if (e.kind == Expr::Kind::kPredicate) return Searchable(e.predicate);
  for (const auto& child : e.children) {
    if (!SearchableExpr(child)) return false;
  }
  return true;
}

// The search command's terms: `field=value`, `field IN (...)`, wildcards `*` only.
class SplSearch : public TextGenerator {
 public:
  explicit SplSearch(const EmitContext& ctx) : TextGenerator(ctx, kSearchDialect) {}

 protected:
  std::string Leaf(const Predicate& p, bool) override {
    std::vector<std::string> parts;
    if (p.IsKeyword()) {
      for (const auto& v : p.values) parts.push_back(SearchPattern(p, v));
      return Join(parts, p.all_of);
    }
    if (auto lookup = LookupSubsearch(p)) return *lookup;
    std::string field = SearchField(p.field);
    switch (p.op) {
      case Op::kNull:
        return text::Cat({"NOT ", field, "=*"});
      case Op::kExists:
        return p.values[0].text == "true" ? text::Cat({field, "=*"})
                                          : text::Cat({"NOT ", field, "=*"});
      case Op::kLt:
      case Op::kLte:
      case Op::kGt:
      case Op::kGte:
        return Compare(p, field, false);
      default:
        break;
    }
    for (const auto& v : p.values) {
      switch (v.kind) {
        case Value::Kind::kString:
          parts.push_back(SearchPattern(p, v));
          break;
        case Value::Kind::kNumber:
          parts.push_back(v.text);
          break;
        default:
          parts.push_back(Quote(v.text));  // bool, cidr: the search command matches CIDR itself
      }
    }
    if (parts.size() > 1 && !p.all_of) {
      std::string list;
      for (size_t i = 0; i < parts.size(); ++i) list += (i ? ", " : "") + parts[i];
      return text::Cat({field, " IN (", list, ")"});
    }
    for (auto& part : parts) part = field + "=" + part;
    return Join(parts, p.all_of);
  }

  std::string CompareValue(const Predicate&, const std::string& field, const Value& v,
                           std::string_view op) override {
    return text::Cat({field, op, v.text});
  }

 private:
  // Splunk returns at most this many results from a subsearch (limits.conf [subsearch] maxout).
  // https://help.splunk.com/en/splunk-enterprise/search/search-manual/9.4/subsearches/about-subsearches
  static constexpr size_t kSubsearchMaxOut = 10000;

  // A predicate holding a whole |expand list, read from the CSV lookup of that name when lists
  // are deployed: a subsearch over `inputlookup` whose one column, renamed to the field, the
  // search command reads back as `field="value" OR ...` — the terms the inline list would be,
  // so case, numbers and CIDR match alike. Values a quoted search term cannot hold as they are
  // (a quote, a backslash, `*`, a control character), lists past the subsearch's result limit
  // and names that need quoting stay inline. nullopt: write the values inline.
  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/inputlookup
  std::optional<std::string> LookupSubsearch(const Predicate& p) {
    if (!TestsWholeList(p, ctx_.lookups) || !(p.op == Op::kEq || p.op == Op::kCidr) ||
        !AllNameChars(p.field, ".") || !AllNameChars(p.list) || p.values.size() > kSubsearchMaxOut)
      return std::nullopt;
    for (const auto& v : p.values) {
      if (v.kind == Value::Kind::kField || v.kind == Value::Kind::kBool) return std::nullopt;
      const std::string text = v.kind == Value::Kind::kString ? v.pattern.Literal() : v.text;
      if ((v.kind == Value::Kind::kString && !v.pattern.IsPlain()) || text.empty() ||
          text.find_first_of("\"\\*") != std::string::npos || text::HasControlCharacter(text)) {
        return std::nullopt;
      }
    }
    ctx_.lookups->read->insert(p.list);
    return text::Cat({"[| inputlookup ", p.list, ".csv | rename value AS ", p.field, " | fields ",
                      p.field, "]"});
  }
};

// eval and where expressions: functions over single-quoted field names.
class SplEval : public TextGenerator {
 public:
  explicit SplEval(const EmitContext& ctx) : TextGenerator(ctx, kEvalDialect) {}

 protected:
  std::string FieldName(const std::string& field) const override { return EvalField(field); }

  std::string TimePart(const Predicate& p, bool) override {
    return Fail(p, "a time-part modifier (the timestamp format of the field is not known to SPL)");
  }

  std::string Keyword(const Predicate& p, bool) override {
    std::vector<std::string> parts;
    for (const auto& v : p.values) {
      if (p.op == Op::kRegex || !SearchablePattern(v.pattern) || p.cased) {
        return Fail(p,
                    "this keyword search (only plain case-insensitive keywords can be searched "
                    "on the raw event)");
      }
      parts.push_back(text::Cat({"searchmatch(", Quote(SearchPattern(p, v)), ")"}));
    }
    return Join(parts, p.all_of);
  }

  std::string Null(const Predicate&, const std::string& field) override {
    return text::Cat({"isnull(", field, ")"});
  }

  std::string Exists(const Predicate&, const std::string& field, bool exists) override {
    return text::Cat({exists ? "isnotnull" : "isnull", "(", field, ")"});
  }

  std::string CompareValue(const Predicate&, const std::string& field, const Value& v,
                           std::string_view op) override {
    return text::Cat({"tonumber(", field, ")", op, v.text});
  }

  // https://help.splunk.com/splunk-enterprise/spl-search-reference/9.2/evaluation-functions/conditional-functions
  std::string CidrValue(const Predicate&, const std::string& field, const Value& v) override {
    return text::Cat({"cidrmatch(", Quote(v.text), ", ", field, ")"});
  }

  std::string RegexValue(const Predicate& p, const std::string& field,
                         const ir::Regex& regex) override {
    std::string construct;
    auto text = ir::EmitRegex(regex, kPcre, &construct);
    if (!text) return Fail(p, "the regex construct " + construct);
    return text::Cat({"match(", field, ", ", Quote(*text), ")"});
  }

  // A field comparison is never null-guarded: both sides are read alike.
  std::string Values(const Predicate& p, const std::string& field, bool negated) override {
    std::vector<std::string> parts;
    for (const auto& v : p.values) {
      std::string test = ValueTest(p, field, v);
      if (failed()) return "";
      parts.push_back(v.kind == Value::Kind::kField ? test : Guard(field, test, negated));
    }
    return Join(parts, p.all_of);
  }

  std::string FieldRefValue(const Predicate& p, const std::string& field, const Value& v) override {
    if (p.op != Op::kEq) return Fail(p, "fieldref with contains, startswith or endswith");
    return p.cased ? text::Cat({field, "==", EvalField(v.text)})
                   : text::Cat({"lower(", field, ")==lower(", EvalField(v.text), ")"});
  }

  std::string NumberValue(const Predicate&, const std::string& field, const Value& v) override {
    return text::Cat({"tonumber(", field, ")==", v.text});
  }

  std::string BoolValue(const Predicate&, const std::string& field, const Value& v) override {
    return text::Cat({"lower(", field, ")==", Quote(v.text)});
  }

  std::string StringValue(const Predicate& p, const std::string& field, const Value& v) override {
    if (p.cased && p.op == Op::kEq) {
      return text::Cat({field, "==", Quote(v.pattern.Literal())});
    }
    return text::Cat({"match(", field, ", ", Quote(PatternRegex(p, v)), ")"});
  }

 private:
  // PCRE for a Sigma pattern over the whole value: \z, not $, which also matches before a final
  // line break.
  static std::string PatternRegex(const Predicate& p, const Value& v) {
    std::string out = p.cased ? "(?s)" : "(?is)";
    out += (p.op == Op::kContains || p.op == Op::kEndsWith) ? "" : "^";
    for (const auto& piece : v.pattern.pieces) {
      out += piece.kind == Piece::Kind::kLiteral    ? ir::RegexEscapeLiteral(piece.text, kPcre)
             : piece.kind == Piece::Kind::kAnyChars ? ".*"
                                                    : ".";
    }
    if (!(p.op == Op::kContains || p.op == Op::kStartsWith)) out += "\\z";
    return out;
  }
};

// A rule as a search command for what it can say exactly, then one `| where` for the rest.
class SplEmitter {
 public:
  explicit SplEmitter(const EmitContext& ctx) : ctx_(ctx), search_(ctx), eval_(ctx) {}

  // `e` as an eval expression (for count(eval(...))); nullopt after a reported failure.
  std::optional<std::string> EvalCondition(const Expr& e) { return eval_.Condition(e); }

  std::optional<std::string> Run() {
    std::vector<std::string> search;
    std::vector<std::string> where;
    const std::string& source = ctx_.rule.source;
    if (!source.empty()) {
      search.push_back(source.find(" OR ") != std::string::npos ? "(" + source + ")" : source);
    }
    const Expr& condition = ctx_.rule.condition;
    std::vector<const Expr*> where_exprs;
    if (condition.kind != Expr::Kind::kTrue) {
      for (const Expr* conjunct : Conjuncts(condition)) {
        if (!SearchableExpr(*conjunct)) {
          where_exprs.push_back(conjunct);
          continue;
        }
        std::string text = search_.Condition(*conjunct).value_or("");
        bool wrap = conjunct->kind == Expr::Kind::kOr && !search.empty();
        search.push_back(wrap ? "(" + text + ")" : text);
      }
    }
    for (const Expr* e : where_exprs) {
      std::string text = eval_.Condition(*e).value_or("");
      bool wrap = e->kind == Expr::Kind::kOr && where_exprs.size() > 1;
      where.push_back(wrap ? "(" + text + ")" : text);
    }
    if (search_.failed() || eval_.failed()) return std::nullopt;
    std::string query;
    for (size_t i = 0; i < search.size(); ++i) query += (i ? " " : "") + search[i];
    if (!where.empty()) {
      std::string clause;
      for (size_t i = 0; i < where.size(); ++i) clause += (i ? " AND " : "") + where[i];
      query += (query.empty() ? "| where " : "\n| where ") + clause;
    }
    return query;
  }

 private:
  const EmitContext& ctx_;
  SplSearch search_;
  SplEval eval_;
};

// A measure or column name as given when it is a plain identifier, else quoted for eval.
std::string MeasureAlias(const std::string& name) {
  return AllNameChars(name) ? name : EvalField(name);
}

// A test over measures and columns: `FailureCount >= 5 AND FirstFailure < LastSuccess`.
std::string SplMeasureTest(const ir::CorrelationTest& t) {
  return RenderMeasureTest(t, {" AND ", " OR ", "NOT (", ")"}, MeasureAlias);
}

// The having-condition and the derived columns that end an aggregate or consecutive search.
std::string SplTestAndColumns(const ir::Correlation& spec) {
  auto literal = [](const std::string& text) { return IsNumberText(text) ? text : Quote(text); };
  std::string out;
  if (spec.test) out += "\n| where " + SplMeasureTest(*spec.test);
  std::string evals;
  for (const auto& column : spec.columns) {
    std::string value = ColumnValue(column, {"case(", "{test}, {value}, ", "true(), {value})", ""},
                                    SplMeasureTest, literal);
    evals += (evals.empty() ? "" : ", ") + text::Cat({MeasureAlias(column.name), "=", value});
  }
  if (!evals.empty()) out += "\n| eval " + evals;
  return out;
}

// refract's aggregate extension: stats with named measures over a lookback (earliest=-N).
// https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/statistical-and-charting-functions
class SplAggregate : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const auto& source = ctx_.sources[0];
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
    SplEmitter emitter(ec);
    auto query = emitter.Run();
    if (!query) return std::nullopt;
    // The lookback belongs in the search: earliest= overrides the time picker.
    std::string search = text::Cat({"earliest=-", CompactDuration(spec_.window.span_seconds), " "});
    std::string body = query->rfind("| where", 0) == 0 ? search + "\n" + *query : search + *query;
    std::vector<std::string> measures;
    std::vector<std::string> trims;
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      std::string field = SearchField(spec_.measures[i].field);
      std::string expr;
      if (m.kind == ir::MeasureKind::kCount) {
        if (ctx_.MeasureFilter(i)) {
          auto filter = emitter.EvalCondition(*ctx_.MeasureFilter(i));
          if (!filter) return std::nullopt;
          expr = text::Cat({"count(eval(", *filter, "))"});
        } else {
          expr = "count";
        }
      } else if (m.kind == ir::MeasureKind::kDistinct && !ctx_.MeasureFilter(i)) {
        expr = text::Cat({"dc(", field, ")"});  // exact, unlike estdc
      } else if (m.kind == ir::MeasureKind::kValues) {
        expr = text::Cat({"values(", field, ")"});
        if (!m.limit.empty()) {
          trims.push_back(fmt::format("{0}=mvindex({0}, 0, {1})", MeasureAlias(m.name),
                                      std::stoi(m.limit) - 1));
        }
      } else if (ctx_.MeasureFilter(i)) {
        // A conditional min or max reads the field of the selection's events only: stats
        // functions skip null().
        // https://docs.splunk.com/Documentation/Splunk/latest/SearchReference/Aggregatefunctions
        auto filter = emitter.EvalCondition(*ctx_.MeasureFilter(i));
        if (!filter) return std::nullopt;
        std::string fn = m.kind == ir::MeasureKind::kDistinct
                             ? std::string("dc")
                             : std::string(ir::MeasureKindName(m.kind));
        expr = text::Cat(
            {fn, "(eval(if(", *filter, ", ", EvalField(spec_.measures[i].field), ", null())))"});
      } else {
        expr = text::Cat({ir::MeasureKindName(m.kind), "(", field, ")"});
      }
      measures.push_back(text::Cat({expr, " as ", MeasureAlias(m.name)}));
    }
    std::string out = body;
    std::string by;
    for (const auto& f : source.group_fields) by += " " + SearchField(f);
    if (spec_.window.bucket_seconds > 0) {
      out += text::Cat({"\n| bin _time span=", CompactDuration(spec_.window.bucket_seconds)});
      by += " _time";
      ctx_.ApproximatesWithBuckets(
          text::Cat({"bin _time span=", CompactDuration(spec_.window.bucket_seconds)}));
    }
    out += "\n| stats ";
    for (size_t i = 0; i < measures.size(); ++i) out += (i ? ", " : "") + measures[i];
    if (!by.empty()) out += " by" + by;
    // Group columns carry the group-by names, so signals composed by a union share them.
    std::string renames;
    for (size_t g = 0; g < spec_.group_by.size(); ++g) {
      if (source.group_fields[g] == spec_.group_by[g]) continue;
      renames +=
          (renames.empty() ? "" : ", ") +
          text::Cat({SearchField(source.group_fields[g]), " as ", MeasureAlias(spec_.group_by[g])});
    }
    if (!renames.empty()) out += "\n| rename " + renames;
    if (!trims.empty()) {
      out += "\n| eval ";
      for (size_t i = 0; i < trims.size(); ++i) out += (i ? ", " : "") + trims[i];
    }
    return out + SplTestAndColumns(spec_);
  }
};

// A Sigma correlation's measure in streamstats; dc() is exact, unlike estdc(). Values and
// count-if are the aggregate's own.
const MeasureSpelling kMeasures{"count", "", "dc({field})", "", "", "{fn}({field})"};

// Sigma's windows slide: the events sorted by time, `streamstats time_window=` measures, at each
// event, the events of its group within the timespan before it, so every window that ends at an
// event is tested, as `refract hunt` does. time_window needs time-ordered events, hence `sort 0`
// (0: no limit on the events kept).
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/streamstats
class SplCorrelation : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    std::vector<std::string> searches;
    for (const auto& source : ctx_.sources) {
      EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
      auto query = SplEmitter(ec).Run();
      if (!query) return std::nullopt;
      searches.push_back(*query);
    }
    const bool temporal = spec_.IsTemporal();
    std::string body;
    std::string value;
    groups_.clear();
    if (!temporal && ctx_.sources.size() == 1) {
      body = searches[0];
      for (const auto& f : ctx_.sources[0].group_fields) groups_.push_back(SearchField(f));
      const std::string& field = ctx_.sources[0].value_field;
      value = field.empty() ? "" : SearchField(field);
    } else {
      body = "| multisearch";
      for (size_t i = 0; i < ctx_.sources.size(); ++i) {
        std::string one = ReplaceAll(searches[i], "\n", " ");
        std::string evals =
            SourceLabels(ctx_, i, {"{name}={value}", ", ", Quote, Alias, EvalField, EvalField});
        body += text::Cat({"\n[ search ", one, " | eval ", evals, " ]"});
      }
      for (const auto& g : spec_.group_by) groups_.push_back(Alias(g));
      value = "refract_value";
    }
    body += "\n| sort 0 _time";
    std::string measure;
    std::string variable;
    if (auto kind = CorrelationMeasure(spec_.kind)) {
      variable = ir::CorrelationKindName(spec_.kind);
      measure = SpellMeasure(kMeasures, {*kind, false, value, variable, "", ""});
    } else if (spec_.kind == ir::CorrelationKind::kValuePercentile) {
      variable = "value_percentile";
      measure = text::Cat({"exactperc", spec_.percentile, "(", value, ")"});
    } else if (spec_.kind == ir::CorrelationKind::kTemporal) {
      if (NeedsRuleCounts(ctx_)) return RuleCounts(body);
      variable = "rule_count";
      measure = SpellMeasure(kMeasures,
                             {ir::MeasureKind::kDistinct, false, "refract_rule", variable, "", ""});
    } else {
      return Ordered(body);
    }
    std::string where = RenderBounds(variable, spec_.condition, " AND ", "==");
    return text::Cat({body, "\n", Streamstats(), " ", measure, " as ", variable, By(), "\n| where ",
                      where, "\n| table _time", GroupList(), " ", variable});
  }

 private:
  std::string Streamstats() const {
    return "| streamstats time_window=" + CompactDuration(spec_.window.span_seconds);
  }
  std::string By() const {
    std::string by;
    for (const auto& g : groups_) by += (by.empty() ? " by " : " ") + g;
    return by;
  }
  std::string GroupList() const {
    std::string out;
    for (const auto& g : groups_) out += " " + g;
    return out;
  }
  // 1 for the events of source i, else 0 (a field streamstats can sum).
  std::string Flag(size_t i) const {
    return fmt::format("refract_f{}=if(refract_rule={}, 1, 0)", i + 1,
                       Quote(ctx_.sources[i].label));
  }

  // Temporal with per-rule counts (an extended condition or a folded chain): each rule's events
  // in the window ending at each event.
  std::optional<std::string> RuleCounts(const std::string& body) {
    std::string thresholds = RenderRuleTest(ctx_, kEval, [](size_t i, long long n) {
      return fmt::format("refract_count{} >= {}", i + 1, n);
    });
    if (thresholds.empty()) return std::nullopt;
    std::string flags;
    std::string sums;
    std::string columns;
    for (size_t i = 0; i < ctx_.sources.size(); ++i) {
      flags += (i ? ", " : "") + Flag(i);
      sums += fmt::format("{}sum(refract_f{}) as refract_count{}", i ? " " : "", i + 1, i + 1);
      columns += fmt::format(" refract_count{}", i + 1);
    }
    return text::Cat({body, "\n| eval ", flags, "\n", Streamstats(), " ", sums, By(), "\n| where ",
                      thresholds, "\n| table _time", GroupList(), columns});
  }

  // temporal_ordered: at each event of rule k, the latest time at which an ordered chain of
  // rules 1…k could have started (the later the start, the more room the rest of the chain has):
  // step 1 is the event's own time, step k the latest step k-1 start among rule k-1's events in
  // the window. The last rule's event completes a chain when that start is within the timespan.
  // For two rules `min` of the first rule's times in the window finds one strictly earlier, so
  // the order is exact; from three rules a step reads the previous rule's events of the same
  // second too (streamstats includes them), so ties count as in order.
  std::optional<std::string> Ordered(const std::string& body) {
    if (!AsksForEveryRule(ctx_)) {
      ctx_.Unsupported("temporal_ordered other than all rules in order");
      return std::nullopt;
    }
    const size_t n = ctx_.sources.size();
    std::string out = body;
    std::string counts;
    std::string thresholds;
    std::string count_columns;
    for (size_t i = 0; i + 1 < n; ++i) {
      if (ctx_.sources[i].min_count <= 1) continue;
      counts += fmt::format(" sum(refract_f{0}) as refract_count{0}", i + 1);
      thresholds += fmt::format(" AND refract_count{} >= {}", i + 1, ctx_.sources[i].min_count);
      count_columns += fmt::format(" refract_count{}", i + 1);
    }
    if (ctx_.sources[n - 1].min_count > 1) {
      ctx_.Unsupported("a temporal_ordered whose last rule is a chained event_count");
      return std::nullopt;
    }
    if (n == 2) {
      out += text::Cat({"\n| eval refract_t1=if(refract_rule=", Quote(ctx_.sources[0].label),
                        ", _time, null())"});
      if (!counts.empty()) out += ", " + Flag(0);
      out += text::Cat({"\n", Streamstats(), " min(refract_t1) as refract_first", counts, By()});
      out += fmt::format(
          "\n| where refract_rule={} AND refract_first < _time{}\n| eval refract_last=_time"
          "\n| table _time{} refract_first refract_last{}",
          Quote(ctx_.sources[1].label), thresholds, GroupList(), count_columns);
      return out;
    }
    if (HasThresholds(ctx_)) {
      ctx_.Unsupported(
          "a temporal_ordered over three or more rules with a condition other than all rules "
          "in order");
      return std::nullopt;
    }
    ctx_.Approximates(
        "from three rules on, streamstats reads a step's events of the same second as the "
        "next rule's event, so events with equal timestamps count as in order");
    out += text::Cat(
        {"\n| eval refract_s1=if(refract_rule=", Quote(ctx_.sources[0].label), ", _time, null())"});
    for (size_t k = 1; k < n; ++k) {
      out += fmt::format(
          "\n{0} max(refract_s{1}) as refract_w{1}{2}\n| eval refract_s{3}=if(refract_rule={4}, "
          "refract_w{1}, null())",
          Streamstats(), k, By(), k + 1, Quote(ctx_.sources[k].label));
    }
    out += fmt::format(
        "\n| where isnotnull(refract_s{0}) AND _time - refract_s{0} <= {1}\n| eval "
        "refract_first=refract_s{0}, refract_last=_time\n| table _time{2} refract_first "
        "refract_last",
        n, spec_.window.span_seconds, GroupList());
    return out;
  }

  // A name usable both in eval and in stats: letters, digits and `_` only.
  static std::string Alias(const std::string& name) {
    std::string out = "refract_";
    for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    return out;
  }

  std::vector<std::string> groups_;
};

// refract's consecutive: each event with the previous event of its group. Sorted by time,
// streamstats with current=f window=1 global=f reads the one event before in the same group (a
// window per by-group needs global=f); eval has the trigonometry for the great-circle distance.
// https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/search-commands/streamstats
// https://help.splunk.com/en/splunk-enterprise/spl-search-reference/9.3/evaluation-functions/trig-and-hyperbolic-functions
class SplConsecutive : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const auto& source = ctx_.sources[0];
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
    auto query = SplEmitter(ec).Run();
    if (!query) return std::nullopt;
    std::string search = text::Cat({"earliest=-", CompactDuration(spec_.window.span_seconds), " "});
    std::string out = query->rfind("| where", 0) == 0 ? search + "\n" + *query : search + *query;
    const std::string time = ctx_.mapping.Option("time_field", "_time");
    std::vector<std::string> previous = {
        text::Cat({"last(", SearchField(time), ") as refract_time"})};
    std::vector<std::string> measures;
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      PairMeasureText text{"", "", "", "", EvalField(time), "refract_time", "", ""};
      if (!m.field2.empty()) {
        text.lat = EvalField(m.field);
        text.lon = EvalField(m.field2);
        text.lat0 = fmt::format("refract_lat{}", i + 1);
        text.lon0 = fmt::format("refract_lon{}", i + 1);
        previous.push_back(text::Cat({"last(", SearchField(m.field), ") as ", text.lat0}));
        previous.push_back(text::Cat({"last(", SearchField(m.field2), ") as ", text.lon0}));
      } else if (!m.field.empty()) {
        text.value = EvalField(m.field);
        text.value0 = fmt::format("refract_m{}", i + 1);
        previous.push_back(text::Cat({"last(", SearchField(m.field), ") as ", text.value0}));
      }
      measures.push_back(
          text::Cat({MeasureAlias(m.name), "=", SpellPairMeasure(kPairs, m.kind, text)}));
    }
    std::string by;
    for (const auto& f : source.group_fields) by += " " + SearchField(f);
    out += "\n| sort 0 " + SearchField(time);
    out += "\n| streamstats current=f window=1 global=f " + JoinText(previous, " ") + " by" + by;
    out += fmt::format("\n| where isnotnull(refract_time) AND {} - refract_time <= {}",
                       EvalField(time), spec_.window.span_seconds);
    out += "\n| eval " + JoinText(measures, ", ");
    return out + SplTestAndColumns(spec_) + "\n| fields - refract_*";
  }

 private:
  // Haversine in degrees; a missing coordinate makes the distance null, and where drops it.
  static constexpr PairMeasureSyntax kPairs{
      "2 * {radius} * asin(sqrt(pow(sin(({lat} - {lat0}) * pi() / 360), 2) + cos({lat0} * pi() / "
      "180) * cos({lat} * pi() / 180) * pow(sin(({lon} - {lon0}) * pi() / 360), 2)))",
      "({time} - {time0}) / 3600",
      "{distance} / max({hours}, {min_hours})",
      "if(coalesce({value}, \"\") == coalesce({value0}, \"\"), 0, 1)",
  };
};

// The first signal, then each other as an append subsearch; table and sort 0 (unlimited).
class SplUnion : public CorrelationWriter {
 public:
  SplUnion(const CorrelationContext& ctx, const std::vector<std::string>& parts)
      : CorrelationWriter(ctx), parts_(parts) {}

  std::optional<std::string> Run() {
    std::string out = parts_[0];
    for (size_t i = 1; i < parts_.size(); ++i) {
      std::string one = ReplaceAll(parts_[i], "\n", " ");
      out += "\n| append [ search " + one + " ]";
    }
    if (parts_.size() > 1) {
      ctx_.Approximates(
          "append subsearches stop at Splunk's subsearch limits (by default 50,000 "
          "results and 60 seconds)");
    }
    std::string renames;
    std::string columns;
    for (const auto& [name, from] : spec_.project) {
      if (name != from) {
        renames +=
            (renames.empty() ? "" : ", ") + text::Cat({MeasureAlias(name), "=", EvalField(from)});
      }
      columns += (columns.empty() ? "" : ", ") + SearchField(name);
    }
    if (!renames.empty()) out += "\n| eval " + renames;
    if (!columns.empty()) out += "\n| table " + columns;
    if (!spec_.sort.empty()) {
      out += "\n| sort 0";
      for (size_t i = 0; i < spec_.sort.size(); ++i) {
        out += (i ? ", " : " ") + std::string(spec_.sort[i].second ? "- " : "+ ") +
               SearchField(spec_.sort[i].first);
      }
    }
    return out;
  }

 private:
  const std::vector<std::string>& parts_;
};

}  // namespace

const Backend& SplBackend() {
  static const AssembledBackend<SplEmitter, SplCorrelation, SplAggregate, SplUnion, SplConsecutive>
      kBackend({"spl", "Splunk (Search Processing Language)", "spl"}, {"", "", "", ""});
  return kBackend;
}

}  // namespace refract
