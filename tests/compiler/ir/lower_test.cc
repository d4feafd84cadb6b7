// Every value modifier and condition form, lowered to IR and printed.
#include "compiler/ir/lower.h"

#include <gtest/gtest.h>

#include "compiler/load/loader.h"
#include "compiler/parse/rule_parser.h"
#include "tests/test_util.h"

namespace refract::ir {
namespace {

std::string LowerToText(const std::string& detection, const Placeholders* placeholders = nullptr) {
  Diagnostics diagnostics;
  auto doc = LoadRuleText("rule.yml", testing::RuleWithDetection(detection), diagnostics);
  std::string out;
  if (doc) {
    auto rules = ParseRules(*doc, diagnostics);
    LowerOptions options;
    options.placeholders = placeholders;
    if (!rules.empty()) {
      auto rule = Lower(rules[0], options, diagnostics);
      if (rule) out = Print(rule->condition);
    }
  }
  for (const auto& d : diagnostics.all()) {
    out += d.code + " " + std::to_string(d.location.line) + ":" +
           std::to_string(d.location.column) + " " + d.message + "\n";
  }
  return out;
}

struct Case {
  const char* name;
  const char* detection;
  const char* expected;
};

class LowerTest : public ::testing::TestWithParam<Case> {};

TEST_P(LowerTest, Prints) { EXPECT_EQ(LowerToText(GetParam().detection), GetParam().expected); }

std::string CaseName(const ::testing::TestParamInfo<Case>& info) { return info.param.name; }

INSTANTIATE_TEST_SUITE_P(
    Values, LowerTest,
    ::testing::Values(Case{"plain", "  s: {A: foo}\n  condition: s\n", "eq A \"foo\"\n"},
                      Case{"map_is_and", "  s: {A: x, B: y}\n  condition: s\n",
                           "and\n  eq A \"x\"\n  eq B \"y\"\n"},
                      Case{"list_is_or", "  s: {A: [x, y]}\n  condition: s\n",
                           "or\n  eq A \"x\"\n  eq A \"y\"\n"},
                      Case{"list_of_maps_is_or", "  s:\n    - A: x\n    - B: y\n  condition: s\n",
                           "or\n  eq A \"x\"\n  eq B \"y\"\n"},
                      Case{"number", "  s: {EventID: 4625}\n  condition: s\n", "eq EventID 4625\n"},
                      Case{"quoted_number_is_text", "  s: {EventID: '4625'}\n  condition: s\n",
                           "eq EventID \"4625\"\n"},
                      Case{"hex_stays_text", "  s: {Status: 0xC000006A}\n  condition: s\n",
                           "eq Status \"0xC000006A\"\n"},
                      Case{"bool", "  s: {Enabled: true}\n  condition: s\n", "eq Enabled true\n"},
                      Case{"null", "  s: {A: null}\n  condition: s\n", "null A\n"},
                      Case{"empty_string", "  s: {A: ''}\n  condition: s\n", "eq A \"\"\n"},
                      Case{"wildcards", "  s: {A: 'a*b?c'}\n  condition: s\n",
                           "wildcard A \"a*b?c\"\n"},
                      Case{"star_prefix_is_endswith", "  s: {A: '*.exe'}\n  condition: s\n",
                           "endswith A \".exe\"\n"},
                      Case{"escaped_wildcards_are_literal",
                           "  s: {A: 'a\\*b\\?c'}\n  condition: s\n", "eq A \"a\\*b\\?c\"\n"},
                      Case{"escaped_backslash_then_wildcard",
                           "  s: {A: 'C:\\\\*'}\n  condition: s\n", "startswith A \"C:\\\\\"\n"},
                      Case{"lone_backslash_kept", "  s: {A: 'C:\\Windows\\x'}\n  condition: s\n",
                           "eq A \"C:\\\\Windows\\\\x\"\n"},
                      Case{"keywords", "  keywords: [foo, 'b*r']\n  condition: keywords\n",
                           "or\n  contains <keyword> \"foo\"\n  wildcard <keyword> \"*b*r*\"\n"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Modifiers, LowerTest,
    ::testing::Values(
        Case{"contains", "  s: {A|contains: x}\n  condition: s\n", "contains A \"x\"\n"},
        Case{"startswith", "  s: {A|startswith: x}\n  condition: s\n", "startswith A \"x\"\n"},
        Case{"endswith", "  s: {A|endswith: x}\n  condition: s\n", "endswith A \"x\"\n"},
        Case{"contains_keeps_inner_wildcard", "  s: {A|contains: 'a*b'}\n  condition: s\n",
             "wildcard A \"*a*b*\"\n"},
        Case{"contains_number_is_text", "  s: {A|contains: 42}\n  condition: s\n",
             "contains A \"42\"\n"},
        Case{"all", "  s: {A|contains|all: [x, y]}\n  condition: s\n",
             "and\n  contains A \"x\"\n  contains A \"y\"\n"},
        Case{"cased", "  s: {A|cased: Foo}\n  condition: s\n", "eq/cased A \"Foo\"\n"},
        Case{"neq", "  s: {A|neq: [x, y]}\n  condition: s\n",
             "not\n  or\n    eq A \"x\"\n    eq A \"y\"\n"},
        Case{"exists", "  s: {A|exists: false}\n  condition: s\n", "exists A false\n"},
        Case{"windash", "  s: {A|windash|contains: ' -enc'}\n  condition: s\n",
             "or\n  contains A \" -enc\"\n  contains A \" /enc\"\n  contains A \" \xE2\x80\x93"
             "enc\"\n  contains A \" \xE2\x80\x94"
             "enc\"\n  contains A \" \xE2\x80\x95"
             "enc\"\n"},
        Case{"windash_only_at_word_start", "  s: {A|windash: 'a-b'}\n  condition: s\n",
             "eq A \"a-b\"\n"},
        Case{"re", "  s: {A|re: 'a.*b'}\n  condition: s\n", "regex A /a.*b/\n"},
        Case{"re_flags", "  s: {A|re|i|m|s: '^a$'}\n  condition: s\n", "regex A /^a$/ims\n"},
        Case{"re_long_flags", "  s: {A|re|ignorecase|dotall: 'x'}\n  condition: s\n",
             "regex A /x/is\n"},
        Case{"base64", "  s: {A|base64: 'http://'}\n  condition: s\n", "eq A \"aHR0cDovLw==\"\n"},
        Case{"base64offset_contains",
             "  s: {A|base64offset|contains: '/bin/bash'}\n  condition: s\n",
             "or\n  contains A \"L2Jpbi9iYXNo\"\n  contains A \"9iaW4vYmFza\"\n  contains A "
             "\"vYmluL2Jhc2\"\n"},
        Case{"utf16le_base64", "  s: {A|utf16le|base64: 'ab'}\n  condition: s\n",
             "eq A \"YQBiAA==\"\n"},
        Case{"wide_base64", "  s: {A|wide|base64: 'ab'}\n  condition: s\n", "eq A \"YQBiAA==\"\n"},
        Case{"utf16be_base64", "  s: {A|utf16be|base64: 'ab'}\n  condition: s\n",
             "eq A \"AGEAYg==\"\n"},
        Case{"utf16_bom_base64", "  s: {A|utf16|base64: 'ab'}\n  condition: s\n",
             "eq A \"//5hAGIA\"\n"},
        Case{"lt", "  s: {A|lt: 5}\n  condition: s\n", "lt A 5\n"},
        Case{"lte", "  s: {A|lte: 5}\n  condition: s\n", "lte A 5\n"},
        Case{"gt", "  s: {A|gt: 5.5}\n  condition: s\n", "gt A 5.5\n"},
        Case{"gte", "  s: {A|gte: '5'}\n  condition: s\n", "gte A 5\n"},
        Case{"hour", "  s: {T|hour: 3}\n  condition: s\n", "eq T[hour] 3\n"},
        Case{"minute", "  s: {T|minute: 3}\n  condition: s\n", "eq T[minute] 3\n"},
        Case{"day", "  s: {T|day: 3}\n  condition: s\n", "eq T[day] 3\n"},
        Case{"week", "  s: {T|week: 3}\n  condition: s\n", "eq T[week] 3\n"},
        Case{"month", "  s: {T|month: 3}\n  condition: s\n", "eq T[month] 3\n"},
        Case{"year", "  s: {T|year: 2024}\n  condition: s\n", "eq T[year] 2024\n"},
        Case{"hour_gte", "  s: {T|hour|gte: 22}\n  condition: s\n", "gte T[hour] 22\n"},
        Case{"cidr_v4", "  s: {Ip|cidr: 10.0.0.0/8}\n  condition: s\n",
             "cidr Ip ipv4:10.0.0.0/8\n"},
        Case{"cidr_v6", "  s: {Ip|cidr: '2001:db8::/32'}\n  condition: s\n",
             "cidr Ip ipv6:2001:db8::/32\n"},
        Case{"fieldref", "  s: {A|fieldref: B}\n  condition: s\n", "eq A field:B\n"},
        Case{"fieldref_endswith", "  s: {A|fieldref|endswith: B}\n  condition: s\n",
             "endswith A field:B\n"},
        Case{"expand_unresolved", "  s: {A|expand: '%admins%'}\n  condition: s\n",
             "E0209 4:18 placeholder '%admins%' has no values\n"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Conditions, LowerTest,
    ::testing::Values(
        Case{"one_of_pattern",
             "  sel_a: {A: x}\n  sel_b: {B: y}\n  other: {C: z}\n  condition: 1 of sel_*\n",
             "or\n  eq A \"x\"\n  eq B \"y\"\n"},
        Case{"all_of_them_skips_underscore",
             "  a: {A: x}\n  _b: {B: y}\n  c: {C: z}\n  condition: all of them\n",
             "and\n  eq A \"x\"\n  eq C \"z\"\n"},
        Case{"not", "  a: {A: x}\n  f: {B: y}\n  condition: a and not f\n",
             "and\n  eq A \"x\"\n  not\n    eq B \"y\"\n"},
        Case{"condition_list_is_or", "  a: {A: x}\n  b: {B: y}\n  condition: [a, b]\n",
             "or\n  eq A \"x\"\n  eq B \"y\"\n"}),
    CaseName);

INSTANTIATE_TEST_SUITE_P(
    Errors, LowerTest,
    ::testing::Values(
        Case{"unknown_modifier", "  s: {A|contans: x}\n  condition: s\n",
             "E0203 4:9 unknown modifier 'contans'\n"},
        Case{"regex_invalid", "  s: {A|re: 'a(b'}\n  condition: s\n",
             "E0206 4:15 invalid regex: unclosed '(' in regex\n"},
        Case{"regex_flag_without_re", "  s: {A|i: x}\n  condition: s\n",
             "E0205 4:9 modifier 'i' applies only after 're'\n"},
        Case{"gt_on_text", "  s: {A|gt: abc}\n  condition: s\n",
             "E0204 4:13 modifier 'gt' needs a number, got text\n"},
        Case{"exists_on_text", "  s: {A|exists: maybe}\n  condition: s\n",
             "E0204 4:17 modifier 'exists' needs true or false, got text\n"},
        Case{"cidr_invalid", "  s: {A|cidr: 10.0.0.0/33}\n  condition: s\n",
             "E0207 4:15 invalid cidr network '10.0.0.0/33'\n"},
        Case{"cidr_on_number", "  s: {A|cidr: 10}\n  condition: s\n",
             "E0204 4:15 modifier 'cidr' needs a network like 10.0.0.0/8, got a number\n"},
        Case{"two_string_ops", "  s: {A|contains|endswith: x}\n  condition: s\n",
             "E0205 4:18 modifier 'endswith' conflicts with an earlier contains, startswith or "
             "endswith\n"},
        Case{"re_with_contains", "  s: {A|re|contains: x}\n  condition: s\n",
             "E0205 4:9 contains, startswith and endswith apply to plain strings, not to re, "
             "cidr, exists or numeric modifiers\n"},
        Case{"utf16_without_base64", "  s: {A|utf16le: x}\n  condition: s\n",
             "E0205 4:9 utf16 encodings must be followed by 'base64' or 'base64offset'\n"},
        Case{"base64offset_wildcard", "  s: {A|base64offset: 'a*'}\n  condition: s\n",
             "E0204 4:24 'base64offset' cannot encode a value with wildcards\n"},
        Case{"contains_on_bool", "  s: {A|contains: true}\n  condition: s\n",
             "E0204 4:19 modifier 'contains' needs text, got a boolean\n"},
        Case{"null_with_modifier", "  s: {A|contains: null}\n  condition: s\n",
             "E0204 4:19 a null value takes no modifiers except 'neq'\n"},
        Case{"undefined_identifier", "  sel: {A: x}\n  condition: sel and filtr\n",
             "E0301 5:22 condition names 'filtr', which is not a search identifier of this "
             "detection\n"},
        Case{"pattern_matches_nothing", "  sel: {A: x}\n  condition: 1 of filter*\n",
             "E0302 5:14 'filter*' matches no search identifier\n"},
        Case{"two_of", "  sel: {A: x}\n  condition: 2 of sel*\n",
             "E0305 5:14 '2 of' is not sigma; use '1 of' or 'all of'\n"},
        Case{"empty_list", "  s: {A: []}\n  condition: s\n", "E0202 4:10 empty list of values\n"},
        Case{"no_condition", "  s: {A: x}\n", "E0201 4:3 detection has no 'condition'\n"},
        Case{"keyword_with_cidr", "  k:\n    '|cidr': [10.0.0.0/8]\n  condition: k\n",
             "E0205 5:7 keyword searches have no field; only string and re modifiers apply\n"}),
    CaseName);

TEST(LowerPlaceholders, ExpandUsesConfiguredValues) {
  Placeholders placeholders = {{"admins", {"root", "adm_*"}}};
  // Each predicate remembers the list it came from; a target reads a list from the platform
  // only where one predicate holds all of it (here the wildcard splits it in two).
  EXPECT_EQ(LowerToText("  s: {A|expand: '%admins%'}\n  condition: s\n", &placeholders),
            "or\n  eq A %admins%: \"root\"\n  startswith A %admins%: \"adm_\"\n");
}

TEST(LowerPlaceholders, ExpandedNetworksKeepTheirList) {
  Placeholders placeholders = {{"egress", {"192.0.2.0/24", "2001:db8::/32"}}};
  EXPECT_EQ(LowerToText("  s: {IP|cidr|expand: '%egress%'}\n  condition: s\n", &placeholders),
            "cidr any IP %egress%: ipv4:192.0.2.0/24 ipv6:2001:db8::/32\n");
}

TEST(LowerCidr, AcceptsAndRejectsNetworks) {
  bool v6 = false;
  EXPECT_TRUE(ParseCidr("192.168.0.0/16", &v6));
  EXPECT_FALSE(v6);
  EXPECT_TRUE(ParseCidr("::1/128", &v6));
  EXPECT_TRUE(v6);
  EXPECT_TRUE(ParseCidr("fe80::/10", &v6));
  EXPECT_TRUE(ParseCidr("::ffff:10.0.0.1/128", &v6));
  EXPECT_TRUE(ParseCidr("10.1.2.3", &v6));
  EXPECT_FALSE(ParseCidr("256.0.0.0/8", &v6));
  EXPECT_FALSE(ParseCidr("10.0.0/8", &v6));
  EXPECT_FALSE(ParseCidr("1::2::3/64", &v6));
  EXPECT_FALSE(ParseCidr("2001:db8::/129", &v6));
  EXPECT_FALSE(ParseCidr("10.0.0.0/", &v6));
}

}  // namespace
}  // namespace refract::ir
