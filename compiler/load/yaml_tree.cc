#include "compiler/load/yaml_tree.h"

#include <fmt/format.h>
#include <yaml.h>

#include <map>
#include <string>
#include <unordered_map>

#include "compiler/text/utf8.h"

namespace refract::yaml {

namespace {

const std::string kEmpty;
const std::string kPlainTag = "?";

}  // namespace

Kind Node::kind() const { return data_ ? data_->kind : Kind::kUndefined; }

const std::string& Node::Scalar() const { return data_ ? data_->scalar : kEmpty; }

const std::string& Node::Tag() const { return data_ ? data_->tag : kEmpty; }

Mark Node::Mark() const { return data_ ? data_->mark : yaml::Mark{}; }

size_t Node::size() const {
  if (!data_) return 0;
  if (data_->kind == Kind::kMap) return data_->entries.size();
  if (data_->kind == Kind::kSequence) return data_->items.size();
  return 0;
}

Node Node::operator[](std::string_view key) const {
  if (!data_ || data_->kind != Kind::kMap) return Node();
  for (const auto& [k, v] : data_->entries) {
    if (k->kind == Kind::kScalar && k->scalar == key) return Node(v);
  }
  return Node();
}

Node::Iterator Node::begin() const { return Iterator(data_, 0); }

Node::Iterator Node::end() const { return Iterator(data_, size()); }

void Node::Iterator::Load() {
  entry_ = Entry();
  if (!data_) return;
  if (data_->kind == Kind::kSequence && index_ < data_->items.size()) {
    static_cast<Node&>(entry_) = Node(data_->items[index_]);
  } else if (data_->kind == Kind::kMap && index_ < data_->entries.size()) {
    entry_.first = Node(data_->entries[index_].first);
    entry_.second = Node(data_->entries[index_].second);
  }
}

namespace {

// Thrown inside the fast reader when the text leaves the subset it reads exactly.
struct Decline {};

bool IsBlank(char c) { return c == ' ' || c == '\t'; }
bool IsBlankOrEnd(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\0'; }
bool IsNullText(const std::string& s) {
  return s == "~" || s == "null" || s == "Null" || s == "NULL";
}

// Appends an escaped code point; one beyond Unicode is yaml-cpp's to report.
void AppendEscaped(std::string& out, unsigned long cp) {
  if (cp >= 0x110000) throw Decline{};
  text::AppendUtf8(out, static_cast<char32_t>(cp));
}

// Nesting deeper than this is left to yaml-cpp, which has its own limit, so that a hostile
// file cannot exhaust the stack.
constexpr int kMaxDepth = 256;

struct DepthGuard {
  explicit DepthGuard(int& depth) : depth_(depth) {
    if (++depth_ > kMaxDepth) throw Decline{};
  }
  ~DepthGuard() { --depth_; }
  DepthGuard(const DepthGuard&) = delete;
  DepthGuard& operator=(const DepthGuard&) = delete;
  int& depth_;
};

// A recursive-descent reader for block YAML as rule files write it: block maps and sequences
// (indentless sequences included), plain scalars (folded over lines), single-line quoted
// scalars, literal and folded block scalars, and flow collections. Everything else declines.
class FastReader {
 public:
  FastReader(std::string_view text, Tree& tree) : t_(text), tree_(tree) {}

  std::vector<Node> Run() {
    if (t_.find('\r') != std::string_view::npos) throw Decline{};
    if (t_.size() >= 3 && static_cast<unsigned char>(t_[0]) == 0xEF) throw Decline{};  // BOM
    std::vector<Node> documents;
    bool ended = false;  // after `...`, only `---` may follow
    while (true) {
      SkipToContent();
      if (p_ >= t_.size()) break;
      if (Column() == 0 && t_[p_] == '%') throw Decline{};
      if (AtMarker("---")) {
        Skip(3);
        SkipBlanks();
        if (!AtLineEnd()) throw Decline{};
        anchors_.clear();  // anchors belong to one document
        documents.emplace_back(Node(BlockNode(-1)));
        ended = false;
      } else if (AtMarker("...")) {
        Skip(3);
        SkipBlanks();
        if (!AtLineEnd()) throw Decline{};
        ended = true;
        continue;
      } else {
        if (ended) throw Decline{};
        anchors_.clear();
        documents.emplace_back(Node(BlockNode(-1)));
      }
      SkipToContent();
      if (!AtDocumentEnd()) throw Decline{};
    }
    return documents;
  }

 private:
  // --- position ---
  char At(size_t i) const { return i < t_.size() ? t_[i] : '\0'; }
  char Here() const { return At(p_); }
  int Column() const { return static_cast<int>(p_ - line_start_); }
  // At the end of the text yaml-cpp reports column 0, whether or not a line break ends it.
  yaml::Mark MarkHere() const {
    if (p_ >= t_.size()) return {static_cast<int>(t_.size()), line_, 0};
    return {static_cast<int>(p_), line_, static_cast<int>(p_ - line_start_)};
  }
  void Advance() {
    if (t_[p_] == '\n') {
      ++line_;
      line_start_ = p_ + 1;
    }
    ++p_;
  }
  void Skip(size_t n) {
    for (size_t i = 0; i < n && p_ < t_.size(); ++i) Advance();
  }
  void SkipBlanks() {
    while (IsBlank(Here())) ++p_;
  }
  bool AtComment() const { return Here() == '#' && (p_ == line_start_ || IsBlank(At(p_ - 1))); }
  bool AtLineEnd() const { return p_ >= t_.size() || Here() == '\n' || AtComment(); }
  void SkipToLineEnd() {
    while (p_ < t_.size() && t_[p_] != '\n') ++p_;
  }
  bool AtMarker(std::string_view marker) const {
    return p_ == line_start_ && t_.substr(p_, 3) == marker && IsBlankOrEnd(At(p_ + 3));
  }
  // At the end of the text or of the current document.
  bool AtDocumentEnd() const { return p_ >= t_.size() || AtMarker("---") || AtMarker("..."); }
  // At content (after SkipToContent) that belongs to a block indented past `parent`.
  bool AtContentBelow(int parent) const { return !AtDocumentEnd() && Column() > parent; }
  // Past blanks, comments and line breaks to the next content (or the end). Tabs may not
  // indent content in YAML; such text is left to yaml-cpp.
  void SkipToContent() {
    while (p_ < t_.size()) {
      char c = t_[p_];
      if (c == ' ') {
        ++p_;
      } else if (c == '\t') {
        size_t q = p_;
        while (IsBlank(At(q))) ++q;
        if (At(q) != '\n' && At(q) != '\0' && At(q) != '#') throw Decline{};
        p_ = q;
      } else if (c == '\n') {
        Advance();
      } else if (AtComment()) {
        SkipToLineEnd();
      } else {
        return;
      }
    }
  }
  bool AtDashEntry() const { return Here() == '-' && IsBlankOrEnd(At(p_ + 1)); }

  // --- nodes ---
  NodeData* NewNode(Kind kind, yaml::Mark mark, std::string tag) {
    NodeData* n = tree_.Add();
    n->kind = kind;
    n->mark = mark;
    n->tag = std::move(tag);
    return n;
  }
  NodeData* Null(yaml::Mark mark) { return NewNode(Kind::kNull, mark, ""); }
  NodeData* PlainScalar(yaml::Mark mark, std::string text) {
    if (IsNullText(text)) return Null(mark);
    NodeData* n = NewNode(Kind::kScalar, mark, kPlainTag);
    n->scalar = std::move(text);
    return n;
  }

  // A node on the following lines, indented more than `parent`; null (marked at the next
  // token) when there is none.
  NodeData* BlockNode(int parent) {
    SkipToContent();
    if (!AtContentBelow(parent)) return Null(MarkHere());
    return Content(parent);
  }

  // The node starting here (at content); `parent` is the enclosing block's indentation.
  NodeData* Content(int parent) {
    if (AtDashEntry()) return Sequence(Column());
    if (LooksLikeKey()) return Map(Column());
    return Inline(parent);
  }

  // Whether the current line holds `key:` starting here.
  bool LooksLikeKey() const {
    size_t q = p_;
    char c = At(q);
    if (c == '"' || c == '\'') {
      ++q;
      while (q < t_.size() && t_[q] != '\n') {
        if (c == '\'' && t_[q] == '\'') {
          if (At(q + 1) == '\'') {
            q += 2;
            continue;
          }
          break;
        }
        if (c == '"' && t_[q] == '\\') {
          q += 2;
          continue;
        }
        if (c == '"' && t_[q] == '"') break;
        ++q;
      }
      if (At(q) != c) return false;
      ++q;
      while (IsBlank(At(q))) ++q;
      return At(q) == ':' && IsBlankOrEnd(At(q + 1));
    }
    if (c == '[' || c == '{') return false;
    for (; q < t_.size() && t_[q] != '\n'; ++q) {
      if (t_[q] == '#' && q > p_ && IsBlank(t_[q - 1])) return false;
      if (t_[q] == ':' && IsBlankOrEnd(At(q + 1))) return true;
    }
    return false;
  }

  NodeData* Map(int column) {
    DepthGuard guard(depth_);
    NodeData* map = NewNode(Kind::kMap, MarkHere(), kPlainTag);
    while (true) {
      NodeData* key = Key();
      SkipBlanks();
      NodeData* value;
      if (AtLineEnd()) {
        SkipToContent();
        if (AtDocumentEnd()) {
          value = Null(MarkHere());
        } else if (Column() > column) {
          value = Content(column);
        } else if (Column() == column && AtDashEntry()) {
          value = Sequence(column);  // an indentless sequence
        } else {
          value = Null(MarkHere());
        }
      } else if (Here() == '&' || Here() == '*') {
        value = AnchorOrAlias(column);
      } else {
        if (AtDashEntry()) throw Decline{};
        value = Inline(column);
      }
      map->entries.emplace_back(key, value);
      SkipToContent();
      if (AtDocumentEnd()) break;
      if (Column() < column) break;
      if (Column() > column || !LooksLikeKey()) throw Decline{};
    }
    return map;
  }

  NodeData* Key() {
    char c = Here();
    NodeData* key;
    if (c == '"' || c == '\'') {
      key = Quoted();
    } else {
      if (IsIndicator(c) || c == '-' || c == '[' || c == '{') throw Decline{};
      yaml::Mark mark = MarkHere();
      size_t start = p_;
      while (p_ < t_.size() && !(Here() == ':' && IsBlankOrEnd(At(p_ + 1)))) ++p_;
      size_t end = p_;
      while (end > start && IsBlank(t_[end - 1])) --end;
      key = PlainScalar(mark, std::string(t_.substr(start, end - start)));
    }
    SkipBlanks();
    if (Here() != ':') throw Decline{};
    ++p_;
    return key;
  }

  NodeData* Sequence(int column) {
    DepthGuard guard(depth_);
    NodeData* seq = NewNode(Kind::kSequence, MarkHere(), kPlainTag);
    while (true) {
      ++p_;  // the dash
      while (IsBlank(Here())) {
        if (Here() == '\t') throw Decline{};  // yaml-cpp rejects some tab-separated entries
        ++p_;
      }
      NodeData* item;
      if (AtLineEnd()) {
        item = BlockNode(column);
      } else if (Here() == '&' || Here() == '*') {
        item = AnchorOrAlias(column);
      } else if (AtDashEntry()) {
        item = Sequence(Column());
      } else if (LooksLikeKey()) {
        item = Map(Column());
      } else {
        item = Inline(column);
      }
      seq->items.push_back(item);
      SkipToContent();
      if (AtDocumentEnd()) break;
      if (Column() == column && AtDashEntry()) continue;
      if (Column() <= column) break;
      throw Decline{};
    }
    return seq;
  }

  // An anchored block value (`&name` then its content, on this line or indented below) or an
  // alias (`*name` alone): the alias is the anchored node itself, as in yaml-cpp. Anything
  // else around anchors (an anchored null, anchors in flow, on keys, before tags) is declined.
  NodeData* AnchorOrAlias(int parent) {
    const bool alias = Here() == '*';
    const yaml::Mark at = MarkHere();  // yaml-cpp marks an anchored node at its anchor
    ++p_;
    size_t start = p_;
    while (p_ < t_.size() && !IsBlankOrEnd(t_[p_])) {
      char c = t_[p_];
      if (c == ',' || c == '[' || c == ']' || c == '{' || c == '}') throw Decline{};
      ++p_;
    }
    std::string name(t_.substr(start, p_ - start));
    if (name.empty()) throw Decline{};
    SkipBlanks();
    if (alias) {
      if (!AtLineEnd()) throw Decline{};
      auto it = anchors_.find(name);
      if (it == anchors_.end()) throw Decline{};  // yaml-cpp reports the unknown anchor
      tree_.has_aliases = true;
      return it->second;
    }
    NodeData* value;
    if (!AtLineEnd()) {
      if (Here() == '&' || Here() == '*' || Here() == '!' || AtDashEntry()) throw Decline{};
      value = Inline(parent);
    } else {
      SkipToContent();
      if (!AtContentBelow(parent)) throw Decline{};
      value = Content(parent);
    }
    value->mark = at;
    anchors_[name] = value;
    return value;
  }

  static bool IsIndicator(char c) {
    switch (c) {
      case '&':
      case '*':
      case '!':
      case '%':
      case '@':
      case '`':
      case '?':
      case ':':
      case ',':
      case ']':
      case '}':
      case '#':
      case '|':
      case '>':
        return true;
      default:
        return false;
    }
  }

  // A value on the current line: a quoted, block or plain scalar, or a flow collection.
  NodeData* Inline(int parent) {
    char c = Here();
    NodeData* node;
    if (c == '[' || c == '{') {
      node = Flow();
    } else if (c == '"' || c == '\'') {
      node = Quoted();
    } else if (c == '|' || c == '>') {
      return BlockScalar(parent);
    } else if (IsIndicator(c)) {
      throw Decline{};
    } else {
      return Plain(parent);
    }
    SkipBlanks();
    if (!AtLineEnd()) throw Decline{};
    return node;
  }

  // The rest of a plain scalar's line, trimmed; leaves the position after its last character.
  std::string PlainLine() {
    size_t start = p_;
    size_t end = p_;
    while (p_ < t_.size() && t_[p_] != '\n') {
      char c = t_[p_];
      if (c == '#' && IsBlank(At(p_ - 1))) break;
      if (c == ':' && IsBlankOrEnd(At(p_ + 1))) throw Decline{};
      ++p_;
      if (!IsBlank(c)) end = p_;
    }
    p_ = end;
    return std::string(t_.substr(start, end - start));
  }

  // A plain scalar, continued on following lines indented more than `parent` (folded: one
  // line break becomes a space, n empty lines become n line breaks).
  NodeData* Plain(int parent) {
    yaml::Mark mark = MarkHere();
    std::string text = PlainLine();
    while (true) {
      size_t save_p = p_, save_start = line_start_;
      int save_line = line_;
      SkipBlanks();
      if (p_ >= t_.size() || AtComment()) break;
      Advance();  // the line break
      int empty_lines = 0;
      bool continued = false;
      while (p_ < t_.size()) {
        size_t q = p_;
        while (At(q) == ' ') ++q;
        if (At(q) == '\t') throw Decline{};
        if (At(q) == '\n') {
          ++empty_lines;
          p_ = q;
          Advance();
          continue;
        }
        int indent = static_cast<int>(q - p_);
        if (At(q) == '\0' || At(q) == '#' || indent <= parent || AtMarker("---") ||
            AtMarker("...")) {
          break;
        }
        p_ = q;
        continued = true;
        break;
      }
      if (!continued) {
        p_ = save_p;
        line_start_ = save_start;
        line_ = save_line;
        break;
      }
      text += empty_lines ? std::string(static_cast<size_t>(empty_lines), '\n') : " ";
      text += PlainLine();
    }
    return PlainScalar(mark, std::move(text));
  }

  // A single-line quoted scalar; a line break inside the quotes declines.
  NodeData* Quoted() {
    yaml::Mark mark = MarkHere();
    char quote = Here();
    ++p_;
    std::string text;
    while (true) {
      AppendOrdinaryRun(quote, text);
      char c = Here();
      if (c == '\n' || c == '\0') throw Decline{};
      ++p_;
      if (quote == '\'') {
        if (c == '\'') {
          if (Here() == '\'') {
            text += '\'';
            ++p_;
            continue;
          }
          break;
        }
        text += c;
        continue;
      }
      if (c == '"') break;
      if (c != '\\') {
        text += c;
        continue;
      }
      Escape(text);
    }
    NodeData* n = NewNode(Kind::kScalar, mark, "!");
    n->scalar = std::move(text);
    return n;
  }

  // Appends, whole, the characters from here that a `quote`-quoted scalar takes as written
  // (everything but the quote, a backslash in double quotes, a line break and NUL), and moves
  // past them: a quoted value is mostly such a run.
  void AppendOrdinaryRun(char quote, std::string& text) {
    size_t run = p_;
    if (quote == '\'') {
      while (run < t_.size() && t_[run] != '\'' && t_[run] != '\n' && t_[run] != '\0') ++run;
    } else {
      while (run < t_.size() && t_[run] != '"' && t_[run] != '\\' && t_[run] != '\n' &&
             t_[run] != '\0') {
        ++run;
      }
    }
    text.append(t_.substr(p_, run - p_));
    p_ = run;
  }

  // A double-quoted escape (after the backslash).
  // https://yaml.org/spec/1.2.2/#57-escaped-characters
  void Escape(std::string& text) {
    char e = Here();
    ++p_;
    switch (e) {
      case '0':
        text += '\0';
        return;
      case 'a':
        text += '\a';
        return;
      case 'b':
        text += '\b';
        return;
      case 't':
      case '\t':
        text += '\t';
        return;
      case 'n':
        text += '\n';
        return;
      case 'v':
        text += '\v';
        return;
      case 'f':
        text += '\f';
        return;
      case 'r':
        text += '\r';
        return;
      case 'e':
        text += '\x1b';
        return;
      case ' ':
        text += ' ';
        return;
      case '"':
        text += '"';
        return;
      case '/':
        text += '/';
        return;
      case '\\':
        text += '\\';
        return;
      case 'x':
        AppendEscaped(text, Hex(2));
        return;
      case 'u':
        AppendUtf16Escape(text);
        return;
      case 'U':
        AppendEscaped(text, Hex(8));
        return;
      default:
        throw Decline{};
    }
  }

  // \uXXXX, where a surrogate pair (\uD83D\uDE00, as JSON writes U+1F600) is one code point;
  // a lone surrogate is no character at all.
  void AppendUtf16Escape(std::string& text) {
    yaml::Mark mark = MarkHere();
    unsigned long cp = Hex(4);
    if (cp >= 0xDC00 && cp <= 0xDFFF) LoneSurrogate(mark, cp);
    if (cp >= 0xD800 && cp <= 0xDBFF) {
      if (t_.compare(p_, 2, "\\u") != 0) LoneSurrogate(mark, cp);
      p_ += 2;
      unsigned long low = Hex(4);
      if (low < 0xDC00 || low > 0xDFFF) LoneSurrogate(mark, cp);
      cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
    }
    AppendEscaped(text, cp);
  }

  [[noreturn]] static void LoneSurrogate(const yaml::Mark& mark, unsigned long cp) {
    YAML::Mark at;
    at.pos = mark.pos;
    at.line = mark.line;
    at.column = mark.column;
    throw YAML::ParserException(
        at, fmt::format("\\u{:04X} is half of a surrogate pair: no character", cp));
  }

  unsigned long Hex(size_t digits) {
    auto value = text::ReadHex(t_, &p_, digits);
    if (!value) throw Decline{};
    return *value;
  }

  // `|` or `>` with optional `-` (strip) or clip; indentation indicators and `+` decline.
  // https://yaml.org/spec/1.2.2/#81-block-scalar-styles
  NodeData* BlockScalar(int parent) {
    yaml::Mark mark = MarkHere();
    const bool literal = Here() == '|';
    ++p_;
    bool strip = false;
    if (Here() == '-') {
      strip = true;
      ++p_;
    } else if (Here() == '+' || (Here() >= '0' && Here() <= '9')) {
      throw Decline{};
    }
    SkipBlanks();
    if (!AtLineEnd()) throw Decline{};
    SkipToLineEnd();
    NodeData* n = NewNode(Kind::kScalar, mark, "!");
    if (p_ >= t_.size()) return n;
    const size_t header_end = p_;
    const size_t header_start = line_start_;
    const int header_line = line_;
    Advance();
    std::vector<std::string_view> lines;  // content lines without indentation; "" for empty
    int indent = -1;
    size_t last_end = 0;  // end of the last non-empty line
    size_t last_start = 0;
    int last_line = 0;
    size_t kept = 0;  // lines up to the last non-empty one
    while (p_ < t_.size()) {
      size_t q = p_;
      while (At(q) == ' ') ++q;
      int spaces = static_cast<int>(q - p_);
      if (At(q) == '\n' || At(q) == '\0') {
        if (indent >= 0 && spaces > indent) throw Decline{};
        if (indent < 0 && spaces > 0) throw Decline{};
        lines.emplace_back();
        p_ = q;
        if (p_ < t_.size()) Advance();
        continue;
      }
      if (At(q) == '\t' && (indent < 0 || spaces < indent)) throw Decline{};
      if (indent < 0) {
        if (spaces <= parent) break;
        indent = spaces;
      }
      if (spaces < indent || AtMarker("---") || AtMarker("...")) break;
      size_t end = q;
      while (end < t_.size() && t_[end] != '\n') ++end;
      lines.push_back(
          t_.substr(p_ + static_cast<size_t>(indent), end - p_ - static_cast<size_t>(indent)));
      if (!literal && spaces > indent) throw Decline{};
      kept = lines.size();
      p_ = end;
      last_end = end;
      last_start = line_start_;
      last_line = line_;
      if (p_ < t_.size()) Advance();
    }
    if (kept == 0) {
      p_ = header_end;
      line_start_ = header_start;
      line_ = header_line;
      return n;
    }
    p_ = last_end;
    line_start_ = last_start;
    line_ = last_line;
    lines.resize(kept);
    std::string text;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (i > 0) {
        if (literal) {
          text += '\n';
        } else if (!lines[i].empty() && !lines[i - 1].empty()) {
          text += ' ';
        } else if (lines[i].empty()) {
          text += '\n';
        }
      }
      text += lines[i];
    }
    const bool final_break = last_end < t_.size();
    if (!strip && final_break) text += '\n';
    n->scalar = std::move(text);
    return n;
  }

  // --- flow collections ---
  void SkipFlowSpace() {
    while (p_ < t_.size()) {
      char c = t_[p_];
      if (c == ' ' || c == '\t' || c == '\n') {
        Advance();
      } else if (AtComment()) {
        SkipToLineEnd();
      } else {
        return;
      }
    }
  }

  NodeData* Flow() {
    DepthGuard guard(depth_);
    if (Here() == '[') {
      NodeData* seq = NewNode(Kind::kSequence, MarkHere(), kPlainTag);
      ++p_;
      while (true) {
        SkipFlowSpace();
        if (Here() == ']') {
          ++p_;
          return seq;
        }
        seq->items.push_back(FlowItem(false));
        SkipFlowSpace();
        if (Here() == ',') {
          ++p_;
        } else if (Here() != ']') {
          throw Decline{};
        }
      }
    }
    NodeData* map = NewNode(Kind::kMap, MarkHere(), kPlainTag);
    ++p_;
    while (true) {
      SkipFlowSpace();
      if (Here() == '}') {
        ++p_;
        return map;
      }
      NodeData* key = FlowItem(true);
      if (key->kind == Kind::kMap || key->kind == Kind::kSequence) throw Decline{};
      SkipBlanks();  // yaml-cpp wants the colon on the key's line
      if (Here() != ':') throw Decline{};
      ++p_;
      SkipFlowSpace();
      if (Here() == ',' || Here() == '}') throw Decline{};
      map->entries.emplace_back(key, FlowItem(false));
      SkipFlowSpace();
      if (Here() == ',') {
        ++p_;
      } else if (Here() != '}') {
        throw Decline{};
      }
    }
  }

  NodeData* FlowItem(bool key) {
    char c = Here();
    if (c == '[' || c == '{') return Flow();
    if (c == '"' || c == '\'') return Quoted();
    if (IsIndicator(c) || c == '-' || c == '\0' || c == '\n') throw Decline{};
    yaml::Mark mark = MarkHere();
    size_t start = p_;
    size_t end = p_;
    while (p_ < t_.size()) {
      c = t_[p_];
      if (c == '\n' || c == ',' || c == '[' || c == ']' || c == '{' || c == '}') break;
      if (c == '#' && IsBlank(At(p_ - 1))) break;
      if (c == '?') throw Decline{};  // yaml-cpp rejects `?` inside flow scalars
      if (c == ':') {
        // yaml-cpp ends a flow key only at a colon followed by a blank (`{a:b}` is the one
        // key "a:b"); a colon before a flow indicator is left to it.
        const char next = At(p_ + 1);
        if (!key || next == ',' || next == '[' || next == ']' || next == '{' || next == '}') {
          throw Decline{};
        }
        if (IsBlankOrEnd(next)) break;
      }
      ++p_;
      if (!IsBlank(c)) end = p_;
    }
    if (Here() == '\n' || AtComment()) {
      // A plain scalar may not continue on the next line here.
      size_t save = p_;
      size_t save_start = line_start_;
      int save_line = line_;
      SkipFlowSpace();
      char next = Here();
      if (next != ',' && next != ']' && next != '}' && next != ':') throw Decline{};
      p_ = save;
      line_start_ = save_start;
      line_ = save_line;
    }
    return PlainScalar(mark, std::string(t_.substr(start, end - start)));
  }

  std::string_view t_;
  Tree& tree_;
  size_t p_ = 0;
  size_t line_start_ = 0;
  int line_ = 0;
  int depth_ = 0;
  std::map<std::string, NodeData*> anchors_;  // the latest node of each anchor name
};

const NodeData* Copy(const YAML::Node& node, Tree& tree) {
  NodeData* n = tree.Add();
  const YAML::Mark m = node.Mark();
  n->mark = {m.pos, m.line, m.column};
  n->tag = node.Tag();
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
      n->kind = Kind::kUndefined;
      break;
    case YAML::NodeType::Null:
      n->kind = Kind::kNull;
      break;
    case YAML::NodeType::Scalar:
      n->kind = Kind::kScalar;
      n->scalar = node.Scalar();
      break;
    case YAML::NodeType::Sequence:
      n->kind = Kind::kSequence;
      for (const auto& item : node) n->items.push_back(Copy(item, tree));
      break;
    case YAML::NodeType::Map:
      n->kind = Kind::kMap;
      for (auto it = node.begin(); it != node.end(); ++it) {
        n->entries.emplace_back(Copy(it->first, tree), Copy(it->second, tree));
      }
      break;
  }
  return n;
}

void PrintNode(const Node& node, int depth, std::string& out) {
  static const char* const kNames[] = {"undefined", "null", "scalar", "sequence", "map"};
  const Mark m = node.Mark();
  out += fmt::format("{:{}}{} tag={} at {}:{}:{}", "", depth * 2,
                     kNames[static_cast<int>(node.kind())], node.Tag(), m.pos, m.line, m.column);
  if (node.IsScalar()) {
    out += " '";
    for (char c : node.Scalar()) {
      if (c == '\n') {
        out += "\\n";
      } else if (c == '\\') {
        out += "\\\\";
      } else {
        out += c;
      }
    }
    out += "'";
  }
  out += '\n';
  if (node.IsSequence()) {
    for (const auto& item : node) PrintNode(item, depth + 1, out);
  } else if (node.IsMap()) {
    for (auto it = node.begin(); it != node.end(); ++it) {
      PrintNode(it->first, depth + 1, out);
      PrintNode(it->second, depth + 2, out);
    }
  }
}

}  // namespace

