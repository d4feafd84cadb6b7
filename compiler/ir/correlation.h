// The correlation IR: Sigma correlation rules and refract's aggregate, union and consecutive
// extensions, typed and resolved, so backends and the evaluator never read the parse tree.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/ir/ir.h"

namespace refract::ir {

// The correlation types of Sigma 2.1, then refract's extensions.
enum class CorrelationKind {
  kEventCount,
  kValueCount,
  kTemporal,
  kTemporalOrdered,
  kValueSum,
  kValueAvg,
  kValuePercentile,
  kAggregate,
  kUnion,
  // refract's `consecutive`: each event with the previous event of its group.
  kConsecutive,
};

// The Sigma spelling of `kind` ("event_count", …).
std::string_view CorrelationKindName(CorrelationKind kind);
// The kind spelled `name`, or nullopt.
std::optional<CorrelationKind> CorrelationKindNamed(std::string_view name);

// A comparison of a measure with a constant.
enum class CompareOp { kGt, kGte, kLt, kLte, kEq, kNeq };

// The Sigma condition key of `op` ("gt", "gte", …).
std::string_view CompareOpName(CompareOp op);
// The comparison with Sigma condition key `name`, or nullopt.
std::optional<CompareOp> CompareOpNamed(std::string_view name);
// The operator symbol of `op` (">", ">=", "<", "<=", "==", "!=").
std::string_view CompareOpSymbol(CompareOp op);
// True when `value compared with limit` holds.
bool Compares(CompareOp op, double value, double limit);
// The fewest events whose count is `op` (kGt or kGte) `bound`, a decimal the parser keeps within
// 15 digits: counts are whole, so gte 2.5 and gt 2.5 both need 3.
long long FewestEvents(CompareOp op, const std::string& bound);

// One bound of a Sigma correlation condition: `gte: 5`.
struct Bound {
  CompareOp op = CompareOp::kGte;
  std::string value;  // the number as written
};

// The measures of refract's aggregate extension, then those of `consecutive`, which compare an
// event with the previous one of its group: the great-circle distance between their
// coordinates (field: latitude, field2: longitude), the speed that distance needs, the hours
// between them, whether a field's value changed (1 or 0), and the previous event's value.
enum class MeasureKind {
  kCount,
  kDistinct,
  kValues,
  kMin,
  kMax,
  kSum,
  kAvg,
  kDistanceKm,
  kSpeedKmh,
  kHours,
  kChanged,
  kPrevious,
};

// True for the measures of `consecutive`.
bool IsPairMeasure(MeasureKind kind);

// The Earth's mean radius in km (IUGG), which refract's great-circle distances use.
inline constexpr double kEarthRadiusKm = 6371.0088;
// The fewest hours a speed divides by: two events within a minute count as a minute apart, so
// a speed is finite and two sign-ins a second apart do not become any speed at all.
inline constexpr double kMinSpeedHours = 1.0 / 60.0;

// The rule-language spelling of `kind` ("count", "distinct", …).
std::string_view MeasureKindName(MeasureKind kind);
// The kind spelled `name`, or nullopt.
std::optional<MeasureKind> MeasureKindNamed(std::string_view name);

// A named measure of an aggregate.
struct Measure {
  std::string name;
  MeasureKind kind = MeasureKind::kCount;
  std::string field;  // all but count: the measured field (in the target's names once mapped)
  std::string written_field;  // the field as the rule names it, for messages
  std::string limit;          // values: the most values kept, as written (empty: no limit)
  // count: the events it counts (all when absent); min, max: the events whose field it reads
  // (a conditional min or max). A rule over the first source's log source.
  std::optional<Rule> where;
  SourceLocation location;
  std::string field2;  // distance_km, speed_kmh: the longitude (field is the latitude)
};

// A condition over measures (`failures >= 5 and successes >= 1`), or, for the extended
// temporal condition, over which rules occurred (`a and not b`).
struct CorrelationTest {
  enum class Kind { kCompare, kRule, kAnd, kOr, kNot };
  Kind kind = Kind::kCompare;
  std::string name;  // kCompare: the measure or column; kRule: the rule reference as written
  size_t rule = 0;   // kRule: the index of the source it names
  CompareOp op = CompareOp::kGte;
  std::string value;              // kCompare: the constant as written, or a measure's name
  bool value_is_measure = false;  // kCompare: `value` names a measure (A < B)
  std::vector<CorrelationTest> children;
};

// A derived column of an aggregate: a constant, or the first case that holds.
struct Column {
  std::string name;
  std::string constant;
  std::vector<std::pair<CorrelationTest, std::string>> cases;  // when → then, in order
  std::string otherwise;
};

// Where in time a correlation looks.
struct Window {
  long long span_seconds = 0;
  std::string span;  // as written, e.g. "10m"
  // Sigma's types slide over the span; the aggregate extension is a lookback over it, split
  // into tumbling buckets of `bucket_seconds` when the rule names a window.
  bool sliding = true;
  bool ordered = false;  // temporal_ordered: the rules' events in the order listed
  long long bucket_seconds = 0;
  std::string bucket;  // as written
};

// One input of a correlation: a detection rule, or the alerts of another correlation.
struct CorrelationSource {
  std::string label;  // the reference as written (a rule's name or id)
  SourceLocation location;
  // A detection rule (for a folded chain, the inner correlation's rule); empty when `chained`.
  std::optional<Rule> rule;
  // An unfolded chain: the correlation whose alerts are this source's events.
  std::string chained;
  // Events needed of this source: more than one where a chained event_count is folded in.
  long long min_count = 1;
  // The field behind each group-by entry in this source's events (aliases resolved; the
  // target's names once mapped).
  std::vector<std::string> group_fields;
  std::string value_field;  // value_* types: the field behind `field`
};

// A correlation rule lowered to IR.
struct Correlation {
  RuleInfo info;
  CorrelationKind kind = CorrelationKind::kEventCount;
  std::vector<CorrelationSource> sources;  // a union's parts name correlations (`chained`)
  std::vector<std::string> group_by;       // the group-by names as written: output columns
  Window window;
  std::vector<Bound> condition;  // one, or two for a range; empty for aggregate and union
  std::string field;             // value_* types, as written
  std::string percentile;        // value_percentile, as written
  std::vector<Measure> measures;
  std::optional<CorrelationTest> test;            // aggregate: the having-condition
  std::optional<CorrelationTest> rule_condition;  // extended temporal condition
  std::vector<Column> columns;
  // union: the output columns (name = source column) and the sort order.
  std::vector<std::pair<std::string, std::string>> project;
  std::vector<std::pair<std::string, bool>> sort;  // column, descending
  // A signal of a union written as a query of its own, for targets with no union of results:
  // the union's title; `project` and `sort` then carry the union's shared output columns.
  std::string composed_in;
  bool generate = false;
  SourceLocation location;
  int document = 0;  // 0-based index of its YAML document in the file

  // True for a temporal or temporal_ordered correlation.
  bool IsTemporal() const;
  // True when this correlation's query has an output column `name`: a group-by, a measure or a
  // derived column.
  bool HasColumn(std::string_view name) const;
};

// `part`, a signal of `composition` (a union), as a query of its own that carries the union's
// output columns and order (for targets that cannot union results).
Correlation AsUnionPart(Correlation part, const Correlation& composition);

// Deterministic, indented text form of a correlation (for --emit ir and tests).
std::string Print(const Correlation& correlation);
std::string Print(const CorrelationTest& test);

}  // namespace refract::ir
