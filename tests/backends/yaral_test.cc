// YARA-L reading |expand lists from SecOps reference lists, as refract bundle deploys them.
#include <gtest/gtest.h>

#include "compiler/driver/compile.h"
#include "tests/test_util.h"

namespace refract {
namespace {

// The events line of `detection` over Entra ID sign-ins with lists read as reference lists,
// and the lists the rule reads.
std::pair<std::string, std::vector<std::string>> ReferenceListEvents(std::string_view detection) {
  auto [text, lists] = testing::CompileWithLists("yaral", detection,
                                                 {{"egress", {"192.0.2.0/24", "2001:db8::/32"}},
                                                  {"users", {"a@x", "b/c@x"}},
                                                  {"admins", {"root", "adm_*"}}});
  if (text.starts_with("no output")) return {text, lists};
  size_t events = text.find("  events:\n");
  size_t end = text.find("\n\n", events);
  std::string last = text.substr(events, end - events);
  last = last.substr(last.rfind('\n') + 5);
  // The log source's own conditions come first; the tests are about what follows them.
  const std::string source =
      "$e.metadata.event_type = \"USER_LOGIN\" and $e.metadata.log_type = \"AZURE_AD\" and ";
  if (last.starts_with(source)) last = last.substr(source.size());
  return {last, lists};
}

TEST(YaralReferenceLists, ExactStringsReadAStringListWithoutCase) {
  auto [events, lists] =
      ReferenceListEvents("  s: {UserPrincipalName|expand: '%users%'}\n  condition: s\n");
  EXPECT_EQ(events, "$e.target.user.userid in %users nocase");
  EXPECT_EQ(lists, std::vector<std::string>{"users"});
}

TEST(YaralReferenceLists, NetworksReadACidrListOfTheirOwnUnderNot) {
  auto [events, lists] =
      ReferenceListEvents("  s: {IPAddress|cidr|expand: '%egress%'}\n  condition: not s\n");
  EXPECT_EQ(events, "not ($e.principal.ip in cidr %egress_cidr)");
  EXPECT_EQ(lists, std::vector<std::string>{"cidr:egress"});
}

TEST(YaralReferenceLists, AListSplitByAWildcardStaysInline) {
  auto [events, lists] =
      ReferenceListEvents("  s: {UserPrincipalName|expand: '%admins%'}\n  condition: s\n");
  EXPECT_EQ(events.find(" in %"), std::string::npos) << events;
  EXPECT_TRUE(lists.empty());
}

TEST(YaralReferenceLists, ThirdCidrStatementStaysInline) {
  // The Detection Engine allows two `in cidr` statements a rule.
  auto [events, lists] = ReferenceListEvents(
      "  a: {IPAddress|cidr|expand: '%egress%'}\n  b: {ClientIP|cidr|expand: '%egress%'}\n"
      "  c: {AppId|cidr|expand: '%egress%'}\n  condition: a or b or c\n");
  EXPECT_EQ(lists, std::vector<std::string>{"cidr:egress"});
  size_t uses = 0;
  for (size_t at = events.find("in cidr %"); at != std::string::npos;
       at = events.find("in cidr %", at + 1)) {
    ++uses;
  }
  EXPECT_EQ(uses, 2u) << events;
  EXPECT_NE(events.find("net.ip_in_range_cidr("), std::string::npos) << events;
}

}  // namespace
}  // namespace refract
