// Regular expressions as a small AST, so each backend re-emits them in its own flavour or
// names the construct its engine lacks.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refract::ir {

struct RegexNode {
  enum class Kind {
    kEmpty,
    kLiteral,      // codepoint
    kAnyChar,      // .
    kClass,        // [...]: negated, items
    kPerlClass,    // \d \w \s \D \W \S, or \p{..}/\P{..} in `name`
    kAssertion,    // ^ $ \b \B \A \z \Z: `symbol`
    kConcat,       // children in order
    kAlternation,  // children, any of
    kRepeat,       // children[0] repeated min..max (max -1 = unbounded)
    kGroup,        // children[0] in a group of `group` kind
    kBackref,      // \1 or \k<name>
    kSetFlags,     // (?i) for the rest of the enclosing group
  };
  enum class GroupKind {
    kCapture,
    kNamed,
    kNonCapture,
    kLookahead,
    kNegativeLookahead,
    kLookbehind,
    kNegativeLookbehind,
    kAtomic,
  };
  struct ClassItem {
    char32_t low = 0;
    char32_t high = 0;
    char perl = 0;      // d w s D W S: a shorthand inside the class
    std::string named;  // posix name like "alpha", or a \p{..} property
    bool named_negated = false;
  };

  Kind kind = Kind::kEmpty;
  char32_t codepoint = 0;
  char symbol = 0;  // kPerlClass and kAssertion
  bool negated = false;
  std::vector<ClassItem> items;
  int min = 0;
  int max = -1;
  bool lazy = false;
  bool possessive = false;
  GroupKind group = GroupKind::kCapture;
  std::string name;      // group name, backref name, or unicode property
  std::string flags_on;  // kSetFlags and flag groups (?i:...)
  std::string flags_off;
  int backref = 0;
  std::vector<RegexNode> children;
};

// A parsed regex with the Sigma sub-modifier flags (re|i, re|m, re|s).
struct Regex {
  std::string source;
  RegexNode root;
  bool ignore_case = false;
  bool multiline = false;
  bool dot_all = false;
};

struct RegexError {
  size_t offset = 0;
  std::string message;
};

// Parses the PCRE subset Sigma rules use (and the common PCRE extras); returns nullopt and fills
// `error` with the offending offset when the pattern is malformed.
std::optional<Regex> ParseRegex(std::string_view pattern, RegexError* error);

// What a target's regex engine can say, and how it spells it.
struct RegexFlavor {
  std::string name;
  bool lookaround = false;
  bool backreferences = false;
  bool atomic_groups = false;
  bool possessive = false;
  bool lazy = true;
  bool inline_flags = true;
  bool text_anchors = true;         // \A \z
  bool end_before_newline = false;  // \Z
  bool unicode_properties = true;
  bool perl_classes = true;  // \d \w \s
  bool word_boundary = true;
  std::string named_group_prefix = "(?P<";            // empty: named groups become plain groups
  bool braced_hex_escape = true;                      // \x{263A} rather than \xHH
  std::string class_metachars = "\\]^-[";             // escaped inside [...]
  std::string literal_metachars = "\\.+*?()|[]{}^$";  // escaped outside [...]
  bool noncapturing_groups = true;                    // (?:...); else written as plain (...)
  bool lazy_as_greedy = false;  // whole-value engines: *? matches what * matches
  bool anchors = true;          // ^ and $ inside the pattern
  bool control_escapes = true;  // \n \t \x..; else control characters are written raw
  bool fold_case = false;       // case-insensitive by [aA] classes (no flag in the engine)
  std::string whole_match_padding = ".*";  // pads an unanchored end in EmitWholeMatch
  std::string backslash_literal = "\\\\";  // how a literal backslash is written outside [...]
  bool empty_alternatives = true;          // (a|) allowed; else written (a)?
  // The engine's `.` matches a line feed (Lucene's regexp): Sigma's `.` without the s flag is
  // then written [^<LF>], as PCRE's does not match one.
  bool dot_matches_newline = false;
  // The engine's `$` (without m) matches only at the end of the text (RE2, Rust's regex): PCRE's,
  // which also matches before a final line feed, is then written <LF>?$.
  bool dollar_is_text_end = false;
};

// Re-emits `regex` for `flavor`, with flags as a leading inline group when `inline_flags` and
// any are set. On a construct the flavour lacks, returns nullopt and names it in `unsupported`.
std::optional<std::string> EmitRegex(const Regex& regex, const RegexFlavor& flavor,
                                     std::string* unsupported, bool include_flags = true);

// Re-emits a Sigma regex (an unanchored search) for an engine that matches whole values
// (Lucene): a leading ^ or trailing $ of each top-level branch is dropped, otherwise .* pads it.
// Flags cannot be inline: `i` folds case when the flavour says so, else is the caller's job.
std::optional<std::string> EmitWholeMatch(const Regex& regex, const RegexFlavor& flavor,
                                          std::string* unsupported);

// The other-case form of a letter with a simple one-to-one case pair (ASCII, Latin-1, Greek,
// Cyrillic), or 0 when there is none or it is not known; used to fold case by classes.
char32_t OtherCase(char32_t cp);

// True when `text` has a letter whose case OtherCase cannot fold.
bool HasUnfoldableLetter(std::string_view text);

// Escapes literal text so that it matches itself in a regex of `flavor`.
std::string RegexEscapeLiteral(std::string_view text, const RegexFlavor& flavor);

// Appends `text` escaped as RegexEscapeLiteral does, with each letter that has a simple other
// case as a `[Aa]` class when `fold` (EmitWholeMatch's folding, without building a Regex).
void AppendRegexLiteral(std::string& out, std::string_view text, const RegexFlavor& flavor,
                        bool fold);

}  // namespace refract::ir
