// Pieces the refract subcommands share: exit codes, argument helpers, finding rule files.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/driver/run.h"

namespace refract::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitRuleErrors = 1;  // a rule has errors, a check failed, a bundle is stale
inline constexpr int kExitUsage = 2;

// Prints `message` and a pointer to --help; returns kExitUsage.
int UsageError(const std::string& message);

// "a,b,,c" → {"a", "b", "c"}.
std::vector<std::string> SplitCommas(const std::string& text);

// Writes `text` to `path` through a temporary file, so a failure leaves no partial file.
bool WriteAtomically(const std::filesystem::path& path, const std::string& text);

}  // namespace refract::cli
