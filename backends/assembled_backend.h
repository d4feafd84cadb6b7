// A backend assembled from its writers: the registry's names and, for each kind of rule, the
// class that writes it or the reason the target cannot.
#pragma once

#include <fmt/format.h>

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "backends/backend.h"
#include "backends/common.h"

namespace refract {

// How a target is named on the command line and in `refract list targets`.
struct BackendNames {
  std::string_view id;
  std::string_view description;
  std::string_view extension;
};

// Why a target cannot write a kind of rule, for the writers it lacks (E0500 names it).
struct BackendRefusals {
  std::string_view correlation;
  std::string_view aggregate;
  std::string_view union_of_signals;
  // refract's `consecutive`: what the target lacks to compare an event with the previous one.
  std::string_view consecutive;
};

// Given as the Union writer of a target with no union of results: each signal of a union is
// written by the target's correlation writers as a query of its own with the union's columns.
struct PerSignalUnion {};
// Given as the Union writer of a target whose signals deploy as rules of their own, with no
// place for the union's columns or order: each signal is written as the target's rule.
struct PerSignalRule {};

// `Generator(EmitContext).Run()` writes single-event rules; `Correlation(ctx).Run()`,
// `Aggregate(ctx).Run()`, `Union(ctx, parts).Run()` and `Consecutive(ctx).Run()` write the
// others. A writer given as void is refused with the reason in BackendRefusals.
template <class Generator, class Correlation, class Aggregate, class Union,
          class Consecutive = void>
class AssembledBackend final : public Backend {
 public:
  // `union_columns`: how a PerSignalUnion target ends each signal's query with the union's
  // columns; null where its aggregate writer does that itself (and other signals are refused).
  AssembledBackend(BackendNames names, BackendRefusals refusals,
                   const UnionColumnSyntax* union_columns = nullptr)
      : names_(names), refusals_(refusals), union_columns_(union_columns) {}

  static constexpr bool kPerSignal =
      std::is_same_v<Union, PerSignalUnion> || std::is_same_v<Union, PerSignalRule>;

  std::string_view id() const override { return names_.id; }
  std::string_view description() const override { return names_.description; }
  std::string_view extension() const override { return names_.extension; }

  std::optional<std::string> Emit(const EmitContext& ctx) const override {
    return Generator(ctx).Run();
  }

  std::optional<std::string> EmitCorrelation(const CorrelationContext& ctx) const override {
    if constexpr (std::is_void_v<Correlation>) {
      return Refuse(ctx, refusals_.correlation);
    } else {
      if (!ctx.spec.composed_in.empty() && union_columns_ == nullptr &&
          !std::is_same_v<Union, PerSignalRule>) {
        return Refuse(ctx,
                      fmt::format("a {} signal of the union '{}' (only aggregate signals "
                                  "carry the union's columns on this target)",
                                  ir::CorrelationKindName(ctx.spec.kind), ctx.spec.composed_in));
      }
      return WithUnionColumns(ctx, Correlation(ctx).Run());
    }
  }

  std::optional<std::string> EmitAggregate(const CorrelationContext& ctx) const override {
    if constexpr (std::is_void_v<Aggregate>) {
      return Refuse(ctx, refusals_.aggregate);
    } else {
      return WithUnionColumns(ctx, Aggregate(ctx).Run());
    }
  }

  std::optional<std::string> EmitConsecutive(const CorrelationContext& ctx) const override {
    if constexpr (std::is_void_v<Consecutive>) {
      return Refuse(ctx, refusals_.consecutive);
    } else {
      return Consecutive(ctx).Run();
    }
  }

  std::optional<std::string> EmitUnion(const CorrelationContext& ctx,
                                       const std::vector<std::string>& parts) const override {
    if constexpr (std::is_void_v<Union> || kPerSignal) {
      return Refuse(ctx, refusals_.union_of_signals);
    } else {
      return Union(ctx, parts).Run();
    }
  }

  bool WritesUnionPerSignal() const override { return kPerSignal; }
  bool UnionSignalsCarryColumns() const override { return !std::is_same_v<Union, PerSignalRule>; }

 private:
  // `text`, a union's signal, ended with the union's columns where the target writes them as
  // stages.
  std::optional<std::string> WithUnionColumns(const CorrelationContext& ctx,
                                              std::optional<std::string> text) const {
    if (!text || union_columns_ == nullptr) return text;
    return *text + UnionColumns(ctx.spec, *union_columns_);
  }

  static std::optional<std::string> Refuse(const CorrelationContext& ctx, std::string_view why) {
    ctx.Unsupported(std::string(why));
    return std::nullopt;
  }

  BackendNames names_;
  BackendRefusals refusals_;
  const UnionColumnSyntax* union_columns_;
};

}  // namespace refract
