#include "compiler/parse/rule_parser.h"

#include <fmt/format.h>

#include "compiler/parse/condition_parser.h"
#include "compiler/parse/correlation_parser.h"

namespace refract {
namespace {

class RuleParser {
 public:
  RuleParser(const SourceFile& source, Diagnostics& diagnostics,
             std::vector<ast::Correlation>* correlations = nullptr,
             std::vector<ast::Rule>* filters = nullptr)
      : source_(source),
        diagnostics_(diagnostics),
        correlations_(correlations),
        filters_(filters) {}

  std::optional<ast::Rule> Parse(const yaml::Node& document);
  std::optional<ast::Search> ParseSearch(const yaml::Node& key, const yaml::Node& value);

 private:
  SourceLocation Where(const yaml::Node& node, int length = 1) const {
    return LocationOf(source_, node.Mark(), length);
  }
  // Offset of the first character of a scalar's value, past an opening quote.
  size_t ValueStart(const yaml::Node& node) const;
  std::string ScalarText(const yaml::Node& node, const char* what);
  std::vector<std::string> StringList(const yaml::Node& node, const char* what);
  ast::Scalar ReadScalar(const yaml::Node& node);
  void ParseMetadata(const yaml::Node& document, ast::Rule& rule);
  bool ParseDetection(const yaml::Node& detection, ast::Rule& rule);
  std::optional<ast::DetectionItem> ParseItem(const yaml::Node& key, const yaml::Node& value);
  bool ParseValues(const yaml::Node& value, std::vector<ast::Scalar>& out);
  std::optional<ast::Condition> ParseConditionNode(const yaml::Node& node);

