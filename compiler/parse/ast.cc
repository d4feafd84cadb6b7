#include "compiler/parse/ast.h"

#include <fmt/format.h>

namespace refract::ast {
namespace {

std::string Quote(const std::string& text) { return fmt::format("\"{}\"", JsonEscape(text)); }

std::string PrintScalar(const Scalar& s) {
  switch (s.kind) {
    case ScalarKind::kString:
      return Quote(s.text);
    case ScalarKind::kNumber:
    case ScalarKind::kBool:
      return s.text;
    case ScalarKind::kNull:
      return "null";
  }
  return s.text;
}

void PrintItem(const DetectionItem& item, std::string& out) {
  out += "      ";
  out += item.field ? fmt::format("field {}", Quote(*item.field)) : std::string("keywords");
  for (const auto& m : item.modifiers) out += "|" + m.name;
  out += ":";
  for (const auto& v : item.values) out += " " + PrintScalar(v);
  out += "\n";
}

}  // namespace

std::string Print(const Condition& c) {
  switch (c.kind) {
    case Condition::Kind::kRef:
      return c.name;
    case Condition::Kind::kOneOf:
      return fmt::format("(1-of {})", c.name);
    case Condition::Kind::kAllOf:
      return fmt::format("(all-of {})", c.name);
    case Condition::Kind::kNot:
      return fmt::format("(not {})", Print(c.children.at(0)));
    case Condition::Kind::kAnd:
    case Condition::Kind::kOr: {
      std::string out = c.kind == Condition::Kind::kAnd ? "(and" : "(or";
      for (const auto& child : c.children) out += " " + Print(child);
      return out + ")";
    }
  }
  return "";
}

std::string Print(const Rule& rule) {
  std::string out;
  out += fmt::format("rule {}\n", Quote(rule.title));
  if (!rule.id.empty()) out += fmt::format("  id {}\n", rule.id);
  if (!rule.name.empty()) out += fmt::format("  name {}\n", rule.name);
  if (!rule.level.empty()) out += fmt::format("  level {}\n", rule.level);
  if (!rule.status.empty()) out += fmt::format("  status {}\n", rule.status);
  for (const auto& tag : rule.tags) out += fmt::format("  tag {}\n", tag);
  const LogSource& ls = rule.logsource;
  out += "  logsource";
  if (!ls.product.empty()) out += " product=" + ls.product;
  if (!ls.category.empty()) out += " category=" + ls.category;
  if (!ls.service.empty()) out += " service=" + ls.service;
  out += "\n";
  for (const auto& search : rule.searches) {
    out += fmt::format("  search {}\n", search.name);
    for (size_t i = 0; i < search.alternatives.size(); ++i) {
      out += fmt::format("    alternative {}\n", i + 1);
      for (const auto& item : search.alternatives[i].items) PrintItem(item, out);
    }
  }
  for (const auto& condition : rule.conditions) {
    out += fmt::format("  condition {}\n", Print(condition));
  }
  return out;
}

namespace {

// A condition over measures or rule names, fully parenthesised.
std::string PrintTest(const Correlation::Test& t) {
  using Kind = Correlation::Test::Kind;
  if (t.kind == Kind::kCompare) {
    return t.op.empty() ? t.measure : fmt::format("{} {} {}", t.measure, t.op, t.value);
  }
  if (t.kind == Kind::kNot) return "not " + PrintTest(t.children[0]);
  std::string out = "(";
  for (size_t i = 0; i < t.children.size(); ++i) {
    out += (i ? (t.kind == Kind::kAnd ? " and " : " or ") : "") + PrintTest(t.children[i]);
  }
  return out + ")";
}

}  // namespace

std::string Print(const Correlation& c) {
  std::string out = fmt::format("correlation {}\n", Quote(c.title));
  if (!c.id.empty()) out += fmt::format("  id {}\n", c.id);
  if (!c.name.empty()) out += fmt::format("  name {}\n", c.name);
  out += fmt::format("  type {}\n", c.type);
  for (const auto& r : c.rules) out += fmt::format("  rule {}\n", r.text);
  for (const auto& g : c.group_by) out += fmt::format("  group-by {}\n", g);
  if (!c.timespan.empty())
    out += fmt::format("  timespan {} ({}s)\n", c.timespan, c.timespan_seconds);
  if (!c.field.empty()) out += fmt::format("  field {}\n", c.field);
  if (!c.percentile.empty()) out += fmt::format("  percentile {}\n", c.percentile);
  for (const auto& b : c.condition) out += fmt::format("  condition {} {}\n", b.op, b.value);
  if (c.rule_condition) out += fmt::format("  condition {}\n", PrintTest(*c.rule_condition));
  for (const auto& [alias, per_rule] : c.aliases) {
    for (const auto& [rule, field] : per_rule) {
      out += fmt::format("  alias {} {} {}\n", alias, rule, field);
    }
  }
  if (c.generate) out += "  generate\n";
  return out;
}

}  // namespace refract::ast
