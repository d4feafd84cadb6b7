// Lowering correlations to IR: references resolved by name and id, aliases, count-if
// selections, chains folded or kept, the errors a reference can meet, and cycles.
#include "compiler/ir/correlation_lower.h"

#include <gtest/gtest.h>

#include "compiler/driver/compile.h"

namespace refract::ir {
namespace {

constexpr const char* kRules = R"(title: Failed logon
name: failed
id: 0e95725d-7320-415d-80f7-004da920fc11
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4625}
  condition: sel
---
title: Logon
name: logon
logsource: {product: windows, service: security}
detection:
  sel: {EventID: 4624}
  condition: sel
---
)";

// Parses `correlations` after kRules and lowers the last correlation document with `chains`;
// `diagnostics` gets "CODE message" lines.
struct Lowered {
  std::optional<Correlation> correlation;
  std::string failure;
  std::vector<std::string> diagnostics;
  size_t folded = 0;
};

Lowered LowerLast(const std::string& correlations, Chains chains = Chains::kFold) {
  Session session;
  session.stage = EmitStage::kIr;
  session.keep_lowered = true;
  FileResult file = CompileText("rules.yml", std::string(kRules) + correlations, session);
  if (file.correlations.empty()) return {std::nullopt, "no correlation parsed", {}, 0};
  CorrelationScope scope;
  for (const auto& rule : file.lowered) scope.AddRule(rule);
  for (const auto& c : file.correlations) scope.AddCorrelation(c);
  Diagnostics diagnostics;
  CorrelationLowering lowering =
      LowerCorrelation(file.correlations.back(), scope, {nullptr, chains, false}, diagnostics);
  Lowered out{std::move(lowering.correlation), lowering.failure, {}, lowering.folded.size()};
  for (const auto& d : diagnostics.all()) out.diagnostics.push_back(d.code + " " + d.message);
  return out;
}

TEST(CorrelationLowerTest, KindOperatorsWindowAndSourcesAreTyped) {
  auto l = LowerLast(R"(title: Guessing
correlation:
  type: event_count
  rules: [0e95725d-7320-415d-80f7-004da920fc11]
  group-by: [TargetUserName]
  timespan: 10m
  condition: {gte: 5, lt: 100}
)");
  ASSERT_TRUE(l.correlation);
  const Correlation& c = *l.correlation;
  EXPECT_EQ(c.kind, CorrelationKind::kEventCount);
  ASSERT_EQ(c.condition.size(), 2u);
  EXPECT_EQ(c.condition[0].op, CompareOp::kGte);
  EXPECT_EQ(c.condition[1].op, CompareOp::kLt);
  EXPECT_EQ(c.window.span_seconds, 600);
  EXPECT_TRUE(c.window.sliding);
  EXPECT_FALSE(c.window.ordered);
  ASSERT_EQ(c.sources.size(), 1u);
  EXPECT_EQ(c.sources[0].rule->info.title, "Failed logon");  // found by its id
  EXPECT_EQ(c.sources[0].group_fields, std::vector<std::string>{"TargetUserName"});
}

TEST(CorrelationLowerTest, AliasesResolvePerRule) {
  auto l = LowerLast(R"(title: Fail then logon
correlation:
  type: temporal_ordered
  rules: [failed, logon]
  group-by: [user]
  timespan: 1h
  aliases:
    user: {failed: TargetUserName, logon: SubjectUserName}
)");
  ASSERT_TRUE(l.correlation);
  EXPECT_TRUE(l.correlation->window.ordered);
  EXPECT_EQ(l.correlation->group_by, std::vector<std::string>{"user"});
  EXPECT_EQ(l.correlation->sources[0].group_fields, std::vector<std::string>{"TargetUserName"});
  EXPECT_EQ(l.correlation->sources[1].group_fields, std::vector<std::string>{"SubjectUserName"});
}

TEST(CorrelationLowerTest, AnUnknownReferenceIsE0616WithASuggestion) {
  auto l = LowerLast(R"(title: Typo
correlation:
  type: event_count
  rules: [faild]
  group-by: [x]
  timespan: 10m
  condition: {gte: 5}
)");
  EXPECT_FALSE(l.correlation);
  EXPECT_EQ(l.failure, "E0616");
  ASSERT_EQ(l.diagnostics.size(), 1u);
  EXPECT_EQ(l.diagnostics[0], "E0616 correlation refers to 'faild', which is no rule of this run");
}