  const SourceFile& source_;
  Diagnostics& diagnostics_;
  std::vector<ast::Correlation>* correlations_;
  std::vector<ast::Rule>* filters_;
  bool in_filter_ = false;  // parsing a filter's detection: `rules` is not a search
};

size_t RuleParser::ValueStart(const yaml::Node& node) const {
  yaml::Mark mark = node.Mark();
  if (mark.pos < 0) return 0;
  size_t pos = static_cast<size_t>(mark.pos);
  const std::string& text = source_.text();
  if (pos < text.size() && (text[pos] == '\'' || text[pos] == '"')) ++pos;
  return pos;
}

std::string RuleParser::ScalarText(const yaml::Node& node, const char* what) {
  if (!node.IsDefined() || node.IsNull()) return "";
  if (!node.IsScalar()) {
    diagnostics_.Error("E0202", Where(node), fmt::format("'{}' must be a single value", what));
    return "";
  }
  return node.Scalar();
}

std::vector<std::string> RuleParser::StringList(const yaml::Node& node, const char* what) {
  std::vector<std::string> out;
  if (!node.IsDefined() || node.IsNull()) return out;
  if (node.IsScalar()) {
    out.push_back(node.Scalar());
    return out;
  }
  if (!node.IsSequence()) {
    diagnostics_.Error("E0202", Where(node), fmt::format("'{}' must be a list of values", what));
    return out;
  }
  for (const auto& element : node) {
    if (element.IsScalar()) out.push_back(element.Scalar());
  }
  return out;
}

// YAML core-schema decimal numbers only: hex and octal stay text, as rule authors mean them.
bool IsDecimalNumber(std::string_view t) {
  size_t i = 0;
  if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
  auto digits = [&] {
    size_t begin = i;
    while (i < t.size() && std::isdigit(static_cast<unsigned char>(t[i]))) ++i;
    return i - begin;
  };
  size_t integer_start = i;
  size_t integer_digits = digits();
  if (integer_digits == 0 || (integer_digits > 1 && t[integer_start] == '0')) return false;
  if (i < t.size() && t[i] == '.') {
    ++i;
    if (digits() == 0) return false;
  }
  if (i < t.size() && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    if (i < t.size() && (t[i] == '-' || t[i] == '+')) ++i;
    if (digits() == 0) return false;
  }
  return i == t.size() && t.size() <= 40;
}

ast::Scalar RuleParser::ReadScalar(const yaml::Node& node) {
  ast::Scalar scalar;
  scalar.location = Where(node);
  if (node.Mark().pos >= 0) {
    source_.OffsetToLineColumn(ValueStart(node), &scalar.location.line, &scalar.location.column);
  }
  if (node.IsNull()) {
    scalar.kind = ast::ScalarKind::kNull;
    return scalar;
  }
  scalar.text = node.Scalar();
  scalar.location.length = std::max<int>(1, static_cast<int>(scalar.text.size()));
  if (node.Tag() != "?") return scalar;  // quoted: always a string
  const std::string& t = scalar.text;
  if (t == "true" || t == "True" || t == "TRUE" || t == "false" || t == "False" || t == "FALSE") {
    scalar.kind = ast::ScalarKind::kBool;
    scalar.text = (t[0] == 't' || t[0] == 'T') ? "true" : "false";
  } else if (t == "null" || t == "Null" || t == "NULL" || t == "~") {
    scalar.kind = ast::ScalarKind::kNull;
  } else if (IsDecimalNumber(t)) {
    scalar.kind = ast::ScalarKind::kNumber;
  }
  return scalar;
}

bool RuleParser::ParseValues(const yaml::Node& value, std::vector<ast::Scalar>& out) {
  if (value.IsNull() || value.IsScalar()) {
    out.push_back(ReadScalar(value));
    return true;
  }
  if (value.IsSequence()) {
    if (value.size() == 0) {
      diagnostics_.Error("E0202", Where(value), "empty list of values");
      return false;
    }
    for (const auto& element : value) {
      if (!element.IsScalar() && !element.IsNull()) {
        diagnostics_.Error("E0202", Where(element),
                           "a value list may hold only single values, not lists or maps");
        return false;
      }
      out.push_back(ReadScalar(element));
    }
    return true;
  }
  diagnostics_.Error("E0202", Where(value),
                     "a field's value must be a single value or a list of values, not a map");
  return false;
}

std::optional<ast::DetectionItem> RuleParser::ParseItem(const yaml::Node& key,
                                                        const yaml::Node& value) {
  ast::DetectionItem item;
  item.location = Where(key);
  const std::string& text = key.Scalar();
  size_t bar = text.find('|');
  std::string field = text.substr(0, bar);
  item.location.length = std::max<int>(1, static_cast<int>(field.size()));
  if (!field.empty()) item.field = field;
  size_t key_start = ValueStart(key);
  while (bar != std::string::npos) {
    size_t next = text.find('|', bar + 1);
    ast::Modifier modifier;
    modifier.name = text.substr(bar + 1, next == std::string::npos ? next : next - bar - 1);
    int line = 0;
    int column = 0;
    source_.OffsetToLineColumn(key_start + bar + 1, &line, &column);
    modifier.location = {source_.path(), line, column,
                         std::max<int>(1, static_cast<int>(modifier.name.size()))};
    item.modifiers.push_back(std::move(modifier));
    bar = next;
  }
  if (!ParseValues(value, item.values)) return std::nullopt;
  return item;
}

std::optional<ast::Search> RuleParser::ParseSearch(const yaml::Node& key, const yaml::Node& value) {
  ast::Search search;
  search.name = key.Scalar();
  search.location = Where(key, static_cast<int>(search.name.size()));
  bool ok = true;
  auto add_map = [&](const yaml::Node& map) {
    ast::SearchAlternative alternative;
    for (auto it = map.begin(); it != map.end(); ++it) {
      if (!it->first.IsScalar()) {
        diagnostics_.Error("E0202", Where(it->first), "a field name must be text");
        ok = false;
        continue;
      }
      if (auto item = ParseItem(it->first, it->second)) {
        alternative.items.push_back(std::move(*item));
      } else {
        ok = false;
      }
    }
    if (alternative.items.empty() && ok) {
      diagnostics_.Error("E0201", Where(map), fmt::format("search '{}' is empty", search.name));
      ok = false;
    }
    search.alternatives.push_back(std::move(alternative));
  };
  auto add_keywords = [&](std::vector<ast::Scalar> values, const yaml::Node& at) {
    ast::DetectionItem item;
    item.location = Where(at);
    item.values = std::move(values);
    search.alternatives.push_back({{std::move(item)}});
  };
  if (value.IsMap()) {
    add_map(value);
  } else if (value.IsSequence()) {
    if (value.size() == 0) {
      diagnostics_.Error("E0201", Where(key), fmt::format("search '{}' is empty", search.name));
      return std::nullopt;
    }
    std::vector<ast::Scalar> keywords;
    for (const auto& element : value) {
      if (element.IsMap()) {
        add_map(element);
      } else if (element.IsScalar()) {
        keywords.push_back(ReadScalar(element));
      } else {
        diagnostics_.Error("E0202", Where(element),
                           "a search list may hold maps or keywords, not nested lists");
        ok = false;
      }
    }
    if (!keywords.empty()) add_keywords(std::move(keywords), value);
  } else if (value.IsScalar()) {
    add_keywords({ReadScalar(value)}, value);
  } else {
    diagnostics_.Error("E0201", Where(key), fmt::format("search '{}' is empty", search.name));
    return std::nullopt;
  }
  if (!ok) return std::nullopt;
  return search;
}

// Walks the YAML source from a scalar's start, matching the scalar's non-blank characters in
// order, so a condition offset maps to its place even in quoted or folded scalars.
size_t MapValueOffset(const std::string& text, size_t start, const std::string& value,
                      size_t target) {
  size_t pos = start;
  for (size_t i = 0; i < value.size() && pos < text.size(); ++i) {
    if (std::isspace(static_cast<unsigned char>(value[i]))) continue;
    size_t found = text.find(value[i], pos);
    if (found == std::string::npos) break;
    if (i == target) return found;
    pos = found + 1;
  }
  return pos;
}

std::optional<ast::Condition> RuleParser::ParseConditionNode(const yaml::Node& node) {
  const std::string text = node.Scalar();
  size_t start = ValueStart(node);
  const std::string& file_text = source_.text();
  ConditionLocator locate = [&](size_t offset, size_t length) {
    // Skip blanks so the caret lands on a token, then map through the YAML scalar.
    size_t target = offset;
    while (target < text.size() && std::isspace(static_cast<unsigned char>(text[target]))) {
      ++target;
    }
    size_t source_offset = target >= text.size()
                               ? MapValueOffset(file_text, start, text, text.size())
                               : MapValueOffset(file_text, start, text, target);
    if (target >= text.size()) {
      // Past the last token: point just after it.
      size_t last = text.find_last_not_of(" \t\r\n");
      source_offset =
          last == std::string::npos ? start : MapValueOffset(file_text, start, text, last) + 1;
    }
    int line = 0;
    int column = 0;
    source_.OffsetToLineColumn(source_offset, &line, &column);
    return SourceLocation{source_.path(), line, column,
                          static_cast<int>(std::max<size_t>(length, 1))};
  };
  return ParseCondition(text, locate, diagnostics_);
}

bool RuleParser::ParseDetection(const yaml::Node& detection, ast::Rule& rule) {
  if (!detection.IsMap()) {
    diagnostics_.Error("E0201", Where(detection), "'detection' must be a map of searches");
    return false;
  }
  bool ok = true;
  yaml::Node condition;
  for (auto it = detection.begin(); it != detection.end(); ++it) {
    const std::string key = it->first.Scalar();
    if (key == "condition") {
      condition = it->second;
      continue;
    }
    if (key == "rules" && in_filter_) continue;
    if (key == "timeframe") {
      diagnostics_.Warning("W0206", Where(it->first, 9),
                           "'timeframe' has no effect without a legacy aggregation",
                           {"sigma 2 expresses time windows in correlation rules"});
      continue;
    }
    if (auto search = ParseSearch(it->first, it->second)) {
      rule.searches.push_back(std::move(*search));
    } else {
      rule.broken_searches.push_back(key);
      ok = false;
    }
  }
  if (!condition.IsDefined() || condition.IsNull()) {
    diagnostics_.Error("E0201", Where(detection), "detection has no 'condition'");
    return false;
  }
  if (rule.searches.empty() && rule.broken_searches.empty()) {
    diagnostics_.Error("E0201", Where(detection), "detection has no search identifiers");
    return false;
  }
  std::vector<yaml::Node> conditions;
  if (condition.IsSequence()) {
    for (const auto& c : condition) conditions.push_back(c);
  } else {
    conditions.push_back(condition);
  }
  for (const auto& c : conditions) {
    if (!c.IsScalar()) {
      diagnostics_.Error("E0300", Where(c), "a condition must be text");
      ok = false;
      continue;
    }
    if (auto parsed = ParseConditionNode(c)) {
      rule.conditions.push_back(std::move(*parsed));
    } else {
      ok = false;
    }
  }
  return ok;
}

void RuleParser::ParseMetadata(const yaml::Node& doc, ast::Rule& rule) {
  rule.title = ScalarText(doc["title"], "title");
  rule.id = ScalarText(doc["id"], "id");
  rule.name = ScalarText(doc["name"], "name");
  rule.status = ScalarText(doc["status"], "status");
  rule.description = ScalarText(doc["description"], "description");
  rule.author = ScalarText(doc["author"], "author");
  rule.date = ScalarText(doc["date"], "date");
  rule.modified = ScalarText(doc["modified"], "modified");
  rule.level = ScalarText(doc["level"], "level");
  rule.tags = StringList(doc["tags"], "tags");
  rule.references = StringList(doc["references"], "references");
  rule.falsepositives = StringList(doc["falsepositives"], "falsepositives");
  rule.fields = StringList(doc["fields"], "fields");
  const yaml::Node logsource = doc["logsource"];
  rule.logsource_location = rule.location;
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it->first.IsScalar() && it->first.Scalar() == "logsource") {
      rule.logsource_location = Where(it->first, 9);
    }
  }
  if (logsource.IsDefined() && logsource.IsMap()) {
    rule.logsource.product = ScalarText(logsource["product"], "product");
    rule.logsource.category = ScalarText(logsource["category"], "category");
    rule.logsource.service = ScalarText(logsource["service"], "service");
    rule.logsource.definition = ScalarText(logsource["definition"], "definition");
  }
}

