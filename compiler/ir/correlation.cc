#include "compiler/ir/correlation.h"

#include <fmt/format.h>

#include <array>
#include <cmath>
#include <cstdlib>

namespace refract::ir {
namespace {

constexpr std::array<std::string_view, 10> kKindNames = {
    "event_count",      "value_count", "temporal", "temporal_ordered", "value_sum", "value_avg",
    "value_percentile", "aggregate",   "union",    "consecutive"};
constexpr std::array<std::string_view, 6> kCompareNames = {"gt", "gte", "lt", "lte", "eq", "neq"};
constexpr std::array<std::string_view, 6> kCompareSymbols = {">", ">=", "<", "<=", "==", "!="};
constexpr std::array<std::string_view, 12> kMeasureNames = {
    "count", "distinct",    "values",    "min",   "max",     "sum",
    "avg",   "distance_km", "speed_kmh", "hours", "changed", "previous"};

// `text` with every line indented by `indent`.
std::string Indented(const std::string& text, std::string_view indent) {
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out += std::string(indent) + text.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

std::string PrintTest(const CorrelationTest& t) {
  using Kind = CorrelationTest::Kind;
  switch (t.kind) {
    case Kind::kCompare:
      return fmt::format("{} {} {}", t.name, CompareOpSymbol(t.op), t.value);
    case Kind::kRule:
      return fmt::format("rule#{}({})", t.rule, t.name);
    case Kind::kNot:
      return "not(" + PrintTest(t.children[0]) + ")";
    case Kind::kAnd:
    case Kind::kOr: {
      std::string out = "(";
      for (size_t i = 0; i < t.children.size(); ++i) {
        if (i > 0) out += t.kind == Kind::kAnd ? " and " : " or ";
        out += PrintTest(t.children[i]);
      }
      return out + ")";
    }
  }
  return "";
}

std::string PrintSource(const CorrelationSource& s, size_t index) {
  std::string out = fmt::format("  source {} \"{}\"", index, JsonEscape(s.label));
  if (!s.chained.empty()) out += fmt::format(" chained {}", s.chained);
  if (s.min_count != 1) out += fmt::format(" min_count {}", s.min_count);
  out += "\n";
  if (!s.group_fields.empty()) {
    out += "    group_fields";
    for (const auto& f : s.group_fields) out += " " + f;
    out += "\n";
  }
  if (!s.value_field.empty()) out += fmt::format("    value_field {}\n", s.value_field);
  if (s.rule) out += Indented(Print(*s.rule), "    ");
  return out;
}

}  // namespace

std::string_view CorrelationKindName(CorrelationKind kind) {
  return kKindNames[static_cast<size_t>(kind)];
}

std::optional<CorrelationKind> CorrelationKindNamed(std::string_view name) {
  for (size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<CorrelationKind>(i);
  }
  return std::nullopt;
}

std::string_view CompareOpName(CompareOp op) { return kCompareNames[static_cast<size_t>(op)]; }

std::optional<CompareOp> CompareOpNamed(std::string_view name) {
  for (size_t i = 0; i < kCompareNames.size(); ++i) {
    if (kCompareNames[i] == name) return static_cast<CompareOp>(i);
  }
  return std::nullopt;
}

std::string_view CompareOpSymbol(CompareOp op) { return kCompareSymbols[static_cast<size_t>(op)]; }

long long FewestEvents(CompareOp op, const std::string& bound) {
  const double value = std::strtod(bound.c_str(), nullptr);
  return static_cast<long long>(op == CompareOp::kGt ? std::floor(value) + 1 : std::ceil(value));
}

bool Compares(CompareOp op, double value, double limit) {
  switch (op) {
    case CompareOp::kGt:
      return value > limit;
    case CompareOp::kGte:
      return value >= limit;
    case CompareOp::kLt:
      return value < limit;
    case CompareOp::kLte:
      return value <= limit;
    case CompareOp::kEq:
      return value == limit;
    case CompareOp::kNeq:
      return value != limit;
  }
  return false;
}

std::string_view MeasureKindName(MeasureKind kind) {
  return kMeasureNames[static_cast<size_t>(kind)];
}

std::optional<MeasureKind> MeasureKindNamed(std::string_view name) {
  for (size_t i = 0; i < kMeasureNames.size(); ++i) {
    if (kMeasureNames[i] == name) return static_cast<MeasureKind>(i);
  }
  return std::nullopt;
}

bool IsPairMeasure(MeasureKind kind) { return kind >= MeasureKind::kDistanceKm; }

bool Correlation::IsTemporal() const {
  return kind == CorrelationKind::kTemporal || kind == CorrelationKind::kTemporalOrdered;
}

bool Correlation::HasColumn(std::string_view name) const {
  for (const auto& g : group_by) {
    if (g == name) return true;
  }
  for (const auto& m : measures) {
    if (m.name == name) return true;
  }
  for (const auto& column : columns) {
    if (column.name == name) return true;
  }
  return false;
}

Correlation AsUnionPart(Correlation part, const Correlation& composition) {
  part.composed_in = composition.info.title;
  part.project = composition.project;
  part.sort = composition.sort;
  return part;
}

std::string Print(const CorrelationTest& test) { return PrintTest(test); }

std::string Print(const Correlation& c) {
  std::string out =
      fmt::format("correlation {} \"{}\"\n", CorrelationKindName(c.kind), JsonEscape(c.info.title));
  if (!c.info.id.empty()) out += fmt::format("  id {}\n", c.info.id);
  if (!c.info.name.empty()) out += fmt::format("  name {}\n", c.info.name);
  if (!c.info.level.empty()) out += fmt::format("  level {}\n", c.info.level);
  if (c.generate) out += "  generate\n";
  if (c.window.span_seconds > 0) {
    out +=
        fmt::format("  window {}s {}{}", c.window.span_seconds,
                    c.window.sliding ? "sliding" : "lookback", c.window.ordered ? " ordered" : "");
    if (c.window.bucket_seconds > 0) out += fmt::format(" buckets {}s", c.window.bucket_seconds);
    out += "\n";
  }
  if (!c.group_by.empty()) {
    out += "  group_by";
    for (const auto& g : c.group_by) out += " " + g;
    out += "\n";
  }
  for (const auto& b : c.condition)
    out += fmt::format("  condition {} {}\n", CompareOpSymbol(b.op), b.value);
  if (!c.field.empty()) out += fmt::format("  field {}\n", c.field);
  if (!c.percentile.empty()) out += fmt::format("  percentile {}\n", c.percentile);
  if (c.rule_condition) out += "  rules " + PrintTest(*c.rule_condition) + "\n";
  for (const auto& m : c.measures) {
    out += fmt::format("  measure {} = {}", m.name, MeasureKindName(m.kind));
    if (!m.field.empty()) out += " " + m.field;
    if (!m.field2.empty()) out += " " + m.field2;
    if (!m.limit.empty()) out += " limit " + m.limit;
    out += "\n";
    if (m.where) out += "    where\n" + Indented(Print(m.where->condition), "      ");
  }
  if (c.test) out += "  having " + PrintTest(*c.test) + "\n";
  for (const auto& column : c.columns) {
    out += fmt::format("  column {}", column.name);
    if (!column.constant.empty()) out += " = " + column.constant;
    for (const auto& [when, then] : column.cases) {
      out += fmt::format(" when {} then {}", PrintTest(when), then);
    }
    if (!column.otherwise.empty()) out += " else " + column.otherwise;
    out += "\n";
  }
  if (!c.composed_in.empty()) out += fmt::format("  part of \"{}\"\n", JsonEscape(c.composed_in));
  for (const auto& [name, from] : c.project) out += fmt::format("  project {} = {}\n", name, from);
  for (const auto& [name, descending] : c.sort) {
    out += fmt::format("  sort {} {}\n", name, descending ? "desc" : "asc");
  }
  for (size_t i = 0; i < c.sources.size(); ++i) out += PrintSource(c.sources[i], i);
  return out;
}

}  // namespace refract::ir
