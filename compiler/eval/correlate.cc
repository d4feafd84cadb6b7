#include "compiler/eval/correlate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <set>

#include "compiler/eval/matcher.h"

namespace refract::eval {
namespace {

// How late (in seconds) a streamed event may arrive after later ones and still be counted.
constexpr double kLateness = 600;

// A group this small drops its decided hits at once (a short move); a larger one when they are
// half of it, so that a long window is not moved for every hit. Most groups are small (one user,
// one address), and their spare capacity is most of a streaming run's memory otherwise.
constexpr size_t kSmallGroup = 64;

// The text of the first value of `field` that is not null; empty when there is none.
std::string_view FirstText(const Event& event, const std::string& field) {
  const FieldValue* value = event.FirstNonNull(field);
  return value == nullptr ? std::string_view() : std::string_view(value->text);
}

// The nearest-rank percentile: the smallest value with at least p% of the values at or below it
// (exact, where several targets estimate).
double NearestRank(std::vector<double>& values, double percent) {
  std::sort(values.begin(), values.end());
  double rank = std::ceil(percent / 100.0 * static_cast<double>(values.size()));
  size_t index = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return values[std::min(index, values.size() - 1)];
}

}  // namespace

const ValueTable::Value* ValueTable::Intern(std::string_view text) {
  static const Value kEmpty;
  if (text.empty()) return &kEmpty;
  auto it = index_.find(text);
  if (it == index_.end()) {
    const Value& added = values_.emplace_back(Value{std::string(text)});
    it = index_.emplace(added.text, &added).first;
  }
  return it->second;
}

Correlator::Correlator(const ir::Correlation& correlation, std::shared_ptr<ValueTable> values)
    : correlation_(correlation),
      values_(values ? std::move(values) : std::make_shared<ValueTable>()) {}

Correlator::~Correlator() = default;

std::string Correlator::Name(size_t rule, const std::string& field) const {
  return names_ ? names_(rule, field) : field;
}

const Correlator::SourceNames& Correlator::NamesOf(size_t rule) const {
  if (rule >= source_names_.size()) source_names_.resize(rule + 1);
  auto& names = source_names_[rule];
  if (names) return *names;
  names = std::make_unique<SourceNames>();
  const auto& source = correlation_.sources[rule];
  for (const auto& field : source.group_fields) names->group.push_back(Name(rule, field));
  if (!correlation_.field.empty()) names->value = Name(rule, source.value_field);
  for (const auto& m : correlation_.measures) {
    names->measure.push_back(m.field.empty() ? "" : Name(rule, m.field));
    names->measure2.push_back(m.field2.empty() ? "" : Name(rule, m.field2));
  }
  return *names;
}

void Correlator::SetMeasureFilters(std::vector<std::unique_ptr<Matcher>> filters) {
  filters_ = std::move(filters);
}

bool Correlator::Supports(const ir::Correlation& c) {
  return c.kind != ir::CorrelationKind::kUnion &&
         !(c.kind == ir::CorrelationKind::kTemporalOrdered && c.rule_condition);
}

void Correlator::GroupKey(size_t rule, const Event& event, std::string& key) const {
  key.clear();
  for (const std::string& field : NamesOf(rule).group) {
    std::string_view value = FirstText(event, field);
    const auto size = static_cast<uint32_t>(value.size());
    key.append(reinterpret_cast<const char*>(&size), sizeof size);
    key += value;
  }
}

Alert Correlator::AlertOf(const Group& group, double start, double end, double measure) const {
  Alert alert{{}, {}, start, end, measure, {}, {}};
  std::string_view key = *group.key;
  for (const std::string& name : correlation_.group_by) {
    uint32_t size = 0;
    std::memcpy(&size, key.data(), sizeof size);
    std::string_view value = key.substr(sizeof size, size);
    key.remove_prefix(sizeof size + size);
    if (!alert.group.empty()) alert.group += ", ";
    alert.group += name;
    alert.group += '=';
    alert.group += value;
    alert.keys.push_back({name, std::string(value)});
  }
  return alert;
}

const Correlator::Interned* Correlator::Intern(std::string_view text) {
  return values_->Intern(text);
}

void Correlator::Add(size_t rule, const Event& event, const EventRef& where) {
  // An event without a group-by value has no group key: it is correlated with nothing, as the
  // translated queries filter it out (docs/correlations.md, "Missing group-by values").
  const SourceNames& names = NamesOf(rule);
  for (const auto& field : names.group) {
    if (event.FirstNonNull(field) == nullptr) return;
  }
  Hit hit{where, nullptr, rule, nullptr, 0, false, {}};
  if (correlation_.kind == ir::CorrelationKind::kConsecutive) {
    hit.inputs = PairInputs(rule, event);
    AddHit(rule, event, std::move(hit));
    return;
  }
  hit.inputs.reserve(correlation_.measures.size());
  for (size_t i = 0; i < correlation_.measures.size(); ++i) {
    const auto& m = correlation_.measures[i];
    Hit::Input input;
    if (i < filters_.size() && filters_[i]) input.counted = filters_[i]->Matches(event);
    if (!m.field.empty()) {
      if (const FieldValue* v = event.FirstNonNull(names.measure[i])) {
        if (m.kind == ir::MeasureKind::kDistinct || m.kind == ir::MeasureKind::kValues) {
          input.text = Intern(v->text);
        } else if (v->kind == FieldValue::Kind::kNumber) {
          input.number = v->number;
          input.numeric = true;
        } else if (m.kind == ir::MeasureKind::kMin || m.kind == ir::MeasureKind::kMax) {
          // Times compare as times, whatever their text form.
          if (auto time = ParseTimestamp(*v)) {
            input.number = *time;
            input.numeric = input.time = true;
          }
        }
      }
    }
    hit.inputs.push_back(input);
  }
  AddHit(rule, event, std::move(hit));
}

std::vector<Correlator::Hit::Input> Correlator::PairInputs(size_t rule, const Event& event) {
  std::vector<Hit::Input> inputs(2 * correlation_.measures.size());
  const SourceNames& names = NamesOf(rule);
  auto number = [&](const std::string& field, Hit::Input& input) {
    const FieldValue* v = event.FirstNonNull(field);
    if (v == nullptr) return;
    char* end = nullptr;
    double parsed =
        v->kind == FieldValue::Kind::kNumber ? v->number : std::strtod(v->text.c_str(), &end);
    if (v->kind == FieldValue::Kind::kNumber || (!v->text.empty() && *end == '\0')) {
      input.number = parsed;
      input.numeric = true;
    }
  };
  for (size_t i = 0; i < correlation_.measures.size(); ++i) {
    const auto& m = correlation_.measures[i];
    using Kind = ir::MeasureKind;
    if (m.kind == Kind::kDistanceKm || m.kind == Kind::kSpeedKmh) {
      number(names.measure[i], inputs[2 * i]);
      number(names.measure2[i], inputs[2 * i + 1]);
    } else if (m.kind == Kind::kChanged || m.kind == Kind::kPrevious) {
      inputs[2 * i].text = Intern(FirstText(event, names.measure[i]));
    }
  }
  return inputs;
}

void Correlator::AddAlert(size_t rule, const Alert& alert) {
  if (alert.events.empty()) return;
  Event event;
  for (const auto& [field, value] : alert.keys) {
    event.fields.push_back({field, {FieldValue::Kind::kString, value, 0}});
  }
  Hit hit{alert.events.back(), nullptr, rule, nullptr, 0, false, {}};
  hit.where.time = alert.end;
  hit.behind =
      std::make_shared<const std::vector<EventRef>>(alert.events.begin(), alert.events.end() - 1);
  AddHit(rule, event, std::move(hit));
}

void Correlator::AddHit(size_t rule, const Event& event, Hit hit) {
  if (!correlation_.field.empty()) {
    std::string value(FirstText(event, NamesOf(rule).value));
    char* end = nullptr;
    hit.number = std::strtod(value.c_str(), &end);
    hit.numeric = !value.empty() && end == value.c_str() + value.size();
    if (correlation_.kind == ir::CorrelationKind::kValueCount && value.empty())
      return;  // nothing to count
    hit.value = Intern(value);
  }
  GroupKey(rule, event, key_);
  auto it = index_.find(key_);
  if (it == index_.end()) {
    it = index_.emplace(key_, groups_.size()).first;
    Group group;
    group.key = &it->first;
    group.order = groups_.size();
    groups_.push_back(std::move(group));
  }
  Group& group = groups_[it->second];
  if (!streaming_) {
    group.hits.push_back(std::move(hit));
    return;
  }
  if (out_of_order_) return;  // the caller re-runs without streaming
  double time = hit.where.time;
  if (time < group.decided) {
    out_of_order_ = true;
    return;
  }
  // Keep time order: a late event goes among the undecided hits.
  auto at = std::upper_bound(group.hits.begin() + static_cast<std::ptrdiff_t>(group.next),
                             group.hits.end(), time,
                             [](double t, const Hit& h) { return t < h.where.time; });
  group.hits.insert(at, std::move(hit));
  now_ = std::max(now_, time);
  const double now = DecidingNow();
  const size_t index = it->second;
  AdvanceGroup(group, now, false);
  Schedule(index);
  Sweep(now);
}

bool Correlator::ConditionHolds(double measure) const {
  for (const auto& bound : correlation_.condition) {
    if (!ir::Compares(bound.op, measure, std::strtod(bound.value.c_str(), nullptr))) return false;
  }
  return true;
}

// The extended temporal condition over the rules seen in one window (by position in `rules`).
bool Correlator::RulesHold(const ir::CorrelationTest& test, const std::set<size_t>& seen) const {
  using Kind = ir::CorrelationTest::Kind;
  switch (test.kind) {
    case Kind::kRule:
      return seen.count(test.rule) != 0;
    case Kind::kCompare:
      return false;
    case Kind::kNot:
      return !RulesHold(test.children[0], seen);
    case Kind::kAnd:
      for (const auto& child : test.children) {
        if (!RulesHold(child, seen)) return false;
      }
      return true;
    case Kind::kOr:
      for (const auto& child : test.children) {
        if (RulesHold(child, seen)) return true;
      }
      return false;
  }
  return false;
}

void Correlator::Collect(const Hit& hit, Alert& alert) {
  if (hit.behind) alert.events.insert(alert.events.end(), hit.behind->begin(), hit.behind->end());
  alert.events.push_back(hit.where);
}

std::optional<size_t> Correlator::Decide(Group& group, size_t end) {
  const std::vector<Hit>& hits = group.hits;
  const bool temporal = correlation_.kind == ir::CorrelationKind::kTemporal;
  size_t begin = group.begin;
  double measure = 0;
  size_t distinct = 0;
  const uint64_t stamp = values_->NewStamp();
  std::set<size_t> rules;
  double sum = 0;
  size_t numbers = 0;
  std::vector<double> values;
  for (size_t i = begin; i <= end; ++i) {
    rules.insert(hits[i].rule);
    const Interned* value = hits[i].value;
    if (value != nullptr && !value->text.empty() && value->mark != stamp) {
      value->mark = stamp;
      ++distinct;
    }
    if (hits[i].numeric) {
      sum += hits[i].number;
      ++numbers;
      values.push_back(hits[i].number);
    }
  }
  using Kind = ir::CorrelationKind;
  const Kind kind = correlation_.kind;
  if (kind == Kind::kEventCount) measure = static_cast<double>(end - begin + 1);
  if (kind == Kind::kValueCount) measure = static_cast<double>(distinct);
  if (kind == Kind::kValueSum) measure = sum;
  if (kind == Kind::kValueAvg) measure = numbers == 0 ? 0 : sum / static_cast<double>(numbers);
  if (temporal) measure = static_cast<double>(rules.size());
  if (kind == Kind::kValuePercentile) {
    if (values.empty()) return std::nullopt;
    measure = NearestRank(values, std::strtod(correlation_.percentile.c_str(), nullptr));
  }
  bool holds = !temporal                     ? ConditionHolds(measure)
               : correlation_.rule_condition ? RulesHold(*correlation_.rule_condition, rules)
                                             : ConditionHolds(measure);
  if (!holds) return std::nullopt;
  Alert alert = AlertOf(group, hits[begin].where.time, hits[end].where.time, measure);
  for (size_t i = begin; i <= end; ++i) Collect(hits[i], alert);
  Keep(group.order, std::move(alert));
  return end;
}

// Windows end at each hit and reach back the timespan (the aggregate's window, else its
// lookback): every window that holds a hit is examined, which is what a sliding window means.
// A window is decided once no event still to come can fall in it (or widen it).
void Correlator::Advance(Group& group, double now, bool final) {
  std::vector<Hit>& hits = group.hits;
  const bool aggregate = correlation_.kind == ir::CorrelationKind::kAggregate;
  const double span = Span();
  const double horizon = Horizon();
  while (group.next < hits.size()) {
    size_t end = group.next;
    if (!final && hits[end].where.time + horizon >= now) break;
    while (hits[group.begin].where.time < hits[end].where.time - span ||
           hits[group.begin].where.time <= group.not_before) {
      if (group.begin == end) break;
      ++group.begin;
    }
    group.next = end + 1;
    group.decided = hits[end].where.time;
    if (hits[group.begin].where.time <= group.not_before) continue;
    std::optional<size_t> last = correlation_.kind == ir::CorrelationKind::kConsecutive
                                     ? DecideConsecutive(group, end)
                                 : aggregate ? DecideAggregate(group, end)
                                             : Decide(group, end);
    if (!last) continue;
    // Pairs may share an event (London, New York, Tokyo: two alerts), as on the platforms,
    // which compare every event with the one before; other windows do not overlap.
    if (correlation_.kind != ir::CorrelationKind::kConsecutive) {
      group.not_before = hits[*last].where.time;
    }
    group.next = *last + 1;
    group.decided = hits[*last].where.time;
  }
  // Hits before the window's start are never read again.
  DropFront(group, group.begin);
}

void Correlator::DropFront(Group& group, size_t count) {
  std::vector<Hit>& hits = group.hits;
  if (count == 0 || (count * 2 < hits.size() && hits.size() > kSmallGroup)) return;
  hits.erase(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(count));
  group.next -= count;
  group.begin -= std::min(group.begin, count);
}

double Correlator::Span() const {
  const ir::Window& w = correlation_.window;
  const bool windowed =
      correlation_.kind == ir::CorrelationKind::kAggregate && w.bucket_seconds > 0;
  return static_cast<double>(windowed ? w.bucket_seconds : w.span_seconds);
}

double Correlator::Horizon() const { return Span() + kLateness; }

double Correlator::DecidingNow() const {
  double now = now_;
  // An inner alert ending at t is handed over once t is before the inner's decided_until_; a
  // window here needs every hit up to its end, so it may end at most then (less the lateness
  // that Advance subtracts again).
  for (const Correlator* inner : inputs_) now = std::min(now, inner->decided_until_ + kLateness);
  return now;
}

void Correlator::AdvanceGroup(Group& group, double now, bool final) {
  correlation_.window.ordered ? AdvanceOrdered(group, now, final) : Advance(group, now, final);
}

void Correlator::Schedule(size_t index) {
  Group& group = groups_[index];
  if (group.next >= group.hits.size()) return;
  double due = group.hits[group.next].where.time + Horizon();
  if (due >= group.due) return;  // an earlier entry is queued
  group.due = due;
  due_.push({due, index});
}

void Correlator::Sweep(double now) {
  while (!due_.empty() && due_.top().first < now) {
    auto [due, index] = due_.top();
    due_.pop();
    Group& group = groups_[index];
    if (due != group.due) continue;  // stale
    group.due = 1e300;
    AdvanceGroup(group, now, false);
    Schedule(index);
  }
  // Every group's windows ending before this are decided.
  decided_until_ = std::max(decided_until_, now - Horizon());
}

void Correlator::Keep(size_t order, Alert alert) {
  if (sink_) sink_(alert);
  alerts_.emplace_back(order, std::move(alert));
}

// Rule 0, then rule 1, …, each strictly later than the one before, all within the timespan of
// the first; the earliest completion from each start is taken.
std::optional<Alert> Correlator::ChainFrom(const Group& group, size_t start) const {
  const std::vector<Hit>& hits = group.hits;
  const double span = static_cast<double>(correlation_.window.span_seconds);
  std::vector<size_t> chain = {start};
  size_t want = 1;
  for (size_t i = start + 1; i < hits.size() && want < correlation_.sources.size(); ++i) {
    if (hits[i].where.time > hits[start].where.time + span) break;
    if (hits[i].rule == want && hits[i].where.time > hits[chain.back()].where.time) {
      chain.push_back(i);
      ++want;
    }
  }
  if (want != correlation_.sources.size()) return std::nullopt;
  Alert alert = AlertOf(group, hits[start].where.time, hits[chain.back()].where.time,
                        static_cast<double>(chain.size()));
  for (size_t i : chain) Collect(hits[i], alert);
  return alert;
}

// Starts are taken in time order; an alert's chain is not reused: the next start must be later
// than its end. A start is decided once every event its timespan could hold has arrived.
void Correlator::AdvanceOrdered(Group& group, double now, bool final) {
  std::vector<Hit>& hits = group.hits;
  const double horizon = Horizon();
  while (group.next < hits.size()) {
    size_t start = group.next;
    if (!final && hits[start].where.time + horizon >= now) break;
    group.next = start + 1;
    group.decided = hits[start].where.time;
    if (hits[start].rule != 0 || hits[start].where.time <= group.not_before) continue;
    if (auto alert = ChainFrom(group, start)) {
      group.not_before = alert->end;
      Keep(group.order, std::move(*alert));
    }
  }
  // A chain reads only hits after its start: those before the next start are never read again.
  DropFront(group, group.next);
}

std::vector<Alert> Correlator::Finish() {
  std::vector<Alert> ordered;
  for (Group& group : groups_) {
    if (!streaming_) {
      std::stable_sort(group.hits.begin(), group.hits.end(),
                       [](const Hit& a, const Hit& b) { return a.where.time < b.where.time; });
    }
    AdvanceGroup(group, 0, true);
  }
  // By group (first seen first), then time: the same order however the windows were decided.
  std::stable_sort(alerts_.begin(), alerts_.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.start < b.second.start;
  });
  std::vector<Alert> out;
  out.reserve(alerts_.size());
  for (auto& [order, alert] : alerts_) out.push_back(std::move(alert));
  alerts_.clear();
  return out;
}