std::optional<ast::Rule> RuleParser::Parse(const yaml::Node& document) {
  ast::Rule rule;
  rule.location = Where(document);
  if (!document.IsMap()) {
    diagnostics_.Error("E0101", Where(document), "a rule document must be a map of keys");
    return std::nullopt;
  }
  if (document["correlation"].IsDefined()) {
    if (correlations_ != nullptr) {
      if (auto c = ParseCorrelation(document, source_, diagnostics_)) {
        correlations_->push_back(std::move(*c));
      }
    }
    return std::nullopt;
  }
  if (document["filter"].IsDefined()) {
    // A Sigma filter: a detection (under `filter`) applied to other rules.
    ParseMetadata(document, rule);
    const yaml::Node filter = document["filter"];
    int before = diagnostics_.error_count();
    if (filter.IsMap()) {
      const yaml::Node rules = filter["rules"];
      if (rules.IsDefined() && rules.IsSequence()) {
        for (const auto& r : rules) {
          if (r.IsScalar()) rule.filter_rules.push_back(r.Scalar());
        }
      } else if (rules.IsDefined() && rules.IsScalar() && rules.Scalar() != "any") {
        rule.filter_rules.push_back(rules.Scalar());
      }
      in_filter_ = true;
      ParseDetection(filter, rule);
      in_filter_ = false;
    } else {
      diagnostics_.Error("E0201", Where(filter), "'filter' must be a map of searches");
    }
    if (diagnostics_.error_count() == before && filters_ != nullptr) {
      filters_->push_back(std::move(rule));
    }
    return std::nullopt;
  }
  size_t errors_before = static_cast<size_t>(diagnostics_.error_count());
  ParseMetadata(document, rule);
  for (const char* required : {"title", "logsource", "detection"}) {
    if (!document[required].IsDefined() || document[required].IsNull()) {
      diagnostics_.Error("E0200", Where(document), fmt::format("rule has no '{}'", required),
                         {"title, logsource and detection are required by the sigma "
                          "specification"});
    }
  }
  const yaml::Node detection = document["detection"];
  if (detection.IsDefined() && !detection.IsNull()) ParseDetection(detection, rule);
  // A rule with errors still goes on to lowering, which reports the problems of its searches.
  rule.has_errors = static_cast<size_t>(diagnostics_.error_count()) != errors_before;
  return rule;
}

}  // namespace

std::optional<ast::Search> ParseSelection(const yaml::Node& key, const yaml::Node& value,
                                          const SourceFile& source, Diagnostics& diagnostics) {
  RuleParser parser(source, diagnostics);
  return parser.ParseSearch(key, value);
}

std::vector<ast::Rule> ParseRules(const RuleDoc& doc, Diagnostics& diagnostics) {
  return ParseDocuments(doc, diagnostics).rules;
}

ParsedDocuments ParseDocuments(const RuleDoc& doc, Diagnostics& diagnostics) {
  ParsedDocuments parsed;
  std::vector<ast::Rule>& rules = parsed.rules;
  RuleParser parser(*doc.source, diagnostics, &parsed.correlations, &parsed.filters);
  for (const auto& document : doc.documents) {
    if (!document.IsDefined() || document.IsNull()) continue;
    if (auto rule = parser.Parse(document)) rules.push_back(std::move(*rule));
  }
  return parsed;
}

}  // namespace refract
