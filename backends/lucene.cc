// Lucene query strings on ECS fields. Elastic's keyword fields match case-sensitively and the
// query-string syntax has no case-insensitive flag, so Sigma's case-insensitive strings are
// regexes with [aA] classes; text without letters stays a plain term.
// Syntax:
// https://www.elastic.co/guide/en/elasticsearch/reference/current/query-dsl-query-string-query.html

#include "backends/assembled_backend.h"
#include "backends/backend.h"
#include "backends/common.h"
#include "compiler/text/cat.h"

namespace refract {
namespace {

using ir::Op;
using ir::Piece;
using ir::Predicate;
using ir::Value;

// Terms are escaped rather than quoted (EscapeTerm); a missing field simply does not match.
// A negation that is no operand of AND is `(*:* NOT (x))`: Lucene reads `a OR NOT b` as one
// boolean query {should a, must_not b} (a AND NOT b), and a query of must_not clauses alone
// matches nothing.
// https://lucene.apache.org/core/4_10_4/queryparser/org/apache/lucene/queryparser/classic/package-summary.html#Boolean_operators
const Dialect kLucene{{" AND ", " OR ", "NOT (", ")", "*:*", "NOT *:*", "(*:* NOT (", "))"},
                      {'"', false, true, false, ""},
                      ""};

// Reserved characters and white space are escaped with a backslash in terms and field names.
// A term that is AND, OR or NOT (in capitals) would be an operator; its first letter escaped, it
// is a term.
// https://lucene.apache.org/core/9_9_0/queryparser/org/apache/lucene/queryparser/classic/package-summary.html#Boolean_operators
std::string EscapeTerm(std::string_view text) {
  static const std::string_view kReserved = "+-=&|><!(){}[]^\"~*?:\\/ \t\n\r";
  if (text == "AND" || text == "OR" || text == "NOT") return "\\" + std::string(text);
  std::string out;
  for (char c : text) {
    if (kReserved.find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out;
}

bool HasLetter(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    if (ir::OtherCase(text::DecodeUtf8(text, &i)) != 0) return true;
  }
  return false;
}

// A query string writes a predicate as `field:(term OR term)`, so it supplies Leaf whole.
class LuceneGenerator : public TextGenerator {
 public:
  explicit LuceneGenerator(const EmitContext& ctx) : TextGenerator(ctx, kLucene) {}

  std::optional<std::string> Run() { return Condition(ctx_.rule.condition); }

 private:
  // One value of a string predicate: a term, a wildcard query or a regex.
  std::string StringTerm(const Predicate& p, const Value& v) {
    bool leading = p.op == Op::kContains || p.op == Op::kEndsWith;
    bool trailing = p.op == Op::kContains || p.op == Op::kStartsWith;
    std::string literal = v.pattern.Literal();
    if (!p.cased && ir::HasUnfoldableLetter(literal)) {
      return Fail(p,
                  "case-insensitive matching of letters outside Latin, Greek and Cyrillic (Lucene "
                  "query strings have no case-insensitive flag)");
    }
    if (!p.cased && HasLetter(literal)) {
      std::string regex = LucenePatternRegex(v.pattern, leading, trailing, true);
      if (auto why = ElasticRegexTooLong(regex)) return Fail(p, *why);
      return "/" + regex + "/";
    }
    // Case does not matter: a term, or a wildcard query (not quoted, so * and ? work).
    std::string out = leading ? "*" : "";
    for (const auto& piece : v.pattern.pieces) {
      out += piece.kind == Piece::Kind::kLiteral    ? EscapeTerm(piece.text)
             : piece.kind == Piece::Kind::kAnyChars ? "*"
                                                    : "?";
    }
    if (trailing) out += "*";
    return out.empty() ? "\"\"" : out;
  }

  std::string Leaf(const Predicate& p, bool) override {
    if (p.part != ir::TimePart::kNone) return Fail(p, "a time-part modifier");
    if (!p.values.empty() && p.values[0].kind == Value::Kind::kField) {
      return Fail(p, "a comparison of two fields (fieldref)");
    }
    std::string field = p.IsKeyword() ? "" : EscapeTerm(p.field) + ":";
    std::vector<std::string> terms;
    switch (p.op) {
      // A clause of its own wherever it stands: a bare NOT under OR would read as AND NOT.
      case Op::kNull:
        return text::Cat({"(*:* NOT _exists_:", EscapeTerm(p.field), ")"});
      case Op::kExists:
        return p.values[0].text == "true"
                   ? text::Cat({"_exists_:", EscapeTerm(p.field)})
                   : text::Cat({"(*:* NOT _exists_:", EscapeTerm(p.field), ")"});
      case Op::kLt:
      case Op::kLte:
      case Op::kGt:
      case Op::kGte: {
        static const char* kOps[] = {"<", "<=", ">", ">="};
        const char* op = kOps[static_cast<int>(p.op) - static_cast<int>(Op::kLt)];
        std::vector<std::string> parts;
        for (const auto& v : p.values) parts.push_back(field + op + v.text);
        return Join(parts, p.all_of);
      }
      case Op::kRegex:
        for (const auto& v : p.values) {
          std::string construct;
          auto regex = ir::EmitWholeMatch(*v.regex, LuceneRegexFlavor(), &construct);
          if (!regex)
            return Fail(p, "the regex construct " + construct + " (Lucene regular expressions)");
          if (auto why = ElasticRegexTooLong(*regex)) return Fail(p, *why);
          terms.push_back("/" + *regex + "/");
        }
        break;
      case Op::kCidr:
        for (const auto& v : p.values) terms.push_back(EscapeTerm(v.text));
        break;
      default:
        for (const auto& v : p.values) {
          terms.push_back(v.kind == Value::Kind::kString ? StringTerm(p, v) : EscapeTerm(v.text));
        }
    }
    if (failed()) return "";
    if (terms.size() == 1) return field + terms[0];
    std::string list;
    for (size_t i = 0; i < terms.size(); ++i) {
      list += (i ? (p.all_of ? " AND " : " OR ") : "") + terms[i];
    }
    return field.empty() ? "(" + list + ")" : field + "(" + list + ")";
  }
};

}  // namespace

const Backend& LuceneBackend() {
  static const AssembledBackend<LuceneGenerator, void, void, void> kBackend(
      {"lucene", "Elastic / OpenSearch (Lucene query string, ECS fields)", "lucene"},
      {"a correlation (a query string selects events; it cannot count or order "
       "them: use the eql or esql target)",
       "the aggregate extension (a query string selects events; it cannot count them: use the "
       "esql target)",
       "a union of several signals (it has no aggregate signals to compose)",
       "the consecutive extension (a query string selects events; it cannot compare two)"});
  return kBackend;
}

}  // namespace refract
