// The reference evaluator for single-event rules: runs a rule's IR over one event with Sigma's
// matching semantics, independent of any backend's query text.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "compiler/eval/event.h"
#include "compiler/ir/ir.h"

namespace refract::eval {

// What the matchers of one run share: each condition node that several rules or measure filters
// have alike (the same predicate, or the same and/or/not over alike nodes) keeps one result per
// event read, so it is evaluated once per event however many rules hold it. Not thread-safe.
class SharedResults {
 public:
  SharedResults();
  ~SharedResults();
  SharedResults(const SharedResults&) = delete;
  SharedResults& operator=(const SharedResults&) = delete;
  // How many distinct nodes the run's matchers hold, shared ones counted once.
  size_t nodes() const;

 private:
  friend class Matcher;
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A rule ready to evaluate: regexes compiled and networks parsed once, not per event.
class Matcher {
 public:
  // Prepares `rule`; on a regex PCRE2 rejects, Create returns nullptr and says why in `error`.
  // With `shared`, the matcher keeps its nodes' results there, beside those of the other
  // matchers made with it, for events the reader numbered (Event::serial).
  static std::unique_ptr<Matcher> Create(const ir::Rule& rule, std::string& error,
                                         std::shared_ptr<SharedResults> shared = nullptr);
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
  std::shared_ptr<SharedResults> shared_;
};

// Seconds since the Unix epoch of an ISO 8601 text (`2024-05-01T10:20:30.5Z`, offsets allowed)
// or an epoch number (seconds, or milliseconds when larger than 10^11); nullopt otherwise.
std::optional<double> ParseTimestamp(const FieldValue& value);

}  // namespace refract::eval
