#include "backends/text_generator.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "compiler/text/cat.h"
#include "compiler/text/utf8.h"

namespace refract {

std::string QuoteString(std::string_view text, const QuoteStyle& style) {
  std::string out;
  out.reserve(text.size() + 2);
  out += style.delimiter;
  // Runs of characters that need no escape are appended whole.
  size_t run = 0;
  const bool escape_controls = style.c_escapes || !style.control_format.empty();
  const auto delimiter = static_cast<unsigned char>(style.delimiter);
  for (size_t i = 0; i < text.size(); ++i) {
    // Eight at a time through words with no delimiter, backslash or (when they are escaped)
    // character outside printable ASCII: most of a value.
    while (i + 8 <= text.size()) {
      const uint64_t word = text::LoadEight(text.data() + i);
      if (text::HasByte(word, delimiter) || text::HasByte(word, '\\') ||
          (escape_controls && !text::AllPrintableAscii(word))) {
        break;
      }
      i += 8;
    }
    if (i >= text.size()) break;
    const char raw = text[i];
    const auto c = static_cast<unsigned char>(raw);
    // Most characters are printable and neither the delimiter nor a backslash: one test each.
    if ((c >= 0x20 && c != 0x7F) || !escape_controls) {
      if (raw != style.delimiter && raw != '\\') continue;
    }
    const bool c_escape = style.c_escapes && (raw == '\n' || raw == '\r' || raw == '\t');
    const bool control = !style.control_format.empty() && (c < 0x20 || c == 0x7F);
    if (raw != style.delimiter && !(raw == '\\' && style.escape_backslash) && !c_escape &&
        !control) {
      continue;
    }
    out.append(text, run, i - run);
    run = i + 1;
    if (raw == style.delimiter) {
      out += style.double_delimiter ? style.delimiter : '\\';
      out += raw;
    } else if (raw == '\\') {
      out += "\\\\";
    } else if (c_escape) {
      out += raw == '\n' ? "\\n" : raw == '\r' ? "\\r" : "\\t";
    } else {
      out += fmt::format(fmt::runtime(style.control_format), c);
    }
  }
  out.append(text, run, text.size() - run);
  out += style.delimiter;
  return out;
}

namespace {

// Appends `e` to `out`, so that nested junctions are written once, not copied at each level.
// `in_and`: `e` is an operand of an `and` (where a lone `not` reads as Sigma's).
void RenderTo(const ir::Expr& e, const BoolSyntax& syntax, const LeafWriter& leaf, bool negated,
              bool in_and, std::string& out) {
  using Kind = ir::Expr::Kind;
  switch (e.kind) {
    case Kind::kTrue:
      out += syntax.true_text;
      return;
    case Kind::kFalse:
      out += syntax.false_text;
      return;
    case Kind::kNot: {
      bool lone = !in_and && !syntax.lone_not_open.empty();
      out += lone ? syntax.lone_not_open : syntax.not_open;
      RenderTo(e.children[0], syntax, leaf, !negated, false, out);
      out += lone ? syntax.lone_not_close : syntax.not_close;
      return;
    }
    case Kind::kPredicate:
      out += leaf(e.predicate, negated);
      return;
    case Kind::kAnd:
    case Kind::kOr: {
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i > 0) out += e.kind == Kind::kAnd ? syntax.and_op : syntax.or_op;
        const ir::Expr& child = e.children[i];
        bool wrap = child.kind == Kind::kAnd || child.kind == Kind::kOr;
        if (wrap) out += '(';
        RenderTo(child, syntax, leaf, negated, e.kind == Kind::kAnd, out);
        if (wrap) out += ')';
      }
      return;
    }
  }
}

}  // namespace

std::string RenderBoolean(const ir::Expr& e, const BoolSyntax& syntax, const LeafWriter& leaf,
                          bool negated) {
  std::string out;
  RenderTo(e, syntax, leaf, negated, false, out);
  return out;
}

std::string JoinTests(const std::vector<std::string>& parts, bool all_of,
                      const BoolSyntax& syntax) {
  if (parts.size() == 1) return parts[0];
  if (parts.empty()) return "()";
  const std::string_view op = all_of ? syntax.and_op : syntax.or_op;
  // Sized once: a junction of many values' tests is long, and each growth copied it.
  size_t size = 2 + op.size() * (parts.size() - 1);
  for (const auto& part : parts) size += part.size();
  std::string out;
  out.reserve(size);
  out += '(';
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += op;
    out += parts[i];
  }
  out += ')';
  return out;
}

std::optional<std::string> TextGenerator::Condition(const ir::Expr& expr) {
  std::string text = RenderBoolean(
      expr, dialect_.boolean,
      [this](const ir::Predicate& p, bool negated) { return LeafByKind(p, negated); });
  if (failed_) return std::nullopt;
  return text;
}

std::string TextGenerator::LeafByKind(const ir::Predicate& p, bool negated) {
  // Nearly every predicate's values are of one kind: no copies then.
  auto other_kind = [&](const ir::Value& v) { return v.kind != p.values[0].kind; };
  if (p.values.empty() || std::none_of(p.values.begin(), p.values.end(), other_kind)) {
    return Leaf(p, negated);
  }
  std::vector<ir::Predicate> groups;  // one per value kind, in order of first appearance
  for (const auto& v : p.values) {
    auto same = [&](const ir::Predicate& g) { return g.values[0].kind == v.kind; };
    auto group = std::find_if(groups.begin(), groups.end(), same);
    if (group == groups.end()) {
      ir::Predicate g = p;
      g.values.clear();
      group = groups.insert(groups.end(), std::move(g));
    }
    group->values.push_back(v);
  }
  if (groups.size() <= 1) return Leaf(p, negated);
  std::vector<std::string> parts;
  for (const auto& g : groups) {
    std::string text = Leaf(g, negated);
    if (failed_) return "";
    parts.push_back(text);
  }
  return Join(parts, p.all_of);
}

