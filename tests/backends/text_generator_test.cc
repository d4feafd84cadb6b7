// The shared text generator through a synthetic dialect whose tokens no SIEM uses, so what is
// tested is the generator's skeleton, not any backend.
#include "backends/text_generator.h"

#include <gtest/gtest.h>

#include "compiler/ir/lower.h"

namespace refract {
namespace {

// and `&&`, or `||`, not `![...]`, strings in backquotes with the backquote doubled, and a
// null guard `has(field) && test` for negated tests.
const Dialect kToy{
    {" && ", " || ", "![", "]", "YES", "NO"}, {'`', true, false, false, ""}, "has({0}) && {1}"};

class ToyGenerator : public TextGenerator {
 public:
  using TextGenerator::TextGenerator;

 protected:
  std::string FieldName(const std::string& field) const override { return "@" + field; }
  std::string Null(const ir::Predicate&, const std::string& field) override {
    return "nil?(" + field + ")";
  }
  std::string StringValue(const ir::Predicate& p, const std::string& field,
                          const ir::Value& v) override {
    return field + (p.cased ? " == " : " =~ ") + Quote(v.pattern.Literal());
  }
  std::string NumberValue(const ir::Predicate&, const std::string& field,
                          const ir::Value& v) override {
    return field + " = " + v.text;
  }
};

ir::Expr Eq(const std::string& field, std::vector<std::string> values, bool all_of = false) {
  ir::Predicate p;
  p.field = field;
  p.all_of = all_of;
  for (const auto& v : values) p.values.push_back(ir::Value::String(ir::ParseSigmaString(v)));
  return ir::Expr::Pred(std::move(p));
}

ir::Expr Op(const std::string& field, ir::Op op, const std::string& number) {
  ir::Predicate p;
  p.field = field;
  p.op = op;
  p.values = {ir::Value::Number(number)};
  return ir::Expr::Pred(std::move(p));
}

struct Result {
  std::optional<std::string> text;
  std::vector<std::string> diagnostics;  // "CODE message"
};

Result Generate(const ir::Expr& condition) {
  ir::Rule rule;
  rule.condition = condition;
  TargetMapping mapping;
  Diagnostics diagnostics;
  EmitContext ctx{rule, mapping, diagnostics, "toy"};
  Result result{ToyGenerator(ctx, kToy).Condition(condition), {}};
  for (const auto& d : diagnostics.all()) result.diagnostics.push_back(d.code + " " + d.message);
  return result;
}

TEST(TextGeneratorTest, JunctionsUseTheDialectsTokensAndNestedOnesAreParenthesised) {
  auto expr = ir::Expr::And(
      {ir::Expr::Or({Eq("a", {"1"}), Eq("b", {"2"})}), ir::Expr::Not(Eq("c", {"3"}))});
  EXPECT_EQ(Generate(expr).text, "(@a =~ `1` || @b =~ `2`) && ![has(@c) && @c =~ `3`]");
}

TEST(TextGeneratorTest, ConstantsUseTheDialectsWords) {
  EXPECT_EQ(Generate(ir::Expr::Bool(true)).text, "YES");
  EXPECT_EQ(Generate(ir::Expr::Not(ir::Expr::Bool(false))).text, "![NO]");
}

TEST(TextGeneratorTest, TheGuardAppliesUnderAnOddNumberOfNots) {
  EXPECT_EQ(Generate(ir::Expr::Not(ir::Expr::Not(Eq("c", {"3"})))).text, "![![@c =~ `3`]]");
  EXPECT_EQ(Generate(ir::Expr::Not(Op("n", ir::Op::kGt, "5"))).text, "![has(@n) && @n > 5]");
}

TEST(TextGeneratorTest, ValuesJoinByAnyOrAllAndEachIsGuarded) {
  EXPECT_EQ(Generate(Eq("a", {"x", "y"})).text, "(@a =~ `x` || @a =~ `y`)");
  EXPECT_EQ(Generate(ir::Expr::Not(Eq("a", {"x", "y"}, true))).text,
            "![(has(@a) && @a =~ `x` && has(@a) && @a =~ `y`)]");
}

TEST(TextGeneratorTest, TheDelimiterIsEscapedTheDialectsWay) {
  EXPECT_EQ(Generate(Eq("a", {"it`s \\\\ ok"})).text, "@a =~ `it``s \\ ok`");
}

TEST(TextGeneratorTest, ComparisonsHaveADefaultAndNullIsTheDialectsHook) {
  ir::Predicate null;
  null.field = "gone";
  null.op = ir::Op::kNull;
  EXPECT_EQ(Generate(ir::Expr::Pred(null)).text, "nil?(@gone)");
  EXPECT_EQ(Generate(Op("n", ir::Op::kLte, "7")).text, "@n <= 7");
}

TEST(TextGeneratorTest, AConstructTheDialectLacksIsRefusedByNameOnce) {
  ir::Predicate cidr;
  cidr.field = "ip";
  cidr.op = ir::Op::kCidr;
  cidr.values = {ir::Value{ir::Value::Kind::kCidr, {}, "10.0.0.0/8", nullptr, false}};
  ir::Predicate keyword;
  keyword.op = ir::Op::kContains;
  keyword.values = {ir::Value::String(ir::ParseSigmaString("x"))};
  Result result = Generate(ir::Expr::Or({ir::Expr::Pred(cidr), ir::Expr::Pred(keyword)}));
  EXPECT_EQ(result.text, std::nullopt);
  ASSERT_EQ(result.diagnostics.size(), 1u);
  EXPECT_EQ(result.diagnostics[0], "E0500 target 'toy' cannot express a CIDR test");
}

TEST(TextGeneratorTest, MixedValueKindsEachGetTheirOwnHook) {
  ir::Predicate p;
  p.field = "code";
  p.values = {ir::Value::Number("5"), ir::Value::String(ir::ParseSigmaString("abc"))};
  EXPECT_EQ(Generate(ir::Expr::Pred(p)).text, "(@code = 5 || @code =~ `abc`)");
}

TEST(QuoteStringTest, CEscapesAndControlCharacters) {
  QuoteStyle c_like{'"', false, true, true, "\\u{:04x}"};
  EXPECT_EQ(QuoteString("a\"b\\c\nd\te\x01", c_like), "\"a\\\"b\\\\c\\nd\\te\\u0001\"");
  QuoteStyle sql{'\'', true, false, false, ""};
  EXPECT_EQ(QuoteString("it's a\\b", sql), "'it''s a\\b'");
  QuoteStyle plain{'"', false, true, false, ""};
  EXPECT_EQ(QuoteString("x\"\n", plain), "\"x\\\"\n\"");
}

TEST(QuoteStringTest, EachEscapeIsFoundAtEveryOffsetPastPlainText) {
  // Plain text is passed eight bytes at a time; what follows it is still escaped.
  QuoteStyle c_like{'"', false, true, true, "\\u{:04x}"};
  QuoteStyle sql{'\'', true, false, false, ""};
  QuoteStyle plain{'"', false, true, false, ""};
  for (size_t at = 0; at < 20; ++at) {
    const std::string head(at, 'a');
    const std::string tail = "bbbbbbbbbb";
    EXPECT_EQ(QuoteString(head + "\"" + tail, c_like), "\"" + head + "\\\"" + tail + "\"");
    EXPECT_EQ(QuoteString(head + "\\" + tail, c_like), "\"" + head + "\\\\" + tail + "\"");
    EXPECT_EQ(QuoteString(head + "\n" + tail, c_like), "\"" + head + "\\n" + tail + "\"");
    EXPECT_EQ(QuoteString(head + "\x7f" + tail, c_like), "\"" + head + "\\u007f" + tail + "\"");
    EXPECT_EQ(QuoteString(head + "\xC3\xA9" + tail, c_like),
              "\"" + head + "\xC3\xA9" + tail + "\"");
    EXPECT_EQ(QuoteString(head + "'" + tail, sql), "'" + head + "''" + tail + "'");
    EXPECT_EQ(QuoteString(head + "\\\x01" + tail, sql), "'" + head + "\\\x01" + tail + "'");
    EXPECT_EQ(QuoteString(head + "\x01\"" + tail, plain), "\"" + head + "\x01\\\"" + tail + "\"");
  }
}

}  // namespace
}  // namespace refract
