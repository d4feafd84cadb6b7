// UTF-8 encoding, and the hex escapes that name code points, shared by the stages that build
// text from code points (YAML escapes, regex literals).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace refract::text {

// Appends code point `cp` (at most U+10FFFF) to `out` as UTF-8.
void AppendUtf8(std::string& out, char32_t cp);

// Reads exactly `digits` hex digits (at most 8) of `text` at `*pos` and moves `*pos` past them;
// nullopt, with `*pos` unchanged, when any of them is not a hex digit.
std::optional<uint32_t> ReadHex(std::string_view text, size_t* pos, size_t digits);

}  // namespace refract::text
