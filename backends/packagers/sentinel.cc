#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "backends/packagers/package_text.h"
#include "backends/packagers/packagers.h"

namespace refract::packagers {

// Microsoft Sentinel scheduled analytic rules, in the YAML of Azure/Azure-Sentinel's Detections
// folder, and the same rules as one ARM template.
// https://github.com/Azure/Azure-Sentinel/wiki/Query-Style-Guide,
// https://learn.microsoft.com/azure/templates/microsoft.securityinsights/alertrules
namespace {

// An ARM template holds at most 800 resources and 4 MB; the limit is kept below 4 MiB with room
// for the template's own lines.
// https://learn.microsoft.com/azure/azure-resource-manager/templates/best-practices#template-limits
constexpr size_t kArmMaxResources = 800;
constexpr size_t kArmMaxBytes = 4'000'000;

std::string ArmTemplate(const std::vector<std::string>& resources, size_t begin, size_t end) {
  std::string body;
  for (size_t i = begin; i < end; ++i) body += (i == begin ? "" : ",\n") + resources[i];
  return fmt::format(
      "{{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/"
      "deploymentTemplate.json#\",\n  \"contentVersion\": \"1.0.0.0\",\n  \"parameters\": {{\n"
      "    \"workspace\": {{\"type\": \"string\"}}\n  }},\n  \"resources\": [\n{}\n  ]\n}}\n",
      body);
}

// The rules as ARM templates within ARM's limits: azuredeploy.json when one holds them all,
// otherwise azuredeploy_1.json, azuredeploy_2.json, … in rule order.
void WriteArmTemplates(const std::vector<std::string>& resources, const std::string& folder,
                       BundleFiles& files) {
  std::vector<std::pair<size_t, size_t>> parts;
  size_t begin = 0, bytes = 0;
  for (size_t i = 0; i < resources.size(); ++i) {
    bool full = i - begin == kArmMaxResources || bytes + resources[i].size() + 2 > kArmMaxBytes;
    if (i > begin && full) {
      parts.emplace_back(begin, i);
      begin = i;
      bytes = 0;
    }
    bytes += resources[i].size() + 2;
  }
  if (begin < resources.size()) parts.emplace_back(begin, resources.size());
  for (size_t p = 0; p < parts.size(); ++p) {
    std::string name =
        parts.size() == 1 ? "azuredeploy.json" : fmt::format("azuredeploy_{}.json", p + 1);
    files[folder + "/" + name] = ArmTemplate(resources, parts[p].first, parts[p].second);
  }
}

}  // namespace

void Sentinel(const std::vector<const Output*>& outputs, const std::string& folder,
              BundleFiles& files) {
  auto severity = [](const std::string& level) -> std::string {
    if (level == "low") return "Low";
    if (level == "medium") return "Medium";
    if (level == "high" || level == "critical") return "High";
    return "Informational";
  };
  std::vector<std::string> resources;
  std::set<std::string> used;
  for (const Output* o : outputs) {
    std::vector<std::string> tactics = SentinelTactics(*o->meta);
    std::vector<std::string> techniques = SentinelTechniques(*o->meta);
    std::string name = Slug(o->rule_title);
    while (!used.insert(name).second) name += "_";
    std::string yaml = fmt::format(
        "id: {}\nname: {}\ndescription: {}\nseverity: {}\nrequiredDataConnectors: []\n"
        "queryFrequency: {}\nqueryPeriod: {}\ntriggerOperator: gt\ntriggerThreshold: 0\n"
        "tactics: {}\nrelevantTechniques: {}\nquery: {}\nversion: 1.0.0\nkind: Scheduled\n",
        RuleId(*o), Q(o->rule_title), Q(Description(*o)), severity(o->meta->level),
        Compact(Frequency(*o)), Compact(Period(*o)), JsonList(tactics), JsonList(techniques),
        YamlBlock(o->text, 0));
    files[folder + "/" + name + ".yaml"] = yaml;
    resources.push_back(fmt::format(
        "    {{\n      \"type\": \"Microsoft.OperationalInsights/workspaces/providers/"
        "alertRules\",\n      \"apiVersion\": \"2023-02-01\",\n      \"name\": "
        "\"[concat(parameters('workspace'), '/Microsoft.SecurityInsights/{}')]\",\n"
        "      \"kind\": \"Scheduled\",\n      \"properties\": {{\n        \"displayName\": {},\n"
        "        \"description\": {},\n        \"severity\": \"{}\",\n        \"enabled\": false,\n"
        "        \"query\": {},\n        \"queryFrequency\": \"{}\",\n        \"queryPeriod\": "
        "\"{}\",\n        \"triggerOperator\": \"GreaterThan\",\n        \"triggerThreshold\": 0,\n"
        "        \"suppressionDuration\": \"PT1H\",\n        \"suppressionEnabled\": false,\n"
        "        \"tactics\": {},\n        \"techniques\": {}\n      }}\n    }}",
        RuleId(*o), Q(o->rule_title), Q(Description(*o)), severity(o->meta->level), Q(o->text),
        Iso(Frequency(*o)), Iso(Period(*o)), JsonList(tactics), JsonList(techniques)));
  }
  WriteArmTemplates(resources, folder, files);
}

// Each list as a watchlist whose alias is the placeholder's name and whose search key is its one
// column, `value`: watchlists/<alias>.csv to upload by hand, and watchlists.json, an ARM
// template that creates them all (deploy it before the rules that read them).
// https://learn.microsoft.com/azure/sentinel/watchlists-create,
// https://learn.microsoft.com/azure/templates/microsoft.securityinsights/watchlists
void SentinelWatchlists(const std::vector<const Output*>& outputs, const std::string& folder,
                        const ir::Placeholders& lists, BundleFiles& files) {
  std::string resources;
  for (const auto& name : ListsRead(outputs)) {
    auto list = lists.find(name);
    if (list == lists.end()) continue;
    std::string csv = ValueCsv(list->second);
    files[folder + "/watchlists/" + name + ".csv"] = csv;
    resources += fmt::format(
        "{}    {{\n      \"type\": \"Microsoft.OperationalInsights/workspaces/providers/"
        "Watchlists\",\n      \"apiVersion\": \"2023-02-01\",\n      \"name\": "
        "\"[concat(parameters('workspace'), '/Microsoft.SecurityInsights/{}')]\",\n"
        "      \"properties\": {{\n        \"displayName\": {},\n        \"watchlistAlias\": "
        "{},\n        \"description\": {},\n        \"provider\": \"refract\",\n"
        "        \"source\": \"Local file\",\n        \"itemsSearchKey\": \"value\",\n"
        "        \"contentType\": \"text/csv\",\n        \"numberOfLinesToSkip\": 0,\n"
        "        \"rawContent\": {}\n      }}\n    }}",
        resources.empty() ? "" : ",\n", name, Q(name), Q(name),
        Q(fmt::format("The |expand placeholder %{}% of the rules that read it, {} value(s)", name,
                      list->second.size())),
        Q(csv));
  }
  if (resources.empty()) return;
  files[folder + "/watchlists.json"] = fmt::format(
      "{{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/"
      "deploymentTemplate.json#\",\n  \"contentVersion\": \"1.0.0.0\",\n  \"parameters\": {{\n"
      "    \"workspace\": {{\"type\": \"string\"}}\n  }},\n  \"resources\": [\n{}\n  ]\n}}\n",
      resources);
}

}  // namespace refract::packagers