std::optional<Documents> ReadFast(std::string_view text) {
  Documents out;
  try {
    out.documents = FastReader(text, *out.tree).Run();
  } catch (const Decline&) {
    return std::nullopt;
  }
  return out;
}

namespace {

[[noreturn]] void Fail(const yaml::Mark& mark, const std::string& message) {
  YAML::Mark at;
  at.pos = mark.pos;
  at.line = mark.line;
  at.column = mark.column;
  throw YAML::ParserException(at, message);
}

yaml::Mark MarkOf(const yaml_mark_t& mark) {
  return {static_cast<int>(mark.index), static_cast<int>(mark.line), static_cast<int>(mark.column)};
}

// libyaml's event parser (the reference C implementation, fuzzed by OSS-Fuzz) builds the
// tree for everything the fast reader declines. It keeps no state that can grow without
// input, nesting is bounded here, and an alias shares the anchored node instead of copying it.
// https://pyyaml.org/wiki/LibYAML
class EventReader {
 public:
  EventReader(std::string_view text, Tree& tree) : tree_(tree) {
    yaml_parser_initialize(&parser_);
    yaml_parser_set_input_string(&parser_, reinterpret_cast<const unsigned char*>(text.data()),
                                 text.size());
  }
  ~EventReader() { yaml_parser_delete(&parser_); }
  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;

