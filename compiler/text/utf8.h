// UTF-8 encoding shared by the stages that build text from code points (YAML escapes, regex
// literals).
#pragma once

#include <string>

namespace refract::text {

// Appends code point `cp` (at most U+10FFFF) to `out` as UTF-8.
void AppendUtf8(std::string& out, char32_t cp);

}  // namespace refract::text
