// Sumo Logic log search: the source scope, `| json ... nodrop` to extract the rule's fields
// from the JSON message, then one `| where` clause.
// https://www.sumologic.com/help/docs/search/search-query-language/search-operators/
#include <fmt/format.h>

#include <algorithm>
#include <map>
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

// A comparison with a field that is absent is false, and so is its `!(...)`: a negated test
// keeps the events without the field through a guard.
const Dialect kSumo{{" and ", " or ", "!(", ")", "true", "false"},
                    {'"', false, true, false, ""},
                    "(!isEmpty({0}) and {1})"};
const BoolSyntax& kWhere = kSumo.boolean;

// `matches /re/` takes RE2 regular expressions.
const ir::RegexFlavor kRe2{
    .name = "re2 (Sumo Logic)",
    .class_metachars = "\\]^-[/",
    // `/` ends the regex literal
    .literal_metachars = "\\.+*?()|[]{}^$/",
    .anchors = false,
    .whole_match_padding = "[\\s\\S]*",
};

std::string Quote(std::string_view text) { return QuoteString(text, kSumo.quote); }

// The extracted field's name: the JSON key with every other character as `_`.
std::string Alias(const std::string& field) {
  std::string out;
  for (char c : field) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "f_" + out;
  return out;
}

// Two fields of one query that would be extracted under one name (`a.b` and `a_b` are both
// `a_b`), or nullopt; one json stage cannot give them both, so such a query is refused.
std::optional<std::string> AliasCollision(const std::set<std::string>& fields) {
  std::map<std::string, std::string> owner;
  for (const auto& f : fields) {
    auto [it, fresh] = owner.emplace(Alias(f), f);
    if (!fresh) {
      return text::Cat({"fields '", it->second, "' and '", f,
                        "' in one query (the json operator would extract both as ", it->first,
                        ")"});
    }
  }
  return std::nullopt;
}

void CollectFields(const Expr& e, std::set<std::string>& fields) {
  if (e.kind != Expr::Kind::kPredicate) {
    for (const auto& child : e.children) CollectFields(child, fields);
    return;
  }
  if (!e.predicate.IsKeyword()) fields.insert(e.predicate.field);
  for (const auto& v : e.predicate.values) {
    if (v.kind == Value::Kind::kField) fields.insert(v.text);
  }
}

// Where the bundle's lookup tables are when its content export is imported into the Admin
// Recommended folder: its folder is named "refract".
constexpr const char* kDefaultLookupFolder = "/Library/Admin Recommended/refract";

class SumoGenerator : public TextGenerator {
 public:
  explicit SumoGenerator(const EmitContext& ctx, std::set<std::string> extra_fields = {})
      : TextGenerator(ctx, kSumo), extra_fields_(std::move(extra_fields)) {}

  std::optional<std::string> Run() {
    std::string query = ctx_.rule.source.empty() ? "*" : ctx_.rule.source;
    std::set<std::string> fields = extra_fields_;
    CollectFields(ctx_.rule.condition, fields);
    if (auto collision = AliasCollision(fields)) {
      ctx_.Unsupported(ctx_.rule.location, *collision);
      return std::nullopt;
    }
    if (!fields.empty()) {
      std::string keys;
      std::string aliases;
      for (const auto& f : fields) {
        keys += (keys.empty() ? "" : ", ") + Quote(f);
        aliases += (aliases.empty() ? "" : ", ") + Alias(f);
      }
      // nodrop keeps messages that lack a key: Sigma's `not` and null tests need them.
      query += text::Cat({"\n| json field=_raw ", keys, " as ", aliases, " nodrop"});
    }
    if (ctx_.rule.condition.kind != Expr::Kind::kTrue) {
      query += "\n| where " + WhereFor(ctx_.rule);
    }
    if (failed()) return std::nullopt;
    return query;
  }

  // The where-clause expression of `rule` over the extracted fields ("" once failed()).
  std::string WhereFor(const ir::Rule& rule) { return Condition(rule.condition).value_or(""); }

 protected:
  std::string FieldName(const std::string& field) const override { return Alias(field); }

  std::string Keyword(const Predicate& p, bool) override {
    return Each(p, "", false, [&](const Value& v) {
      return p.op == Op::kRegex ? "_raw matches " + RegexLiteral(p, *v.regex)
                                : StringTest(p, "_raw", v);
    });
  }

