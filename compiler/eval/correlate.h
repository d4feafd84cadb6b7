// The reference evaluator for Sigma correlation rules: exact sliding windows over the events
// that matched the referenced rules, per group.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <queue>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "compiler/eval/event.h"
#include "compiler/ir/correlation.h"

namespace refract::eval {

// One event a correlation counted: where it came from and when.
struct EventRef {
  std::string_view file;  // the caller keeps the name alive while the correlator runs
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

// An open-addressing index from a key's hash to a payload, the hash kept beside it: a lookup
// reads one slot (and the ones after it) before the payload's key, where a node-based map reads
// a bucket, a node and the key, each a cache miss once the index outgrows the cache.
template <typename Payload>
class FlatIndex {
 public:
  // The payload stored with `hash` for which `same(payload)` holds, or null.
  template <typename Same>
  const Payload* Find(size_t hash, const Same& same) const {
    if (slots_.empty()) return nullptr;
    const size_t stored = Stored(hash);
    for (size_t i = stored & mask_;; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.hash == 0) return nullptr;
      if (slot.hash == stored && same(slot.payload)) return &slot.payload;
    }
  }
  // Stores `payload` under `hash`; its key must not be in the index yet.
  void Add(size_t hash, Payload payload) {
    if (2 * (size_ + 1) > slots_.size()) Grow();
    Place(Stored(hash), std::move(payload));
    ++size_;
  }

 private:
  struct Slot {
    size_t hash = 0;  // 0: empty
    Payload payload{};
  };
  static size_t Stored(size_t hash) { return hash | 1; }
  void Place(size_t stored, Payload payload) {
    size_t i = stored & mask_;
    while (slots_[i].hash != 0) i = (i + 1) & mask_;
    slots_[i] = {stored, std::move(payload)};
  }
  void Grow() {
    std::vector<Slot> old = std::move(slots_);
    slots_.assign(old.empty() ? 16 : 2 * old.size(), Slot{});
    mask_ = slots_.size() - 1;
    for (Slot& slot : old) {
      if (slot.hash != 0) Place(slot.hash, std::move(slot.payload));
    }
  }
  std::vector<Slot> slots_;  // a power of two of them, at most half used
  size_t mask_ = 0;
  size_t size_ = 0;
};

// Field values kept once for a run, which every correlation of the run may share: the pack's
// correlations read the same addresses, users and apps. Not thread-safe.
class ValueTable {
 public:
  // A value kept once; `mark` lets a window count distinct values without a set.
  struct Value {
    std::string text;
    mutable uint64_t mark = 0;
  };
  // The kept value equal to `text`, added when new; the empty text is one shared value.
  const Value* Intern(std::string_view text);
  // The kept value of `value`'s text, looked up once per event value however many
  // correlations read it.
  const Value* Intern(const FieldValue& value);
  // A stamp no value's mark holds yet, for one count of distinct values.
  uint64_t NewStamp() { return ++stamp_; }

 private:
  std::deque<Value> values_;  // a deque keeps addresses stable as it grows
  FlatIndex<const Value*> index_;
  uint64_t stamp_ = 0;
};

// Collects the matches of a correlation's rules and evaluates the correlation at the end, so
// events need not arrive in time order. Memory grows with matches, not with events read.
class Correlator {
 public:
  // `correlation` must outlive the correlator; rule i of it is `correlation.sources[i]`.
  // `values` is the run's table of field values (a table of its own when null).
  explicit Correlator(const ir::Correlation& correlation,
                      std::shared_ptr<ValueTable> values = nullptr);

  // True for the types evaluated: event_count, value_count, value_sum, value_avg,
  // value_percentile, temporal, temporal_ordered (all of Sigma 2.1's) and refract's aggregate.
  static bool Supports(const ir::Correlation& correlation);

  ~Correlator();

  // The event field that holds `field` (a Sigma name) for rule `rule`: a platform's name when
  // events come in a target's schema. The default reads Sigma's names.
  using FieldNames = std::function<std::string(size_t rule, const std::string& field)>;
  void SetFieldNames(FieldNames names) { names_ = std::move(names); }

  // The aggregate extension's count-if selections, one per measure (null: every event counts).
  void SetMeasureFilters(std::vector<std::unique_ptr<Matcher>> filters);

