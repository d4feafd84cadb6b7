// libFuzzer target: the condition parser (the ANTLR grammar and its UTF-8 conversion). Built by
// -DREFRACT_FUZZ=ON; run by tools/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/parse/condition_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  refract::Diagnostics diagnostics;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  refract::ParseCondition(
      text,
      [](size_t offset, size_t length) {
        return refract::SourceLocation{"fuzz.yml", 1, static_cast<int>(offset) + 1,
                                       static_cast<int>(length)};
      },
      diagnostics);
  return 0;
}
