// Stage "parse": YAML documents into rule ASTs.
#pragma once

#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/load/loader.h"
#include "compiler/parse/ast.h"

namespace refract {

// Parses every detection rule in `doc`. Documents that are not detection rules (correlations,
// filters) are reported. A rule with errors is returned with `has_errors` set, so later stages
// can report the rest of its problems; it must not be translated.
std::vector<ast::Rule> ParseRules(const RuleDoc& doc, Diagnostics& diagnostics);

// Parses one search (a map or list of maps of `field|modifiers: values`) named by `key`.
std::optional<ast::Search> ParseSelection(const yaml::Node& key, const yaml::Node& value,
                                          const SourceFile& source, Diagnostics& diagnostics);

// Detection rules and correlation rules of one file.
struct ParsedDocuments {
  std::vector<ast::Rule> rules;
  std::vector<ast::Correlation> correlations;
  std::vector<ast::Rule> filters;  // Sigma filters: `filter` holds their detection
};

// Parses every document of `doc`: detection rules as ParseRules does, correlation rules with
// ParseCorrelation. Sigma filters are reported as not implemented.
ParsedDocuments ParseDocuments(const RuleDoc& doc, Diagnostics& diagnostics);

}  // namespace refract
