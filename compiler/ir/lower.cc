#include "compiler/ir/lower.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "compiler/ir/modifiers.h"

namespace refract::ir {

Pattern ParseSigmaString(std::string_view text) {
  // Text between wildcards and escapes goes in as whole runs (AddLiteral joins a literal to the
  // one before it); most values have none of either.
  Pattern pattern;
  size_t run = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\') {
      if (i + 1 < text.size() &&
          (text[i + 1] == '*' || text[i + 1] == '?' || text[i + 1] == '\\')) {
        pattern.AddLiteral(text.substr(run, i - run));
        run = ++i;  // the escaped character opens the next run
      }
    } else if (c == '*' || c == '?') {
      pattern.AddLiteral(text.substr(run, i - run));
      pattern.AddWildcard(c == '*' ? Piece::Kind::kAnyChars : Piece::Kind::kOneChar);
      run = i + 1;
    }
  }
  pattern.AddLiteral(text.substr(run));
  return pattern;
}

namespace {

bool ParseIpv4(std::string_view text) {
  int parts = 0;
  size_t i = 0;
  while (i <= text.size()) {
    size_t start = i;
    int value = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      value = value * 10 + (text[i] - '0');
      if (value > 255 || i - start >= 3) return false;
      ++i;
    }
    if (i == start) return false;
    ++parts;
    if (i == text.size()) break;
    if (text[i] != '.') return false;
    ++i;
  }
  return parts == 4;
}

bool ParseIpv6(std::string_view text) {
  if (text.empty() || text.size() > 45) return false;
  int groups = 0;
  bool compressed = false;
  size_t i = 0;
  if (text.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
    if (i == text.size()) return true;
  }
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() && std::isxdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i < text.size() && text[i] == '.') {
      // An embedded IPv4 address ends the address and counts as two groups.
      if (!ParseIpv4(text.substr(start))) return false;
      groups += 2;
      i = text.size();
      break;
    }
    if (i == start || i - start > 4) return false;
    ++groups;
    if (i == text.size()) break;
    if (text[i] != ':') return false;
    ++i;
    if (i < text.size() && text[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == text.size()) break;
    } else if (i == text.size()) {
      return false;
    }
  }
  return compressed ? groups < 8 : groups == 8;
}

}  // namespace

bool ParseCidr(std::string_view text, bool* ipv6) {
  size_t slash = text.find('/');
  std::string_view address = text.substr(0, slash);
  *ipv6 = address.find(':') != std::string_view::npos;
  if (!(*ipv6 ? ParseIpv6(address) : ParseIpv4(address))) return false;
  if (slash == std::string_view::npos) return true;
  std::string_view length = text.substr(slash + 1);
  if (length.empty() || length.size() > 3) return false;
  int bits = 0;
  for (char c : length) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
    bits = bits * 10 + (c - '0');
  }
  return bits <= (*ipv6 ? 128 : 32);
}

namespace {

// A string value on its way through the transformation modifiers.
struct Work {
  Pattern pattern;
  std::optional<std::string> bytes;  // set by utf16*, consumed by base64*
};

enum class StringOp { kNone, kContains, kStartsWith, kEndsWith };
enum class TypeMod { kNone, kRegex, kCidr, kExists, kFieldRef, kCompare, kTimePart };

// What an item's modifier chain asks for, after validation.
struct ModifierPlan {
  bool all = false;
  bool cased = false;
  bool neq = false;
  bool expand = false;
  StringOp string_op = StringOp::kNone;
  TypeMod type = TypeMod::kNone;
  Op compare = Op::kEq;
  TimePart part = TimePart::kNone;
  bool re_i = false;
  bool re_m = false;
  bool re_s = false;
  std::vector<ast::Modifier> transforms;  // windash, base64, base64offset, utf16*, wide
};

bool IsWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string Base64(std::string_view bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) |
                 (static_cast<uint8_t>(bytes[i + 1]) << 8) | static_cast<uint8_t>(bytes[i + 2]);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += kAlphabet[n & 63];
  }
  if (i + 1 == bytes.size()) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    uint32_t n = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += kAlphabet[(n >> 6) & 63];
    out += '=';
  }
  return out;
}

