// YARA-L 2.0 for Google SecOps: a complete single-event rule over UDM fields.
// Values are case-sensitive unless followed by `nocase`; there is no glob operator and no
// inline IN list, so patterns are RE2 regexes and lists are or-chains.
// https://cloud.google.com/chronicle/docs/yara-l/expressions
#include "backends/yaral.h"

#include <fmt/format.h>

#include "backends/common.h"

namespace refract {
namespace {

using ir::Op;
using ir::Piece;
using ir::Predicate;
using ir::Value;

const BoolSyntax kYaral{" and ", " or ", "not (", ")", "true", "false"};

// https://cloud.google.com/chronicle/docs/detection/yara-l-2-0-functions/re-regex
const ir::RegexFlavor& Re2() {
  static const ir::RegexFlavor kFlavor = [] {
    ir::RegexFlavor f;
    f.name = "re2 (YARA-L)";
    f.literal_metachars = "\\.+*?()|[]{}^$/";  // `/` ends the regex literal
    f.class_metachars = "\\]^-[/";
    return f;
  }();
  return kFlavor;
}

std::string Quote(std::string_view text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

bool HasControl(std::string_view text) {
  for (unsigned char c : text) {
    if (c < 0x20 && c != '\n' && c != '\r' && c != '\t') return true;
  }
  return false;
}

// A UDM path; a field with no UDM mapping is kept in additional.fields under its own name.
std::string Field(const std::string& field) {
  bool udm = !field.empty();
  for (char c : field) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') udm = false;
  }
  if (udm && field.find('.') != std::string::npos) return "$e." + field;
  return "$e.additional.fields[" + Quote(field) + "]";
}

std::string RuleName(const ir::RuleInfo& info) {
  std::string source = !info.name.empty() ? info.name : info.title;
  std::string out;
  for (char c : source) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0]))) out = "rule_" + out;
  return out;
}

class YaralEmitter {
 public:
  explicit YaralEmitter(const EmitContext& ctx) : ctx_(ctx) {}

  std::optional<std::string> Run() {
    const ir::Rule& rule = ctx_.rule;
    std::string events =
        RenderBoolean(rule.condition, kYaral, [this](const Predicate& p, bool) { return Leaf(p); });
    if (failed_) return std::nullopt;
    const ir::RuleInfo& info = rule.info;
    std::string out = fmt::format("rule {} {{\n  meta:\n", RuleName(info));
    auto meta = [&](const char* key, const std::string& value) {
      if (!value.empty()) out += fmt::format("    {} = {}\n", key, Quote(value));
    };
    meta("title", info.title);
    meta("id", info.id);
    std::string description = info.description;
    for (auto& c : description) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    while (!description.empty() && description.back() == ' ') description.pop_back();
    meta("description", description);
    meta("author", info.author);
    meta("severity", info.level);
    std::string tags;
    for (const auto& tag : info.tags) tags += (tags.empty() ? "" : ", ") + tag;
    meta("tags", tags);
    out += "\n  events:\n";
    if (!rule.source.empty()) out += "    " + rule.source + "\n";
    if (rule.condition.kind != ir::Expr::Kind::kTrue) out += "    " + events + "\n";
    out += "\n  condition:\n    $e\n}";
    return out;
  }

 private:
  void Fail(const Predicate& p, const std::string& construct) {
    if (!failed_) ctx_.Unsupported(p.location, construct);
    failed_ = true;
  }

  static std::string PatternRegex(const Predicate& p, const Value& v) {
    // (?s): regexes see only the first line of a value otherwise.
    std::string out = "/(?s)";
    if (!(p.op == Op::kContains || p.op == Op::kEndsWith)) out += "^";
    for (const auto& piece : v.pattern.pieces) {
      out += piece.kind == Piece::Kind::kLiteral    ? ir::RegexEscapeLiteral(piece.text, Re2())
             : piece.kind == Piece::Kind::kAnyChars ? ".*"
                                                    : ".";
    }
    if (!(p.op == Op::kContains || p.op == Op::kStartsWith)) out += "$";
    return out + "/";
  }

