#include <map>

#include "backends/packagers/packagers.h"

namespace refract::packagers {

Packager FindPackager(std::string_view id) {
  // One line per target that has an import format.
  static const std::map<std::string_view, Packager> kPackagers = {
      {"kql", Sentinel},        {"spl", Splunk},   {"eql", KibanaEql}, {"esql", KibanaEsql},
      {"lucene", KibanaLucene}, {"aql", Qradar},   {"sumo", Sumo},     {"sumo-cse", SumoCse},
      {"yaral", Yaral},         {"cql", Logscale},
  };
  auto it = kPackagers.find(id);
  return it == kPackagers.end() ? nullptr : it->second;
}

std::string_view FormatSummary(std::string_view id) {
  // One line per target that has an import format (docs/bundle.md has the details).
  static const std::map<std::string_view, std::string_view> kSummaries = {
      {"kql", "Sentinel analytic-rule YAML, ARM templates; lists as watchlists"},
      {"spl", "Splunk savedsearches.conf; lists as CSV lookups"},
      {"eql", "Elastic detection-rule NDJSON (eql)"},
      {"esql", "Elastic detection-rule NDJSON (esql); lists as lookup indices"},
      {"lucene", "Elastic detection-rule NDJSON (query)"},
      {"aql", "QRadar saved searches (JSON); lists as reference sets"},
      {"sumo", "Sumo Logic content export; lists as lookup tables"},
      {"sumo-cse", "Cloud SIEM rules API JSON (match, threshold, chain, aggregation)"},
      {"yaral", "SecOps content-manager rules and rule_config.yaml; lists as reference lists"},
      {"cql", "LogScale alert/v0.3.0 YAML; lists as lookup files"},
  };
  auto it = kSummaries.find(id);
  return it == kSummaries.end() ? std::string_view() : it->second;
}

ListPackager FindListPackager(std::string_view id) {
  // One line per target whose queries read lists from the platform (Session::lookups).
  if (id == "kql") return SentinelWatchlists;
  if (id == "spl") return SplunkLookups;
  if (id == "cql") return LogscaleFiles;
  if (id == "aql") return QradarReferenceSets;
  if (id == "sumo") return SumoLookupTables;
  if (id == "esql") return KibanaLookupIndices;
  if (id == "yaral") return YaralReferenceLists;
  return nullptr;
}

QueryLimit QueryLimitOf(std::string_view id) {
  // Sentinel rejects a scheduled rule whose query is longer (Azure-Sentinel's template schema,
  // ScheduledTemplateInternalModel: StringLength(10000)).
  if (id == "kql") {
    return {10000, "a Microsoft Sentinel scheduled analytic rule's query",
            "https://learn.microsoft.com/azure/sentinel/create-analytics-rules"};
  }
  return {};
}

}  // namespace refract::packagers
