#include "compiler/eval/matcher.h"

#define PCRE2_CODE_UNIT_WIDTH 8
#include <arpa/inet.h>
#include <pcre2.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <unordered_map>
#include <unordered_set>

#include "compiler/ir/regex.h"
#include "compiler/text/utf8.h"

namespace refract::eval {
namespace {

using ir::Op;

// Wildcards of a folded pattern, outside the Unicode range so no text can collide with them.
constexpr char32_t kAnyChars = 0x110000;
constexpr char32_t kOneChar = 0x110001;

// Decodes UTF-8 into `out` (reusing its storage); a byte that starts no valid sequence stands
// for itself in U+DC80..U+DCFF.
void DecodeInto(std::string_view text, std::u32string& out) {
  out.clear();
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    auto b = static_cast<unsigned char>(text[i]);
    int extra = b < 0x80 ? 0 : (b >> 5) == 6 ? 1 : (b >> 4) == 14 ? 2 : (b >> 3) == 30 ? 3 : -1;
    char32_t cp = extra == 0 ? b : extra == 1 ? (b & 0x1F) : extra == 2 ? (b & 0x0F) : (b & 0x07);
    bool ok = extra >= 0 && i + static_cast<size_t>(extra) < text.size();
    for (int k = 1; ok && k <= extra; ++k) {
      auto c = static_cast<unsigned char>(text[i + static_cast<size_t>(k)]);
      if ((c >> 6) != 2) ok = false;
      cp = (cp << 6) | (c & 0x3F);
    }
    if (!ok) {
      out.push_back(0xDC00 + b);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += static_cast<size_t>(extra) + 1;
  }
}

// Whether every byte of `text` is ASCII, tested a word at a time.
bool IsAscii(std::string_view text) {
  size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    if (text::AnyHighBit(text::LoadEight(text.data() + i))) return false;
  }
  for (; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) >= 0x80) return false;
  }
  return true;
}

// Sigma strings compare case-insensitively: both sides map each letter of a case pair to the
// lower code point of the pair. Writes into `out`, reusing its storage.
void FoldInto(std::string_view text, bool cased, std::u32string& out) {
  if (IsAscii(text)) {  // most event values: a byte is a code point, folded in one step
    out.resize(text.size());
    for (size_t i = 0; i < text.size(); ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      out[i] = !cased && c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
    }
    return;
  }
  DecodeInto(text, out);
  if (cased) return;
  for (char32_t& cp : out) {
    if (cp < 0x80) {  // ASCII: the pair's lower code point is the upper-case letter
      if (cp >= 'a' && cp <= 'z') cp -= 'a' - 'A';
      continue;
    }
    char32_t other = ir::OtherCase(cp);
    if (other != 0 && other < cp) cp = other;
  }
}

// The folded form of `value`'s text, made once per value (FieldValue::caseless, ::cased).
const std::u32string& FoldedText(const FieldValue& value, bool cased) {
  const unsigned bit = cased ? FieldValue::kCased : FieldValue::kCaseless;
  std::u32string& folded = cased ? value.cased : value.caseless;
  if ((value.made & bit) == 0) {
    FoldInto(value.text, cased, folded);
    value.made |= bit;
  }
  return folded;
}

std::u32string Fold(std::string_view text, bool cased) {
  std::u32string out;
  FoldInto(text, cased, out);
  return out;
}

std::u32string FoldPattern(const ir::Pattern& pattern, bool cased) {
  std::u32string out;
  for (const auto& piece : pattern.pieces) {
    if (piece.kind == ir::Piece::Kind::kAnyChars) {
      out.push_back(kAnyChars);
    } else if (piece.kind == ir::Piece::Kind::kOneChar) {
      out.push_back(kOneChar);
    } else {
      out += Fold(piece.text, cased);
    }
  }
  return out;
}

// Whole-value glob match; a star remembers one backtrack point, which suffices for globs.
bool GlobMatch(const std::u32string& pattern, const std::u32string& text) {
  size_t p = 0, t = 0, star = std::u32string::npos, resume = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == kOneChar || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == kAnyChars) {
      star = p++;
      resume = t;
    } else if (star != std::u32string::npos) {
      p = star + 1;
      t = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == kAnyChars) ++p;
  return p == pattern.size();
}