// The three base64 forms of `bytes` at offsets 0, 1 and 2 of a longer encoded text, trimmed
// of the characters that depend on the neighbouring bytes (Sigma's base64offset).
std::vector<std::string> Base64Offsets(std::string_view bytes) {
  static const size_t kStart[] = {0, 2, 3};
  static const size_t kEndTrim[] = {0, 3, 2};
  std::vector<std::string> out;
  for (size_t i = 0; i < 3; ++i) {
    std::string shifted(i, ' ');
    shifted += bytes;
    std::string encoded = Base64(shifted);
    size_t trim = kEndTrim[(bytes.size() + i) % 3];
    size_t start = kStart[i];
    if (encoded.size() < start + trim) continue;
    out.push_back(encoded.substr(start, encoded.size() - start - trim));
  }
  return out;
}

// UTF-8 text to UTF-16 code units, little or big endian.
std::string Utf16(std::string_view text, bool big_endian, bool bom) {
  std::string out;
  auto put = [&](uint16_t unit) {
    char lo = static_cast<char>(unit & 0xFF);
    char hi = static_cast<char>(unit >> 8);
    if (big_endian) {
      out += hi;
      out += lo;
    } else {
      out += lo;
      out += hi;
    }
  };
  if (bom) put(0xFEFF);
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    uint32_t cp = c;
    size_t extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
    if (extra > 0 && i + extra < text.size() + 1) {
      cp = c & (0x3F >> extra);
      for (size_t k = 1; k <= extra && i + k < text.size(); ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
      }
    }
    i += extra + 1;
    if (cp >= 0x10000) {
      cp -= 0x10000;
      put(static_cast<uint16_t>(0xD800 + (cp >> 10)));
      put(static_cast<uint16_t>(0xDC00 + (cp & 0x3FF)));
    } else {
      put(static_cast<uint16_t>(cp));
    }
  }
  return out;
}

// The variants of `pattern` with each word-leading '-' or '/' replaced by one dash character.
std::vector<Pattern> WindashVariants(const Pattern& pattern) {
  static const char* kDashes[] = {"-", "/", "\xE2\x80\x93", "\xE2\x80\x94", "\xE2\x80\x95"};
  bool any = false;
  std::vector<Pattern> variants;
  for (const char* dash : kDashes) {
    Pattern variant;
    char previous = ' ';
    for (size_t p = 0; p < pattern.pieces.size(); ++p) {
      const Piece& piece = pattern.pieces[p];
      if (piece.kind != Piece::Kind::kLiteral) {
        variant.AddWildcard(piece.kind);
        previous = ' ';
        continue;
      }
      std::string text;
      for (size_t i = 0; i < piece.text.size(); ++i) {
        char c = piece.text[i];
        char next = i + 1 < piece.text.size() ? piece.text[i + 1] : '\0';
        if ((c == '-' || c == '/') && !IsWordChar(previous) && IsWordChar(next)) {
          text += dash;
          any = true;
        } else {
          text += c;
        }
        previous = c;
      }
      variant.AddLiteral(text);
    }
    if (std::find(variants.begin(), variants.end(), variant) == variants.end()) {
      variants.push_back(std::move(variant));
    }
  }
  if (!any) return {pattern};
  return variants;
}

// Names the op that a pattern's wildcard shape allows, and strips the outer wildcards for the
// literal ops.
Predicate ClassifyPattern(Pattern pattern, Predicate base) {
  const auto& pieces = pattern.pieces;
  auto is_any = [](const Piece& p) { return p.kind == Piece::Kind::kAnyChars; };
  auto is_literal = [](const Piece& p) { return p.kind == Piece::Kind::kLiteral; };
  base.op = Op::kWildcard;
  Pattern core;
  if (pattern.IsPlain()) {
    base.op = Op::kEq;
    core = pattern;
  } else if (pieces.size() == 3 && is_any(pieces[0]) && is_literal(pieces[1]) &&
             is_any(pieces[2])) {
    base.op = Op::kContains;
    core.AddLiteral(pieces[1].text);
  } else if (pieces.size() == 2 && is_literal(pieces[0]) && is_any(pieces[1])) {
    base.op = Op::kStartsWith;
    core.AddLiteral(pieces[0].text);
  } else if (pieces.size() == 2 && is_any(pieces[0]) && is_literal(pieces[1])) {
    base.op = Op::kEndsWith;
    core.AddLiteral(pieces[1].text);
  } else {
    core = pattern;
  }
  base.values = {Value::String(std::move(core))};
  return base;
}

