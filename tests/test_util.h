// Helpers shared by the tests: compile rule text in one call, and diff texts readably.
#pragma once

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
// diagnostics when there is no query.
std::string KqlWhere(std::string_view detection, std::string_view logsource =
                                                     "{product: windows, category: "
                                                     "process_creation}");

// A unified diff of two texts, for golden-file failures.
std::string UnifiedDiff(const std::string& expected, const std::string& actual);

}  // namespace refract::testing
