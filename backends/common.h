// Pieces every text backend needs: boolean structure with a target's tokens, and text helpers.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/backend.h"
#include "backends/text_generator.h"
#include "compiler/ir/ir.h"
#include "compiler/text/utf8.h"

namespace refract {

using text::HasNonAsciiCasedLetter;

// java.util.regex as a flavour named `name`: lookaround, backreferences, atomic groups,
// possessive quantifiers, \Z, (?<name>) groups (QRadar's MATCHES, Cloud SIEM's rlike).
// https://docs.oracle.com/en/java/javase/17/docs/api/java.base/java/util/regex/Pattern.html
ir::RegexFlavor JavaRegexFlavor(std::string name);

// Lucene's regexp engine (Elastic EQL `regex`, Lucene query strings): whole-value matches, no
// shorthands, anchors, lazy quantifiers or flags.
// https://www.elastic.co/guide/en/elasticsearch/reference/current/regexp-syntax.html
const ir::RegexFlavor& LuceneRegexFlavor();

// A Sigma wildcard pattern as a whole-value Lucene regexp (`*` → `.*`, `?` → `.`), with
// `leading`/`trailing` `.*` for contains/endswith/startswith shapes; `fold` spells letters as
// [aA] classes.
std::string LucenePatternRegex(const ir::Pattern& pattern, bool leading, bool trailing, bool fold);

// How a target's regex spells a Sigma wildcard pattern: its `*` and `?`, and the anchors at a
// pattern's closed ends. With `pad`, an open end (contains, startswith, endswith) is anchored
// too and padded with `any_chars`, for engines that search where the others match whole values.
struct PatternRegexSyntax {
  std::string_view any_chars;
  std::string_view one_char;
  std::string_view start;
  std::string_view end;
  bool pad;
};

// Sigma wildcard `pattern` tested with `op` as a regex body in `flavor` and `syntax`.
std::string PatternAsRegex(const ir::Pattern& pattern, ir::Op op, const ir::RegexFlavor& flavor,
                           const PatternRegexSyntax& syntax);

// `text` with every `from` replaced by `to`, left to right.
std::string ReplaceAll(std::string text, std::string_view from, std::string_view to);

// Elasticsearch (and OpenSearch) refuse a regexp query longer than index.max_regex_length,
// 1,000 characters by default: Lucene query strings, EQL regex and ES|QL RLIKE all become one.
// https://www.elastic.co/guide/en/elasticsearch/reference/current/index-modules.html#index-max-regex-length
inline constexpr size_t kMaxElasticRegexLength = 1000;

// Why `regex` cannot be sent to Elasticsearch as it stands, or nullopt when it can.
std::optional<std::string> ElasticRegexTooLong(std::string_view regex);

// Sumo Logic's test of an IPv4 address against network `v` (a.b.c.d/n), as its log search and
// Cloud SIEM both take it: compareCIDRPrefix(network, field, prefix length as a string), with
// literals in `quote`.
// https://www.sumologic.com/help/docs/search/search-query-language/search-operators/cidr/
std::string CompareCidrPrefix(const ir::Value& v, const std::string& field,
                              const QuoteStyle& quote);

// A duration in the largest whole unit: 86400 → "1d", 600 → "10m", 45 → "45s".
std::string CompactDuration(long long seconds);

// A correlation condition over `subject`: `event_count >= 5 AND event_count < 10`; `eq` spells
// equality ("==" or "=").
std::string RenderBounds(const std::string& subject, const std::vector<ir::Bound>& bounds,
                         std::string_view and_op, std::string_view eq);

// A condition over an aggregate's measures with a target's and/or/not tokens; `name` writes a
// measure name as the target refers to it.
std::string RenderMeasureTest(const ir::CorrelationTest& test, const BoolSyntax& syntax,
                              const std::function<std::string(const std::string&)>& name);

// True when `text` is a decimal number (a column value written without quotes).
bool IsNumberText(const std::string& text);

// The top-level conjuncts of `expr` (itself when it is not an `and`).
std::vector<const ir::Expr*> Conjuncts(const ir::Expr& expr);

// True when `lookups` are on (a bundle deploys lists) and `p` tests every value of the |expand
// list it came from, so the query may read that list from the platform instead: not a keyword,
// time part or all-of test, and not split by a pass (a wildcard value goes its own way).
bool TestsWholeList(const ir::Predicate& p, const ListLookups* lookups);

// A comment line (after `comment`) naming an aggregate's lookback, for targets where the time
// range is set on `where` (the search, the alert) rather than in the query.
std::string LookbackComment(const CorrelationContext& ctx, std::string_view comment,
                            std::string_view where);

// True when every source of `ctx` reads its group keys and value from the same fields as the
// first, so that one query can test `rule1 or rule2` and aggregate them together.
bool SourcesShareFields(const CorrelationContext& ctx);

// True when a source of `ctx` needs more than one event (a folded chained event_count).
bool HasThresholds(const CorrelationContext& ctx);

// True when a temporal correlation's condition asks for every rule (the default `gte: N`).
bool AsksForEveryRule(const CorrelationContext& ctx);

// True when a temporal correlation needs per-rule counts: a folded chained event_count or the
// extended condition over rule names.
bool NeedsRuleCounts(const CorrelationContext& ctx);

// The per-rule test of a temporal correlation with per-rule counts: its extended condition, or
// every rule; `leaf(i, n)` writes "source i has at least n events". Empty, after reporting
// E0500, when a plain condition asks for something other than every rule.
std::string RenderRuleTest(const CorrelationContext& ctx, const BoolSyntax& syntax,
                           const std::function<std::string(size_t, long long)>& leaf);

// True when every character of `text` is an ASCII letter, digit, `_` or one of `also`.
bool AllNameChars(std::string_view text, std::string_view also = "");

// True when `name` is an identifier: name characters (with `also`), not starting with a digit.
bool IsPlainName(std::string_view name, std::string_view also = "");

// `text` as a lower-case identifier: ASCII letters and digits, one `_` for each run of other
// characters, none at the ends (empty when `text` has no letter or digit).
std::string SnakeCase(std::string_view text);

// A name for a value refract derives (a group key read from several fields, a flag):
// `refract_` and `name` with every character but ASCII letters and digits as `_`.
std::string RefractName(std::string_view name);

// A derived column's value: a decimal number bare, other text quoted in `quote`.
std::string ColumnLiteral(const std::string& text, const QuoteStyle& quote);

// How a target writes a conditional column: `open` as it is, then fmt templates (a literal
// brace doubled) — `each_case` for every case ({test}, {value}) and `otherwise` ({value}) —
// then `close_each` once per case; {name} is the column's name. Nested ifs, for example:
// {"", "if({test}, {value}, ", "{value}", ")"}.
struct ColumnSyntax {
  std::string_view open;
  std::string_view each_case;
  std::string_view otherwise;
  std::string_view close_each;
};

// The value of derived column `column` named `name`: its constant, or its cases in `syntax`;
// `test` writes a case's condition and `literal` a value.
std::string ColumnValue(const ir::Column& column, const ColumnSyntax& syntax,
                        const std::function<std::string(const ir::CorrelationTest&)>& test,
                        const std::function<std::string(const std::string&)>& literal,
                        const std::string& name = "");

// How a target writes each kind of measure: fmt templates over {field} (the mapped field),
// {name} (the output name), {flag} (the 0/1 field a count-if sums), {limit} (a values limit),
// {fn} and {FN} (the kind's name in lower and upper case). An empty template is a measure the
// target writes its own way.
struct MeasureSpelling {
  std::string_view count;
  std::string_view count_if;
  std::string_view distinct;
  std::string_view values;
  std::string_view values_limit;
  std::string_view other;  // min, max, sum, avg
};

// What one measure is written from.
struct MeasureText {
  ir::MeasureKind kind;
  bool counts_if = false;  // a count with a where-selection, summed from {flag}
  std::string field;
  std::string name;
  std::string flag;
  std::string limit;
};

// True when measure `i` of ctx is a count with a where-selection.
bool CountsIf(const CorrelationContext& ctx, size_t i);

// On a target whose if() needs an else value (no null to skip), the value a conditional min or
// max of the event time reads where its selection does not hold — 9999-12-31T23:59:59Z for min,
// the epoch for max, so it never wins over an event's time — with W0501 naming it; nullopt and
// E0500 when measure `i` reads a field other than the mapping's time_field, where no value is
// safe. `milliseconds`: the target's times count milliseconds; `target_if` names its if().
std::optional<std::string> ConditionalTimeFallback(const CorrelationContext& ctx, size_t i,
                                                   bool milliseconds, std::string_view target_if);

// How a target writes the measures of `consecutive`, fmt templates over the current event's and
// the previous event's values: `distance_km` over {lat}, {lon} (now) and {lat0}, {lon0} (before);
// `hours` over {time} and {time0}; `speed_kmh` over {distance}, {hours} and {min_hours} (the
// fewest hours it divides by); `changed` over {value} and {value0}.
struct PairMeasureSyntax {
  std::string_view distance_km;
  std::string_view hours;
  std::string_view speed_kmh;
  std::string_view changed;
};

// The values a `consecutive` measure is written from, in the target's syntax.
struct PairMeasureText {
  std::string lat, lon, lat0, lon0;  // distance_km, speed_kmh
  std::string time, time0;           // every measure (hours, speed_kmh)
  std::string value, value0;         // changed, previous
};

// Measure `kind` of `consecutive` in `syntax` (previous: the previous value as it is).
std::string SpellPairMeasure(const PairMeasureSyntax& syntax, ir::MeasureKind kind,
                             const PairMeasureText& text);

// `m` in `spelling`.
std::string SpellMeasure(const MeasureSpelling& spelling, const MeasureText& m);

// The one measure a counting correlation computes (event_count: count; value_count: distinct
// of the value field; value_sum, value_avg), named after the kind; nullopt for the others.
std::optional<ir::MeasureKind> CorrelationMeasure(ir::CorrelationKind kind);

// `write(item)` for each of `items`, joined by `separator`.
template <class Range, class Write>
std::string JoinEach(const Range& items, std::string_view separator, Write&& write) {
  std::string out;
  bool first = true;
  for (const auto& item : items) {
    if (!first) out += separator;
    out += write(item);
    first = false;
  }
  return out;
}

// `parts` joined by `separator`.
inline std::string JoinText(const std::vector<std::string>& parts, std::string_view separator) {
  return JoinEach(parts, separator, [](const std::string& part) { return part; });
}

// Which sources of a correlation a per-source text is written for.
enum class SourceSet {
  kAll,
  kCounted,  // the sources that need more than one event (folded chained event_counts)
};

// `format` for each source in `which`, joined by `separator`; {n} is the source's number from
// 1, {min} the events it needs and {text} its entry in `texts` (when given).
std::string EachSource(const CorrelationContext& ctx, std::string_view format,
                       std::string_view separator, SourceSet which = SourceSet::kAll,
                       const std::vector<std::string>& texts = {});

// How a pipeline language ends one signal's query with its union's columns (ir::AsUnionPart):
// fmt templates — `assign` ({name}, {value}) sets a renamed column, or a column the signal lacks
// to `missing` (empty: left out, for targets that drop absent fields silently), `keep`
// ({columns}, joined by ", ") keeps the union's columns in order, `sort` ({keys}) orders by
// `ascending`/`descending` ({name}) keys (empty `sort`: the target's sort would cut the result);
// `name` writes a column name.
struct UnionColumnSyntax {
  std::string_view assign;
  std::string_view missing;
  std::string_view keep;
  std::string_view sort;
  std::string_view ascending;
  std::string_view descending;
  std::function<std::string(const std::string&)> name;
};

// The stages that give a union's signal the union's columns and order; "" for a query that is
// no union's part.
std::string UnionColumns(const ir::Correlation& spec, const UnionColumnSyntax& syntax);

// What every correlation, aggregate and union writer reads: the context and its IR.
class CorrelationWriter {
 public:
  explicit CorrelationWriter(const CorrelationContext& ctx) : ctx_(ctx), spec_(ctx.spec) {}

