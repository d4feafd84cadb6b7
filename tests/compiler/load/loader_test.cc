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

TEST(LoaderTest, AnEscapedSurrogatePairIsOneCodePoint) {
  std::string out = Compile("  s: {a: \"\\uD83D\\uDE00 ok\"}\n  condition: s\n");
  EXPECT_NE(out.find("a =~ \"\xF0\x9F\x98\x80 ok\""), std::string::npos) << out;
}

TEST(LoaderTest, ALoneEscapedSurrogateIsAnError) {
  std::string out = Compile("  s: {a: \"\\uD83D x\"}\n  condition: s\n");
  EXPECT_NE(out.find("error[E0100]: malformed yaml: \\ud83d is half of a surrogate pair"),
            std::string::npos)
      << out;
}

}  // namespace
}  // namespace refract
