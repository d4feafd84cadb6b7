// The ES|QL backend: text on numeric columns, and |expand lists read from lookup indices as
// refract bundle deploys them.
#include <gtest/gtest.h>

#include "compiler/driver/compile.h"
#include "tests/test_util.h"

namespace refract {
namespace {

constexpr const char* kSignIns = "{product: azure, service: signinlogs}";

TEST(EsqlNumbers, DigitTextOnALongColumnComparesAsNumbers) {
  // ECS source.as.number is a long, and ES|QL casts no string literal to a number.
  std::string query = testing::CompileToText(
      testing::RuleWithDetection(
          "  s: {AutonomousSystemNumber: ['1442', '03223']}\n  condition: not s\n", kSignIns),
      {"esql"});
  EXPECT_NE(query.find("NOT ((source.as.number IS NOT NULL AND source.as.number IN (1442, 3223)))"),
            std::string::npos)
      << query;
}

}  // namespace
}  // namespace refract
