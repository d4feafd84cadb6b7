// The SPL backend: the search/where split, precedence and null guards, and lists read from
// CSV lookups through subsearches, as refract bundle deploys them.
#include <gtest/gtest.h>

#include "compiler/driver/compile.h"
#include "tests/test_util.h"

namespace refract {
namespace {

constexpr const char* kProc = "{product: windows, category: process_creation}";
constexpr const char* kSource =
    "source=\"XmlWinEventLog:Microsoft-Windows-Sysmon/Operational\" EventCode=1";

std::string Spl(const std::string& detection) {
  return testing::CompileToText(testing::RuleWithDetection(detection, kProc), {"spl"});
}

struct Case {
  const char* name;
  const char* detection;
  const char* expected;  // after the source prefix
};

class SplTest : public ::testing::TestWithParam<Case> {};

TEST_P(SplTest, Query) {
  EXPECT_EQ(Spl(GetParam().detection), std::string(kSource) + GetParam().expected + "\n");
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(
    Cases, SplTest,
    ::testing::Values(
        Case{"eq", "  s: {Image: 'C:\\x.exe'}\n  condition: s\n", " Image=\"C:\\\\x.exe\""},
        Case{"list_is_in", "  s: {Image|endswith: [a, b]}\n  condition: s\n",
             " Image IN (\"*a\", \"*b\")"},
        Case{
            "or_parenthesised_against_search_precedence",
            "  a: {Image: x}\n  b: {User: y}\n  c: {CommandLine: z}\n  condition: a and (b or c)\n",
            " Image=\"x\" (User=\"y\" OR CommandLine=\"z\")"},
        Case{"and_inside_or",
             "  a: {Image: x, User: y}\n  c: {CommandLine: z}\n  condition: a or c\n",
             " ((Image=\"x\" User=\"y\") OR CommandLine=\"z\")"},
        Case{"not_keeps_missing_fields",
             "  a: {Image: x}\n  f: {User: y}\n  condition: a and not f\n",
             " Image=\"x\" NOT (User=\"y\")"},
        Case{"quote_in_value", "  s: {CommandLine: 'a\"b'}\n  condition: s\n",
             " CommandLine=\"a\\\"b\""},
        Case{"literal_star_goes_to_where", "  s: {CommandLine: 'a\\*b'}\n  condition: s\n",
             "\n| where match('CommandLine', \"(?is)^a\\\\*b\\\\z\")"},
        Case{"single_char_wildcard_goes_to_where", "  s: {CommandLine: 'a?b'}\n  condition: s\n",
             "\n| where match('CommandLine', \"(?is)^a.b\\\\z\")"},
        Case{"regex_split_from_search",
             "  a: {Image|endswith: '\\x.exe'}\n  r: {CommandLine|re: '-e(nc)?\\s'}\n  condition: "
             "a and r\n",
             " Image=\"*\\\\x.exe\"\n| where match('CommandLine', \"-e(nc)?\\\\s\")"},
        Case{"negated_regex_keeps_missing_fields",
             "  r: {CommandLine|re: 'x'}\n  condition: not r\n",
             "\n| where NOT ((isnotnull('CommandLine') AND match('CommandLine', \"x\")))"},
        Case{"cased_is_exact", "  s: {Image|cased: X}\n  condition: s\n",
             "\n| where 'Image'==\"X\""},
        Case{"cidr_in_search", "  s: {DestinationIp|cidr: 10.0.0.0/8}\n  condition: s\n",
             " DestinationIp=\"10.0.0.0/8\""},
        Case{"exists_and_null",
             "  a: {User|exists: true}\n  b: {Image: null}\n  condition: a and b\n",
             " User=* NOT Image=*"},
        Case{"numbers_compare", "  s: {ProcessId|gte: 4}\n  condition: s\n", " ProcessId>=4"},
        Case{"fieldref", "  s: {User|fieldref: ParentUser}\n  condition: s\n",
             "\n| where lower('User')==lower('ParentUser')"}),
    CaseName);

TEST(SplUnsupported, FieldrefContainsIsAnError) {
  std::string out = Spl("  s: {User|fieldref|contains: ParentUser}\n  condition: s\n");
  EXPECT_NE(out.find("error[E0500]: target 'spl' cannot express fieldref with contains"),
            std::string::npos)
      << out;
}

// The search of `detection` over Entra ID sign-ins with lists read as lookups, and the lists
// it reads.
std::pair<std::string, std::vector<std::string>> LookupSearch(std::string_view detection) {
  auto [text, lists] = testing::CompileWithLists("spl", detection,
                                                 {{"egress", {"192.0.2.0/24", "2001:db8::/32"}},
                                                  {"users", {"a@x", "b/c@x"}},
                                                  {"quoted", {"a\"b", "c"}},
                                                  {"admins", {"root", "adm_*"}}});
  if (text.starts_with("no output")) return {text, lists};
  // The log source's own terms come first; the tests are about what follows them.
  const std::string source = "sourcetype=\"azure:monitor:aad\" category=SignInLogs ";
  if (text.starts_with(source)) text = text.substr(source.size());
  return {text, lists};
}

TEST(SplLookups, ExactStringsReadALookupThroughASubsearch) {
  auto [search, lists] =
      LookupSearch("  s: {UserPrincipalName|expand: '%users%'}\n  condition: s\n");
  EXPECT_EQ(search,
            "[| inputlookup users.csv | rename value AS properties.userPrincipalName | fields "
            "properties.userPrincipalName]");
  EXPECT_EQ(lists, std::vector<std::string>{"users"});
}

TEST(SplLookups, NetworksUnderNotReadTheLookupToo) {
  // The search command matches a CIDR term itself, so the lookup's networks need no cidrmatch.
  auto [search, lists] =
      LookupSearch("  s: {IPAddress|cidr|expand: '%egress%'}\n  condition: not s\n");
  EXPECT_EQ(search,
            "NOT ([| inputlookup egress.csv | rename value AS properties.ipAddress | fields "
            "properties.ipAddress])");
  EXPECT_EQ(lists, std::vector<std::string>{"egress"});
}

TEST(SplLookups, ValuesASearchTermCannotHoldStayInline) {
  auto [search, lists] =
      LookupSearch("  s: {UserPrincipalName|expand: '%quoted%'}\n  condition: s\n");
  EXPECT_EQ(search.find("inputlookup"), std::string::npos) << search;
  EXPECT_NE(search.find("\"a\\\"b\""), std::string::npos) << search;
  EXPECT_TRUE(lists.empty());
}

TEST(SplLookups, AListSplitByAWildcardStaysInline) {
  auto [search, lists] =
      LookupSearch("  s: {UserPrincipalName|expand: '%admins%'}\n  condition: s\n");
  EXPECT_EQ(search.find("inputlookup"), std::string::npos) << search;
  EXPECT_TRUE(lists.empty());
}

TEST(SplLookups, CasedMatchStaysInlineInWhere) {
  // A subsearch's terms are case-insensitive search terms; |cased needs where's ==.
  auto [search, lists] =
      LookupSearch("  s: {UserPrincipalName|cased|expand: '%users%'}\n  condition: s\n");
  EXPECT_EQ(search.find("inputlookup"), std::string::npos) << search;
  EXPECT_NE(search.find("| where"), std::string::npos) << search;
  EXPECT_TRUE(lists.empty());
}

}  // namespace
}  // namespace refract
