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

// The query of `detection` over Entra ID sign-ins with lists read from lookup indices, and the
// lists it reads.
std::pair<std::string, std::vector<std::string>> LookupQuery(std::string_view detection) {
  return testing::CompileWithLists("esql", detection,
                                   {{"users", {"A@x", "b@x"}},
                                    {"accented", {"\xc3\x89lise@x", "b@x"}},
                                    {"Mixed", {"a@x", "b@x"}},
                                    {"admins", {"root", "adm_*"}}});
}

TEST(EsqlLookupIndices, AListIsJoinedAfterTheFiltersThatNeedNoList) {
  auto [query, lists] = LookupQuery(
      "  a: {ResultType: '0'}\n  s: {UserPrincipalName|expand: '%users%'}\n"
      "  condition: a and not s\n");
  EXPECT_EQ(query,
            "FROM logs-*\n"
            "| WHERE event.category == \"authentication\" AND event.dataset == "
            "\"azure.signinlogs\" AND azure.signinlogs.result_type == \"0\"\n"
            "| EVAL refract_users_key = TO_LOWER(azure.signinlogs.properties.user_principal_name)\n"
            "| LOOKUP JOIN refract_users ON refract_users_key\n"
            "| RENAME refract_users_hit AS refract_hit_1\n"
            "| WHERE NOT ((azure.signinlogs.properties.user_principal_name IS NOT NULL AND "
            "refract_hit_1 IS NOT NULL))\n"
            "| DROP refract_*");
  EXPECT_EQ(lists, std::vector<std::string>{"users"});
}

TEST(EsqlLookupIndices, TwoReadsOfOneListKeepTheirOwnHits) {
  auto [query, lists] = LookupQuery(
      "  a: {UserPrincipalName|expand: '%users%'}\n  b: {UserId|expand: '%users%'}\n"
      "  condition: a or b\n");
  EXPECT_NE(query.find("AS refract_hit_1"), std::string::npos) << query;
  EXPECT_NE(query.find("AS refract_hit_2"), std::string::npos) << query;
  EXPECT_NE(query.find("refract_hit_1 IS NOT NULL OR "), std::string::npos) << query;
}

TEST(EsqlLookupIndices, WhatTheIndexCannotHoldAsItIsStaysInline) {
  for (const char* detection :
       {"  s: {UserPrincipalName|cased|expand: '%users%'}\n  condition: s\n",
        "  s: {UserPrincipalName|expand: '%accented%'}\n  condition: s\n",
        "  s: {UserPrincipalName|expand: '%Mixed%'}\n  condition: s\n",
        "  s: {UserPrincipalName|expand: '%admins%'}\n  condition: s\n"}) {
    auto [query, lists] = LookupQuery(detection);
    EXPECT_EQ(query.find("LOOKUP JOIN"), std::string::npos) << detection << query;
    EXPECT_TRUE(lists.empty()) << detection;
  }
}

}  // namespace
}  // namespace refract
