// AQL reading |expand lists from QRadar reference sets, as refract bundle deploys them.
#include <gtest/gtest.h>

#include "compiler/driver/compile.h"
#include "tests/test_util.h"

namespace refract {
namespace {

// The WHERE condition after the log source of `detection` over Entra ID sign-ins with lists
// read from reference sets, and the lists the search reads.
std::pair<std::string, std::vector<std::string>> ReferenceSetWhere(std::string_view detection) {
  auto [text, lists] = testing::CompileWithLists(
      "aql", detection,
      {{"users", {"A@x", "b@x", "a@X"}}, {"bell", {"a\x07", "b"}}, {"admins", {"root", "adm_*"}}});
  if (text.starts_with("no output")) return {text, lists};
  size_t open = text.find(" AND (");
  size_t close = text.rfind(") LAST ");
  if (open == std::string::npos || close == std::string::npos) return {text, lists};
  return {text.substr(open + 6, close - open - 6), lists};
}

TEST(AqlReferenceSets, CaseInsensitiveListsReadALowerCasedSet) {
  auto [where, lists] =
      ReferenceSetWhere("  s: {UserPrincipalName|expand: '%users%'}\n  condition: s\n");
  EXPECT_EQ(where, "REFERENCESETCONTAINS('users', LOWER(username))");
  EXPECT_EQ(lists, std::vector<std::string>{"users"});
}

TEST(AqlReferenceSets, CasedListsReadASetOfTheirOwn) {
  auto [where, lists] =
      ReferenceSetWhere("  s: {UserPrincipalName|cased|expand: '%users%'}\n  condition: not s\n");
  EXPECT_EQ(where,
            "NOT ((username IS NOT NULL AND REFERENCESETCONTAINS('users_cased', username)))");
  EXPECT_EQ(lists, std::vector<std::string>{"cased:users"});
}

TEST(AqlReferenceSets, ValuesThatNeedARegexKeepTheListInline) {
  auto [where, lists] =
      ReferenceSetWhere("  s: {UserPrincipalName|expand: '%bell%'}\n  condition: s\n");
  EXPECT_EQ(where.find("REFERENCESETCONTAINS"), std::string::npos) << where;
  EXPECT_TRUE(lists.empty());
}

TEST(AqlReferenceSets, AListSplitByAWildcardStaysInline) {
  auto [where, lists] =
      ReferenceSetWhere("  s: {UserPrincipalName|expand: '%admins%'}\n  condition: s\n");
  EXPECT_EQ(where.find("REFERENCESETCONTAINS"), std::string::npos) << where;
  EXPECT_TRUE(lists.empty());
}

}  // namespace
}  // namespace refract