std::optional<double> ParseNumber(std::string_view text) {
  if (text.empty()) return std::nullopt;
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (end != copy.c_str() + copy.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

std::optional<double> NumberOf(const FieldValue& value) {
  if (value.kind == FieldValue::Kind::kNumber) return value.number;
  if (value.kind == FieldValue::Kind::kString) return ParseNumber(value.text);
  return std::nullopt;
}

struct Network {
  int family = AF_INET;
  std::array<unsigned char, 16> address{};
  int prefix = 0;
};

std::optional<Network> ParseNetwork(std::string_view text) {
  Network n;
  size_t slash = text.find('/');
  std::string address(text.substr(0, slash));
  n.family = address.find(':') != std::string::npos ? AF_INET6 : AF_INET;
  if (inet_pton(n.family, address.c_str(), n.address.data()) != 1) return std::nullopt;
  int bits = n.family == AF_INET ? 32 : 128;
  n.prefix = bits;
  if (slash != std::string_view::npos) {
    auto prefix = ParseNumber(text.substr(slash + 1));
    if (!prefix || *prefix < 0 || *prefix > bits) return std::nullopt;
    n.prefix = static_cast<int>(*prefix);
  }
  return n;
}

// The part of a timestamp a Sigma time modifier extracts (UTC; ISO 8601 weeks).
std::optional<double> TimePartOf(ir::TimePart part, const FieldValue& value) {
  auto epoch = ParseTimestamp(value);
  if (!epoch) return std::nullopt;
  using namespace std::chrono;
  auto time = sys_seconds(seconds(static_cast<long long>(std::floor(*epoch))));
  auto day = floor<days>(time);
  year_month_day date(day);
  hh_mm_ss clock(time - day);
  switch (part) {
    case ir::TimePart::kMinute:
      return clock.minutes().count();
    case ir::TimePart::kHour:
      return clock.hours().count();
    case ir::TimePart::kDay:
      return static_cast<unsigned>(date.day());
    case ir::TimePart::kMonth:
      return static_cast<unsigned>(date.month());
    case ir::TimePart::kYear:
      return static_cast<int>(date.year());
    case ir::TimePart::kWeek: {
      // ISO 8601: week 1 holds the year's first Thursday.
      weekday wd(day);
      auto thursday = day + days(3 - static_cast<int>((wd.c_encoding() + 6) % 7));
      year_month_day thursday_date(thursday);
      auto first = sys_days(thursday_date.year() / January / 1);
      return static_cast<double>((thursday - first).count() / 7 + 1);
    }
    case ir::TimePart::kNone:
      break;
  }
  return std::nullopt;
}

// An address of an event value, parsed once per predicate rather than once per network.
struct Address {
  bool parsed[2] = {false, false};  // AF_INET, AF_INET6
  bool valid[2] = {false, false};
  std::array<unsigned char, 16> bytes[2]{};

  const unsigned char* Of(const FieldValue& value, int family) {
    int k = family == AF_INET ? 0 : 1;
    if (!parsed[k]) {
      parsed[k] = true;
      valid[k] = value.kind == FieldValue::Kind::kString &&
                 inet_pton(family, value.text.c_str(), bytes[k].data()) == 1;
    }
    return valid[k] ? bytes[k].data() : nullptr;
  }
};

bool InNetwork(const Network& network, const unsigned char* address) {
  if (address == nullptr) return false;
  int bits = network.prefix;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    int mask = bits >= 8 ? 0xFF : (0xFF << (8 - bits)) & 0xFF;
    if ((address[i] & mask) != (network.address[i] & mask)) return false;
  }
  return true;
}

// Alternatives on one field with the same operator and flags become one predicate with all
// their values (`a == 1 or a == 2` is `a in (1, 2)`), so the event's value is found and folded
// once, not once per alternative: `|expand` over a list gives an or of thousands of them.
void MergeAlternatives(ir::Expr& expr) {
  for (auto& child : expr.children) MergeAlternatives(child);
  if (expr.kind != ir::Expr::Kind::kOr) return;
  auto mergeable = [](const ir::Expr& e) {
    return e.kind == ir::Expr::Kind::kPredicate && !e.predicate.all_of &&
           e.predicate.op != Op::kExists && e.predicate.op != Op::kNull;
  };
  std::vector<ir::Expr> kept;
  for (auto& child : expr.children) {
    ir::Expr* into = nullptr;
    if (mergeable(child)) {
      for (auto& k : kept) {
        if (mergeable(k) && k.predicate.SameShape(child.predicate)) into = &k;
      }
    }
    if (into == nullptr) {
      kept.push_back(std::move(child));
      continue;
    }
    auto& values = into->predicate.values;
    values.insert(values.end(), std::make_move_iterator(child.predicate.values.begin()),
                  std::make_move_iterator(child.predicate.values.end()));
  }
  if (kept.size() == 1) {
    ir::Expr only = std::move(kept[0]);
    expr = std::move(only);
    return;
  }
  expr.children = std::move(kept);
}

// Appends to `out` the fields `expr` cannot hold without: a predicate's own field (it fails on
// an event without one, unless it asks for absence), every child's of an and, the ones all
// children of an or need.
void RequiredFields(const ir::Expr& expr, std::vector<std::string>& out) {
  using Kind = ir::Expr::Kind;
  switch (expr.kind) {
    case Kind::kAnd:
      for (const auto& child : expr.children) RequiredFields(child, out);
      return;
    case Kind::kOr: {
      std::vector<std::string> common;
      for (size_t i = 0; i < expr.children.size(); ++i) {
        std::vector<std::string> needs;
        RequiredFields(expr.children[i], needs);
        if (i == 0) {
          common = std::move(needs);
          continue;
        }
        std::erase_if(common, [&](const std::string& field) {
          return std::find(needs.begin(), needs.end(), field) == needs.end();
        });
      }
      out.insert(out.end(), common.begin(), common.end());
      return;
    }
    case Kind::kPredicate: {
      const ir::Predicate& p = expr.predicate;
      const bool absence = p.op == Op::kNull ||
                           (p.op == Op::kExists && !p.values.empty() && p.values[0].text != "true");
      if (!p.IsKeyword() && !absence) out.push_back(p.field);
      return;
    }
    default:
      return;
  }
}

// Mixes `part` into `seed` (boost's hash_combine).
void Mix(size_t& seed, size_t part) { seed ^= part + 0x9e3779b9 + (seed << 6) + (seed >> 2); }

// A hash of `expr` consistent with Expr::operator==: alike nodes hash alike.
size_t HashOf(const ir::Expr& expr) {
  std::hash<std::string_view> text;
  size_t seed = static_cast<size_t>(expr.kind);
  for (const auto& child : expr.children) Mix(seed, HashOf(child));
  if (expr.kind != ir::Expr::Kind::kPredicate) return seed;
  const ir::Predicate& p = expr.predicate;
  Mix(seed, text(p.field));
  Mix(seed,
      static_cast<size_t>(p.op) * 64 + static_cast<size_t>(p.part) * 4 + p.all_of * 2 + p.cased);
  Mix(seed, text(p.list));
  for (const ir::Value& v : p.values) {
    Mix(seed, static_cast<size_t>(v.kind));
    Mix(seed, text(v.text));
    for (const auto& piece : v.pattern.pieces)
      Mix(seed, text(piece.text) + 3 * static_cast<size_t>(piece.kind));
    if (v.regex) Mix(seed, text(v.regex->source));
  }
  return seed;
}

}  // namespace

