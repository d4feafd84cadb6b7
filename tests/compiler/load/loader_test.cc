// What the loader refuses before any YAML is read: text that is not UTF-8, each a precise
// error rather than a crash (ANTLR's conversion threw std::range_error and aborted the run) or a
// value re-read as another encoding.
#include "compiler/load/loader.h"

#include <gtest/gtest.h>

#include "tests/test_util.h"

namespace refract {
namespace {

std::string Compile(const std::string& detection) {
  return testing::CompileToText(testing::RuleWithDetection(detection, "{product: windows}"));
}

TEST(LoaderTest, InvalidUtf8InAConditionIsAnErrorNotAnAbort) {
  std::string out = Compile("  s: {a: 1}\n  condition: s \xFF\n");
  EXPECT_NE(out.find("rule.yml:5:16: error[E0003]: invalid UTF-8: byte 0xFF"), std::string::npos)
      << out;
}

TEST(LoaderTest, AnOverlongSlashIsRefusedNotDecoded) {
  std::string out = Compile("  s: {a: \"x\xC0\xAFy\"}\n  condition: s\n");
  EXPECT_NE(out.find("rule.yml:4:12: error[E0003]: invalid UTF-8: byte 0xC0"), std::string::npos)
      << out;
}

// libyaml marks the start of the stream for a character YAML cannot hold; the error points at
// the character, and shows it as its control picture rather than sending it to the terminal.
TEST(LoaderTest, AControlCharacterIsPointedAtAndNotEchoed) {
  std::string out = testing::CompileToText(
      "title: T\x1b[2J\nlogsource: {product: windows}\ndetection:\n  s: {a: 1}\n"
      "  condition: s\n");
  EXPECT_NE(out.find("rule.yml:1:9: error[E0100]: malformed yaml: control characters"),
            std::string::npos)
      << out;
  EXPECT_EQ(out.find('\x1b'), std::string::npos) << out;
  EXPECT_NE(out.find("    1 | title: T\xE2\x90\x9B[2J\n"), std::string::npos) << out;
}

TEST(LoaderTest, AnEscapedSurrogatePairIsOneCodePoint) {
  std::string out = Compile("  s: {a: \"\\uD83D\\uDE00 ok\"}\n  condition: s\n");
  EXPECT_NE(out.find("a =~ \"\xF0\x9F\x98\x80 ok\""), std::string::npos) << out;
}

TEST(LoaderTest, ALoneEscapedSurrogateIsAnError) {
  std::string out = Compile("  s: {a: \"\\uD83D x\"}\n  condition: s\n");
  EXPECT_NE(out.find("error[E0100]: malformed yaml: \\uD83D is half of a surrogate pair"),
            std::string::npos)
      << out;
}

// A file with no rule in it is an error, not a silent success with nothing written.
TEST(LoaderTest, AFileWithoutARuleIsAnError) {
  for (const char* text : {"", "# only a comment\n", "---\n", "---\n...\n---\n"}) {
    std::string out = testing::CompileToText(text);
    EXPECT_NE(out.find("rule.yml:1:1: error[E0004]: the file holds no rule"), std::string::npos)
        << text << "\n"
        << out;
  }
}

// The YAML reader's message is kept as written but for its first letter: a key keeps its case.
TEST(LoaderTest, ADuplicateKeyIsNamedAsWritten) {
  std::string out = Compile("  Sel: {a: 1}\n  Sel: {a: 2}\n  condition: Sel\n");
  EXPECT_NE(out.find("rule.yml:5:3: error[E0100]: malformed yaml: duplicate key 'Sel' (first at "
                     "line 4)"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace refract
