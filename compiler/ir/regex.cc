#include "compiler/ir/regex.h"

#include <fmt/format.h>

#include <cstdint>
#include <optional>

#include "compiler/text/utf8.h"

namespace refract::ir {

using text::AppendUtf8;

namespace {

constexpr int kMaxRegexDepth = 128;
constexpr int kMaxRepeat = 100000;

class Parser {
 public:
  explicit Parser(std::string_view p) : p_(p) {}

  std::optional<RegexNode> Run(RegexError* error) {
    RegexNode root = Alternation(0);
    if (failed_) {
      *error = error_;
      return std::nullopt;
    }
    if (pos_ < p_.size()) {
      *error = {pos_, "unmatched ')'"};
      return std::nullopt;
    }
    return root;
  }

 private:
  bool AtEnd() const { return pos_ >= p_.size(); }
  char Peek(size_t ahead = 0) const { return pos_ + ahead < p_.size() ? p_[pos_ + ahead] : '\0'; }
  void Fail(size_t offset, std::string message) {
    if (!failed_) error_ = {offset, std::move(message)};
    failed_ = true;
  }

  RegexNode Alternation(int depth) {
    if (depth > kMaxRegexDepth) {
      Fail(pos_, fmt::format("regex nests deeper than {} groups", kMaxRegexDepth));
      return {};
    }
    RegexNode alt;
    alt.kind = RegexNode::Kind::kAlternation;
    alt.children.push_back(Sequence(depth));
    while (!failed_ && Peek() == '|') {
      ++pos_;
      alt.children.push_back(Sequence(depth));
    }
    if (alt.children.size() == 1) return std::move(alt.children[0]);
    return alt;
  }

  RegexNode Sequence(int depth) {
    RegexNode seq;
    seq.kind = RegexNode::Kind::kConcat;
    while (!failed_ && !AtEnd() && Peek() != '|' && Peek() != ')') {
      RegexNode atom = Atom(depth);
      if (failed_) break;
      Quantify(atom);
      seq.children.push_back(std::move(atom));
    }
    if (seq.children.empty()) return RegexNode{};
    if (seq.children.size() == 1) return std::move(seq.children[0]);
    return seq;
  }

  bool ReadInt(int* value) {
    size_t start = pos_;
    long long v = 0;
    while (!AtEnd() && std::isdigit(static_cast<unsigned char>(Peek()))) {
      v = std::min<long long>(v * 10 + (Peek() - '0'), kMaxRepeat + 1);
      ++pos_;
    }
    *value = static_cast<int>(v);
    return pos_ > start;
  }

  // Parses {n}, {n,}, {n,m}; leaves `pos_` unchanged and returns false when `{` is a literal.
  bool Braces(int* min, int* max) {
    size_t save = pos_;
    ++pos_;
    if (!ReadInt(min)) {
      pos_ = save;
      return false;
    }
    *max = *min;
    if (Peek() == ',') {
      ++pos_;
      if (!ReadInt(max)) *max = -1;
    }
    if (Peek() != '}') {
      pos_ = save;
      return false;
    }
    ++pos_;
    return true;
  }

  void Quantify(RegexNode& atom) {
    while (!AtEnd()) {
      int min = 0;
      int max = -1;
      size_t at = pos_;
      char c = Peek();
      if (c == '*') {
        ++pos_;
      } else if (c == '+') {
        min = 1;
        ++pos_;
      } else if (c == '?') {
        max = 1;
        ++pos_;
      } else if (c == '{' && Braces(&min, &max)) {
        if (min > kMaxRepeat || max > kMaxRepeat) {
          Fail(at, fmt::format("repetition count over {}", kMaxRepeat));
          return;
        }
        if (max != -1 && max < min) {
          Fail(at, "repetition range with its maximum below its minimum");
          return;
        }
      } else {
        return;
      }
      if (atom.kind == RegexNode::Kind::kAssertion || atom.kind == RegexNode::Kind::kSetFlags ||
          atom.kind == RegexNode::Kind::kEmpty) {
        Fail(at, "nothing to repeat");
        return;
      }
      RegexNode repeat;
      repeat.kind = RegexNode::Kind::kRepeat;
      repeat.min = min;
      repeat.max = max;
      if (Peek() == '?') {
        repeat.lazy = true;
        ++pos_;
      } else if (Peek() == '+') {
        repeat.possessive = true;
        ++pos_;
      }
      repeat.children.push_back(std::move(atom));
      atom = std::move(repeat);
      if (!AtEnd() && (Peek() == '*' || Peek() == '+' || Peek() == '?')) {
        Fail(pos_, "nothing to repeat");
        return;
      }
    }
  }

  static RegexNode Literal(char32_t cp) {
    RegexNode n;
    n.kind = RegexNode::Kind::kLiteral;
    n.codepoint = cp;
    return n;
  }

