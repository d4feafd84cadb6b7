// libFuzzer target: hunt's event reader (JSON lines or one JSON array, split and flattened).
// Built by -DREFRACT_FUZZ=ON; run by tools/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "compiler/eval/event.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  refract::eval::EventStream stream(in);
  static refract::eval::EventReader* reader = new refract::eval::EventReader;
  std::string text;
  std::string error;
  size_t line = 0;
  while (stream.Next(text, line)) {
    refract::eval::Event event;
    reader->Parse(text, event, error);
  }
  return 0;
}
