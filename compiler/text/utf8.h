// UTF-8 decoding and encoding, one table of caseless code points, and the hex escapes that name
// code points: shared by every stage that reads or builds text code point by code point.
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>
#include <string_view>

namespace refract::text {

// Decodes the UTF-8 sequence at `*pos` and moves `*pos` past it; a byte that starts no complete
// sequence is returned as itself and skipped alone.
char32_t DecodeUtf8(std::string_view text, size_t* pos);

// True when `text` has a letter whose case ASCII folding does not cover: a non-ASCII code point
// outside the caseless ranges (Latin-1 punctuation, general punctuation and symbols, CJK,
// Hangul, emoji); unknown ranges count as cased, to be safe.
bool HasNonAsciiCasedLetter(std::string_view text);

// The eight bytes at `p` as one word, for scanning text a word at a time.
inline uint64_t LoadEight(const char* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

// Whether a byte of `word` is not ASCII (has its high bit set).
inline bool AnyHighBit(uint64_t word) { return (word & 0x8080808080808080ULL) != 0; }

// Whether every byte of `word` is printable ASCII (0x20-0x7E), exactly: the tests for a byte
// below 0x20 and above 0x7E are "hasless" and "hasmore" of
// https://graphics.stanford.edu/~seander/bithacks.html#HasLessInWord.
inline bool AllPrintableAscii(uint64_t word) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  constexpr uint64_t kHigh = 0x8080808080808080ULL;
  const uint64_t below_space = (word - kOnes * 0x20) & ~word & kHigh;
  const uint64_t above_tilde = ((word + kOnes * (0x7F - 0x7E)) | word) & kHigh;
  return (below_space | above_tilde) == 0;
}

// Whether a byte of `word` is `byte`, exactly ("haszero" of the word XOR the byte in every lane,
// https://graphics.stanford.edu/~seander/bithacks.html#ValueInWord).
inline bool HasByte(uint64_t word, unsigned char byte) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t lanes = word ^ (kOnes * byte);
  return ((lanes - kOnes) & ~lanes & 0x8080808080808080ULL) != 0;
}

// The byte offset of the first sequence in `text` that is not valid UTF-8 (a stray
// continuation byte, a truncated sequence, an overlong form such as C0 AF for `/`, a surrogate
// D800-DFFF, or a code point past U+10FFFF), or nullopt when all of it is valid.
std::optional<size_t> FirstInvalidUtf8(std::string_view text);

// True when `text` has an ASCII control character (U+0000-U+001F or DEL) not in `except`.
bool HasControlCharacter(std::string_view text, std::string_view except = "");

// `text` with the ASCII letters lower-cased and every other byte as it is: the folding of the
// targets' LOWER() that refract relies on where HasNonAsciiCasedLetter is false.
std::string AsciiLower(std::string text);

// Appends code point `cp` (at most U+10FFFF) to `out` as UTF-8.
void AppendUtf8(std::string& out, char32_t cp);

// Reads exactly `digits` hex digits (at most 8) of `text` at `*pos` and moves `*pos` past them;
// nullopt, with `*pos` unchanged, when any of them is not a hex digit.
std::optional<uint32_t> ReadHex(std::string_view text, size_t* pos, size_t digits);

}  // namespace refract::text
