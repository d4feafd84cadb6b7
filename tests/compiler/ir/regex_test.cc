#include "compiler/ir/regex.h"

#include <gtest/gtest.h>

#include "compiler/text/utf8.h"

namespace refract::ir {
namespace {

RegexFlavor Pcre() {
  RegexFlavor f;
  f.name = "pcre";
  f.lookaround = true;
  f.backreferences = true;
  f.atomic_groups = true;
  f.possessive = true;
  f.end_before_newline = true;
  f.named_group_prefix = "(?<";
  f.braced_hex_escape = false;
  return f;
}

RegexFlavor Rust() {
  RegexFlavor f;
  f.name = "rust";
  f.class_metachars = "\\]^-[&~";
  return f;
}

RegexFlavor NoShorthands() {
  RegexFlavor f = Rust();
  f.perl_classes = false;
  return f;
}

// Parses and re-emits; "!construct" when the flavour refuses, "error@offset message" on a
// parse error.
std::string RoundTrip(const std::string& pattern, const RegexFlavor& flavor) {
  RegexError error;
  auto regex = ParseRegex(pattern, &error);
  if (!regex) return "error@" + std::to_string(error.offset) + " " + error.message;
  std::string construct;
  auto out = EmitRegex(*regex, flavor, &construct);
  return out ? *out : "!" + construct;
}

struct Case {
  const char* pattern;
  const char* pcre;
  const char* rust;
};

class RegexRoundTrip : public ::testing::TestWithParam<Case> {};

TEST_P(RegexRoundTrip, EmitsPerFlavor) {
  EXPECT_EQ(RoundTrip(GetParam().pattern, Pcre()), GetParam().pcre) << GetParam().pattern;
  EXPECT_EQ(RoundTrip(GetParam().pattern, Rust()), GetParam().rust) << GetParam().pattern;
}

INSTANTIATE_TEST_SUITE_P(
    Constructs, RegexRoundTrip,
    ::testing::Values(
        Case{"abc", "abc", "abc"}, Case{"a.b", "a.b", "a.b"}, Case{"^a$", "^a$", "^a$"},
        Case{"a*b+c?", "a*b+c?", "a*b+c?"}, Case{"a{2}b{1,}c{1,3}", "a{2}b+c{1,3}", "a{2}b+c{1,3}"},
        Case{"a*?b+?", "a*?b+?", "a*?b+?"}, Case{"a|b|c", "a|b|c", "a|b|c"},
        Case{"(ab)+", "(ab)+", "(ab)+"}, Case{"(?:ab)", "(?:ab)", "(?:ab)"},
        Case{"[a-z0-9_]", "[a-z0-9_]", "[a-z0-9_]"}, Case{"[^\\]x]", "[^\\]x]", "[^\\]x]"},
        Case{"[a&&b]", "[a&&b]", "[a\\&\\&b]"},
        Case{"\\d\\w\\s\\D", "\\d\\w\\s\\D", "\\d\\w\\s\\D"},
        Case{"\\bword\\b", "\\bword\\b", "\\bword\\b"},
        Case{"\\.\\*\\\\", "\\.\\*\\\\", "\\.\\*\\\\"}, Case{"\\/path", "/path", "/path"},
        Case{"\\x41\\t", "A\\t", "A\\t"}, Case{"\\x{1}", "\\x01", "\\x{01}"},
        Case{"a{,5}", "a\\{,5\\}", "a\\{,5\\}"}, Case{"(?i)abc", "(?i)abc", "(?i)abc"},
        Case{"(?i:ab)c", "(?i:ab)c", "(?i:ab)c"}, Case{"(?P<n>a)", "(?<n>a)", "(?P<n>a)"},
        Case{"(?<n>a)", "(?<n>a)", "(?P<n>a)"}, Case{"a(?=b)", "a(?=b)", "!lookahead (?=...)"},
        Case{"a(?!b)", "a(?!b)", "!negative lookahead (?!...)"},
        Case{"(?<=a)b", "(?<=a)b", "!lookbehind (?<=...)"},
        Case{"(a)\\1", "!backreference", "!backreference"},
        Case{"(?>a)", "(?>a)", "!atomic group (?>...)"},
        Case{"a++", "a++", "!possessive quantifier"},
        Case{"a\\Z", "a\\Z", "!end-of-text anchor \\Z"}, Case{"\\Qa.b\\E", "a\\.b", "a\\.b"},
        Case{"(?#comment)a", "a", "a"}, Case{"caf\xC3\xA9", "caf\xC3\xA9", "caf\xC3\xA9"}));

TEST(RegexFlavors, ShorthandsSpelledOutWhereMissing) {
  EXPECT_EQ(RoundTrip("\\d+\\w", NoShorthands()), "[0-9]+[A-Za-z0-9_]");
  EXPECT_EQ(RoundTrip("[\\d_]", NoShorthands()), "[0-9_]");
  EXPECT_EQ(RoundTrip("[\\s]", NoShorthands()), "[ \\t\\n\\r\\x{0C}\\x{0B}]");
  EXPECT_EQ(RoundTrip("[\\S]", NoShorthands()), "!class shorthand \\S inside [...]");
}

RegexFlavor LuceneLike() {
  RegexFlavor f;
  f.perl_classes = false;
  f.inline_flags = false;
  f.word_boundary = false;
  f.text_anchors = false;
  f.anchors = false;
  f.noncapturing_groups = false;
  f.named_group_prefix = "";
  f.lazy_as_greedy = true;
  f.fold_case = true;
  f.literal_metachars = "\\.?+*|{}[]()\"#@&<>~/";
  f.class_metachars = "\\]^-[/";
  f.empty_alternatives = false;
  return f;
}

std::string Whole(const std::string& pattern, bool ignore_case = false) {
  RegexError error;
  auto regex = ParseRegex(pattern, &error);
  if (!regex) return "error";
  regex->ignore_case = ignore_case;
  std::string construct;
  auto out = EmitWholeMatch(*regex, LuceneLike(), &construct);
  return out ? *out : "!" + construct;
}

TEST(RegexWholeMatch, AnchorsBecomePaddingOrNothing) {
  EXPECT_EQ(Whole("abc"), ".*abc.*");
  EXPECT_EQ(Whole("^abc"), "abc.*");
  // PCRE's $ (without m) also matches before a final line feed; \z only at the very end.
  EXPECT_EQ(Whole("abc$"), ".*abc\\n?");
  EXPECT_EQ(Whole("abc\\z"), ".*abc");
  EXPECT_EQ(Whole("^abc$"), "abc\\n?");
  EXPECT_EQ(Whole("^abc\\z"), "abc");
  EXPECT_EQ(Whole("^a|b$"), "a.*|.*b\\n?");
  EXPECT_EQ(Whole("a(?:b|c)*?d"), ".*a(b|c)*d.*");
  EXPECT_EQ(Whole("a\\d+/x"), ".*a[0-9]+\\/x.*");
  EXPECT_EQ(Whole("a^b"), "!anchor ^ inside the pattern");
  EXPECT_EQ(Whole("\\bword"), "!word boundary \\b");
  EXPECT_EQ(Whole("^a(?:b|)c\\z"), "a((b)?)c");
  EXPECT_EQ(Whole("^[^/]x\\z"), "[^\\/]x");
}

// Lucene's `.` matches a line feed, PCRE's only with the s flag: without it, `.` is written as a
// class that leaves the line feed out (the padding of unanchored ends matches anything, as a
// search does).
TEST(RegexWholeMatch, DotLeavesOutTheLineFeedWhereTheEngineWouldMatchIt) {
  RegexFlavor flavor = LuceneLike();
  flavor.dot_matches_newline = true;
  auto whole = [&](const std::string& pattern) {
    RegexError error;
    auto regex = ParseRegex(pattern, &error);
    std::string construct;
    return EmitWholeMatch(*regex, flavor, &construct).value_or("!" + construct);
  };
  EXPECT_EQ(whole("a.b"), ".*a[^\\n]b.*");
  EXPECT_EQ(whole("(?s)a.b"), ".*a.b.*");
  EXPECT_EQ(whole("^a.*\\z"), "a[^\\n]*");
  EXPECT_EQ(Whole("a.b"), ".*a.b.*");  // an engine whose . already leaves it out
}

TEST(RegexWholeMatch, IgnoreCaseFoldsLettersAndRanges) {
  EXPECT_EQ(Whole("^ab1\\z", true), "[Aa][Bb]1");
  EXPECT_EQ(Whole("^[a-c]x*\\z", true), "[a-cA-C]([Xx])*");
  EXPECT_EQ(Whole("^[^z]\\z", true), "[^zZ]");
  EXPECT_EQ(Whole("^\xC3\xA9\\z", true), "[\xC3\x89\xC3\xA9]");
}

TEST(RegexFlags, LeadingInlineFlagsBecomeRegexFlags) {
  RegexError error;
  auto regex = ParseRegex("(?i)ab|c", &error);
  ASSERT_TRUE(regex);
  EXPECT_TRUE(regex->ignore_case);
  EXPECT_FALSE(regex->dot_all);
  std::string construct;
  EXPECT_EQ(*EmitRegex(*regex, Rust(), &construct), "(?i)ab|c");
  auto inner = ParseRegex("a(?i)b", &error);
  ASSERT_TRUE(inner);
  EXPECT_FALSE(inner->ignore_case);
}

TEST(RegexFlags, SigmaFlagsBecomeInlineGroup) {
  RegexError error;
  auto regex = ParseRegex("a.b", &error);
  ASSERT_TRUE(regex);
  regex->ignore_case = true;
  regex->dot_all = true;
  std::string construct;
  EXPECT_EQ(*EmitRegex(*regex, Rust(), &construct), "(?is)a.b");
}

struct ErrorCase {
  const char* pattern;
  const char* expected;
};

class RegexErrors : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(RegexErrors, PointAtTheProblem) {
  EXPECT_EQ(RoundTrip(GetParam().pattern, Pcre()), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Malformed, RegexErrors,
    ::testing::Values(ErrorCase{"a(b", "error@1 unclosed '(' in regex"},
                      ErrorCase{"ab)", "error@2 unmatched ')'"},
                      ErrorCase{"[abc", "error@0 unclosed '[' in regex"},
                      ErrorCase{"*a", "error@0 nothing to repeat"},
                      ErrorCase{"a**", "error@2 nothing to repeat"},
                      ErrorCase{"[z-a]", "error@2 character range out of order"},
                      ErrorCase{"a{3,1}",
                                "error@1 repetition range with its maximum below its minimum"},
                      ErrorCase{"\\", "error@0 trailing backslash in regex"},
                      ErrorCase{"\\q", "error@0 unknown regex escape '\\q'"},
                      ErrorCase{"(?z)", "error@2 unknown regex flag 'z'"},
                      ErrorCase{"^*", "error@1 nothing to repeat"}));

TEST(RegexLimits, DeepNestingIsAnError) {
  std::string deep = std::string(1000, '(') + "a" + std::string(1000, ')');
  RegexError error;
  EXPECT_FALSE(ParseRegex(deep, &error));
  EXPECT_EQ(error.message, "regex nests deeper than 128 groups");
}

TEST(RegexEscape, LiteralTextMatchesItself) {
  EXPECT_EQ(RegexEscapeLiteral("a.b*c(d)[e]{f}|g^h$i\\j+k?", Rust()),
            "a\\.b\\*c\\(d\\)\\[e\\]\\{f\\}\\|g\\^h\\$i\\\\j\\+k\\?");
  EXPECT_EQ(RegexEscapeLiteral("tab\there\n", Rust()), "tab\\there\\n");
}

TEST(RegexEscape, FoldedLiteralSpellsEachCasedLetterAsAClass) {
  std::string out = "x";
  AppendRegexLiteral(out, "Ab.\xc3\xa9\\1-\xce\xa9", Rust(), true);
  EXPECT_EQ(out, "x[Aa][Bb]\\.[\xc3\x89\xc3\xa9]\\\\1-[\xce\xa9\xcf\x89]");
  out.clear();
  AppendRegexLiteral(out, "Ab.", Rust(), false);
  EXPECT_EQ(out, "Ab\\.");
}

// AppendRegexLiteral writes what EmitWholeMatch writes for the same literal, anchored, under
// the i flag of a folding flavour: the Lucene backends rely on it instead of building a Regex.
TEST(RegexEscape, FoldedLiteralIsWhatWholeMatchWrites) {
  RegexFlavor folding = Rust();
  folding.fold_case = true;
  folding.inline_flags = false;
  for (std::string_view text : {"Ab.c", "\xc3\xa9\\Z", "x-y_1 ?*", "\xce\xa9mega\t", "[a]{2}|$"}) {
    Regex regex;
    regex.root.kind = RegexNode::Kind::kConcat;
    RegexNode start;
    start.kind = RegexNode::Kind::kAssertion;
    start.symbol = '^';
    regex.root.children.push_back(start);
    for (size_t i = 0; i < text.size();) {
      RegexNode literal;
      literal.kind = RegexNode::Kind::kLiteral;
      literal.codepoint = text::DecodeUtf8(text, &i);
      regex.root.children.push_back(literal);
    }
    RegexNode end = start;
    end.symbol = 'z';
    regex.root.children.push_back(end);
    regex.ignore_case = true;
    std::string appended;
    AppendRegexLiteral(appended, text, folding, true);
    EXPECT_EQ(appended, EmitWholeMatch(regex, folding, nullptr).value_or("(refused)")) << text;
  }
}

}  // namespace
}  // namespace refract::ir
