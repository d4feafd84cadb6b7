// Sigma correlation rules (specification 2.1): parsing and validation of one YAML document.
#pragma once

#include <optional>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/load/yaml_tree.h"
#include "compiler/parse/ast.h"

namespace refract {

// The correlation types of Sigma 2.1.
const std::vector<std::string_view>& CorrelationTypes();

// Parses a document that has a `correlation` key; reports E0610..E0615 at the offending key and
// returns nullopt on error.
std::optional<ast::Correlation> ParseCorrelation(const yaml::Node& document,
                                                 const SourceFile& source,
                                                 Diagnostics& diagnostics);

// Reads the `aggregate` extension's measures, condition, window and columns into `c`.
void ParseAggregate(const yaml::Node& body, const SourceFile& source, Diagnostics& diagnostics,
                    ast::Correlation& c);

// Parses a Sigma timespan (`30s`, `10m`, `1h`, `2d`, and pySigma's `1w`, `1M`, `1y`) into
// seconds; nullopt when malformed.
std::optional<long long> ParseTimespan(std::string_view text);

}  // namespace refract
