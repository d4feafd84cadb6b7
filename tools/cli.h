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
// Prints `message` (an input that cannot be read, such as a missing path); returns
// kExitRuleErrors, since exit 2 is only for a command line refract cannot parse.
int InputError(const std::string& message);

// The usage error for a run that found no rule in `paths` (an empty folder or file), so a CI job
// cannot pass on nothing; returns kExitUsage.
int NoRulesError(const std::vector<std::string>& paths, std::string_view what = "rule files");

// True when no file of `results` holds a YAML document.
bool HoldsNoDocument(const std::vector<FileResult>& results);

// The usage error for an option `command` does not take, with the closest of `known` as a
// did-you-mean; returns kExitUsage.
int UnknownOption(const std::string& option, const std::string& command,
                  const std::vector<std::string_view>& known);

// --color: auto (a terminal, NO_COLOR unset, TERM not dumb), always or never.
enum class ColorMode { kAuto, kAlways, kNever };
void SetColorMode(ColorMode mode);
// Whether diagnostics written to file descriptor `fd` are coloured.
bool ColorFor(int fd);

// "a,b,,c" → {"a", "b", "c"}.
std::vector<std::string> SplitCommas(const std::string& text);

// Writes `text` to `path` through a temporary file beside it (`.NAME.refract-tmp-PID`), so a
// failure leaves no partial file; returns the reason when it cannot.
std::optional<std::string> WriteAtomically(const std::filesystem::path& path,
                                           const std::string& text);

// The most files WriteAllAtomically writes at once.
inline constexpr int kWriterSlots = 4;

// Writes each (path, text) of `files` as WriteAtomically does, on up to `threads` threads (at
// most kWriterSlots), each folder made once; the first failure in `files` order, as its path
// and reason. Files after a failure may or may not be written.
std::optional<std::pair<std::string, std::string>> WriteAllAtomically(
    const std::vector<std::pair<std::filesystem::path, const std::string*>>& files,
    unsigned threads);

// Makes SIGINT, SIGTERM and SIGHUP stop the writers: a file being written is finished (renamed
// into place, or removed) and no other is begun, so no temporary file is left when the process
// then ends as the signal says.
void FinishWritesOnSignal();

// Removes the temporary files that runs which are no longer alive left under `dir` (a run killed
// with SIGKILL cannot remove its own).
void RemoveStaleTemporaries(const std::filesystem::path& dir);

}  // namespace refract::cli
