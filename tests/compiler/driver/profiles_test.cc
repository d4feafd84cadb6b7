// Mapping profiles: `--mapping NAME` selects a shipped profile laid over the target's default.
#include <gtest/gtest.h>

#include "compiler/driver/compile.h"

namespace refract {
namespace {

// A session for `targets` with `mappings` as --mapping arguments; `ok` says whether Init passed.
Session SessionWith(std::vector<std::string> targets, std::vector<std::string> mappings,
                    Diagnostics& d, bool* ok) {
  Session session;
  for (const auto& id : targets) session.backends.push_back(FindBackend(id));
  *ok = session.Init(mappings, d);
  return session;
}

// A session whose set-up must succeed.
Session Loaded(std::vector<std::string> targets, std::vector<std::string> mappings) {
  Diagnostics d;
  bool ok = false;
  Session session = SessionWith(std::move(targets), std::move(mappings), d, &ok);
  EXPECT_TRUE(ok) << (d.all().empty() ? "" : d.all()[0].message);
  return session;
}

// The one diagnostic of a session set-up that must fail.
Diagnostic SetupError(std::vector<std::string> targets, std::vector<std::string> mappings) {
  Diagnostics d;
  bool ok = true;
  SessionWith(std::move(targets), std::move(mappings), d, &ok);
  EXPECT_FALSE(ok);
  EXPECT_EQ(d.all().size(), 1u);
  return d.all().empty() ? Diagnostic{} : d.all()[0];
}

ir::Rule RuleOn(std::string product, std::string category, std::string service) {
  ir::Rule rule;
  rule.info.title = "Demo";
  rule.logsource = {product, category, service, ""};
  ir::Predicate p;
  p.field = "CommandLine";
  p.op = ir::Op::kNull;
  rule.condition = ir::Expr::Pred(p);
  return rule;
}

TEST(Profiles, EveryShippedMappingParsesCleanlyAndNamesItsProfile) {
  for (const ShippedProfile& p : ShippedProfiles()) {
    Diagnostics d;
    auto parsed = TargetMapping::Parse(p.file, std::string(p.text), d);
    ASSERT_TRUE(parsed.has_value()) << p.file;
    EXPECT_TRUE(d.all().empty()) << p.file;
    EXPECT_FALSE(parsed->profile().empty()) << p.file << " has no profile:";
    EXPECT_FALSE(parsed->description().empty()) << p.file << " has no description:";
    EXPECT_NE(FindBackend(p.target), nullptr) << p.file << " names no known target";
  }
}

TEST(Profiles, EachTargetHasOneDefaultListedFirst) {
  const auto& all = ShippedProfiles();
  for (const Backend* b : AllBackends()) {
    int defaults = 0;
    for (const auto& p : all) defaults += p.target == b->id() && p.is_default;
    EXPECT_EQ(defaults, 1) << b->id();
  }
  EXPECT_TRUE(all.front().is_default);
  ASSERT_NE(FindShippedProfile("kql", "sentinel"), nullptr);
  EXPECT_TRUE(FindShippedProfile("kql", "sentinel")->is_default);
  ASSERT_NE(FindShippedProfile("kql", "defender-xdr"), nullptr);
  EXPECT_FALSE(FindShippedProfile("kql", "defender-xdr")->is_default);
  EXPECT_NE(FindShippedProfile("kql", "asim"), nullptr);
  EXPECT_EQ(FindShippedProfile("spl", "defender-xdr"), nullptr);
}

TEST(Profiles, DefenderXdrReadsProcessCreationFromDeviceProcessEventsByTimestamp) {
  Session s = Loaded({"kql"}, {"defender-xdr"});
  const TargetMapping& m = s.mappings.at("kql");
  EXPECT_EQ(m.profile(), "defender-xdr");
  EXPECT_EQ(m.Option("time_field", ""), "Timestamp");
  ir::Rule rule = RuleOn("windows", "process_creation", "");
  Diagnostics rule_d;
  EXPECT_TRUE(ApplyMapping(rule, m, {}, rule_d));
  EXPECT_EQ(rule.source, "DeviceProcessEvents");
  EXPECT_TRUE(rule_d.all().empty());
}

TEST(Profiles, DefaultProfileIsUnchangedWithoutANameOrWithItsOwnName) {
  for (std::vector<std::string> mappings : {std::vector<std::string>{}, {"sentinel"}}) {
    Session s = Loaded({"kql"}, mappings);
    EXPECT_EQ(s.mappings.at("kql").profile(), "sentinel");
    EXPECT_EQ(s.mappings.at("kql").Option("time_field", ""), "TimeGenerated");
  }
}

TEST(Profiles, ATableThePlatformLacksIsAnErrorNamingRuleLogSourceTableAndProfile) {
  Session s = Loaded({"kql"}, {"defender-xdr"});
  ir::Rule rule = RuleOn("windows", "", "security");
  Diagnostics rule_d;
  EXPECT_FALSE(ApplyMapping(rule, s.mappings.at("kql"), {}, rule_d));
  ASSERT_EQ(rule_d.all().size(), 1u);
  const Diagnostic& e = rule_d.all()[0];
  EXPECT_EQ(e.code, "E0403");
  EXPECT_EQ(e.message,
            "rule 'Demo': log source {product: windows, service: security} maps to table "
            "'SecurityEvent', which profile 'defender-xdr' of target 'kql' does not have");
}

TEST(Profiles, ALogSourceWithNoEntryIsAnErrorWhereTheFallbackTableCannotExist) {
  Session s = Loaded({"kql"}, {"defender-xdr"});
  ir::Rule rule = RuleOn("acme", "", "widget");
  Diagnostics rule_d;
  EXPECT_FALSE(ApplyMapping(rule, s.mappings.at("kql"), {}, rule_d));
  ASSERT_EQ(rule_d.all().size(), 1u);  // no W0401 for a custom table that cannot exist there
  EXPECT_EQ(rule_d.all()[0].code, "E0403");
  EXPECT_NE(rule_d.all()[0].message.find("has no entry; its fallback is table 'acme_widget_CL'"),
            std::string::npos);
}

TEST(Profiles, ASourceAUserFileNamesIsTakenToExist) {
  Session s = Loaded({"kql"}, {"defender-xdr"});
  Diagnostics d;
  auto user = TargetMapping::Parse("user.yaml", R"(target: kql
logsources:
  - logsource: {product: windows, service: security}
    source: MySecurityFunction
)",
                                   d);
  ASSERT_TRUE(user.has_value());
  TargetMapping m = s.mappings.at("kql");
  m.Extend(*user);
  EXPECT_EQ(m.profile(), "defender-xdr");
  ir::Rule rule = RuleOn("windows", "", "security");
  Diagnostics rule_d;
  EXPECT_TRUE(ApplyMapping(rule, m, {}, rule_d));
  EXPECT_EQ(rule.source, "MySecurityFunction");
  ir::Rule other = RuleOn("windows", "", "system");  // still the sentinel profile's Event
  EXPECT_FALSE(ApplyMapping(other, m, {}, rule_d));
}

TEST(Profiles, AnApproximatingEntryWarnsWithEveryRule) {
  Session s = Loaded({"kql"}, {"defender-xdr"});
  ir::Rule rule = RuleOn("azure", "", "signinlogs");
  rule.condition.predicate.field = "userPrincipalName";
  Diagnostics rule_d;
  EXPECT_TRUE(ApplyMapping(rule, s.mappings.at("kql"), {}, rule_d));
  EXPECT_EQ(rule.source, "EntraIdSignInEvents");
  EXPECT_EQ(rule.condition.predicate.field, "AccountUpn");
  ASSERT_EQ(rule_d.all().size(), 1u);
  EXPECT_EQ(rule_d.all()[0].code, "W0403");
  EXPECT_NE(rule_d.all()[0].message.find("also holds non-interactive sign-ins"), std::string::npos);
}

// Each correlation maps the rules it reads again, and so met the rule's warning again: a run
// reports it once, where the rule is.
TEST(Profiles, ARuleReadByTwoCorrelationsHasItsApproximationReportedOnce) {
  Session s = Loaded({"kql"}, {"defender-xdr"});
  std::vector<FileResult> results;
  results.push_back(CompileText("pair.yml", R"(title: Failed sign-in
name: failed
logsource: {product: azure, service: signinlogs}
detection:
  selection: {ResultType: '50126'}
  condition: selection
---
title: Many failures of one user
correlation: {type: event_count, rules: [failed], group-by: [UserPrincipalName], timespan: 10m,
              condition: {gte: 5}}
---
title: Many failures from one address
correlation: {type: event_count, rules: [failed], group-by: [IPAddress], timespan: 10m,
              condition: {gte: 20}}
)",
                                s));
  CompileCorrelations(results, s);
  int approximations = 0;
  for (const auto& d : results[0].diagnostics.all()) approximations += d.code == "W0403";
  EXPECT_EQ(approximations, 1);
  int queries = 0;
  for (const auto& o : results[0].outputs) queries += o.target == "kql";
  EXPECT_EQ(queries, 2);  // the two correlations; the rule they read is no query of its own
}