constexpr const char* kInner = R"(title: Five failures
name: five
correlation:
  type: event_count
  rules: [failed]
  group-by: [TargetUserName]
  timespan: 10m
  condition: {gt: 4}
---
)";

// A temporal_ordered correlation over kInner's `five` and the rule `logon`.
constexpr const char* kFailuresThenLogon = R"(title: Failures then logon
correlation:
  type: temporal_ordered
  rules: [five, logon]
  group-by: [TargetUserName]
  timespan: 10m
)";

TEST(CorrelationLowerTest, TranslatorsFoldAChainedEventCountAsAThreshold) {
  auto l = LowerLast(std::string(kInner) + kFailuresThenLogon);
  ASSERT_TRUE(l.correlation);
  EXPECT_EQ(l.folded, 1u);
  EXPECT_EQ(l.correlation->sources[0].min_count, 5);  // gt 4
  EXPECT_EQ(l.correlation->sources[0].rule->info.title, "Failed logon");
  ASSERT_EQ(l.diagnostics.size(), 1u);
  EXPECT_EQ(l.diagnostics[0].substr(0, 5), "W0501");
}

TEST(CorrelationLowerTest, AFractionalChainedCountRoundsToTheWholeEventsItNeeds) {
  for (const auto& [condition, least] : std::vector<std::pair<std::string, long long>>{
           {"{gte: 2.5}", 3}, {"{gt: 2.5}", 3}, {"{gte: 3}", 3}, {"{gt: 3}", 4}}) {
    std::string inner = std::string(kInner);
    inner.replace(inner.find("{gt: 4}"), 7, condition);
    auto l = LowerLast(inner + kFailuresThenLogon);
    ASSERT_TRUE(l.correlation) << condition;
    EXPECT_EQ(l.correlation->sources[0].min_count, least) << condition;
  }
}

// The file kRules + `correlation`, parsed to its IR.
FileResult ParseAfterRules(const std::string& correlation) {
  Session session;
  session.stage = EmitStage::kIr;
  return CompileText("rules.yml", std::string(kRules) + correlation, session);
}

// True when `file` kept no correlation and its last diagnostic is E0613.
bool RefusedAsE0613(const FileResult& file) {
  return file.correlations.empty() && !file.diagnostics.all().empty() &&
         file.diagnostics.all().back().code == "E0613";
}

