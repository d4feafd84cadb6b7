#include <fmt/format.h>

#include <set>

#include "backends/packagers/package_text.h"
#include "backends/packagers/packagers.h"

namespace refract::packagers {

namespace {

// Sigma's level as a Cloud SIEM severity (1, lowest, to 10).
int Severity(const std::string& level) {
  return level == "critical"        ? 9
         : level == "high"          ? 7
         : level == "medium"        ? 5
         : level == "informational" ? 1
                                    : 3;
}

// The rule's ATT&CK tactics and techniques as Cloud SIEM's tags.
std::vector<std::string> Tags(const RuleMeta& meta) {
  std::vector<std::string> tags;
  for (const attack::Tactic* tactic : TacticsOf(meta)) {
    tags.push_back("_mitreAttackTactic:" + std::string(tactic->id));
  }
  for (const auto& technique : Techniques(meta))
    tags.push_back("_mitreAttackTechnique:" + technique);
  return tags;
}

// The rule type a sumo-cse text is ("match" for an expression) and, for the others, the body of
// the backend's JSON object without its ruleType line.
std::pair<std::string, std::string> TypeAndFields(const std::string& text) {
  const std::string key = "\n  \"ruleType\": \"";
  if (!text.starts_with("{") || text.find(key) != 1) return {"match", ""};
  size_t start = 1 + key.size();
  size_t end = text.find('"', start);
  size_t line_end = text.find('\n', end);
  size_t close = text.rfind('}');
  std::string fields = text.substr(line_end + 1, close - line_end - 1);
  while (!fields.empty() && fields.back() == '\n') fields.pop_back();
  return {text.substr(start, end - start), fields};
}

}  // namespace

// Cloud SIEM rules as the rules API takes them (POST /sec/v1/rules/<type>, body {"fields": …}):
// <type>/<name>.json for each match, threshold, chain and aggregation rule, with the field
// names of the Sumo Logic Terraform provider's client (score, scoreMapping, stream "record",
// tags `_mitreAttackTactic:` and `_mitreAttackTechnique:`). Rules are written disabled: enable
// them once tested against the tenant's records.
// https://api.sumologic.com/docs/sec/#tag/rule-management-(rules)
// https://github.com/SumoLogic/terraform-provider-sumologic/tree/master/sumologic
void SumoCse(const std::vector<const Output*>& outputs, const std::string& folder,
             BundleFiles& files) {
  std::set<std::string> used;
  for (const Output* o : outputs) {
    auto [type, fields] = TypeAndFields(o->text);
    std::string name = type + "/" + Slug(o->rule_title);
    while (!used.insert(name).second) name += "_";
    const int severity = Severity(o->meta->level);
    const std::string tags = JsonList(Tags(*o->meta));
    const std::string summary = Q(o->rule_title);
    std::string body;
    if (type == "match") {
      body = fmt::format(
          "  \"name\": {0},\n  \"nameExpression\": {0},\n  \"descriptionExpression\": {1},\n"
          "  \"summaryExpression\": {0},\n  \"enabled\": false,\n  \"isPrototype\": false,\n"
          "  \"stream\": \"record\",\n  \"scoreMapping\": {{\"type\": \"constant\", \"default\": "
          "{2}, \"field\": \"\", \"mapping\": []}},\n  \"tags\": {3},\n  \"expression\": {4},\n"
          "  \"entitySelectors\": [{{\"entityType\": \"_username\", \"expression\": "
          "\"user_username\"}}, {{\"entityType\": \"_hostname\", \"expression\": "
          "\"device_hostname\"}}, {{\"entityType\": \"_ip\", \"expression\": \"srcDevice_ip\"}}]",
          summary, Q(Description(*o)), severity, tags, Q(o->text));
    } else if (type == "aggregation") {
      body = fmt::format(
          "  \"name\": {0},\n  \"nameExpression\": {0},\n  \"descriptionExpression\": {1},\n"
          "  \"summaryExpression\": {0},\n  \"enabled\": false,\n  \"isPrototype\": false,\n"
          "  \"stream\": \"record\",\n  \"scoreMapping\": {{\"type\": \"constant\", \"default\": "
          "{2}, \"field\": \"\", \"mapping\": []}},\n  \"tags\": {3},\n{4}",
          summary, Q(Description(*o)), severity, tags, fields);
    } else {
      body = fmt::format(
          "  \"name\": {0},\n  \"description\": {1},\n  \"summaryExpression\": {0},\n"
          "  \"enabled\": false,\n  \"isPrototype\": false,\n  \"stream\": \"record\",\n"
          "  \"score\": {2},\n  \"tags\": {3},\n{4}",
          summary, Q(Description(*o)), severity, tags, fields);
    }
    files[folder + "/" + name + ".json"] = "{\"fields\": {\n" + body + "\n}}\n";
  }
}

}  // namespace refract::packagers