  std::vector<Node> Run() {
    std::vector<Node> documents;
    for (bool done = false; !done;) {
      yaml_event_t event;
      if (!yaml_parser_parse(&parser_, &event)) ParserError();
      try {
        done = Handle(event, documents);
      } catch (...) {
        yaml_event_delete(&event);
        throw;
      }
      yaml_event_delete(&event);
    }
    return documents;
  }

 private:
  struct Open {
    NodeData* node;
    std::string anchor;
    const NodeData* key = nullptr;  // a map's key waiting for its value
  };

  [[noreturn]] void ParserError() {
    std::string message = parser_.problem ? parser_.problem : "malformed YAML";
    if (parser_.context) message += fmt::format(" ({})", parser_.context);
    Fail(MarkOf(parser_.problem_mark), message);
  }

  static std::string Text(const unsigned char* text) {
    return text ? reinterpret_cast<const char*>(text) : "";
  }

  // Returns true at the end of the stream.
  bool Handle(const yaml_event_t& event, std::vector<Node>& documents) {
    const yaml::Mark mark = MarkOf(event.start_mark);
    switch (event.type) {
      case YAML_STREAM_END_EVENT:
        return true;
      case YAML_DOCUMENT_START_EVENT:
        anchors_.clear();
        break;
      case YAML_DOCUMENT_END_EVENT:
        documents.emplace_back(root_ ? root_ : Null(mark));
        root_ = nullptr;
        break;
      case YAML_ALIAS_EVENT: {
        auto it = anchors_.find(Text(event.data.alias.anchor));
        if (it == anchors_.end()) {
          Fail(mark,
               fmt::format("alias *{} names no anchor before it", Text(event.data.alias.anchor)));
        }
        tree_.has_aliases = true;
        Place(it->second, mark);
        break;
      }
      case YAML_SCALAR_EVENT:
        Place(Scalar(event, mark), mark, Text(event.data.scalar.anchor));
        break;
      case YAML_SEQUENCE_START_EVENT:
      case YAML_MAPPING_START_EVENT:
        Start(event, mark);
        break;
      case YAML_SEQUENCE_END_EVENT:
      case YAML_MAPPING_END_EVENT: {
        Open done = std::move(open_.back());
        open_.pop_back();
        Place(done.node, mark, done.anchor);
        break;
      }
      default:
        break;
    }
    return false;
  }

