// Splunk: Search Processing Language.
#pragma once

#include "backends/backend.h"

namespace refract {

// The SPL backend (target id "spl").
const Backend& SplBackend();

}  // namespace refract
