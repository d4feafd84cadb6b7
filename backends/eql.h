// Elastic Security: Event Query Language.
#pragma once

#include "backends/backend.h"

namespace refract {

// The EQL backend (target id "eql").
const Backend& EqlBackend();

}  // namespace refract