  NodeData* Null(const yaml::Mark& mark) {
    NodeData* n = tree_.Add();
    n->kind = Kind::kNull;
    n->mark = mark;
    return n;
  }

  // Tags as yaml-cpp reports them: "?" for a plain scalar or a collection, "!" for a quoted or
  // block scalar, "" for null, an explicit tag as written (resolved).
  NodeData* Scalar(const yaml_event_t& event, const yaml::Mark& mark) {
    const auto& scalar = event.data.scalar;
    std::string value(reinterpret_cast<const char*>(scalar.value), scalar.length);
    std::string tag = Text(scalar.tag);
    const bool plain = scalar.style == YAML_PLAIN_SCALAR_STYLE;
    if (plain && tag.empty() && (value.empty() || IsNullText(value))) return Null(mark);
    NodeData* n = tree_.Add();
    n->kind = Kind::kScalar;
    n->mark = mark;
    n->scalar = std::move(value);
    n->tag = !tag.empty() ? tag : plain ? kPlainTag : "!";
    return n;
  }

  void Start(const yaml_event_t& event, const yaml::Mark& mark) {
    if (open_.size() >= static_cast<size_t>(kMaxDepth)) {
      Fail(mark, fmt::format("nesting deeper than {} levels", kMaxDepth));
    }
    const bool map = event.type == YAML_MAPPING_START_EVENT;
    NodeData* n = tree_.Add();
    n->kind = map ? Kind::kMap : Kind::kSequence;
    n->mark = mark;
    std::string tag = Text(map ? event.data.mapping_start.tag : event.data.sequence_start.tag);
    n->tag = tag.empty() ? kPlainTag : tag;
    open_.push_back(
        {n, Text(map ? event.data.mapping_start.anchor : event.data.sequence_start.anchor)});
  }

