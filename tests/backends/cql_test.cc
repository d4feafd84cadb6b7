// LogScale reading |expand lists from lookup files, as refract bundle deploys them.
#include <gtest/gtest.h>

#include "compiler/driver/compile.h"
#include "tests/test_util.h"

namespace refract {
namespace {

// The stages after the log source of `detection` over Entra ID sign-ins with lists read from
// lookup files, and the lists the query reads.
std::pair<std::string, std::vector<std::string>> LookupQuery(std::string_view detection) {
  auto [text, lists] = testing::CompileWithLists("cql", detection,
                                                 {{"egress", {"192.0.2.0/24", "2001:db8::/32"}},
                                                  {"users", {"a@x", "b,c@x"}},
                                                  {"admins", {"root", "adm_*"}}});
  if (text.starts_with("no output")) return {text, lists};
  size_t stages = text.find("\n| ");
  return {stages == std::string::npos ? text : text.substr(stages + 3), lists};
}

TEST(CqlLookupFiles, ExactStringsMatchTheFileIgnoringCase) {
  auto [query, lists] = LookupQuery("  s: {UserPrincipalName|expand: '%users%'}\n  condition: s\n");
  EXPECT_EQ(query,
            "match(file=\"users.csv\", field=\"user.email\", column=\"value\", ignoreCase=true)");
  EXPECT_EQ(lists, std::vector<std::string>{"users"});
}

TEST(CqlLookupFiles, CasedStringsMatchTheFileAsTheyAre) {
  auto [query, lists] =
      LookupQuery("  s: {UserPrincipalName|cased|expand: '%users%'}\n  condition: s\n");
  EXPECT_EQ(query, "match(file=\"users.csv\", field=\"user.email\", column=\"value\")");
}

TEST(CqlLookupFiles, NetworksUnderNotReadTheFileThroughCidr) {
  auto [query, lists] =
      LookupQuery("  s: {IPAddress|cidr|expand: '%egress%'}\n  condition: not s\n");
  EXPECT_EQ(query, "not (cidr(\"source.ip\", file=\"egress.csv\", column=\"value\"))");
  EXPECT_EQ(lists, std::vector<std::string>{"egress"});
}

TEST(CqlLookupFiles, AFileReadUnderOrBecomesACaseBranch) {
  // match() is a function filter of its own: under `or` it needs a case {} branch.
  auto [query, lists] = LookupQuery(
      "  a: {UserPrincipalName|expand: '%users%'}\n  b: {AppId: x}\n  condition: a or b\n");
  EXPECT_EQ(query.rfind("case { ", 0), 0u) << query;
  EXPECT_NE(query.find("match(file=\"users.csv\""), std::string::npos) << query;
}

TEST(CqlLookupFiles, AListSplitByAWildcardStaysInline) {
  auto [query, lists] =
      LookupQuery("  s: {UserPrincipalName|expand: '%admins%'}\n  condition: s\n");
  EXPECT_EQ(query.find("match("), std::string::npos) << query;
  EXPECT_TRUE(lists.empty());
}

}  // namespace
}  // namespace refract
