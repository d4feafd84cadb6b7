// What the loader refuses before any YAML is read: text that is not UTF-8, each a precise
// error rather than a crash (ANTLR's conversion threw std::range_error and aborted the run) or a
// value re-read as another encoding.
#include "compiler/load/loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

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

// A fresh file of `size` bytes under the test's temporary folder, named `name`; its path.
std::string FileOfSize(const std::string& name, size_t size, char fill = '#') {
  const auto path = std::filesystem::temp_directory_path() /
                    ("refract_loader_" + std::to_string(getpid()) + "_" + name);
  std::ofstream(path, std::ios::binary) << std::string(size, fill);
  return path.string();
}

// The one diagnostic of reading `path`, as "CODE message".
std::string ReadError(const std::string& path) {
  Diagnostics d;
  EXPECT_FALSE(ReadRuleFileText(path, d).has_value());
  return d.all().size() == 1 ? d.all()[0].code + " " + d.all()[0].message : "no one diagnostic";
}

TEST(LoaderTest, AControlCharacterIsFoundAtEveryOffsetAndEveryLine) {
  // Past runs of printable text read eight bytes at a time, on the first line and later ones.
  for (const std::string lead : {"", "title: x\n", "title: x\r\n\t# a\n"}) {
    for (size_t at = 0; at < 20; ++at) {
      const std::string text = lead + "# " + std::string(at, 'a') + '\x01' + "bbbbbbbbbbbb\n";
      Diagnostics d;
      EXPECT_FALSE(LoadRuleText("r.yml", text, d).has_value());
      ASSERT_EQ(d.all().size(), 1u);
      EXPECT_EQ(d.all()[0].code, "E0100");
      const int line = 1 + static_cast<int>(std::count(lead.begin(), lead.end(), '\n'));
      EXPECT_EQ(d.all()[0].location.line, line) << at;
      EXPECT_EQ(d.all()[0].location.column, static_cast<int>(at) + 3) << at;
    }
  }
}

TEST(LoaderTest, AFileIsReadWholeWhateverItsSize) {
  for (size_t size : {size_t{0}, size_t{1}, size_t{4095}, size_t{4096}, kMaxRuleFileBytes}) {
    const std::string path = FileOfSize("whole", size);
    Diagnostics d;
    auto text = ReadRuleFileText(path, d);
    ASSERT_TRUE(text.has_value()) << size;
    EXPECT_EQ(*text, std::string(size, '#'));
    EXPECT_TRUE(d.all().empty());
    std::filesystem::remove(path);
  }
}

TEST(LoaderTest, AFileLongerThanItsStatedSizeIsReadToItsEnd) {
  // Linux's /proc files state a size of 0: the read goes on to the end, not to the stated size.
  Diagnostics d;
  auto text = ReadRuleFileText("/proc/self/status", d);
  ASSERT_TRUE(text.has_value());
  EXPECT_TRUE(text->starts_with("Name:")) << *text;
  EXPECT_NE(text->find("\nPid:"), std::string::npos) << *text;
}

TEST(LoaderTest, AFilePastTheLimitIsE0002WithItsSize) {
  const std::string path = FileOfSize("large", kMaxRuleFileBytes + 1);
  EXPECT_EQ(ReadError(path),
            "E0002 rule file is 1048577 bytes, more than the limit of 1048576 bytes");
  std::filesystem::remove(path);
}

TEST(LoaderTest, AFolderOrAMissingFileIsE0001SayingWhy) {
  EXPECT_EQ(ReadError(std::filesystem::temp_directory_path().string()),
            "E0001 cannot read file: it is a folder");
  EXPECT_EQ(ReadError("/nonexistent/refract/rule.yml"),
            "E0001 cannot read file: No such file or directory");
  EXPECT_EQ(ReadError("/dev/null"),
            "E0001 cannot read file: not a regular file (a pipe, device or socket)");
}

}  // namespace
}  // namespace refract
