// The condition string of a detection, parsed with the ANTLR grammar in grammar/.
#pragma once

#include <functional>
#include <optional>
#include <string_view>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/parse/ast.h"

namespace refract {

// Maps a byte range of the condition text to its place in the rule file.
using ConditionLocator = std::function<SourceLocation(size_t offset, size_t length)>;

// Longest condition accepted and deepest nesting of parentheses and `not`; both keep the
// recursive parser and the later stages far from the stack's end.
inline constexpr size_t kMaxConditionBytes = 16 * 1024;
inline constexpr int kMaxConditionDepth = 64;

// Parses `text`; on failure reports E0300 (syntax), E0303 (too deep or long) or E0304 (legacy
// aggregation pipe) at the offending token and returns nullopt.
std::optional<ast::Condition> ParseCondition(std::string_view text, const ConditionLocator& locate,
                                             Diagnostics& diagnostics);

}  // namespace refract