  std::string Leaf(const Predicate& p) {
    if (p.IsKeyword()) {
      Fail(p, "a keyword search (YARA-L matches UDM fields; it has no full-text search)");
      return "";
    }
    if (p.part != ir::TimePart::kNone) {
      Fail(p, "a time-part modifier");
      return "";
    }
    std::string field = Field(p.field);
    std::vector<std::string> parts;
    switch (p.op) {
      // Unset UDM fields read as empty: absence and emptiness are one test.
      case Op::kNull:
        return fmt::format("{} = \"\"", field);
      case Op::kExists:
        return fmt::format("{} {} \"\"", field, p.values[0].text == "true" ? "!=" : "=");
      case Op::kLt:
      case Op::kLte:
      case Op::kGt:
      case Op::kGte: {
        static const char* kOps[] = {"<", "<=", ">", ">="};
        const char* op = kOps[static_cast<int>(p.op) - static_cast<int>(Op::kLt)];
        for (const auto& v : p.values) parts.push_back(fmt::format("{} {} {}", field, op, v.text));
        return JoinTests(parts, p.all_of, kYaral);
      }
      case Op::kCidr:
        for (const auto& v : p.values) {
          parts.push_back(fmt::format("net.ip_in_range_cidr({}, {})", field, Quote(v.text)));
        }
        return JoinTests(parts, p.all_of, kYaral);
      case Op::kRegex:
        for (const auto& v : p.values) {
          ir::Regex copy = *v.regex;
          copy.ignore_case = false;
          std::string construct;
          auto regex = ir::EmitRegex(copy, Re2(), &construct);
          if (!regex) {
            Fail(p, "the regex construct " + construct + " (YARA-L uses RE2)");
            return "";
          }
          parts.push_back(
              fmt::format("{} = /{}/{}", field, *regex, v.regex->ignore_case ? " nocase" : ""));
        }
        return JoinTests(parts, p.all_of, kYaral);
      default:
        break;
    }
    const std::string nocase = p.cased ? "" : " nocase";
    for (const auto& v : p.values) {
      switch (v.kind) {
        case Value::Kind::kField:
          if (p.op == Op::kEq) {
            parts.push_back(p.cased ? fmt::format("{} = {}", field, Field(v.text))
                                    : fmt::format("strings.to_lower({}) = strings.to_lower({})",
                                                  field, Field(v.text)));
          } else if (p.op == Op::kContains) {
            parts.push_back(
                p.cased
                    ? fmt::format("strings.contains({}, {})", field, Field(v.text))
                    : fmt::format("strings.contains(strings.to_lower({}), strings.to_lower({}))",
                                  field, Field(v.text)));
          } else {
            Fail(p, "fieldref with startswith or endswith");
            return "";
          }
          break;
        case Value::Kind::kNumber:
          // UDM event ids and codes are strings; declared numeric fields compare as numbers.
          parts.push_back(ctx_.mapping.FieldType(ctx_.rule.source, p.field) == "int"
                              ? fmt::format("{} = {}", field, v.text)
                              : fmt::format("{} = {}", field, Quote(v.text)));
          break;
        case Value::Kind::kBool:
          parts.push_back(fmt::format("{} = {}", field, v.text));
          break;
        default:
          if (p.op == Op::kEq && !HasControl(v.pattern.Literal())) {
            parts.push_back(fmt::format("{} = {}{}", field, Quote(v.pattern.Literal()), nocase));
          } else {
            parts.push_back(fmt::format("{} = {}{}", field, PatternRegex(p, v), nocase));
          }
      }
    }
    return JoinTests(parts, p.all_of, kYaral);
  }

  const EmitContext& ctx_;
  bool failed_ = false;
};

class Yaral final : public Backend {
 public:
  std::string_view id() const override { return "yaral"; }
  std::string_view description() const override { return "Google SecOps / Chronicle (YARA-L 2.0)"; }
  std::string_view extension() const override { return "yaral"; }
  std::optional<std::string> Emit(const EmitContext& ctx) const override {
    return YaralEmitter(ctx).Run();
  }
};

}  // namespace

const Backend& YaralBackend() {
  static const Yaral kBackend;
  return kBackend;
}

}  // namespace refract
