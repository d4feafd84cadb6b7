// Stage "lower" for correlations: a correlation rule's parse tree into the correlation IR, with
// its references resolved, aliases applied, count-if selections lowered and chains folded.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/ir/correlation.h"
#include "compiler/ir/lower.h"
#include "compiler/parse/ast.h"

namespace refract::ir {

// The detection rules and correlations of a run, by the names and ids correlations use.
class CorrelationScope {
 public:
  // Makes `rule` (which must outlive the scope) findable by its name and id; the first wins.
  void AddRule(const Rule& rule);
  // Makes a rule's name or id known for "did you mean" without its rule, which no correlation
  // of the run reads; AddRule and AddName are called in the run's order (the first wins).
  void AddName(std::string_view reference);
  // Makes `correlation` (which must outlive the scope) findable by its name and id.
  void AddCorrelation(const ast::Correlation& correlation);
  // The rule named `reference`, or null (also for a name known only by AddName).
  const Rule* FindRule(std::string_view reference) const;
  // The correlation named `reference`, or null.
  const ast::Correlation* FindCorrelation(std::string_view reference) const;
  // Every rule name and id, for "did you mean".
  std::vector<std::string_view> RuleReferences() const;

 private:
  std::map<std::string, const Rule*, std::less<>> rules_;
  std::map<std::string, const ast::Correlation*, std::less<>> correlations_;
};

// What a reference to another correlation becomes.
enum class Chains {
  // Translators: an event_count correlation folds into a temporal one as a threshold (E0617
  // for other shapes).
  kFold,
  // The evaluator: the other correlation's alerts are this one's events, for any type.
  kKeep,
};

struct CorrelationLowerOptions {
  const Placeholders* placeholders = nullptr;
  Chains chains = Chains::kFold;
  bool strict = false;  // a folded chain's warning becomes an error
};

// What lowering found besides the IR.
struct CorrelationLowering {
  std::optional<Correlation> correlation;  // nullopt after an error was reported
  std::string failure;                     // "CODE message" of the first error
  // Correlations folded into this one (their own queries are composed, not separate).
  std::vector<const ast::Correlation*> folded;
};

// Lowers correlation `c` against `scope`. A union's parts become chained sources without
// resolution: they name correlations whose queries exist only after translation.
CorrelationLowering LowerCorrelation(const ast::Correlation& c, const CorrelationScope& scope,
                                     const CorrelationLowerOptions& options,
                                     Diagnostics& diagnostics);

// For each correlation, whether it is in a cycle of chained correlations or reads one;
// `inputs[k]` lists the correlations that correlation k reads.
std::vector<bool> FindCycles(const std::vector<std::vector<size_t>>& inputs);

// `rule` with every Sigma filter that applies to it (it names the rule, or no rule, and its log
// source keys equal the rule's) joined in: (rule's condition) and (filter's condition). nullopt
// when none applies.
std::optional<ast::Rule> ApplyFilters(const ast::Rule& rule, const std::vector<ast::Rule>& filters);

}  // namespace refract::ir
