// The value modifiers of Sigma 2.1 that refract understands.
#pragma once

#include <string_view>
#include <vector>

namespace refract::ir {

struct ModifierInfo {
  std::string_view name;
  std::string_view summary;
};

// Every modifier name accepted after `field|`, with a one-line meaning, in display order.
const std::vector<ModifierInfo>& KnownModifiers();

}  // namespace refract::ir
