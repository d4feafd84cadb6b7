// `refract check`: rule metadata and structure checks that translation does not need — the
// Sigma schema's formats (id, dates, level, status, tags, ATT&CK ids) and unused searches.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/load/yaml_tree.h"
#include "compiler/parse/ast.h"

namespace refract {

// Checks the metadata of one YAML rule document (detection or correlation rule): W0801 id,
// W0802 dates, W0803 level, W0804 status, W0805 tag namespace, W0806 ATT&CK tag.
void LintMetadata(const yaml::Node& document, const SourceFile& source, Diagnostics& diagnostics);

// Checks a parsed detection rule: W0807 a search the condition never uses.
void LintSearches(const ast::Rule& rule, Diagnostics& diagnostics);

// A rule id or name a file declares, and where.
struct Declaration {
  std::string key;  // "id" or "name"
  std::string value;
  SourceLocation location;
};

// Finds ids and names declared twice across the files of a run.
class DuplicateDeclarations {
 public:
  // Reports E0808 (id) or E0809 (name) for each of `declared` seen before, pointing at the first.
  void Check(const std::vector<Declaration>& declared, Diagnostics& diagnostics);

 private:
  std::map<std::pair<std::string, std::string>, SourceLocation> first_;
};

}  // namespace refract