struct SharedResults::Impl {
  // One node's result for the event numbered `serial`.
  struct Result {
    uint64_t serial = 0;
    bool held = false;
  };
  struct NodeHash {
    size_t operator()(const ir::Expr* expr) const { return HashOf(*expr); }
  };
  struct NodeEqual {
    bool operator()(const ir::Expr* a, const ir::Expr* b) const { return *a == *b; }
  };
  // A copy of each distinct node (a matcher may go before the table does) -> its result's slot.
  std::unordered_map<const ir::Expr*, uint32_t, NodeHash, NodeEqual> slots;
  std::deque<ir::Expr> nodes;  // a deque keeps the keys' addresses as it grows
  std::vector<Result> results;

  uint32_t SlotOf(const ir::Expr& expr) {
    if (auto it = slots.find(&expr); it != slots.end()) return it->second;
    const auto slot = static_cast<uint32_t>(results.size());
    slots.emplace(&nodes.emplace_back(expr), slot);
    results.emplace_back();
    return slot;
  }
};

SharedResults::SharedResults() : impl_(std::make_unique<Impl>()) {}
SharedResults::~SharedResults() = default;
size_t SharedResults::nodes() const { return impl_->results.size(); }

struct Matcher::Compiled {
  // What a predicate's values need at run time, by position in `values`.
  struct Code {
    std::vector<std::u32string> folded;          // strings, and bools as text
    std::vector<std::optional<double>> numbers;  // numbers, and time-part values
    std::vector<pcre2_code*> regexes;
    std::vector<Network> networks;
    // Whole-value equality to any of these folded texts, tested with one lookup; the
    // predicate's other values are in `rest`.
    std::unordered_set<std::u32string> equal;
    std::vector<size_t> rest;
    bool textual = false;          // some value compares as text: event values are folded
    mutable FieldPositions field;  // where the predicate's field was in the last layout
  };
  // The condition's tree, each predicate with its code: evaluating looks nothing up.
  struct Node {
    const ir::Expr* expr = nullptr;
    Code code;  // a predicate's
    std::vector<Node> children;
    uint32_t slot = kUnshared;  // its result's place in `shared`
  };
  static constexpr uint32_t kUnshared = UINT32_MAX;
  Node root;
  SharedResults::Impl* shared = nullptr;  // the run's shared results, or none
  // Fields without which the condition fails (RequiredFields), and for the last few event
  // layouts whether one of them is missing: a rule of another table costs one lookup an event.
  std::vector<std::string> required;
  struct LayoutCheck {
    uint64_t layout = 0;
    bool lacking = false;
  };
  mutable std::array<LayoutCheck, 4> checked{};
  mutable size_t next_check = 0;

