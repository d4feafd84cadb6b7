// `refract hunt` and `refract test` as a library: rules and correlations run over JSON events
// with the reference evaluator, and rule test cases checked against the alerts they expect.
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

#include "compiler/eval/correlate.h"

namespace refract::hunt {

// One match or alert of a hunt: the rule's title, the events behind it, and its JSON line.
struct Match {
  std::string title;
  std::vector<eval::EventRef> events;
  std::string json;
  std::vector<eval::NamedValue> values;  // an aggregate's measures and columns, a union's columns
};

struct Options {
  std::vector<std::string> rule_paths;   // rule files or folders
  std::vector<std::string> event_files;  // JSON lines or JSON arrays
  std::string schema;                    // a target id: events in its field names
  std::string timestamp;                 // the events' time field (else the usual names)
  bool quiet = false;                    // no summary line, no progress
  // --mapping NAME|FILE: a shipped profile of the schema's target in place of its default, or
  // a mapping file over it (Session::Init), e.g. a Defender XDR export with defender-xdr.
  std::vector<std::string> mappings = {};
};

enum class Status {
  kOk,
  kRuleErrors,  // a rule or correlation could not be evaluated (reported)
  kUsage,       // bad options or unreadable input (reported)
};

// Runs the rules and correlations found under options.rule_paths over options.event_files,
// passing each match to `emit`; diagnostics and the summary go to `err`.
Status Run(const Options& options, std::ostream& err,
           const std::function<void(const Match&)>& emit);

// What `refract test` counted.
struct TestSummary {
  size_t passed = 0;
  size_t failed = 0;
};

// Runs every case of the NAME.test.yml files `test_files`, printing a diff of missing and
// unexpected alerts for each failing case to `out`.
TestSummary RunTests(const std::vector<std::string>& test_files, std::ostream& out);

}  // namespace refract::hunt
