// Sumo Logic Cloud SIEM: which rule type each correlation becomes, and the limits of the rule
// types (window range, entities, six aggregation functions) as diagnostics.
#include <gtest/gtest.h>

#include <string>

#include "tests/test_util.h"

namespace refract {
namespace {

const char* const kFailedLogon =
    "title: Failed logon\nname: failed_logon\nlogsource: {product: windows, service: security}\n"
    "detection:\n  selection: {EventID: 4625}\n  condition: selection\n---\n";

// `correlation` (the lines under `correlation:`) over failed logons, on sumo-cse.
std::string Correlate(const std::string& correlation) {
  return testing::CompileToText(
      std::string(kFailedLogon) + "title: C\ncorrelation:\n" + correlation, {"sumo-cse"});
}

TEST(SumoCse, GreaterThanIsTheNextWholeLimit) {
  std::string out = Correlate(
      "  type: event_count\n  rules: [failed_logon]\n  group-by: [TargetUserName]\n"
      "  timespan: 10m\n  condition: {gt: 5}\n");
  EXPECT_NE(out.find("\"ruleType\": \"threshold\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"limit\": 6,"), std::string::npos) << out;
  EXPECT_NE(out.find("\"windowSize\": \"T10M\""), std::string::npos) << out;
  EXPECT_NE(out.find("{\"entityType\": \"_username\", \"expression\": \"user_username\"}"),
            std::string::npos)
      << out;
}

TEST(SumoCse, AnUpperBoundIsAnAggregationTrigger) {
  std::string out = Correlate(
      "  type: event_count\n  rules: [failed_logon]\n  group-by: [TargetUserName]\n"
      "  timespan: 7m\n  condition: {lt: 3}\n");
  EXPECT_NE(out.find("\"ruleType\": \"aggregation\""), std::string::npos) << out;
  EXPECT_NE(out.find("\"triggerExpression\": \"event_count < 3\""), std::string::npos) << out;
  // 7 minutes has no window name.
  EXPECT_NE(out.find("\"windowSize\": \"CUSTOM\",\n  \"windowSizeMilliseconds\": \"420000\""),
            std::string::npos)
      << out;
}

TEST(SumoCse, AWindowPastFiveDaysIsRefused) {
  std::string out = Correlate(
      "  type: event_count\n  rules: [failed_logon]\n  group-by: [TargetUserName]\n"
      "  timespan: 6d\n  condition: {gte: 5}\n");
  EXPECT_NE(out.find("error[E0500]: target 'sumo-cse' cannot express a window of 6d"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find("ruleType"), std::string::npos) << out;
}

TEST(SumoCse, AGroupWithoutAnEntityIsRefused) {
  std::string out = Correlate(
      "  type: event_count\n  rules: [failed_logon]\n  group-by: [LogonProcessName]\n"
      "  timespan: 10m\n  condition: {gte: 5}\n");
  EXPECT_NE(out.find("a group-by with no entity field"), std::string::npos) << out;
}

TEST(SumoCse, TheOtherGroupKeysAreGroupByFields) {
  std::string out = Correlate(
      "  type: value_count\n  rules: [failed_logon]\n  group-by: [LogonProcessName, IpAddress]\n"
      "  timespan: 1h\n  condition: {field: TargetUserName, gte: 10}\n");
  EXPECT_NE(out.find("\"countDistinct\": true,\n  \"countField\": \"user_username\""),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("{\"entityType\": \"_ip\", \"expression\": \"srcDevice_ip\"}],\n"
                     "  \"groupByFields\": [\"fields['EventData.LogonProcessName']\"]"),
            std::string::npos)
      << out;
}

TEST(SumoCse, AMeasureOfValuesInTheConditionIsRefused) {
  std::string out = Correlate(
      "  type: aggregate\n  rules: [failed_logon]\n  group-by: [TargetUserName]\n"
      "  timespan: 1h\n  measures:\n    Hosts: {values: WorkstationName}\n"
      "  condition: Hosts > 1\n");
  EXPECT_NE(out.find("the values measure Hosts in the condition"), std::string::npos) << out;
}

TEST(SumoCse, SevenMeasuresInTheTriggerAreRefused) {
  std::string measures;
  std::string condition = "M0 > 1";
  for (int i = 0; i < 7; ++i) {
    measures += "    M" + std::to_string(i) + ": {count: all}\n";
    if (i > 0) condition += " and M" + std::to_string(i) + " > 1";
  }
  std::string out = Correlate(
      "  type: aggregate\n  rules: [failed_logon]\n  group-by: [TargetUserName]\n"
      "  timespan: 1h\n  measures:\n" +
      measures + "  condition: " + condition + "\n");
  EXPECT_NE(out.find("7 measures in the trigger (an aggregation rule has at most six)"),
            std::string::npos)
      << out;
}

TEST(SumoCse, MeasuresTheTriggerDoesNotReadGoFirstPastSix) {
  std::string measures;
  for (int i = 0; i < 8; ++i) measures += "    M" + std::to_string(i) + ": {count: all}\n";
  std::string out = Correlate(
      "  type: aggregate\n  rules: [failed_logon]\n  group-by: [TargetUserName]\n"
      "  timespan: 1h\n  measures:\n" +
      measures + "  condition: M7 > 1 and M0 > 1\n");
  // M6 and M5 are dropped (the last ones the trigger does not read); M7 stays.
  EXPECT_NE(out.find("the measure M6 is left out"), std::string::npos) << out;
  EXPECT_NE(out.find("the measure M5 is left out"), std::string::npos) << out;
  EXPECT_EQ(out.find("the measure M7 is left out"), std::string::npos) << out;
  EXPECT_NE(out.find("\"name\": \"M7\""), std::string::npos) << out;
  EXPECT_EQ(out.find("\"name\": \"M6\""), std::string::npos) << out;
}

TEST(SumoCse, BackslashesAreEscapedTwiceInLikePatterns) {
  // LIKE's escape character is `\`, and Spark SQL string literals unescape `\\`.
  std::string out = testing::CompileToText(
      testing::RuleWithDetection("  s: {Image|endswith: '\\cmd.exe'}\n  condition: s\n"),
      {"sumo-cse"});
  EXPECT_NE(out.find("lower(baseImage) like '%\\\\\\\\cmd.exe'"), std::string::npos) << out;
}

TEST(SumoCse, ARawFieldIsComparedAsADouble) {
  // Spark casts a string compared with an integer to an integer ("5.5" > 5 would be false);
  // schema attributes keep their types.
  std::string out = testing::CompileToText(
      testing::RuleWithDetection("  s: {IntegrityLevel|gt: 5, ProcessId|lt: 3}\n  condition: s\n"),
      {"sumo-cse"});
  EXPECT_NE(out.find("toDouble(fields['IntegrityLevel']) > 5 AND pid < 3"), std::string::npos)
      << out;
}

}  // namespace
}  // namespace refract