  bool ReadFlags(std::string* on, std::string* off) {
    bool negate = false;
    while (!AtEnd() && Peek() != ')' && Peek() != ':') {
      char f = Peek();
      if (f == '-') {
        negate = true;
      } else if (f == 'i' || f == 'm' || f == 's' || f == 'x' || f == 'U') {
        (negate ? off : on)->push_back(f);
      } else {
        Fail(pos_, fmt::format("unknown regex flag '{}'", f));
        return false;
      }
      ++pos_;
    }
    return !AtEnd();
  }

  RegexNode Group(int depth) {
    size_t open = pos_;
    ++pos_;  // (
    RegexNode group;
    group.kind = RegexNode::Kind::kGroup;
    if (Peek() == '?') {
      ++pos_;
      char c = Peek();
      if (c == ':') {
        group.group = RegexNode::GroupKind::kNonCapture;
        ++pos_;
      } else if (c == '=') {
        group.group = RegexNode::GroupKind::kLookahead;
        ++pos_;
      } else if (c == '!') {
        group.group = RegexNode::GroupKind::kNegativeLookahead;
        ++pos_;
      } else if (c == '>') {
        group.group = RegexNode::GroupKind::kAtomic;
        ++pos_;
      } else if (c == '#') {
        size_t close = p_.find(')', pos_);
        if (close == std::string_view::npos) {
          Fail(open, "unclosed '(' in regex");
          return {};
        }
        pos_ = close + 1;
        return RegexNode{};
      } else if (c == '<' && (Peek(1) == '=' || Peek(1) == '!')) {
        group.group = Peek(1) == '=' ? RegexNode::GroupKind::kLookbehind
                                     : RegexNode::GroupKind::kNegativeLookbehind;
        pos_ += 2;
      } else if (c == 'P' || c == '<' || c == '\'') {
        if (c == 'P') ++pos_;
        if (c == 'P' && Peek() == '=') {
          Fail(open, "named backreference (?P=...) is not supported");
          return {};
        }
        char close_char = Peek() == '\'' ? '\'' : '>';
        if (Peek() != '<' && Peek() != '\'') {
          Fail(pos_, "malformed named group");
          return {};
        }
        ++pos_;
        size_t end = p_.find(close_char, pos_);
        if (end == std::string_view::npos || end == pos_) {
          Fail(pos_, "malformed group name");
          return {};
        }
        group.group = RegexNode::GroupKind::kNamed;
        group.name = std::string(p_.substr(pos_, end - pos_));
        pos_ = end + 1;
      } else {
        std::string on;
        std::string off;
        if (!ReadFlags(&on, &off)) {
          if (!failed_) Fail(open, "unclosed '(' in regex");
          return {};
        }
        if (Peek() == ')') {
          ++pos_;
          RegexNode flags;
          flags.kind = RegexNode::Kind::kSetFlags;
          flags.flags_on = on;
          flags.flags_off = off;
          return flags;
        }
        ++pos_;  // ':'
        group.group = RegexNode::GroupKind::kNonCapture;
        group.flags_on = on;
        group.flags_off = off;
      }
    }
    group.children.push_back(Alternation(depth + 1));
    if (failed_) return {};
    if (Peek() != ')') {
      Fail(open, "unclosed '(' in regex");
      return {};
    }
    ++pos_;
    return group;
  }

  bool ReadHex(size_t digits, char32_t* out) {
    auto value = text::ReadHex(p_, &pos_, digits);
    if (!value) return false;
    *out = *value;
    return true;
  }

  // Reads an escape after the backslash. Returns a literal codepoint in `literal`, or sets
  // `perl`/`assertion`/`property`; returns false on error.
  struct Escape {
    bool is_literal = false;
    char32_t literal = 0;
    char perl = 0;
    char assertion = 0;
    std::string property;
    bool property_negated = false;
    int backref = 0;
    std::string backref_name;
  };

