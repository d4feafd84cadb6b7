#include "compiler/parse/correlation_parser.h"

#include <fmt/format.h>

#include "compiler/load/loader.h"

namespace refract {

const std::vector<std::string_view>& CorrelationTypes() {
  static const std::vector<std::string_view> kTypes = {
      "event_count", "value_count", "temporal",        "temporal_ordered",
      "value_sum",   "value_avg",   "value_percentile"};
  return kTypes;
}

std::optional<long long> ParseTimespan(std::string_view text) {
  if (text.size() < 2 || text.size() > 12) return std::nullopt;
  long long n = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    n = n * 10 + (text[i] - '0');
  }
  switch (text.back()) {
    case 's':
      return n;
    case 'm':
      return n * 60;
    case 'h':
      return n * 3600;
    case 'd':
      return n * 86400;
    case 'w':
      return n * 7 * 86400;
    case 'M':
      return n * 30 * 86400;
    case 'y':
      return n * 365 * 86400;
    default:
      return std::nullopt;
  }
}

namespace {

std::string Text(const YAML::Node& node) {
  return node.IsDefined() && node.IsScalar() ? node.Scalar() : "";
}

std::vector<std::string> List(const YAML::Node& node) {
  std::vector<std::string> out;
  if (!node.IsDefined()) return out;
  if (node.IsScalar()) out.push_back(node.Scalar());
  if (node.IsSequence()) {
    for (const auto& item : node) {
      if (item.IsScalar()) out.push_back(item.Scalar());
    }
  }
  return out;
}

}  // namespace

