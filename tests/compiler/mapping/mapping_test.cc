#include "compiler/mapping/mapping.h"

#include <gtest/gtest.h>

namespace refract {
namespace {

const char* kMapping = R"(target: t
logsources:
  - logsource: {product: windows}
    source: WinAll
  - logsource: {category: process_creation}
    source: Proc
    fields: {Image: Path}
  - logsource: {product: windows, service: security}
    source: Sec
    filter: {Channel: Security}
fields: {User: Account}
types:
  Proc: {Pid: long}
)";

TargetMapping Load(const char* text = kMapping) {
  Diagnostics d;
  auto m = TargetMapping::Parse("m.yaml", text, d);
  EXPECT_TRUE(m.has_value());
  return *m;
}

TEST(Mapping, CategoryOutweighsProduct) {
  TargetMapping m = Load();
  EXPECT_EQ(m.Find({"windows", "process_creation", "", ""})->source, "Proc");
  EXPECT_EQ(m.Find({"windows", "", "security", ""})->source, "Sec");
  EXPECT_EQ(m.Find({"windows", "", "system", ""})->source, "WinAll");
  EXPECT_EQ(m.Find({"linux", "", "syslog", ""}), nullptr);
}

TEST(Mapping, MatchesCaseInsensitively) {
  EXPECT_EQ(Load().Find({"Windows", "Process_Creation", "", ""})->source, "Proc");
}

TEST(Mapping, ADefinitionIsMatchedFoldedAndOutweighsAProduct) {
  TargetMapping m = Load(R"(target: t
logsources:
  - logsource: {product: windows}
    source: WinAll
  - logsource: {product: windows, definition: Sysmon Config}
    source: Sysmon
)");
  EXPECT_EQ(m.Find({"windows", "", "", "sysmon config"})->source, "Sysmon");
  EXPECT_EQ(m.Find({"WINDOWS", "", "", "SYSMON CONFIG"})->source, "Sysmon");
  EXPECT_EQ(m.Find({"windows", "", "", "sysmon"})->source, "WinAll");
  EXPECT_EQ(m.Find({"windows", "", "", ""})->source, "WinAll");
}

TEST(Mapping, FieldsFromEntryThenGlobalThenPassThrough) {
  TargetMapping m = Load();
  const LogSourceMapping* proc = m.Find({"windows", "process_creation", "", ""});
  bool mapped = false;
  EXPECT_EQ(m.MapField(proc, "Image", &mapped), "Path");
  EXPECT_TRUE(mapped);
  EXPECT_EQ(m.MapField(proc, "User", &mapped), "Account");
  EXPECT_TRUE(mapped);
  EXPECT_EQ(m.MapField(proc, "Other", &mapped), "Other");
  EXPECT_FALSE(mapped);
  EXPECT_EQ(m.FieldType("Proc", "Pid"), "long");
  EXPECT_EQ(m.FieldType("Proc", "Nope"), "");
}

TEST(Mapping, UserMappingIsTriedFirstAndWins) {
  TargetMapping m = Load();
  m.Extend(
      Load("target: t\nlogsources:\n  - logsource: {category: process_creation}\n"
           "    source: MyProc\nfields: {User: Who}\n"));
  const LogSourceMapping* proc = m.Find({"windows", "process_creation", "", ""});
  EXPECT_EQ(proc->source, "MyProc");
  bool mapped = false;
  EXPECT_EQ(m.MapField(proc, "User", &mapped), "Who");
}

TEST(Mapping, MalformedFileIsReported) {
  Diagnostics d;
  EXPECT_FALSE(TargetMapping::Parse("m.yaml", "logsources:\n  - source: [unclosed\n", d));
  ASSERT_EQ(d.all().size(), 1u);
  EXPECT_EQ(d.all()[0].code, "E0110");
  Diagnostics d2;
  EXPECT_FALSE(TargetMapping::Parse("m.yaml", "logsources:\n  - logsource: x\n", d2));
  EXPECT_EQ(d2.all().at(0).message, "each logsources entry needs a 'logsource' map and a 'source'");
}

TEST(Mapping, ApplyRenamesSetsSourceAndAddsFilter) {
  TargetMapping m = Load();
  ir::Rule rule;
  rule.logsource = {"windows", "", "security", ""};
  ir::Predicate p;
  p.field = "User";
  p.op = ir::Op::kEq;
  ir::Pattern pattern;
  pattern.AddLiteral("bob");
  p.values = {ir::Value::String(pattern)};
  rule.condition = ir::Expr::Pred(p);
  Diagnostics d;
  ASSERT_TRUE(ApplyMapping(rule, m, {}, d));
  EXPECT_EQ(rule.source, "Sec");
  EXPECT_EQ(ir::Print(rule.condition),
            "and\n  eq/cased Channel \"Security\"\n  eq Account \"bob\"\n");
}

ir::Expr EqualsBob(const std::string& field) {
  ir::Predicate p;
  p.field = field;
  p.op = ir::Op::kEq;
  ir::Pattern pattern;
  pattern.AddLiteral("bob");
  p.values = {ir::Value::String(pattern)};
  return ir::Expr::Pred(p);
}

// What the driver re-simplifies after mapping a condition it simplified before.
TEST(Mapping, ApplySaysWhatItReshaped) {
  TargetMapping m = Load(R"(target: t
logsources:
  - logsource: {category: process_creation}
    source: Proc
    fields: {Image: Path, OriginalFileName: Path}
  - logsource: {product: windows, service: security}
    source: Sec
    filter: {Channel: Security}
)");
  auto reshaped_by = [&m](ir::LogSource logsource, std::vector<std::string> fields) {
    ir::Rule rule;
    rule.logsource = std::move(logsource);
    std::vector<ir::Expr> tests;
    for (const auto& f : fields) tests.push_back(EqualsBob(f));
    rule.condition = ir::Expr::Or(std::move(tests));
    Diagnostics d;
    Reshaped reshaped = Reshaped::kNone;
    EXPECT_TRUE(ApplyMapping(rule, m, {}, d, reshaped));
    return reshaped;
  };
  const ir::LogSource proc{"windows", "process_creation", "", ""};
  const ir::LogSource security{"windows", "", "security", ""};
  EXPECT_EQ(reshaped_by(proc, {"Image", "User"}), Reshaped::kNone);
  EXPECT_EQ(reshaped_by(proc, {"Image", "Image"}), Reshaped::kNone);
  EXPECT_EQ(reshaped_by(proc, {"Image", "OriginalFileName"}), Reshaped::kWhole);
  EXPECT_EQ(reshaped_by(proc, {"Path", "Image"}), Reshaped::kWhole);
  EXPECT_EQ(reshaped_by(security, {"User"}), Reshaped::kTop);
  EXPECT_EQ(reshaped_by(security, {"User", "User"}), Reshaped::kTop);
}

TEST(Mapping, StrictFieldsRejectsUnmapped) {
  TargetMapping m = Load();
  ir::Rule rule;
  rule.logsource = {"windows", "process_creation", "", ""};
  ir::Predicate p;
  p.field = "Unknown";
  p.op = ir::Op::kNull;
  rule.condition = ir::Expr::Pred(p);
  Diagnostics d;
  EXPECT_FALSE(ApplyMapping(rule, m, {true}, d));
  EXPECT_EQ(d.all().at(0).code, "E0400");
}

TEST(Mapping, UnmappedLogSourceWarnsWithCustomTable) {
  TargetMapping m = Load();
  ir::Rule rule;
  rule.logsource = {"okta", "", "okta", ""};
  Diagnostics d;
  EXPECT_TRUE(ApplyMapping(rule, m, {}, d));
  EXPECT_EQ(rule.source, "okta_okta_CL");
  EXPECT_EQ(d.all().at(0).code, "W0401");
}

const char* kColumns = R"(target: t
logsources:
  - logsource: {category: process_creation}
    source: Proc
    fields: {Image: Path, CommandLine: Cmd}
columns:
  _shared: &shared "TimeGenerated:datetime Host"
  Proc: [*shared, "Path Pid:long Extra:dynamic"]
types:
  Proc: {Pid: int}
)";

