#include "compiler/parse/correlation_parser.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "compiler/load/loader.h"
#include "compiler/parse/rule_parser.h"

namespace refract {

const std::vector<std::string_view>& CorrelationTypes() {
  static const std::vector<std::string_view> kTypes = {
      "event_count",      "value_count", "temporal", "temporal_ordered", "value_sum", "value_avg",
      "value_percentile", "aggregate",   "union",    "consecutive"};
  return kTypes;
}

std::optional<long long> ParseTimespan(std::string_view text) {
  if (text.size() < 2 || text.size() > 12) return std::nullopt;
  long long n = 0;
  for (size_t i = 0; i + 1 < text.size(); ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return std::nullopt;
    n = n * 10 + (text[i] - '0');
  }
  switch (text.back()) {
    case 's':
      return n;
    case 'm':
      return n * 60;
    case 'h':
      return n * 3600;
    case 'd':
      return n * 86400;
    case 'w':
      return n * 7 * 86400;
    case 'M':
      return n * 30 * 86400;
    case 'y':
      return n * 365 * 86400;
    default:
      return std::nullopt;
  }
}

namespace {

// True for a plain decimal: an optional minus, 1 to 15 digits, and an optional fraction of 1 to
// 15 digits. Backends write the number as it stands and some read it as an integer, so
// exponents, hex, inf and nan (all strtod accepts) are refused, and 15 digits stay exact in a
// double and within a 64-bit integer.
bool IsDecimalNumber(std::string_view text) {
  if (!text.empty() && text[0] == '-') text.remove_prefix(1);
  auto digits = [&text]() {
    size_t n = 0;
    while (n < text.size() && std::isdigit(static_cast<unsigned char>(text[n]))) ++n;
    text.remove_prefix(n);
    return n;
  };
  size_t whole = digits();
  if (whole == 0 || whole > 15) return false;
  if (text.empty()) return true;
  if (text[0] != '.') return false;
  text.remove_prefix(1);
  size_t fraction = digits();
  return fraction >= 1 && fraction <= 15 && text.empty();
}

// Parses `FailureCount >= 5 and (SuccessCount >= 1 or not Flag == 0)`; with `rule_names`, the
// extended temporal condition `failed_logon and not successful_logon` (bare rule references).
class TestParser {
 public:
  explicit TestParser(std::string_view text, bool rule_names = false)
      : text_(text), rule_names_(rule_names) {}

  std::optional<ast::Correlation::Test> Run(std::string* error) {
    auto test = Or();
    Skip();
    if (test && pos_ < text_.size())
      Fail("unexpected '" + std::string(text_.substr(pos_, 1)) + "'");
    if (!error_.empty()) {
      *error = error_;
      return std::nullopt;
    }
    return test;
  }

 private:
  using Test = ast::Correlation::Test;
  static constexpr int kMaxDepth = 256;

