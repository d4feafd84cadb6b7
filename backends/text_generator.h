// The one text generator every backend writes queries with: the boolean skeleton, the predicate
// skeleton (keyword, null, exists, comparisons, CIDR, regex, values), quoting and the null guard,
// driven by a dialect's tokens. A backend subclasses it and overrides only what its language
// does differently (the shape of sqlglot's and pySigma's generators).
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/backend.h"
#include "compiler/ir/ir.h"
#include "compiler/ir/regex.h"

namespace refract {

// How a target writes and/or/not. Junctions nested in junctions are always parenthesised, so
// targets whose precedence differs from Sigma's (SPL's search binds OR tighter than AND) read
// the tree as Sigma does.
struct BoolSyntax {
  std::string and_op;     // " and ", " AND ", " " ...
  std::string or_op;      // " or ", " OR "
  std::string not_open;   // "not(", "NOT (", "not "
  std::string not_close;  // ")", ")", ""
  std::string true_text = "true";
  std::string false_text = "false";
  // A `not` that is no operand of an `and` (the whole condition, or an operand of `or`), where
  // a target reads it differently; empty: not_open/not_close. Lucene needs this: its `x OR NOT
  // y` is one query {should x, must_not y}, which means x AND NOT y.
  std::string lone_not_open = "";
  std::string lone_not_close = "";
};

// How a target writes a string literal.
struct QuoteStyle {
  char delimiter = '"';
  bool double_delimiter = false;  // '' inside '…' (SQL); else a backslash escapes it
  bool escape_backslash = true;   // `\` is written `\\`
  bool c_escapes = false;         // line feed, carriage return and tab as \n \r \t
  // Other control characters (and DEL) through this format of their byte, e.g. "\\u{:04x}";
  // empty leaves them as they are.
  std::string_view control_format;
};

// `text` as a string literal in `style`.
std::string QuoteString(std::string_view text, const QuoteStyle& style);

// The tokens of one query language.
struct Dialect {
  BoolSyntax boolean;
  QuoteStyle quote;
  // A negated test that a missing field makes null (SQL-like three-valued logic) keeps the
  // events without the field, as Sigma's `not` does: "{0}" is the field, "{1}" the test, e.g.
  // "({0} IS NOT NULL AND {1})". Empty: the target's `not` already keeps them.
  std::string_view null_guard;
};

// Renders a predicate; `negated` says whether an odd number of `not`s encloses it.
using LeafWriter = std::function<std::string(const ir::Predicate&, bool negated)>;

// Renders `expr` with `syntax`, calling `leaf` for each predicate.
std::string RenderBoolean(const ir::Expr& expr, const BoolSyntax& syntax, const LeafWriter& leaf,
                          bool negated = false);

// Joins the tests of one multi-valued predicate, parenthesised when there are several.
std::string JoinTests(const std::vector<std::string>& parts, bool all_of, const BoolSyntax& syntax);

// Writes one rule's condition in a dialect. Each hook has a default; the defaults that a target
// must supply refuse the construct by name (E0500), so a missing piece is a diagnostic, never a
// silently different query.
class TextGenerator {
 public:
  TextGenerator(const EmitContext& ctx, const Dialect& dialect) : ctx_(ctx), dialect_(dialect) {}
  virtual ~TextGenerator() = default;

  // `expr` in the dialect, or nullopt after reporting what the target cannot express.
  std::optional<std::string> Condition(const ir::Expr& expr);
  // True once a construct was refused.
  bool failed() const { return failed_; }

 protected:
  // `p`, split into one predicate per value kind when its values mix kinds (`[0, 'x']`: a number
  // and a string), each written by Leaf and joined by the predicate's any/all.
  std::string LeafByKind(const ir::Predicate& p, bool negated);

  // One predicate whose values are all of one kind; the default dispatches on its operator to
  // the hooks below.
  virtual std::string Leaf(const ir::Predicate& p, bool negated);

  // A field-less keyword search; default: refused.
  virtual std::string Keyword(const ir::Predicate& p, bool negated);
  // A time-part modifier (|minute, |hour…); default: refused.
  virtual std::string TimePart(const ir::Predicate& p, bool negated);
  // `field` is absent or null; default: refused.
  virtual std::string Null(const ir::Predicate& p, const std::string& field);
  // `field` exists (`exists`) or not; default: refused.
  virtual std::string Exists(const ir::Predicate& p, const std::string& field, bool exists);
  // lt/lte/gt/gte; default: each value through CompareValue, guarded and joined.
  virtual std::string Compare(const ir::Predicate& p, const std::string& field, bool negated);
  // `field op number` with `op` one of < <= > >=.
  virtual std::string CompareValue(const ir::Predicate& p, const std::string& field,
                                   const ir::Value& v, std::string_view op);
  // cidr; default: each value through CidrValue, guarded and joined.
  virtual std::string Cidr(const ir::Predicate& p, const std::string& field, bool negated);
  // One network; default: refused.
  virtual std::string CidrValue(const ir::Predicate& p, const std::string& field,
                                const ir::Value& v);
  // re; default: each value through RegexValue, guarded and joined.
  virtual std::string Regex(const ir::Predicate& p, const std::string& field, bool negated);
  // One regex; default: refused.
  virtual std::string RegexValue(const ir::Predicate& p, const std::string& field,
                                 const ir::Regex& regex);
  // eq, contains, startswith, endswith, wildcard; default: each value through ValueTest.
  virtual std::string Values(const ir::Predicate& p, const std::string& field, bool negated);
  // One value of Values, by its kind: a field reference, a number, a bool or a string;
  // defaults: refused.
  virtual std::string ValueTest(const ir::Predicate& p, const std::string& field,
                                const ir::Value& v);
  virtual std::string FieldRefValue(const ir::Predicate& p, const std::string& field,
                                    const ir::Value& v);
  virtual std::string NumberValue(const ir::Predicate& p, const std::string& field,
                                  const ir::Value& v);
  virtual std::string BoolValue(const ir::Predicate& p, const std::string& field,
                                const ir::Value& v);
  virtual std::string StringValue(const ir::Predicate& p, const std::string& field,
                                  const ir::Value& v);
  // The field as the dialect names it; default: as it is.
  virtual std::string FieldName(const std::string& field) const;

  // `test` for every value of `p`, each kept under the dialect's null guard when `negated`,
  // joined by the predicate's any/all; "" once a value was refused.
  std::string Each(const ir::Predicate& p, const std::string& field, bool negated,
                   const std::function<std::string(const ir::Value&)>& test);
  // `test` under the dialect's null guard when `negated` (see Dialect::null_guard).
  std::string Guard(const std::string& field, std::string test, bool negated) const;
  // Joins the tests of one predicate, parenthesised when there are several.
  std::string Join(const std::vector<std::string>& parts, bool all_of) const;
  // `text` as the dialect's string literal.
  std::string Quote(std::string_view text) const { return QuoteString(text, dialect_.quote); }
  // A measure's value as written: a number stays a number, anything else is a string.
  std::string Literal(const std::string& text) const;
  // Reports E0500 for `construct` (the first refusal only) and returns "".
  std::string Fail(const ir::Predicate& p, const std::string& construct);
  // The declared column type of `field` in the rule's source ("" when not declared).
  std::string FieldType(const std::string& field) const;

  const EmitContext& ctx_;
  const Dialect& dialect_;

 private:
  bool failed_ = false;
};

}  // namespace refract
