// The explicit list of targets: adding a SIEM is one line here.
#include <fmt/format.h>

#include "backends/aql.h"
#include "backends/backend.h"
#include "backends/cql.h"
#include "backends/eql.h"
#include "backends/kql.h"
#include "backends/lucene.h"
#include "backends/spl.h"
#include "backends/sumo.h"
#include "backends/yaral.h"

namespace refract {

const std::vector<const Backend*>& AllBackends() {
  static const std::vector<const Backend*> kBackends = {
      &KqlBackend(), &SplBackend(),  &EqlBackend(),   &LuceneBackend(),
      &AqlBackend(), &SumoBackend(), &YaralBackend(), &CqlBackend(),
  };
  return kBackends;
}

const Backend* FindBackend(std::string_view id) {
  for (const Backend* backend : AllBackends()) {
    if (backend->id() == id) return backend;
  }
  return nullptr;
}

void EmitContext::Unsupported(const SourceLocation& where, const std::string& construct) const {
  diagnostics.Error("E0500", where, fmt::format("target '{}' cannot express {}", target, construct),
                    {fmt::format("rule '{}' has no {} query", rule.info.title, target)});
}

}  // namespace refract
