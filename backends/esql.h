// Elastic Security: ES|QL (Elasticsearch Query Language).
#pragma once

#include "backends/backend.h"

namespace refract {

// The ES|QL backend (target id "esql").
const Backend& EsqlBackend();

}  // namespace refract