  bool ReadEscape(Escape* e, bool in_class) {
    size_t at = pos_ - 1;
    if (AtEnd()) {
      Fail(at, "trailing backslash in regex");
      return false;
    }
    char c = Peek();
    ++pos_;
    switch (c) {
      case 'd':
      case 'w':
      case 's':
      case 'D':
      case 'W':
      case 'S':
        e->perl = c;
        return true;
      case 'b':
        if (in_class) {
          e->is_literal = true;
          e->literal = '\b';
          return true;
        }
        e->assertion = c;
        return true;
      case 'B':
      case 'A':
      case 'z':
      case 'Z':
      case 'G':
        if (in_class) break;
        e->assertion = c;
        return true;
      case 'n':
        e->is_literal = true;
        e->literal = '\n';
        return true;
      case 't':
        e->is_literal = true;
        e->literal = '\t';
        return true;
      case 'r':
        e->is_literal = true;
        e->literal = '\r';
        return true;
      case 'f':
        e->is_literal = true;
        e->literal = '\f';
        return true;
      case 'v':
        e->is_literal = true;
        e->literal = '\v';
        return true;
      case 'a':
        e->is_literal = true;
        e->literal = '\a';
        return true;
      case 'e':
        e->is_literal = true;
        e->literal = 0x1B;
        return true;
      case '0':
        e->is_literal = true;
        e->literal = 0;
        return true;
      case 'x': {
        e->is_literal = true;
        if (Peek() == '{') {
          ++pos_;
          size_t start = pos_;
          while (!AtEnd() && Peek() != '}') ++pos_;
          if (AtEnd() || pos_ == start || pos_ - start > 6) {
            Fail(at, "malformed \\x{...} escape");
            return false;
          }
          size_t end = pos_;
          pos_ = start;
          if (!ReadHex(end - start, &e->literal) || e->literal > 0x10FFFF) {
            Fail(at, "malformed \\x{...} escape");
            return false;
          }
          ++pos_;
          return true;
        }
        if (!ReadHex(2, &e->literal)) {
          Fail(at, "malformed \\x escape: expected two hex digits");
          return false;
        }
        return true;
      }
      case 'u':
        e->is_literal = true;
        if (!ReadHex(4, &e->literal)) {
          Fail(at, "malformed \\u escape: expected four hex digits");
          return false;
        }
        return true;
      case 'c':
        if (AtEnd() || !std::isalpha(static_cast<unsigned char>(Peek()))) {
          Fail(at, "malformed \\c escape");
          return false;
        }
        e->is_literal = true;
        e->literal = static_cast<char32_t>(std::toupper(Peek()) ^ 0x40);
        ++pos_;
        return true;
      case 'p':
      case 'P': {
        e->property_negated = c == 'P';
        if (Peek() == '{') {
          size_t end = p_.find('}', pos_);
          if (end == std::string_view::npos) {
            Fail(at, "malformed unicode property");
            return false;
          }
          e->property = std::string(p_.substr(pos_ + 1, end - pos_ - 1));
          pos_ = end + 1;
        } else if (!AtEnd()) {
          e->property = std::string(1, Peek());
          ++pos_;
        }
        return true;
      }
      case 'k': {
        char close = Peek() == '{' ? '}' : Peek() == '\'' ? '\'' : '>';
        size_t end = p_.find(close, pos_ + 1);
        if (in_class || end == std::string_view::npos) break;
        e->backref_name = std::string(p_.substr(pos_ + 1, end - pos_ - 1));
        e->backref = -1;
        pos_ = end + 1;
        return true;
      }
      default:
        break;
    }
    if (!in_class && c >= '1' && c <= '9') {
      int n = c - '0';
      while (std::isdigit(static_cast<unsigned char>(Peek())) && n < 100) {
        n = n * 10 + (Peek() - '0');
        ++pos_;
      }
      e->backref = n;
      return true;
    }
    if (std::isalnum(static_cast<unsigned char>(c))) {
      Fail(at, fmt::format("unknown regex escape '\\{}'", c));
      return false;
    }
    // Any other escaped character stands for itself.
    --pos_;
    e->is_literal = true;
    e->literal = text::DecodeUtf8(p_, &pos_);
    return true;
  }

  RegexNode Class() {
    size_t open = pos_;
    ++pos_;  // [
    RegexNode cls;
    cls.kind = RegexNode::Kind::kClass;
    if (Peek() == '^') {
      cls.negated = true;
      ++pos_;
    }
    bool first = true;
    while (true) {
      if (AtEnd()) {
        Fail(open, "unclosed '[' in regex");
        return {};
      }
      char c = Peek();
      if (c == ']' && !first) {
        ++pos_;
        break;
      }
      first = false;
      RegexNode::ClassItem item;
      if (c == '[' && Peek(1) == ':') {
        size_t end = p_.find(":]", pos_ + 2);
        if (end != std::string_view::npos) {
          std::string_view name = p_.substr(pos_ + 2, end - pos_ - 2);
          if (!name.empty() && name[0] == '^') {
            item.named_negated = true;
            name.remove_prefix(1);
          }
          item.named = std::string(name);
          pos_ = end + 2;
          cls.items.push_back(std::move(item));
          continue;
        }
      }
      char32_t low = 0;
      if (c == '\\') {
        ++pos_;
        Escape e;
        if (!ReadEscape(&e, true)) return {};
        if (!e.is_literal) {
          item.perl = e.perl;
          item.named = e.property;
          item.named_negated = e.property_negated;
          if (!e.property.empty()) item.perl = 'p';
          cls.items.push_back(std::move(item));
          continue;
        }
        low = e.literal;
      } else {
        low = text::DecodeUtf8(p_, &pos_);
      }
      char32_t high = low;
      if (Peek() == '-' && Peek(1) != ']' && Peek(1) != '\0') {
        size_t dash = pos_;
        ++pos_;
        if (Peek() == '\\') {
          ++pos_;
          Escape e;
          if (!ReadEscape(&e, true)) return {};
          if (!e.is_literal) {
            Fail(dash, "a class shorthand cannot end a range");
            return {};
          }
          high = e.literal;
        } else {
          high = text::DecodeUtf8(p_, &pos_);
        }
        if (high < low) {
          Fail(dash, "character range out of order");
          return {};
        }
      }
      item.low = low;
      item.high = high;
      cls.items.push_back(std::move(item));
    }
    return cls;
  }

