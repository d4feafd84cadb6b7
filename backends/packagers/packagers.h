// Each platform's import format: the queries of one target written as the files its SIEM imports
// (analytic-rule YAML, savedsearches.conf, NDJSON, …). `refract bundle` finds them by target id.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/driver/compile.h"

namespace refract::packagers {

// A bundle's files by path relative to the bundle folder.
using BundleFiles = std::map<std::string, std::string>;

// Writes `outputs` (one target's queries, sorted by title) into `files` under `folder`/.
using Packager = void (*)(const std::vector<const Output*>& outputs, const std::string& folder,
                          BundleFiles& files);

// Writes the placeholder lists that `outputs` read from the platform (Output::lists) into `files`
// under `folder`/, in the platform's reference-data import form, with their values from `lists`.
using ListPackager = void (*)(const std::vector<const Output*>& outputs, const std::string& folder,
                              const ir::Placeholders& lists, BundleFiles& files);

// The import format of target `id`, or null when it has none.
Packager FindPackager(std::string_view id);
// The reference-data format of target `id` for lists its queries read, or null when its queries
// What `refract bundle` writes for target `id`, in one line ("" when it writes nothing).
std::string_view FormatSummary(std::string_view id);
// inline every list.
ListPackager FindListPackager(std::string_view id);

// A platform's documented limit on the length of one rule's query; `max_chars` 0 when none is
// documented.
struct QueryLimit {
  size_t max_chars = 0;
  std::string_view what;    // "a Microsoft Sentinel scheduled analytic rule's query"
  std::string_view source;  // the page that documents it
};
QueryLimit QueryLimitOf(std::string_view id);

// Microsoft Sentinel analytic-rule YAML and an ARM template.
void Sentinel(const std::vector<const Output*>& outputs, const std::string& folder,
              BundleFiles& files);
// Microsoft Sentinel watchlists (CSV and an ARM template) for the lists the queries read.
void SentinelWatchlists(const std::vector<const Output*>& outputs, const std::string& folder,
                        const ir::Placeholders& lists, BundleFiles& files);
// Google SecOps reference lists in the content manager's layout for the lists the rules read.
void YaralReferenceLists(const std::vector<const Output*>& outputs, const std::string& folder,
                         const ir::Placeholders& lists, BundleFiles& files);
// Splunk CSV lookup files for the lists the searches read.
void SplunkLookups(const std::vector<const Output*>& outputs, const std::string& folder,
                   const ir::Placeholders& lists, BundleFiles& files);
// Splunk savedsearches.conf.
void Splunk(const std::vector<const Output*>& outputs, const std::string& folder,
            BundleFiles& files);
// Elasticsearch lookup indices (settings, mappings and documents) for the lists ES|QL rules read.
void KibanaLookupIndices(const std::vector<const Output*>& outputs, const std::string& folder,
                         const ir::Placeholders& lists, BundleFiles& files);
// Elastic detection rules (NDJSON) of type eql, esql and query (Lucene).
void KibanaEql(const std::vector<const Output*>& outputs, const std::string& folder,
               BundleFiles& files);
void KibanaEsql(const std::vector<const Output*>& outputs, const std::string& folder,
                BundleFiles& files);
void KibanaLucene(const std::vector<const Output*>& outputs, const std::string& folder,
                  BundleFiles& files);
// QRadar reference sets for the lists the searches read.
void QradarReferenceSets(const std::vector<const Output*>& outputs, const std::string& folder,
                         const ir::Placeholders& lists, BundleFiles& files);
// QRadar saved searches for the Ariel API.
void Qradar(const std::vector<const Output*>& outputs, const std::string& folder,
            BundleFiles& files);
// Sumo Logic lookup tables (definitions and rows) for the lists the searches read.
void SumoLookupTables(const std::vector<const Output*>& outputs, const std::string& folder,
                      const ir::Placeholders& lists, BundleFiles& files);
// Sumo Logic scheduled searches in a content folder export.
void Sumo(const std::vector<const Output*>& outputs, const std::string& folder, BundleFiles& files);
// Sumo Logic Cloud SIEM match, threshold, chain and aggregation rules (rules API JSON).
void SumoCse(const std::vector<const Output*>& outputs, const std::string& folder,
             BundleFiles& files);
// Google SecOps YARA-L rule files.
void Yaral(const std::vector<const Output*>& outputs, const std::string& folder,
           BundleFiles& files);
// LogScale lookup files for the lists the queries read.
void LogscaleFiles(const std::vector<const Output*>& outputs, const std::string& folder,
                   const ir::Placeholders& lists, BundleFiles& files);
// CrowdStrike LogScale alert YAML.
void Logscale(const std::vector<const Output*>& outputs, const std::string& folder,
              BundleFiles& files);

}  // namespace refract::packagers