  bool LacksRequired(const Event& event) const {
    if (required.empty()) return false;
    if (event.layout != 0) {
      for (const LayoutCheck& check : checked) {
        if (check.layout == event.layout) return check.lacking;
      }
    }
    const bool lacking = std::any_of(required.begin(), required.end(), [&](const std::string& f) {
      return std::none_of(event.fields.begin(), event.fields.end(),
                          [&](const auto& entry) { return entry.first == f; });
    });
    if (event.layout != 0) {
      checked[next_check] = {event.layout, lacking};
      next_check = (next_check + 1) % checked.size();
    }
    return lacking;
  }
  mutable pcre2_match_data* match_data = nullptr;
  // Per-evaluation scratch, kept to avoid reallocating for every predicate.
  mutable std::vector<const FieldValue*> found;
  mutable std::vector<const FieldValue*> other;
  mutable std::vector<const std::u32string*> texts;  // `found`, folded (or empty)
  mutable std::vector<Address> addresses;            // `found`, parsed as addresses when needed

  ~Compiled() {
    FreeRegexes(root);
    if (match_data != nullptr) pcre2_match_data_free(match_data);
  }

  static void FreeRegexes(Node& node) {
    for (pcre2_code* regex : node.code.regexes) {
      if (regex != nullptr) pcre2_code_free(regex);
    }
    for (Node& child : node.children) FreeRegexes(child);
  }

  bool Prepare(const ir::Expr& expr, std::string& error) { return Prepare(expr, root, error); }

