#include "compiler/check/lint.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

#include "compiler/check/attack.h"
#include "compiler/load/loader.h"

namespace refract {
namespace {

bool IsUuid(std::string_view text) {
  if (text.size() != 36) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !std::isxdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  return true;
}

// Sigma dates: YYYY-MM-DD (the specification; YYYY/MM/DD is still accepted by its tools).
bool IsDate(std::string_view text) {
  if (text.size() != 10 || (text[4] != '-' && text[4] != '/') || text[7] != text[4]) return false;
  for (size_t i : {0u, 1u, 2u, 3u, 5u, 6u, 8u, 9u}) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
  }
  int month = (text[5] - '0') * 10 + (text[6] - '0');
  int day = (text[8] - '0') * 10 + (text[9] - '0');
  return month >= 1 && month <= 12 && day >= 1 && day <= 31;
}

// A search is used when the condition names it, or a `1 of`/`all of` pattern or `them` covers
// it.
bool Covers(const std::string& pattern, const std::string& name) {
  if (pattern == "them") return true;
  if (!pattern.empty() && pattern.back() == '*') {
    return name.compare(0, pattern.size() - 1, pattern, 0, pattern.size() - 1) == 0;
  }
  return pattern == name;
}

void CollectUses(const ast::Condition& c, std::vector<std::string>& uses) {
  if (c.kind == ast::Condition::Kind::kRef || c.kind == ast::Condition::Kind::kOneOf ||
      c.kind == ast::Condition::Kind::kAllOf) {
    uses.push_back(c.name);
  }
  for (const auto& child : c.children) CollectUses(child, uses);
}

}  // namespace

void LintMetadata(const yaml::Node& document, const SourceFile& source, Diagnostics& diagnostics) {
  if (!document.IsMap()) return;
  auto at = [&](const yaml::Node& node) {
    return LocationOf(source, node.Mark(),
                      node.IsScalar() ? static_cast<int>(node.Scalar().size()) : 1);
  };
  auto scalar = [](const yaml::Node& node) { return node.IsScalar() ? node.Scalar() : ""; };
  if (const yaml::Node id = document["id"]; id.IsDefined() && !IsUuid(scalar(id))) {
    diagnostics.Warning("W0801", at(id), fmt::format("id '{}' is not a UUID", scalar(id)),
                        {"Sigma rule ids are UUIDs (version 4 recommended)"});
  }
  for (const char* key : {"date", "modified"}) {
    const yaml::Node date = document[key];
    if (date.IsDefined() && !IsDate(scalar(date))) {
      diagnostics.Warning("W0802", at(date),
                          fmt::format("{} '{}' is not a date like 2026-11-25", key, scalar(date)));
    }
  }
  static const std::set<std::string> kLevels = {"informational", "low", "medium", "high",
                                                "critical"};
  if (const yaml::Node level = document["level"];
      level.IsDefined() && kLevels.count(scalar(level)) == 0) {
    diagnostics.Warning("W0803", at(level), fmt::format("unknown level '{}'", scalar(level)),
                        {"the levels are informational, low, medium, high and critical"});
  }
  static const std::set<std::string> kStatuses = {"stable", "test", "experimental", "deprecated",
                                                  "unsupported"};
  if (const yaml::Node status = document["status"];
      status.IsDefined() && kStatuses.count(scalar(status)) == 0) {
    diagnostics.Warning("W0804", at(status), fmt::format("unknown status '{}'", scalar(status)),
                        {"the statuses are stable, test, experimental, deprecated and "
                         "unsupported"});
  }
  const yaml::Node tags = document["tags"];
  if (!tags.IsDefined() || !tags.IsSequence()) return;
  // https://github.com/SigmaHQ/sigma-specification/blob/main/appendix/sigma-tags-appendix.md
  static const std::set<std::string> kNamespaces = {"attack",    "car", "cve", "d3fend",
                                                    "detection", "stp", "tlp"};
  for (const auto& tag : tags) {
    std::string text = scalar(tag);
    std::string ns = text.substr(0, text.find('.'));
    if (text.find('.') == std::string::npos || kNamespaces.count(ns) == 0) {
      diagnostics.Warning("W0805", at(tag), fmt::format("tag '{}' is in no Sigma namespace", text),
                          {"namespaces: attack, car, cve, d3fend, detection, stp, tlp"});
      continue;
    }
    if (ns != "attack") continue;
    attack::TagMeaning meaning = attack::ReadTag(text);
    if (meaning.kind == attack::TagMeaning::Kind::kUnknown) {
      diagnostics.Warning("W0806", at(tag),
                          fmt::format("'{}' names no ATT&CK technique or tactic", text),
                          {"techniques are checked against ATT&CK Enterprise v18"});
    }
  }
}

void LintSearches(const ast::Rule& rule, Diagnostics& diagnostics) {
  std::vector<std::string> uses;
  for (const auto& c : rule.conditions) CollectUses(c, uses);
  for (const auto& search : rule.searches) {
    bool used = std::any_of(uses.begin(), uses.end(),
                            [&](const std::string& p) { return Covers(p, search.name); });
    if (!used) {
      diagnostics.Warning("W0807", search.location,
                          fmt::format("search '{}' is not used by the condition", search.name));
    }
  }
}

void DuplicateDeclarations::Check(const std::vector<Declaration>& declared,
                                  Diagnostics& diagnostics) {
  for (const auto& d : declared) {
    auto [it, added] = first_.try_emplace({d.key, d.value}, d.location);
    if (added) continue;
    const SourceLocation& where = it->second;
    diagnostics.Error(
        d.key == "id" ? "E0808" : "E0809", d.location,
        fmt::format("rule {} '{}' is already declared", d.key, d.value),
        {fmt::format("first declared at {}:{}:{}", where.file, where.line, where.column)});
  }
}

}  // namespace refract
