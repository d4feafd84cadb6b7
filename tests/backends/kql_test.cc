// The KQL backend: Sigma semantics spelled in KQL, one table row per construct.
#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace refract {
namespace {

using testing::KqlWhere;

// A log source with no declared columns (a custom-log table): fields of any name and of unknown
// type, without the W0402 that a Defender XDR table gives a column it lacks.
constexpr const char* kCustom = "{product: acme}";

struct Case {
  const char* name;
  const char* detection;
  const char* expected_where;
  const char* logsource = "{product: windows, category: process_creation}";
};

class KqlTest : public ::testing::TestWithParam<Case> {};

TEST_P(KqlTest, Where) {
  EXPECT_EQ(KqlWhere(GetParam().detection, GetParam().logsource), GetParam().expected_where);
}

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

// Process creation maps to DeviceProcessEvents: CommandLine → ProcessCommandLine,
// Image → FolderPath, ProcessId is a long column.
INSTANTIATE_TEST_SUITE_P(
    Strings, KqlTest,
    ::testing::Values(
        Case{"eq_is_case_insensitive", "  s: {CommandLine: whoami}\n  condition: s\n",
             "ProcessCommandLine =~ \"whoami\""},
        Case{"list_is_in", "  s: {CommandLine: [a, b]}\n  condition: s\n",
             "ProcessCommandLine in~ (\"a\", \"b\")"},
        Case{"cased_eq", "  s: {CommandLine|cased: Foo}\n  condition: s\n",
             "ProcessCommandLine == \"Foo\""},
        Case{"cased_list", "  s: {CommandLine|cased: [A, B]}\n  condition: s\n",
             "ProcessCommandLine in (\"A\", \"B\")"},
        Case{"contains", "  s: {CommandLine|contains: x}\n  condition: s\n",
             "ProcessCommandLine contains \"x\""},
        Case{"contains_cased", "  s: {CommandLine|contains|cased: X}\n  condition: s\n",
             "ProcessCommandLine contains_cs \"X\""},
        Case{"startswith", "  s: {Image|startswith: 'C:\\Windows\\'}\n  condition: s\n",
             "FolderPath startswith \"C:\\\\Windows\\\\\""},
        Case{"endswith", "  s: {Image|endswith: '\\cmd.exe'}\n  condition: s\n",
             "FolderPath endswith \"\\\\cmd.exe\""},
        Case{"contains_any", "  s: {CommandLine|contains: [a, b]}\n  condition: s\n",
             "(ProcessCommandLine contains \"a\" or ProcessCommandLine contains \"b\")"},
        Case{"contains_all", "  s: {CommandLine|contains|all: [a, b]}\n  condition: s\n",
             "(ProcessCommandLine contains \"a\" and ProcessCommandLine contains \"b\")"},
        Case{"inner_wildcard_is_regex", "  s: {CommandLine: 'a*b?c'}\n  condition: s\n",
             "ProcessCommandLine matches regex \"(?is)^a.*b.c$\""},
        Case{"wildcard_cased", "  s: {CommandLine|cased: 'a*b'}\n  condition: s\n",
             "ProcessCommandLine matches regex \"(?s)^a.*b$\""},
        Case{"escaped_star_is_literal", "  s: {CommandLine: 'a\\*'}\n  condition: s\n",
             "ProcessCommandLine =~ \"a*\""},
        Case{"regex_metachars_escaped_in_wildcard",
             "  s: {CommandLine: '*.exe (x86)*[1]'}\n  condition: s\n",
             "ProcessCommandLine matches regex \"(?is)^.*\\\\.exe \\\\(x86\\\\).*\\\\[1\\\\]$\""},
        Case{"empty_string", "  s: {CommandLine: ''}\n  condition: s\n",
             "ProcessCommandLine =~ \"\""},
        Case{"non_ascii_letters_fold_by_regex",
             "  s: {CommandLine|contains: 'Ärger'}\n  condition: s\n",
             "ProcessCommandLine matches regex \"(?is)^.*Ärger.*$\""},
        Case{"non_ascii_caseless_stays_contains",
             "  s: {CommandLine|contains: ' \xE2\x80\x93x'}\n  condition: s\n",
             "ProcessCommandLine contains \" \xE2\x80\x93x\""},
        Case{"windash", "  s: {CommandLine|windash|contains: ' -f'}\n  condition: s\n",
             "(ProcessCommandLine contains \" -f\" or ProcessCommandLine contains \" /f\" or "
             "ProcessCommandLine contains \" \xE2\x80\x93"
             "f\" or ProcessCommandLine contains \" "
             "\xE2\x80\x94"
             "f\" or ProcessCommandLine contains \" \xE2\x80\x95"
             "f\")"},
        Case{"unmapped_field_passes_through", "  s: {SomeField: x}\n  condition: s\n",
             "SomeField =~ \"x\"", kCustom},
        Case{"dotted_field_is_dynamic_path", "  s: {Props.user.name: x}\n  condition: s\n",
             "tostring(Props.user.name) =~ \"x\"", kCustom},
        Case{"odd_field_name_quoted", "  s: {'my field': x}\n  condition: s\n",
             "['my field'] =~ \"x\"", kCustom},
        Case{"keyword_field_name_quoted", "  s: {where: x}\n  condition: s\n", "['where'] =~ \"x\"",
             kCustom}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Escaping, KqlTest,
    ::testing::Values(Case{"double_quote", "  s: {CommandLine: 'say \"hi\"'}\n  condition: s\n",
                           "ProcessCommandLine =~ \"say \\\"hi\\\"\""},
                      Case{"single_quote", "  s: {CommandLine: \"it's\"}\n  condition: s\n",
                           "ProcessCommandLine =~ \"it's\""},
                      Case{"backslashes", "  s: {CommandLine: 'a\\b\\\\c'}\n  condition: s\n",
                           "ProcessCommandLine =~ \"a\\\\b\\\\c\""},
                      Case{"trailing_backslash_cannot_end_literal",
                           "  s: {CommandLine|endswith: 'x\\'}\n  condition: s\n",
                           "ProcessCommandLine endswith \"x\\\\\""},
                      Case{"newline_tab_return",
                           "  s: {CommandLine: \"a\\nb\\tc\\rd\"}\n  condition: s\n",
                           "ProcessCommandLine =~ \"a\\nb\\tc\\rd\""},
                      Case{"control_character", "  s: {CommandLine: \"a\\x01b\"}\n  condition: s\n",
                           "ProcessCommandLine =~ \"a\\u0001b\""},
                      Case{"pipe_and_semicolon", "  s: {CommandLine: 'a | b; c'}\n  condition: s\n",
                           "ProcessCommandLine =~ \"a | b; c\""},
                      Case{"regex_in_literal",
                           "  s: {CommandLine|re: 'a\"b\\\\d'}\n  condition: s\n",
                           "ProcessCommandLine matches regex \"a\\\"b\\\\\\\\d\""},
                      Case{"unicode", "  s: {CommandLine|cased: '日本語'}\n  condition: s\n",
                           "ProcessCommandLine == \"日本語\""}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Types, KqlTest,
    ::testing::Values(
        Case{"number_on_long_column", "  s: {ProcessId: 4}\n  condition: s\n", "ProcessId == 4"},
        Case{"number_on_unknown_column", "  s: {Level: 4}\n  condition: s\n",
             "tostring(Level) == \"4\"", kCustom},
        Case{"numbers_list", "  s: {ProcessId: [4, 8]}\n  condition: s\n", "ProcessId in (4, 8)"},
        Case{"string_op_on_number_column", "  s: {ProcessId|startswith: '12'}\n  condition: s\n",
             "tostring(ProcessId) startswith \"12\""},
        Case{"hex_text_on_long_column", "  s: {LogonId: '0x3e7'}\n  condition: s\n",
             "LogonId == 999"},
        Case{"decimal_texts_on_long_column", "  s: {ProcessId: ['4', '8']}\n  condition: s\n",
             "ProcessId in (4, 8)"},
        Case{"bool_unknown_type", "  s: {Flag: true}\n  condition: s\n",
             "tostring(Flag) =~ \"true\"", kCustom},
        Case{"lt_on_long", "  s: {ProcessId|lt: 10}\n  condition: s\n", "ProcessId < 10"},
        Case{"gte_on_unknown", "  s: {Size|gte: 1.5}\n  condition: s\n", "toreal(Size) >= 1.5",
             kCustom},
        Case{"negated_compare_keeps_missing", "  s: {Size|gt: 5}\n  condition: not s\n",
             "not(coalesce(toreal(Size) > 5, false))", kCustom},
        Case{"hour_of_datetime_column", "  s: {Timestamp|hour: 3}\n  condition: s\n",
             "datetime_part(\"hour\", Timestamp) == 3"},
        Case{"week", "  s: {Timestamp|week|lt: 10}\n  condition: s\n",
             "datetime_part(\"week_of_year\", todatetime(Timestamp)) < 10", kCustom}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Special, KqlTest,
    ::testing::Values(
        Case{"null", "  s: {CommandLine: null}\n  condition: s\n", "isempty(ProcessCommandLine)"},
        Case{"not_null", "  s: {CommandLine: null}\n  condition: not s\n",
             "not(isempty(ProcessCommandLine))"},
        Case{"exists", "  s: {CommandLine|exists: true}\n  condition: s\n",
             "isnotempty(ProcessCommandLine)"},
        Case{"not_exists", "  s: {CommandLine|exists: false}\n  condition: s\n",
             "isempty(ProcessCommandLine)"},
        Case{"cidr_v4", "  s: {Ip|cidr: 10.0.0.0/8}\n  condition: s\n",
             "ipv4_is_in_range(Ip, \"10.0.0.0/8\")", kCustom},
        Case{"cidr_list",
             "  s: {Ip|cidr: [10.0.0.0/8, '::1/128', 192.168.0.0/16]}\n  condition: s\n",
             "(ipv4_is_in_any_range(Ip, \"10.0.0.0/8\", \"192.168.0.0/16\") or "
             "ipv6_is_in_range(Ip, \"::1/128\"))",
             kCustom},
        Case{"not_cidr_keeps_non_addresses", "  s: {Ip|cidr: 10.0.0.0/8}\n  condition: not s\n",
             "not(coalesce(ipv4_is_in_range(Ip, \"10.0.0.0/8\"), false))", kCustom},
        Case{"regex", "  s: {CommandLine|re: '^a\\d+$'}\n  condition: s\n",
             // RE2's $ is the end of the text; PCRE's also matches before a final line feed.
             "ProcessCommandLine matches regex \"^a\\\\d+\\\\n?$\""},
        Case{"regex_flags", "  s: {CommandLine|re|i|s: 'a.b'}\n  condition: s\n",
             "ProcessCommandLine matches regex \"(?is)a.b\""},
        Case{"regex_lookahead_unsupported", "  s: {CommandLine|re: 'a(?=b)'}\n  condition: s\n",
             "rule.yml:4:7: error[E0500]: target 'kql' cannot express the regex construct "
             "lookahead (?=...) (KQL uses the Rust regex engine)\n"
             "    4 |   s: {CommandLine|re: 'a(?=b)'}\n"
             "      |       ^^^^^^^^^^^\n"
             "  = rule 'Test rule' has no kql query\n"},
        Case{"fieldref", "  s: {CommandLine|fieldref: ParentCommandLine}\n  condition: s\n",
             "ProcessCommandLine =~ InitiatingProcessCommandLine"},
        Case{"fieldref_contains", "  s: {CommandLine|fieldref|contains: Image}\n  condition: s\n",
             "ProcessCommandLine contains FolderPath"},
        Case{"keyword", "  k: [mimikatz]\n  condition: k\n", "* contains \"mimikatz\""},
        Case{"keyword_wildcard", "  k: ['sekur*logon']\n  condition: k\n",
             "* matches regex \"(?is)^.*sekur.*logon.*$\""},
        Case{"keyword_cased", "  k:\n    '|cased': [Mimi]\n  condition: k\n",
             "* contains_cs \"Mimi\""}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Logic, KqlTest,
    ::testing::Values(
        Case{
            "or_inside_and_is_parenthesised",
            "  a: {CommandLine: x}\n  b: {Image: y}\n  c: {User: z}\n  condition: a and (b or c)\n",
            "ProcessCommandLine =~ \"x\" and (FolderPath =~ \"y\" or AccountName =~ \"z\")"},
        Case{"and_inside_or",
             "  a: {CommandLine: x, Image: y}\n  c: {User: z}\n  condition: a or c\n",
             "(ProcessCommandLine =~ \"x\" and FolderPath =~ \"y\") or AccountName =~ \"z\""},
        Case{"not_of_or",
             "  a: {CommandLine: x}\n  f1: {Image: y}\n  f2: {User: z}\n  condition: a and not 1 "
             "of f*\n",
             "ProcessCommandLine =~ \"x\" and not(FolderPath =~ \"y\" or AccountName =~ \"z\")"},
        Case{"same_field_or_folds_to_in",
             "  a: {CommandLine: x}\n  b: {CommandLine: y}\n  condition: a or b\n",
             "ProcessCommandLine in~ (\"x\", \"y\")"},
        Case{"duplicate_dropped", "  a: {CommandLine: x}\n  condition: a or a\n",
             "ProcessCommandLine =~ \"x\""}),
    CaseName);

TEST(KqlSources, SigninLogsTableAndTypes) {
  EXPECT_EQ(KqlWhere("  s: {ResultType: 50126}\n  condition: s\n",
                     "{product: azure, service: signinlogs}"),
            "ResultType == \"50126\"");
}

TEST(KqlSources, SecurityEventIntegerColumns) {
  EXPECT_EQ(KqlWhere("  s: {EventID: 4625, LogonType: 3}\n  condition: s\n",
                     "{product: windows, service: security}"),
            "EventID == 4625 and LogonType == 3");
}

TEST(KqlSources, FilterOfLogSourceIsAndedIn) {
  EXPECT_EQ(KqlWhere("  s: {Operation: New-InboxRule}\n  condition: s\n",
                     "{product: m365, service: exchange}"),
            "OfficeWorkload == \"Exchange\" and Operation =~ \"New-InboxRule\"");
}

TEST(KqlSources, WholeQueryStartsWithTable) {
  std::string text = testing::CompileToText(testing::RuleWithDetection(
      "  s: {EventID: 4624}\n  condition: s\n", "{product: windows, service: security}"));
  EXPECT_EQ(text, "SecurityEvent\n| where EventID == 4624\n");
}

}  // namespace
}  // namespace refract

namespace refract {
namespace {

// The where clause of `detection` over SigninLogs with placeholder lists read as Sentinel
// watchlists (refract bundle's default), and the lists the query reads.
std::pair<std::string, std::vector<std::string>> WatchlistWhere(std::string_view detection) {
  auto [text, lists] = testing::CompileWithLists("kql", detection,
                                                 {{"egress", {"192.0.2.0/24", "2001:db8::/32"}},
                                                  {"asns", {"1442", "3223"}},
                                                  {"admins", {"root", "adm_*"}},
                                                  {"users", {"a@x", "b@x"}}});
  if (text.starts_with("no output")) return {text, lists};
  return {text.substr(text.find("| where ") + 8), lists};
}

TEST(KqlWatchlists, ExactValuesReadTheWatchlistsSearchKey) {
  auto [where, lists] =
      WatchlistWhere("  s: {UserPrincipalName|expand: '%users%'}\n  condition: s\n");
  EXPECT_EQ(where, "UserPrincipalName in~ ((_GetWatchlist(\"users\") | project SearchKey))");
  EXPECT_EQ(lists, std::vector<std::string>{"users"});
}

TEST(KqlWatchlists, CasedValuesCompareCaseSensitively) {
  auto [where, lists] =
      WatchlistWhere("  s: {UserPrincipalName|cased|expand: '%users%'}\n  condition: s\n");
  EXPECT_EQ(where, "UserPrincipalName in ((_GetWatchlist(\"users\") | project SearchKey))");
}

TEST(KqlWatchlists, NetworksOfBothFamiliesUnderNot) {
  auto [where, lists] =
      WatchlistWhere("  s: {IPAddress|cidr|expand: '%egress%'}\n  condition: not s\n");
  EXPECT_EQ(where,
            "not((coalesce(ipv4_is_in_any_range(IPAddress, toscalar(_GetWatchlist(\"egress\") | "
            "where SearchKey !contains \":\" | summarize make_list(SearchKey))), false) or "
            "coalesce(ipv6_is_in_any_range(IPAddress, toscalar(_GetWatchlist(\"egress\") | where "
            "SearchKey contains \":\" | summarize make_list(SearchKey))), false)))");
}

TEST(KqlWatchlists, AListSplitByAWildcardStaysInline) {
  auto [where, lists] =
      WatchlistWhere("  s: {UserPrincipalName|expand: '%admins%'}\n  condition: s\n");
  EXPECT_EQ(where, "UserPrincipalName =~ \"root\" or UserPrincipalName startswith \"adm_\"");
  EXPECT_TRUE(lists.empty());
}

TEST(KqlWatchlists, SubstringMatchesStayInline) {
  auto [where, lists] =
      WatchlistWhere("  s: {UserPrincipalName|contains|expand: '%users%'}\n  condition: s\n");
  EXPECT_EQ(where, "(UserPrincipalName contains \"a@x\" or UserPrincipalName contains \"b@x\")");
  EXPECT_TRUE(lists.empty());
}

}  // namespace
}  // namespace refract
