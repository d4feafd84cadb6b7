// A backend assembled from its writers: the registry's names and, for each kind of rule, the
// class that writes it or the reason the target cannot.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "backends/backend.h"

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
};

// `Generator(EmitContext).Run()` writes single-event rules; `Correlation(ctx).Run()`,
// `Aggregate(ctx).Run()` and `Union(ctx, parts).Run()` write the others. A writer given as
// void is refused with the reason in BackendRefusals.
template <class Generator, class Correlation, class Aggregate, class Union>
class AssembledBackend final : public Backend {
 public:
  constexpr AssembledBackend(BackendNames names, BackendRefusals refusals)
      : names_(names), refusals_(refusals) {}

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
      return Correlation(ctx).Run();
    }
  }

  std::optional<std::string> EmitAggregate(const CorrelationContext& ctx) const override {
    if constexpr (std::is_void_v<Aggregate>) {
      return Refuse(ctx, refusals_.aggregate);
    } else {
      return Aggregate(ctx).Run();
    }
  }

  std::optional<std::string> EmitUnion(const CorrelationContext& ctx,
                                       const std::vector<std::string>& parts) const override {
    if constexpr (std::is_void_v<Union>) {
      return Refuse(ctx, refusals_.union_of_signals);
    } else {
      return Union(ctx, parts).Run();
    }
  }

 private:
  static std::optional<std::string> Refuse(const CorrelationContext& ctx, std::string_view why) {
    ctx.Unsupported(std::string(why));
    return std::nullopt;
  }

  BackendNames names_;
  BackendRefusals refusals_;
};

}  // namespace refract
