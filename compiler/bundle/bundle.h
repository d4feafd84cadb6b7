// `refract bundle`: a run's queries packaged in each platform's import format, with a manifest,
// a rule-by-target coverage table and an ATT&CK Navigator layer. Target-independent: it reads
// the outputs the backends produced.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "compiler/driver/compile.h"

namespace refract {

// Every file of the bundle, by path relative to the bundle folder (sorted, so writing and
// comparing are deterministic). The same results always give the same bytes. A query over its
// platform's documented length limit is left out of that platform's files and reported in
// `left_out` as E0900, naming the limit. The lists queries read from the platform
// (Session::lookups) are written from `lists` in each platform's reference-data form.
std::map<std::string, std::string> BuildBundle(const std::vector<FileResult>& results,
                                               const std::vector<const Backend*>& targets,
                                               Diagnostics* left_out = nullptr,
                                               const ir::Placeholders* lists = nullptr);

}  // namespace refract
