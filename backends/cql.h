// CrowdStrike Falcon LogScale / Next-Gen SIEM: CrowdStrike Query Language.
#pragma once

#include "backends/backend.h"

namespace refract {

// The LogScale backend (target id "cql").
const Backend& CqlBackend();

}  // namespace refract
