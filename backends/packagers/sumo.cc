#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "backends/packagers/package_text.h"
#include "backends/packagers/packagers.h"

namespace refract::packagers {

// Sumo Logic scheduled searches in a content-library folder export, as the content sync
// definitions of Sumo's OpenAPI document define them. A begin-bounded range has no `to` (the
// document's own example): `"to": null` is not a TimeRangeBoundary.
// https://help.sumologic.com/docs/api/content-management/
void Sumo(const std::vector<const Output*>& outputs, const std::string& folder,
          BundleFiles& files) {
  std::string children;
  for (const Output* o : outputs) {
    std::string range = "-" + Compact(Period(*o));
    children += fmt::format(
        "{}    {{\"type\": \"SavedSearchWithScheduleSyncDefinition\", \"name\": {}, "
        "\"description\": {}, \"search\": {{\"queryText\": {}, \"defaultTimeRange\": \"{}\", "
        "\"byReceiptTime\": false, \"viewName\": \"\", \"viewStartTime\": "
        "\"1970-01-01T00:00:00Z\", \"queryParameters\": []}}, \"searchSchedule\": "
        "{{\"cronExpression\": \"0 {} ? * * *\", \"displayableTimeRange\": \"{}\", "
        "\"parseableTimeRange\": {{\"type\": \"BeginBoundedTimeRange\", \"from\": {{\"type\": "
        "\"RelativeTimeRangeBoundary\", \"relativeTime\": \"{}\"}}}}, "
        "\"timeZone\": \"Etc/UTC\", \"threshold\": {{\"thresholdType\": \"group\", \"operator\": "
        "\"gt\", \"count\": 0}}, \"notification\": {{\"taskType\": "
        "\"EmailSearchNotificationSyncDefinition\", \"toList\": [], \"subjectTemplate\": {}, "
        "\"includeQuery\": true, \"includeResultSet\": true, \"includeHistogram\": false, "
        "\"includeCsvAttachment\": false}}, \"scheduleType\": \"Custom\", \"muteErrorEmails\": "
        "false, \"parameters\": []}}}}",
        children.empty() ? "" : ",\n", Q(o->rule_title), Q(Description(*o)), Q(o->text), range,
        Frequency(*o) < 3600 ? fmt::format("0/{} *", Frequency(*o) / 60) : std::string("0 *"),
        range, range, Q("refract: " + o->rule_title));
  }
  files[folder + "/scheduled_searches.json"] = fmt::format(
      "{{\"type\": \"FolderSyncDefinition\", \"name\": \"refract\", \"description\": "
      "\"Scheduled searches compiled by refract\", \"children\": [\n{}\n]}}\n",
      children);
}

// Each list the searches read as a lookup table: lookup_tables/<name>.json, the table's content
// definition (one string field, `value`, its primary key) to import into the folder the queries
// name (mapping option lookup_folder; by default the bundle's "refract" folder imported into
// Admin Recommended), and lookup_tables/<name>.csv, its rows, to upload into the table
// (POST /v1/lookupTables/{id}/upload, or the table's Upload in the Library).
// https://www.sumologic.com/help/docs/search/lookup-tables/create-update-lookup-table/
void SumoLookupTables(const std::vector<const Output*>& outputs, const std::string& folder,
                      const ir::Placeholders& lists, BundleFiles& files) {
  for (const auto& name : ListsRead(outputs)) {
    auto list = lists.find(name);
    if (list == lists.end()) continue;
    files[folder + "/lookup_tables/" + name + ".json"] = fmt::format(
        "{{\"type\": \"LookupTableSyncDefinition\", \"name\": {}, \"description\": {}, "
        "\"fields\": [{{\"fieldName\": \"value\", \"fieldType\": \"string\"}}], "
        "\"primaryKeys\": [\"value\"], \"ttl\": 0, \"sizeLimitAction\": "
        "\"StopIncomingMessages\"}}\n",
        Q(name),
        Q(fmt::format("The |expand placeholder %{}% of the rules that read it, {} value(s)", name,
                      list->second.size())));
    files[folder + "/lookup_tables/" + name + ".csv"] = ValueCsv(list->second);
  }
}

}  // namespace refract::packagers
