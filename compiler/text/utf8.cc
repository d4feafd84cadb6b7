#include "compiler/text/utf8.h"

namespace refract::text {

bool HasControlCharacter(std::string_view text, std::string_view except) {
  for (size_t i = 0; i < text.size(); ++i) {
    // Words of printable ASCII hold none: passed eight bytes at a time.
    while (i + 8 <= text.size() && AllPrintableAscii(LoadEight(text.data() + i))) i += 8;
    if (i >= text.size()) break;
    const auto byte = static_cast<unsigned char>(text[i]);
    if ((byte < 0x20 || byte == 0x7F) && except.find(text[i]) == std::string_view::npos) {
      return true;
    }
  }
  return false;
}

std::string AsciiLower(std::string text) {
  for (auto& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

void AppendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::optional<uint32_t> ReadHex(std::string_view text, size_t* pos, size_t digits) {
  uint32_t value = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = *pos + i < text.size() ? text[*pos + i] : '\0';
    uint32_t d;
    if (c >= '0' && c <= '9') {
      d = static_cast<uint32_t>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      d = static_cast<uint32_t>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      d = static_cast<uint32_t>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
    value = value * 16 + d;
  }
  *pos += digits;
  return value;
}

char32_t DecodeUtf8(std::string_view s, size_t* pos) {
  auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
  unsigned char c = byte(*pos);
  int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
  if (extra == 0 || *pos + static_cast<size_t>(extra) >= s.size()) {
    ++*pos;
    return c;
  }
  char32_t cp = c & (0x3F >> extra);
  for (int i = 1; i <= extra; ++i) {
    const size_t at = *pos + static_cast<size_t>(i);
    if (at >= s.size() || (byte(at) & 0xC0) != 0x80) {
      ++*pos;
      return c;
    }
    cp = (cp << 6) | (byte(at) & 0x3F);
  }
  *pos += static_cast<size_t>(extra) + 1;
  return cp;
}

bool HasNonAsciiCasedLetter(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    // ASCII, nearly all of a rule's values, is passed eight bytes at a time.
    if (i + 8 <= text.size() && !AnyHighBit(LoadEight(text.data() + i))) {
      i += 8;
      continue;
    }
    char32_t cp = DecodeUtf8(text, &i);
    if (cp < 0x80) continue;
    bool caseless = (cp >= 0xA0 && cp <= 0xBF && cp != 0xB5) || cp == 0xD7 || cp == 0xF7 ||
                    (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x9FFF) ||
                    (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1F000 && cp <= 0x1FAFF);
    if (!caseless) return true;
  }
  return false;
}

std::optional<size_t> FirstInvalidUtf8(std::string_view text) {
  // https://www.rfc-editor.org/rfc/rfc3629#section-4 (the syntax of UTF-8 byte sequences)
  for (size_t i = 0; i < text.size();) {
    // Rule files are nearly all ASCII: eight bytes at a time while no high bit is set.
    if (i + 8 <= text.size() && !AnyHighBit(LoadEight(text.data() + i))) {
      i += 8;
      continue;
    }
    const auto b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {
      ++i;
      continue;
    }
    size_t extra = 0;
    unsigned char low = 0x80;  // the allowed range of the second byte
    unsigned char high = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      extra = 1;
    } else if (b >= 0xE0 && b <= 0xEF) {
      extra = 2;
      if (b == 0xE0) low = 0xA0;   // overlong
      if (b == 0xED) high = 0x9F;  // surrogates
    } else if (b >= 0xF0 && b <= 0xF4) {
      extra = 3;
      if (b == 0xF0) low = 0x90;   // overlong
      if (b == 0xF4) high = 0x8F;  // past U+10FFFF
    } else {
      return i;  // a continuation byte, C0/C1 (overlong) or F5-FF
    }
    if (i + extra >= text.size()) return i;  // truncated
    for (size_t k = 1; k <= extra; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      const unsigned char lo = k == 1 ? low : 0x80;
      const unsigned char hi = k == 1 ? high : 0xBF;
      if (c < lo || c > hi) return i;
    }
    i += extra + 1;
  }
  return std::nullopt;
}

}  // namespace refract::text