class Lowerer {
 public:
  Lowerer(const ast::Rule& rule, const LowerOptions& options, Diagnostics& diagnostics)
      : rule_(rule), options_(options), diagnostics_(diagnostics) {}

  std::optional<Rule> Run();

 private:
  std::optional<ModifierPlan> PlanModifiers(const ast::DetectionItem& item);
  std::optional<Expr> LowerItem(const ast::DetectionItem& item);
  std::optional<Expr> LowerValue(const ast::DetectionItem& item, const ModifierPlan& plan,
                                 const ast::Scalar& value);
  std::optional<Expr> LowerString(const ast::DetectionItem& item, const ModifierPlan& plan,
                                  const ast::Scalar& value, const std::string& text);
  std::optional<std::vector<std::string>> ExpandPlaceholders(const ast::Scalar& value);
  std::optional<Expr> LowerSearch(const ast::Search& search);
  std::optional<Expr> LowerCondition(const ast::Condition& condition);
  void WrongType(const ast::Scalar& value, std::string_view modifier, std::string_view wanted);

  Predicate Base(const ast::DetectionItem& item, const ModifierPlan& plan) const {
    Predicate p;
    p.field = item.field.value_or("");
    p.cased = plan.cased;
    p.part = plan.part;
    p.location = item.location;
    return p;
  }

  const ast::Rule& rule_;
  const LowerOptions& options_;
  Diagnostics& diagnostics_;
  // A lowered search and how many more times the conditions read it: the last read takes the
  // tree, the ones before it copy it (most searches are read once).
  struct LoweredSearch {
    Expr expr;
    int reads_left = 0;
  };
  // Counts, into reads_left, every read LowerCondition makes of a lowered search.
  void CountReads(const ast::Condition& condition);
  // The search's tree for one read.
  static Expr Read(LoweredSearch& search) {
    return --search.reads_left == 0 ? std::move(search.expr) : search.expr;
  }
  std::map<std::string, LoweredSearch> lowered_searches_;
  std::set<std::string> failed_searches_;
};

