// The hunt engine as a library: a chained correlation over JSON events, its near misses, the
// errors it reports, and the rule-test runner's verdicts.
#include "compiler/hunt/hunt.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace refract::hunt {
namespace {

namespace fs = std::filesystem;

const fs::path kHunt = fs::path(REFRACT_SOURCE_DIR) / "tests" / "tools" / "hunt";

struct HuntRun {
  Status status;
  std::vector<std::string> titles;  // of every match, in order
  std::vector<size_t> lines;        // the events behind the last match
  std::string err;
};

HuntRun RunOn(const std::string& rules, const std::string& events, const std::string& schema = "") {
  std::ostringstream err;
  HuntRun run{Status::kOk, {}, {}, ""};
  Options options{{(kHunt / rules).string()}, {(kHunt / events).string()}, schema, "", true};
  run.status = hunt::Run(options, err, [&](const Match& m) {
    run.titles.push_back(m.title);
    run.lines.clear();
    for (const auto& e : m.events) run.lines.push_back(e.line);
  });
  run.err = err.str();
  return run;
}

TEST(HuntTest, AChainedCorrelationAlertsWithEveryEventBehindIt) {
  HuntRun run = RunOn("password_guess_then_logon.yml", "guess_positive.jsonl");
  EXPECT_EQ(run.status, Status::kOk);
  ASSERT_EQ(run.titles,
            std::vector<std::string>{"Password guessed - failures then a network logon"});
  EXPECT_EQ(run.lines, (std::vector<size_t>{1, 2, 3, 4, 5, 6, 7}));
}

TEST(HuntTest, NearMissesRaiseNothing) {
  for (const char* events :
       {"guess_one_fewer.jsonl", "guess_success_first.jsonl", "guess_other_type.jsonl"}) {
    HuntRun run = RunOn("password_guess_then_logon.yml", events);
    EXPECT_EQ(run.status, Status::kOk) << events;
    EXPECT_TRUE(run.titles.empty()) << events;
  }
}

TEST(HuntTest, AConditionalMinAndMaxOrderTheFailuresBeforeTheSuccess) {
  // alice fails twice, then succeeds; bob succeeds, then fails twice (a stale password on a
  // device); carol never succeeds: only alice's sign-ins hold FirstFailure < LastSuccess.
  HuntRun run = RunOn("failures_then_success.yml", "order_events.jsonl");
  EXPECT_EQ(run.status, Status::kOk) << run.err;
  ASSERT_EQ(run.titles, std::vector<std::string>{"Failures, then a success"});
  EXPECT_EQ(run.lines, (std::vector<size_t>{1, 2, 3}));
}

TEST(HuntTest, EventsWithoutAGroupByFieldAreInNoGroup) {
  // Rows 1-3 have no user (absent or null): before, they were three failures of user "".
  HuntRun run = RunOn("missing_group_field.yml", "missing_group_field.jsonl");
  EXPECT_EQ(run.status, Status::kOk) << run.err;
  ASSERT_EQ(run.titles, std::vector<std::string>{"Three failures of one user"});
  EXPECT_EQ(run.lines, (std::vector<size_t>{4, 5, 6}));
}

TEST(HuntTest, ConsecutiveComparesEachEventWithTheOneBefore) {
  // ana: London, New York an hour later, Tokyo an hour after that (coordinates as text): two
  // alerts sharing New York. ben: London to New York in 7.5 hours (742 km/h), and more than the
  // 6-hour timespan apart anyway. cy: a latitude that is no number has no distance.
  HuntRun run = RunOn("travel_chain.yml", "travel_chain.jsonl");
  EXPECT_EQ(run.status, Status::kOk) << run.err;
  EXPECT_EQ(run.titles, (std::vector<std::string>{"Too fast", "Too fast"}));
  EXPECT_EQ(run.lines, (std::vector<size_t>{2, 3}));
}

TEST(HuntTest, ASpeedDividesByAtLeastAMinute) {
  // Paris and London in the same second: 343.56 km (an independent haversine in Python on
  // 6,371.0088 km), divided by a minute, not by zero.
  std::ostringstream err;
  std::vector<std::vector<eval::NamedValue>> values;
  Options options{{(kHunt / "travel_chain.yml").string()},
                  {(kHunt / "travel_values.jsonl").string()},
                  "",
                  "",
                  true};
  ASSERT_EQ(hunt::Run(options, err, [&](const Match& m) { values.push_back(m.values); }),
            Status::kOk)
      << err.str();
  ASSERT_EQ(values.size(), 1u);
  ASSERT_EQ(values[0][0].name, "Speed");
  EXPECT_NEAR(values[0][0].number, 343.56 * 60, 1.0);
}

TEST(HuntTest, AnExportsTypeColumnLimitsEachRuleToItsTable) {
  // Rows 1 and 2 name their tables, row 3 a table neither rule reads, row 4 none.
  HuntRun run = RunOn("two_tables.yml", "two_tables.jsonl", "kql");
  EXPECT_EQ(run.status, Status::kOk) << run.err;
  EXPECT_EQ(run.titles, (std::vector<std::string>{
                            "Failed interactive sign-in", "Failed non-interactive sign-in",
                            "Failed interactive sign-in", "Failed non-interactive sign-in"}));
}

TEST(HuntTest, WithoutASchemaTheTypeColumnIsAnOrdinaryField) {
  HuntRun run = RunOn("two_tables.yml", "two_tables.jsonl");
  EXPECT_EQ(run.titles.size(), 8u);
}

TEST(HuntTest, ACycleOfCorrelationsIsAnErrorNotAHang) {
  HuntRun run = RunOn("correlation_cycle.yml", "signin_events.jsonl");
  EXPECT_EQ(run.status, Status::kRuleErrors);
  EXPECT_NE(run.err.find("error[E0619]"), std::string::npos) << run.err;
}

TEST(HuntTest, AnUnknownSchemaIsAUsageError) {
  std::ostringstream err;
  Options options{{(kHunt / "logon_order.yml").string()},
                  {(kHunt / "signin_events.jsonl").string()},
                  "kqll",
                  "",
                  true};
  EXPECT_EQ(hunt::Run(options, err, [](const Match&) {}), Status::kUsage);
  EXPECT_NE(err.str().find("unknown schema 'kqll'"), std::string::npos);
}

TEST(HuntTest, RuleTestsCountPassesAndShowWhatAFailureMissed) {
  fs::path dir = fs::temp_directory_path() / "refract_hunt_test";
  fs::create_directories(dir);
  for (const char* f : {"password_guess_then_logon.yml", "guess_positive.jsonl"}) {
    fs::copy_file(kHunt / f, dir / f, fs::copy_options::overwrite_existing);
  }
  std::ofstream(dir / "cases.test.yml")
      << "rules: [password_guess_then_logon.yml]\ncases:\n"
         "  - {name: right, events: guess_positive.jsonl, expect: [{rule: Password guessed - "
         "failures then a network logon, events: [1, 2, 3, 4, 5, 6, 7]}]}\n"
         "  - {name: wrong, events: guess_positive.jsonl, expect: []}\n";
  std::ostringstream out;
  TestSummary summary = RunTests({(dir / "cases.test.yml").string()}, out);
  EXPECT_EQ(summary.passed, 1u);
  EXPECT_EQ(summary.failed, 1u);
  EXPECT_NE(out.str().find("+ raised, not expected: Password guessed - failures then a network "
                           "logon [1, 2, 3, 4, 5, 6, 7]"),
            std::string::npos)
      << out.str();
  fs::remove_all(dir);
}

}  // namespace
}  // namespace refract::hunt
