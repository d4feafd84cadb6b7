// Stage "load": a rule file's text into YAML documents with source marks.
#pragma once

#include <yaml-cpp/yaml.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/load/yaml_tree.h"

namespace refract {

// Largest rule file accepted; Sigma rules are a few kilobytes, so anything past this is a mistake.
inline constexpr size_t kMaxRuleFileBytes = 1 << 20;

// A loaded file: its text (for carets) and its YAML documents, in order, with the tree that
// owns their nodes.
struct RuleDoc {
  std::shared_ptr<const SourceFile> source;
  std::shared_ptr<const yaml::Tree> tree;
  std::vector<yaml::Node> documents;
};

// The path that names standard input (sigma-cli's `-`).
inline constexpr std::string_view kStandardInput = "-";

// The text of rule file `path` (standard input for `-`); on failure reports E0001 (not a regular
// file, or unreadable, with the system's reason) or E0002 (too large) and returns nullopt.
std::optional<std::string> ReadRuleFileText(const std::string& path, Diagnostics& diagnostics);

// Reads and parses `path`; on failure reports E0001 (unreadable), E0002 (too large) or
// E0100 (malformed YAML) and returns nullopt.
std::optional<RuleDoc> LoadRuleFile(const std::string& path, Diagnostics& diagnostics);

// Parses YAML `text` as if read from `path`; the same errors as LoadRuleFile.
std::optional<RuleDoc> LoadRuleText(const std::string& path, std::string text,
                                    Diagnostics& diagnostics);

// Parses an already-read source; the same errors as LoadRuleFile.
std::optional<RuleDoc> LoadRuleSource(std::shared_ptr<const SourceFile> source,
                                      Diagnostics& diagnostics);

// The 1-based source location of a YAML node's mark.
SourceLocation LocationOf(const SourceFile& source, const YAML::Mark& mark, int length = 1);
SourceLocation LocationOf(const SourceFile& source, const yaml::Mark& mark, int length = 1);

}  // namespace refract