  // Decides windows (and ordered chains) while events are read, keeping only the matches a
  // later window can still use, so memory stays flat on a long file in time order. Events may
  // arrive up to ten minutes out of order; one later than that sets out_of_order() (the caller
  // re-runs without streaming).
  void EnableStreaming() { streaming_ = true; }
  // Chaining: `inner` hands its alerts to this correlation (through its sink) as it decides
  // them; this one decides nothing that an undecided alert of `inner` could still change.
  void AddInput(const Correlator* inner) { inputs_.push_back(inner); }
  // Called with every alert as it is decided (while streaming, or in Finish).
  void SetAlertSink(std::function<void(const Alert&)> sink) { sink_ = std::move(sink); }
  // Recounts every window hit by hit instead of keeping running tallies for large ones: the
  // reference that tests hold the tallies to.
  void RecountEveryWindow() { recount_ = true; }
  // True when streaming met an event older than a window it had already decided.
  bool out_of_order() const { return out_of_order_; }

  // Records that `event` matched rule `rule` (an index into correlation.rules).
  void Add(size_t rule, const Event& event, const EventRef& where);

  // Records an alert of the correlation named by rule `rule` (chaining): it counts as one event
  // at the alert's end, grouped by its group-by values, carrying the events behind it.
  void AddAlert(size_t rule, const Alert& alert);

  // Alerts, by group (in first-seen order) then time: each window that satisfies the condition,
  // not overlapping the previous alert of its group. Sorts the matches in place; call it once.
  std::vector<Alert> Finish();