  std::string Null(const Predicate&, const std::string& field) override {
    return text::Cat({"isEmpty(", field, ")"});
  }

  std::string Exists(const Predicate&, const std::string& field, bool exists) override {
    return text::Cat({exists ? "!" : "", "isEmpty(", field, ")"});
  }

  std::string CompareValue(const Predicate&, const std::string& field, const Value& v,
                           std::string_view op) override {
    return text::Cat({"num(", field, ") ", op, " ", v.text});
  }

  // IPv4 only, prefix length as a string; an IPv6 network is a regex over the
  // address text (ir::Ipv6NetworkRegex).
  // https://www.sumologic.com/help/docs/search/search-query-language/search-operators/cidr/
  std::string CidrValue(const Predicate& p, const std::string& field, const Value& v) override {
    if (v.ipv6) {
      std::string why_not;
      auto regex = ir::Ipv6NetworkRegex(v.text, &why_not);
      return regex ? RegexValue(p, field, *regex) : Fail(p, why_not);
    }
    return CompareCidrPrefix(v, field, kSumo.quote);
  }

  std::string RegexValue(const Predicate& p, const std::string& field,
                         const ir::Regex& regex) override {
    std::string literal = RegexLiteral(p, regex);
    return failed() ? "" : field + " matches " + literal;
  }

  // The values of a predicate are compared as the first one's kind.
  std::string Values(const Predicate& p, const std::string& field, bool negated) override {
    const Value& first = p.values[0];
    if (first.kind == Value::Kind::kField) {
      if (p.op != Op::kEq) return Fail(p, "fieldref with contains, startswith or endswith");
      return Each(p, field, negated, [&](const Value& v) {
        std::string other = Alias(v.text);
        return p.cased ? text::Cat({field, " = ", other})
                       : text::Cat({"toLowerCase(", field, ") = toLowerCase(", other, ")"});
      });
    }
    if (first.kind == Value::Kind::kNumber) {
      return Each(p, field, negated, [&](const Value& v) {
        return text::Cat({"num(", field, ") = ", v.text});
      });
    }
    if (first.kind == Value::Kind::kBool) {
      return Guard(field, text::Cat({"toLowerCase(", field, ") = ", Quote(first.text)}), negated);
    }
    if (auto table = LookupTable(p, field, negated)) return *table;
    bool in_list = p.op == Op::kEq && !p.cased && !p.all_of && p.values.size() > 1;
    for (const auto& v : p.values) {
      const std::string literal = v.pattern.Literal();
      if (HasNonAsciiCasedLetter(literal) || text::HasControlCharacter(literal)) in_list = false;
    }
    if (in_list) {
      std::string list;
      for (size_t i = 0; i < p.values.size(); ++i) {
        list += (i ? ", " : "") + Quote(text::AsciiLower(p.values[i].pattern.Literal()));
      }
      return Guard(field, text::Cat({"toLowerCase(", field, ") in (", list, ")"}), negated);
    }
    return Each(p, field, negated, [&](const Value& v) { return StringTest(p, field, v); });
  }

 private:
  // Sumo limits a lookup field value to under 1,024 bytes.
  // https://www.sumologic.com/help/docs/search/search-query-language/search-operators/lookup
  static constexpr size_t kLookupValueBytes = 1024;

  // A predicate holding a whole |expand list of strings, read from the lookup table of that name
  // when lists are deployed: lookupContains() inside the where expression, which matches values
  // ignoring case, as Sigma does. The table sits in the folder the mapping's `lookup_folder`
  // names (where the bundle's content export is imported). |cased matches, letters ASCII
  // folding does not cover and values past the lookup's size limit stay inline. nullopt: write
  // the values inline.
  // https://www.sumologic.com/help/docs/search/search-query-language/search-operators/lookupcontains
  std::optional<std::string> LookupTable(const Predicate& p, const std::string& field,
                                         bool negated) {
    if (!TestsWholeList(p, ctx_.lookups) || p.cased || p.op != Op::kEq || !AllNameChars(p.list))
      return std::nullopt;
    for (const auto& v : p.values) {
      const std::string literal = v.pattern.Literal();
      if (v.kind != Value::Kind::kString || !v.pattern.IsPlain() || literal.empty() ||
          literal.size() >= kLookupValueBytes || HasNonAsciiCasedLetter(literal) ||
          text::HasControlCharacter(literal)) {
        return std::nullopt;
      }
    }
    const std::string folder = ctx_.mapping.Option("lookup_folder", kDefaultLookupFolder);
    if (folder.find('"') != std::string::npos) return std::nullopt;
    ctx_.lookups->read->insert(p.list);
    return Guard(
        field,
        text::Cat({"lookupContains(path://\"", folder, "/", p.list, "\", ", field, "=value)"}),
        negated);
  }

