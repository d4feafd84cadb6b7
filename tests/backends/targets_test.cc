// Rules particular to one target each, beyond what the golden cases show.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "tests/test_util.h"

namespace refract {
namespace {

using testing::CompileToText;
using testing::RuleWithDetection;

constexpr const char* kSecurity = "{product: windows, service: security}";

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// The shipped mappings name only columns their tables have: every field target, filter field,
// keyword field and the time field of an entry whose source declares its columns.
TEST(Mappings, ShippedEntriesNameDeclaredColumns) {
  for (const Backend* backend : AllBackends()) {
    Diagnostics d;
    auto mapping =
        TargetMapping::Parse("m.yaml", std::string(*ShippedMappingText(backend->id())), d);
    ASSERT_TRUE(mapping) << backend->id();
    const std::string time = mapping->Option("time_field", "");
    for (const auto& entry : mapping->logsources()) {
      std::vector<std::string> names = entry.keyword_fields;
      for (const auto& [sigma, column] : entry.fields) names.push_back(column);
      for (const auto& [column, value] : entry.filter) names.push_back(column);
      if (!time.empty()) names.push_back(time);
      for (const auto& name : names) {
        EXPECT_NE(mapping->HasColumn(entry.source, name), ColumnPresence::kAbsent)
            << backend->id() << " " << entry.source << " " << name;
      }
    }
  }
}

// The KQL mapping declares the column set of every table it maps to, except custom-log tables
// (`*_CL`), whose columns the connector that creates them defines.
TEST(Mappings, KqlDeclaresEveryTablesColumns) {
  Diagnostics d;
  auto mapping = TargetMapping::Parse("kql.yaml", std::string(*ShippedMappingText("kql")), d);
  ASSERT_TRUE(mapping);
  for (const auto& entry : mapping->logsources()) {
    if (entry.source.ends_with("_CL")) continue;
    EXPECT_NE(mapping->HasColumn(entry.source, "TimeGenerated"), ColumnPresence::kUnchecked)
        << entry.source;
  }
}

TEST(Kql, ColumnTheTableLacksIsWarnedAndStrictFieldsRefuses) {
  const std::string rule = RuleWithDetection(
      "  s: {Hashes|contains: 'SHA256=AB'}\n  condition: s\n", "{category: process_creation}");
  Session session;
  session.backends = {FindBackend("kql")};
  Diagnostics d;
  ASSERT_TRUE(session.Init({}, d));
  FileResult warned = CompileText("r.yml", rule, session);
  ASSERT_EQ(warned.outputs.size(), 1u);
  ASSERT_EQ(warned.diagnostics.all().size(), 1u);
  EXPECT_EQ(warned.diagnostics.all()[0].code, "W0402");
  EXPECT_TRUE(warned.outcomes.at(0).field_warning);
  session.mapping_options.strict_fields = true;
  FileResult refused = CompileText("r.yml", rule, session);
  EXPECT_TRUE(refused.outputs.empty());
  EXPECT_EQ(refused.diagnostics.all().at(0).code, "E0401");
}

TEST(Aql, TimeRangeComesFromTheMappingOptions) {
  std::string out = CompileToText(
      RuleWithDetection("  s: {EventID: 4625}\n  condition: s\n", kSecurity), {"aql"});
  EXPECT_TRUE(out.ends_with(" LAST 24 HOURS\n")) << out;
  auto path = std::filesystem::temp_directory_path() / "refract_aql_time_range_mapping.yaml";
  std::ofstream(path) << "target: aql\noptions: {time_range: LAST 7 DAYS}\n";
  Session session;
  session.backends = {FindBackend("aql")};
  Diagnostics d;
  ASSERT_TRUE(session.Init({path.string()}, d));
  FileResult r = CompileText(
      "r.yml", RuleWithDetection("  s: {EventID: 4625}\n  condition: s\n", kSecurity), session);
  ASSERT_EQ(r.outputs.size(), 1u);
  EXPECT_TRUE(r.outputs[0].text.ends_with(" LAST 7 DAYS")) << r.outputs[0].text;
}

TEST(Aql, NegationKeepsEventsWithoutTheField) {
  std::string out =
      CompileToText(RuleWithDetection("  a: {EventID: 4625}\n  f: {TargetUserName|endswith: '$'}\n"
                                      "  condition: a and not f\n",
                                      kSecurity),
                    {"aql"});
  EXPECT_TRUE(Contains(out,
                       "NOT ((\"Target Username\" IS NOT NULL AND \"Target Username\" "
                       "ILIKE '%$'))"))
      << out;
}

TEST(Sumo, Ipv6NetworkIsARegexOverTheAddressText) {
  std::string out = CompileToText(
      RuleWithDetection("  s: {IpAddress|cidr: 'fe80::/10'}\n  condition: s\n", kSecurity),
      {"sumo"});
  EXPECT_TRUE(
      Contains(out, "EventData_IpAddress matches /^(?:[fF][eE][89abAB][0-9a-fA-F]:[\\s\\S]*)$/"))
      << out;
}

TEST(Sumo, Ipv6NetworkEndingInsideADottedOctetIsReported) {
  std::string out = CompileToText(
      RuleWithDetection("  s: {IpAddress|cidr: '::ffff:10.0.0.0/100'}\n  condition: s\n",
                        kSecurity),
      {"sumo", "sumo-cse"});
  EXPECT_TRUE(
      Contains(out, "error[E0500]: target 'sumo' cannot express an IPv6 network of 100 bits"))
      << out;
  EXPECT_TRUE(
      Contains(out, "error[E0500]: target 'sumo-cse' cannot express an IPv6 network of 100 bits"))
      << out;
}

TEST(Sumo, Ipv4NetworkUsesCompareCidrPrefix) {
  std::string out = CompileToText(
      RuleWithDetection("  s: {IpAddress|cidr: 10.1.0.0/16}\n  condition: s\n", kSecurity),
      {"sumo"});
  EXPECT_TRUE(Contains(out, "compareCIDRPrefix(\"10.1.0.0\", EventData_IpAddress, \"16\")")) << out;
}

TEST(Cql, FunctionsInsideOrBecomeCaseBranches) {
  // LogScale functions are filters of their own: an `or` over them is a case {} of branches.
  std::string out =
      CompileToText(RuleWithDetection("  a: {IpAddress|cidr: 10.0.0.0/8}\n  b: {EventID: 4625}\n"
                                      "  condition: a or b\n",
                                      kSecurity),
                    {"cql"});
  EXPECT_TRUE(Contains(out,
                       "| case { cidr(\"winlog.event_data.IpAddress\", subnet=[\"10.0.0.0/8\"]); "
                       "\"winlog.event_id\" = \"4625\"; }"))
      << out;
}

TEST(Cql, FunctionsCannotStandInsideNotOfOr) {
  std::string out =
      CompileToText(RuleWithDetection("  a: {IpAddress|cidr: 10.0.0.0/8}\n  b: {EventID: 4625}\n"
                                      "  condition: not (a or b)\n",
                                      kSecurity),
                    {"cql"});
  EXPECT_TRUE(
      Contains(out, "error[E0500]: target 'cql' cannot express cidr or fieldref inside 'not'"))
      << out;
}

TEST(Cql, TopLevelCidrIsAFilterStage) {
  std::string out = CompileToText(
      RuleWithDetection("  a: {IpAddress|cidr: [10.0.0.0/8, 192.168.0.0/16]}\n  condition: not a\n",
                        kSecurity),
      {"cql"});
  EXPECT_TRUE(Contains(out,
                       "| not (cidr(\"winlog.event_data.IpAddress\", subnet=[\"10.0.0.0/8\", "
                       "\"192.168.0.0/16\"]))"))
      << out;
}

TEST(Yaral, RuleNameAndUnmappedFields) {
  std::string out = CompileToText(
      "title: 'Odd: Title 2!'\nlogsource: {product: windows, service: security}\n"
      "detection:\n  s: {Weird Field: x}\n  condition: s\n",
      {"yaral"});
  EXPECT_TRUE(out.starts_with("rule odd_title_2 {\n")) << out;
  EXPECT_TRUE(Contains(out, "$e.additional.fields[\"Weird Field\"] = \"x\" nocase")) << out;
}

TEST(Eql, FieldComparisonIsReported) {
  std::string out = CompileToText(
      RuleWithDetection("  s: {SubjectUserName|fieldref: TargetUserName}\n  condition: s\n",
                        kSecurity),
      {"eql"});
  EXPECT_TRUE(Contains(out,
                       "error[E0500]: target 'eql' cannot express a comparison of two "
                       "fields"))
      << out;
}

TEST(Lucene, CaseInsensitiveTextBecomesFoldedRegex) {
  std::string out = CompileToText(
      RuleWithDetection("  s: {TargetUserName: Ab1}\n  condition: s\n", kSecurity), {"lucene"});
  EXPECT_EQ(out, "winlog.channel:Security AND winlog.event_data.TargetUserName:/[Aa][Bb]1/\n");
}

TEST(AllTargets, EveryRegisteredTargetTranslatesTheExample) {
  std::ifstream in(std::string(REFRACT_SOURCE_DIR) +
                   "/rules/examples/entra_legacy_protocol_signin.yml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  for (const Backend* backend : AllBackends()) {
    std::string out = CompileToText(text, {std::string(backend->id())});
    EXPECT_FALSE(Contains(out, "error[")) << backend->id() << ":\n" << out;
    EXPECT_FALSE(Contains(out, "warning[")) << backend->id() << ":\n" << out;
  }
}

}  // namespace
}  // namespace refract
