// The explicit list of targets: adding a SIEM is a declaration and an entry here.
#include <fmt/format.h>

#include "backends/backend.h"
#include "compiler/text/cat.h"

namespace refract {

// Each defined in its backends/<id>.cc.
const Backend& KqlBackend();
const Backend& SplBackend();
const Backend& EqlBackend();
const Backend& EsqlBackend();
const Backend& LuceneBackend();
const Backend& AqlBackend();
const Backend& SumoBackend();
const Backend& SumoCseBackend();
const Backend& YaralBackend();
const Backend& CqlBackend();

const std::vector<const Backend*>& AllBackends() {
  static const std::vector<const Backend*> kBackends = {
      &KqlBackend(), &SplBackend(),  &EqlBackend(),     &EsqlBackend(),  &LuceneBackend(),
      &AqlBackend(), &SumoBackend(), &SumoCseBackend(), &YaralBackend(), &CqlBackend(),
  };
  return kBackends;
}

const Backend* FindBackend(std::string_view id) {
  for (const Backend* backend : AllBackends()) {
    if (backend->id() == id) return backend;
  }
  return nullptr;
}

void CorrelationContext::Unsupported(const std::string& construct) const {
  diagnostics.Error("E0500", spec.location,
                    text::Cat({"target '", target, "' cannot express ", construct}),
                    {text::Cat({"correlation '", spec.info.title, "' has no ", target, " query"})});
}

void CorrelationContext::Approximates(const std::string& what) const {
  diagnostics.Warning("W0501", spec.location, text::Cat({"on target '", target, "' ", what}),
                      {"--strict makes this an error"});
}

void CorrelationContext::ApproximatesWithBuckets(const std::string& construct) const {
  // An aggregate's buckets are its window inside the lookback; a correlation's, its timespan.
  const bool aggregate = spec.kind == ir::CorrelationKind::kAggregate;
  Approximates(fmt::format(
      "{} {} becomes fixed buckets ({}): events on both sides of a bucket boundary are not "
      "counted together",
      aggregate ? "window" : "timespan", aggregate ? spec.window.bucket : spec.window.span,
      construct));
}

std::optional<std::string> Backend::EmitCorrelation(const CorrelationContext& ctx) const {
  ctx.diagnostics.Error(
      "E0602", ctx.spec.location,
      text::Cat({"correlation rules are not implemented for target '", id(), "' yet"}),
      {text::Cat({"correlation '", ctx.spec.info.title, "' has no ", id(), " query"})});
  return std::nullopt;
}

std::optional<std::string> Backend::EmitConsecutive(const CorrelationContext& ctx) const {
  ctx.diagnostics.Error(
      "E0602", ctx.spec.location,
      text::Cat({"the consecutive extension is not implemented for target '", id(), "' yet"}),
      {text::Cat({"correlation '", ctx.spec.info.title, "' has no ", id(), " query"})});
  return std::nullopt;
}

std::optional<std::string> Backend::EmitAggregate(const CorrelationContext& ctx) const {
  ctx.diagnostics.Error(
      "E0602", ctx.spec.location,
      text::Cat({"the aggregate extension is not implemented for target '", id(), "' yet"}),
      {text::Cat({"correlation '", ctx.spec.info.title, "' has no ", id(), " query"})});
  return std::nullopt;
}

std::optional<std::string> Backend::EmitUnion(const CorrelationContext& ctx,
                                              const std::vector<std::string>&) const {
  ctx.diagnostics.Error(
      "E0602", ctx.spec.location,
      text::Cat({"the union extension is not implemented for target '", id(), "' yet"}),
      {text::Cat({"correlation '", ctx.spec.info.title, "' has no ", id(), " query"})});
  return std::nullopt;
}

void EmitContext::Unsupported(const SourceLocation& where, const std::string& construct) const {
  diagnostics.Error("E0500", where, text::Cat({"target '", target, "' cannot express ", construct}),
                    {text::Cat({"rule '", rule.info.title, "' has no ", target, " query"})});
}

}  // namespace refract
