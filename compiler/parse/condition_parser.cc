// The only file that includes the generated parser, so ANTLR's headers stay out of the rest.
#include "compiler/parse/condition_parser.h"

#include <fmt/format.h>

#include <atomic>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <unordered_map>

#include "SigmaConditionLexer.h"
#include "SigmaConditionParser.h"
#include "antlr4-runtime.h"
#include "compiler/text/utf8.h"

namespace refract {
namespace {

using grammar::SigmaConditionLexer;
using grammar::SigmaConditionParser;

// Remembers the first syntax error; the rest are consequences of it.
class FirstErrorListener : public antlr4::BaseErrorListener {
 public:
  void syntaxError(antlr4::Recognizer*, antlr4::Token* token, size_t, size_t char_position,
                   const std::string&, std::exception_ptr) override {
    if (seen) return;
    seen = true;
    if (token != nullptr) {
      offset = token->getStartIndex();
      length = token->getType() == antlr4::Token::EOF
                   ? 1
                   : std::max<size_t>(1, token->getStopIndex() - token->getStartIndex() + 1);
      token_type = token->getType();
      token_text = token->getText();
    } else {
      offset = char_position;
    }
  }

  bool seen = false;
  size_t offset = 0;
  size_t length = 1;
  size_t token_type = antlr4::Token::INVALID_TYPE;
  std::string token_text;
};

// Checks balance and depth before ANTLR runs, so the errors name the parenthesis at fault and
// no input can recurse deeply.
bool PreScan(std::string_view text, const ConditionLocator& locate, Diagnostics& diagnostics) {
  if (text.size() > kMaxConditionBytes) {
    diagnostics.Error("E0303", locate(0, 1),
                      fmt::format("condition is {} bytes long, more than the limit of {}",
                                  text.size(), kMaxConditionBytes));
    return false;
  }
  std::vector<size_t> open;
  int nots = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '(') {
      open.push_back(i);
    } else if (c == ')') {
      if (open.empty()) {
        diagnostics.Error("E0300", locate(i, 1), "unmatched ')' in condition");
        return false;
      }
      open.pop_back();
    } else if (text.substr(i, 3) == "not" && (i == 0 || !std::isalnum(text[i - 1])) &&
               (i + 3 >= text.size() || !std::isalnum(text[i + 3]))) {
      ++nots;
    }
    if (static_cast<int>(open.size()) + nots > kMaxConditionDepth * 4 ||
        static_cast<int>(open.size()) > kMaxConditionDepth) {
      diagnostics.Error("E0303", locate(i, 1),
                        fmt::format("condition nests deeper than {} levels", kMaxConditionDepth));
      return false;
    }
  }
  if (!open.empty()) {
    diagnostics.Error("E0300", locate(open.back(), 1), "unclosed '(' in condition",
                      {"add the matching ')'"});
    return false;
  }
  return true;
}

ast::Condition Build(SigmaConditionParser::ExprContext* expr, const ConditionLocator& locate);

ast::Condition MakeNode(ast::Condition::Kind kind, antlr4::ParserRuleContext* ctx,
                        const ConditionLocator& locate) {
  ast::Condition node;
  node.kind = kind;
  size_t start = ctx->getStart()->getStartIndex();
  size_t stop = ctx->getStop() != nullptr ? ctx->getStop()->getStopIndex() : start;
  node.location = locate(start, stop >= start ? stop - start + 1 : 1);
  return node;
}

// Joins a binary operator into its left operand when that is the same operator, so `a and b and
// c` is one node with three children.
ast::Condition BuildBinary(ast::Condition::Kind kind, antlr4::ParserRuleContext* ctx,
                           SigmaConditionParser::ExprContext* left,
                           SigmaConditionParser::ExprContext* right,
                           const ConditionLocator& locate) {
  ast::Condition node = MakeNode(kind, ctx, locate);
  ast::Condition lhs = Build(left, locate);
  if (lhs.kind == kind) {
    node.children = std::move(lhs.children);
  } else {
    node.children.push_back(std::move(lhs));
  }
  node.children.push_back(Build(right, locate));
  return node;
}

