// What every target backend implements, and the per-conversion context it receives.
#pragma once

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/ir/correlation.h"
#include "compiler/ir/ir.h"
#include "compiler/ir/lower.h"
#include "compiler/mapping/mapping.h"

namespace refract {

// Placeholder lists a query may read from the platform's reference data (a Sentinel watchlist,
// a SecOps reference list) instead of inlining their values: `refract bundle` deploys them beside
// the rules. A backend records each read in `read`: the list's name, or `kind:name` where the
// platform types its lists (`cidr:corporate_egress`), once per statement that reads it.
struct ListLookups {
  const ir::Placeholders* lists = nullptr;     // every placeholder's values
  std::multiset<std::string>* read = nullptr;  // the lists the query reads, one entry per read
};

// Everything one conversion needs; a backend keeps no state between rules.
struct EmitContext {
  const ir::Rule& rule;
  const TargetMapping& mapping;
  Diagnostics& diagnostics;
  std::string_view target;
  // Non-null when lists may be read from the platform rather than inlined.
  const ListLookups* lookups = nullptr;

  // Reports E0500: the target cannot express `construct` used at `where`.
  void Unsupported(const SourceLocation& where, const std::string& construct) const;
};

// Everything one correlation conversion needs: the correlation IR in the target's names.
struct CorrelationContext {
  const ir::Correlation& spec;
  const TargetMapping& mapping;
  Diagnostics& diagnostics;
  std::string_view target;
  // Non-null when lists may be read from the platform rather than inlined.
  const ListLookups* lookups = nullptr;
  // The rules the correlation reads (spec.sources), each mapped and simplified.
  const std::vector<ir::CorrelationSource>& sources = spec.sources;

  // The count-if selection of measure `i` in target names, or null when it counts every event.
  const ir::Expr* MeasureFilter(size_t i) const {
    const auto& where = spec.measures[i].where;
    return where ? &where->condition : nullptr;
  }
  // Reports E0500: the target cannot express `construct` of this correlation.
  void Unsupported(const std::string& construct) const;
  // Reports W0501: the target's query only approximates the correlation's meaning.
  void Approximates(const std::string& what) const;
  // Reports W0501 for a timespan (an aggregate's window) that becomes fixed buckets, named by
  // `construct` (bin(), …).
  void ApproximatesWithBuckets(const std::string& construct) const;
};

class Backend {
 public:
  virtual ~Backend() = default;
  // The target id used on the command line, e.g. "kql".
  virtual std::string_view id() const = 0;
  // The platform and language, for `refract list targets`.
  virtual std::string_view description() const = 0;
  // File extension for one query written with -o.
  virtual std::string_view extension() const = 0;
  // Returns the query for ctx.rule, or nullopt after reporting why it cannot be expressed.
  virtual std::optional<std::string> Emit(const EmitContext& ctx) const = 0;
  // Returns the query for a correlation rule; by default reports E0602 (not implemented for
  // this target yet) and returns nullopt.
  virtual std::optional<std::string> EmitCorrelation(const CorrelationContext& ctx) const;
  // Returns the query for refract's `aggregate` extension; by default reports E0602.
  virtual std::optional<std::string> EmitAggregate(const CorrelationContext& ctx) const;
  // Returns the query for refract's `consecutive` extension (each event with the previous one
  // of its group); by default reports E0602.
  virtual std::optional<std::string> EmitConsecutive(const CorrelationContext& ctx) const;
  // Returns one query composing `parts` (the queries of the correlations a `union` names), with
  // ctx.spec's columns and order; by default reports E0602.
  virtual std::optional<std::string> EmitUnion(const CorrelationContext& ctx,
                                               const std::vector<std::string>& parts) const;
  // True when the target has no union of results, so the driver writes each signal of a union
  // as a query of its own that carries the union's columns (ir::AsUnionPart).
  virtual bool WritesUnionPerSignal() const { return false; }
  // True when those per-signal queries carry the union's columns and order; false where each
  // signal deploys as a rule of its own that has no place for them (Cloud SIEM's rules).
  virtual bool UnionSignalsCarryColumns() const { return true; }
};

// Every registered backend, in registry order.
const std::vector<const Backend*>& AllBackends();
// The backend with `id`, or null.
const Backend* FindBackend(std::string_view id);

}  // namespace refract