  RegexNode Atom(int depth) {
    char c = Peek();
    switch (c) {
      case '(':
        return Group(depth);
      case '[':
        return Class();
      case '.': {
        ++pos_;
        RegexNode any;
        any.kind = RegexNode::Kind::kAnyChar;
        return any;
      }
      case '^':
      case '$': {
        ++pos_;
        RegexNode assertion;
        assertion.kind = RegexNode::Kind::kAssertion;
        assertion.symbol = c;
        return assertion;
      }
      case '*':
      case '+':
      case '?':
        Fail(pos_, "nothing to repeat");
        return {};
      case '\\': {
        ++pos_;
        if (Peek() == 'Q') {
          ++pos_;
          size_t end = p_.find("\\E", pos_);
          size_t stop = end == std::string_view::npos ? p_.size() : end;
          RegexNode seq;
          seq.kind = RegexNode::Kind::kConcat;
          while (pos_ < stop) seq.children.push_back(Literal(text::DecodeUtf8(p_, &pos_)));
          pos_ = end == std::string_view::npos ? p_.size() : end + 2;
          return seq;
        }
        Escape e;
        if (!ReadEscape(&e, false)) return {};
        RegexNode node;
        if (e.is_literal) return Literal(e.literal);
        if (e.perl != 0 || !e.property.empty()) {
          node.kind = RegexNode::Kind::kPerlClass;
          node.symbol = e.perl != 0 ? e.perl : (e.property_negated ? 'P' : 'p');
          node.name = e.property;
          return node;
        }
        if (e.assertion != 0) {
          node.kind = RegexNode::Kind::kAssertion;
          node.symbol = e.assertion;
          return node;
        }
        node.kind = RegexNode::Kind::kBackref;
        node.backref = e.backref;
        node.name = e.backref_name;
        return node;
      }
      default:
        return Literal(text::DecodeUtf8(p_, &pos_));
    }
  }

  std::string_view p_;
  size_t pos_ = 0;
  bool failed_ = false;
  RegexError error_;
};

// --- Emission
// -------------------------------------------------------------------------------------

// A set of ASCII characters, read with one shift: the emitter asks for every literal it writes.
class AsciiSet {
 public:
  explicit AsciiSet(std::string_view chars) {
    for (char c : chars) {
      const auto u = static_cast<unsigned char>(c);
      if (u < 128) bits_[u >> 6] |= uint64_t{1} << (u & 63);
    }
  }
  bool Has(char c) const {
    const auto u = static_cast<unsigned char>(c);
    return u < 128 && ((bits_[u >> 6] >> (u & 63)) & 1) != 0;
  }

 private:
  uint64_t bits_[2] = {0, 0};
};

class Emitter {
 public:
  Emitter(const RegexFlavor& flavor, std::string* unsupported, bool fold = false,
          bool dot_all = false, bool multiline = false)
      : flavor_(flavor),
        unsupported_(unsupported),
        fold_(fold),
        dot_all_(dot_all),
        multiline_(multiline),
        literal_metachars_(flavor.literal_metachars),
        class_metachars_(flavor.class_metachars) {}

  // The nodes [first, last) one after another.
  bool EmitSequence(const RegexNode* first, const RegexNode* last, std::string& out) {
    for (const RegexNode* child = first; child != last; ++child) {
      // An alternation inside a sequence needs its own group to keep its scope.
      if (child->kind == RegexNode::Kind::kAlternation) {
        out += flavor_.noncapturing_groups ? "(?:" : "(";
        if (!Emit(*child, out)) return false;
        out += ')';
      } else if (!Emit(*child, out)) {
        return false;
      }
    }
    return true;
  }

  bool Emit(const RegexNode& n, std::string& out) {
    using K = RegexNode::Kind;
    switch (n.kind) {
      case K::kEmpty:
        return true;
      case K::kLiteral:
        EmitLiteral(n.codepoint, false, out);
        return true;
      case K::kAnyChar:
        if (flavor_.dot_matches_newline && !dot_all_) {
          out += "[^";
          EmitLiteral('\n', true, out);
          out += ']';
        } else {
          out += '.';
        }
        return true;
      case K::kPerlClass:
        return EmitPerl(n.symbol, n.name, out);
      case K::kAssertion:
        return EmitAssertion(n.symbol, out);
      case K::kConcat:
        return EmitSequence(n.children.data(), n.children.data() + n.children.size(), out);
      case K::kAlternation: {
        // An empty branch (a|) is "optional" where the engine has no empty alternatives.
        bool has_empty = false;
        std::vector<const RegexNode*> branches;
        for (const auto& child : n.children) {
          if (child.kind == K::kEmpty && !flavor_.empty_alternatives) {
            has_empty = true;
          } else {
            branches.push_back(&child);
          }
        }
        if (has_empty && branches.empty()) return true;
        if (has_empty) out += '(';
        for (size_t i = 0; i < branches.size(); ++i) {
          if (i > 0) out += '|';
          if (!Emit(*branches[i], out)) return false;
        }
        if (has_empty) out += ")?";
        return true;
      }
      case K::kRepeat:
        return EmitRepeat(n, out);
      case K::kGroup:
        return EmitGroup(n, out);
      case K::kBackref:
        return Refuse("backreference");
      case K::kSetFlags:
        if (!flavor_.inline_flags) return Refuse("inline flag group");
        out += "(?" + n.flags_on + (n.flags_off.empty() ? "" : "-" + n.flags_off) + ")";
        return true;
      case K::kClass:
        return EmitClass(n, out);
    }
    return false;
  }

