// A run over many rule files: finding them, their folders' placeholders, the chosen targets,
// and compiling them on several threads.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/driver/compile.h"
#include "compiler/ir/lower.h"

namespace refract {

// NAME.test.yml / NAME.test.yaml: a rule test file.
bool IsTestFile(const std::filesystem::path& p);
// placeholders.yml / .yaml: a folder's placeholder values.
bool IsPlaceholdersFile(const std::filesystem::path& p);
// A .yml/.yaml file that is neither a test nor a placeholders file.
bool IsRuleFile(const std::filesystem::path& p);

// Loads the placeholders.yml beside each rule file (once per folder) into `placeholders`; a
// value already set (by --placeholders) wins. Reports problems; returns false on error.
bool LoadFolderPlaceholders(const std::vector<std::string>& rule_files,
                            ir::Placeholders& placeholders, Diagnostics& diagnostics);

// Expands folders into the files `wanted` accepts (rule files by default), sorted, so runs are
// deterministic; `-` (standard input) is kept, once. An error message for a path that does not
// exist.
std::optional<std::string> CollectFiles(const std::vector<std::string>& paths,
                                        std::vector<std::string>* files,
                                        bool (*wanted)(const std::filesystem::path&) = IsRuleFile);

// Puts the backends named in `ids` ("all" for every one) into `session`; an error message for
// an unknown id (with did-you-mean).
std::optional<std::string> SelectBackends(const std::vector<std::string>& ids, Session& session);

// Compiles `files` on `jobs` threads (0: one per core), then resolves their correlations.
std::vector<FileResult> CompileAll(const std::vector<std::string>& files, const Session& session,
                                   unsigned jobs = 0);

}  // namespace refract
