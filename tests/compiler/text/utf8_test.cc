// UTF-8 encoding at each length boundary; expected bytes from RFC 3629's table.
#include "compiler/text/utf8.h"

#include <gtest/gtest.h>

namespace refract::text {
namespace {

std::string Encode(char32_t cp) {
  std::string out;
  AppendUtf8(out, cp);
  return out;
}

TEST(Utf8, EncodesEachLength) {
  EXPECT_EQ(Encode(U'A'), "A");
  EXPECT_EQ(Encode(0x7F), "\x7F");
  EXPECT_EQ(Encode(0x80), "\xC2\x80");
  EXPECT_EQ(Encode(0xE9), "\xC3\xA9");  // é
  EXPECT_EQ(Encode(0x7FF), "\xDF\xBF");
  EXPECT_EQ(Encode(0x800), "\xE0\xA0\x80");
  EXPECT_EQ(Encode(0x20AC), "\xE2\x82\xAC");  // €
  EXPECT_EQ(Encode(0xFFFF), "\xEF\xBF\xBF");
  EXPECT_EQ(Encode(0x10000), "\xF0\x90\x80\x80");
  EXPECT_EQ(Encode(0x1F600), "\xF0\x9F\x98\x80");  // 😀
  EXPECT_EQ(Encode(0x10FFFF), "\xF4\x8F\xBF\xBF");
}

TEST(Utf8, ReadsHexDigitsAndMovesPastThem) {
  size_t pos = 1;
  EXPECT_EQ(ReadHex("x00e9z", &pos, 4), 0xE9u);
  EXPECT_EQ(pos, 5u);
  pos = 0;
  EXPECT_EQ(ReadHex("FfA0", &pos, 4), 0xFFA0u);
  pos = 0;
  EXPECT_EQ(ReadHex("0010FFFF", &pos, 8), 0x10FFFFu);
  pos = 0;
  EXPECT_EQ(ReadHex("0g", &pos, 2), std::nullopt);  // not a hex digit
  EXPECT_EQ(pos, 0u);
  EXPECT_EQ(ReadHex("a", &pos, 2), std::nullopt);  // too short
  EXPECT_EQ(pos, 0u);
}

}  // namespace
}  // namespace refract::text
