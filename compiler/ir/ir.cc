#include "compiler/ir/ir.h"

#include <fmt/format.h>

namespace refract::ir {

bool Pattern::IsPlain() const {
  for (const auto& p : pieces) {
    if (p.kind != Piece::Kind::kLiteral) return false;
  }
  return true;
}

std::string Pattern::Literal() const {
  std::string out;
  for (const auto& p : pieces) out += p.text;
  return out;
}

void Pattern::AddLiteral(std::string_view text) {
  if (text.empty()) return;
  if (!pieces.empty() && pieces.back().kind == Piece::Kind::kLiteral) {
    pieces.back().text += text;
  } else {
    pieces.push_back({Piece::Kind::kLiteral, std::string(text)});
  }
}

void Pattern::AddWildcard(Piece::Kind kind) {
  // `**` means the same as `*`.
  if (kind == Piece::Kind::kAnyChars && !pieces.empty() &&
      pieces.back().kind == Piece::Kind::kAnyChars) {
    return;
  }
  pieces.push_back({kind, ""});
}

Value Value::String(Pattern pattern) {
  Value v;
  v.kind = Kind::kString;
  v.pattern = std::move(pattern);
  return v;
}

Value Value::Number(std::string text) {
  Value v;
  v.kind = Kind::kNumber;
  v.text = std::move(text);
  return v;
}

Value Value::Bool(bool value) {
  Value v;
  v.kind = Kind::kBool;
  v.text = value ? "true" : "false";
  return v;
}

Value Value::Field(std::string name) {
  Value v;
  v.kind = Kind::kField;
  v.text = std::move(name);
  return v;
}

bool Value::operator==(const Value& other) const {
  if (kind != other.kind || text != other.text || !(pattern == other.pattern)) return false;
  if (kind == Kind::kRegex) {
    return regex->source == other.regex->source && regex->ignore_case == other.regex->ignore_case &&
           regex->multiline == other.regex->multiline && regex->dot_all == other.regex->dot_all;
  }
  return true;
}

bool Predicate::SameShape(const Predicate& other) const {
  return field == other.field && op == other.op && part == other.part && cased == other.cased &&
         list == other.list;
}

Expr Expr::Pred(Predicate predicate) {
  Expr e;
  e.kind = Kind::kPredicate;
  e.predicate = std::move(predicate);
  return e;
}

Expr Expr::Not(Expr child) {
  Expr e;
  e.kind = Kind::kNot;
  e.children.push_back(std::move(child));
  return e;
}

Expr Expr::And(std::vector<Expr> children) {
  Expr e;
  e.kind = Kind::kAnd;
  e.children = std::move(children);
  return e;
}

Expr Expr::Or(std::vector<Expr> children) {
  Expr e;
  e.kind = Kind::kOr;
  e.children = std::move(children);
  return e;
}

Expr Expr::Bool(bool value) {
  Expr e;
  e.kind = value ? Kind::kTrue : Kind::kFalse;
  return e;
}

bool Expr::operator==(const Expr& other) const {
  if (kind != other.kind || children != other.children) return false;
  if (kind != Kind::kPredicate) return true;
  const Predicate& a = predicate;
  const Predicate& b = other.predicate;
  return a.SameShape(b) && a.all_of == b.all_of && a.values == b.values;
}

std::string_view OpName(Op op) {
  switch (op) {
    case Op::kEq:
      return "eq";
    case Op::kContains:
      return "contains";
    case Op::kStartsWith:
      return "startswith";
    case Op::kEndsWith:
      return "endswith";
    case Op::kWildcard:
      return "wildcard";
    case Op::kRegex:
      return "regex";
    case Op::kCidr:
      return "cidr";
    case Op::kExists:
      return "exists";
    case Op::kNull:
      return "null";
    case Op::kLt:
      return "lt";
    case Op::kLte:
      return "lte";
    case Op::kGt:
      return "gt";
    case Op::kGte:
      return "gte";
  }
  return "?";
}

std::string_view TimePartName(TimePart part) {
  switch (part) {
    case TimePart::kNone:
      return "";
    case TimePart::kMinute:
      return "minute";
    case TimePart::kHour:
      return "hour";
    case TimePart::kDay:
      return "day";
    case TimePart::kWeek:
      return "week";
    case TimePart::kMonth:
      return "month";
    case TimePart::kYear:
      return "year";
  }
  return "";
}

namespace {

std::string PrintPattern(const Pattern& pattern) {
  std::string out = "\"";
  for (const auto& piece : pattern.pieces) {
    switch (piece.kind) {
      case Piece::Kind::kLiteral:
        for (char c : piece.text) {
          // Literal wildcard characters are shown escaped so the printed form is unambiguous.
          if (c == '*' || c == '?' || c == '\\') out += '\\';
          if (c == '"') {
            out += "\\\"";
          } else if (c == '\n') {
            out += "\\n";
          } else if (c == '\t') {
            out += "\\t";
          } else if (c == '\r') {
            out += "\\r";
          } else {
            out += c;
          }
        }
        break;
      case Piece::Kind::kAnyChars:
        out += '*';
        break;
      case Piece::Kind::kOneChar:
        out += '?';
        break;
    }
  }
  return out + "\"";
}

std::string PrintValue(const Value& v) {
  switch (v.kind) {
    case Value::Kind::kString:
      return PrintPattern(v.pattern);
    case Value::Kind::kNumber:
    case Value::Kind::kBool:
      return v.text;
    case Value::Kind::kRegex: {
      std::string flags;
      if (v.regex->ignore_case) flags += 'i';
      if (v.regex->multiline) flags += 'm';
      if (v.regex->dot_all) flags += 's';
      return fmt::format("/{}/{}", v.regex->source, flags);
    }
    case Value::Kind::kCidr:
      return fmt::format("{}{}", v.ipv6 ? "ipv6:" : "ipv4:", v.text);
    case Value::Kind::kField:
      return fmt::format("field:{}", v.text);
  }
  return "";
}

void PrintExpr(const Expr& e, int depth, std::string& out) {
  std::string indent(static_cast<size_t>(depth) * 2, ' ');
  switch (e.kind) {
    case Expr::Kind::kTrue:
      out += indent + "true\n";
      return;
    case Expr::Kind::kFalse:
      out += indent + "false\n";
      return;
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr:
    case Expr::Kind::kNot:
      out += indent +
             (e.kind == Expr::Kind::kAnd  ? "and"
              : e.kind == Expr::Kind::kOr ? "or"
                                          : "not") +
             "\n";
      for (const auto& child : e.children) PrintExpr(child, depth + 1, out);
      return;
    case Expr::Kind::kPredicate: {
      const Predicate& p = e.predicate;
      out += indent + std::string(OpName(p.op));
      if (p.cased) out += "/cased";
      if (p.values.size() > 1) out += p.all_of ? " all" : " any";
      out += " ";
      if (p.IsKeyword()) {
        out += "<keyword>";
      } else {
        out += p.field;
        if (p.part != TimePart::kNone) out += fmt::format("[{}]", TimePartName(p.part));
      }
      if (!p.list.empty()) out += " %" + p.list + "%:";
      for (const auto& v : p.values) out += " " + PrintValue(v);
      out += "\n";
      return;
    }
  }
}

}  // namespace

std::string Print(const Expr& expr) {
  std::string out;
  PrintExpr(expr, 0, out);
  return out;
}

std::string Print(const Rule& rule) {
  std::string out = fmt::format("rule \"{}\"\n", JsonEscape(rule.info.title));
  if (!rule.info.id.empty()) out += fmt::format("  id {}\n", rule.info.id);
  if (!rule.info.level.empty()) out += fmt::format("  level {}\n", rule.info.level);
  const auto& ls = rule.logsource;
  out += "  logsource";
  if (!ls.product.empty()) out += " product=" + ls.product;
  if (!ls.category.empty()) out += " category=" + ls.category;
  if (!ls.service.empty()) out += " service=" + ls.service;
  out += "\n";
  if (!rule.source.empty()) out += fmt::format("  source {}\n", rule.source);
  out += "  where\n";
  std::string body = Print(rule.condition);
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find('\n', start);
    out += "    " + body.substr(start, end - start) + "\n";
    start = end + 1;
  }
  return out;
}

}  // namespace refract::ir
