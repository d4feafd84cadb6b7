// Microsoft Sentinel / Defender XDR: Kusto Query Language.
#pragma once

#include "backends/backend.h"

namespace refract {

// The KQL backend (target id "kql").
const Backend& KqlBackend();

}  // namespace refract
