// Google SecOps (Chronicle): YARA-L 2.0 rules.
#pragma once

#include "backends/backend.h"

namespace refract {

// The YARA-L 2.0 backend (target id "yaral").
const Backend& YaralBackend();

}  // namespace refract