std::string EventCountAtLeast(const std::string& value) {
  return R"(title: Guessing
correlation:
  type: event_count
  rules: [failed]
  group-by: [TargetUserName]
  timespan: 10m
  condition: {gte: ')" +
         value + "'}\n";
}

// A value past 15 digits overflowed std::stoi in the EQL backend (found by fuzz_compile); hex,
// exponents, inf and nan are strtod numbers no target writes as they stand.
TEST(CorrelationLowerTest, AConditionValueIsADecimalOfAtMostFifteenDigits) {
  for (const std::string value : {"3333333333333333333333333333333333333320", "1e3", "0x10", "inf",
                                  "nan", "5.", ".5", "--5", "1234567890123456"}) {
    EXPECT_TRUE(RefusedAsE0613(ParseAfterRules(EventCountAtLeast(value)))) << value;
  }
  for (const std::string value : {"123456789012345", "-2", "2.5"}) {
    EXPECT_EQ(ParseAfterRules(EventCountAtLeast(value)).correlations.size(), 1u) << value;
  }
}

TEST(CorrelationLowerTest, AMeasureComparisonTakesADecimalOrAMeasureName) {
  for (const std::string value : {"99999999999999999999", "1e3", "0x10", "-inf"}) {
    EXPECT_TRUE(RefusedAsE0613(ParseAfterRules(R"(title: Many
correlation:
  type: aggregate
  rules: [failed]
  group-by: [TargetUserName]
  timespan: 10m
  measures:
    Failures: {count: all}
  condition: Failures >= )" + value + "\n")))
        << value;
  }
}

TEST(CorrelationLowerTest, TheEvaluatorKeepsChainsAsChains) {
  auto l = LowerLast(std::string(kInner) + kFailuresThenLogon, Chains::kKeep);
  ASSERT_TRUE(l.correlation);
  EXPECT_EQ(l.folded, 0u);
  EXPECT_EQ(l.correlation->sources[0].chained, "five");
  EXPECT_FALSE(l.correlation->sources[0].rule);
  EXPECT_TRUE(l.diagnostics.empty());
}

TEST(CorrelationLowerTest, AChainOfAnotherShapeIsE0617) {
  auto l = LowerLast(std::string(kInner) + R"(title: Count of counts
correlation:
  type: event_count
  rules: [five]
  group-by: [TargetUserName]
  timespan: 1h
  condition: {gte: 2}
)");
  EXPECT_FALSE(l.correlation);
  EXPECT_EQ(l.failure.substr(0, 5), "E0617");
}

TEST(CorrelationLowerTest, CountIfMeasuresAreLoweredOverTheFirstRulesLogSource) {
  auto l = LowerLast(R"(title: Failures and logons
correlation:
  type: aggregate
  rules: [failed]
  group-by: [IpAddress]
  timespan: 1h
  measures:
    Admins: {count: {TargetUserName: admin}}
    Users: {distinct: TargetUserName}
  condition: Admins >= 1 and Users > 3
)");
  ASSERT_TRUE(l.correlation);
  const Correlation& c = *l.correlation;
  EXPECT_EQ(c.kind, CorrelationKind::kAggregate);
  EXPECT_FALSE(c.window.sliding);
  ASSERT_EQ(c.measures.size(), 2u);
  EXPECT_EQ(c.measures[0].kind, MeasureKind::kCount);
  ASSERT_TRUE(c.measures[0].where);
  EXPECT_EQ(c.measures[0].where->logsource.service, "security");
  EXPECT_EQ(Print(c.measures[0].where->condition), "eq TargetUserName \"admin\"\n");
  EXPECT_EQ(c.measures[1].kind, MeasureKind::kDistinct);
  ASSERT_TRUE(c.test);
  EXPECT_EQ(Print(*c.test), "(Admins >= 1 and Users > 3)");
}

TEST(CorrelationLowerTest, FindCyclesMarksCyclesAndWhatReadsThem) {
  // 0 → 1 → 2 → 1 (a cycle of 1 and 2, read by 0); 3 reads nothing.
  EXPECT_EQ(FindCycles({{1}, {2}, {1}, {}}), (std::vector<bool>{true, true, true, false}));
  EXPECT_EQ(FindCycles({{1}, {}}), (std::vector<bool>{false, false}));
}

TEST(CorrelationLowerTest, AUnionPartCarriesTheUnionsColumnsAndOrder) {
  auto l = LowerLast(R"(title: Failures per user
name: per_user
correlation:
  type: aggregate
  rules: [failed]
  group-by: [TargetUserName]
  timespan: 1h
  measures:
    Failures: {count: all}
  columns:
    Kind: Guessing
)");
  ASSERT_TRUE(l.correlation);
  Correlation composition;
  composition.kind = CorrelationKind::kUnion;
  composition.info.title = "Signals";
  composition.project = {{"User", "TargetUserName"}, {"Failures", "Failures"}, {"Ips", "Ips"}};
  composition.sort = {{"Failures", true}};
  Correlation part = AsUnionPart(*l.correlation, composition);
  EXPECT_EQ(part.composed_in, "Signals");
  EXPECT_TRUE(part.HasColumn("TargetUserName"));  // a group-by
  EXPECT_TRUE(part.HasColumn("Failures"));        // a measure
  EXPECT_TRUE(part.HasColumn("Kind"));            // a derived column
  EXPECT_FALSE(part.HasColumn("Ips"));
  std::string printed = Print(part);
  EXPECT_NE(printed.find("  part of \"Signals\"\n  project User = TargetUserName\n"),
            std::string::npos)
      << printed;
  EXPECT_NE(printed.find("  sort Failures desc\n"), std::string::npos) << printed;
  EXPECT_EQ(Print(*l.correlation).find("part of"), std::string::npos);
}

TEST(CorrelationLowerTest, NamesOfKindsAndOperatorsRoundTrip) {
  for (auto kind :
       {CorrelationKind::kEventCount, CorrelationKind::kValuePercentile, CorrelationKind::kUnion}) {
    EXPECT_EQ(CorrelationKindNamed(CorrelationKindName(kind)), kind);
  }
  EXPECT_EQ(CompareOpNamed("lte"), CompareOp::kLte);
  EXPECT_EQ(CompareOpSymbol(CompareOp::kNeq), "!=");
  EXPECT_EQ(CorrelationKindNamed("sum"), std::nullopt);
  EXPECT_TRUE(Compares(CompareOp::kGt, 5, 4));
  EXPECT_FALSE(Compares(CompareOp::kGt, 4, 4));
}

}  // namespace
}  // namespace refract::ir