std::optional<ModifierPlan> Lowerer::PlanModifiers(const ast::DetectionItem& item) {
  ModifierPlan plan;
  bool ok = true;
  std::vector<std::string_view> names;
  for (const auto& info : KnownModifiers()) names.push_back(info.name);
  auto set_type = [&](TypeMod type, const ast::Modifier& m) {
    if (plan.type != TypeMod::kNone &&
        !(plan.type == TypeMod::kTimePart && type == TypeMod::kCompare)) {
      diagnostics_.Error(
          "E0205", m.location,
          fmt::format("modifier '{}' cannot be combined with the ones before it", m.name));
      ok = false;
    }
    if (plan.type != TypeMod::kTimePart) plan.type = type;
  };
  for (const auto& m : item.modifiers) {
    const std::string& n = m.name;
    if (n == "all") {
      plan.all = true;
    } else if (n == "cased") {
      plan.cased = true;
    } else if (n == "neq") {
      plan.neq = true;
    } else if (n == "expand") {
      plan.expand = true;
    } else if (n == "contains" || n == "startswith" || n == "endswith") {
      if (plan.string_op != StringOp::kNone) {
        diagnostics_.Error("E0205", m.location,
                           fmt::format("modifier '{}' conflicts with an earlier contains, "
                                       "startswith or endswith",
                                       n));
        ok = false;
      }
      plan.string_op = n == "contains"     ? StringOp::kContains
                       : n == "startswith" ? StringOp::kStartsWith
                                           : StringOp::kEndsWith;
    } else if (n == "windash" || n == "base64" || n == "base64offset" || n == "utf16le" ||
               n == "utf16be" || n == "utf16" || n == "wide") {
      plan.transforms.push_back(m);
    } else if (n == "re") {
      set_type(TypeMod::kRegex, m);
    } else if (n == "i" || n == "ignorecase" || n == "m" || n == "multiline" || n == "s" ||
               n == "dotall") {
      if (plan.type != TypeMod::kRegex) {
        diagnostics_.Error("E0205", m.location,
                           fmt::format("modifier '{}' applies only after 're'", n));
        ok = false;
      }
      if (n[0] == 'i') plan.re_i = true;
      if (n[0] == 'm') plan.re_m = true;
      if (n[0] == 's' || n[0] == 'd') plan.re_s = true;
    } else if (n == "cidr") {
      set_type(TypeMod::kCidr, m);
    } else if (n == "exists") {
      set_type(TypeMod::kExists, m);
    } else if (n == "fieldref") {
      set_type(TypeMod::kFieldRef, m);
    } else if (n == "lt" || n == "lte" || n == "gt" || n == "gte") {
      set_type(TypeMod::kCompare, m);
      plan.compare = n == "lt" ? Op::kLt : n == "lte" ? Op::kLte : n == "gt" ? Op::kGt : Op::kGte;
    } else if (n == "minute" || n == "hour" || n == "day" || n == "week" || n == "month" ||
               n == "year") {
      set_type(TypeMod::kTimePart, m);
      plan.part = n == "minute"  ? TimePart::kMinute
                  : n == "hour"  ? TimePart::kHour
                  : n == "day"   ? TimePart::kDay
                  : n == "week"  ? TimePart::kWeek
                  : n == "month" ? TimePart::kMonth
                                 : TimePart::kYear;
    } else {
      std::vector<std::string> notes;
      std::string suggestion = ClosestMatch(n, names);
      if (!suggestion.empty()) notes.push_back(fmt::format("did you mean '{}'?", suggestion));
      notes.push_back("'refract list modifiers' lists every modifier");
      diagnostics_.Error("E0203", m.location, fmt::format("unknown modifier '{}'", n), notes);
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  auto reject = [&](bool bad, std::string message) {
    if (!bad) return;
    diagnostics_.Error("E0205",
                       item.modifiers.empty() ? item.location : item.modifiers.front().location,
                       std::move(message));
    ok = false;
  };
  bool typed = plan.type != TypeMod::kNone && plan.type != TypeMod::kFieldRef;
  reject(typed && plan.string_op != StringOp::kNone,
         "contains, startswith and endswith apply to plain strings, not to re, cidr, exists or "
         "numeric modifiers");
  reject(plan.type != TypeMod::kNone && !plan.transforms.empty(),
         "encoding modifiers (base64, utf16, windash) apply to plain strings only");
  reject(plan.cased && typed, "'cased' applies to string matching only");
  reject(plan.expand && plan.type != TypeMod::kNone && plan.type != TypeMod::kCidr,
         "'expand' applies to strings and cidr only");
  if (!item.field) {
    reject(plan.type != TypeMod::kNone && plan.type != TypeMod::kRegex,
           "keyword searches have no field; only string and re modifiers apply");
    reject(plan.neq, "keyword searches have no field; 'neq' does not apply");
  }
  // utf16 produces bytes that only base64 can turn back into text.
  bool pending_bytes = false;
  for (const auto& t : plan.transforms) {
    if (t.name == "utf16le" || t.name == "utf16be" || t.name == "utf16" || t.name == "wide") {
      pending_bytes = true;
    } else if (t.name == "base64" || t.name == "base64offset") {
      pending_bytes = false;
    } else if (pending_bytes) {
      diagnostics_.Error("E0205", t.location,
                         fmt::format("'{}' cannot follow a utf16 encoding", t.name));
      ok = false;
    }
  }
  if (pending_bytes) {
    diagnostics_.Error("E0205", plan.transforms.back().location,
                       "utf16 encodings must be followed by 'base64' or 'base64offset'");
    ok = false;
  }
  if (!ok) return std::nullopt;
  return plan;
}

void Lowerer::WrongType(const ast::Scalar& value, std::string_view modifier,
                        std::string_view wanted) {
  static const char* kKinds[] = {"text", "a number", "a boolean", "null"};
  diagnostics_.Error("E0204", value.location,
                     fmt::format("modifier '{}' needs {}, got {}", modifier, wanted,
                                 kKinds[static_cast<int>(value.kind)]));
}

namespace {

// `%name%` → `name`.
std::string PlaceholderName(const ast::Scalar& value) {
  return value.text.substr(1, value.text.size() - 2);
}

}  // namespace

std::optional<std::vector<std::string>> Lowerer::ExpandPlaceholders(const ast::Scalar& value) {
  const std::string& text = value.text;
  if (text.size() < 3 || text.front() != '%' || text.back() != '%' ||
      text.find('%', 1) != text.size() - 1) {
    diagnostics_.Error("E0209", value.location,
                       fmt::format("'expand' needs a value of the form %name%, got '{}'", text));
    return std::nullopt;
  }
  std::string name = text.substr(1, text.size() - 2);
  if (options_.placeholders != nullptr) {
    auto it = options_.placeholders->find(name);
    // A placeholder given an empty list is known and matches nothing (an empty allowlist).
    if (it != options_.placeholders->end()) return it->second;
  }
  diagnostics_.Error("E0209", value.location, fmt::format("placeholder '%{}%' has no values", name),
                     {"give its values in a placeholders file: refract translate --placeholders "
                      "FILE (a yaml map of name to list of values)"});
  return std::nullopt;
}

std::optional<Expr> Lowerer::LowerString(const ast::DetectionItem& item, const ModifierPlan& plan,
                                         const ast::Scalar& value, const std::string& text) {
  std::vector<Work> work = {{ParseSigmaString(text), std::nullopt}};
  for (const auto& t : plan.transforms) {
    std::vector<Work> next;
    for (auto& w : work) {
      if (t.name == "windash") {
        for (auto& v : WindashVariants(w.pattern)) next.push_back({std::move(v), std::nullopt});
        continue;
      }
      if (!w.bytes && !w.pattern.IsPlain()) {
        diagnostics_.Error("E0204", value.location,
                           fmt::format("'{}' cannot encode a value with wildcards", t.name));
        return std::nullopt;
      }
      std::string bytes = w.bytes ? *w.bytes : w.pattern.Literal();
      if (t.name == "base64") {
        Pattern p;
        p.AddLiteral(Base64(bytes));
        next.push_back({std::move(p), std::nullopt});
      } else if (t.name == "base64offset") {
        for (auto& encoded : Base64Offsets(bytes)) {
          Pattern p;
          p.AddLiteral(encoded);
          next.push_back({std::move(p), std::nullopt});
        }
      } else {
        bool big = t.name == "utf16be";
        bool bom = t.name == "utf16";
        next.push_back({Pattern{}, Utf16(bytes, big, bom)});
      }
    }
    work = std::move(next);
  }
  std::vector<Expr> variants;
  for (auto& w : work) {
    Pattern p = std::move(w.pattern);
    StringOp op = item.field ? plan.string_op : StringOp::kContains;
    bool lead = op == StringOp::kContains || op == StringOp::kEndsWith;
    bool trail = op == StringOp::kContains || op == StringOp::kStartsWith;
    if (lead && (p.pieces.empty() || p.pieces.front().kind != Piece::Kind::kAnyChars)) {
      p.pieces.insert(p.pieces.begin(), Piece{Piece::Kind::kAnyChars, ""});
    }
    if (trail) p.AddWildcard(Piece::Kind::kAnyChars);
    variants.push_back(Expr::Pred(ClassifyPattern(std::move(p), Base(item, plan))));
  }
  if (variants.size() == 1) return std::move(variants[0]);
  return Expr::Or(std::move(variants));
}

std::optional<Expr> Lowerer::LowerValue(const ast::DetectionItem& item, const ModifierPlan& plan,
                                        const ast::Scalar& value) {
  using SK = ast::ScalarKind;
  Predicate p = Base(item, plan);
  if (value.kind == SK::kNull) {
    if (plan.type != TypeMod::kNone || plan.string_op != StringOp::kNone ||
        !plan.transforms.empty() || !item.field) {
      diagnostics_.Error(
          "E0204", value.location,
          item.field ? "a null value takes no modifiers except 'neq'" : "a keyword cannot be null");
      return std::nullopt;
    }
    p.op = Op::kNull;
    return Expr::Pred(std::move(p));
  }
  switch (plan.type) {
    case TypeMod::kRegex: {
      if (value.kind != SK::kString && value.kind != SK::kNumber) {
        WrongType(value, "re", "a regular expression");
        return std::nullopt;
      }
      RegexError error;
      auto regex = ParseRegex(value.text, &error);
      if (!regex) {
        SourceLocation where = value.location;
        // Exact for values on one line; the scalar's location is its first character.
        where.column += static_cast<int>(error.offset);
        where.length = 1;
        diagnostics_.Error("E0206", where, fmt::format("invalid regex: {}", error.message));
        return std::nullopt;
      }
      regex->ignore_case = regex->ignore_case || plan.re_i;
      regex->multiline = regex->multiline || plan.re_m;
      regex->dot_all = regex->dot_all || plan.re_s;
      p.op = Op::kRegex;
      Value v;
      v.kind = Value::Kind::kRegex;
      v.regex = std::make_shared<const Regex>(std::move(*regex));
      p.values = {std::move(v)};
      return Expr::Pred(std::move(p));
    }
    case TypeMod::kCidr: {
      std::vector<std::string> networks = {value.text};
      if (value.kind != SK::kString) {
        WrongType(value, "cidr", "a network like 10.0.0.0/8");
        return std::nullopt;
      }
      if (plan.expand) {
        auto expanded = ExpandPlaceholders(value);
        if (!expanded) return std::nullopt;
        networks = *expanded;
        if (networks.empty()) return Expr::Bool(false);
        p.list = PlaceholderName(value);
      }
      p.op = Op::kCidr;
      for (const auto& network : networks) {
        Value v;
        v.kind = Value::Kind::kCidr;
        if (!ParseCidr(network, &v.ipv6)) {
          diagnostics_.Error("E0207", value.location,
                             fmt::format("invalid cidr network '{}'", network),
                             {"write an IPv4 or IPv6 network like 10.0.0.0/8 or 2001:db8::/32"});
          return std::nullopt;
        }
        v.text = network;
        p.values.push_back(std::move(v));
      }
      return Expr::Pred(std::move(p));
    }
    case TypeMod::kExists: {
      if (value.kind != SK::kBool) {
        WrongType(value, "exists", "true or false");
        return std::nullopt;
      }
      p.op = Op::kExists;
      p.values = {Value::Bool(value.text == "true")};
      return Expr::Pred(std::move(p));
    }
    case TypeMod::kFieldRef: {
      if (value.kind != SK::kString) {
        WrongType(value, "fieldref", "a field name");
        return std::nullopt;
      }
      p.op = plan.string_op == StringOp::kContains     ? Op::kContains
             : plan.string_op == StringOp::kStartsWith ? Op::kStartsWith
             : plan.string_op == StringOp::kEndsWith   ? Op::kEndsWith
                                                       : Op::kEq;
      p.values = {Value::Field(value.text)};
      return Expr::Pred(std::move(p));
    }
    case TypeMod::kCompare:
    case TypeMod::kTimePart: {
      bool numeric = value.kind == SK::kNumber;
      if (value.kind == SK::kString) {
        char* end = nullptr;
        std::strtod(value.text.c_str(), &end);
        numeric = !value.text.empty() && end == value.text.c_str() + value.text.size();
      }
      if (!numeric) {
        std::string name = plan.type == TypeMod::kCompare ? std::string(OpName(plan.compare))
                                                          : std::string(TimePartName(plan.part));
        WrongType(value, name, "a number");
        return std::nullopt;
      }
      p.op = plan.type == TypeMod::kCompare ? plan.compare : Op::kEq;
      if (plan.type == TypeMod::kTimePart && plan.compare != Op::kEq) p.op = plan.compare;
      p.values = {Value::Number(value.text)};
      return Expr::Pred(std::move(p));
    }
    case TypeMod::kNone:
      break;
  }
  if (value.kind == SK::kBool) {
    if (plan.string_op != StringOp::kNone || !plan.transforms.empty() || !item.field) {
      WrongType(value, plan.transforms.empty() ? "contains" : plan.transforms.front().name, "text");
      return std::nullopt;
    }
    p.op = Op::kEq;
    p.values = {Value::Bool(value.text == "true")};
    return Expr::Pred(std::move(p));
  }
  if (value.kind == SK::kNumber && plan.string_op == StringOp::kNone && plan.transforms.empty() &&
      item.field && !plan.expand) {
    p.op = Op::kEq;
    p.values = {Value::Number(value.text)};
    return Expr::Pred(std::move(p));
  }
  if (plan.expand) {
    auto expanded = ExpandPlaceholders(value);
    if (!expanded) return std::nullopt;
    std::vector<Expr> alternatives;
    alternatives.reserve(expanded->size());
    for (const auto& text : *expanded) {
      auto e = LowerString(item, plan, value, text);
      if (!e) return std::nullopt;
      // One value, one predicate: it reads as a member of the list (simplify merges them back).
      if (e->kind == Expr::Kind::kPredicate) e->predicate.list = PlaceholderName(value);
      alternatives.push_back(std::move(*e));
    }
    if (alternatives.empty()) return Expr::Bool(false);
    if (alternatives.size() == 1) return std::move(alternatives[0]);
    return Expr::Or(std::move(alternatives));
  }
  return LowerString(item, plan, value, value.text);
}

std::optional<Expr> Lowerer::LowerItem(const ast::DetectionItem& item) {
  auto plan = PlanModifiers(item);
  if (!plan) return std::nullopt;
  // The specification's modifier appendix does not allow `all` on a single value.
  if (plan->all && item.values.size() < 2) {
    diagnostics_.Error("E0208", item.location, "'all' needs a list of values, not a single value",
                       {"the Sigma specification does not allow the all modifier on one value; "
                        "drop |all or give a list"});
    return std::nullopt;
  }
  std::vector<Expr> parts;
  parts.reserve(item.values.size());
  bool ok = true;
  for (const auto& value : item.values) {
    if (auto e = LowerValue(item, *plan, value)) {
      parts.push_back(std::move(*e));
    } else {
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  Expr combined = parts.size() == 1 ? std::move(parts[0])
                  : plan->all       ? Expr::And(std::move(parts))
                                    : Expr::Or(std::move(parts));
  // neq: the field equals none of the values.
  if (plan->neq) return Expr::Not(std::move(combined));
  return combined;
}

std::optional<Expr> Lowerer::LowerSearch(const ast::Search& search) {
  // Sized up front: an Expr is about 200 bytes, and regrowth moves every one before it.
  std::vector<Expr> alternatives;
  alternatives.reserve(search.alternatives.size());
  bool ok = true;
  for (const auto& alternative : search.alternatives) {
    std::vector<Expr> items;
    items.reserve(alternative.items.size());
    for (const auto& item : alternative.items) {
      if (auto e = LowerItem(item)) {
        items.push_back(std::move(*e));
      } else {
        ok = false;
      }
    }
    alternatives.push_back(items.size() == 1 ? std::move(items[0]) : Expr::And(std::move(items)));
  }
  if (!ok) return std::nullopt;
  if (alternatives.size() == 1) return std::move(alternatives[0]);
  return Expr::Or(std::move(alternatives));
}

// Glob match for `1 of sel*` patterns.
bool GlobMatch(std::string_view pattern, std::string_view name) {
  size_t p = 0;
  size_t n = 0;
  size_t star = std::string_view::npos;
  size_t mark = 0;
  while (n < name.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = n;
    } else if (p < pattern.size() && pattern[p] == name[n]) {
      ++p;
      ++n;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      n = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

// Counts a read wherever LowerCondition may make one, error paths included: a count above the
// reads made only copies where a move would do, one below would hand a later read an emptied
// tree.
void Lowerer::CountReads(const ast::Condition& c) {
  using Kind = ast::Condition::Kind;
  if (c.kind == Kind::kRef) {
    if (auto it = lowered_searches_.find(c.name); it != lowered_searches_.end()) {
      ++it->second.reads_left;
    }
    return;
  }
  if (c.kind == Kind::kOneOf || c.kind == Kind::kAllOf) {
    for (const auto& s : rule_.searches) {
      bool hit = c.name == "them" ? s.name.empty() || s.name[0] != '_' : GlobMatch(c.name, s.name);
      if (!hit) continue;
      if (auto it = lowered_searches_.find(s.name); it != lowered_searches_.end()) {
        ++it->second.reads_left;
      }
    }
    return;
  }
  for (const auto& child : c.children) CountReads(child);
}

std::optional<Expr> Lowerer::LowerCondition(const ast::Condition& c) {
  using Kind = ast::Condition::Kind;
  switch (c.kind) {
    case Kind::kRef: {
      auto it = lowered_searches_.find(c.name);
      if (it != lowered_searches_.end()) return Read(it->second);
      if (failed_searches_.count(c.name) != 0) return std::nullopt;
      std::vector<std::string_view> names;
      for (const auto& s : rule_.searches) names.push_back(s.name);
      std::vector<std::string> notes;
      std::string suggestion = ClosestMatch(c.name, names);
      if (!suggestion.empty()) notes.push_back(fmt::format("did you mean '{}'?", suggestion));
      diagnostics_.Error("E0301", c.location,
                         fmt::format("condition names '{}', which is not a search identifier of "
                                     "this detection",
                                     c.name),
                         notes);
      return std::nullopt;
    }
    case Kind::kOneOf:
    case Kind::kAllOf: {
      if (!c.children.empty() && c.children[0].name != "1") {
        diagnostics_.Error(
            "E0305", c.children[0].location,
            fmt::format("'{} of' is not sigma; use '1 of' or 'all of'", c.children[0].name));
        return std::nullopt;
      }
      std::vector<Expr> matched;
      bool ok = true;
      for (const auto& name : failed_searches_) {
        if (c.name == "them" || GlobMatch(c.name, name)) ok = false;
      }
      for (const auto& s : rule_.searches) {
        bool hit =
            c.name == "them" ? s.name.empty() || s.name[0] != '_' : GlobMatch(c.name, s.name);
        if (!hit) continue;
        auto it = lowered_searches_.find(s.name);
        if (it == lowered_searches_.end()) {
          ok = false;
          continue;
        }
        matched.push_back(Read(it->second));
      }
      if (!ok) return std::nullopt;
      if (matched.empty()) {
        diagnostics_.Error("E0302", c.location,
                           fmt::format("'{}' matches no search identifier", c.name));
        return std::nullopt;
      }
      if (matched.size() == 1) return std::move(matched[0]);
      return c.kind == Kind::kOneOf ? Expr::Or(std::move(matched)) : Expr::And(std::move(matched));
    }
    case Kind::kNot: {
      auto child = LowerCondition(c.children[0]);
      if (!child) return std::nullopt;
      return Expr::Not(std::move(*child));
    }
    case Kind::kAnd:
    case Kind::kOr: {
      std::vector<Expr> children;
      bool ok = true;
      for (const auto& child : c.children) {
        if (auto e = LowerCondition(child)) {
          children.push_back(std::move(*e));
        } else {
          ok = false;
        }
      }
      if (!ok) return std::nullopt;
      return c.kind == Kind::kAnd ? Expr::And(std::move(children)) : Expr::Or(std::move(children));
    }
  }
  return std::nullopt;
}

std::optional<Rule> Lowerer::Run() {
  int errors_before = diagnostics_.error_count();
  failed_searches_.insert(rule_.broken_searches.begin(), rule_.broken_searches.end());
  for (const auto& search : rule_.searches) {
    if (auto e = LowerSearch(search)) {
      lowered_searches_.emplace(search.name, LoweredSearch{std::move(*e)});
    } else {
      failed_searches_.insert(search.name);
    }
  }
  for (const auto& condition : rule_.conditions) CountReads(condition);
  std::vector<Expr> conditions;
  for (const auto& condition : rule_.conditions) {
    if (auto e = LowerCondition(condition)) conditions.push_back(std::move(*e));
  }
  if (diagnostics_.error_count() != errors_before || rule_.has_errors) return std::nullopt;
  Rule rule;
  const ast::Rule& r = rule_;
  rule.info = {r.title,    r.id,    r.name, r.status,     r.description,    r.author, r.date,
               r.modified, r.level, r.tags, r.references, r.falsepositives, r.fields};
  rule.logsource = {r.logsource.product, r.logsource.category, r.logsource.service,
                    r.logsource.definition};
  rule.logsource_location = r.logsource_location;
  rule.location = r.location;
  rule.condition =
      conditions.size() == 1 ? std::move(conditions[0]) : Expr::Or(std::move(conditions));
  return rule;
}

}  // namespace

std::optional<Rule> Lower(const ast::Rule& rule, const LowerOptions& options,
                          Diagnostics& diagnostics) {
  return Lowerer(rule, options, diagnostics).Run();
}

}  // namespace refract::ir
