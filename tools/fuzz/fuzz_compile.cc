// libFuzzer target: one rule file through every stage to every backend (load, parse, lower,
// map, simplify, emit), correlations included. Built by -DREFRACT_FUZZ=ON; run by tools/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "compiler/driver/compile.h"

namespace {

// The session every input shares: all backends and the shipped mappings, built once.
const refract::Session& AllTargets() {
  static const refract::Session* session = [] {
    auto* s = new refract::Session;
    s->backends = refract::AllBackends();
    refract::Diagnostics setup;
    if (!s->Init({}, setup)) __builtin_trap();
    return s;
  }();
  return *session;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::vector<refract::FileResult> results;
  results.push_back(refract::CompileText(
      "fuzz.yml", std::string(reinterpret_cast<const char*>(data), size), AllTargets()));
  refract::CompileCorrelations(results, AllTargets());
  return 0;
}
