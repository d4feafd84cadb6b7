// libFuzzer target: rule loading (UTF-8 check, both YAML readers, the tree's checks) and
// parsing into the syntax tree. Built by -DREFRACT_FUZZ=ON; run by tools/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/load/loader.h"
#include "compiler/parse/rule_parser.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  refract::Diagnostics diagnostics;
  auto doc = refract::LoadRuleText(
      "fuzz.yml", std::string(reinterpret_cast<const char*>(data), size), diagnostics);
  if (doc) refract::ParseDocuments(*doc, diagnostics);
  return 0;
}
