#include "compiler/eval/correlate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>

#include "compiler/eval/matcher.h"

namespace refract::eval {
namespace {

// How late (in seconds) a streamed event may arrive after later ones and still be counted.
constexpr double kLateness = 600;

// A group this small drops its decided hits at once (a short move); a larger one when they are
// half of it, so that a long window is not moved for every hit. Most groups are small (one user,
// one address), and their spare capacity is most of a streaming run's memory otherwise.
constexpr size_t kSmallGroup = 64;

// A window of this many hits keeps running tallies, so sliding it costs the hits that move; a
// smaller one is recounted, which costs less than keeping tallies. Tallies are given back when
// the window shrinks below kRecountBelow (not at once, so a window near the limit keeps them).
constexpr size_t kRunningFrom = 32;
constexpr size_t kRecountBelow = 8;

// A running sum of integers this size (fewer than 2^20 of them) never rounds, so it equals the
// sum in window order whichever hits came and went; any other value makes the window recount.
bool SumsExactly(double value) {
  return value == std::trunc(value) && std::fabs(value) <= 4294967296.0 &&
         !(value == 0 && std::signbit(value));
}
constexpr size_t kMostExactTerms = size_t{1} << 20;

// A count of what is in a window, as a value enters (step 1) or leaves (step -1) it.
void Bump(size_t& count, int step) { step > 0 ? ++count : --count; }

// The not, and, or of a test tree (ir::CorrelationTest or a Check) over its leaves, each
// decided by `leaf`.
template <typename Node, typename Leaf>
bool Evaluate(const Node& node, const Leaf& leaf) {
  using Kind = ir::CorrelationTest::Kind;
  auto holds = [&](const Node& child) { return Evaluate(child, leaf); };
  switch (node.kind) {
    case Kind::kNot:
      return !holds(node.children[0]);
    case Kind::kAnd:
      return std::all_of(node.children.begin(), node.children.end(), holds);
    case Kind::kOr:
      return std::any_of(node.children.begin(), node.children.end(), holds);
    default:
      return leaf(node);
  }
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
  const size_t hash = std::hash<std::string_view>{}(text);
  const Value* const* kept =
      index_.Find(hash, [&](const Value* value) { return value->text == text; });
  if (kept != nullptr) return *kept;
  const Value& added = values_.emplace_back(Value{std::string(text)});
  index_.Add(hash, &added);
  return &added;
}

const ValueTable::Value* ValueTable::Intern(const FieldValue& value) {
  if ((value.made & FieldValue::kInterned) != 0 && value.interned_by == this) {
    return static_cast<const Value*>(value.interned);
  }
  const Value* kept = Intern(value.text);
  value.interned = kept;
  value.interned_by = this;
  value.made |= FieldValue::kInterned;
  return kept;
}

Correlator::Correlator(const ir::Correlation& correlation, std::shared_ptr<ValueTable> values)
    : correlation_(correlation),
      values_(values ? std::move(values) : std::make_shared<ValueTable>()) {
  for (const auto& bound : correlation_.condition) {
    bounds_.emplace_back(bound.op, std::strtod(bound.value.c_str(), nullptr));
  }
  percentile_ = std::strtod(correlation_.percentile.c_str(), nullptr);
  using Kind = ir::CorrelationKind;
  using Need = Tally::Need;
  if (correlation_.kind == Kind::kAggregate) {
    tested_measure_.assign(correlation_.measures.size(), false);
    if (correlation_.test) check_ = CheckOf(*correlation_.test);
    for (size_t m = 0; m < correlation_.measures.size(); ++m) {
      needs_.push_back(tested_measure_[m] ? NeedOf(correlation_.measures[m].kind) : Need::kNone);
    }
  } else if (correlation_.kind == Kind::kValueCount) {
    needs_ = {Need::kTexts};
  } else if (correlation_.kind == Kind::kValueSum || correlation_.kind == Kind::kValueAvg) {
    needs_ = {Need::kSum};
  }
  fewest_hits_ = check_ ? FewestHits(*check_) : FewestHitsOfCondition();
  tallies_ = correlation_.kind == Kind::kTemporal ||
             std::any_of(needs_.begin(), needs_.end(), [](Need n) { return n != Need::kNone; });
}

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
  for (const auto& field : source.group_fields) names->group.push_back({Name(rule, field), {}});
  if (!correlation_.field.empty()) names->value.name = Name(rule, source.value_field);
  for (const auto& m : correlation_.measures) {
    names->measure.push_back({m.field.empty() ? "" : Name(rule, m.field), {}});
    names->measure2.push_back({m.field2.empty() ? "" : Name(rule, m.field2), {}});
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

void Correlator::GroupKey(size_t rule, const Event& event, std::string& key) {
  key.clear();
  for (const auto& field : NamesOf(rule).group) {
    const FieldValue* value = field.In(event);
    const Interned* kept = value == nullptr ? Intern(std::string_view()) : values_->Intern(*value);
    key.append(reinterpret_cast<const char*>(&kept), sizeof kept);
  }
}

Alert Correlator::AlertOf(const Group& group, double start, double end, double measure) const {
  Alert alert{{}, {}, start, end, measure, {}, {}};
  std::string_view key = group.key;
  for (const std::string& name : correlation_.group_by) {
    const Interned* kept = nullptr;
    std::memcpy(&kept, key.data(), sizeof kept);
    std::string_view value = kept->text;
    key.remove_prefix(sizeof kept);
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
    if (field.In(event) == nullptr) return;
  }
  Hit hit;
  hit.where = where;
  hit.rule = static_cast<uint32_t>(rule);
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
      if (const FieldValue* v = names.measure[i].In(event)) {
        if (m.kind == ir::MeasureKind::kDistinct || m.kind == ir::MeasureKind::kValues) {
          input.text = values_->Intern(*v);
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
  auto number = [&](const SourceNames::Field& field, Hit::Input& input) {
    const FieldValue* v = field.In(event);
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
      const FieldValue* v = names.measure[i].In(event);
      inputs[2 * i].text = v == nullptr ? Intern(std::string_view()) : values_->Intern(*v);
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
  Hit hit;
  hit.where = alert.events.back();
  hit.where.time = alert.end;
  hit.rule = static_cast<uint32_t>(rule);
  hit.behind =
      std::make_unique<const std::vector<EventRef>>(alert.events.begin(), alert.events.end() - 1);
  AddHit(rule, event, std::move(hit));
}

void Correlator::AddHit(size_t rule, const Event& event, Hit hit) {
  if (!correlation_.field.empty()) {
    static const FieldValue kNone;
    const FieldValue* first = NamesOf(rule).value.In(event);
    const FieldValue& value = first == nullptr ? kNone : *first;
    char* end = nullptr;
    hit.number = std::strtod(value.text.c_str(), &end);
    hit.numeric = !value.text.empty() && end == value.text.c_str() + value.text.size();
    if (correlation_.kind == ir::CorrelationKind::kValueCount && value.text.empty())
      return;  // nothing to count
    hit.value = first == nullptr ? Intern(std::string_view()) : values_->Intern(value);
  }
  GroupKey(rule, event, key_);
  const size_t hash = std::hash<std::string_view>{}(key_);
  const uint32_t* found = index_.Find(hash, [&](uint32_t at) { return groups_[at].key == key_; });
  size_t index = 0;
  if (found != nullptr) {
    index = *found;
  } else {
    index = groups_.size();
    index_.Add(hash, static_cast<uint32_t>(index));
    Group group;
    group.key = key_;
    group.order = groups_.size();
    groups_.push_back(std::move(group));
  }
  Group& group = groups_[index];
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
  if (group.running &&
      static_cast<size_t>(at - group.hits.begin()) + group.running->base < group.running->hi) {
    group.running.reset();  // a late hit lands inside the tallied window
  }
  group.hits.insert(at, std::move(hit));
  now_ = std::max(now_, time);
  const double now = DecidingNow();
  AdvanceGroup(group, now, false);
  Schedule(index);
  Sweep(now);
}

bool Correlator::ConditionHolds(double measure) const {
  for (const auto& [op, limit] : bounds_) {
    if (!ir::Compares(op, measure, limit)) return false;
  }
  return true;
}

bool Correlator::RulesHold(const ir::CorrelationTest& test,
                           const std::vector<uint32_t>& rule_hits) const {
  return Evaluate(test, [&](const ir::CorrelationTest& leaf) {
    return leaf.kind == ir::CorrelationTest::Kind::kRule && leaf.rule < rule_hits.size() &&
           rule_hits[leaf.rule] != 0;
  });
}

Correlator::Tally::Need Correlator::NeedOf(ir::MeasureKind kind) {
  using Kind = ir::MeasureKind;
  using Need = Tally::Need;
  switch (kind) {
    case Kind::kCount:
      return Need::kCount;
    case Kind::kDistinct:
      return Need::kTexts;
    case Kind::kMin:
      return Need::kMin;
    case Kind::kMax:
      return Need::kMax;
    case Kind::kSum:
    case Kind::kAvg:
      return Need::kSum;
    default:
      return Need::kNone;  // values are tested as no number; the pair measures have no window
  }
}

Correlator::Running* Correlator::Slide(Group& group, size_t begin, size_t end) {
  const size_t length = end - begin + 1;
  if (!group.running) {
    if (length < kRunningFrom || recount_ || !tallies_) return nullptr;
    group.running = std::make_unique<Running>();
    Running& made = *group.running;
    for (Tally::Need need : needs_) made.tallies.emplace_back().need = need;
    if (correlation_.kind == ir::CorrelationKind::kTemporal) {
      made.rule_hits.assign(correlation_.sources.size(), 0);
    }
  } else if (length < kRecountBelow) {
    group.running.reset();
    return nullptr;
  }
  Running& r = *group.running;
  const size_t lo = begin + r.base;
  const size_t hi = end + 1 + r.base;
  if (lo < r.lo || hi < r.hi || lo >= r.hi) {
    // Moved back, or past every hit counted: start again from the window's first hit.
    for (Tally& tally : r.tallies) {
      const Tally::Need need = tally.need;
      tally = Tally();
      tally.need = need;
    }
    std::fill(r.rule_hits.begin(), r.rule_hits.end(), 0);
    r.rules = 0;
    r.lo = r.hi = lo;
  }
  for (; r.hi < hi; ++r.hi) Step(r, group.hits[r.hi - r.base], r.hi, 1);
  for (; r.lo < lo; ++r.lo) Step(r, group.hits[r.lo - r.base], r.lo, -1);
  return &r;
}

void Correlator::Step(Running& running, const Hit& hit, size_t at, int step) const {
  if (!running.rule_hits.empty()) {
    uint32_t& hits = running.rule_hits[hit.rule];
    if (step > 0 ? hits++ == 0 : --hits == 0) Bump(running.rules, step);
  }
  if (correlation_.kind != ir::CorrelationKind::kAggregate) {
    for (Tally& tally : running.tallies) Move(tally, hit.value, hit.numeric, hit.number, at, step);
    return;
  }
  for (size_t m = 0; m < running.tallies.size(); ++m) {
    const Hit::Input& in = hit.inputs[m];
    if (running.tallies[m].need == Tally::Need::kNone || !in.counted) continue;
    Move(running.tallies[m], in.numeric ? nullptr : in.text, in.numeric, in.numeric ? in.number : 0,
         at, step);
  }
}

void Correlator::Move(Tally& tally, const Interned* text, bool numeric, double number, size_t at,
                      int step) {
  using Need = Tally::Need;
  switch (tally.need) {
    case Need::kNone:
      return;
    case Need::kCount:
      Bump(tally.counted, step);
      return;
    case Need::kTexts:
      if (text == nullptr || text->text.empty()) return;
      if (step > 0) {
        ++tally.texts[text];
      } else if (auto it = tally.texts.find(text); --it->second == 0) {
        tally.texts.erase(it);
      }
      return;
    case Need::kSum:
      if (!numeric) return;
      Bump(tally.numbers, step);
      // An inexact value stays out of the sum: a running sum that had held it would keep its
      // rounding (or lose every other value to 1e300) after it left.
      if (SumsExactly(number)) {
        tally.sum += step > 0 ? number : -number;
      } else {
        Bump(tally.inexact, step);
      }
      return;
    case Need::kMin:
    case Need::kMax: {
      if (!numeric) return;
      Bump(tally.numbers, step);
      if (std::isnan(number)) Bump(tally.inexact, step);
      auto& extremes = tally.extremes;
      if (step < 0) {
        if (!extremes.empty() && extremes.front().first == at) extremes.pop_front();
        return;
      }
      // Equal values stay: a recount keeps the first of equals (0 and -0 among them).
      const bool min = tally.need == Need::kMin;
      while (!extremes.empty() &&
             (min ? extremes.back().second > number : extremes.back().second < number)) {
        extremes.pop_back();
      }
      extremes.emplace_back(at, number);
      return;
    }
  }
}

bool Correlator::Read(const Tally& tally, ir::MeasureKind kind, NamedValue& out) {
  using Kind = ir::MeasureKind;
  double number = 0;
  switch (kind) {
    case Kind::kCount:
      number = static_cast<double>(tally.counted);
      break;
    case Kind::kDistinct:
      number = static_cast<double>(tally.texts.size());
      break;
    case Kind::kMin:
    case Kind::kMax:
      if (tally.inexact != 0) return false;
      if (tally.numbers != 0) number = tally.extremes.front().second;
      break;
    case Kind::kSum:
    case Kind::kAvg:
      if (tally.inexact != 0 || tally.numbers > kMostExactTerms) return false;
      number = kind == Kind::kAvg && tally.numbers != 0
                   ? tally.sum / static_cast<double>(tally.numbers)
                   : tally.sum;
      break;
    default:
      return false;
  }
  const bool measured = tally.need == Tally::Need::kCount || tally.need == Tally::Need::kTexts;
  out.number = number;
  out.numeric = measured || tally.numbers != 0;  // a min or sum of no value is null
  return true;
}

void Correlator::Collect(const Hit& hit, Alert& alert) {
  if (hit.behind) alert.events.insert(alert.events.end(), hit.behind->begin(), hit.behind->end());
  alert.events.push_back(hit.where);
}

std::optional<double> Correlator::SigmaMeasure(Group& group, size_t begin, size_t end,
                                               const std::vector<uint32_t>*& rule_hits) {
  const std::vector<Hit>& hits = group.hits;
  using Kind = ir::CorrelationKind;
  const Kind kind = correlation_.kind;
  if (kind == Kind::kEventCount) return static_cast<double>(end - begin + 1);
  if (kind == Kind::kValuePercentile) {
    numbers_.clear();
    for (size_t i = begin; i <= end; ++i) {
      if (hits[i].numeric) numbers_.push_back(hits[i].number);
    }
    if (numbers_.empty()) return std::nullopt;
    return NearestRank(numbers_, percentile_);
  }
  if (Running* running = Slide(group, begin, end)) {
    if (kind == Kind::kTemporal) {
      rule_hits = &running->rule_hits;
      return static_cast<double>(running->rules);
    }
    NamedValue read;
    const auto as = kind == Kind::kValueCount ? ir::MeasureKind::kDistinct
                    : kind == Kind::kValueSum ? ir::MeasureKind::kSum
                                              : ir::MeasureKind::kAvg;
    if (Read(running->tallies[0], as, read)) return read.numeric ? read.number : 0;
  }
  // Recounted: a small window, or one holding a value a running sum could round.
  if (kind == Kind::kTemporal) {
    rule_hits_.assign(correlation_.sources.size(), 0);
    size_t rules = 0;
    for (size_t i = begin; i <= end; ++i) {
      if (rule_hits_[hits[i].rule]++ == 0) ++rules;
    }
    rule_hits = &rule_hits_;
    return static_cast<double>(rules);
  }
  if (kind == Kind::kValueCount) {
    size_t distinct = 0;
    const uint64_t stamp = values_->NewStamp();
    for (size_t i = begin; i <= end; ++i) {
      const Interned* value = hits[i].value;
      if (value != nullptr && !value->text.empty() && value->mark != stamp) {
        value->mark = stamp;
        ++distinct;
      }
    }
    return static_cast<double>(distinct);
  }
  double sum = 0;
  size_t numbers = 0;
  for (size_t i = begin; i <= end; ++i) {
    if (!hits[i].numeric) continue;
    sum += hits[i].number;
    ++numbers;
  }
  if (kind == Kind::kValueAvg) return numbers == 0 ? 0 : sum / static_cast<double>(numbers);
  return sum;
}

std::optional<size_t> Correlator::Decide(Group& group, size_t end) {
  const size_t begin = group.begin;
  if (end - begin + 1 < fewest_hits_) return std::nullopt;
  const std::vector<uint32_t>* rule_hits = nullptr;
  std::optional<double> measure = SigmaMeasure(group, begin, end, rule_hits);
  if (!measure) return std::nullopt;
  const bool holds = rule_hits != nullptr && correlation_.rule_condition
                         ? RulesHold(*correlation_.rule_condition, *rule_hits)
                         : ConditionHolds(*measure);
  if (!holds) return std::nullopt;
  const std::vector<Hit>& hits = group.hits;
  Alert alert = AlertOf(group, hits[begin].where.time, hits[end].where.time, *measure);
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
  if (Running* running = group.running.get()) {
    if (running->lo < running->base + count) {
      group.running.reset();  // the tallies count a dropped hit
    } else {
      running->base += count;
    }
  }
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

bool TestHolds(const ir::CorrelationTest& test, const std::vector<NamedValue>& values) {
  return Evaluate(test, [&](const ir::CorrelationTest& leaf) {
    if (leaf.kind != ir::CorrelationTest::Kind::kCompare) return false;
    // A measure without a value (no event, or a conditional min of none) compares false, as
    // a null does in the targets' languages.
    auto find = [&](const std::string& name) -> const NamedValue* {
      for (const auto& v : values) {
        if (v.name == name) return v.numeric ? &v : nullptr;
      }
      return nullptr;
    };
    const NamedValue* left = find(leaf.name);
    if (left == nullptr) return false;
    if (!leaf.value_is_measure) {
      return ir::Compares(leaf.op, left->number, std::strtod(leaf.value.c_str(), nullptr));
    }
    const NamedValue* right = find(leaf.value);
    return right != nullptr && ir::Compares(leaf.op, left->number, right->number);
  });
}

}  // namespace

// The aggregate's measures over hits[begin..end], in the order written.
void Correlator::Measures(const std::vector<Hit>& hits, size_t begin, size_t end, bool render,
                          std::vector<NamedValue>& out) const {
  out.resize(correlation_.measures.size());
  for (size_t m = 0; m < correlation_.measures.size(); ++m) {
    MeasureOver(hits, begin, end, m, render, out[m]);
  }
}

void Correlator::MeasureOver(const std::vector<Hit>& hits, size_t begin, size_t end, size_t m,
                             bool render, NamedValue& out) const {
  const auto& measure = correlation_.measures[m];
  // The value, its strings emptied in place: a window tested again and again reuses their
  // storage.
  auto plain = [&](double value, bool numeric) -> NamedValue& {
    out.name.assign(measure.name);
    out.json.clear();
    out.text.clear();
    out.number = value;
    out.numeric = numeric;
    return out;
  };
  // Only the alert needs JSON and text; a window being tested needs the numbers.
  auto number = [&](double value) {
    if (render) {
      out = Number(measure.name, value);
    } else {
      plain(value, true);
    }
  };
  using Kind = ir::MeasureKind;
  const Kind kind = measure.kind;
  if (kind == Kind::kCount) {
    double n = 0;
    for (size_t i = begin; i <= end; ++i) n += hits[i].inputs[m].counted ? 1 : 0;
    number(n);
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
      number(static_cast<double>(seen.size()));
      return;
    }
    if (!render) {
      plain(0, false);
      return;
    }
    size_t limit = measure.limit.empty() ? seen.size() : std::stoul(measure.limit);
    std::string json = "[";
    std::string text;
    for (size_t i = 0; i < seen.size() && i < limit; ++i) {
      json += (i ? "," : "") + JsonText(seen[i]->text);
      text += (i ? ", " : "") + seen[i]->text;
    }
    out = NamedValue{measure.name, json + "]", 0, false, text};
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
      plain(0, false).json = "null";
    } else if (kind == Kind::kAvg) {
      number(acc / static_cast<double>(n));
    } else if (time) {
      // A time compares by its instant (FirstFailure < LastSuccess) and reads as text.
      NamedValue& value = render ? (out = Text(measure.name, FormatTime(acc))) : plain(0, false);
      value.number = acc;
      value.numeric = true;
    } else {
      number(acc);
    }
  }
}

void Correlator::TestedMeasures(Group& group, size_t begin, size_t end) {
  tested_.resize(correlation_.measures.size());
  Running* running = Slide(group, begin, end);
  for (size_t m = 0; m < correlation_.measures.size(); ++m) {
    if (!tested_measure_[m]) continue;
    if (running != nullptr && running->tallies[m].need != Tally::Need::kNone &&
        Read(running->tallies[m], correlation_.measures[m].kind, tested_[m])) {
      continue;
    }
    MeasureOver(group.hits, begin, end, m, false, tested_[m]);
  }
}

Correlator::Check Correlator::CheckOf(const ir::CorrelationTest& test) {
  Check check;
  check.kind = test.kind;
  check.op = test.op;
  // The first measure of the name, as a lookup by name finds it.
  auto measure = [&](const std::string& name) {
    for (size_t m = 0; m < correlation_.measures.size(); ++m) {
      if (correlation_.measures[m].name != name) continue;
      tested_measure_[m] = true;
      return static_cast<int>(m);
    }
    return -1;
  };
  if (test.kind == ir::CorrelationTest::Kind::kCompare) {
    check.left = measure(test.name);
    check.right_is_measure = test.value_is_measure;
    if (test.value_is_measure) {
      check.right = measure(test.value);
    } else {
      check.constant = std::strtod(test.value.c_str(), nullptr);
    }
  }
  for (const auto& child : test.children) check.children.push_back(CheckOf(child));
  return check;
}

namespace {

// The fewest hits for a measure no larger than a window's hit count to compare true with
// `limit` by `op`: n >= 9.5 and n > 9 both need 10 of them, n == 3 needs 3; 0 for an operator
// a small n can satisfy (n < 5), or a limit that is not a finite positive number.
size_t FewestForBound(ir::CompareOp op, double limit) {
  if (!std::isfinite(limit) || limit <= 0 || limit > 1e15) return 0;
  switch (op) {
    case ir::CompareOp::kGte:
    case ir::CompareOp::kEq:
      return static_cast<size_t>(std::ceil(limit));
    case ir::CompareOp::kGt:
      return static_cast<size_t>(std::floor(limit)) + 1;
    default:
      return 0;
  }
}

}  // namespace

size_t Correlator::FewestHits(const Check& check) const {
  using Kind = ir::CorrelationTest::Kind;
  switch (check.kind) {
    case Kind::kAnd: {
      size_t most = 0;
      for (const Check& child : check.children) most = std::max(most, FewestHits(child));
      return most;
    }
    case Kind::kOr: {
      size_t least = SIZE_MAX;
      for (const Check& child : check.children) least = std::min(least, FewestHits(child));
      return least == SIZE_MAX ? 0 : least;
    }
    case Kind::kCompare: {
      if (check.left < 0 || check.right_is_measure) return 0;
      const ir::MeasureKind kind = correlation_.measures[static_cast<size_t>(check.left)].kind;
      if (kind != ir::MeasureKind::kCount && kind != ir::MeasureKind::kDistinct) return 0;
      return FewestForBound(check.op, check.constant);
    }
    default:
      return 0;  // a not, or a leaf that bounds nothing
  }
}

size_t Correlator::FewestHitsOfCondition() const {
  using Kind = ir::CorrelationKind;
  if (correlation_.kind != Kind::kEventCount && correlation_.kind != Kind::kValueCount) return 0;
  size_t most = 0;  // every bound must hold
  for (const auto& [op, limit] : bounds_) most = std::max(most, FewestForBound(op, limit));
  return most;
}

bool Correlator::Holds(const Check& check, const std::vector<NamedValue>& values) {
  return Evaluate(check, [&](const Check& leaf) {
    // A measure without a value (no event, or a conditional min of none) compares false, as
    // a null does in the targets' languages.
    if (leaf.kind != ir::CorrelationTest::Kind::kCompare || leaf.left < 0) return false;
    const NamedValue& left = values[static_cast<size_t>(leaf.left)];
    if (!left.numeric) return false;
    if (!leaf.right_is_measure) return ir::Compares(leaf.op, left.number, leaf.constant);
    if (leaf.right < 0) return false;
    const NamedValue& right = values[static_cast<size_t>(leaf.right)];
    return right.numeric && ir::Compares(leaf.op, left.number, right.number);
  });
}

// refract's aggregate, for the window ending at hits[end]: the measures, the condition, then
// the columns. A window that holds widens over the following hits while it still holds, so one
// burst is one alert with all of its events.
std::optional<size_t> Correlator::DecideAggregate(Group& group, size_t end) {
  const std::vector<Hit>& hits = group.hits;
  const ir::Window& w = correlation_.window;
  const double span = static_cast<double>(w.bucket_seconds > 0 ? w.bucket_seconds : w.span_seconds);
  size_t begin = group.begin;
  if (end - begin + 1 < fewest_hits_) return std::nullopt;
  auto holds = [&](size_t last) {
    if (!check_) return true;
    TestedMeasures(group, begin, last);
    return Holds(*check_, tested_);
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