std::string TextGenerator::Leaf(const ir::Predicate& p, bool negated) {
  using ir::Op;
  if (p.IsKeyword()) return Keyword(p, negated);
  if (p.part != ir::TimePart::kNone) return TimePart(p, negated);
  const std::string field = FieldName(p.field);
  switch (p.op) {
    case Op::kNull:
      return Null(p, field);
    case Op::kExists:
      return Exists(p, field, p.values[0].text == "true");
    case Op::kLt:
    case Op::kLte:
    case Op::kGt:
    case Op::kGte:
      return Compare(p, field, negated);
    case Op::kCidr:
      return Cidr(p, field, negated);
    case Op::kRegex:
      return Regex(p, field, negated);
    default:
      return Values(p, field, negated);
  }
}

std::string TextGenerator::Keyword(const ir::Predicate& p, bool) {
  return Fail(p, "a keyword search");
}

std::string TextGenerator::TimePart(const ir::Predicate& p, bool) {
  return Fail(p, "a time-part modifier");
}

std::string TextGenerator::Null(const ir::Predicate& p, const std::string&) {
  return Fail(p, "a null test");
}

std::string TextGenerator::Exists(const ir::Predicate& p, const std::string&, bool) {
  return Fail(p, "an exists test");
}

std::string TextGenerator::Compare(const ir::Predicate& p, const std::string& field, bool negated) {
  static const char* kOps[] = {"<", "<=", ">", ">="};
  const char* op = kOps[static_cast<int>(p.op) - static_cast<int>(ir::Op::kLt)];
  return Each(p, field, negated, [&](const ir::Value& v) { return CompareValue(p, field, v, op); });
}

std::string TextGenerator::CompareValue(const ir::Predicate&, const std::string& field,
                                        const ir::Value& v, std::string_view op) {
  return text::Cat({field, " ", op, " ", v.text});
}

std::string TextGenerator::Cidr(const ir::Predicate& p, const std::string& field, bool negated) {
  return Each(p, field, negated, [&](const ir::Value& v) { return CidrValue(p, field, v); });
}

std::string TextGenerator::CidrValue(const ir::Predicate& p, const std::string&, const ir::Value&) {
  return Fail(p, "a CIDR test");
}

std::string TextGenerator::Regex(const ir::Predicate& p, const std::string& field, bool negated) {
  return Each(p, field, negated,
              [&](const ir::Value& v) { return RegexValue(p, field, *v.regex); });
}

std::string TextGenerator::RegexValue(const ir::Predicate& p, const std::string&,
                                      const ir::Regex&) {
  return Fail(p, "a regex test");
}

std::string TextGenerator::Values(const ir::Predicate& p, const std::string& field, bool negated) {
  return Each(p, field, negated, [&](const ir::Value& v) { return ValueTest(p, field, v); });
}

std::string TextGenerator::ValueTest(const ir::Predicate& p, const std::string& field,
                                     const ir::Value& v) {
  switch (v.kind) {
    case ir::Value::Kind::kField:
      return FieldRefValue(p, field, v);
    case ir::Value::Kind::kNumber:
      return NumberValue(p, field, v);
    case ir::Value::Kind::kBool:
      return BoolValue(p, field, v);
    default:
      return StringValue(p, field, v);
  }
}

std::string TextGenerator::FieldRefValue(const ir::Predicate& p, const std::string&,
                                         const ir::Value&) {
  return Fail(p, "a field reference");
}

std::string TextGenerator::NumberValue(const ir::Predicate& p, const std::string&,
                                       const ir::Value&) {
  return Fail(p, "a number");
}

std::string TextGenerator::BoolValue(const ir::Predicate& p, const std::string&, const ir::Value&) {
  return Fail(p, "a boolean");
}

std::string TextGenerator::StringValue(const ir::Predicate& p, const std::string&,
                                       const ir::Value&) {
  return Fail(p, "a string");
}

std::string TextGenerator::FieldName(const std::string& field) const { return field; }

std::string TextGenerator::Each(const ir::Predicate& p, const std::string& field, bool negated,
                                const std::function<std::string(const ir::Value&)>& test) {
  std::vector<std::string> parts;
  parts.reserve(p.values.size());
  for (const auto& v : p.values) {
    std::string text = test(v);
    if (failed_) return "";
    parts.push_back(Guard(field, std::move(text), negated));
  }
  return Join(parts, p.all_of);
}

std::string TextGenerator::Guard(const std::string& field, std::string test, bool negated) const {
  if (!negated || dialect_.null_guard.empty()) return test;
  return fmt::format(fmt::runtime(dialect_.null_guard), field, test);
}

std::string TextGenerator::Join(const std::vector<std::string>& parts, bool all_of) const {
  return JoinTests(parts, all_of, dialect_.boolean);
}

std::string TextGenerator::Literal(const std::string& text) const {
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  bool number = !text.empty() && end == text.c_str() + text.size();
  return number ? text : Quote(text);
}

std::string TextGenerator::Fail(const ir::Predicate& p, const std::string& construct) {
  if (!failed_) ctx_.Unsupported(p.location, construct);
  failed_ = true;
  return "";
}

std::string TextGenerator::FieldType(const std::string& field) const {
  return ctx_.mapping.FieldType(ctx_.rule.source, field);
}

}  // namespace refract