 protected:
  // Reports E0500 for `construct` when `unsupported` holds; returns `unsupported`.
  bool Refuses(bool unsupported, std::string_view construct) const {
    if (unsupported) ctx_.Unsupported(std::string(construct));
    return unsupported;
  }

  const CorrelationContext& ctx_;
  const ir::Correlation& spec_;
};

// How a target writes the labels of a correlation's source: each `assign` ({name}, {value})
// joined by `separator`; `label` quotes the rule's label, `name` writes a group-by name, and
// `group_field` and `value_field` read the source's fields.
struct LabelSyntax {
  std::string_view assign;
  std::string_view separator;
  std::function<std::string(const std::string&)> label;
  std::function<std::string(const std::string&)> name;
  std::function<std::string(const std::string&)> group_field;
  std::function<std::string(const std::string&)> value_field;
};

// The values source `i`'s events are labelled with, so that one aggregation reads every rule:
// refract_rule (the rule's label), each group-by name and refract_value (the value field).
std::string SourceLabels(const CorrelationContext& ctx, size_t i, const LabelSyntax& syntax);

// The queries of ctx's sources, each written by `Generator(EmitContext).Run()`; nullopt once
// one cannot be written (it reported why).
template <class Generator>
std::optional<std::vector<std::string>> SourceQueries(const CorrelationContext& ctx) {
  std::vector<std::string> queries;
  for (const auto& source : ctx.sources) {
    EmitContext ec{*source.rule, ctx.mapping, ctx.diagnostics, ctx.target, ctx.lookups};
    auto query = Generator(ec).Run();
    if (!query) return std::nullopt;
    queries.push_back(*std::move(query));
  }
  return queries;
}

}  // namespace refract
