// libFuzzer target: hunt's event reader (JSON lines or one JSON array, split and flattened).
// Built by -DREFRACT_FUZZ=ON; run by tools/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/eval/event.h"

namespace {

// A lookup through positions kept across events (as hunt's predicates keep them) must find
// what a search finds, whatever layouts the events have.
void CheckCachedLookups(const refract::eval::Event& event,
                        std::map<std::string, refract::eval::FieldPositions>& caches) {
  std::vector<std::string> names = {"a", "b.c"};
  if (!event.fields.empty()) names.push_back(event.fields.front().first);
  if (event.fields.size() > 1) names.push_back(event.fields.back().first);
  for (const std::string& name : names) {
    std::vector<const refract::eval::FieldValue*> searched, cached;
    event.Find(name, searched);
    event.Find(name, cached, caches[name]);
    if (searched != cached) std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  refract::eval::EventStream stream(in);
  static refract::eval::EventReader* reader = new refract::eval::EventReader;
  std::string text;
  std::string error;
  size_t line = 0;
  // One event reused from line to line, as hunt reuses it: its entries and layout carry over.
  refract::eval::Event event;
  std::map<std::string, refract::eval::FieldPositions> caches;
  while (stream.Next(text, line)) {
    if (reader->Parse(text, event, error)) CheckCachedLookups(event, caches);
  }
  return 0;
}
