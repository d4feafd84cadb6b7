// Sumo Logic: log search query language.
#pragma once

#include "backends/backend.h"

namespace refract {

// The Sumo Logic backend (target id "sumo").
const Backend& SumoBackend();

}  // namespace refract
