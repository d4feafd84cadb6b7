// Correlations in the reference evaluator: exact sliding windows, order, groups, near misses.
// Expected alerts are worked out by hand from the Sigma correlation specification.
#include "compiler/eval/correlate.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "compiler/eval/matcher.h"

namespace refract::eval {
namespace {

// A correlation of `type` over rules rule0, rule1, … grouped by `user` within ten minutes.
ir::Correlation Make(const std::string& type, size_t rules, const std::string& op = "",
                     const std::string& value = "") {
  ir::Correlation c;
  c.kind = *ir::CorrelationKindNamed(type);
  for (size_t i = 0; i < rules; ++i) {
    ir::CorrelationSource source;
    source.label = "rule" + std::to_string(i);
    source.group_fields = {"user"};
    c.sources.push_back(source);
  }
  c.group_by = {"user"};
  c.window.span = "10m";
  c.window.span_seconds = 600;
  c.window.ordered = c.kind == ir::CorrelationKind::kTemporalOrdered;
  c.window.sliding = c.kind != ir::CorrelationKind::kAggregate;
  if (!op.empty()) c.condition = {{*ir::CompareOpNamed(op), value}};
  // As the parser does: a temporal correlation without a condition needs every rule.
  if (op.empty() && c.IsTemporal()) c.condition = {{ir::CompareOp::kGte, std::to_string(rules)}};
  return c;
}

// Sets the value field of a value_* correlation, as lowering does for every source.
void SetField(ir::Correlation& c, const std::string& field) {
  c.field = field;
  for (auto& source : c.sources) source.value_field = field;
}

// A rule reference of the extended temporal condition: "ruleN" names source N.
ir::CorrelationTest RuleRef(const std::string& name) {
  ir::CorrelationTest t;
  t.kind = ir::CorrelationTest::Kind::kRule;
  t.name = name;
  t.rule = std::stoul(name.substr(4));
  return t;
}

ir::CorrelationTest Junction(ir::CorrelationTest::Kind kind,
                             std::vector<ir::CorrelationTest> children) {
  ir::CorrelationTest t;
  t.kind = kind;
  t.children = std::move(children);
  return t;
}

ir::CorrelationTest Compare(const std::string& measure, ir::CompareOp op,
                            const std::string& value) {
  ir::CorrelationTest t;
  t.name = measure;
  t.op = op;
  t.value = value;
  return t;
}

Event UserEvent(const std::string& user, const std::string& ip = "") {
  Event e;
  e.fields.push_back({"user", {FieldValue::Kind::kString, user, 0}});
  if (!ip.empty()) e.fields.push_back({"ip", {FieldValue::Kind::kString, ip, 0}});
  return e;
}

// Prints alerts as "group start..end measure [lines]" with times in minutes.
std::string Correlate(
    const ir::Correlation& c,
    const std::vector<std::tuple<size_t, std::string, double, std::string>>& hits) {
  Correlator correlator(c);
  size_t line = 0;
  for (const auto& [rule, user, minute, ip] : hits) {
    correlator.Add(rule, UserEvent(user, ip), {"f", ++line, minute * 60});
  }
  std::string out;
  for (const auto& a : correlator.Finish()) {
    out += a.group + " " + std::to_string(static_cast<int>(a.start / 60)) + ".." +
           std::to_string(static_cast<int>(a.end / 60)) + " " +
           std::to_string(static_cast<int>(a.measure)) + " [";
    for (const auto& e : a.events) out += std::to_string(e.line) + " ";
    out += "]\n";
  }
  return out;
}

TEST(CorrelateTest, EventCountMeetsThresholdInsideTheSpan) {
  auto c = Make("event_count", 1, "gte", "6");
  EXPECT_EQ(Correlate(c, {{0, "a", 0, ""},
                          {0, "a", 1, ""},
                          {0, "a", 2, ""},
                          {0, "a", 3, ""},
                          {0, "a", 4, ""},
                          {0, "a", 5, ""}}),
            "user=a 0..5 6 [1 2 3 4 5 6 ]\n");
}

TEST(CorrelateTest, EventCountOneShortIsNoAlert) {
  auto c = Make("event_count", 1, "gte", "6");
  EXPECT_EQ(
      Correlate(
          c, {{0, "a", 0, ""}, {0, "a", 1, ""}, {0, "a", 2, ""}, {0, "a", 3, ""}, {0, "a", 4, ""}}),
      "");
}

TEST(CorrelateTest, EventCountWindowIsSlidingNotBucketed) {
  auto c = Make("event_count", 1, "gte", "6");
  // Minutes 7..12 straddle the 10-minute bucket boundary: fixed buckets would see 3 + 3.
  EXPECT_EQ(Correlate(c, {{0, "a", 7, ""},
                          {0, "a", 8, ""},
                          {0, "a", 9, ""},
                          {0, "a", 10, ""},
                          {0, "a", 11, ""},
                          {0, "a", 12, ""}}),
            "user=a 7..12 6 [1 2 3 4 5 6 ]\n");
  // Spread over 11 minutes: no 10-minute window holds all six.
  EXPECT_EQ(Correlate(c, {{0, "a", 0, ""},
                          {0, "a", 2, ""},
                          {0, "a", 4, ""},
                          {0, "a", 6, ""},
                          {0, "a", 8, ""},
                          {0, "a", 11, ""}}),
            "");
}

TEST(CorrelateTest, EventCountKeepsGroupsApart) {
  auto c = Make("event_count", 1, "gte", "4");
  EXPECT_EQ(Correlate(c, {{0, "a", 0, ""},
                          {0, "b", 0, ""},
                          {0, "a", 1, ""},
                          {0, "b", 1, ""},
                          {0, "a", 2, ""},
                          {0, "b", 2, ""}}),
            "");
}

// Group-by values that hold the text between values ("a, ip=b") are still other groups.
TEST(CorrelateTest, GroupsAreKeptApartWhateverTheirValuesHold) {
  auto c = Make("event_count", 1, "gte", "2");
  c.group_by = {"user", "ip"};
  c.sources[0].group_fields = {"user", "ip"};
  EXPECT_EQ(Correlate(c, {{0, "a, ip=b", 0, "c"}, {0, "a", 1, "b, ip=c"}}), "");
  // The same values twice are one group, named as before.
  EXPECT_EQ(Correlate(c, {{0, "a, ip=b", 0, "c"}, {0, "a, ip=b", 1, "c"}}),
            "user=a, ip=b, ip=c 0..1 2 [1 2 ]\n");
}

TEST(CorrelateTest, EventsOutOfOrderAreSortedByTime) {
  auto c = Make("event_count", 1, "gte", "3");
  EXPECT_EQ(Correlate(c, {{0, "a", 30, ""}, {0, "a", 2, ""}, {0, "a", 1, ""}, {0, "a", 0, ""}}),
            "user=a 0..2 3 [4 3 2 ]\n");
}

TEST(CorrelateTest, TemporalOrderedNeedsTheOrder) {
  auto c = Make("temporal_ordered", 2);
  EXPECT_EQ(Correlate(c, {{0, "a", 0, ""}, {1, "a", 6, ""}}), "user=a 0..6 2 [1 2 ]\n");
  EXPECT_EQ(Correlate(c, {{1, "a", 0, ""}, {0, "a", 6, ""}}), "");   // success before failure
  EXPECT_EQ(Correlate(c, {{0, "a", 0, ""}, {1, "a", 11, ""}}), "");  // outside the span
  EXPECT_EQ(Correlate(c, {{0, "a", 0, ""}, {1, "b", 1, ""}}), "");   // another user
}

TEST(CorrelateTest, TemporalIgnoresOrder) {
  auto c = Make("temporal", 2);
  EXPECT_EQ(Correlate(c, {{1, "a", 0, ""}, {0, "a", 6, ""}}), "user=a 0..6 2 [1 2 ]\n");
  EXPECT_EQ(Correlate(c, {{1, "a", 0, ""}, {1, "a", 6, ""}}), "");
}

TEST(CorrelateTest, TemporalConditionCountsRulesSeen) {
  auto c = Make("temporal", 3, "gte", "2");  // two of three rules
  EXPECT_EQ(Correlate(c, {{2, "a", 0, ""}, {0, "a", 6, ""}}), "user=a 0..6 2 [1 2 ]\n");
  EXPECT_EQ(Correlate(c, {{2, "a", 0, ""}, {2, "a", 6, ""}}), "");
}

TEST(CorrelateTest, ExtendedConditionWithNot) {
  using Kind = ir::CorrelationTest::Kind;
  auto c = Make("temporal", 3);
  c.condition.clear();
  // (rule0 or rule1) and not rule2
  c.rule_condition =
      Junction(Kind::kAnd, {Junction(Kind::kOr, {RuleRef("rule0"), RuleRef("rule1")}),
                            Junction(Kind::kNot, {RuleRef("rule2")})});
  EXPECT_EQ(Correlate(c, {{1, "a", 0, ""}}), "user=a 0..0 1 [1 ]\n");
  // The window ending at 5 holds rule2 (at 1): no alert. The window ending at 12 reaches back
  // to 2: rule1 at 5 and 12, no rule2, so it alerts with both events.
  EXPECT_EQ(Correlate(c, {{2, "b", 1, ""}, {1, "b", 5, ""}, {1, "b", 12, ""}}),
            "user=b 5..12 1 [2 3 ]\n");
  EXPECT_EQ(Correlate(c, {{2, "c", 0, ""}}), "");
}

TEST(CorrelateTest, ValueCountCountsDistinctValues) {
  auto c = Make("value_count", 1, "gte", "3");
  SetField(c, "ip");
  EXPECT_EQ(Correlate(c, {{0, "a", 0, "1.1.1.1"}, {0, "a", 1, "1.1.1.1"}, {0, "a", 2, "1.1.1.2"}}),
            "");
  EXPECT_EQ(Correlate(c, {{0, "a", 0, "1.1.1.1"}, {0, "a", 1, "1.1.1.2"}, {0, "a", 2, "1.1.1.3"}}),
            "user=a 0..2 3 [1 2 3 ]\n");
}

TEST(CorrelateTest, ValuePercentileIsNearestRank) {
  // Windows ending at 10, 20, 30 give 80th percentiles (nearest rank) 10, 20, 30; the window
  // 10..40 gives 40, the first above 39. The next window starts after that alert: 100 alone.
  auto c = Make("value_percentile", 1, "gt", "39");
  SetField(c, "ip");
  c.percentile = "80";
  EXPECT_EQ(Correlate(c, {{0, "a", 0, "10"},
                          {0, "a", 1, "20"},
                          {0, "a", 2, "30"},
                          {0, "a", 3, "40"},
                          {0, "a", 4, "100"}}),
            "user=a 0..3 40 [1 2 3 4 ]\nuser=a 4..4 100 [5 ]\n");
  c.condition = {{ir::CompareOp::kGt, "40"}};
  EXPECT_EQ(
      Correlate(c, {{0, "a", 0, "10"}, {0, "a", 1, "20"}, {0, "a", 2, "30"}, {0, "a", 3, "40"}}),
      "");
}

TEST(CorrelateTest, AlertsDoNotOverlap) {
  auto c = Make("event_count", 1, "gte", "2");
  EXPECT_EQ(Correlate(c, {{0, "a", 0, ""}, {0, "a", 1, ""}, {0, "a", 2, ""}, {0, "a", 3, ""}}),
            "user=a 0..1 2 [1 2 ]\nuser=a 2..3 2 [3 4 ]\n");
}

// The aggregate extension over user/ip events: measures, condition, columns by ordered cases.
TEST(CorrelateTest, AggregateMeasuresConditionAndScore) {
  ir::Correlation c = Make("aggregate", 1);
  c.window.span = "1h";
  c.window.span_seconds = 3600;
  using ir::MeasureKind;
  c.measures = {{"Events", MeasureKind::kCount, "", "", "", std::nullopt, {}, ""},
                {"UniqueIPs", MeasureKind::kDistinct, "ip", "ip", "", std::nullopt, {}, ""},
                {"IPList", MeasureKind::kValues, "ip", "ip", "2", std::nullopt, {}, ""}};
  c.test = Compare("Events", ir::CompareOp::kGte, "3");
  c.columns = {{"RiskScore", "", {{Compare("UniqueIPs", ir::CompareOp::kGt, "2"), "90"}}, "60"}};
  Correlator correlator(c);
  const char* ips[] = {"1.1.1.1", "1.1.1.2", "1.1.1.1", "1.1.1.3"};
  for (size_t i = 0; i < 4; ++i) {
    correlator.Add(0, UserEvent("a", ips[i]), {"f", i + 1, static_cast<double>(i) * 60});
  }
  correlator.Add(0, UserEvent("b", "2.2.2.2"), {"f", 5, 0});  // one event: below the condition
  auto alerts = correlator.Finish();
  ASSERT_EQ(alerts.size(), 1u);
  // The first window that holds is events 1-3; it widens to event 4 while the condition holds.
  EXPECT_EQ(alerts[0].events.size(), 4u);
  std::string values;
  for (const auto& v : alerts[0].values) values += v.name + "=" + v.json + " ";
  EXPECT_EQ(values, "Events=4 UniqueIPs=3 IPList=[\"1.1.1.1\",\"1.1.1.2\"] RiskScore=90 ");
}

// The open-addressing index finds each key whatever hashes collide, across its growth.
TEST(FlatIndexTest, FindsEveryKeyThroughCollisionsAndGrowth) {
  FlatIndex<uint32_t> index;
  std::vector<std::string> keys;
  for (uint32_t i = 0; i < 1000; ++i) keys.push_back("key" + std::to_string(i));
  // Hash 0 and 1 are stored alike (the low bit marks a used slot), and every tenth key
  // shares one hash: lookups must tell them apart by the key.
  auto hash = [&](uint32_t i) -> size_t { return i % 10 == 0 ? 0 : i / 2; };
  auto same = [&](const std::string& key) {
    return [&keys, &key](uint32_t at) { return keys[at] == key; };
  };
  for (uint32_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(index.Find(hash(i), same(keys[i])), nullptr) << keys[i];
    index.Add(hash(i), i);
  }
  for (uint32_t i = 0; i < keys.size(); ++i) {
    const uint32_t* found = index.Find(hash(i), same(keys[i]));
    ASSERT_NE(found, nullptr) << keys[i];
    EXPECT_EQ(*found, i);
  }
  EXPECT_EQ(index.Find(hash(3), same("absent")), nullptr);
}

// An aggregate over user a's hits (one a minute, from these addresses) with `test`: its alerts
// as "events" counts, one per alert, or "none".
std::string AggregateAlerts(ir::CorrelationTest test, const std::vector<std::string>& ips) {
  ir::Correlation c = Make("aggregate", 1);
  c.window.span = "1h";
  c.window.span_seconds = 3600;
  using ir::MeasureKind;
  c.measures = {{"Events", MeasureKind::kCount, "", "", "", std::nullopt, {}, ""},
                {"UniqueIPs", MeasureKind::kDistinct, "ip", "ip", "", std::nullopt, {}, ""}};
  c.test = std::move(test);
  Correlator correlator(c);
  for (size_t i = 0; i < ips.size(); ++i) {
    correlator.Add(0, UserEvent("a", ips[i]), {"f", i + 1, static_cast<double>(i) * 60});
  }
  std::string out;
  for (const auto& a : correlator.Finish()) out += std::to_string(a.events.size()) + " ";
  return out.empty() ? "none" : out;
}

// A window with fewer hits than a count bound needs is not counted; the bound must be exact at
// the edge (N hits hold, N - 1 do not) and must not prune what an or, a not or a fraction lets
// hold.
TEST(CorrelateTest, AggregateCountBoundsAreExactAtTheEdge) {
  using Kind = ir::CorrelationTest::Kind;
  const std::vector<std::string> two = {"1.1.1.1", "1.1.1.2"};
  const std::vector<std::string> three = {"1.1.1.1", "1.1.1.2", "1.1.1.3"};
  const std::vector<std::string> same = {"1.1.1.1", "1.1.1.1", "1.1.1.1", "1.1.1.1"};
  // > 2.5 needs three hits.
  EXPECT_EQ(AggregateAlerts(Compare("Events", ir::CompareOp::kGt, "2.5"), three), "3 ");
  EXPECT_EQ(AggregateAlerts(Compare("Events", ir::CompareOp::kGt, "2.5"), two), "none");
  // == 3: the window of three holds and does not widen to four.
  EXPECT_EQ(AggregateAlerts(Compare("Events", ir::CompareOp::kEq, "3"),
                            {"1.1.1.1", "1.1.1.2", "1.1.1.3", "1.1.1.4"}),
            "3 ");
  // An or with a branch that a single hit satisfies: every window is examined.
  EXPECT_EQ(AggregateAlerts(Junction(Kind::kOr, {Compare("UniqueIPs", ir::CompareOp::kGte, "3"),
                                                 Compare("Events", ir::CompareOp::kLt, "2")}),
                            {"1.1.1.1"}),
            "1 ");
  // not (Events < 3) is Events >= 3, with no bound read from under the not.
  ir::CorrelationTest not_fewer =
      Junction(Kind::kNot, {Compare("Events", ir::CompareOp::kLt, "3")});
  EXPECT_EQ(AggregateAlerts(not_fewer, three), "3 ");
  EXPECT_EQ(AggregateAlerts(not_fewer, two), "none");
  // not (Events >= 5): one hit holds, so the 5 under the not bounds nothing.
  EXPECT_EQ(AggregateAlerts(Junction(Kind::kNot, {Compare("Events", ir::CompareOp::kGte, "5")}),
                            {"1.1.1.1"}),
            "1 ");
  // Enough hits but one address: the distinct count, not the bound, says no.
  EXPECT_EQ(AggregateAlerts(Junction(Kind::kAnd, {Compare("Events", ir::CompareOp::kGte, "3"),
                                                  Compare("UniqueIPs", ir::CompareOp::kGte, "2")}),
                            same),
            "none");
  EXPECT_EQ(AggregateAlerts(Compare("UniqueIPs", ir::CompareOp::kGte, "3"), three), "3 ");
  EXPECT_EQ(AggregateAlerts(Compare("UniqueIPs", ir::CompareOp::kGte, "3"), two), "none");
}

// value_count: a bound on distinct values is a bound on hits too, exact at the edge.
TEST(CorrelateTest, ValueCountBoundIsExactAtTheEdge) {
  auto c = Make("value_count", 1, "gte", "3");
  SetField(c, "ip");
  EXPECT_EQ(Correlate(c, {{0, "a", 0, "1.1.1.1"}, {0, "a", 1, "1.1.1.2"}, {0, "a", 2, "1.1.1.3"}}),
            "user=a 0..2 3 [1 2 3 ]\n");
  EXPECT_EQ(Correlate(c, {{0, "a", 0, "1.1.1.1"}, {0, "a", 1, "1.1.1.2"}}), "");
}

using TimedHits = std::vector<std::tuple<size_t, std::string, double>>;  // rule, user, minute

// Runs `hits` through a correlator, streaming or not, optionally with each pair of neighbours
// swapped (events up to one step late); prints "group start..end events" in minutes.
std::string RunHits(const ir::Correlation& c, const TimedHits& hits, bool streaming,
                    bool shuffle_slightly) {
  Correlator correlator(c);
  if (streaming) correlator.EnableStreaming();
  TimedHits order = hits;
  if (shuffle_slightly) {
    for (size_t i = 0; i + 1 < order.size(); i += 2) std::swap(order[i], order[i + 1]);
  }
  size_t line = 0;
  for (const auto& [rule, user, minute] : order) {
    correlator.Add(rule, UserEvent(user), {"f", ++line, minute * 60});
  }
  std::string out;
  for (const auto& a : correlator.Finish()) {
    out += a.group + " " + std::to_string(static_cast<int>(a.start / 60)) + ".." +
           std::to_string(static_cast<int>(a.end / 60)) + " " + std::to_string(a.events.size()) +
           "\n";
  }
  EXPECT_FALSE(correlator.out_of_order());
  return out;
}

// Streaming decides windows while events arrive and drops what no window can use; in time
// order (or up to an hour late) it raises exactly the batch's alerts.
TEST(CorrelateTest, StreamingMatchesBatch) {
  auto c = Make("event_count", 1, "gte", "3");
  TimedHits hits;
  for (int i = 0; i < 400; ++i) {
    // user a: bursts of 3 within 2 minutes every 30 minutes; user b: one event an hour
    hits.emplace_back(0, "a", (i / 3) * 30.0 + (i % 3));
    if (i % 6 == 0) hits.emplace_back(0, "b", i * 10.0);
  }
  std::string batch = RunHits(c, hits, false, false);
  EXPECT_NE(batch, "");
  EXPECT_EQ(RunHits(c, hits, true, false), batch);
  EXPECT_EQ(RunHits(c, hits, true, true), batch);
}

// temporal_ordered streams too: a chain is decided once every event its timespan could hold
// has arrived, and the hits before the next start are dropped.
TEST(CorrelateTest, StreamingOrderedMatchesBatch) {
  auto c = Make("temporal_ordered", 2);
  TimedHits hits;
  for (int i = 0; i < 600; ++i) {
    // user a: rule 0 then rule 1 four minutes later, every 25 minutes; rule 1 alone in between
    // (no chain); user b: rule 1 before rule 0 (no chain), then a pair 12 minutes apart (too far)
    double base = i * 25.0;
    hits.emplace_back(0, "a", base);
    hits.emplace_back(1, "a", base + 4);
    hits.emplace_back(1, "a", base + 15);
    if (i % 4 == 0) {
      hits.emplace_back(1, "b", base + 1);
      hits.emplace_back(0, "b", base + 2);
      hits.emplace_back(1, "b", base + 14);
    }
  }
  std::stable_sort(hits.begin(), hits.end(),
                   [](const auto& x, const auto& y) { return std::get<2>(x) < std::get<2>(y); });
  std::string batch = RunHits(c, hits, false, false);
  // 600 pairs for user a (0..4, 25..29, ...); b's only pair is 12 minutes apart: none.
  EXPECT_EQ(std::count(batch.begin(), batch.end(), '\n'), 600);
  EXPECT_EQ(batch.find("user=b"), std::string::npos);
  EXPECT_EQ(batch.substr(0, 29), "user=a 0..4 2\nuser=a 25..29 2");
  EXPECT_EQ(RunHits(c, hits, true, false), batch);
  EXPECT_EQ(RunHits(c, hits, true, true), batch);
}

// A chained correlation takes its inner correlation's alerts as they are decided (through the
// sink) and holds back its own decisions until the inner one has decided that far.
TEST(CorrelateTest, StreamingChainMatchesBatch) {
  auto inner = Make("event_count", 1, "gte", "3");
  auto outer = Make("temporal_ordered", 2);
  auto run = [&](bool streaming) {
    Correlator first(inner);
    Correlator second(outer);
    first.SetAlertSink([&second](const Alert& a) { second.AddAlert(0, a); });
    second.AddInput(&first);
    if (streaming) {
      first.EnableStreaming();
      second.EnableStreaming();
    }
    size_t line = 0;
    for (int block = 0; block < 300; ++block) {
      double base = block * 180.0;
      // three failures within three minutes every three hours (every third block only two: no
      // inner alert, no chain), and a success every ten minutes from minute 8: the inner
      // correlation stays quiet for hours while the outer one sees many events
      int failures = block % 3 == 2 ? 2 : 3;
      for (int f = 0; f < failures; ++f) {
        first.Add(0, UserEvent("a"), {"f", ++line, (base + f) * 60});
      }
      for (int m = 8; m < 180; m += 10) {
        second.Add(1, UserEvent("a"), {"f", ++line, (base + m) * 60});
      }
    }
    first.Finish();
    std::string out;
    for (const auto& a : second.Finish()) {
      out += std::to_string(static_cast<int>(a.start / 60)) + ".." +
             std::to_string(static_cast<int>(a.end / 60)) + " " + std::to_string(a.events.size()) +
             "\n";
    }
    EXPECT_FALSE(second.out_of_order());
    return out;
  };
  std::string batch = run(false);
  EXPECT_EQ(std::count(batch.begin(), batch.end(), '\n'), 200);
  EXPECT_EQ(batch.substr(0, 18), "2..8 4\n182..188 4\n");
  EXPECT_EQ(run(true), batch);
}

// Busy and quiet groups whose windows hold up to a few hundred hits (so they keep running
// tallies), with gaps that empty a window. Values drift from block to block (400 hits), so
// counts, sums and extremes cross the conditions' limits both ways. Three blocks hold values a
// running tally could get wrong, one kind each: a huge value (which a running sum loses the
// others to), fractions (which it rounds otherwise), NaN and -0. Some hits have no value.
struct ValueHit {
  size_t rule;
  std::string user;
  double seconds;
  std::string value;  // "" for none
};
std::vector<ValueHit> BusyHits(size_t rules) {
  std::mt19937 random(18);
  std::vector<ValueHit> hits;
  double now = 0;
  for (int i = 0; i < 8000; ++i) {
    now += random() % 1500 == 0 ? 3600 : static_cast<double>(random() % 12);
    const unsigned long block = static_cast<unsigned long>(i / 400) % 6;
    const auto pick = random() % 100;
    std::string value = std::to_string(block * 5 + random() % (10 + 10 * block));
    if (pick < 3) value = "";
    if (pick >= 3 && pick < 6) {
      if (i / 400 == 4) value = "1e300";
      if (i / 400 == 10) value = pick == 3 ? "2.5" : pick == 4 ? "0.1" : "-3";
      if (i / 400 == 16) value = pick == 3 ? "nan" : "-0";
    }
    // Of three rules, 1 and 2 are rare: a window may hold one, lose it and gain the other.
    const auto r = random() % 80;
    size_t rule = rules == 1 ? 0 : r == 0 ? 2 : r == 1 ? 1 : 0;
    hits.push_back({rule, random() % 8 == 0 ? "quiet" : "busy", now, value});
  }
  return hits;
}

Event ValueEvent(const ValueHit& hit) {
  Event e = UserEvent(hit.user);
  if (hit.value.empty()) return e;
  e.fields.push_back({"v", {FieldValue::Kind::kString, hit.value, 0}});
  e.fields.push_back(
      {"n", {FieldValue::Kind::kNumber, hit.value, std::strtod(hit.value.c_str(), nullptr)}});
  return e;
}

// Every alert whole: group, window, measure (all its digits), events and values.
std::string Tallied(const ir::Correlation& c, const std::vector<ValueHit>& hits, bool recount,
                    bool streaming, bool late) {
  Correlator correlator(c);
  if (recount) correlator.RecountEveryWindow();
  if (streaming) correlator.EnableStreaming();
  std::vector<size_t> order(hits.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Every third pair of neighbours arrives swapped: a late hit lands in an undecided window.
  for (size_t i = 0; late && i + 1 < order.size(); i += 6) std::swap(order[i], order[i + 1]);
  for (size_t i : order) {
    correlator.Add(hits[i].rule, ValueEvent(hits[i]), {"f", i + 1, hits[i].seconds});
  }
  std::string out;
  for (const auto& a : correlator.Finish()) {
    out += fmt::format("{} {}..{} {:.17g} [", a.group, a.start, a.end, a.measure);
    for (const auto& e : a.events) out += std::to_string(e.line) + " ";
    out += "]";
    for (const auto& v : a.values) out += " " + v.name + "=" + v.json;
    out += "\n";
  }
  EXPECT_FALSE(correlator.out_of_order());
  return out;
}

// Running tallies (windows of 32 hits and more) give what recounting every window gives, in a
// batch and streaming, with late hits.
void ExpectTalliesMatchRecounts(const ir::Correlation& c, size_t rules) {
  std::vector<ValueHit> hits = BusyHits(rules);
  std::string recounted = Tallied(c, hits, true, false, false);
  EXPECT_GE(std::count(recounted.begin(), recounted.end(), '\n'), 5) << recounted;
  EXPECT_EQ(Tallied(c, hits, false, false, false), recounted);
  EXPECT_EQ(Tallied(c, hits, false, true, false), recounted);
  EXPECT_EQ(Tallied(c, hits, false, true, true), Tallied(c, hits, true, true, true));
}

TEST(CorrelateTest, RunningValueCountMatchesRecount) {
  auto c = Make("value_count", 1, "gte", "40");
  SetField(c, "v");
  ExpectTalliesMatchRecounts(c, 1);
}

TEST(CorrelateTest, RunningValueSumMatchesRecount) {
  auto c = Make("value_sum", 1, "gte", "3000");
  SetField(c, "v");
  ExpectTalliesMatchRecounts(c, 1);
}

TEST(CorrelateTest, RunningValueAvgMatchesRecount) {
  // Below the average of the blocks with odd values (about 45): a running sum that had lost
  // the values before a huge one, or kept a NaN, would hold (or fail) there.
  auto c = Make("value_avg", 1, "lt", "20");
  SetField(c, "v");
  ExpectTalliesMatchRecounts(c, 1);
  c.condition = {{ir::CompareOp::kGte, "40"}};
  ExpectTalliesMatchRecounts(c, 1);
}

TEST(CorrelateTest, RunningTemporalMatchesRecount) {
  auto c = Make("temporal", 3);
  ExpectTalliesMatchRecounts(c, 3);
  c.rule_condition =
      Junction(ir::CorrelationTest::Kind::kAnd,
               {RuleRef("rule2"), Junction(ir::CorrelationTest::Kind::kNot, {RuleRef("rule1")})});
  c.condition.clear();
  // rule 2 without rule 1: a window holds once rule 1's last hit has left it.
  ExpectTalliesMatchRecounts(c, 3);
}

// One hit a second of value 1 over a one-minute window (61 hits), one odd value above 1 at
// second 10 and a 0 at second 150: the average is below 1 in the window ending at the 0 alone.
// A running sum that had taken in 1e300 (and lost the ones to it), NaN, 1.1 (and its rounding)
// or a number too large to sum exactly would hold the measure wrong after the odd value left.
TEST(CorrelateTest, RunningSumRecountsWhileAnInexactValueIsInTheWindow) {
  auto c = Make("value_avg", 1, "lt", "1");
  c.window.span = "1m";
  c.window.span_seconds = 60;
  SetField(c, "v");
  for (const char* odd : {"1e300", "nan", "1.1", "4294967297"}) {
    for (bool streaming : {false, true}) {
      Correlator correlator(c);
      if (streaming) correlator.EnableStreaming();
      for (size_t second = 0; second < 200; ++second) {
        const char* value = second == 10 ? odd : second == 150 ? "0" : "1";
        ValueHit hit{0, "a", static_cast<double>(second), value};
        correlator.Add(0, ValueEvent(hit), {"f", second + 1, static_cast<double>(second)});
      }
      std::string out;
      for (const auto& a : correlator.Finish()) {
        out += fmt::format("{}..{} {:.17g};", a.start, a.end, a.measure);
      }
      EXPECT_EQ(out, "90..150 0.98360655737704916;") << odd << (streaming ? " streaming" : "");
    }
  }
}

TEST(CorrelateTest, RunningAggregateMeasuresMatchRecount) {
  ir::Correlation c = Make("aggregate", 1);
  using ir::MeasureKind;
  c.measures = {{"Events", MeasureKind::kCount, "", "", "", std::nullopt, {}, ""},
                {"Distinct", MeasureKind::kDistinct, "v", "v", "", std::nullopt, {}, ""},
                {"Low", MeasureKind::kMin, "n", "n", "", std::nullopt, {}, ""},
                {"High", MeasureKind::kMax, "n", "n", "", std::nullopt, {}, ""},
                {"Sum", MeasureKind::kSum, "n", "n", "", std::nullopt, {}, ""},
                {"Mean", MeasureKind::kAvg, "n", "n", "", std::nullopt, {}, ""},
                {"List", MeasureKind::kValues, "v", "v", "3", std::nullopt, {}, ""}};
  ir::CorrelationTest low_below_mean = Compare("Low", ir::CompareOp::kLt, "Mean");
  low_below_mean.value_is_measure = true;
  using Kind = ir::CorrelationTest::Kind;
  c.test = Junction(
      Kind::kOr,
      {Junction(Kind::kAnd, {Compare("Distinct", ir::CompareOp::kGte, "45"), low_below_mean}),
       Junction(Kind::kAnd, {Compare("Sum", ir::CompareOp::kGte, "3500"),
                             Compare("High", ir::CompareOp::kLt, "1e299")}),
       Junction(Kind::kAnd, {Compare("Low", ir::CompareOp::kGte, "12"),
                             Compare("High", ir::CompareOp::kLte, "40")}),
       Compare("Events", ir::CompareOp::kGte, "130")});
  c.columns = {{"Score", "", {{Compare("Distinct", ir::CompareOp::kGt, "55"), "90"}}, "60"}};
  ExpectTalliesMatchRecounts(c, 1);
}

TEST(CorrelateTest, StreamingReportsEventsFarOutOfOrder) {
  auto c = Make("event_count", 1, "gte", "1");
  Correlator correlator(c);
  correlator.EnableStreaming();
  correlator.Add(0, UserEvent("a"), {"f", 1, 0});
  correlator.Add(0, UserEvent("a"), {"f", 2, 5 * 3600});  // decides the window at 0
  EXPECT_FALSE(correlator.out_of_order());
  correlator.Add(0, UserEvent("a"), {"f", 3, -60});  // older than a decided window
  EXPECT_TRUE(correlator.out_of_order());
}

TEST(CorrelateTest, TimestampsFromCommonNamesAndFormat) {
  Event e;
  e.fields.push_back({"TimeCreated", {FieldValue::Kind::kString, "2023-09-25 20:39:50.5", 0}});
  auto time = EventTime(e);
  ASSERT_TRUE(time.has_value());
  EXPECT_EQ(FormatTime(*time), "2023-09-25T20:39:50.500Z");
  EXPECT_EQ(EventTime(UserEvent("a")), std::nullopt);
}

}  // namespace
}  // namespace refract::eval