ast::Condition Build(SigmaConditionParser::ExprContext* expr, const ConditionLocator& locate) {
  using Kind = ast::Condition::Kind;
  if (auto* paren = dynamic_cast<SigmaConditionParser::ParenExprContext*>(expr)) {
    return Build(paren->expr(), locate);
  }
  if (auto* negation = dynamic_cast<SigmaConditionParser::NotExprContext*>(expr)) {
    ast::Condition node = MakeNode(Kind::kNot, negation, locate);
    node.children.push_back(Build(negation->expr(), locate));
    return node;
  }
  if (auto* conj = dynamic_cast<SigmaConditionParser::AndExprContext*>(expr)) {
    return BuildBinary(Kind::kAnd, conj, conj->expr(0), conj->expr(1), locate);
  }
  if (auto* disj = dynamic_cast<SigmaConditionParser::OrExprContext*>(expr)) {
    return BuildBinary(Kind::kOr, disj, disj->expr(0), disj->expr(1), locate);
  }
  if (auto* of = dynamic_cast<SigmaConditionParser::OfExprContext*>(expr)) {
    auto* quantifier = of->quantifier();
    Kind kind = quantifier->ALL() != nullptr ? Kind::kAllOf : Kind::kOneOf;
    ast::Condition node = MakeNode(kind, of, locate);
    node.name = of->target()->getText();
    // The quantifier's number is checked by lowering, which knows the position to blame.
    if (quantifier->NUMBER() != nullptr)
      node.children.push_back([&] {
        ast::Condition count = MakeNode(Kind::kRef, quantifier, locate);
        count.name = quantifier->getText();
        return count;
      }());
    return node;
  }
  auto* ref = dynamic_cast<SigmaConditionParser::RefExprContext*>(expr);
  ast::Condition node = MakeNode(Kind::kRef, expr, locate);
  node.name = ref != nullptr ? ref->getText() : expr->getText();
  return node;
}

std::string DescribeToken(size_t type, const std::string& text) {
  if (type == antlr4::Token::EOF) return "end of condition";
  return fmt::format("'{}'", text);
}

}  // namespace

namespace {

// ANTLR caches what it learns of the grammar in DFAs that every lexer and parser shares (static
// members), and the cache grows with each new shape of input, without bound in a long process.
// It is dropped every kParsesPerCache parses; files are compiled in
// parallel, so parses hold the lock shared and the clearing holds it alone.
constexpr unsigned kParsesPerCache = 4096;
std::shared_mutex g_dfa_lock;
std::atomic<unsigned> g_parses{0};

void ClearSharedDfa() {
  std::unique_lock lock(g_dfa_lock);
  antlr4::ANTLRInputStream input("");
  SigmaConditionLexer lexer(&input);
  antlr4::CommonTokenStream tokens(&lexer);
  SigmaConditionParser parser(&tokens);
  lexer.getInterpreter<antlr4::atn::LexerATNSimulator>()->clearDFA();
  parser.getInterpreter<antlr4::atn::ParserATNSimulator>()->clearDFA();
}

std::optional<ast::Condition> ParseUnlocked(std::string_view text, const ConditionLocator& locate,
                                            Diagnostics& diagnostics);

}  // namespace

