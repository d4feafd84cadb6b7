// `refract check --format sarif`: diagnostics as a SARIF 2.1.0 log for code scanning.
// https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"

namespace refract {

// One checked file and what was found in it.
struct SarifFile {
  std::string path;
  const Diagnostics* diagnostics;
};

// The SARIF log of every diagnostic of `files`; `severity` gives the level each is reported at.
// Paths under `base_dir` (absolute; the working directory) are written relative to the
// %SRCROOT% base, which the log maps to `base_dir`, so code scanning places them in the tree.
std::string RenderSarif(const std::vector<SarifFile>& files,
                        const std::function<Severity(const Diagnostic&)>& severity,
                        const std::string& base_dir);

}  // namespace refract