  // Literal text outside [...]: runs that need no escape are appended whole.
  void EmitLiteralText(std::string_view text, std::string& out) {
    size_t pos = 0;
    while (pos < text.size()) {
      size_t run = pos;
      while (run < text.size() && IsPlain(text[run])) ++run;
      out.append(text, pos, run - pos);
      pos = run;
      if (pos == text.size()) break;
      // ASCII needs no decoding, and it is the common case.
      const auto byte = static_cast<unsigned char>(text[pos]);
      char32_t cp = byte;
      if (byte < 0x80) {
        ++pos;
      } else {
        cp = text::DecodeUtf8(text, &pos);
      }
      EmitLiteral(cp, false, out);
    }
  }

  void EmitLiteral(char32_t cp, bool in_class, std::string& out) {
    if (fold_ && !in_class) {
      if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
        // The common case in four bytes: [Aa], upper case first.
        const char pair[4] = {'[', static_cast<char>(cp & ~0x20u), static_cast<char>(cp | 0x20u),
                              ']'};
        out.append(pair, 4);
        return;
      }
      if (const char32_t other = OtherCase(cp); other != 0) {
        out += '[';
        AppendUtf8(out, std::min(cp, other));
        AppendUtf8(out, std::max(cp, other));
        out += ']';
        return;
      }
    }
    if (cp < 0x80) {
      char c = static_cast<char>(cp);
      if (!flavor_.control_escapes && (cp < 0x20 || cp == 0x7F)) {
        out += c;
      } else if (cp == '\n') {
        out += "\\n";
      } else if (cp == '\t') {
        out += "\\t";
      } else if (cp == '\r') {
        out += "\\r";
      } else if (cp < 0x20 || cp == 0x7F) {
        out += flavor_.braced_hex_escape ? fmt::format("\\x{{{:02X}}}", static_cast<unsigned>(cp))
                                         : fmt::format("\\x{:02X}", static_cast<unsigned>(cp));
      } else if (c == '\\' && !in_class) {
        out += flavor_.backslash_literal;
      } else if ((in_class ? class_metachars_ : literal_metachars_).Has(c)) {
        out += '\\';
        out += c;
      } else {
        out += c;
      }
      return;
    }
    AppendUtf8(out, cp);
  }

 private:
  // Whether EmitLiteral writes `c` outside [...] as it is.
  bool IsPlain(char c) const {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u >= 0x7F || c == '\\' || literal_metachars_.Has(c)) return false;
    return !fold_ || OtherCase(u) == 0;
  }

  bool Refuse(std::string construct) {
    if (unsupported_ != nullptr) *unsupported_ = std::move(construct);
    return false;
  }

  bool EmitPerl(char symbol, const std::string& property, std::string& out) {
    if (symbol == 'p' || symbol == 'P') {
      if (!flavor_.unicode_properties) return Refuse("unicode property class \\p{...}");
      out += fmt::format("\\{}{{{}}}", symbol, property);
      return true;
    }
    if (!flavor_.perl_classes) {
      // Spelled out where the engine lacks shorthands (Lucene regexp has no \d).
      switch (symbol) {
        case 'd':
          out += "[0-9]";
          return true;
        case 'D':
          out += "[^0-9]";
          return true;
        case 'w':
          out += "[A-Za-z0-9_]";
          return true;
        case 'W':
          out += "[^A-Za-z0-9_]";
          return true;
        case 's':
          out += "[ \\t\\n\\r\\f\\v]";
          return true;
        case 'S':
          out += "[^ \\t\\n\\r\\f\\v]";
          return true;
        default:
          break;
      }
    }
    out += '\\';
    out += symbol;
    return true;
  }

  bool EmitAssertion(char symbol, std::string& out) {
    switch (symbol) {
      case '^':
      case '$':
        if (!flavor_.anchors) return Refuse(fmt::format("anchor {} inside the pattern", symbol));
        if (symbol == '$' && flavor_.dollar_is_text_end && !multiline_) {
          EmitLiteral('\n', false, out);
          out += '?';
        }
        out += symbol;
        return true;
      case 'b':
      case 'B':
        if (!flavor_.word_boundary) return Refuse(fmt::format("word boundary \\{}", symbol));
        out += '\\';
        out += symbol;
        return true;
      case 'A':
      case 'z':
        if (!flavor_.text_anchors) return Refuse(fmt::format("text anchor \\{}", symbol));
        out += '\\';
        out += symbol;
        return true;
      case 'Z':
        if (!flavor_.end_before_newline) return Refuse("end-of-text anchor \\Z");
        out += "\\Z";
        return true;
      default:
        return Refuse(fmt::format("anchor \\{}", symbol));
    }
  }

