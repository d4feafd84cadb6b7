// The IR: predicates over fields with structured values, combined by and/or/not.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/ir/regex.h"

namespace refract::ir {

// A piece of a Sigma string: literal text or one of the two wildcards.
struct Piece {
  enum class Kind { kLiteral, kAnyChars, kOneChar };
  Kind kind = Kind::kLiteral;
  std::string text;  // kLiteral only
  bool operator==(const Piece&) const = default;
};

// A Sigma string value as structure: never pre-escaped text.
struct Pattern {
  std::vector<Piece> pieces;

  // True when the pattern has no wildcard.
  bool IsPlain() const;
  // The concatenated literal text (wildcards dropped).
  std::string Literal() const;
  // Appends literal text, merging with a trailing literal piece.
  void AddLiteral(std::string_view text);
  void AddWildcard(Piece::Kind kind);
  bool operator==(const Pattern&) const = default;
};

// A typed value of a predicate.
struct Value {
  enum class Kind { kString, kNumber, kBool, kRegex, kCidr, kField };
  Kind kind = Kind::kString;
  Pattern pattern;                     // kString
  std::string text;                    // kNumber, kBool ("true"/"false"), kCidr, kField
  std::shared_ptr<const Regex> regex;  // kRegex
  bool ipv6 = false;                   // kCidr

  static Value String(Pattern pattern);
  static Value Number(std::string text);
  static Value Bool(bool value);
  static Value Field(std::string name);
  bool operator==(const Value& other) const;
};

enum class Op {
  kEq,          // whole value equals (strings: case-insensitive unless cased)
  kContains,    // literal substring
  kStartsWith,  // literal prefix
  kEndsWith,    // literal suffix
  kWildcard,    // Sigma wildcard pattern over the whole value
  kRegex,       // unanchored regex search
  kCidr,        // address in network
  kExists,      // the field is present (value: bool)
  kNull,        // the field is absent or null
  kLt,
  kLte,
  kGt,
  kGte,
};

// Extracted part of a timestamp field (Sigma 2.1 time modifiers).
enum class TimePart { kNone, kMinute, kHour, kDay, kWeek, kMonth, kYear };

// `field op values`; an empty field is a keyword search over the whole event.
struct Predicate {
  std::string field;
  Op op = Op::kEq;
  TimePart part = TimePart::kNone;
  std::vector<Value> values;
  bool all_of = false;  // with several values: all must hold (else any)
  bool cased = false;   // string comparison is case-sensitive
  // The |expand placeholder whose values these are ("" for literal values): a target can read
  // them from a list deployed as the platform's reference data instead of inlining them.
  std::string list;
  SourceLocation location;

  bool IsKeyword() const { return field.empty(); }
  // Same field, operator, flags and list: values may be merged into one predicate.
  bool SameShape(const Predicate& other) const;
};

struct Expr {
  enum class Kind { kTrue, kFalse, kAnd, kOr, kNot, kPredicate };
  Kind kind = Kind::kTrue;
  std::vector<Expr> children;
  Predicate predicate;

  static Expr Pred(Predicate predicate);
  static Expr Not(Expr child);
  static Expr And(std::vector<Expr> children);
  static Expr Or(std::vector<Expr> children);
  static Expr Bool(bool value);
  bool operator==(const Expr& other) const;
};

// A rule's `logsource` block, which the mapping stage turns into a table or scope.
struct LogSource {
  std::string product;
  std::string category;
  std::string service;
  std::string definition;
};

// Rule metadata carried through to the targets.
struct RuleInfo {
  std::string title;
  std::string id;
  std::string name;
  std::string status;
  std::string description;
  std::string author;
  std::string date;
  std::string modified;
  std::string level;
  std::vector<std::string> tags;
  std::vector<std::string> references;
  std::vector<std::string> falsepositives;
  std::vector<std::string> fields;
};

// A detection rule lowered to IR; after mapping, `source` names the target's table or scope.
struct Rule {
  RuleInfo info;
  LogSource logsource;
  SourceLocation logsource_location;
  Expr condition;
  SourceLocation location;
  std::string source;  // set by the mapping stage
};

std::string_view OpName(Op op);
std::string_view TimePartName(TimePart part);
// Deterministic, indented text form of the IR (for --emit ir and tests).
std::string Print(const Expr& expr);
std::string Print(const Rule& rule);

}  // namespace refract::ir