  void Skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  void Fail(std::string message) {
    if (error_.empty()) {
      error_ = message + fmt::format(" at offset {}", pos_);
      error_offset_ = pos_;
    }
  }
  std::string Word() {
    Skip();
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_' ||
            text_[pos_] == '.' || ((pos_ == start || rule_names_) && text_[pos_] == '-'))) {
      ++pos_;
    }
    return std::string(text_.substr(start, pos_ - start));
  }
  bool Keyword(std::string_view word) {
    Skip();
    size_t end = pos_ + word.size();
    if (text_.substr(pos_, word.size()) == word &&
        (end >= text_.size() || !std::isalnum(static_cast<unsigned char>(text_[end])))) {
      pos_ = end;
      return true;
    }
    return false;
  }
  std::optional<Test> Or() {
    auto left = And();
    while (left && Keyword("or")) {
      auto right = And();
      if (!right) return std::nullopt;
      left = Join(Test::Kind::kOr, std::move(*left), std::move(*right));
    }
    return left;
  }
  std::optional<Test> And() {
    auto left = Unary();
    while (left && Keyword("and")) {
      auto right = Unary();
      if (!right) return std::nullopt;
      left = Join(Test::Kind::kAnd, std::move(*left), std::move(*right));
    }
    return left;
  }
  static Test Join(Test::Kind kind, Test left, Test right) {
    Test t;
    t.kind = kind;
    t.children.push_back(std::move(left));
    t.children.push_back(std::move(right));
    return t;
  }
  std::optional<Test> Unary() {
    // Each `not` and `(` recurses: bounded, so a deeply nested condition is an error, not a
    // stack overflow (found by fuzz_load).
    if (depth_ >= kMaxDepth) {
      Fail(fmt::format("nesting deeper than {} levels", kMaxDepth));
      return std::nullopt;
    }
    ++depth_;
    auto test = UnaryAtDepth();
    --depth_;
    return test;
  }
  std::optional<Test> UnaryAtDepth() {
    if (Keyword("not")) {
      auto inner = Unary();
      if (!inner) return std::nullopt;
      Test t;
      t.kind = Test::Kind::kNot;
      t.children.push_back(std::move(*inner));
      return t;
    }
    Skip();
    if (pos_ < text_.size() && text_[pos_] == '(') {
      ++pos_;
      auto inner = Or();
      Skip();
      if (!inner || pos_ >= text_.size() || text_[pos_] != ')') {
        Fail("expected ')'");
        return std::nullopt;
      }
      ++pos_;
      return inner;
    }
    Test t;
    t.measure = Word();
    if (t.measure.empty()) {
      Fail(rule_names_ ? "expected a rule name" : "expected a measure name");
      return std::nullopt;
    }
    if (rule_names_) return t;  // a rule reference: true when the rule has an event
    Skip();
    for (std::string_view op : {">=", "<=", "==", "!=", ">", "<", "="}) {
      if (text_.substr(pos_, op.size()) == op) {
        t.op = op == "=" ? "==" : std::string(op);
        pos_ += op.size();
        break;
      }
    }
    if (t.op.empty()) {
      Fail("expected a comparison (>, >=, <, <=, ==, !=)");
      return std::nullopt;
    }
    t.value = Word();
    if (IsDecimalNumber(t.value)) return t;
    // A measure on the right: FirstFailure < LastSuccess.
    if (!t.value.empty() &&
        (std::isalpha(static_cast<unsigned char>(t.value[0])) || t.value[0] == '_')) {
      t.value_is_measure = true;
      return t;
    }
    Fail("expected a number (up to 15 digits, no exponent) or a measure name");
    return std::nullopt;
  }

  std::string_view text_;
  bool rule_names_ = false;
  size_t pos_ = 0;
  int depth_ = 0;  // the `not`s and `(`s open at pos_
  std::string error_;

 public:
  size_t error_offset_ = 0;  // where the first error was found
};

void CollectMeasures(const ast::Correlation::Test& t, std::vector<std::string>& names) {
  if (t.kind == ast::Correlation::Test::Kind::kCompare) names.push_back(t.measure);
  if (t.value_is_measure) names.push_back(t.value);
  for (const auto& child : t.children) CollectMeasures(child, names);
}

std::string Text(const yaml::Node& node) {
  return node.IsDefined() && node.IsScalar() ? node.Scalar() : "";
}

std::vector<std::string> List(const yaml::Node& node) {
  std::vector<std::string> out;
  if (!node.IsDefined()) return out;
  if (node.IsScalar()) out.push_back(node.Scalar());
  if (node.IsSequence()) {
    for (const auto& item : node) {
      if (item.IsScalar()) out.push_back(item.Scalar());
    }
  }
  return out;
}

}  // namespace

namespace {

std::optional<ast::Correlation::Test> ParseTest(const yaml::Node& node, const SourceFile& source,
                                                Diagnostics& diagnostics) {
  std::string error;
  auto test = TestParser(node.IsScalar() ? node.Scalar() : "").Run(&error);
  if (!test) {
    diagnostics.Error("E0613", LocationOf(source, node.Mark()),
                      fmt::format("invalid measure condition: {}", error),
                      {"write comparisons of measures with numbers or measures joined by and, or, "
                       "not: FailureCount >= 5 and FirstFailure < LastSuccess"});
  }
  return test;
}

}  // namespace

