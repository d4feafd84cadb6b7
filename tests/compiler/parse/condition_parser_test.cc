#include "compiler/parse/condition_parser.h"

#include <gtest/gtest.h>

namespace refract {
namespace {

struct Case {
  const char* condition;
  const char* expected;  // printed AST, or the diagnostic "code col message"
};

std::string ParseToText(const std::string& text) {
  Diagnostics diagnostics;
  auto locate = [](size_t offset, size_t length) {
    return SourceLocation{"c", 1, static_cast<int>(offset) + 1, static_cast<int>(length)};
  };
  auto condition = ParseCondition(text, locate, diagnostics);
  if (condition) return ast::Print(*condition);
  const Diagnostic& d = diagnostics.all().at(0);
  return d.code + " " + std::to_string(d.location.column) + " " + d.message;
}

class ConditionParserTest : public ::testing::TestWithParam<Case> {};

TEST_P(ConditionParserTest, PrintsTree) {
  EXPECT_EQ(ParseToText(GetParam().condition), GetParam().expected) << GetParam().condition;
}

INSTANTIATE_TEST_SUITE_P(
    Forms, ConditionParserTest,
    ::testing::Values(
        Case{"selection", "selection"}, Case{"a and b", "(and a b)"},
        Case{"a and b and c", "(and a b c)"}, Case{"a or b and c", "(or a (and b c))"},
        Case{"a and b or c", "(or (and a b) c)"}, Case{"not a and b", "(and (not a) b)"},
        Case{"not (a and b)", "(not (and a b))"}, Case{"not not a", "(not (not a))"},
        Case{"(a or b) and c", "(and (or a b) c)"}, Case{"1 of selection_*", "(1-of selection_*)"},
        Case{"any of sel*", "(1-of sel*)"}, Case{"all of them", "(all-of them)"},
        Case{"1 of them and not 1 of filter*", "(and (1-of them) (not (1-of filter*)))"},
        Case{"all of sel* or kw", "(or (all-of sel*) kw)"},
        Case{"sel-dash.dot_1", "sel-dash.dot_1"}, Case{"  a\n  and\tb  ", "(and a b)"}));

INSTANTIATE_TEST_SUITE_P(
    Errors, ConditionParserTest,
    ::testing::Values(
        Case{"a and", "E0300 6 condition ends where an identifier or '(' should follow"},
        Case{"a b", "E0300 3 unexpected 'b' in condition"},
        Case{"(a and b", "E0300 1 unclosed '(' in condition"},
        Case{"a and b)", "E0300 8 unmatched ')' in condition"},
        Case{"a | count() > 5", "E0304 3 legacy aggregation '|' in condition is not sigma 2"},
        Case{"a and or b", "E0300 7 unexpected 'or' in condition"},
        Case{"a & b", "E0300 3 unexpected '&' in condition"},
        Case{"", "E0300 1 condition ends where an identifier or '(' should follow"}));

TEST(ConditionParserLimits, DeepNestingIsAnErrorNotACrash) {
  std::string deep = std::string(100000, '(') + "a" + std::string(100000, ')');
  EXPECT_EQ(ParseToText(deep).substr(0, 5), "E0303");
  std::string nots;
  for (int i = 0; i < 5000; ++i) nots += "not ";
  EXPECT_EQ(ParseToText(nots + "a").substr(0, 5), "E0303");
}

TEST(ConditionParserLimits, LongFlatConditionParses) {
  std::string flat = "a";
  for (int i = 0; i < 1000; ++i) flat += " or a";
  EXPECT_EQ(ParseToText(flat).substr(0, 4), "(or ");
}

// Every node's place, in pre-order, as "line:column+length".
std::string Places(const ast::Condition& node) {
  std::string out = std::to_string(node.location.line) + ":" +
                    std::to_string(node.location.column) + "+" +
                    std::to_string(node.location.length) + " ";
  for (const auto& child : node.children) out += Places(child);
  return out;
}

// The places of `text`'s nodes where the condition starts at `line`, column `column`.
std::string PlacesAt(const std::string& text, int line, int column) {
  Diagnostics diagnostics;
  auto locate = [&](size_t offset, size_t length) {
    return SourceLocation{"c", line, column + static_cast<int>(offset), static_cast<int>(length)};
  };
  auto condition = ParseCondition(text, locate, diagnostics);
  return condition ? Places(*condition) : "no parse";
}

TEST(ConditionParserCache, ARepeatedConditionIsPlacedWhereEachRuleWritesIt) {
  // The second and third parses of the text come from the cache of parsed conditions.
  const std::string text = "sel and not 1 of filter_*";
  EXPECT_EQ(PlacesAt(text, 1, 1), "1:1+25 1:1+3 1:9+17 1:13+13 1:13+1 ");
  EXPECT_EQ(PlacesAt(text, 7, 20), "7:20+25 7:20+3 7:28+17 7:32+13 7:32+1 ");
  EXPECT_EQ(PlacesAt(text, 1, 1), "1:1+25 1:1+3 1:9+17 1:13+13 1:13+1 ");
}

TEST(ConditionParserCache, ConditionsPastTheCachesBoundStillParseToTheirOwnTrees) {
  // More distinct conditions than the cache holds, twice over: each parse is its own text's.
  for (int pass = 0; pass < 2; ++pass) {
    for (int i = 0; i < 5000; ++i) {
      const std::string name = "s" + std::to_string(i);
      ASSERT_EQ(ParseToText(name + " or not t"), "(or " + name + " (not t))") << pass;
    }
  }
}

TEST(ConditionParserCache, AConditionThatFailedFailsAgainWithItsDiagnostic) {
  EXPECT_EQ(ParseToText("a and"),
            "E0300 6 condition ends where an identifier or '(' should follow");
  EXPECT_EQ(ParseToText("a and"),
            "E0300 6 condition ends where an identifier or '(' should follow");
}

}  // namespace
}  // namespace refract