  // A whole-value RE2 regex for a Sigma pattern, anchored so it means the same whether
  // `matches` tests the whole value or searches in it.
  static std::string PatternRegex(const Predicate& p, const Value& v) {
    return std::string(p.cased ? "/" : "/(?i)") +
           PatternAsRegex(v.pattern, p.op, kRe2, {"[\\s\\S]*", "[\\s\\S]", "^", "$", true}) + "/";
  }

  std::string RegexLiteral(const Predicate& p, const ir::Regex& regex) {
    ir::Regex copy = regex;
    copy.ignore_case = false;
    copy.dot_all = false;
    std::string construct;
    auto body = ir::EmitWholeMatch(copy, kRe2, &construct);
    if (!body) return Fail(p, "the regex construct " + construct + " (Sumo Logic uses RE2)");
    std::string flags;
    if (regex.ignore_case) flags += 'i';
    if (regex.dot_all) flags += 's';
    return "/" + (flags.empty() ? "" : "(?" + flags + ")") + "^(?:" + *body + ")$/";
  }

  std::string StringTest(const Predicate& p, const std::string& field, const Value& v) {
    std::string literal = v.pattern.Literal();
    if (p.op == Op::kEq && !HasNonAsciiCasedLetter(literal) &&
        !text::HasControlCharacter(literal)) {
      return p.cased ? text::Cat({field, " = ", Quote(literal)})
                     : text::Cat({"toLowerCase(", field, ") = ", Quote(text::AsciiLower(literal))});
    }
    return text::Cat({field, " matches ", PatternRegex(p, v)});
  }

  std::set<std::string> extra_fields_;  // extracted too: a correlation's group and value fields
};

// values() returns up to 100 distinct values, newline-separated; it takes no limit.
// https://www.sumologic.com/help/docs/search/search-query-language/group-aggregate-operators/values
const MeasureSpelling kMeasures{
    "count as {name}",           "sum({flag}) as {name}",     "count_distinct({field}) as {name}",
    "values({field}) as {name}", "values({field}) as {name}", "{fn}({field}) as {name}"};

