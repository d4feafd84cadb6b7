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

TEST(Utf8Test, FirstInvalidFindsEveryKindOfBadSequence) {
  EXPECT_EQ(FirstInvalidUtf8("plain ascii"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"), std::nullopt);
  EXPECT_EQ(FirstInvalidUtf8("a\xC0\xAF"), 1u);          // overlong '/'
  EXPECT_EQ(FirstInvalidUtf8("ab\xE0\x80\xAF"), 2u);     // overlong, three bytes
  EXPECT_EQ(FirstInvalidUtf8("\xED\xA0\xBD"), 0u);       // a surrogate (CESU-8)
  EXPECT_EQ(FirstInvalidUtf8("x\xF4\x90\x80\x80"), 1u);  // past U+10FFFF
  EXPECT_EQ(FirstInvalidUtf8("x\x80"), 1u);              // a stray continuation byte
  EXPECT_EQ(FirstInvalidUtf8("x\xC3"), 1u);              // truncated at the end
  EXPECT_EQ(FirstInvalidUtf8("\xC3x"), 0u);              // a continuation byte missing
  EXPECT_EQ(FirstInvalidUtf8("\xFF"), 0u);
}

TEST(Utf8Test, WordTestsAgreeWithTheByteTestsForEveryByteAtEveryPlace) {
  // Each byte value at each of the eight places of a word of printable ASCII around it.
  for (int value = 0; value < 256; ++value) {
    const auto b = static_cast<unsigned char>(value);
    const bool printable = b >= 0x20 && b <= 0x7E;
    for (size_t at = 0; at < 8; ++at) {
      for (char around : {' ', 'A', '~'}) {
        std::string word(8, around);
        word[at] = static_cast<char>(b);
        EXPECT_EQ(AllPrintableAscii(LoadEight(word.data())), printable) << value << " at " << at;
        EXPECT_EQ(AnyHighBit(LoadEight(word.data())), b >= 0x80) << value << " at " << at;
        for (int probe : {0x22, 0x5C, 0, 0xFF}) {  // '"', backslash, NUL, a high byte
          const auto byte = static_cast<unsigned char>(probe);
          EXPECT_EQ(HasByte(LoadEight(word.data()), byte),
                    b == byte || static_cast<unsigned char>(around) == byte)
              << value << " at " << at << " probe " << probe;
        }
      }
    }
  }
}

TEST(Utf8Test, FirstInvalidIsFoundAtEveryOffsetPastRunsOfAscii) {
  for (size_t at = 0; at < 40; ++at) {
    std::string text(at, 'a');
    EXPECT_EQ(FirstInvalidUtf8(text + "\x80" + std::string(20, 'b')), at);
    EXPECT_EQ(FirstInvalidUtf8(text + "\xC3\xA9" + std::string(20, 'b')), std::nullopt);
    EXPECT_EQ(FirstInvalidUtf8(text + "\xC3\xA9\xFF" + std::string(9, 'b')), at + 2);
  }
}

TEST(Utf8Test, DecodeAndCasedLetters) {
  size_t pos = 0;
  EXPECT_EQ(DecodeUtf8("\xC3\xA9x", &pos), U'\u00E9');
  EXPECT_EQ(pos, 2u);
  pos = 0;
  EXPECT_EQ(DecodeUtf8("\xC3x", &pos), 0xC3u);  // no continuation: the byte itself
  EXPECT_EQ(pos, 1u);
  EXPECT_FALSE(HasNonAsciiCasedLetter("ABC \xE2\x80\x94 \xE4\xB8\xAD"));  // dash, CJK
  EXPECT_TRUE(
      HasNonAsciiCasedLetter("stra\xC3\x9F"
                             "e"));  // ß
}

TEST(HasControlCharacter, IsFoundAtEveryOffsetPastPlainText) {
  for (size_t at = 0; at < 20; ++at) {
    const std::string plain(at, 'a');
    EXPECT_TRUE(HasControlCharacter(plain + "\x7f" + "bbbbbbbbb")) << at;
    EXPECT_FALSE(HasControlCharacter(plain + "\t" + "bbbbbbbbb", "\t")) << at;
    EXPECT_FALSE(HasControlCharacter(plain + "\xC3\xA9" + "bbbbbbbbb")) << at;
    EXPECT_TRUE(HasNonAsciiCasedLetter(plain + "\xC3\xA9" + "bbbbbbbbb")) << at;
    EXPECT_FALSE(HasNonAsciiCasedLetter(plain + "\xE2\x80\x94" + "bbbbbbbbb")) << at;
  }
}

TEST(HasControlCharacter, C0AndDelUnlessExcepted) {
  EXPECT_FALSE(HasControlCharacter("plain text ~"));
  EXPECT_TRUE(HasControlCharacter(std::string("a\0b", 3)));
  EXPECT_TRUE(HasControlCharacter("tab\there"));
  EXPECT_TRUE(HasControlCharacter("del\x7f"));
  EXPECT_FALSE(HasControlCharacter("tab\there", "\t"));
  EXPECT_TRUE(HasControlCharacter("tab\t\x01", "\t"));
  EXPECT_FALSE(HasControlCharacter("\xc3\xa9"));  // é: bytes past 0x7F are not controls
}

}  // namespace
}  // namespace refract::text