// Falcon writes IPv6 connections as NetworkConnectIP6 events with fields of their own, so the
// network_connection entry, which reads NetworkConnectIP4, says it misses them.
TEST(Profiles, LogScaleNetworkConnectionsWarnThatIpv6ConnectionsAreNotRead) {
  Session s = Loaded({"cql"}, {});
  ir::Rule rule = RuleOn("windows", "network_connection", "");
  rule.condition.predicate.field = "DestinationIp";
  Diagnostics d;
  EXPECT_TRUE(ApplyMapping(rule, s.mappings.at("cql"), {}, d));
  EXPECT_EQ(rule.condition.predicate.field, "RemoteAddressIP4");
  ASSERT_EQ(d.all().size(), 1u);
  EXPECT_EQ(d.all()[0].code, "W0403");
  EXPECT_NE(d.all()[0].message.find("NetworkConnectIP6"), std::string::npos);
}

TEST(Profiles, AsimReadsTheUnifyingParsersWithTheirColumns) {
  Session s = Loaded({"kql"}, {"asim"});
  const TargetMapping& m = s.mappings.at("kql");
  ir::Rule rule = RuleOn("windows", "process_creation", "");
  Diagnostics rule_d;
  EXPECT_TRUE(ApplyMapping(rule, m, {}, rule_d));
  EXPECT_EQ(rule.source, "imProcessCreate");
  EXPECT_EQ(rule.condition.predicate.field, "TargetProcessCommandLine");
  EXPECT_TRUE(rule_d.all().empty());
  EXPECT_EQ(m.HasColumn("imProcessCreate", "ActingProcessName"), ColumnPresence::kPresent);
  EXPECT_EQ(m.HasColumn("imProcessCreate", "EventProduct"), ColumnPresence::kPresent);
  EXPECT_EQ(m.HasColumn("imProcessCreate", "FolderPath"), ColumnPresence::kAbsent);
  // Log sources ASIM does not normalize keep the sentinel profile's tables.
  ir::Rule audit = RuleOn("azure", "", "auditlogs");
  Diagnostics audit_d;
  ApplyMapping(audit, m, {}, audit_d);
  EXPECT_EQ(audit.source, "AuditLogs");
}

