// Sumo Logic reading |expand lists from lookup tables, as refract bundle deploys them.
#include <gtest/gtest.h>

#include "compiler/driver/compile.h"
#include "tests/test_util.h"

namespace refract {
namespace {

// The where expression of `detection` over Entra ID sign-ins with lists read from lookup
// tables, and the lists the search reads.
std::pair<std::string, std::vector<std::string>> LookupWhere(std::string_view detection) {
  auto [text, lists] = testing::CompileWithLists("sumo", detection,
                                                 {{"users", {"A@x", "b@x"}},
                                                  {"accented", {"\xc3\x89lise@x", "b@x"}},
                                                  {"admins", {"root", "adm_*"}}});
  if (text.starts_with("no output")) return {text, lists};
  size_t where = text.find("\n| where ");
  return {where == std::string::npos ? text : text.substr(where + 9), lists};
}

TEST(SumoLookupTables, ListsReadTheTableInTheLookupFolder) {
  auto [where, lists] = LookupWhere("  s: {UserPrincipalName|expand: '%users%'}\n  condition: s\n");
  EXPECT_EQ(where,
            "lookupContains(path://\"/Library/Admin Recommended/refract/users\", "
            "properties_userPrincipalName=value)");
  EXPECT_EQ(lists, std::vector<std::string>{"users"});
}

TEST(SumoLookupTables, UnderNotAMissingFieldStillPasses) {
  auto [where, lists] =
      LookupWhere("  s: {UserPrincipalName|expand: '%users%'}\n  condition: not s\n");
  EXPECT_EQ(where,
            "!((!isEmpty(properties_userPrincipalName) and lookupContains(path://\"/Library/"
            "Admin Recommended/refract/users\", properties_userPrincipalName=value)))");
}

TEST(SumoLookupTables, CasedMatchesStayInline) {
  // lookupContains() ignores case.
  auto [where, lists] =
      LookupWhere("  s: {UserPrincipalName|cased|expand: '%users%'}\n  condition: s\n");
  EXPECT_EQ(where.find("lookupContains"), std::string::npos) << where;
  EXPECT_TRUE(lists.empty());
}

TEST(SumoLookupTables, LettersAsciiFoldingMissesStayInline) {
  auto [where, lists] =
      LookupWhere("  s: {UserPrincipalName|expand: '%accented%'}\n  condition: s\n");
  EXPECT_EQ(where.find("lookupContains"), std::string::npos) << where;
  EXPECT_TRUE(lists.empty());
}

TEST(SumoLookupTables, AListSplitByAWildcardStaysInline) {
  auto [where, lists] =
      LookupWhere("  s: {UserPrincipalName|expand: '%admins%'}\n  condition: s\n");
  EXPECT_EQ(where.find("lookupContains"), std::string::npos) << where;
  EXPECT_TRUE(lists.empty());
}

}  // namespace
}  // namespace refract
