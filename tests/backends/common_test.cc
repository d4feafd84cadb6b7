// The pieces the correlation and aggregate writers share, each with a made-up spelling so that
// what is tested is the piece, not a target.
#include "backends/common.h"

#include <gtest/gtest.h>

#include "compiler/ir/lower.h"

namespace refract {
namespace {

ir::CorrelationTest Compare(const std::string& name, ir::CompareOp op, const std::string& value) {
  ir::CorrelationTest t;
  t.kind = ir::CorrelationTest::Kind::kCompare;
  t.name = name;
  t.op = op;
  t.value = value;
  return t;
}

std::string Plain(const ir::CorrelationTest& t) {
  return t.name + std::string(ir::CompareOpSymbol(t.op)) + t.value;
}

std::string Angle(const std::string& text) { return "<" + text + ">"; }

ir::Column Tiered() {
  ir::Column column;
  column.name = "tier";
  column.cases.push_back({Compare("n", ir::CompareOp::kGte, "10"), "high"});
  column.cases.push_back({Compare("n", ir::CompareOp::kGte, "3"), "mid"});
  column.otherwise = "low";
  return column;
}

TEST(ColumnValue, NestsIfsAndClosesEachCase) {
  EXPECT_EQ(ColumnValue(Tiered(), {"", "if({test}, {value}, ", "{value}", ")"}, Plain, Angle),
            "if(n>=10, <high>, if(n>=3, <mid>, <low>))");
}

TEST(ColumnValue, ListsCasesAndNamesTheColumn) {
  EXPECT_EQ(
      ColumnValue(Tiered(), {"case{", " {test}->{name}={value};", " else {name}={value}}}", ""},
                  Plain, Angle, "T"),
      "case{ n>=10->T=<high>; n>=3->T=<mid>; else T=<low>}");
}

TEST(ColumnValue, ConstantIsItsLiteral) {
  ir::Column column;
  column.name = "c";
  column.constant = "7";
  EXPECT_EQ(ColumnValue(column, {"", "", "", ""}, Plain, Angle), "<7>");
}

TEST(ColumnLiteral, NumbersBareTextQuoted) {
  const QuoteStyle quote{'\'', true, false, false, ""};
  EXPECT_EQ(ColumnLiteral("12.5", quote), "12.5");
  EXPECT_EQ(ColumnLiteral("it's", quote), "'it''s'");
  EXPECT_EQ(ColumnLiteral("", quote), "''");
}

const MeasureSpelling kToyMeasures{"N as {name}",
                                   "SUM[{flag}] as {name}",
                                   "DC[{field}] as {name}",
                                   "SET[{field}] as {name}",
                                   "SET[{field}; {limit}] as {name}",
                                   "{FN}/{fn}[{field}] as {name}"};

TEST(SpellMeasure, EachKindByItsTemplate) {
  using K = ir::MeasureKind;
  EXPECT_EQ(SpellMeasure(kToyMeasures, {K::kCount, false, "f", "n", "", ""}), "N as n");
  EXPECT_EQ(SpellMeasure(kToyMeasures, {K::kCount, true, "f", "n", "flag1", ""}),
            "SUM[flag1] as n");
  EXPECT_EQ(SpellMeasure(kToyMeasures, {K::kDistinct, false, "f", "n", "", ""}), "DC[f] as n");
  EXPECT_EQ(SpellMeasure(kToyMeasures, {K::kValues, false, "f", "n", "", ""}), "SET[f] as n");
  EXPECT_EQ(SpellMeasure(kToyMeasures, {K::kValues, false, "f", "n", "", "5"}), "SET[f; 5] as n");
  EXPECT_EQ(SpellMeasure(kToyMeasures, {K::kMax, false, "f", "n", "", ""}), "MAX/max[f] as n");
}

TEST(CorrelationMeasure, CountingKindsOnly) {
  EXPECT_EQ(CorrelationMeasure(ir::CorrelationKind::kEventCount), ir::MeasureKind::kCount);
  EXPECT_EQ(CorrelationMeasure(ir::CorrelationKind::kValueCount), ir::MeasureKind::kDistinct);
  EXPECT_EQ(CorrelationMeasure(ir::CorrelationKind::kValueSum), ir::MeasureKind::kSum);
  EXPECT_EQ(CorrelationMeasure(ir::CorrelationKind::kValueAvg), ir::MeasureKind::kAvg);
  EXPECT_FALSE(CorrelationMeasure(ir::CorrelationKind::kValuePercentile));
  EXPECT_FALSE(CorrelationMeasure(ir::CorrelationKind::kTemporal));
}

TEST(PatternAsRegex, AnchorsOnlyClosedEnds) {
  const ir::RegexFlavor flavor;
  const PatternRegexSyntax syntax{"~", "_", "<", ">", false};
  ir::Pattern pattern = ir::ParseSigmaString("a*b?c.");
  EXPECT_EQ(PatternAsRegex(pattern, ir::Op::kEq, flavor, syntax), "<a~b_c\\.>");
  EXPECT_EQ(PatternAsRegex(pattern, ir::Op::kContains, flavor, syntax), "a~b_c\\.");
  EXPECT_EQ(PatternAsRegex(pattern, ir::Op::kStartsWith, flavor, syntax), "<a~b_c\\.");
  EXPECT_EQ(PatternAsRegex(pattern, ir::Op::kEndsWith, flavor, syntax), "a~b_c\\.>");
}

TEST(PatternAsRegex, PaddedEndsStayAnchored) {
  const ir::RegexFlavor flavor;
  const PatternRegexSyntax syntax{"~", "_", "<", ">", true};
  ir::Pattern pattern = ir::ParseSigmaString("x");
  EXPECT_EQ(PatternAsRegex(pattern, ir::Op::kContains, flavor, syntax), "<~x~>");
  EXPECT_EQ(PatternAsRegex(pattern, ir::Op::kStartsWith, flavor, syntax), "<x~>");
}

// A two-rule correlation whose second rule needs three events.
struct TwoSources {
  TwoSources() {
    spec.kind = ir::CorrelationKind::kTemporal;
    spec.group_by = {"user"};
    ir::CorrelationSource a;
    a.label = "first";
    a.group_fields = {"User"};
    ir::CorrelationSource b;
    b.label = "second";
    b.group_fields = {"Account"};
    b.value_field = "Bytes";
    b.min_count = 3;
    spec.sources = {a, b};
  }
  ir::Correlation spec;
  TargetMapping mapping;
  Diagnostics diagnostics;
  CorrelationContext ctx{spec, mapping, diagnostics, "toy"};
};

TEST(EachSource, NumbersAndFiltersTheSources) {
  TwoSources two;
  EXPECT_EQ(EachSource(two.ctx, "r{n}>={min}", " & "), "r1>=1 & r2>=3");
  EXPECT_EQ(EachSource(two.ctx, "r{n}>={min}", " & ", SourceSet::kCounted), "r2>=3");
  EXPECT_EQ(EachSource(two.ctx, "({text})", "|", SourceSet::kAll, {"x", "y"}), "(x)|(y)");
}

TEST(SourceLabels, LabelGroupKeysAndValue) {
  TwoSources two;
  const LabelSyntax syntax{"{name}:={value}",
                           "; ",
                           Angle,
                           RefractName,
                           [](const std::string& f) { return "get(" + f + ")"; },
                           [](const std::string& f) { return "val(" + f + ")"; }};
  EXPECT_EQ(SourceLabels(two.ctx, 0, syntax), "refract_rule:=<first>; refract_user:=get(User)");
  EXPECT_EQ(SourceLabels(two.ctx, 1, syntax),
            "refract_rule:=<second>; refract_user:=get(Account); refract_value:=val(Bytes)");
}

TEST(Names, PlainNamesAndDerivedNames) {
  EXPECT_TRUE(AllNameChars("a_b9"));
  EXPECT_FALSE(AllNameChars("a.b"));
  EXPECT_TRUE(AllNameChars("a.b", "."));
  EXPECT_TRUE(AllNameChars(""));
  EXPECT_TRUE(IsPlainName("_x1"));
  EXPECT_FALSE(IsPlainName("1x"));
  EXPECT_FALSE(IsPlainName(""));
  EXPECT_EQ(RefractName("Event.Data-1"), "refract_Event_Data_1");
}

TEST(ReplaceAll, DoesNotRescanWhatItWrote) {
  EXPECT_EQ(ReplaceAll("a\nb\nc", "\n", "\n  "), "a\n  b\n  c");
  EXPECT_EQ(ReplaceAll("xx", "x", "xx"), "xxxx");
  EXPECT_EQ(ReplaceAll("abc", "z", "y"), "abc");
}

}  // namespace
}  // namespace refract