  bool Prepare(const ir::Expr& expr, Node& node, std::string& error) {
    node.expr = &expr;
    if (shared != nullptr && expr.kind != ir::Expr::Kind::kTrue &&
        expr.kind != ir::Expr::Kind::kFalse) {
      node.slot = shared->SlotOf(expr);
    }
    node.children.resize(expr.children.size());
    for (size_t i = 0; i < expr.children.size(); ++i) {
      if (!Prepare(expr.children[i], node.children[i], error)) return false;
    }
    if (expr.kind != ir::Expr::Kind::kPredicate) return true;
    const ir::Predicate& p = expr.predicate;
    Code& code = node.code;
    const size_t n = p.values.size();
    code.folded.resize(n);
    code.numbers.resize(n);
    code.regexes.resize(n, nullptr);
    code.networks.resize(n);
    for (size_t i = 0; i < n; ++i) {
      const ir::Value& v = p.values[i];
      if (v.kind == ir::Value::Kind::kString) code.folded[i] = FoldPattern(v.pattern, p.cased);
      if (v.kind == ir::Value::Kind::kBool) code.folded[i] = Fold(v.text, false);
      if (v.kind == ir::Value::Kind::kNumber || p.part != ir::TimePart::kNone) {
        code.numbers[i] = ParseNumber(v.text);
      }
      if (v.kind == ir::Value::Kind::kCidr) {
        auto network = ParseNetwork(v.text);
        if (!network) {
          error = "invalid network " + v.text;
          return false;
        }
        code.networks[i] = *network;
      }
      if (v.kind == ir::Value::Kind::kRegex && !CompileRegex(v, code.regexes[i], error)) {
        return false;
      }
      code.textual = code.textual || v.kind == ir::Value::Kind::kString ||
                     v.kind == ir::Value::Kind::kField || v.kind == ir::Value::Kind::kBool;
      bool plain_equal = !p.all_of && p.op == Op::kEq && p.part == ir::TimePart::kNone &&
                         v.kind == ir::Value::Kind::kString;
      if (plain_equal) {
        code.equal.insert(code.folded[i]);
      } else {
        code.rest.push_back(i);
      }
    }
    return true;
  }

  bool CompileRegex(const ir::Value& v, pcre2_code*& out, std::string& error) {
    uint32_t options = PCRE2_UTF | PCRE2_MATCH_INVALID_UTF;
    if (v.regex->ignore_case) options |= PCRE2_CASELESS;
    if (v.regex->multiline) options |= PCRE2_MULTILINE;
    if (v.regex->dot_all) options |= PCRE2_DOTALL;
    int code = 0;
    PCRE2_SIZE offset = 0;
    out = pcre2_compile(reinterpret_cast<PCRE2_SPTR>(v.regex->source.data()),
                        v.regex->source.size(), options, &code, &offset, nullptr);
    if (out == nullptr) {
      std::array<PCRE2_UCHAR, 256> message{};
      pcre2_get_error_message(code, message.data(), message.size());
      error = "regex /" + v.regex->source + "/: " + reinterpret_cast<const char*>(message.data());
      return false;
    }
    if (match_data == nullptr) match_data = pcre2_match_data_create(1, nullptr);
    return true;
  }

  bool Search(const pcre2_code* regex, const FieldValue& value) const {
    if (value.kind == FieldValue::Kind::kNull) return false;
    int rc = pcre2_match(regex, reinterpret_cast<PCRE2_SPTR>(value.text.data()), value.text.size(),
                         0, 0, match_data, nullptr);
    return rc >= 0;
  }

  // Value `i` of the predicate against one value of the event (`text`: its folded form,
  // `address`: its parsed address).
  bool Holds(const ir::Predicate& p, const Code& code, size_t i, const FieldValue& value,
             const std::u32string& text, Address& address, const Event& event) const {
    if (value.kind == FieldValue::Kind::kNull) return false;
    const ir::Value& v = p.values[i];
    if (p.part != ir::TimePart::kNone) {
      auto part = TimePartOf(p.part, value);
      return part && code.numbers[i] && Compare(p.op, *part, *code.numbers[i]);
    }
    switch (v.kind) {
      case ir::Value::Kind::kRegex:
        return Search(code.regexes[i], value);
      case ir::Value::Kind::kCidr: {
        const Network& network = code.networks[i];
        return InNetwork(network, address.Of(value, network.family));
      }
      case ir::Value::Kind::kBool:
        return value.text == v.text ||
               (value.kind == FieldValue::Kind::kString && text == code.folded[i]);
      case ir::Value::Kind::kNumber: {
        auto have = NumberOf(value);
        return have && code.numbers[i] && Compare(p.op, *have, *code.numbers[i]);
      }
      case ir::Value::Kind::kField: {
        other.clear();
        event.Find(v.text, other);
        for (const FieldValue* candidate : other) {
          if (candidate->kind == FieldValue::Kind::kNull) continue;
          if (CompareText(p.op, text, FoldedText(*candidate, p.cased))) return true;
        }
        return false;
      }
      case ir::Value::Kind::kString:
        if (p.op == Op::kWildcard) return GlobMatch(code.folded[i], text);
        return CompareText(p.op, text, code.folded[i]);
    }
    return false;
  }