ir::Rule RuleOn(const char* field) {
  ir::Rule rule;
  rule.info.title = "Demo";
  rule.logsource = {"windows", "process_creation", "", ""};
  ir::Predicate p;
  p.field = field;
  p.op = ir::Op::kNull;
  rule.condition = ir::Expr::Pred(p);
  return rule;
}

TEST(Mapping, ColumnsDeclareATablesNamesAndTypes) {
  TargetMapping m = Load(kColumns);
  EXPECT_EQ(m.HasColumn("Proc", "Path"), ColumnPresence::kPresent);
  EXPECT_EQ(m.HasColumn("Proc", "Host"), ColumnPresence::kPresent);  // from the aliased group
  EXPECT_EQ(m.HasColumn("Proc", "Extra.a.b"), ColumnPresence::kPresent);
  EXPECT_EQ(m.HasColumn("Proc", "Path.a"), ColumnPresence::kAbsent);  // a string has no paths
  EXPECT_EQ(m.HasColumn("Proc", "Cmd"), ColumnPresence::kAbsent);
  EXPECT_EQ(m.HasColumn("_shared", "Host"), ColumnPresence::kUnchecked);  // a group, no table
  EXPECT_EQ(m.HasColumn("Other", "Cmd"), ColumnPresence::kUnchecked);
  EXPECT_EQ(m.FieldType("Proc", "TimeGenerated"), "datetime");
  EXPECT_EQ(m.FieldType("Proc", "Pid"), "int");  // `types` wins over the column list
  EXPECT_EQ(m.FieldType("Proc", "Path"), "");
}

