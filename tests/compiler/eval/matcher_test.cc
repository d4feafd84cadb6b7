// The reference evaluator's Sigma matching semantics, one case per modifier and value kind, each
// with a near miss; expectations are written from the Sigma specification, not from the code.
#include "compiler/eval/matcher.h"

#include <gtest/gtest.h>

#include "compiler/ir/lower.h"
#include "compiler/load/loader.h"
#include "compiler/parse/rule_parser.h"
#include "tests/test_util.h"

namespace refract::eval {
namespace {

// "match", "no match", or the first problem met on the way.
std::string Evaluate(const std::string& detection, const std::string& event_json) {
  Diagnostics diagnostics;
  auto doc = LoadRuleText("rule.yml", testing::RuleWithDetection(detection), diagnostics);
  if (!doc) return "load error";
  auto rules = ParseRules(*doc, diagnostics);
  if (rules.empty()) return "parse error";
  auto rule = ir::Lower(rules[0], {}, diagnostics);
  if (!rule || diagnostics.HasErrors()) return "lower error";
  std::string error;
  auto matcher = Matcher::Create(*rule, error);
  if (!matcher) return "matcher error: " + error;
  EventReader reader;
  Event event;
  if (!reader.Parse(event_json, event, error)) return "event error: " + error;
  return matcher->Matches(event) ? "match" : "no match";
}

struct Case {
  const char* name;
  const char* detection;
  const char* event;
  const char* expected;
};

class MatcherTest : public ::testing::TestWithParam<Case> {};

TEST_P(MatcherTest, FollowsSigmaSemantics) {
  const Case& c = GetParam();
  EXPECT_EQ(Evaluate(c.detection, c.event), c.expected) << c.detection << "\n" << c.event;
}

constexpr const char* kSel = "  sel:\n";
std::string D(const std::string& items) { return std::string(kSel) + items + "  condition: sel\n"; }

const std::string kEqCase = D("    Image: 'C:\\Windows\\cmd.exe'\n");
const std::string kContains = D("    CommandLine|contains: 'Invoke-'\n");
const std::string kStarts = D("    CommandLine|startswith: 'powershell'\n");
const std::string kEnds = D("    Image|endswith: '\\whoami.exe'\n");
const std::string kWild = D("    Image: '*\\sys?em32\\\\*.exe'\n");
const std::string kEscapedStar = D("    Image: 'a\\*b'\n");
const std::string kCased = D("    CommandLine|contains|cased: 'Invoke-'\n");
const std::string kAll = D("    CommandLine|contains|all: ['-enc', 'hidden']\n");
const std::string kRegex = D("    CommandLine|re: '^cmd\\s+/c'\n");
const std::string kRegexI = D("    CommandLine|re|i: '^cmd\\s+/c'\n");
const std::string kCidr4 = D("    IpAddress|cidr: 10.0.0.0/8\n");
const std::string kCidr6 = D("    IpAddress|cidr: '2001:db8::/32'\n");
const std::string kNumber = D("    EventID: 4625\n");
const std::string kGte = D("    Count|gte: 5\n");
const std::string kNull = D("    ParentImage: null\n");
const std::string kExists = D("    ParentImage|exists: true\n");
const std::string kNotExists = D("    ParentImage|exists: false\n");
const std::string kFieldRef = D("    TargetUserName|fieldref: SubjectUserName\n");
const std::string kNested = D("    Event.EventData.LogonType: 3\n");
const std::string kHour = D("    Timestamp|hour: 3\n");
const std::string kKeywords = "  keywords: ['mimikatz']\n  condition: keywords\n";
const std::string kNot =
    "  sel:\n    EventID: 4624\n  filter:\n    LogonType: 3\n  condition: sel and not filter\n";
const std::string kOneOf =
    "  sel_a:\n    EventID: 1\n  sel_b:\n    EventID: 2\n  condition: 1 of sel_*\n";
const std::string kBool = D("    Enabled: true\n");
// A non-ASCII letter with a case pair: Ö and ö fold alike, O does not.
const std::string kUnicode = D("    User: 'österreich'\n");
// An or whose branches read different fields: an event with either one may match.
const std::string kEitherField =
    "  sel_a:\n    Image: a.exe\n  sel_b:\n    User: bob\n  condition: 1 of sel_*\n";
// Alternatives on one field: the matcher merges those of the same shape (not the cased one).
const std::string kAlternatives =
    "  sel_a:\n    User: alice\n  sel_b:\n    User: [Bob, dave]\n  sel_c:\n"
    "    User|cased: Carol\n  sel_d:\n    User|contains: mallory\n  condition: 1 of sel_*\n";
const std::string kCidrMixed =
    D("    IpAddress|cidr: [10.0.0.0/8, '2001:db8::/32', 10.1.0.0/16]\n");

const Case kCases[] = {
    {"equals_folds_case", kEqCase.c_str(), R"({"Image":"c:\\windows\\CMD.EXE"})", "match"},
    {"equals_is_whole_value", kEqCase.c_str(), R"({"Image":"c:\\windows\\cmd.exe2"})", "no match"},
    {"contains", kContains.c_str(), R"({"CommandLine":"x invoke-mimikatz"})", "match"},
    {"contains_miss", kContains.c_str(), R"({"CommandLine":"x invoke mimikatz"})", "no match"},
    {"startswith", kStarts.c_str(), R"({"CommandLine":"PowerShell -nop"})", "match"},
    {"startswith_miss", kStarts.c_str(), R"({"CommandLine":" powershell"})", "no match"},
    {"endswith", kEnds.c_str(), R"({"Image":"C:\\Windows\\System32\\WHOAMI.exe"})", "match"},
    {"endswith_miss", kEnds.c_str(), R"({"Image":"C:\\whoami.exe.bak"})", "no match"},
    {"wildcards", kWild.c_str(), R"({"Image":"C:\\Windows\\System32\\net.exe"})", "match"},
    {"wildcard_one_char_is_one", kWild.c_str(), R"({"Image":"C:\\Windows\\System3\\net.exe"})",
     "no match"},
    {"escaped_star_is_literal", kEscapedStar.c_str(), R"({"Image":"A*B"})", "match"},
    {"escaped_star_miss", kEscapedStar.c_str(), R"({"Image":"axb"})", "no match"},
    {"cased", kCased.c_str(), R"({"CommandLine":"Invoke-Expression"})", "match"},
    {"cased_miss", kCased.c_str(), R"({"CommandLine":"invoke-expression"})", "no match"},
    {"all", kAll.c_str(), R"({"CommandLine":"ps -w Hidden -ENC aaa"})", "match"},
    {"all_miss", kAll.c_str(), R"({"CommandLine":"ps -w hidden"})", "no match"},
    {"regex_is_case_sensitive", kRegex.c_str(), R"({"CommandLine":"CMD /c dir"})", "no match"},
    {"regex", kRegex.c_str(), R"({"CommandLine":"cmd  /c dir"})", "match"},
    {"regex_i", kRegexI.c_str(), R"({"CommandLine":"CMD /c dir"})", "match"},
    {"cidr4", kCidr4.c_str(), R"({"IpAddress":"10.200.3.4"})", "match"},
    {"cidr4_miss", kCidr4.c_str(), R"({"IpAddress":"11.0.0.1"})", "no match"},
    {"cidr4_not_an_address", kCidr4.c_str(), R"({"IpAddress":"10.0.0.x"})", "no match"},
    {"cidr6", kCidr6.c_str(), R"({"IpAddress":"2001:DB8:0:1::5"})", "match"},
    {"cidr6_miss", kCidr6.c_str(), R"({"IpAddress":"2001:db9::1"})", "no match"},
    {"number_matches_number", kNumber.c_str(), R"({"EventID":4625})", "match"},
    {"number_matches_numeric_text", kNumber.c_str(), R"({"EventID":"4625"})", "match"},
    {"number_miss", kNumber.c_str(), R"({"EventID":4624})", "no match"},
    {"gte", kGte.c_str(), R"({"Count":5})", "match"},
    {"gte_miss", kGte.c_str(), R"({"Count":4.5})", "no match"},
    {"null_absent", kNull.c_str(), R"({"Image":"x"})", "match"},
    {"null_json_null", kNull.c_str(), R"({"ParentImage":null})", "match"},
    {"null_present", kNull.c_str(), R"({"ParentImage":""})", "no match"},
    {"exists", kExists.c_str(), R"({"ParentImage":"x"})", "match"},
    {"exists_miss", kExists.c_str(), R"({"Image":"x"})", "no match"},
    {"exists_false", kNotExists.c_str(), R"({"Image":"x"})", "match"},
    {"fieldref", kFieldRef.c_str(), R"({"TargetUserName":"Bob","SubjectUserName":"bob"})", "match"},
    {"fieldref_miss", kFieldRef.c_str(), R"({"TargetUserName":"Bob","SubjectUserName":"alice"})",
     "no match"},
    {"nested_field", kNested.c_str(), R"({"Event":{"EventData":{"LogonType":3}}})", "match"},
    {"nested_miss", kNested.c_str(), R"({"Event":{"EventData":{"LogonType":10}}})", "no match"},
    {"time_part", kHour.c_str(), R"({"Timestamp":"2024-05-01T04:10:00+01:00"})", "match"},
    {"time_part_miss", kHour.c_str(), R"({"Timestamp":"2024-05-01T04:10:00Z"})", "no match"},
    {"keyword_any_field", kKeywords.c_str(), R"({"a":1,"b":{"c":["x","run MimiKatz"]}})", "match"},
    {"keyword_miss", kKeywords.c_str(), R"({"a":"mimi katz"})", "no match"},
    {"not", kNot.c_str(), R"({"EventID":4624,"LogonType":2})", "match"},
    {"not_miss", kNot.c_str(), R"({"EventID":4624,"LogonType":3})", "no match"},
    {"not_absent_field", kNot.c_str(), R"({"EventID":4624})", "match"},
    // Folding: ASCII values fold a byte at a time, others code point by code point; both
    // sides of a comparison must fold alike, and an 8-byte-or-longer value takes the word test.
    {"fold_ascii_long", kContains.c_str(), R"({"CommandLine":"powershell INVOKE-Expression"})",
     "match"},
    {"fold_non_ascii_value", kContains.c_str(), R"({"CommandLine":"Über invoke-x"})", "match"},
    {"fold_non_ascii_late", kContains.c_str(), R"({"CommandLine":"xxxxxxxxinvoke-Ü"})", "match"},
    {"fold_non_ascii_miss", kContains.c_str(), R"({"CommandLine":"Ünvoke-"})", "no match"},
    {"fold_unicode_pair", kUnicode.c_str(), R"({"User":"ÖSTERREICH"})", "match"},
    {"fold_unicode_pair_miss", kUnicode.c_str(), R"({"User":"osterreich"})", "no match"},
    {"either_field_first", kEitherField.c_str(), R"({"Image":"A.exe"})", "match"},
    {"either_field_second", kEitherField.c_str(), R"({"User":"Bob"})", "match"},
    {"either_field_neither", kEitherField.c_str(), R"({"Host":"bob"})", "no match"},
    {"one_of", kOneOf.c_str(), R"({"EventID":2})", "match"},
    {"one_of_miss", kOneOf.c_str(), R"({"EventID":3})", "no match"},
    {"bool", kBool.c_str(), R"({"Enabled":true})", "match"},
    {"bool_miss", kBool.c_str(), R"({"Enabled":false})", "no match"},
    {"alternatives_first", kAlternatives.c_str(), R"({"User":"ALICE"})", "match"},
    {"alternatives_list", kAlternatives.c_str(), R"({"User":"DAVE"})", "match"},
    {"alternatives_cased", kAlternatives.c_str(), R"({"User":"Carol"})", "match"},
    {"alternatives_cased_miss", kAlternatives.c_str(), R"({"User":"carol"})", "no match"},
    {"alternatives_contains", kAlternatives.c_str(), R"({"User":"x Mallory x"})", "match"},
    {"alternatives_whole_value", kAlternatives.c_str(), R"({"User":"alice2"})", "no match"},
    {"alternatives_null", kAlternatives.c_str(), R"({"User":null})", "no match"},
    {"cidr_list_v6", kCidrMixed.c_str(), R"({"IpAddress":"2001:db8::1"})", "match"},
    {"cidr_list_v4", kCidrMixed.c_str(), R"({"IpAddress":"10.1.2.3"})", "match"},
    {"cidr_list_miss", kCidrMixed.c_str(), R"({"IpAddress":"2001:db9::1"})", "no match"},
    {"array_any_element", kNumber.c_str(), R"({"EventID":[1,4625]})", "match"},
    {"not_an_object", kNumber.c_str(), R"([1,2])", "event error: an event must be a JSON object"},
};

INSTANTIATE_TEST_SUITE_P(Cases, MatcherTest, ::testing::ValuesIn(kCases),
                         [](const auto& param_info) { return std::string(param_info.param.name); });

// A matcher of `detection`, made with `shared` when given; null when it cannot be made.
std::unique_ptr<Matcher> MatcherOf(const std::string& detection,
                                   std::shared_ptr<SharedResults> shared = nullptr) {
  Diagnostics diagnostics;
  auto doc = LoadRuleText("rule.yml", testing::RuleWithDetection(detection), diagnostics);
  if (!doc) return nullptr;
  auto rules = ParseRules(*doc, diagnostics);
  if (rules.empty()) return nullptr;
  auto rule = ir::Lower(rules[0], {}, diagnostics);
  if (!rule || diagnostics.HasErrors()) return nullptr;
  std::string error;
  return Matcher::Create(*rule, error, std::move(shared));
}

// Rules that share nodes give, event after event read into one reused Event (as hunt reads),
// what each gives alone; a node two rules have alike is kept once.
TEST(SharedResultsTest, AlikeNodesOfTwoRulesGiveTheirOwnResults) {
  const std::string success = D("    ResultType: '0'\n");
  const std::string legacy_success =
      "  sel:\n    ResultType: '0'\n  modern:\n    ClientAppUsed: Browser\n"
      "  condition: sel and not modern\n";
  auto shared = std::make_shared<SharedResults>();
  auto a = MatcherOf(success, shared);
  auto b = MatcherOf(legacy_success, shared);
  auto a_alone = MatcherOf(success);
  auto b_alone = MatcherOf(legacy_success);
  ASSERT_TRUE(a && b && a_alone && b_alone);
  // b: and, ResultType, not, ClientAppUsed; a's one node is b's ResultType.
  EXPECT_EQ(shared->nodes(), 4u);
  const std::vector<std::pair<std::string, std::pair<bool, bool>>> events = {
      {R"({"ResultType":"0","ClientAppUsed":"IMAP4"})", {true, true}},
      {R"({"ResultType":"0","ClientAppUsed":"Browser"})", {true, false}},
      {R"({"ResultType":"50126","ClientAppUsed":"IMAP4"})", {false, false}},
      {R"({"ClientAppUsed":"IMAP4"})", {false, false}},
      {R"({"ResultType":"0"})", {true, true}},
  };
  EventReader reader;
  Event event;
  for (const auto& [json, expected] : events) {
    std::string error;
    ASSERT_TRUE(reader.Parse(json, event, error)) << error;
    // b first, then a: a reads the result b left for this event, never an earlier one.
    EXPECT_EQ(b->Matches(event), expected.second) << json;
    EXPECT_EQ(a->Matches(event), expected.first) << json;
    EXPECT_EQ(b_alone->Matches(event), expected.second) << json;
    EXPECT_EQ(a_alone->Matches(event), expected.first) << json;
  }
}

// An event the reader did not number (serial 0) is evaluated afresh, so changing its fields
// between calls changes the result.
TEST(SharedResultsTest, AnUnnumberedEventIsEvaluatedEachTime) {
  auto shared = std::make_shared<SharedResults>();
  auto matcher = MatcherOf(D("    User: bob\n"), shared);
  ASSERT_TRUE(matcher);
  Event event;
  event.fields.push_back({"User", {FieldValue::Kind::kString, "bob", 0}});
  EXPECT_TRUE(matcher->Matches(event));
  event.fields[0].second = {FieldValue::Kind::kString, "alice", 0};
  EXPECT_FALSE(matcher->Matches(event));
  event.fields[0].first = "Host";  // another field: the required-field check must not cache it
  event.fields[0].second = {FieldValue::Kind::kString, "bob", 0};
  EXPECT_FALSE(matcher->Matches(event));
}

// A matcher that could not be made, or is gone, leaves nothing the others read: the shared
// table keeps its own copy of each node.
TEST(SharedResultsTest, OutlivesTheMatchersMadeWithIt) {
  auto shared = std::make_shared<SharedResults>();
  // A regex PCRE2 rejects, after a node the table has kept: Create fails past registering it.
  ir::Rule bad;
  ir::Predicate user;
  user.field = "User";
  user.values.push_back(ir::Value::String(ir::Pattern{{{ir::Piece::Kind::kLiteral, "bob"}}}));
  ir::Predicate command;
  command.field = "CommandLine";
  command.op = ir::Op::kRegex;
  ir::Value unclosed;
  unclosed.kind = ir::Value::Kind::kRegex;
  auto regex = std::make_shared<ir::Regex>();
  regex->source = "(unclosed";
  unclosed.regex = regex;
  command.values.push_back(unclosed);
  bad.condition = ir::Expr::And({ir::Expr::Pred(user), ir::Expr::Pred(command)});
  std::string error;
  EXPECT_EQ(Matcher::Create(bad, error, shared), nullptr);
  EXPECT_NE(error.find("regex"), std::string::npos) << error;
  MatcherOf(D("    User: carol\n"), shared).reset();
  auto matcher = MatcherOf(D("    User: bob\n    Host: pc1\n"), shared);
  ASSERT_TRUE(matcher);
  EventReader reader;
  Event event;
  ASSERT_TRUE(reader.Parse(R"({"User":"BOB","Host":"PC1"})", event, error)) << error;
  EXPECT_TRUE(matcher->Matches(event));
}

// Events of different layouts, alternating: a rule whose field one layout lacks fails on that
// layout only.
TEST(MatcherTest, RequiredFieldsAreCheckedPerLayout) {
  auto matcher = MatcherOf(D("    User: bob\n"));
  ASSERT_TRUE(matcher);
  EventReader reader;
  Event event;
  const std::vector<std::pair<std::string, bool>> events = {
      {R"({"User":"bob"})", true},
      {R"({"Host":"bob"})", false},
      {R"({"Host":"x","User":"bob"})", true},
      {R"({"User":"bob"})", true},
      {R"({"Host":"bob"})", false},
      {R"({"A":1,"B":2,"C":3,"User":"bob"})", true},
      {R"({"D":1})", false},
      {R"({"E":1})", false},
      {R"({"User":"bob"})", true},
  };
  for (const auto& [json, expected] : events) {
    std::string error;
    ASSERT_TRUE(reader.Parse(json, event, error)) << error;
    EXPECT_EQ(matcher->Matches(event), expected) << json;
  }
}

TEST(TimestampTest, ReadsIsoTextAndEpochNumbers) {
  FieldValue iso{FieldValue::Kind::kString, "1970-01-02T00:00:01.5Z", 0};
  EXPECT_EQ(ParseTimestamp(iso), 86401.5);
  FieldValue offset{FieldValue::Kind::kString, "1970-01-01T01:00:00+01:00", 0};
  EXPECT_EQ(ParseTimestamp(offset), 0.0);
  FieldValue millis{FieldValue::Kind::kNumber, "1700000000123", 1700000000123.0};
  EXPECT_EQ(ParseTimestamp(millis), 1700000000.123);
  FieldValue bad{FieldValue::Kind::kString, "yesterday", 0};
  EXPECT_EQ(ParseTimestamp(bad), std::nullopt);
}

}  // namespace
}  // namespace refract::eval