  // Adds the other-case letters of an ASCII range, for engines without a case-insensitive flag.
  void AddOtherCase(char32_t low, char32_t high, std::string& out) {
    auto add = [&](char32_t a, char32_t b, int shift) {
      char32_t from = std::max(low, a);
      char32_t to = std::min(high, b);
      if (from > to) return;
      auto shifted = [shift](char32_t c) {
        return static_cast<char32_t>(static_cast<int>(c) + shift);
      };
      EmitLiteral(shifted(from), true, out);
      if (to != from) {
        out += '-';
        EmitLiteral(shifted(to), true, out);
      }
    };
    add('a', 'z', 'A' - 'a');
    add('A', 'Z', 'a' - 'A');
  }

  bool EmitRepeat(const RegexNode& n, std::string& out) {
    if (n.possessive && !flavor_.possessive) return Refuse("possessive quantifier");
    if (n.lazy && !flavor_.lazy && !flavor_.lazy_as_greedy) return Refuse("lazy quantifier");
    const RegexNode& child = n.children[0];
    bool wrap = child.kind == RegexNode::Kind::kConcat ||
                child.kind == RegexNode::Kind::kAlternation ||
                child.kind == RegexNode::Kind::kRepeat ||
                (fold_ && child.kind == RegexNode::Kind::kLiteral);
    if (wrap) out += flavor_.noncapturing_groups ? "(?:" : "(";
    if (!Emit(child, out)) return false;
    if (wrap) out += ')';
    if (n.min == 0 && n.max == -1) {
      out += '*';
    } else if (n.min == 1 && n.max == -1) {
      out += '+';
    } else if (n.min == 0 && n.max == 1) {
      out += '?';
    } else if (n.max == -1) {
      out += fmt::format("{{{},}}", n.min);
    } else if (n.min == n.max) {
      out += fmt::format("{{{}}}", n.min);
    } else {
      out += fmt::format("{{{},{}}}", n.min, n.max);
    }
    if (n.lazy && !flavor_.lazy_as_greedy) out += '?';
    if (n.possessive) out += '+';
    return true;
  }

  bool EmitGroup(const RegexNode& n, std::string& out) {
    using G = RegexNode::GroupKind;
    switch (n.group) {
      case G::kCapture:
        out += '(';
        break;
      case G::kNamed:
        out += flavor_.named_group_prefix.empty() ? "(" : flavor_.named_group_prefix + n.name + ">";
        break;
      case G::kNonCapture:
        if (!n.flags_on.empty() || !n.flags_off.empty()) {
          if (!flavor_.inline_flags) return Refuse("inline flag group");
          out += "(?" + n.flags_on + (n.flags_off.empty() ? "" : "-" + n.flags_off) + ":";
        } else {
          out += flavor_.noncapturing_groups ? "(?:" : "(";
        }
        break;
      case G::kLookahead:
      case G::kNegativeLookahead:
      case G::kLookbehind:
      case G::kNegativeLookbehind: {
        if (!flavor_.lookaround) {
          static const char* kNames[] = {"",
                                         "",
                                         "",
                                         "lookahead (?=...)",
                                         "negative lookahead (?!...)",
                                         "lookbehind (?<=...)",
                                         "negative lookbehind (?<!...)"};
          return Refuse(kNames[static_cast<int>(n.group)]);
        }
        static const char* kOpen[] = {"", "", "", "(?=", "(?!", "(?<=", "(?<!"};
        out += kOpen[static_cast<int>(n.group)];
        break;
      }
      case G::kAtomic:
        if (!flavor_.atomic_groups) return Refuse("atomic group (?>...)");
        out += "(?>";
        break;
    }
    if (!Emit(n.children[0], out)) return false;
    out += ')';
    return true;
  }

  bool EmitClass(const RegexNode& n, std::string& out) {
    out += n.negated ? "[^" : "[";
    for (const auto& item : n.items) {
      if (item.perl == 'p') {
        if (!flavor_.unicode_properties) return Refuse("unicode property class \\p{...}");
        out += fmt::format("\\{}{{{}}}", item.named_negated ? 'P' : 'p', item.named);
      } else if (item.perl != 0) {
        if (!flavor_.perl_classes) {
          if (item.perl == 'd') {
            out += "0-9";
          } else if (item.perl == 'w') {
            out += "A-Za-z0-9_";
          } else if (item.perl == 's') {
            for (char32_t c : {U' ', U'\t', U'\n', U'\r', U'\f', U'\v'}) EmitLiteral(c, true, out);
          } else {
            return Refuse(fmt::format("class shorthand \\{} inside [...]", item.perl));
          }
          continue;
        }
        out += '\\';
        out += item.perl;
      } else if (!item.named.empty()) {
        out += fmt::format("[:{}{}:]", item.named_negated ? "^" : "", item.named);
      } else {
        EmitLiteral(item.low, true, out);
        if (item.high != item.low) {
          out += '-';
          EmitLiteral(item.high, true, out);
        }
        if (fold_) AddOtherCase(item.low, item.high, out);
      }
    }
    out += ']';
    return true;
  }