 private:
  using Interned = ValueTable::Value;
  // Laid out to keep a match small (88 bytes before its inputs): a run holds every match of
  // two timespans.
  struct Hit {
    EventRef where;
    // A chained alert's events before `where` (only chained correlations have any).
    std::unique_ptr<const std::vector<EventRef>> behind;
    const Interned* value = nullptr;  // the `field` of value_* types
    double number = 0;
    uint32_t rule = 0;
    bool numeric = false;
    // aggregate: per measure, whether the event counts and the measured field's value — its
    // interned text for distinct and values, its number for the others (16 bytes a measure).
    struct Input {
      union {
        const Interned* text = nullptr;
        double number;
      };
      bool counted = true;
      bool numeric = false;  // `number` holds a value (else `text`, possibly null)
      bool time = false;     // `number` is a timestamp parsed from text
    };
    std::vector<Input> inputs;
  };
  // One measure's running state over a window of a group's hits: only what its kind reads.
  struct Tally {
    enum class Need { kNone, kCount, kTexts, kMin, kMax, kSum };
    Need need = Need::kNone;
    size_t counted = 0;                                   // hits that count
    std::unordered_map<const Interned*, uint32_t> texts;  // distinct non-empty texts, how often
    double sum = 0;      // of the numbers that sum exactly in any order (see SumsExactly)
    size_t numbers = 0;  // numeric values that count
    // Values whose running sum or extreme could differ from a sum or comparison in window order
    // (fractions, huge numbers, NaN, -0): while any is in the window, the measure is recounted.
    size_t inexact = 0;
    // (position, number) of the values that can still become the window's min (or max), the
    // earliest first: a value that a later, smaller one precedes never can.
    std::deque<std::pair<size_t, double>> extremes;
  };
  // The running tallies of one group's window hits[lo - base, hi - base), so a window that
  // slides by one hit costs that hit, not the window's length. `base` counts the hits dropped
  // from the group's front since the tallies began, so positions survive DropFront.
  struct Running {
    size_t lo = 0;
    size_t hi = 0;
    size_t base = 0;
    std::vector<Tally> tallies;       // one per measure (aggregate), or one (Sigma's value types)
    std::vector<uint32_t> rule_hits;  // temporal: the window's hits of each source rule
    size_t rules = 0;                 // temporal: the source rules with a hit in the window
  };
  struct Group {
    std::string key;                   // its GroupKey: a few words, kept in place
    std::vector<Hit> hits;             // in time order once sorted (always, when streaming)
    size_t order = 0;                  // first-seen position, for the order of alerts
    size_t begin = 0;                  // the current window's first hit
    size_t next = 0;                   // the first hit whose window is not decided yet
    double not_before = -1e300;        // the last alert's end: alerts do not overlap
    double decided = -1e300;           // the time of the last decided window's end
    double due = 1e300;                // when its first undecided window is due (streaming)
    std::unique_ptr<Running> running;  // a large window's tallies (small ones are recounted)
  };
  // Writes the group key of `event` into `key`: the address of each group-by value's interned
  // copy, so equal keys are equal values, and hashing a key costs a few words.
  void GroupKey(size_t rule, const Event& event, std::string& key);
  // An alert of `group` without events or values: its group-by values, named and as pairs.
  Alert AlertOf(const Group& group, double start, double end, double measure) const;
  void AddHit(size_t rule, const Event& event, Hit hit);
  bool ConditionHolds(double measure) const;
  // The extended temporal condition, given each source rule's hits in the window.
  bool RulesHold(const ir::CorrelationTest& test, const std::vector<uint32_t>& rule_hits) const;
  // The measure a Sigma type compares for the window hits[begin..end]; none when a percentile
  // has no value. For temporal types, `rule_hits` is pointed at each source rule's hits in it.
  std::optional<double> SigmaMeasure(Group& group, size_t begin, size_t end,
                                     const std::vector<uint32_t>*& rule_hits);
  // The running tallies of `group` moved to cover hits[begin..end] (made, or started again when
  // the window moved back), or null for a window small enough to recount.
  Running* Slide(Group& group, size_t begin, size_t end);
  // `hit` entering `running`'s window at its end (step 1) or leaving it at its front (step -1);
  // `at` is its position counted from the tallies' start.
  void Step(Running& running, const Hit& hit, size_t at, int step) const;
  // A counted value entering or leaving `tally`: its text (null for a number) or its number.
  static void Move(Tally& tally, const Interned* text, bool numeric, double number, size_t at,
                   int step);
  // The reading of `tally` as a measure of `kind` into out's number; false when the tally cannot
  // give the exact figure a recount would (an inexact value in the window).
  static bool Read(const Tally& tally, ir::MeasureKind kind, NamedValue& out);
  // The tested measures of the aggregate's window hits[begin..end] into tested_.
  void TestedMeasures(Group& group, size_t begin, size_t end);
  // The aggregate's test over tested_, its measures found by position.
  struct Check {
    ir::CorrelationTest::Kind kind = ir::CorrelationTest::Kind::kCompare;
    ir::CompareOp op = ir::CompareOp::kGte;
    int left = -1;   // kCompare: the measure compared (-1: none of that name, so false)
    int right = -1;  // kCompare: the measure compared with, or -1 for `constant`
    bool right_is_measure = false;
    double constant = 0;
    std::vector<Check> children;
  };
  // `test` with its measures found by position, each marked in tested_measure_.
  Check CheckOf(const ir::CorrelationTest& test);
  // The fewest hits a window needs for `check` to hold: a count or distinct count is at most
  // the window's hits, so `count >= 10` needs ten of them (0 when nothing bounds it).
  size_t FewestHits(const Check& check) const;
  // The same for a Sigma type's condition over its measure (event_count, value_count).
  size_t FewestHitsOfCondition() const;
  // What a running tally of a measure of `kind` keeps.
  static Tally::Need NeedOf(ir::MeasureKind kind);
  // Whether `check` holds over the measures in `values` (by position).
  static bool Holds(const Check& check, const std::vector<NamedValue>& values);
  // Decides the windows of `group` that end more than the timespan and an hour before `now`
  // (all of them when `final`), then drops the hits no later window can use.
  void Advance(Group& group, double now, bool final);
  // The window ending at hits[end] (the group's begin moved for it); returns the last hit the
  // alert covers when it holds.
  std::optional<size_t> Decide(Group& group, size_t end);
  std::optional<size_t> DecideAggregate(Group& group, size_t end);
  // consecutive: hits[end] with the hit before it, when that is within the timespan.
  std::optional<size_t> DecideConsecutive(Group& group, size_t end);
  // consecutive: two inputs per measure (a distance's latitude and longitude, a field's text).
  std::vector<Hit::Input> PairInputs(size_t rule, const Event& event);
  // consecutive: the measures of hits[end - 1] and hits[end].
  std::vector<NamedValue> PairMeasures(const Hit& before, const Hit& after) const;
  // Appends the derived columns, each its constant or the first case that holds over `values`.
  void AddColumns(std::vector<NamedValue>& values) const;
  // Decides the ordered chains of `group` that start early enough that every event they could
  // hold has arrived (all of them when `final`), then drops the hits no later chain can use.
  void AdvanceOrdered(Group& group, double now, bool final);
  // The chain from hits[start], when rule 0 there is followed by every other rule in order.
  std::optional<Alert> ChainFrom(const Group& group, size_t start) const;
  // Hands `alert` to the sink and keeps it for Finish.
  void Keep(size_t order, Alert alert);
  double Span() const;
  // How long after a hit its window may still change: the span and the lateness allowed.
  double Horizon() const;
  // Drops the first `count` hits of `group` once they are half of it (or the group is small),
  // so a long window is not moved for every hit.
  void DropFront(Group& group, size_t count);
  // The time up to which windows may be decided: the newest event, held back while an input
  // correlation may still hand over an alert.
  double DecidingNow() const;
  // Advances every group whose first undecided window is due by `now`, so quiet groups decide
  // their windows and drop their old hits too.
  void Sweep(double now);
  // Advance or AdvanceOrdered, as the type needs.
  void AdvanceGroup(Group& group, double now, bool final);
  // Queues `group` for Sweep by the time its first undecided window is due.
  void Schedule(size_t index);
  const Interned* Intern(std::string_view text);
  // The measures over hits[begin..end] into `out`, one per measure; without `render`, numbers
  // only (JSON and text are built for the alert alone).
  void Measures(const std::vector<Hit>& hits, size_t begin, size_t end, bool render,
                std::vector<NamedValue>& out) const;
  // Measure `m` over hits[begin..end] into `out`, counted hit by hit.
  void MeasureOver(const std::vector<Hit>& hits, size_t begin, size_t end, size_t m, bool render,
                   NamedValue& out) const;
  mutable std::vector<NamedValue> tested_;  // the measures of the window being tested
  // The event field for `field` of rule `rule` (a schema's name); NamesOf calls it once a field.
  std::string Name(size_t rule, const std::string& field) const;
  static void Collect(const Hit& hit, Alert& alert);

