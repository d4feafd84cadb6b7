// The reference evaluator for single-event rules: runs a rule's IR over one event with Sigma's
// matching semantics, independent of any backend's query text.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "compiler/eval/event.h"
#include "compiler/ir/ir.h"

namespace refract::eval {

// A rule ready to evaluate: regexes compiled and networks parsed once, not per event.
class Matcher {
 public:
  // Prepares `rule`; on a regex PCRE2 rejects, Create returns nullptr and says why in `error`.
  static std::unique_ptr<Matcher> Create(const ir::Rule& rule, std::string& error);
  ~Matcher();
  Matcher(const Matcher&) = delete;
  Matcher& operator=(const Matcher&) = delete;

  // True when `event` satisfies the rule's condition.
  bool Matches(const Event& event) const;
  const ir::Rule& rule() const { return rule_; }

 private:
  struct Compiled;
  explicit Matcher(const ir::Rule& rule);
  ir::Rule rule_;
  std::unique_ptr<Compiled> compiled_;
};

// Seconds since the Unix epoch of an ISO 8601 text (`2024-05-01T10:20:30.5Z`, offsets allowed)
// or an epoch number (seconds, or milliseconds when larger than 10^11); nullopt otherwise.
std::optional<double> ParseTimestamp(const FieldValue& value);

}  // namespace refract::eval