  // Adds a finished node to the collection it is in (or makes it the document's root) and
  // registers its anchor; an anchor names the node only once the node is complete, so an
  // alias cannot make a cycle.
  void Place(const NodeData* node, const yaml::Mark&, const std::string& anchor = "") {
    if (!anchor.empty()) anchors_[anchor] = node;
    if (open_.empty()) {
      root_ = node;
      return;
    }
    Open& parent = open_.back();
    if (parent.node->kind == Kind::kSequence) {
      parent.node->items.push_back(node);
    } else if (!parent.key) {
      parent.key = node;
    } else {
      parent.node->entries.emplace_back(parent.key, node);
      parent.key = nullptr;
    }
  }

  Tree& tree_;
  yaml_parser_t parser_;
  std::vector<Open> open_;
  const NodeData* root_ = nullptr;
  std::map<std::string, const NodeData*> anchors_;
};

// Nodes one document may reach through aliases, counted with repetition; a few hundred bytes
// of nested aliases reach billions (the "billion laughs" document).
constexpr size_t kMaxAliasedNodes = 100000;

// Checks what YAML requires of a document and what keeps it small: unique keys in every map,
// and aliases that do not multiply the tree past kMaxAliasedNodes. Without aliases the tree is
// a tree and each node is visited once, with no bookkeeping.
class Validator {
 public:
  explicit Validator(bool aliases) : aliases_(aliases) {}