namespace {

// A node's byte range in its condition text, kept in its location until `Locate` places it in
// the rule file: the column holds the offset.
SourceLocation RangeInText(size_t offset, size_t length) {
  return SourceLocation{"", 0, static_cast<int>(offset), static_cast<int>(length)};
}

// Turns every node's range (RangeInText) into its place in the rule file.
void Locate(ast::Condition& node, const ConditionLocator& locate) {
  node.location =
      locate(static_cast<size_t>(node.location.column), static_cast<size_t>(node.location.length));
  for (auto& child : node.children) Locate(child, locate);
}

// Conditions parsed cleanly, by their text, with ranges for locations. A corpus repeats a few
// hundred conditions thousands of times ("selection" is half of SigmaHQ's 3,780), and ANTLR
// spends about 48,000 instructions on each parse. Bounded like the DFA cache above: it is
// emptied when it holds kMaxEntries conditions or kMaxBytes of their text.
class ParsedConditions {
 public:
  std::optional<ast::Condition> Find(std::string_view text) {
    std::shared_lock lock(lock_);
    auto it = parsed_.find(std::string(text));
    if (it == parsed_.end()) return std::nullopt;
    return it->second;
  }

  void Add(std::string_view text, const ast::Condition& condition) {
    std::unique_lock lock(lock_);
    if (parsed_.size() >= kMaxEntries || bytes_ + text.size() > kMaxBytes) {
      parsed_.clear();
      bytes_ = 0;
    }
    if (parsed_.emplace(std::string(text), condition).second) bytes_ += text.size();
  }

 private:
  static constexpr size_t kMaxEntries = 4096;
  static constexpr size_t kMaxBytes = 1 << 20;
  std::shared_mutex lock_;
  std::unordered_map<std::string, ast::Condition> parsed_;
  size_t bytes_ = 0;
};

ParsedConditions g_parsed;

}  // namespace

std::optional<ast::Condition> ParseCondition(std::string_view text, const ConditionLocator& locate,
                                             Diagnostics& diagnostics) {
  std::optional<ast::Condition> out = g_parsed.Find(text);
  if (!out) {
    {
      std::shared_lock lock(g_dfa_lock);
      out = ParseUnlocked(text, locate, diagnostics);
    }
    if (++g_parses % kParsesPerCache == 0) ClearSharedDfa();
    if (!out) return std::nullopt;
    g_parsed.Add(text, *out);
  }
  Locate(*out, locate);
  return out;
}

namespace {

std::optional<ast::Condition> ParseUnlocked(std::string_view text, const ConditionLocator& locate,
                                            Diagnostics& diagnostics) {
  if (!PreScan(text, locate, diagnostics)) return std::nullopt;
  // ANTLR converts its input to UTF-32 and throws on invalid UTF-8; the loader refuses such
  // files, so this only guards against a caller that did not.
  if (text::FirstInvalidUtf8(text)) {
    diagnostics.Error("E0003", locate(0, text.size()), "invalid UTF-8 in condition");
    return std::nullopt;
  }
  antlr4::ANTLRInputStream input(text.data(), text.size());
  SigmaConditionLexer lexer(&input);
  FirstErrorListener listener;
  lexer.removeErrorListeners();
  lexer.addErrorListener(&listener);
  antlr4::CommonTokenStream tokens(&lexer);
  SigmaConditionParser parser(&tokens);
  parser.removeErrorListeners();
  parser.addErrorListener(&listener);
  auto* tree = parser.condition();
  if (listener.seen) {
    if (listener.token_type == SigmaConditionLexer::PIPE) {
      diagnostics.Error(
          "E0304", locate(listener.offset, text.size() - listener.offset),
          "legacy aggregation '|' in condition is not sigma 2",
          {"sigma 2 replaced '| count() by ...' with correlation rules; write the aggregation "
           "as a correlation rule"});
    } else {
      diagnostics.Error(
          "E0300", locate(listener.offset, listener.length),
          listener.token_type == antlr4::Token::EOF
              ? std::string("condition ends where an identifier or '(' should follow")
              : fmt::format("unexpected {} in condition",
                            DescribeToken(listener.token_type, listener.token_text)),
          {"a condition combines search identifiers with 'and', 'or', 'not', parentheses, "
           "'1 of pattern' and 'all of pattern'"});
    }
    return std::nullopt;
  }
  // Ranges, not places: the parse is kept for the next rule with the same condition.
  return Build(tree->expr(), RangeInText);
}

}  // namespace

}  // namespace refract