  const RegexFlavor& flavor_;
  std::string* unsupported_;
  bool fold_ = false;
  bool dot_all_ = false;    // the regex has the s flag: `.` matches a line feed too
  bool multiline_ = false;  // the regex has the m flag: ^ and $ match at every line
  AsciiSet literal_metachars_;
  AsciiSet class_metachars_;
};

}  // namespace

char32_t OtherCase(char32_t cp) {
  if (cp >= 'a' && cp <= 'z') return cp - 0x20;
  if (cp >= 'A' && cp <= 'Z') return cp + 0x20;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;     // À..Þ
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 0x20;     // à..þ
  if (cp >= 0x391 && cp <= 0x3A9 && cp != 0x3A2) return cp + 0x20;  // Α..Ω
  if (cp >= 0x3B1 && cp <= 0x3C9 && cp != 0x3C2) return cp - 0x20;  // α..ω
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;                 // А..Я
  if (cp >= 0x430 && cp <= 0x44F) return cp - 0x20;                 // а..я
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;                 // Ѐ..Џ
  if (cp >= 0x450 && cp <= 0x45F) return cp - 0x50;                 // ѐ..џ
  return 0;
}

bool HasUnfoldableLetter(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    // ASCII folds, and it is most of a value: skipped a word, then a byte, at a time.
    while (i + 8 <= text.size() && !text::AnyHighBit(text::LoadEight(text.data() + i))) i += 8;
    if (i == text.size()) break;
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    char32_t cp = text::DecodeUtf8(text, &i);
    if (cp < 0x80 || OtherCase(cp) != 0 || cp == 0xDF || cp == 0xFF || cp == 0x3C2) continue;
    bool caseless = (cp >= 0xA0 && cp <= 0xBF) || cp == 0xD7 || cp == 0xF7 ||
                    (cp >= 0x2000 && cp <= 0x2BFF) || (cp >= 0x3000 && cp <= 0x9FFF) ||
                    (cp >= 0xAC00 && cp <= 0xD7AF) || (cp >= 0x1F000 && cp <= 0x1FAFF);
    if (!caseless) return true;
  }
  return false;
}

std::optional<Regex> ParseRegex(std::string_view pattern, RegexError* error) {
  Parser parser(pattern);
  auto root = parser.Run(error);
  if (!root) return std::nullopt;
  Regex regex;
  regex.source = std::string(pattern);
  regex.root = std::move(*root);
  // A leading (?i) (or m, s) sets the flag for the whole pattern: keep it as the regex's flag,
  // so engines without inline flags can still honour it.
  // In PCRE an option at the start applies to the rest of the pattern, later branches included.
  RegexNode* holder = &regex.root;
  if (holder->kind == RegexNode::Kind::kAlternation && !holder->children.empty()) {
    holder = &holder->children.front();
  }
  RegexNode* first = holder;
  if (holder->kind == RegexNode::Kind::kConcat && !holder->children.empty()) {
    first = &holder->children.front();
  }
  if (first->kind == RegexNode::Kind::kSetFlags && first->flags_off.empty() &&
      first->flags_on.find_first_not_of("ims") == std::string::npos) {
    regex.ignore_case = first->flags_on.find('i') != std::string::npos;
    regex.multiline = first->flags_on.find('m') != std::string::npos;
    regex.dot_all = first->flags_on.find('s') != std::string::npos;
    if (first == holder) {
      *holder = RegexNode{};
    } else {
      holder->children.erase(holder->children.begin());
      if (holder->children.size() == 1) {
        RegexNode only = std::move(holder->children[0]);
        *holder = std::move(only);
      }
    }
  }
  return regex;
}

std::optional<std::string> EmitRegex(const Regex& regex, const RegexFlavor& flavor,
                                     std::string* unsupported, bool include_flags) {
  std::string out;
  std::string flags;
  if (regex.ignore_case) flags += 'i';
  if (regex.multiline) flags += 'm';
  if (regex.dot_all) flags += 's';
  if (include_flags && !flags.empty()) {
    if (!flavor.inline_flags) {
      if (unsupported != nullptr) *unsupported = "regex flags";
      return std::nullopt;
    }
    out += "(?" + flags + ")";
  }
  Emitter emitter(flavor, unsupported, false, regex.dot_all, regex.multiline);
  if (!emitter.Emit(regex.root, out)) return std::nullopt;
  return out;
}