  void Check(const NodeData* root) {
    size_t reached = Visit(root);
    if (aliases_ && reached > weight_.size() + kMaxAliasedNodes) {
      Fail(root->mark, fmt::format("aliases expand the document past {} nodes", kMaxAliasedNodes));
    }
  }

 private:
  // The nodes reachable from `n`, counting a shared node each time it is reached (saturating).
  size_t Visit(const NodeData* n) {
    if (aliases_) {
      if (auto it = weight_.find(n); it != weight_.end()) return it->second;
    }
    CheckUniqueKeys(*n);
    size_t total = 1;
    auto add = [&](const NodeData* child) { total = std::min(total + Visit(child), kSaturated); };
    for (const NodeData* item : n->items) add(item);
    for (const auto& [key, value] : n->entries) {
      add(key);
      add(value);
    }
    if (aliases_) weight_[n] = total;
    return total;
  }

  static void CheckUniqueKeys(const NodeData& map) {
    const auto& entries = map.entries;
    if (entries.size() < 2) return;
    if (entries.size() <= 16) {  // rule maps are small: compare pairs, allocate nothing
      for (size_t i = 1; i < entries.size(); ++i) {
        for (size_t j = 0; j < i; ++j) Compare(*entries[j].first, *entries[i].first);
      }
      return;
    }
    std::unordered_map<std::string_view, const NodeData*> first;
    for (const auto& entry : entries) {
      const NodeData& key = *entry.first;
      if (key.kind != Kind::kScalar) continue;
      auto [it, fresh] = first.emplace(key.scalar, &key);
      if (!fresh) Compare(*it->second, key);
    }
  }

