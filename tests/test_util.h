// Helpers shared by the tests: compile rule text in one call, and diff texts readably.
#pragma once

#include <filesystem>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/driver/compile.h"

namespace refract::testing {

// Compiles `yaml` (read as if from `path`) for `targets` and returns, per target in order, the
// outputs followed by every rendered diagnostic, so one string pins down the whole result.
std::string CompileToText(std::string_view yaml, std::vector<std::string> targets = {"kql"},
                          EmitStage stage = EmitStage::kQuery,
                          const std::string& path = "rule.yml");

// Wraps a detection body (the lines under `detection:`) into a whole rule for `logsource`.
std::string RuleWithDetection(std::string_view detection, std::string_view logsource =
                                                              "{product: windows, category: "
                                                              "process_creation}");

// Compiles a rule made of `detection` and returns only the KQL `where` clause text, or the
// diagnostics when there is no query; diagnostics other than a custom table's W0401 follow
// the clause.
std::string KqlWhere(std::string_view detection, std::string_view logsource =
                                                     "{product: windows, category: "
                                                     "process_creation}");

// Edits `text` at random for robustness tests: 1 to `max_edits` times, erases up to
// `max_erase` characters, inserts one of `junk`, or repeats up to `max_copy` characters before
// The first query of `detection` over Entra ID sign-ins on `target`, with `lists` as placeholder
// values read from the platform as refract bundle reads them (Session::lookups), and the lists
// it reads; the text starts with "no output" when there is no query.
std::pair<std::string, std::vector<std::string>> CompileWithLists(std::string_view target,
                                                                  std::string_view detection,
                                                                  const ir::Placeholders& lists);

// the position. Deterministic for a given generator state.
std::string Mutate(std::string text, const std::vector<std::string>& junk, std::mt19937& random,
                   int max_edits, size_t max_erase, size_t max_copy);

// The whole file at `path` (empty when it cannot be read).
std::string ReadFile(const std::filesystem::path& path);

// The texts of the `.yml` files below `folders` (paths relative to the source tree), sorted so
// that seeded tests see them in the same order everywhere.
std::vector<std::string> ReadYmlFiles(const std::vector<std::string>& folders);

// The title of the YAML document of `text` that holds `line` (1-based), for attributing a
// diagnostic to its rule.
std::string TitleAt(const std::string& text, int line);

// The cells of a Markdown table row `| a | b |`, trimmed; `\|` does not split.
std::vector<std::string> TableCells(const std::string& row);

// A unified diff of two texts, for golden-file failures.
std::string UnifiedDiff(const std::string& expected, const std::string& actual);

}  // namespace refract::testing