namespace {

// Reads the extended temporal condition; names the rules when `rules` is absent.
void ParseRuleCondition(const yaml::Node& node, const SourceFile& source, Diagnostics& diagnostics,
                        ast::Correlation& c) {
  // A position inside the scalar: its start, past an opening quote, plus the offset.
  auto at = [&](size_t offset, size_t length) {
    SourceLocation loc = LocationOf(source, node.Mark(), static_cast<int>(length));
    if (node.Tag() == "!") ++loc.column;  // a quoted scalar
    loc.column += static_cast<int>(offset);
    return loc;
  };
  std::string error;
  TestParser parser(node.Scalar(), true);
  auto test = parser.Run(&error);
  if (!test) {
    diagnostics.Error("E0613", at(parser.error_offset_, 1),
                      fmt::format("invalid temporal condition: {}", error),
                      {"write rule names joined by and, or, not: 'failed_logon and not "
                       "successful_logon'"});
    return;
  }
  std::vector<std::string> names;
  CollectMeasures(*test, names);
  if (c.rules.empty()) {
    std::set<std::string> seen;
    for (const auto& name : names) {
      if (seen.insert(name).second) {
        c.rules.push_back({ast::ScalarKind::kString, name, LocationOf(source, node.Mark())});
      }
    }
  }
  std::vector<std::string_view> known;
  for (const auto& r : c.rules) known.push_back(r.text);
  bool ok = true;
  for (const auto& name : names) {
    if (std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::vector<std::string> notes;
    std::string hint = ClosestMatch(name, known);
    if (!hint.empty()) notes.push_back(fmt::format("did you mean '{}'?", hint));
    size_t offset = node.Scalar().find(name);
    diagnostics.Error("E0613", at(offset == std::string::npos ? 0 : offset, name.size()),
                      fmt::format("temporal condition names '{}', which is not in 'rules'", name),
                      notes);
    ok = false;
  }
  if (ok) c.rule_condition = std::move(test);
}

}  // namespace

void ParseAggregate(const yaml::Node& body, const SourceFile& source, Diagnostics& diagnostics,
                    ast::Correlation& c) {
  auto where = [&](const yaml::Node& node) { return LocationOf(source, node.Mark()); };
  const yaml::Node measures = body["measures"];
  if (!measures.IsDefined() || !measures.IsMap() || measures.size() == 0) {
    diagnostics.Error("E0620", where(body), fmt::format("'{}' needs 'measures'", c.type));
    return;
  }
  static const std::vector<std::string_view> kAggregateKinds = {
      "count", "distinct", "values", "min", "max", "sum", "avg"};
  // `consecutive` compares each event with the previous one of its group.
  static const std::vector<std::string_view> kPairKinds = {"distance_km", "speed_kmh", "hours",
                                                           "changed", "previous"};
  const bool pairs = c.type == "consecutive";
  const auto& kKinds = pairs ? kPairKinds : kAggregateKinds;
  const std::string kind_list = pairs ? "distance_km, speed_kmh, hours, changed, previous"
                                      : "count, distinct, values, min, max, sum, avg";
  for (auto it = measures.begin(); it != measures.end(); ++it) {
    ast::Correlation::Measure m;
    m.name = it->first.Scalar();
    m.location = where(it->first);
    const yaml::Node spec = it->second;
    if (!spec.IsMap() || spec.size() == 0) {
      diagnostics.Error("E0620", m.location,
                        fmt::format("measure '{}' needs one of {}", m.name, kind_list));
      continue;
    }
    bool where_key = false;  // a `where:` key, not a count's own selection
    for (auto k = spec.begin(); k != spec.end(); ++k) {
      std::string key = k->first.Scalar();
      if (key == "limit") {
        m.limit = Text(k->second);
        // Backends read it as a number; nine digits keep it within an int.
        if (m.limit.empty() || m.limit.size() > 9 ||
            m.limit.find_first_not_of("0123456789") != std::string::npos ||
            m.limit.find_first_not_of('0') == std::string::npos) {
          diagnostics.Error("E0620", where(k->second),
                            fmt::format("the limit of measure '{}' must be a whole number from 1 "
                                        "to 999999999, not '{}'",
                                        m.name, m.limit));
          m.limit.clear();
        }
        continue;
      }
      if (key == "where") {
        where_key = true;
        const yaml::Node selection = k->second;
        if (selection.IsMap() || selection.IsSequence()) {
          m.where = ParseSelection(k->first, selection, source, diagnostics);
        } else {
          diagnostics.Error("E0620", where(k->second),
                            fmt::format("the where of measure '{}' must be a selection (a map or "
                                        "a list of maps)",
                                        m.name));
        }
        continue;
      }
      if (std::find(kKinds.begin(), kKinds.end(), key) == kKinds.end()) {
        std::string hint = ClosestMatch(key, kKinds);
        diagnostics.Error("E0620", where(k->first), fmt::format("unknown measure '{}'", key),
                          hint.empty()
                              ? std::vector<std::string>{}
                              : std::vector<std::string>{fmt::format("did you mean '{}'?", hint)});
        continue;
      }
      m.kind = key;
      if (key == "distance_km" || key == "speed_kmh") {
        // [latitude, longitude]: the coordinates of each event, in decimal degrees.
        std::vector<std::string> both = List(k->second);
        if (!k->second.IsSequence() || both.size() != 2 || both[0].empty() || both[1].empty()) {
          diagnostics.Error(
              "E0620", where(k->second),
              fmt::format("measure '{}' needs [latitude field, longitude field]", m.name));
        } else {
          m.field = both[0];
          m.field2 = both[1];
        }
      } else if (key == "hours") {
        // The hours between the two events' times: `hours: true`.
        if (Text(k->second) != "true") {
          diagnostics.Error("E0620", where(k->second),
                            fmt::format("measure '{}': hours reads the events' times; write "
                                        "'hours: true'",
                                        m.name));
        }
      } else if (key == "count") {
        const yaml::Node selection = k->second;
        if (selection.IsMap() || selection.IsSequence()) {
          m.where = ParseSelection(k->first, selection, source, diagnostics);
        }
      } else {
        m.field = Text(k->second);
        if (m.field.empty()) {
          diagnostics.Error("E0620", where(k->second),
                            fmt::format("measure '{}' needs a field", m.name));
        }
      }
    }
    // count takes its selection as its value; a where reads the field of some events on
    // distinct, min and max ("the accounts that failed", "the first failure").
    if (where_key && m.kind != "distinct" && m.kind != "min" && m.kind != "max") {
      const yaml::Node at = spec["where"].IsDefined() ? spec["where"] : spec;
      diagnostics.Error("E0620", where(at),
                        fmt::format("measure '{}': 'where' goes with distinct, min and max (a "
                                    "count takes its selection as its value: {{count: {{...}}}})",
                                    m.name));
      m.where.reset();
    }
    c.measures.push_back(std::move(m));
  }
  std::vector<std::string> known;
  for (const auto& m : c.measures) known.push_back(m.name);
  auto check_names = [&](const ast::Correlation::Test& t, const yaml::Node& at) {
    std::vector<std::string> used;
    CollectMeasures(t, used);
    for (const auto& name : used) {
      if (std::find(known.begin(), known.end(), name) != known.end()) continue;
      std::vector<std::string_view> views(known.begin(), known.end());
      std::string hint = ClosestMatch(name, views);
      diagnostics.Error(
          "E0621", where(at), fmt::format("'{}' is no measure of this aggregate", name),
          hint.empty() ? std::vector<std::string>{}
                       : std::vector<std::string>{fmt::format("did you mean '{}'?", hint)});
    }
  };
  const yaml::Node condition = body["condition"];
  if (condition.IsDefined()) {
    c.test = ParseTest(condition, source, diagnostics);
    if (c.test) check_names(*c.test, condition);
  }
  const yaml::Node window = body["window"];
  if (window.IsDefined() && pairs) {
    diagnostics.Error("E0612", where(window),
                      "'consecutive' has no window: its timespan is the lookback and the longest "
                      "time between two events it compares");
  } else if (window.IsDefined()) {
    c.window = Text(window);
    auto seconds = ParseTimespan(c.window);
    if (!seconds || *seconds <= 0 || *seconds > c.timespan_seconds) {
      diagnostics.Error(
          "E0612", where(window),
          fmt::format("invalid window '{}': a duration no longer than the timespan", c.window));
    } else {
      c.window_seconds = *seconds;
    }
  }
  const yaml::Node columns = body["columns"];
  if (columns.IsDefined() && columns.IsMap()) {
    for (auto it = columns.begin(); it != columns.end(); ++it) {
      ast::Correlation::Column column;
      column.name = it->first.Scalar();
      const yaml::Node value = it->second;
      if (value.IsScalar()) {
        column.constant = value.Scalar();
      } else if (value.IsSequence()) {
        for (const auto& branch : value) {
          if (branch["else"].IsDefined()) {
            column.otherwise = Text(branch["else"]);
            continue;
          }
          auto test = ParseTest(branch["when"], source, diagnostics);
          if (!test) continue;
          check_names(*test, branch["when"]);
          column.cases.emplace_back(std::move(*test), Text(branch["then"]));
        }
      } else {
        diagnostics.Error(
            "E0620", where(it->first),
            fmt::format("column '{}' needs a value or a list of when/then", column.name));
      }
      c.columns.push_back(std::move(column));
    }
  }
}

std::optional<ast::Correlation> ParseCorrelation(const yaml::Node& document,
                                                 const SourceFile& source,
                                                 Diagnostics& diagnostics) {
  int errors_before = diagnostics.error_count();
  auto where = [&](const yaml::Node& node) { return LocationOf(source, node.Mark()); };
  ast::Correlation c;
  c.location = where(document);
  c.title = Text(document["title"]);
  c.id = Text(document["id"]);
  c.name = Text(document["name"]);
  c.status = Text(document["status"]);
  c.description = Text(document["description"]);
  c.author = Text(document["author"]);
  c.level = Text(document["level"]);
  c.tags = List(document["tags"]);
  c.falsepositives = List(document["falsepositives"]);
  c.references = List(document["references"]);
  const yaml::Node body = document["correlation"];
  if (!body.IsMap()) {
    diagnostics.Error("E0610", where(body), "'correlation' must be a map");
    return std::nullopt;
  }
  if (c.title.empty()) diagnostics.Error("E0200", c.location, "correlation rule has no 'title'");

  const yaml::Node type = body["type"];
  c.type = Text(type);
  const auto& types = CorrelationTypes();
  if (std::find(types.begin(), types.end(), c.type) == types.end()) {
    std::vector<std::string> notes;
    std::string hint = ClosestMatch(c.type, types);
    if (!hint.empty()) notes.push_back(fmt::format("did you mean '{}'?", hint));
    notes.push_back(
        "the types are event_count, value_count, temporal, temporal_ordered, "
        "value_sum, value_avg and value_percentile");
    diagnostics.Error("E0610", type.IsDefined() ? where(type) : where(body),
                      c.type.empty() ? std::string("correlation has no 'type'")
                                     : fmt::format("unknown correlation type '{}'", c.type),
                      notes);
  }

  const yaml::Node rules = body["rules"];
  if (rules.IsDefined() && rules.IsSequence()) {
    for (const auto& r : rules) {
      if (!r.IsScalar()) continue;
      ast::Scalar ref;
      ref.text = r.Scalar();
      ref.location = where(r);
      ref.location.length = static_cast<int>(ref.text.size());
      c.rules.push_back(std::move(ref));
    }
  } else if (rules.IsDefined() && rules.IsScalar()) {
    c.rules.push_back({ast::ScalarKind::kString, rules.Scalar(), where(rules)});
  }
  bool temporal = c.type == "temporal" || c.type == "temporal_ordered";
  // The extended temporal condition may stand in for `rules`: its names are the rules.
  const bool infer_rules = temporal && !rules.IsDefined() && body["condition"].IsScalar();
  if (c.rules.empty() && !infer_rules) {
    diagnostics.Error("E0611", where(body), "correlation names no 'rules'");
  }
  if (temporal && c.rules.size() < 2 && !c.rules.empty()) {
    diagnostics.Error("E0611", where(rules), fmt::format("'{}' needs at least two rules", c.type));
  }

  c.group_by = List(body["group-by"]);

  const yaml::Node timespan = body["timespan"];
  c.timespan = Text(timespan);
  auto seconds = ParseTimespan(c.timespan);
  if (c.type == "union" && !timespan.IsDefined()) {
    // A union composes other correlations' results: it has no window of its own.
  } else if (!seconds || *seconds <= 0) {
    diagnostics.Error("E0612", timespan.IsDefined() ? where(timespan) : where(body),
                      c.timespan.empty() ? std::string("correlation has no 'timespan'")
                                         : fmt::format("invalid timespan '{}'", c.timespan),
                      {"write a number and a unit: 30s, 10m, 1h, 2d"});
  } else {
    c.timespan_seconds = *seconds;
  }

  const bool aggregate = c.type == "aggregate" || c.type == "consecutive";
  if (c.type == "consecutive" && c.rules.size() > 1) {
    diagnostics.Error("E0611", where(rules),
                      "'consecutive' reads one rule: the events it compares one after another");
  }
  const bool union_type = c.type == "union";
  const yaml::Node condition = body["condition"];
  if (union_type) {
    // Columns: `Name` or `Name: SourceColumn`; sort: `Column [asc|desc]` (desc by default).
    for (const auto& item : body["columns"]) {
      if (item.IsScalar()) {
        c.project.emplace_back(item.Scalar(), item.Scalar());
      } else if (item.IsMap() && item.size() == 1) {
        c.project.emplace_back(item.begin()->first.Scalar(), Text(item.begin()->second));
      }
    }
    for (const auto& item : body["sort"]) {
      std::string text = Text(item);
      size_t space = text.find(' ');
      std::string order = space == std::string::npos ? "desc" : text.substr(space + 1);
      if (order != "asc" && order != "desc") {
        diagnostics.Error("E0613", where(item),
                          fmt::format("sort order '{}' is neither asc nor desc", order));
      }
      c.sort.emplace_back(text.substr(0, space), order != "asc");
    }
  } else if (aggregate) {
    ParseAggregate(body, source, diagnostics, c);
  } else if (condition.IsDefined() && condition.IsMap()) {
    for (auto it = condition.begin(); it != condition.end(); ++it) {
      std::string key = it->first.Scalar();
      if (key == "field") {
        c.field = Text(it->second);
        continue;
      }
      if (key == "percentile") {
        c.percentile = Text(it->second);
        continue;
      }
      static const std::vector<std::string_view> kOps = {"gt", "gte", "lt", "lte", "eq", "neq"};
      std::string value = Text(it->second);
      bool numeric = IsDecimalNumber(value);
      if (std::find(kOps.begin(), kOps.end(), key) == kOps.end() || !numeric) {
        diagnostics.Error(
            "E0613", where(it->first),
            numeric ? fmt::format("unknown condition operator '{}'", key)
                    : fmt::format("condition '{}' needs a decimal number of up to 15 digits", key),
            {"use gt, gte, lt, lte, eq or neq with a decimal number of up to 15 "
             "digits, like {gte: 10}"});
        continue;
      }
      c.condition.push_back({key, value});
    }
  } else if (condition.IsDefined() && condition.IsScalar() && temporal) {
    ParseRuleCondition(condition, source, diagnostics, c);
  } else if (condition.IsDefined()) {
    diagnostics.Error("E0613", where(condition),
                      temporal ? "a temporal condition is a map like {gte: 2} or an expression "
                                 "over rule names like 'a and not b'"
                               : "the condition must be a map like {gte: 10}");
  }
  if (c.condition.empty() && !temporal && !aggregate && !union_type) {
    diagnostics.Error("E0613", where(body), "correlation has no 'condition'");
  }
  if (c.condition.empty() && temporal && !c.rule_condition) {
    // Specification: a temporal correlation without a condition needs every rule.
    c.condition.push_back({"gte", std::to_string(c.rules.size())});
  }
  bool needs_field = c.type == "value_count" || c.type == "value_sum" || c.type == "value_avg" ||
                     c.type == "value_percentile";
  if (needs_field && c.field.empty()) {
    diagnostics.Error("E0615", where(condition.IsDefined() ? condition : body),
                      fmt::format("'{}' needs 'field' in its condition", c.type));
  }
  if (c.type == "value_percentile" && c.percentile.empty()) {
    diagnostics.Error("E0615", where(condition.IsDefined() ? condition : body),
                      "'value_percentile' needs 'percentile' in its condition");
  }

  const yaml::Node aliases = body["aliases"];
  if (aliases.IsDefined() && aliases.IsMap()) {
    for (auto it = aliases.begin(); it != aliases.end(); ++it) {
      const yaml::Node per_rule = it->second;
      if (!per_rule.IsMap()) continue;
      for (auto r = per_rule.begin(); r != per_rule.end(); ++r) {
        c.aliases[it->first.Scalar()][r->first.Scalar()] = Text(r->second);
      }
    }
  }
  const yaml::Node generate =
      body["generate"].IsDefined() ? body["generate"] : document["generate"];
  c.generate = Text(generate) == "true";
  if (diagnostics.error_count() != errors_before) return std::nullopt;
  return c;
}

}  // namespace refract
