// Stage "lower": the rule AST into IR, with modifiers applied and `x of` expanded.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/ir/ir.h"
#include "compiler/parse/ast.h"

namespace refract::ir {

// Values for `|expand` placeholders, by name without the percent signs.
using Placeholders = std::map<std::string, std::vector<std::string>>;

struct LowerOptions {
  const Placeholders* placeholders = nullptr;
};

// Lowers one rule; every problem is reported, and nullopt returned if any was an error.
std::optional<Rule> Lower(const ast::Rule& rule, const LowerOptions& options,
                          Diagnostics& diagnostics);

// Parses a Sigma string value: `*` and `?` are wildcards, `\` escapes `*`, `?` and `\`.
Pattern ParseSigmaString(std::string_view text);

// Validates an IPv4 or IPv6 network in CIDR notation; sets `ipv6`.
bool ParseCidr(std::string_view text, bool* ipv6);

}  // namespace refract::ir