// Sigma correlations: timeslice buckets and an aggregate `by` the group fields, then `where`.
// https://www.sumologic.com/help/docs/search/search-query-language/group-aggregate-operators/
class SumoCorrelation : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const ir::CorrelationKind type = spec_.kind;
    if (type == ir::CorrelationKind::kTemporal || type == ir::CorrelationKind::kTemporalOrdered)
      return Temporal(type == ir::CorrelationKind::kTemporalOrdered);
    // Counting the events of several rules needs them in one search with the group keys read
    // per rule; until that is written, such a correlation is refused rather than counting the
    // first rule's events alone.
    if (Refuses(ctx_.sources.size() > 1,
                std::string(ir::CorrelationKindName(type)) + " over several rules")) {
      return std::nullopt;
    }
    const auto& source = ctx_.sources[0];
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
    std::set<std::string> extra(source.group_fields.begin(), source.group_fields.end());
    if (!source.value_field.empty()) extra.insert(source.value_field);
    auto query = SumoGenerator(ec, extra).Run();
    if (!query) return std::nullopt;
    std::string groups = JoinEach(source.group_fields, "", [](auto& f) { return ", " + Alias(f); });
    std::string value = Alias(source.value_field);
    std::string variable(ir::CorrelationKindName(type));
    auto kind = CorrelationMeasure(type);
    std::string measure =
        kind ? SpellMeasure(kMeasures, {*kind, false, value, variable, "", ""})
             : text::Cat({"pct(", value, ", ", spec_.percentile, ") as ", variable});
    std::string where = RenderBounds(variable, spec_.condition, " and ", "=");
    ctx_.ApproximatesWithBuckets("timeslice");
    return text::Cat({*query, "\n| timeslice ", spec_.window.span, "\n| ", measure,
                      " by _timeslice", groups, "\n| where ", where});
  }

 private:
  // temporal: a 0/1 flag per rule, the flags' maximum per timeslice and
  // group, and the count of rules seen.
  // Ordered, for two rules: the first rule's earliest _messagetime before the second rule's
  // latest, per timeslice and group (a sentinel stands in where a rule has no event).
  std::optional<std::string> Temporal(bool ordered) {
    const auto& first = ctx_.sources[0];
    if (ordered && ctx_.sources.size() > 2) {
      // A step needs the previous step's time on each event of the group; aggregates collapse
      // the group. The transaction operator orders states per group and is the candidate.
      // https://help.sumologic.com/docs/search/search-query-language/transaction-analytics/transaction-operator/
      ctx_.Unsupported(
          "temporal_ordered over three or more rules (aggregates collapse a group, so no step "
          "can take the earliest event after the previous rule's; the transaction operator, "
          "which orders states per group, is not emitted yet)");
      return std::nullopt;
    }
    if (ordered && (spec_.condition.size() != 1 || spec_.condition[0].op != ir::CompareOp::kGte ||
                    spec_.condition[0].value != "2")) {
      ctx_.Unsupported("temporal_ordered other than all rules in order");
      return std::nullopt;
    }
    // Rules of several source categories are read by one search over all of them; each rule's
    // test then also checks its own category (`matches` takes the same * wildcards).
    std::set<std::string> scopes;
    for (const auto& source : ctx_.sources) scopes.insert(source.rule->source);
    std::set<std::string> fields;
    for (const auto& source : ctx_.sources) {
      fields.insert(source.group_fields.begin(), source.group_fields.end());
    }
    std::vector<std::string> tests;
    for (const auto& source : ctx_.sources) {
      EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
      SumoGenerator emitter(ec);
      std::string test = emitter.WhereFor(*source.rule);
      if (emitter.failed()) return std::nullopt;
      if (scopes.size() > 1) {
        const std::string prefix = "_sourceCategory=";
        const std::string& scope = source.rule->source;
        if (scope.rfind(prefix, 0) != 0 ||
            scope.find_first_of(" ()\"", prefix.size()) != std::string::npos) {
          ctx_.Unsupported("temporal over rules whose scopes are not one _sourceCategory each");
          return std::nullopt;
        }
        test = text::Cat(
            {"_sourceCategory matches ", Quote(scope.substr(prefix.size())), " and (", test, ")"});
      }
      tests.push_back(test);
      CollectFields(source.rule->condition, fields);
    }
    std::string query;
    if (scopes.size() == 1) {
      query = first.rule->source.empty() ? "*" : first.rule->source;
    } else {
      for (const auto& scope : scopes) query += (query.empty() ? "(" : " OR ") + scope;
      query += ")";
    }
    if (auto collision = AliasCollision(fields)) {
      ctx_.Unsupported(*collision);
      return std::nullopt;
    }
    query += text::Cat({"\n| json field=_raw ", JoinEach(fields, ", ", Quote), " as ",
                        JoinEach(fields, ", ", Alias), " nodrop"});
    std::string any = EachSource(ctx_, "({text})", " or ", SourceSet::kAll, tests);
    std::string flags =
        EachSource(ctx_, "\n| if({text}, 1, 0) as refract_rule_{n}", "", SourceSet::kAll, tests);
    std::string maxes = EachSource(ctx_, "max(refract_rule_{n}) as refract_seen_{n}", ", ");
    std::string sum = EachSource(ctx_, "refract_seen_{n}", " + ");
    // A group key read from different fields per rule becomes one field, taken from the field of
    // the rule the message matches.
    std::string groups;
    std::string keys_from_rules;
    for (size_t g = 0; g < first.group_fields.size(); ++g) {
      bool same = std::all_of(ctx_.sources.begin(), ctx_.sources.end(), [&](const auto& src) {
        return src.group_fields[g] == first.group_fields[g];
      });
      if (same) {
        groups += ", " + Alias(first.group_fields[g]);
        continue;
      }
      std::string name = "refract_" + Alias(spec_.group_by[g]);
      std::string value = "\"\"";
      for (size_t i = ctx_.sources.size(); i-- > 0;) {
        value = text::Cat(
            {"if(", tests[i], ", ", Alias(ctx_.sources[i].group_fields[g]), ", ", value, ")"});
      }
      keys_from_rules += text::Cat({"\n| ", value, " as ", name});
      groups += ", " + name;
    }
    flags = keys_from_rules + flags;
    ctx_.ApproximatesWithBuckets("timeslice");
    // A folded chained event_count counts its rule's events: a sum of the flag, not its max.
    std::string count_flags = EachSource(ctx_, "\n| if({text}, 1, 0) as refract_rule_{n}", "",
                                         SourceSet::kCounted, tests);
    std::string counts =
        EachSource(ctx_, ", sum(refract_rule_{n}) as refract_count_{n}", "", SourceSet::kCounted);
    std::string thresholds =
        EachSource(ctx_, " and refract_count_{n} >= {min}", "", SourceSet::kCounted);
    if (ordered) {
      count_flags = keys_from_rules + count_flags;
      return fmt::format(
          "{}\n| where {}\n| if({}, _messagetime, 9223372036854775807) as refract_time_1\n"
          "| if({}, _messagetime, -1) as refract_time_2{}\n| timeslice {}\n"
          "| min(refract_time_1) as refract_first, max(refract_time_2) as refract_last{} by "
          "_timeslice{}\n| where refract_first < refract_last{}",
          query, any, tests[0], tests[1], count_flags, spec_.window.span, counts, groups,
          thresholds);
    }
    if (NeedsRuleCounts(ctx_)) {
      std::string where = RenderRuleTest(ctx_, kWhere, [](size_t i, long long n) {
        return fmt::format("refract_count_{} >= {}", i + 1, n);
      });
      if (where.empty()) return std::nullopt;
      std::string all = EachSource(ctx_, "sum(refract_rule_{n}) as refract_count_{n}", ", ");
      return text::Cat({query, "\n| where ", any, flags, "\n| timeslice ", spec_.window.span,
                        "\n| ", all, " by _timeslice", groups, "\n| where ", where});
    }
    std::string where = RenderBounds(sum, spec_.condition, " and ", "=");
    return text::Cat({query, "\n| where ", any, flags, "\n| timeslice ", spec_.window.span, "\n| ",
                      maxes, " by _timeslice", groups, "\n| where ", where});
  }
};

