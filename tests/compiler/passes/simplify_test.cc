#include "compiler/passes/simplify.h"

#include <gtest/gtest.h>

namespace refract::passes {
namespace {

using ir::Expr;

Expr Eq(const std::string& field, const std::string& value) {
  ir::Predicate p;
  p.field = field;
  p.op = ir::Op::kEq;
  ir::Pattern pattern;
  pattern.AddLiteral(value);
  p.values = {ir::Value::String(pattern)};
  return Expr::Pred(p);
}

TEST(Simplify, FlattensNestedJunctions) {
  Expr e = Expr::And({Eq("a", "1"), Expr::And({Eq("b", "2"), Eq("c", "3")})});
  EXPECT_EQ(ir::Print(Simplify(e)), "and\n  eq a \"1\"\n  eq b \"2\"\n  eq c \"3\"\n");
}

TEST(Simplify, MergesSameFieldUnderOrIntoAnyOf) {
  Expr e = Expr::Or({Eq("a", "1"), Eq("b", "2"), Eq("a", "3")});
  EXPECT_EQ(ir::Print(Simplify(e)), "or\n  eq any a \"1\" \"3\"\n  eq b \"2\"\n");
}

TEST(Simplify, MergesSameFieldUnderAndIntoAllOf) {
  Expr e = Expr::And({Eq("a", "1"), Eq("a", "2")});
  EXPECT_EQ(ir::Print(Simplify(e)), "eq all a \"1\" \"2\"\n");
}

// The driver simplifies a rule once and, where a mapping ANDs a filter on top, only the top.
TEST(Simplify, TopGivesWhatSimplifyGivesOverSimplifiedOperands) {
  Expr condition =
      Simplify(Expr::And({Eq("a", "1"), Expr::Or({Eq("b", "2"), Eq("b", "3")}), Eq("c", "4")}));
  Expr filtered = Expr::And({Eq("a", "0"), Eq("c", "4"), condition});
  EXPECT_EQ(ir::Print(SimplifyTop(filtered)), ir::Print(Simplify(filtered)));
  EXPECT_EQ(ir::Print(SimplifyTop(filtered)),
            "and\n  eq all a \"0\" \"1\"\n  eq c \"4\"\n  eq any b \"2\" \"3\"\n");
  // A constant condition folds the filter away, as Simplify does.
  EXPECT_EQ(ir::Print(SimplifyTop(Expr::And({Eq("a", "0"), Expr::Bool(false)}))),
            ir::Print(Simplify(Expr::And({Eq("a", "0"), Expr::Bool(false)}))));
}

TEST(Simplify, DoesNotMergeAnyOfIntoAllOf) {
  Expr any = Simplify(Expr::Or({Eq("a", "1"), Eq("a", "2")}));
  Expr e = Expr::And({any, Eq("a", "3")});
  EXPECT_EQ(ir::Print(Simplify(e)), "and\n  eq any a \"1\" \"2\"\n  eq a \"3\"\n");
}

TEST(Simplify, DropsDuplicatesAndDoubleNegation) {
  Expr e = Expr::Or({Eq("a", "1"), Expr::Not(Expr::Not(Eq("a", "1")))});
  EXPECT_EQ(ir::Print(Simplify(e)), "eq a \"1\"\n");
}

TEST(Simplify, FoldsConstants) {
  EXPECT_EQ(ir::Print(Simplify(Expr::And({Eq("a", "1"), Expr::Bool(false)}))), "false\n");
  EXPECT_EQ(ir::Print(Simplify(Expr::Or({Eq("a", "1"), Expr::Bool(true)}))), "true\n");
  EXPECT_EQ(ir::Print(Simplify(Expr::And({Eq("a", "1"), Expr::Bool(true)}))), "eq a \"1\"\n");
  EXPECT_EQ(ir::Print(Simplify(Expr::Not(Expr::Bool(true)))), "false\n");
}

}  // namespace
}  // namespace refract::passes
