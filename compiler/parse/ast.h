// Stage "parse" output: the rule as written, with positions, before any meaning is applied.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"

namespace refract::ast {

enum class ScalarKind { kString, kNumber, kBool, kNull };

// A YAML scalar as Sigma reads it: quoted text is a string, plain 12 a number, true a bool.
struct Scalar {
  ScalarKind kind = ScalarKind::kString;
  std::string text;
  SourceLocation location;
};

// One `|name` after a field name.
struct Modifier {
  std::string name;
  SourceLocation location;
};

// `field|mods: value(s)`, or a keyword list when `field` is absent.
struct DetectionItem {
  std::optional<std::string> field;
  std::vector<Modifier> modifiers;
  std::vector<Scalar> values;
  SourceLocation location;
};

// A map of items, all of which must hold.
struct SearchAlternative {
  std::vector<DetectionItem> items;
};

// A named search identifier: any of its alternatives holds.
struct Search {
  std::string name;
  SourceLocation location;
  std::vector<SearchAlternative> alternatives;
};

// The parsed condition expression.
struct Condition {
  enum class Kind { kAnd, kOr, kNot, kRef, kOneOf, kAllOf };
  Kind kind = Kind::kRef;
  std::vector<Condition> children;
  std::string name;  // kRef: identifier; kOneOf/kAllOf: pattern, or "them"
  SourceLocation location;
};

struct LogSource {
  std::string product;
  std::string category;
  std::string service;
  std::string definition;
};

// A Sigma detection rule as written.
struct Rule {
  std::string title;
  std::string id;
  std::string name;
  std::string status;
  std::string description;
  std::string author;
  std::string date;
  std::string modified;
  std::string level;
  std::vector<std::string> tags;
  std::vector<std::string> references;
  std::vector<std::string> falsepositives;
  std::vector<std::string> fields;
  LogSource logsource;
  SourceLocation logsource_location;
  std::vector<Search> searches;
  std::vector<std::string> broken_searches;  // failed to parse: already reported
  std::vector<Condition> conditions;         // a list of conditions means any of them
  SourceLocation location;                   // the document's start
  bool has_errors = false;                   // parsed with errors: lowered only to report more
  std::vector<std::string> filter_rules;  // a Sigma filter: the rules it applies to (all if empty)
};

// A Sigma correlation rule (sigma-correlation-rules-specification 2.1) as written.
struct Correlation {
  std::string title;
  std::string id;
  std::string name;
  std::string status;
  std::string description;
  std::string author;
  std::string level;
  std::vector<std::string> tags;
  std::vector<std::string> falsepositives;
  std::vector<std::string> references;
  std::string type;  // event_count, value_count, temporal, temporal_ordered, value_sum, ...
  std::vector<Scalar> rules;  // referenced rule ids or names
  std::vector<std::string> group_by;
  std::string timespan;  // as written, e.g. "10m"
  long long timespan_seconds = 0;
  struct Bound {
    std::string op;  // gt gte lt lte eq neq
    std::string value;
  };
  std::vector<Bound> condition;  // one, or two for a range
  std::string field;             // value_count, value_sum, value_avg, value_percentile
  std::string percentile;        // value_percentile
  std::map<std::string, std::map<std::string, std::string>> aliases;  // alias → rule → field
  bool generate = false;

  // refract's `aggregate` extension.
  struct Measure {
    std::string name;
    std::string kind;    // count, distinct, values, min, max, sum, avg
    std::string field;   // all but count (distance_km, speed_kmh: the latitude)
    std::string field2;  // distance_km, speed_kmh: the longitude
    std::string limit;   // values
    // count: the events it counts (all when absent); min, max: the events whose field it reads.
    std::optional<Search> where;
    SourceLocation location;
  };
  // A condition over measures: comparisons joined by and/or/not.
  struct Test {
    enum class Kind { kCompare, kAnd, kOr, kNot };
    Kind kind = Kind::kCompare;
    std::string measure;
    std::string op;  // > >= < <= == !=
    std::string value;
    bool value_is_measure = false;  // `value` names a measure: FirstFailure < LastSuccess
    std::vector<Test> children;
  };
  struct Column {
    std::string name;
    std::string constant;                             // a text or number
    std::vector<std::pair<Test, std::string>> cases;  // when → then, in order
    std::string otherwise;                            // else
  };
  std::vector<Measure> measures;
  std::optional<Test> test;
  // The extended temporal condition: rule references (Test leaves with an empty op) joined by
  // and/or/not; when set, `condition` is empty.
  std::optional<Test> rule_condition;
  std::vector<Column> columns;
  std::string window;  // optional bucket within the lookback
  long long window_seconds = 0;

  // refract's `union` extension: the output columns (name = source column) and the sort order.
  std::vector<std::pair<std::string, std::string>> project;
  std::vector<std::pair<std::string, bool>> sort;  // column, descending
  SourceLocation location;
  int document = 0;  // 0-based index of its YAML document in the file
};

// Deterministic text form of the AST (for --emit ast and tests).
std::string Print(const Correlation& correlation);
std::string Print(const Rule& rule);
std::string Print(const Condition& condition);

}  // namespace refract::ast
