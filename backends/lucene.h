// Elastic / OpenSearch: Lucene query string (Kibana's "Lucene" mode).
#pragma once

#include "backends/backend.h"

namespace refract {

// The Lucene query-string backend (target id "lucene").
const Backend& LuceneBackend();

}  // namespace refract