  static bool Compare(Op op, double have, double wanted) {
    switch (op) {
      case Op::kLt:
        return have < wanted;
      case Op::kLte:
        return have <= wanted;
      case Op::kGt:
        return have > wanted;
      case Op::kGte:
        return have >= wanted;
      default:
        return have == wanted;
    }
  }

  static bool CompareText(Op op, const std::u32string& text, const std::u32string& wanted) {
    switch (op) {
      case Op::kContains:
        return text.find(wanted) != std::u32string::npos;
      case Op::kStartsWith:
        return text.starts_with(wanted);
      case Op::kEndsWith:
        return text.ends_with(wanted);
      default:
        return text == wanted;
    }
  }

  // Any (or, with all_of, every) predicate value held by some value of the field.
  bool Evaluate(const ir::Predicate& p, const Code& code, const Event& event) const {
    found.clear();
    if (p.op == Op::kExists || p.op == Op::kNull) {
      event.Find(p.field, found, code.field);
      bool present = std::any_of(found.begin(), found.end(), [](const FieldValue* v) {
        return v->kind != FieldValue::Kind::kNull;
      });
      if (p.op == Op::kNull) return !present;
      bool wanted = p.values.empty() || p.values[0].text == "true";
      return present == wanted;
    }
    if (p.IsKeyword()) {
      for (const auto& [name, value] : event.fields) found.push_back(&value);
    } else {
      event.Find(p.field, found, code.field);
    }
    // Text comparisons fold each event value once, not once per predicate value.
    static const std::u32string kUnfolded;
    texts.assign(found.size(), &kUnfolded);
    addresses.assign(found.size(), Address{});
    for (size_t i = 0; i < found.size(); ++i) {
      if (code.textual) texts[i] = &FoldedText(*found[i], p.cased);
    }
    if (!code.equal.empty()) {
      for (size_t i = 0; i < found.size(); ++i) {
        if (found[i]->kind != FieldValue::Kind::kNull && code.equal.count(*texts[i]) != 0) {
          return true;
        }
      }
    }
    for (size_t index : code.rest) {
      bool held = false;
      for (size_t i = 0; i < found.size(); ++i) {
        if (Holds(p, code, index, *found[i], *texts[i], addresses[i], event)) {
          held = true;
          break;
        }
      }
      if (held && !p.all_of) return true;
      if (!held && p.all_of) return false;
    }
    return p.all_of && !p.values.empty();
  }

  // The node's result: kept in `shared` for the event the reader numbered, so alike nodes of
  // other matchers read it rather than evaluate again.
  bool Evaluate(const Node& node, const Event& event) const {
    if (node.slot == kUnshared || event.serial == 0) return EvaluateAfresh(node, event);
    SharedResults::Impl::Result& kept = shared->results[node.slot];
    if (kept.serial != event.serial) {
      kept.held = EvaluateAfresh(node, event);
      kept.serial = event.serial;
    }
    return kept.held;
  }

  bool EvaluateAfresh(const Node& node, const Event& event) const {
    switch (node.expr->kind) {
      case ir::Expr::Kind::kTrue:
        return true;
      case ir::Expr::Kind::kFalse:
        return false;
      case ir::Expr::Kind::kNot:
        return !Evaluate(node.children[0], event);
      case ir::Expr::Kind::kAnd:
        for (const auto& child : node.children) {
          if (!Evaluate(child, event)) return false;
        }
        return true;
      case ir::Expr::Kind::kOr:
        for (const auto& child : node.children) {
          if (Evaluate(child, event)) return true;
        }
        return false;
      case ir::Expr::Kind::kPredicate:
        return Evaluate(node.expr->predicate, node.code, event);
    }
    return false;
  }
};