std::optional<std::string> EmitWholeMatch(const Regex& regex, const RegexFlavor& flavor,
                                          std::string* unsupported) {
  if (regex.multiline) {
    if (unsupported != nullptr) *unsupported = "the multiline flag (m)";
    return std::nullopt;
  }
  bool fold = regex.ignore_case && flavor.fold_case;
  Emitter emitter(flavor, unsupported, fold, regex.dot_all);
  std::string flags;
  if (flavor.inline_flags) {
    if (regex.ignore_case) flags += 'i';
    if (regex.dot_all) flags += 's';
  }
  std::vector<const RegexNode*> branches;
  if (regex.root.kind == RegexNode::Kind::kAlternation) {
    for (const auto& child : regex.root.children) branches.push_back(&child);
  } else {
    branches.push_back(&regex.root);
  }
  auto is_anchor = [](const RegexNode& n, char a, char b) {
    return n.kind == RegexNode::Kind::kAssertion && (n.symbol == a || n.symbol == b);
  };
  std::string out;
  for (size_t i = 0; i < branches.size(); ++i) {
    if (i > 0) out += '|';
    // The branch as a sequence of nodes, read in place: [first, last).
    const RegexNode* first = branches[i];
    const RegexNode* last = first + 1;
    if (branches[i]->kind == RegexNode::Kind::kConcat) {
      first = branches[i]->children.data();
      last = first + branches[i]->children.size();
    } else if (branches[i]->kind == RegexNode::Kind::kEmpty) {
      last = first;
    }
    bool start = first != last && is_anchor(*first, '^', 'A');
    if (start) ++first;
    bool end = first != last && is_anchor(*(last - 1), '$', 'z');
    // PCRE's `$` (without m) also matches before a final line feed; \z does not.
    bool before_final_newline = end && (last - 1)->symbol == '$';
    if (end) --last;
    if (!start) out += flavor.whole_match_padding;
    if (!emitter.EmitSequence(first, last, out)) return std::nullopt;
    if (before_final_newline) {
      emitter.EmitLiteral('\n', false, out);
      out += '?';
    }
    if (!end) out += flavor.whole_match_padding;
  }
  return flags.empty() ? out : "(?" + flags + ")" + out;
}

namespace {

// What a literal's ASCII byte becomes in one flavour: itself, its [Aa] pair, itself after a
// backslash, or whatever Emitter::EmitLiteral writes (controls, the backslash, other cases).
enum class LiteralAction : uint8_t { kPlain, kFold, kEscape, kEmitter };

struct LiteralActions {
  std::string metachars;
  bool fold = false;
  bool filled = false;
  LiteralAction of[128] = {};
};

// The byte table of `flavor` (only its literal metacharacters matter) and `fold`, computed once
// per thread: a pack's literals are written for a handful of flavours, one after another.
const LiteralActions& ActionsFor(const RegexFlavor& flavor, bool fold) {
  thread_local LiteralActions cache[4];
  thread_local size_t next = 0;
  for (const auto& entry : cache) {
    if (entry.filled && entry.fold == fold && entry.metachars == flavor.literal_metachars) {
      return entry;
    }
  }
  LiteralActions& entry = cache[next++ % 4];
  entry.metachars = flavor.literal_metachars;
  entry.fold = fold;
  entry.filled = true;
  const AsciiSet metachars(flavor.literal_metachars);
  for (char32_t u = 0; u < 128; ++u) {
    const char c = static_cast<char>(u);
    const bool letter = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z');
    LiteralAction action = LiteralAction::kPlain;
    if (u < 0x20 || u == 0x7F || c == '\\') {
      action = LiteralAction::kEmitter;
    } else if (fold && letter) {
      action = LiteralAction::kFold;
    } else if (metachars.Has(c)) {
      action = LiteralAction::kEscape;
    } else if (fold && OtherCase(u) != 0) {
      action = LiteralAction::kEmitter;
    }
    entry.of[u] = action;
  }
  return entry;
}

}  // namespace

// The bytes go through a table: runs of plain ones are appended whole, letters and
// metacharacters written directly, and only the rest (controls, the backslash, text outside
// ASCII) through the Emitter, which writes exactly what EmitLiteralText writes.
void AppendRegexLiteral(std::string& out, std::string_view text, const RegexFlavor& flavor,
                        bool fold) {
  const LiteralAction* actions = ActionsFor(flavor, fold).of;
  std::optional<Emitter> emitter;
  size_t run = 0;
  size_t i = 0;
  while (i < text.size()) {
    const auto byte = static_cast<unsigned char>(text[i]);
    const LiteralAction action = byte < 0x80 ? actions[byte] : LiteralAction::kEmitter;
    if (action == LiteralAction::kPlain) {
      ++i;
      continue;
    }
    out.append(text.data() + run, i - run);
    if (action == LiteralAction::kFold) {
      // Upper case first, as EmitLiteral writes it.
      const char pair[4] = {'[', static_cast<char>(byte & ~0x20u), static_cast<char>(byte | 0x20u),
                            ']'};
      out.append(pair, 4);
      ++i;
    } else if (action == LiteralAction::kEscape) {
      const char escaped[2] = {'\\', static_cast<char>(byte)};
      out.append(escaped, 2);
      ++i;
    } else {
      if (!emitter) emitter.emplace(flavor, nullptr, fold);
      char32_t cp = byte;
      if (byte < 0x80) {
        ++i;
      } else {
        cp = text::DecodeUtf8(text, &i);
      }
      emitter->EmitLiteral(cp, false, out);
    }
    run = i;
  }
  out.append(text.data() + run, text.size() - run);
}

std::string RegexEscapeLiteral(std::string_view text, const RegexFlavor& flavor) {
  std::string out;
  AppendRegexLiteral(out, text, flavor, false);
  return out;
}

}  // namespace refract::ir
