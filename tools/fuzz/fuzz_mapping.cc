// libFuzzer target: the readers of user-supplied mapping and placeholder files; the first byte
// chooses which. Built by -DREFRACT_FUZZ=ON; run by tools/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/mapping/mapping.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  refract::Diagnostics diagnostics;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  if (data[0] % 2 == 0) {
    refract::TargetMapping::Parse("fuzz.yaml", text, diagnostics);
  } else {
    refract::ParsePlaceholders("fuzz.yaml", text, diagnostics);
  }
  return 0;
}