TEST(Profiles, OneNameSelectsTheProfileOfEverySelectedTargetThatHasIt) {
  Session s = Loaded({"eql", "esql", "lucene", "kql"}, {"winlogbeat"});
  for (const char* target : {"eql", "esql", "lucene"}) {
    EXPECT_EQ(s.mappings.at(target).profile(), "winlogbeat") << target;
  }
  EXPECT_EQ(s.mappings.at("kql").profile(), "sentinel");
}

TEST(Profiles, WinlogbeatReadsSysmonImageLoadsWhereItsPipelineWritesThem) {
  Session s = Loaded({"esql"}, {"winlogbeat"});
  ir::Rule rule = RuleOn("windows", "image_load", "");
  rule.condition.predicate.field = "ImageLoaded";
  Diagnostics d;
  EXPECT_TRUE(ApplyMapping(rule, s.mappings.at("esql"), {}, d));
  EXPECT_EQ(rule.source, "winlogbeat-*");
  EXPECT_EQ(ir::Print(rule.condition),
            "and\n  eq/cased event.code 7\n  eq/cased event.module \"sysmon\"\n  null file.path\n");
}

TEST(Profiles, AnUnknownNameIsE0113ListingTheProfiles) {
  const Diagnostic e = SetupError({"kql"}, {"defender"});
  EXPECT_EQ(e.code, "E0113");
  EXPECT_EQ(e.message, "no mapping file or shipped profile named 'defender'");
  ASSERT_FALSE(e.notes.empty());
  EXPECT_NE(e.notes[0].find("defender-xdr"), std::string::npos);
}

TEST(Profiles, AProfileOfATargetNotSelectedIsE0113) {
  const Diagnostic e = SetupError({"spl"}, {"asim"});
  EXPECT_EQ(e.code, "E0113");
  EXPECT_EQ(e.message, "mapping profile 'asim' is for kql, which is not selected");
}

TEST(Profiles, TwoProfilesForOneTargetAreE0113) {
  const Diagnostic e = SetupError({"kql"}, {"asim", "defender-xdr"});
  EXPECT_EQ(e.message, "two mapping profiles for target 'kql': 'asim' and 'defender-xdr'");
}

TEST(Profiles, APathIsAlwaysAFileEvenWhenNamedLikeAProfile) {
  const Diagnostic e = SetupError({"kql"}, {"./asim"});
  EXPECT_EQ(e.code, "E0001");  // cannot read mapping file ./asim
}

}  // namespace
}  // namespace refract
