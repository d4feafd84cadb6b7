// IBM QRadar: Ariel Query Language.
#pragma once

#include "backends/backend.h"

namespace refract {

// The AQL backend (target id "aql").
const Backend& AqlBackend();

}  // namespace refract