// refract's aggregate extension: one aggregation with named measures, a having condition, then
// derived columns. The lookback is the scheduled search's time range.
// https://www.sumologic.com/help/docs/search/search-query-language/group-aggregate-operators/
class SumoAggregate : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const auto& source = ctx_.sources[0];
    // Every field the query reads is extracted once; Sumo's own fields (_messagetime) are not
    // JSON keys.
    std::set<std::string> extra;
    auto want = [&](const std::string& f) {
      if (!f.empty() && f[0] != '_') extra.insert(f);
    };
    for (const auto& f : source.group_fields) want(f);
    for (const auto& m : spec_.measures) want(m.field);
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const ir::Expr* filter = ctx_.MeasureFilter(i);
      if (filter == nullptr) continue;
      std::set<std::string> fields;
      CollectFields(*filter, fields);
      for (const auto& f : fields) want(f);
    }
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
    SumoGenerator emitter(ec, extra);
    auto query = emitter.Run();
    if (!query) return std::nullopt;
    std::string out = LookbackComment(ctx_, "//", "scheduled search") + *query;
    std::vector<std::string> measures;
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      MeasureText text{m.kind, CountsIf(ctx_, i), Alias(m.field), m.name, "", m.limit};
      if (text.counts_if) {
        ir::Rule filter_rule = *source.rule;
        filter_rule.condition = *ctx_.MeasureFilter(i);
        std::string test = emitter.WhereFor(filter_rule);
        if (emitter.failed()) return std::nullopt;
        text.flag = fmt::format("refract_m{}", i + 1);
        out += text::Cat({"\n| if(", test, ", 1, 0) as ", text.flag});
      } else if (ctx_.MeasureFilter(i)) {
        // A conditional min or max of the message time (milliseconds), copied where the
        // selection holds.
        // https://www.sumologic.com/help/docs/search/search-query-language/search-operators/if
        auto fallback = ConditionalTimeFallback(ctx_, i, true, "Sumo Logic's if()");
        if (!fallback) return std::nullopt;
        ir::Rule filter_rule = *source.rule;
        filter_rule.condition = *ctx_.MeasureFilter(i);
        std::string test = emitter.WhereFor(filter_rule);
        if (emitter.failed()) return std::nullopt;
        std::string copy = fmt::format("refract_m{}", i + 1);
        out += text::Cat({"\n| if(", test, ", ", text.field, ", ", *fallback, ") as ", copy});
        text.field = copy;
      } else if (m.kind == ir::MeasureKind::kValues && m.limit != "100") {
        ctx_.Approximates(
            text::Cat({"values() keeps up to 100 distinct values of ", m.written_field, ", not ",
                       m.limit.empty() ? "all" : m.limit}));
      }
      measures.push_back(SpellMeasure(kMeasures, text));
    }
    std::string by;
    if (spec_.window.bucket_seconds > 0) {
      out += "\n| timeslice " + CompactDuration(spec_.window.bucket_seconds);
      by = "_timeslice";
      ctx_.ApproximatesWithBuckets("timeslice");
    }
    for (const auto& f : source.group_fields) by += (by.empty() ? "" : ", ") + Alias(f);
    out += "\n| " + JoinText(measures, ", ");
    if (!by.empty()) out += " by " + by;
    // Group columns under the group-by names, so signals share them.
    for (size_t g = 0; g < spec_.group_by.size(); ++g) {
      std::string alias = Alias(source.group_fields[g]);
      if (alias != spec_.group_by[g]) out += text::Cat({"\n| ", alias, " as ", spec_.group_by[g]});
    }
    if (spec_.test) out += "\n| where " + Test(*spec_.test);
    for (const auto& column : spec_.columns) {
      out += text::Cat(
          {"\n| ", ColumnValue(column, {"", "if({test}, {value}, ", "{value}", ")"}, Test, Literal),
           " as ", column.name});
    }
    return out;
  }

 private:
  static std::string Literal(const std::string& text) { return ColumnLiteral(text, kSumo.quote); }

  static std::string Test(const ir::CorrelationTest& t) {
    return RenderMeasureTest(t, kWhere, [](const std::string& name) { return name; });
  }

  std::map<size_t, size_t> place_;  // a distance or speed measure → the copy of its coordinates
};

