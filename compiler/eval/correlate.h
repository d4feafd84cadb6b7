// The reference evaluator for Sigma correlation rules: exact sliding windows over the events
// that matched the referenced rules, per group.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "compiler/eval/event.h"
#include "compiler/parse/ast.h"

namespace refract::eval {

// One event a correlation counted: where it came from and when.
struct EventRef {
  std::string file;
  size_t line = 0;
  double time = 0;
};

// A named value of an aggregate alert (a measure or a derived column).
struct NamedValue {
  std::string name;
  std::string json;  // the value as JSON: a number, a string or an array
  double number = 0;
  bool numeric = false;
  std::string text;  // the value as text (strings and times; numbers as written)
};

// A correlation that held: its group, its window and the events in it.
struct Alert {
  std::string group;  // group-by values joined as field=value, in group_by order
  std::vector<std::pair<std::string, std::string>> keys;  // the same, as (field, value) pairs
  double start = 0;
  double end = 0;
  double measure = 0;  // the count, distinct count, sum or average compared
  std::vector<EventRef> events;
  std::vector<NamedValue> values;  // aggregate: its measures, then its columns
};

class Matcher;

// Collects the matches of a correlation's rules and evaluates the correlation at the end, so
// events need not arrive in time order. Memory grows with matches, not with events read.
class Correlator {
 public:
  // `correlation` must outlive the correlator; rule i of it is `correlation.rules[i]`.
  explicit Correlator(const ast::Correlation& correlation);

  // True for the types evaluated: event_count, value_count, value_sum, value_avg,
  // value_percentile, temporal, temporal_ordered (all of Sigma 2.1's) and refract's aggregate.
  static bool Supports(const ast::Correlation& correlation);

  ~Correlator();

  // The event field that holds `field` (a Sigma name) for rule `rule`: a platform's name when
  // events come in a target's schema. The default reads Sigma's names.
  using FieldNames = std::function<std::string(size_t rule, const std::string& field)>;
  void SetFieldNames(FieldNames names) { names_ = std::move(names); }

  // The aggregate extension's count-if selections, one per measure (null: every event counts).
  void SetMeasureFilters(std::vector<std::unique_ptr<Matcher>> filters);

  // Records that `event` matched rule `rule` (an index into correlation.rules).
  void Add(size_t rule, const Event& event, const EventRef& where);

  // Records an alert of the correlation named by rule `rule` (chaining): it counts as one event
  // at the alert's end, grouped by its group-by values, carrying the events behind it.
  void AddAlert(size_t rule, const Alert& alert);

  // Alerts, by group (in first-seen order) then time: each window that satisfies the condition,
  // not overlapping the previous alert of its group. Sorts the matches in place; call it once.
  std::vector<Alert> Finish();

 private:
  struct Hit {
    EventRef where;
    std::vector<EventRef> behind;  // a chained alert's events before `where`
    size_t rule = 0;
    std::string value;  // the `field` of value_* types
    double number = 0;
    bool numeric = false;
    // aggregate: per measure, whether the event counts and the measured field's value
    struct Input {
      bool counted = true;
      std::string text;
      double number = 0;
      bool numeric = false;
      bool time = false;  // `number` is a timestamp parsed from text
    };
    std::vector<Input> inputs;
  };
  struct Group {
    std::string key;
    std::vector<std::pair<std::string, std::string>> keys;
    std::vector<Hit> hits;
  };
  std::string GroupKey(size_t rule, const Event& event,
                       std::vector<std::pair<std::string, std::string>>* keys) const;
  void AddHit(size_t rule, const Event& event, Hit hit);
  bool ConditionHolds(double measure) const;
  bool RulesHold(const ast::Correlation::Test& test, const std::set<size_t>& seen) const;
  void Window(const Group& group, std::vector<Alert>& out) const;
  void Ordered(const Group& group, std::vector<Alert>& out) const;
  void Aggregate(const Group& group, std::vector<Alert>& out) const;
  std::vector<NamedValue> Measures(const std::vector<Hit>& hits, size_t begin, size_t end) const;
  std::string Name(size_t rule, const std::string& field) const {
    return names_ ? names_(rule, field) : field;
  }
  static void Collect(const Hit& hit, Alert& alert);

  const ast::Correlation& correlation_;
  FieldNames names_;
  std::vector<std::unique_ptr<Matcher>> filters_;
  std::vector<Group> groups_;                      // in first-seen order
  std::unordered_map<std::string, size_t> index_;  // group key -> position in groups_
};

// The event's timestamp from the first of the common names that parses (@timestamp, timestamp,
// TimeCreated, TimeGenerated, EventTime, TimeCreatedUtc), or `field` when given.
std::optional<double> EventTime(const Event& event, const std::string& field = "");

// ISO 8601 UTC text of epoch seconds, with milliseconds when there are any.
std::string FormatTime(double seconds);

}  // namespace refract::eval