  const ir::Correlation& correlation_;
  std::vector<std::pair<ir::CompareOp, double>> bounds_;  // the condition, its limits read once
  std::optional<Check> check_;                            // the aggregate's test
  std::vector<bool> tested_measure_;                      // the measures the test reads
  size_t fewest_hits_ = 0;           // a window of fewer hits cannot hold: it is not counted
  double percentile_ = 0;            // value_percentile: the percentile, read once
  std::vector<Tally::Need> needs_;   // what the running tallies keep, one entry per tally
  bool tallies_ = false;             // whether a large window has anything to tally
  std::vector<uint32_t> rule_hits_;  // temporal: a recounted window's hits per source rule
  std::vector<double> numbers_;      // a percentile's values
  FieldNames names_;
  bool streaming_ = false;
  bool recount_ = false;
  std::function<void(const Alert&)> sink_;
  std::vector<const Correlator*> inputs_;
  // Every window ending before this time is decided (and its alert handed to the sink).
  double decided_until_ = -1e300;
  // (due time, group index): groups with undecided hits, earliest due first; an entry whose
  // time is not its group's `due` any more is stale and skipped.
  std::priority_queue<std::pair<double, size_t>, std::vector<std::pair<double, size_t>>,
                      std::greater<>>
      due_;
  bool out_of_order_ = false;
  double now_ = -1e300;                           // the latest event time seen
  std::vector<std::pair<size_t, Alert>> alerts_;  // (group order, alert), decided so far
  std::shared_ptr<ValueTable> values_;            // interned field values
  mutable std::vector<const Interned*> seen_;     // distinct texts of one measure, first seen first
  // The event fields one rule's hits read, resolved once: its group-by fields, its value field,
  // each measure's field and second field.
  struct SourceNames {
    // One field: its name, and where events of the last layout have it.
    struct Field {
      std::string name;
      mutable FieldPositions at;
      // The first value of the field in `event` that is not null, or null.
      const FieldValue* In(const Event& event) const { return event.FirstNonNull(name, at); }
    };
    std::vector<Field> group;
    Field value;
    std::vector<Field> measure;
    std::vector<Field> measure2;
  };
  const SourceNames& NamesOf(size_t rule) const;
  mutable std::vector<std::unique_ptr<SourceNames>> source_names_;
  std::vector<std::unique_ptr<Matcher>> filters_;
  std::deque<Group> groups_;   // in first-seen order; a deque grows without moving them
  FlatIndex<uint32_t> index_;  // group key (GroupKey) -> position in groups_
  std::string key_;  // the group key of the hit being added, reused to spare an allocation
};

// The event's timestamp from the first of the common names that parses (@timestamp, timestamp,
// TimeCreated, TimeGenerated, EventTime, TimeCreatedUtc), or `field` when given.
std::optional<double> EventTime(const Event& event, const std::string& field = "");

// ISO 8601 UTC text of epoch seconds, with milliseconds when there are any.
std::string FormatTime(double seconds);

}  // namespace refract::eval