// True when `test` reads measure or column `name`.
bool TestReads(const ir::CorrelationTest& test, const std::string& name) {
  if (test.kind == ir::CorrelationTest::Kind::kCompare) {
    return test.name == name || (test.value_is_measure && test.value == name);
  }
  return std::any_of(test.children.begin(), test.children.end(),
                     [&](const auto& child) { return TestReads(child, name); });
}

// True when the condition or a derived column of `spec` reads measure `name`.
bool CorrelationReads(const ir::Correlation& spec, const std::string& name) {
  if (spec.test && TestReads(*spec.test, name)) return true;
  for (const auto& column : spec.columns) {
    for (const auto& [when, then] : column.cases) {
      if (TestReads(when, name)) return true;
    }
  }
  return false;
}

// refract's consecutive, in the shape of Sumo Logic's own land-speed example: one row per
// event (count by the group and every compared value), sorted by group and time, then
// backshift ... by the group for the previous row's values. backshift shifts numbers only, so
// a value that `changed` compares is shifted as the first 52 bits of its MD5 (hexToDec of 13
// hex digits: a double holds them exactly; two different values agree with probability 2^-52),
// and a `previous` text value cannot be written. haversine() measures with a radius of
// 6372.8 km (its documented example, 3,512.71 km, is that radius), rescaled to refract's.
// https://www.sumologic.com/help/docs/search/search-query-language/search-operators/haversine/
// https://www.sumologic.com/help/docs/search/search-query-language/search-operators/backshift/
// https://www.sumologic.com/help/docs/search/search-query-language/search-operators/sort/
// https://www.sumologic.com/help/docs/search/search-query-language/search-operators/hash/
// https://www.sumologic.com/help/docs/search/search-query-language/search-operators/hextodec/
class SumoConsecutive : public CorrelationWriter {
 public:
  using CorrelationWriter::CorrelationWriter;

