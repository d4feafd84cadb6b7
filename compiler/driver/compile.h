// Runs the stages for one rule file: load, parse, lower, then map, simplify and emit per target.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "compiler/check/lint.h"
#include "compiler/diagnostics/diagnostic.h"
#include "compiler/ir/correlation_lower.h"
#include "compiler/ir/lower.h"
#include "compiler/mapping/mapping.h"

namespace refract {

enum class EmitStage { kAst, kIr, kQuery };

// Set-up shared by every file of a run: built once, read by every worker.
struct Session {
  std::vector<const Backend*> backends;
  std::map<std::string, TargetMapping, std::less<>> mappings;  // by target id
  ir::Placeholders placeholders;
  MappingOptions mapping_options;
  EmitStage stage = EmitStage::kQuery;
  bool strict = false;             // warnings become errors
  std::vector<ast::Rule> filters;  // Sigma filters (--filter), applied to every rule they name
  bool lint = false;               // also run `refract check`'s metadata and search checks
  // Read |expand lists from the platform's reference data where the target can (refract
  // bundle deploys them); plain translation inlines them.
  bool lookups = false;
  // Also give each Outcome a copy of the diagnostics of its rule and target (translate
  // --format json prints them with the query); off, no copies are made.
  bool diagnostics_per_outcome = false;
  // Keep every rule's IR in FileResult::lowered (refract hunt evaluates them all). Off, a run
  // keeps only the rules' names, and the correlations lower the rules they read again: a
  // corpus run does not hold thousands of rules' IR to its end.
  bool keep_lowered = false;

  // Loads Sigma filter documents from `files`; reports problems and returns false on error.
  bool LoadFilters(const std::vector<std::string>& files, Diagnostics& diagnostics);

  // Loads the shipped mapping of every backend: its default, or the shipped profile that an
  // `mapping_args` entry names (--mapping defender-xdr), extended by the entries that name files.
  // Reports problems (E0001, E0110, E0112, E0113) and returns false on error.
  bool Init(const std::vector<std::string>& mapping_args, Diagnostics& diagnostics);
};

// What a query's rule says about itself, carried into platform formats (refract bundle).
struct RuleMeta {
  std::string description;
  std::string level;
  std::string status;
  std::string author;
  std::vector<std::string> tags;
  std::vector<std::string> falsepositives;
  std::vector<std::string> references;
  long long timespan_seconds = 0;  // a correlation's window (0 for a single-event rule)
};

// A rule's metadata, shared by its outputs: one per target, and the corpus has thousands.
using SharedMeta = std::shared_ptr<const RuleMeta>;

// The shared empty RuleMeta: an Output's metadata until it is given its rule's.
const SharedMeta& NoMeta();

// One piece of output: a query (or a printed AST/IR) for one rule and target.
struct Output {
  std::string rule_title;
  std::string rule_id;
  std::string rule_name;
  int document = 0;    // 0-based index of the rule's YAML document in its file
  std::string target;  // empty for --emit ast, which is target-independent
  std::string text;
  SharedMeta meta = NoMeta();  // never null
  // A union's signal written as a query of its own (targets with no union of results): the
  // union's title, and the signal's name (which names the output file).
  std::string composition = {};
  std::string part = {};
  // The placeholder lists the query reads from the platform (Session::lookups), sorted and
  // distinct, as ListLookups::read names them.
  std::vector<std::string> lists = {};
  // The rule's and this target's diagnostics, with Session::diagnostics_per_outcome.
  std::vector<Diagnostic> diagnostics = {};
};

// The metadata of a detection rule / a correlation rule, for its outputs to share.
SharedMeta MetaOf(const ast::Rule& rule);
SharedMeta MetaOf(const ir::Correlation& correlation);

// Whether one rule reached a query on one target.
struct Outcome {
  std::string rule_title;
  std::string target;
  bool ok = false;
  std::string error;           // "CODE message" of the first error that stopped it
  bool field_warning = false;  // a column its table or index lacks (W0402)
  // The rule's own diagnostics and this target's, with Session::diagnostics_per_outcome.
  std::vector<Diagnostic> diagnostics = {};
};

struct FileResult {
  std::string path;
  std::shared_ptr<const SourceFile> source;
  Diagnostics diagnostics;
  std::vector<Output> outputs;
  std::vector<Outcome> outcomes;
  int documents = 0;
  int rules_parsed = 0;
  std::vector<ir::Rule> lowered;  // every detection rule that lowered cleanly (keep_lowered)
  // The name and id of every detection rule that lowered cleanly, in order, kept or not.
  std::vector<std::string> lowered_names;
  std::vector<ast::Correlation> correlations;  // resolved later, across all files of the run
  // Every rule id and name the file declares, where (for duplicate checks across files).
  std::vector<Declaration> declared;
};

// Resolves the correlation rules of every file against the detection rules of all files (by
// name or id), emits them per target into their own file's result, and drops the stand-alone
// queries of referenced rules unless a correlation says `generate: true`.
void CompileCorrelations(std::vector<FileResult>& results, const Session& session);

// The detection rules of `file` lowered again from its source, as compiling it lowered them
// (what Session::keep_lowered keeps); its diagnostics were reported the first time.
std::vector<ir::Rule> LowerAgain(const FileResult& file, const Session& session);

// Compiles one rule file with `session`.
FileResult CompileFile(const std::string& path, const Session& session);
// Compiles rule text as if read from `path` (for tests and stdin).
FileResult CompileText(const std::string& path, std::string text, const Session& session);

}  // namespace refract