Matcher::Matcher(const ir::Rule& rule) : rule_(rule), compiled_(new Compiled) {}
Matcher::~Matcher() = default;

std::unique_ptr<Matcher> Matcher::Create(const ir::Rule& rule, std::string& error,
                                         std::shared_ptr<SharedResults> shared) {
  std::unique_ptr<Matcher> matcher(new Matcher(rule));
  MergeAlternatives(matcher->rule_.condition);
  if (shared) matcher->compiled_->shared = shared->impl_.get();
  matcher->shared_ = std::move(shared);
  if (!matcher->compiled_->Prepare(matcher->rule_.condition, error)) return nullptr;
  std::vector<std::string>& required = matcher->compiled_->required;
  RequiredFields(matcher->rule_.condition, required);
  std::sort(required.begin(), required.end());
  required.erase(std::unique(required.begin(), required.end()), required.end());
  return matcher;
}

bool Matcher::Matches(const Event& event) const {
  if (compiled_->LacksRequired(event)) return false;
  return compiled_->Evaluate(compiled_->root, event);
}

namespace {

// Reads exactly `n` decimal digits of `s` at `at` into `out`.
bool Digits(std::string_view s, size_t at, size_t n, int* out) {
  if (at + n > s.size()) return false;
  int value = 0;
  for (size_t k = at; k < at + n; ++k) {
    if (s[k] < '0' || s[k] > '9') return false;
    value = value * 10 + (s[k] - '0');
  }
  *out = value;
  return true;
}

std::optional<double> ParseTimestampOnce(const FieldValue& value) {
  if (value.kind == FieldValue::Kind::kNumber) {
    return value.number > 1e11 ? value.number / 1000 : value.number;
  }
  if (value.kind != FieldValue::Kind::kString) return std::nullopt;
  std::string_view s = value.text;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0;
  if (!Digits(s, 0, 4, &year) || s.size() < 10 || s[4] != '-' || !Digits(s, 5, 2, &month) ||
      s[7] != '-' || !Digits(s, 8, 2, &day)) {
    return std::nullopt;
  }
  size_t at = 10;
  double fraction = 0;
  if (at < s.size() && (s[at] == 'T' || s[at] == ' ')) {
    if (!Digits(s, at + 1, 2, &hour) || at + 3 >= s.size() || s[at + 3] != ':' ||
        !Digits(s, at + 4, 2, &minute) || at + 6 >= s.size() || s[at + 6] != ':' ||
        !Digits(s, at + 7, 2, &second)) {
      return std::nullopt;
    }
    at += 9;
    if (at < s.size() && (s[at] == '.' || s[at] == ',')) {
      double scale = 0.1;
      for (++at; at < s.size() && s[at] >= '0' && s[at] <= '9'; ++at) {
        fraction += (s[at] - '0') * scale;
        scale /= 10;
      }
    }
  }
  double offset = 0;
  if (at < s.size() && (s[at] == '+' || s[at] == '-')) {
    // +HH:MM, +HHMM or +HH
    int oh = 0, om = 0;
    if (!Digits(s, at + 1, 2, &oh)) return std::nullopt;
    size_t m = at + 3;
    if (m < s.size() && s[m] == ':') ++m;
    if (m < s.size() && !Digits(s, m, 2, &om)) return std::nullopt;
    offset = (s[at] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
  } else if (at < s.size() && s[at] != 'Z') {
    return std::nullopt;
  }
  using namespace std::chrono;
  year_month_day date{std::chrono::year(year), std::chrono::month(static_cast<unsigned>(month)),
                      std::chrono::day(static_cast<unsigned>(day))};
  if (!date.ok()) return std::nullopt;
  auto days_since = static_cast<double>(sys_days(date).time_since_epoch().count());
  return days_since * 86400 + hour * 3600 + minute * 60 + second + fraction - offset;
}

}  // namespace

std::optional<double> ParseTimestamp(const FieldValue& value) {
  if ((value.made & FieldValue::kTime) == 0) {
    value.time = ParseTimestampOnce(value);
    value.made |= FieldValue::kTime;
  }
  return value.time;
}

}  // namespace refract::eval