  std::optional<std::string> Run() {
    const auto& source = ctx_.sources[0];
    if (!RefusePreviousTextReadByTheRule()) return std::nullopt;
    std::set<std::string> extra;
    auto want = [&](const std::string& f) {
      if (!f.empty() && f[0] != '_') extra.insert(f);
    };
    for (const auto& f : source.group_fields) want(f);
    for (const auto& m : spec_.measures) {
      want(m.field);
      want(m.field2);
    }
    EmitContext ec{*source.rule, ctx_.mapping, ctx_.diagnostics, ctx_.target, ctx_.lookups};
    auto query = SumoGenerator(ec, extra).Run();
    if (!query) return std::nullopt;
    std::string out = LookbackComment(ctx_, "//", "scheduled search") + *query;
    const std::string time = ctx_.mapping.Option("time_field", "_messagetime");
    // Every compared coordinate must be there: a missing one would be a null key of the count.
    std::vector<std::string> present, keys = {"refract_time"};
    const std::string group = GroupKey(source.group_fields, out);
    out += text::Cat({"\n| ", Alias(time), " as refract_time"});
    std::vector<std::string> shifted = {"refract_time"};
    std::vector<std::string> left_out, located;
    std::map<std::pair<std::string, std::string>, size_t> places;  // (lat, lon) → its copy
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      const size_t n = i + 1;
      if (!m.field2.empty()) {
        located.push_back(m.name);
        auto [it, fresh] = places.emplace(std::make_pair(m.field, m.field2), n);
        place_[n] = it->second;
        if (!fresh) continue;
        present.push_back(text::Cat({"!isEmpty(", Alias(m.field), ")"}));
        present.push_back(text::Cat({"!isEmpty(", Alias(m.field2), ")"}));
        out += fmt::format("\n| num({}) as refract_lat{}\n| num({}) as refract_lon{}",
                           Alias(m.field), n, Alias(m.field2), n);
        for (const char* part : {"lat", "lon"}) {
          keys.push_back(fmt::format("refract_{}{}", part, n));
          shifted.push_back(keys.back());
        }
      } else if (m.kind == ir::MeasureKind::kChanged) {
        // A missing value compares as empty text, as on the other targets.
        out += fmt::format(
            "\n| if(isNull({0}), \"\", {0}) as refract_v{1}\n| hash(refract_v{1}, \"md5\") as "
            "refract_h{1}\n| hexToDec(substring(refract_h{1}, 0, 13)) as refract_c{1}",
            Alias(m.field), n);
        keys.push_back(fmt::format("refract_c{}", n));
        shifted.push_back(keys.back());
      } else if (m.kind == ir::MeasureKind::kPrevious) {
        left_out.push_back(text::Cat({m.name, " (the previous ", m.written_field, ")"}));
      }
    }
    if (!present.empty()) out += "\n| where " + JoinText(present, " and ");
    out += text::Cat({"\n| count by ", group, ", ", JoinText(keys, ", ")});
    out += text::Cat({"\n| sort by ", group, ", +refract_time"});
    for (const auto& field : shifted) {
      out += text::Cat({"\n| backshift ", field, " by ", group, "\n| _backshift as ", field, "0"});
    }
    out += fmt::format("\n| where !isNull(refract_time0) and refract_time - refract_time0 <= {}",
                       spec_.window.span_seconds * 1000);
    std::vector<std::string> names;
    for (size_t i = 0; i < spec_.measures.size(); ++i) {
      const auto& m = spec_.measures[i];
      if (m.kind == ir::MeasureKind::kPrevious) continue;
      out += Measure(m, i + 1, place_[i + 1]);
      names.push_back(m.name);
    }
    if (!located.empty()) {
      ctx_.Approximates(fmt::format(
          "events without the coordinates that {} compare are left out before pairing (each "
          "row is a group of count, which takes no missing key)",
          JoinText(located, ", ")));
    }
    if (!left_out.empty()) {
      ctx_.Approximates(
          text::Cat({"backshift shifts numbers only: ", JoinText(left_out, ", "), " left out"}));
    }
    if (spec_.test) out += "\n| where " + Test(*spec_.test);
    std::vector<std::string> fields;
    for (size_t g = 0; g < spec_.group_by.size(); ++g) {
      std::string alias = Alias(source.group_fields[g]);
      if (alias != spec_.group_by[g]) out += text::Cat({"\n| ", alias, " as ", spec_.group_by[g]});
      fields.push_back(spec_.group_by[g]);
    }
    for (const auto& column : spec_.columns) {
      out += text::Cat(
          {"\n| ", ColumnValue(column, {"", "if({test}, {value}, ", "{value}", ")"}, Test, Literal),
           " as ", column.name});
      names.push_back(column.name);
    }
    fields.insert(fields.end(), names.begin(), names.end());
    return out + "\n| fields " + JoinText(fields, ", ");
  }

 private:
  // False, after E0500, when the condition or a column reads a `previous` measure, which
  // backshift cannot give for text.
  bool RefusePreviousTextReadByTheRule() const {
    for (const auto& m : spec_.measures) {
      if (m.kind == ir::MeasureKind::kPrevious && CorrelationReads(spec_, m.name)) {
        ctx_.Unsupported(fmt::format(
            "measure '{}' in the condition or a column (backshift shifts numbers only, so "
            "the previous value of {} is not there to test)",
            m.name, m.written_field));
        return false;
      }
    }
    return true;
  }

  // The one field backshift groups by (its syntax takes one): the group field, or for several
  // an injective key of them (each value's length, `:`, the value), built into `out`.
  static std::string GroupKey(const std::vector<std::string>& group_fields, std::string& out) {
    if (group_fields.size() == 1) return Alias(group_fields[0]);
    std::vector<std::string> parts;
    for (const auto& f : group_fields) {
      parts.push_back(fmt::format("length({0}), \":\", {0}", Alias(f)));
    }
    out += text::Cat({"\n| concat(", JoinText(parts, ", "), ") as refract_group"});
    return "refract_group";
  }

  // The stages that compute measure `m` (the n-th, its coordinates copied as the `place`-th)
  // under its own name; times in milliseconds, a speed divides by at least a minute.
  static std::string Measure(const ir::Measure& m, size_t n, size_t place) {
    auto distance = [&] {
      return fmt::format(
          "haversine(refract_lat{0}0, refract_lon{0}0, refract_lat{0}, refract_lon{0}) * {1} / "
          "6372.8",
          place, ir::kEarthRadiusKm);
    };
    const std::string hours = "(refract_time - refract_time0) / 3600000";
    switch (m.kind) {
      case ir::MeasureKind::kDistanceKm:
        return text::Cat({"\n| ", distance(), " as ", m.name});
      case ir::MeasureKind::kSpeedKmh:
        return fmt::format(
            "\n| {0} as refract_d{1}\n| {2} as refract_hours{1}\n| if(refract_hours{1} < 1.0 / "
            "60, 1.0 / 60, refract_hours{1}) as refract_div{1}\n| refract_d{1} / refract_div{1} "
            "as {3}",
            distance(), n, hours, m.name);
      case ir::MeasureKind::kHours:
        return text::Cat({"\n| ", hours, " as ", m.name});
      default:  // changed
        return fmt::format("\n| if(refract_c{0} == refract_c{0}0, 0, 1) as {1}", n, m.name);
    }
  }

  static std::string Literal(const std::string& text) { return ColumnLiteral(text, kSumo.quote); }

  static std::string Test(const ir::CorrelationTest& t) {
    return RenderMeasureTest(t, kWhere, [](const std::string& name) { return name; });
  }

  std::map<size_t, size_t> place_;  // a distance or speed measure → the copy of its coordinates
};

}  // namespace

// A union's signal ends with `as` renames ("" for a column it lacks), `fields` and `sort by`.
// https://help.sumologic.com/docs/search/search-query-language/search-operators/fields/
const UnionColumnSyntax kSumoUnionColumns{"\n| {value} as {name}",
                                          "\"\"",
                                          "\n| fields {columns}",
                                          "\n| sort by {keys}",
                                          "{name} asc",
                                          "{name} desc",
                                          [](const std::string& name) { return name; }};

const Backend& SumoBackend() {
  static const AssembledBackend<SumoGenerator, SumoCorrelation, SumoAggregate, PerSignalUnion,
                                SumoConsecutive>
      kBackend({"sumo", "Sumo Logic (log search)", "sumo"}, {"", "", "", ""}, &kSumoUnionColumns);
  return kBackend;
}

}  // namespace refract
