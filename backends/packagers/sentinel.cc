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
void Sentinel(const std::vector<const Output*>& outputs, const std::string& folder,
              BundleFiles& files) {
  auto severity = [](const std::string& level) -> std::string {
    if (level == "low") return "Low";
    if (level == "medium") return "Medium";
    if (level == "high" || level == "critical") return "High";
    return "Informational";
  };
  std::string resources;
  std::set<std::string> used;
  for (const Output* o : outputs) {
    std::vector<std::string> tactics = SentinelTactics(o->meta);
    std::vector<std::string> techniques = SentinelTechniques(o->meta);
    std::string name = Slug(o->rule_title);
    while (!used.insert(name).second) name += "_";
    std::string yaml = fmt::format(
        "id: {}\nname: {}\ndescription: {}\nseverity: {}\nrequiredDataConnectors: []\n"
        "queryFrequency: {}\nqueryPeriod: {}\ntriggerOperator: gt\ntriggerThreshold: 0\n"
        "tactics: {}\nrelevantTechniques: {}\nquery: {}\nversion: 1.0.0\nkind: Scheduled\n",
        RuleId(*o), Q(o->rule_title), Q(Description(*o)), severity(o->meta.level),
        Compact(Frequency(*o)), Compact(Period(*o)), JsonList(tactics), JsonList(techniques),
        YamlBlock(o->text, 0));
    files[folder + "/" + name + ".yaml"] = yaml;
    resources += fmt::format(
        "{}    {{\n      \"type\": \"Microsoft.OperationalInsights/workspaces/providers/"
        "alertRules\",\n      \"apiVersion\": \"2023-02-01\",\n      \"name\": "
        "\"[concat(parameters('workspace'), '/Microsoft.SecurityInsights/{}')]\",\n"
        "      \"kind\": \"Scheduled\",\n      \"properties\": {{\n        \"displayName\": {},\n"
        "        \"description\": {},\n        \"severity\": \"{}\",\n        \"enabled\": false,\n"
        "        \"query\": {},\n        \"queryFrequency\": \"{}\",\n        \"queryPeriod\": "
        "\"{}\",\n        \"triggerOperator\": \"GreaterThan\",\n        \"triggerThreshold\": 0,\n"
        "        \"suppressionDuration\": \"PT1H\",\n        \"suppressionEnabled\": false,\n"
        "        \"tactics\": {},\n        \"techniques\": {}\n      }}\n    }}",
        resources.empty() ? "" : ",\n", RuleId(*o), Q(o->rule_title), Q(Description(*o)),
        severity(o->meta.level), Q(o->text), Iso(Frequency(*o)), Iso(Period(*o)), JsonList(tactics),
        JsonList(techniques));
  }
  files[folder + "/azuredeploy.json"] = fmt::format(
      "{{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/"
      "deploymentTemplate.json#\",\n  \"contentVersion\": \"1.0.0.0\",\n  \"parameters\": {{\n"
      "    \"workspace\": {{\"type\": \"string\"}}\n  }},\n  \"resources\": [\n{}\n  ]\n}}\n",
      resources);
}

}  // namespace refract::packagers
