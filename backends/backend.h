// What every target backend implements, and the per-conversion context it receives.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/ir/ir.h"
#include "compiler/mapping/mapping.h"

namespace refract {

// Everything one conversion needs; a backend keeps no state between rules.
struct EmitContext {
  const ir::Rule& rule;
  const TargetMapping& mapping;
  Diagnostics& diagnostics;
  std::string_view target;

  // Reports E0500: the target cannot express `construct` used at `where`.
  void Unsupported(const SourceLocation& where, const std::string& construct) const;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // The target id used on the command line, e.g. "kql".
  virtual std::string_view id() const = 0;
  // The platform and language, for `refract list targets`.
  virtual std::string_view description() const = 0;
  // File extension for one query written with -o.
  virtual std::string_view extension() const = 0;
  // Returns the query for ctx.rule, or nullopt after reporting why it cannot be expressed.
  virtual std::optional<std::string> Emit(const EmitContext& ctx) const = 0;
};

// Every registered backend, in registry order.
const std::vector<const Backend*>& AllBackends();
// The backend with `id`, or null.
const Backend* FindBackend(std::string_view id);

}  // namespace refract