namespace {

std::string JsonText(std::string_view text) {
  std::string out = "\"";
  for (char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      out += fmt::format("\\u{:04x}", c);
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

NamedValue Number(const std::string& name, double value) {
  std::string text = value == std::floor(value) && std::fabs(value) < 1e15
                         ? fmt::format("{}", static_cast<long long>(value))
                         : fmt::format("{}", value);
  return {name, text, value, true, text};
}

NamedValue Text(const std::string& name, const std::string& value) {
  return {name, JsonText(value), 0, false, value};
}

// A written constant: a number when it reads as one.
NamedValue Constant(const std::string& name, const std::string& value) {
  char* end = nullptr;
  double number = std::strtod(value.c_str(), &end);
  bool numeric = !value.empty() && end == value.c_str() + value.size();
  return numeric ? Number(name, number) : Text(name, value);
}

bool TestHolds(const ir::CorrelationTest& t, const std::vector<NamedValue>& values) {
  using Kind = ir::CorrelationTest::Kind;
  switch (t.kind) {
    case Kind::kCompare: {
      // A measure without a value (no event, or a conditional min of none) compares false, as
      // a null does in the targets' languages.
      auto find = [&](const std::string& name) -> const NamedValue* {
        for (const auto& v : values) {
          if (v.name == name) return v.numeric ? &v : nullptr;
        }
        return nullptr;
      };
      const NamedValue* left = find(t.name);
      if (left == nullptr) return false;
      if (!t.value_is_measure) {
        return ir::Compares(t.op, left->number, std::strtod(t.value.c_str(), nullptr));
      }
      const NamedValue* right = find(t.value);
      return right != nullptr && ir::Compares(t.op, left->number, right->number);
    }
    case Kind::kRule:
      return false;
    case Kind::kNot:
      return !TestHolds(t.children[0], values);
    case Kind::kAnd:
      for (const auto& c : t.children) {
        if (!TestHolds(c, values)) return false;
      }
      return true;
    case Kind::kOr:
      for (const auto& c : t.children) {
        if (TestHolds(c, values)) return true;
      }
      return false;
  }
  return false;
}

}  // namespace

// The aggregate's measures over hits[begin..end], in the order written.
void Correlator::Measures(const std::vector<Hit>& hits, size_t begin, size_t end, bool render,
                          std::vector<NamedValue>& out) const {
  out.resize(correlation_.measures.size());
  // Value m, its strings emptied in place: a window tested again and again reuses their storage.
  auto plain = [&](size_t m, double value, bool numeric) -> NamedValue& {
    NamedValue& v = out[m];
    v.name.assign(correlation_.measures[m].name);
    v.json.clear();
    v.text.clear();
    v.number = value;
    v.numeric = numeric;
    return v;
  };
  // Only the alert needs JSON and text; a window being tested needs the numbers.
  auto number = [&](size_t m, double value) {
    if (render) {
      out[m] = Number(correlation_.measures[m].name, value);
    } else {
      plain(m, value, true);
    }
  };
  for (size_t m = 0; m < correlation_.measures.size(); ++m) {
    const auto& measure = correlation_.measures[m];
    using Kind = ir::MeasureKind;
    const Kind kind = measure.kind;
    if (kind == Kind::kCount) {
      double n = 0;
      for (size_t i = begin; i <= end; ++i) n += hits[i].inputs[m].counted ? 1 : 0;
      number(m, n);
    } else if (kind == Kind::kDistinct || kind == Kind::kValues) {
      std::vector<const Interned*>& seen = seen_;
      seen.clear();
      const uint64_t stamp = values_->NewStamp();
      for (size_t i = begin; i <= end; ++i) {
        const auto& in = hits[i].inputs[m];
        if (!in.counted) continue;  // a distinct count of some events
        const Interned* text = in.numeric ? nullptr : in.text;
        if (text != nullptr && !text->text.empty() && text->mark != stamp) {
          text->mark = stamp;
          seen.push_back(text);
        }
      }
      if (kind == Kind::kDistinct) {
        number(m, static_cast<double>(seen.size()));
        continue;
      }
      if (!render) {
        plain(m, 0, false);
        continue;
      }
      size_t limit = measure.limit.empty() ? seen.size() : std::stoul(measure.limit);
      std::string json = "[";
      std::string text;
      for (size_t i = 0; i < seen.size() && i < limit; ++i) {
        json += (i ? "," : "") + JsonText(seen[i]->text);
        text += (i ? ", " : "") + seen[i]->text;
      }
      out[m] = NamedValue{measure.name, json + "]", 0, false, text};
    } else {
      // min, max, sum, avg over the numeric (or time) values.
      double acc = 0;
      size_t n = 0;
      bool time = false;
      for (size_t i = begin; i <= end; ++i) {
        const auto& in = hits[i].inputs[m];
        if (!in.numeric || !in.counted) continue;  // counted: a conditional min or max
        time = time || in.time;
        if (n == 0) {
          acc = in.number;
        } else if (kind == Kind::kMin) {
          acc = std::min(acc, in.number);
        } else if (kind == Kind::kMax) {
          acc = std::max(acc, in.number);
        } else {
          acc += in.number;
        }
        ++n;
      }
      if (n == 0) {
        plain(m, 0, false).json = "null";
      } else if (kind == Kind::kAvg) {
        number(m, acc / static_cast<double>(n));
      } else if (time) {
        // A time compares by its instant (FirstFailure < LastSuccess) and reads as text.
        NamedValue& value =
            render ? (out[m] = Text(measure.name, FormatTime(acc))) : plain(m, 0, false);
        value.number = acc;
        value.numeric = true;
      } else {
        number(m, acc);
      }
    }
  }
}

// refract's aggregate, for the window ending at hits[end]: the measures, the condition, then
// the columns. A window that holds widens over the following hits while it still holds, so one
// burst is one alert with all of its events.
std::optional<size_t> Correlator::DecideAggregate(Group& group, size_t end) {
  const std::vector<Hit>& hits = group.hits;
  const ir::Window& w = correlation_.window;
  const double span = static_cast<double>(w.bucket_seconds > 0 ? w.bucket_seconds : w.span_seconds);
  size_t begin = group.begin;
  auto holds = [&](size_t last) {
    if (!correlation_.test) return true;
    Measures(hits, begin, last, false, tested_);
    return TestHolds(*correlation_.test, tested_);
  };
  if (!holds(end)) return std::nullopt;
  while (end + 1 < hits.size() && hits[end + 1].where.time - span <= hits[begin].where.time) {
    if (!holds(end + 1)) break;
    ++end;
  }
  std::vector<NamedValue> values;
  Measures(hits, begin, end, true, values);
  AddColumns(values);
  Alert alert = AlertOf(group, hits[begin].where.time, hits[end].where.time, 0);
  for (size_t i = begin; i <= end; ++i) Collect(hits[i], alert);
  alert.values = std::move(values);
  Keep(group.order, std::move(alert));
  return end;
}

void Correlator::AddColumns(std::vector<NamedValue>& values) const {
  for (const auto& column : correlation_.columns) {
    std::string value = column.constant;
    if (!column.cases.empty()) {
      value = column.otherwise;
      for (const auto& [test, then] : column.cases) {
        if (TestHolds(test, values)) {
          value = then;
          break;
        }
      }
    }
    values.push_back(Constant(column.name, value));
  }
}

namespace {

// The great-circle distance in km between two points in decimal degrees (haversine).
double GreatCircleKm(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRadians = 3.14159265358979323846 / 180.0;
  double dlat = (lat2 - lat1) * kRadians;
  double dlon = (lon2 - lon1) * kRadians;
  double a = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(lat1 * kRadians) *
                                                           std::cos(lat2 * kRadians) *
                                                           std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * ir::kEarthRadiusKm * std::asin(std::min(1.0, std::sqrt(a)));
}

}  // namespace

std::vector<NamedValue> Correlator::PairMeasures(const Hit& before, const Hit& after) const {
  std::vector<NamedValue> out;
  const double hours = (after.where.time - before.where.time) / 3600.0;
  for (size_t i = 0; i < correlation_.measures.size(); ++i) {
    const auto& m = correlation_.measures[i];
    const auto& a = before.inputs[2 * i];
    const auto& b = after.inputs[2 * i];
    const auto& a2 = before.inputs[2 * i + 1];
    const auto& b2 = after.inputs[2 * i + 1];
    using Kind = ir::MeasureKind;
    switch (m.kind) {
      case Kind::kDistanceKm:
      case Kind::kSpeedKmh: {
        if (!a.numeric || !b.numeric || !a2.numeric || !b2.numeric) {
          out.push_back({m.name, "null", 0, false, ""});  // no coordinates: no distance
          break;
        }
        double km = GreatCircleKm(a.number, a2.number, b.number, b2.number);
        out.push_back(Number(
            m.name, m.kind == Kind::kDistanceKm ? km : km / std::max(hours, ir::kMinSpeedHours)));
        break;
      }
      case Kind::kHours:
        out.push_back(Number(m.name, hours));
        break;
      case Kind::kChanged:
        out.push_back(Number(m.name, a.text == b.text ? 0 : 1));  // interned: equal texts
        break;
      case Kind::kPrevious:
        out.push_back(Text(m.name, a.text == nullptr ? "" : a.text->text));
        break;
      default:
        break;
    }
  }
  return out;
}

std::optional<size_t> Correlator::DecideConsecutive(Group& group, size_t end) {
  // group.begin is the first hit within the timespan before hits[end] (and after the last
  // alert, so alerts do not share an event).
  if (end == 0 || end - 1 < group.begin) return std::nullopt;
  const Hit& before = group.hits[end - 1];
  const Hit& after = group.hits[end];
  std::vector<NamedValue> values = PairMeasures(before, after);
  if (correlation_.test && !TestHolds(*correlation_.test, values)) return std::nullopt;
  AddColumns(values);
  Alert alert = AlertOf(group, before.where.time, after.where.time, 0);
  Collect(before, alert);
  Collect(after, alert);
  alert.values = std::move(values);
  Keep(group.order, std::move(alert));
  return end;
}

std::optional<double> EventTime(const Event& event, const std::string& field) {
  static const char* const kNames[] = {"@timestamp",    "timestamp", "TimeCreated",
                                       "TimeGenerated", "EventTime", "TimeCreatedUtc"};
  std::vector<const FieldValue*> values;
  if (!field.empty()) {
    event.Find(field, values);
  } else {
    for (const char* name : kNames) {
      if (event.Find(name, values)) break;
    }
  }
  for (const FieldValue* v : values) {
    if (auto time = ParseTimestamp(*v)) return time;
  }
  return std::nullopt;
}

std::string FormatTime(double seconds) {
  double whole = std::floor(seconds);
  auto millis = static_cast<int>(std::lround((seconds - whole) * 1000));
  if (millis == 1000) {
    whole += 1;
    millis = 0;
  }
  std::time_t t = static_cast<std::time_t>(whole);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  return millis == 0 ? fmt::format("{}Z", text) : fmt::format("{}.{:03d}Z", text, millis);
}

}  // namespace refract::eval