std::optional<ast::Correlation> ParseCorrelation(const YAML::Node& document,
                                                 const SourceFile& source,
                                                 Diagnostics& diagnostics) {
  int errors_before = diagnostics.error_count();
  auto where = [&](const YAML::Node& node) { return LocationOf(source, node.Mark()); };
  ast::Correlation c;
  c.location = where(document);
  c.title = Text(document["title"]);
  c.id = Text(document["id"]);
  c.name = Text(document["name"]);
  c.status = Text(document["status"]);
  c.description = Text(document["description"]);
  c.author = Text(document["author"]);
  c.level = Text(document["level"]);
  c.tags = List(document["tags"]);
  c.falsepositives = List(document["falsepositives"]);
  const YAML::Node body = document["correlation"];
  if (!body.IsMap()) {
    diagnostics.Error("E0610", where(body), "'correlation' must be a map");
    return std::nullopt;
  }
  if (c.title.empty()) diagnostics.Error("E0200", c.location, "correlation rule has no 'title'");

  const YAML::Node type = body["type"];
  c.type = Text(type);
  const auto& types = CorrelationTypes();
  if (std::find(types.begin(), types.end(), c.type) == types.end()) {
    std::vector<std::string> notes;
    std::string hint = ClosestMatch(c.type, types);
    if (!hint.empty()) notes.push_back(fmt::format("did you mean '{}'?", hint));
    notes.push_back(
        "the types are event_count, value_count, temporal, temporal_ordered, "
        "value_sum, value_avg and value_percentile");
    diagnostics.Error("E0610", type.IsDefined() ? where(type) : where(body),
                      c.type.empty() ? std::string("correlation has no 'type'")
                                     : fmt::format("unknown correlation type '{}'", c.type),
                      notes);
  }

  const YAML::Node rules = body["rules"];
  if (rules.IsDefined() && rules.IsSequence()) {
    for (const auto& r : rules) {
      if (!r.IsScalar()) continue;
      ast::Scalar ref;
      ref.text = r.Scalar();
      ref.location = where(r);
      ref.location.length = static_cast<int>(ref.text.size());
      c.rules.push_back(std::move(ref));
    }
  } else if (rules.IsDefined() && rules.IsScalar()) {
    c.rules.push_back({ast::ScalarKind::kString, rules.Scalar(), where(rules)});
  }
  if (c.rules.empty()) {
    diagnostics.Error("E0611", where(body), "correlation names no 'rules'");
  }
  bool temporal = c.type == "temporal" || c.type == "temporal_ordered";
  if (temporal && c.rules.size() < 2 && !c.rules.empty()) {
    diagnostics.Error("E0611", where(rules), fmt::format("'{}' needs at least two rules", c.type));
  }

  c.group_by = List(body["group-by"]);

  const YAML::Node timespan = body["timespan"];
  c.timespan = Text(timespan);
  auto seconds = ParseTimespan(c.timespan);
  if (!seconds || *seconds <= 0) {
    diagnostics.Error("E0612", timespan.IsDefined() ? where(timespan) : where(body),
                      c.timespan.empty() ? std::string("correlation has no 'timespan'")
                                         : fmt::format("invalid timespan '{}'", c.timespan),
                      {"write a number and a unit: 30s, 10m, 1h, 2d"});
  } else {
    c.timespan_seconds = *seconds;
  }

  const YAML::Node condition = body["condition"];
  if (condition.IsDefined() && condition.IsMap()) {
    for (auto it = condition.begin(); it != condition.end(); ++it) {
      std::string key = it->first.Scalar();
      if (key == "field") {
        c.field = Text(it->second);
        continue;
      }
      if (key == "percentile") {
        c.percentile = Text(it->second);
        continue;
      }
      static const std::vector<std::string_view> kOps = {"gt", "gte", "lt", "lte", "eq", "neq"};
      std::string value = Text(it->second);
      char* end = nullptr;
      std::strtod(value.c_str(), &end);
      bool numeric = !value.empty() && end == value.c_str() + value.size();
      if (std::find(kOps.begin(), kOps.end(), key) == kOps.end() || !numeric) {
        diagnostics.Error("E0613", where(it->first),
                          numeric ? fmt::format("unknown condition operator '{}'", key)
                                  : fmt::format("condition '{}' needs a number", key),
                          {"use gt, gte, lt, lte, eq or neq with a number"});
        continue;
      }
      c.condition.push_back({key, value});
    }
  } else if (condition.IsDefined()) {
    diagnostics.Error("E0613", where(condition),
                      "an extended condition expression is not supported; use a map like "
                      "{gte: 10}");
  }
  if (c.condition.empty() && !temporal) {
    diagnostics.Error("E0613", where(body), "correlation has no 'condition'");
  }
  if (c.condition.empty() && temporal) {
    // Specification: a temporal correlation without a condition needs every rule.
    c.condition.push_back({"gte", std::to_string(c.rules.size())});
  }
  bool needs_field = c.type == "value_count" || c.type == "value_sum" || c.type == "value_avg" ||
                     c.type == "value_percentile";
  if (needs_field && c.field.empty()) {
    diagnostics.Error("E0615", where(condition.IsDefined() ? condition : body),
                      fmt::format("'{}' needs 'field' in its condition", c.type));
  }
  if (c.type == "value_percentile" && c.percentile.empty()) {
    diagnostics.Error("E0615", where(condition.IsDefined() ? condition : body),
                      "'value_percentile' needs 'percentile' in its condition");
  }

  const YAML::Node aliases = body["aliases"];
  if (aliases.IsDefined() && aliases.IsMap()) {
    for (auto it = aliases.begin(); it != aliases.end(); ++it) {
      const YAML::Node per_rule = it->second;
      if (!per_rule.IsMap()) continue;
      for (auto r = per_rule.begin(); r != per_rule.end(); ++r) {
        c.aliases[it->first.Scalar()][r->first.Scalar()] = Text(r->second);
      }
    }
  }
  const YAML::Node generate =
      body["generate"].IsDefined() ? body["generate"] : document["generate"];
  c.generate = Text(generate) == "true";
  if (diagnostics.error_count() != errors_before) return std::nullopt;
  return c;
}

}  // namespace refract