  // Reports `later` when it repeats the scalar key `earlier`.
  static void Compare(const NodeData& earlier, const NodeData& later) {
    if (earlier.kind != Kind::kScalar || later.kind != Kind::kScalar) return;
    if (earlier.scalar != later.scalar) return;
    Fail(later.mark, fmt::format("duplicate key '{}' (first at line {}); YAML requires the keys of "
                                 "a map to be unique",
                                 later.scalar, earlier.mark.line + 1));
  }

  static constexpr size_t kSaturated = size_t{1} << 40;
  bool aliases_;
  std::unordered_map<const NodeData*, size_t> weight_;
};

}  // namespace

namespace {

Documents Validated(Documents documents) {
  for (const Node& document : documents.documents) {
    Validator(documents.tree->has_aliases).Check(document.data());
  }
  return documents;
}

}  // namespace

Documents ReadWithLibyaml(std::string_view text) {
  Documents out;
  out.documents = EventReader(text, *out.tree).Run();
  return Validated(std::move(out));
}

Documents Read(std::string_view text) {
  if (auto fast = ReadFast(text)) return Validated(std::move(*fast));
  return ReadWithLibyaml(text);
}

Documents FromYamlCpp(const std::vector<YAML::Node>& documents) {
  Documents out;
  for (const auto& d : documents) out.documents.emplace_back(Copy(d, *out.tree));
  return out;
}

std::string Print(const std::vector<Node>& documents) {
  std::string out;
  for (size_t i = 0; i < documents.size(); ++i) {
    out += fmt::format("document {}\n", i + 1);
    PrintNode(documents[i], 1, out);
  }
  return out;
}

}  // namespace refract::yaml
