// Concatenation of small strings in one allocation.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace refract::text {

// The pieces one after another, sized once: what fmt::format("{}{}…") writes, without parsing
// a format string and copying through a buffer, for the small strings emitters build per value.
inline std::string Cat(std::initializer_list<std::string_view> pieces) {
  size_t size = 0;
  for (std::string_view piece : pieces) size += piece.size();
  std::string out;
  out.reserve(size);
  for (std::string_view piece : pieces) out.append(piece);
  return out;
}

}  // namespace refract::text