TEST(Mapping, UserColumnsAddToShippedOnes) {
  TargetMapping m = Load(kColumns);
  m.Extend(Load("target: t\ncolumns:\n  Proc: Cmd\n"));
  EXPECT_EQ(m.HasColumn("Proc", "Cmd"), ColumnPresence::kPresent);
  EXPECT_EQ(m.HasColumn("Proc", "Path"), ColumnPresence::kPresent);
}

TEST(Mapping, MissingColumnWarnsNamingRuleFieldAndTable) {
  TargetMapping m = Load(kColumns);
  ir::Rule rule = RuleOn("CommandLine");
  Diagnostics d;
  EXPECT_TRUE(ApplyMapping(rule, m, {}, d));
  ASSERT_EQ(d.all().size(), 1u);
  EXPECT_EQ(d.all()[0].code, "W0402");
  EXPECT_EQ(d.all()[0].message,
            "rule 'Demo': field 'CommandLine' (column 'Cmd') is not a column of t table 'Proc'");
  ir::Rule unmapped = RuleOn("Hashes");
  Diagnostics d2;
  EXPECT_TRUE(ApplyMapping(unmapped, m, {}, d2));
  EXPECT_EQ(d2.all().at(0).message,
            "rule 'Demo': field 'Hashes' is not a column of t table 'Proc'");
}

TEST(Mapping, StrictFieldsMakesAMissingColumnAnError) {
  TargetMapping m = Load(kColumns);
  ir::Rule rule = RuleOn("CommandLine");
  Diagnostics d;
  EXPECT_FALSE(ApplyMapping(rule, m, {true}, d));
  ASSERT_EQ(d.all().size(), 1u);
  EXPECT_EQ(d.all()[0].code, "E0401");
}

TEST(Mapping, AFixedSchemaMakesAMissingColumnAnErrorForQueriesOnly) {
  std::string text = kColumns;
  text.replace(text.find("    fields:"), 0, "    fixed_schema: true\n");
  TargetMapping m = Load(text.c_str());
  ir::Rule query = RuleOn("CommandLine");
  Diagnostics d;
  EXPECT_FALSE(ApplyMapping(query, m, {}, d));
  ASSERT_EQ(d.all().size(), 1u);
  EXPECT_EQ(d.all()[0].code, "E0404");
  EXPECT_EQ(d.all()[0].message,
            "rule 'Demo': field 'CommandLine' (column 'Cmd') is not a column of t table 'Proc' "
            "(the platform fixes that table's columns, so no such query can be saved)");
  ir::Rule hunted = RuleOn("CommandLine");
  Diagnostics d2;
  EXPECT_TRUE(ApplyMapping(hunted, m, {.for_events = true}, d2));
  ASSERT_EQ(d2.all().size(), 1u);
  EXPECT_EQ(d2.all()[0].code, "W0402");
  ir::Rule present = RuleOn("Pid");
  Diagnostics d3;
  EXPECT_TRUE(ApplyMapping(present, m, {}, d3));
  EXPECT_TRUE(d3.all().empty());
}

TEST(Mapping, ADeclaredColumnNeedsNoMappingUnderStrictFields) {
  TargetMapping m = Load(kColumns);
  ir::Rule rule = RuleOn("Pid");
  Diagnostics d;
  EXPECT_TRUE(ApplyMapping(rule, m, {true}, d));
  EXPECT_TRUE(d.all().empty());
}

TEST(Placeholders, ParsesNamesWithOrWithoutPercent) {
  Diagnostics d;
  auto p = ParsePlaceholders("p.yaml", "'%admins%': [root, adm]\nservers: srv1\n", d);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->at("admins"), (std::vector<std::string>{"root", "adm"}));
  EXPECT_EQ(p->at("servers"), (std::vector<std::string>{"srv1"}));
}

TEST(ColumnSet, HoldsEachNameAddedOnceSealed) {
  ColumnSet set;
  for (const char* name : {"UserPrincipalName", "IPAddress", "Id", "IPAddress", "A.*"})
    set.Add(name);
  set.Seal();
  for (const char* name : {"UserPrincipalName", "IPAddress", "Id", "A.*"}) {
    EXPECT_TRUE(set.Contains(name)) << name;
  }
  for (const char* name : {"", "I", "IPAddres", "IPAddressX", "userprincipalname", "A"}) {
    EXPECT_FALSE(set.Contains(name)) << name;
  }
}

TEST(ColumnSet, AddAllMergesAnotherSet) {
  ColumnSet mine;
  mine.Add("b");
  mine.Seal();
  ColumnSet theirs;
  theirs.Add("a");
  theirs.Add("b");
  theirs.Seal();
  mine.AddAll(theirs);
  mine.Seal();
  EXPECT_TRUE(mine.Contains("a"));
  EXPECT_TRUE(mine.Contains("b"));
  EXPECT_FALSE(ColumnSet().Contains("a"));
}

}  // namespace
}  // namespace refract
