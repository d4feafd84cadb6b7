// Sigma filters (sigma-filters-specification 2.1) applied with --filter.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "compiler/driver/compile.h"

namespace refract {
namespace {

std::string WithFilter(const std::string& filter, const std::string& rule) {
  // One file per test: ctest runs tests in parallel processes.
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto path = std::filesystem::temp_directory_path() /
              (std::string("refract_filter_") + info->name() + "_" +
               std::to_string(std::hash<std::string>{}(filter)) + ".yml");
  std::ofstream(path) << filter;
  Session session;
  session.backends = {FindBackend("kql")};
  Diagnostics d;
  if (!session.Init({}, d) || !session.LoadFilters({path.string()}, d)) {
    return "set-up failed: " + (d.all().empty() ? "" : d.all()[0].message);
  }
  FileResult r = CompileText("rule.yml", rule, session);
  std::string out;
  for (const auto& o : r.outputs) out += o.text;
  for (const auto& diag : r.diagnostics.all()) out += " " + diag.code;
  return out;
}

const char* kRule = R"(title: Failed logon
name: failed_logon
id: 11111111-2222-3333-4444-555555555555
logsource: {product: windows, service: security}
detection:
  selection: {EventID: 4625}
  condition: selection
)";

TEST(Filters, ByNameAddsNotOfTheFilter) {
  EXPECT_EQ(WithFilter("title: f\nlogsource: {product: windows}\nfilter:\n  rules: [failed_logon]\n"
                       "  svc: {TargetUserName|startswith: svc_}\n  condition: not svc\n",
                       kRule),
            "SecurityEvent\n| where EventID == 4625 and not(TargetUserName startswith \"svc_\")");
}

TEST(Filters, ById) {
  EXPECT_EQ(WithFilter("title: f\nlogsource: {product: windows}\nfilter:\n"
                       "  rules: [11111111-2222-3333-4444-555555555555]\n"
                       "  a: {IpAddress: '-'}\n  condition: not a\n",
                       kRule),
            "SecurityEvent\n| where EventID == 4625 and not(IpAddress =~ \"-\")");
}

TEST(Filters, WithoutRulesAppliesToTheLogSource) {
  EXPECT_EQ(WithFilter("title: f\nlogsource: {product: windows, service: security}\nfilter:\n"
                       "  a: {SubjectUserName: SYSTEM}\n  b: {SubjectUserName: LOCAL SERVICE}\n"
                       "  condition: not 1 of them\n",
                       kRule),
            "SecurityEvent\n| where EventID == 4625 and not(SubjectUserName in~ (\"SYSTEM\", "
            "\"LOCAL SERVICE\"))");
}

TEST(Filters, OtherLogSourceOrRuleIsLeftAlone) {
  EXPECT_EQ(WithFilter("title: f\nlogsource: {product: linux}\nfilter:\n"
                       "  a: {User: root}\n  condition: not a\n",
                       kRule),
            "SecurityEvent\n| where EventID == 4625");
  EXPECT_EQ(WithFilter("title: f\nlogsource: {product: windows}\nfilter:\n  rules: [other]\n"
                       "  a: {User: root}\n  condition: not a\n",
                       kRule),
            "SecurityEvent\n| where EventID == 4625");
}

TEST(Filters, FileWithoutFilterIsAnError) {
  EXPECT_EQ(WithFilter(kRule, kRule), "set-up failed: the --filter file holds no filter document");
}

TEST(Filters, FilterDocumentAmongRulesIsWarnedNotApplied) {
  Session session;
  session.backends = {FindBackend("kql")};
  Diagnostics d;
  ASSERT_TRUE(session.Init({}, d));
  FileResult r = CompileText("rules.yml",
                             std::string(kRule) +
                                 "---\ntitle: f\nlogsource: {product: windows}\n"
                                 "filter:\n  a: {User: x}\n  condition: not a\n",
                             session);
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_EQ(r.outputs[0].text, "SecurityEvent\n| where EventID == 4625");
  EXPECT_EQ(r.diagnostics.all().at(0).code, "W0631");
}

}  // namespace
}  // namespace refract
