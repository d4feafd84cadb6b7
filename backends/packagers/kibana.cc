#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "backends/packagers/package_text.h"
#include "backends/packagers/packagers.h"
#include "compiler/text/utf8.h"

namespace refract::packagers {

// Elastic detection rules for Kibana's rule import: one JSON object a line.
// https://www.elastic.co/guide/en/security/current/rules-api-create.html
namespace {

// A non-aggregating ES|QL rule must read the documents' `_id`, `_version` and `_index` — Kibana
// dedupes its alerts by them — through `METADATA` on its source command, and keep them.
// https://www.elastic.co/guide/en/security/current/rules-ui-create.html#create-esql-rule
std::string EsqlRuleQuery(const std::string& query) {
  bool aggregating = query.find("\n| STATS ") != std::string::npos;
  size_t first_line = query.find('\n');
  if (aggregating || !query.starts_with("FROM ") ||
      query.substr(0, first_line).find(" METADATA ") != std::string::npos) {
    return query;
  }
  std::string out = query.substr(0, first_line) + " METADATA _id, _version, _index";
  if (first_line != std::string::npos) out += query.substr(first_line);
  return out + "\n| KEEP _id, _version, _index, *";
}

// `type` and `language` are the rule's: eql/eql, esql/esql, query/lucene.
void Kibana(const std::string& type, const std::string& language,
            const std::vector<const Output*>& outputs, const std::string& folder,
            BundleFiles& files) {
  auto severity = [](const std::string& level) -> std::string {
    return level == "critical" ? "critical"
           : level == "high"   ? "high"
           : level == "medium" ? "medium"
                               : "low";
  };
  auto risk = [](const std::string& level) {
    return level == "critical" ? 99 : level == "high" ? 73 : level == "medium" ? 47 : 21;
  };
  std::string ndjson;
  for (const Output* o : outputs) {
    std::string threat;
    for (const auto& entry : Threat(*o->meta)) {
      std::string techniques;
      for (const auto& [parent, subs] : entry.techniques) {
        const attack::Technique* t = attack::FindTechnique(parent);
        if (t == nullptr) continue;
        std::string nested;
        for (const auto& sub : subs) {
          const attack::Technique* s = attack::FindTechnique(sub);
          if (s == nullptr) continue;
          nested += fmt::format(
              "{}{{\"id\":\"{}\",\"name\":{},\"reference\":"
              "\"https://attack.mitre.org/techniques/{}/{}/\"}}",
              nested.empty() ? "" : ",", s->id, Q(s->name), parent, sub.substr(parent.size() + 1));
        }
        techniques += fmt::format(
            "{}{{\"id\":\"{}\",\"name\":{},\"reference\":\"https://attack.mitre.org/"
            "techniques/{}/\"{}}}",
            techniques.empty() ? "" : ",", t->id, Q(t->name), t->id,
            nested.empty() ? "" : ",\"subtechnique\":[" + nested + "]");
      }
      threat += fmt::format(
          "{}{{\"framework\":\"MITRE ATT&CK\",\"tactic\":{{\"id\":\"{}\",\"name\":{},"
          "\"reference\":\"https://attack.mitre.org/tactics/{}/\"}}{}}}",
          threat.empty() ? "" : ",", entry.tactic->id, Q(entry.tactic->name), entry.tactic->id,
          techniques.empty() ? "" : ",\"technique\":[" + techniques + "]");
    }
    std::string index = type == "esql" ? "" : ",\"index\":[\"logs-*\"]";
    ndjson += fmt::format(
        "{{\"rule_id\":\"{}\",\"name\":{},\"description\":{},\"type\":\"{}\",\"language\":\"{}\","
        "\"query\":{}{},\"severity\":\"{}\",\"risk_score\":{},\"interval\":\"{}\",\"from\":"
        "\"now-{}\",\"enabled\":false,\"tags\":{},\"false_positives\":{},\"references\":{},"
        "\"author\":{},\"threat\":[{}],\"version\":1}}\n",
        RuleId(*o), Q(o->rule_title), Q(Description(*o)), type, language,
        Q(type == "esql" ? EsqlRuleQuery(o->text) : o->text), index, severity(o->meta->level),
        risk(o->meta->level), Compact(Frequency(*o)), Compact(Period(*o) + Frequency(*o)),
        JsonList(o->meta->tags), JsonList(o->meta->falsepositives), JsonList(o->meta->references),
        JsonList(o->meta->author.empty() ? std::vector<std::string>{}
                                         : std::vector<std::string>{o->meta->author}),
        threat);
  }
  files[folder + "/rules.ndjson"] = ndjson;
}

}  // namespace

void KibanaEql(const std::vector<const Output*>& outputs, const std::string& folder,
               BundleFiles& files) {
  Kibana("eql", "eql", outputs, folder, files);
}

void KibanaEsql(const std::vector<const Output*>& outputs, const std::string& folder,
                BundleFiles& files) {
  Kibana("esql", "esql", outputs, folder, files);
}

void KibanaLucene(const std::vector<const Output*>& outputs, const std::string& folder,
                  BundleFiles& files) {
  Kibana("query", "lucene", outputs, folder, files);
}

// Each list the ES|QL rules read as a lookup index, refract_<name>: lookup_indices/<index>.json,
// the body of `PUT <index>` (index.mode lookup; a keyword key, the values lower-cased as the
// rules' TO_LOWER() reads them, and a boolean hit), and lookup_indices/<index>.ndjson, the body
// of `POST <index>/_bulk`, one document a value. Each value once: LOOKUP JOIN adds a row per
// matching document.
// https://www.elastic.co/docs/reference/query-languages/esql/esql-lookup-join
// https://www.elastic.co/docs/reference/elasticsearch/index-settings/index-modules#index-mode-setting
void KibanaLookupIndices(const std::vector<const Output*>& outputs, const std::string& folder,
                         const ir::Placeholders& lists, BundleFiles& files) {
  for (const auto& name : ListsRead(outputs)) {
    auto list = lists.find(name);
    if (list == lists.end()) continue;
    const std::string index = "refract_" + name;
    files[folder + "/lookup_indices/" + index + ".json"] = fmt::format(
        "{{\"settings\": {{\"index\": {{\"mode\": \"lookup\"}}}}, \"mappings\": "
        "{{\"properties\": {{\"{0}_key\": {{\"type\": \"keyword\"}}, \"{0}_hit\": "
        "{{\"type\": \"boolean\"}}}}}}}}\n",
        index);
    std::set<std::string> seen;
    std::string bulk;
    for (const auto& v : list->second) {
      std::string key = text::AsciiLower(v);
      if (!seen.insert(key).second) continue;
      bulk += fmt::format("{{\"index\": {{}}}}\n{{\"{0}_key\": {1}, \"{0}_hit\": true}}\n", index,
                          Q(key));
    }
    files[folder + "/lookup_indices/" + index + ".ndjson"] = bulk;
  }
}

}  // namespace refract::packagers
