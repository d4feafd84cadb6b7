#include "compiler/bundle/bundle.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "compiler/bundle/sha256.h"
#include "compiler/check/attack.h"

namespace refract {
namespace {

// ---- text helpers -------------------------------------------------------------------------

// A JSON string literal; YAML reads it too (a double-quoted YAML scalar uses the same escapes).
std::string Q(std::string_view text) { return "\"" + JsonEscape(text) + "\""; }

std::string JsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + Q(items[i]);
  return out + "]";
}

// `text` as a YAML literal block under a key at `indent` spaces (keeps every line as it is).
std::string YamlBlock(std::string text, int indent) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  std::string pad(indent + 2, ' ');
  std::string out = "|-\n";
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? end : end - start);
    out += line.empty() ? "\n" : pad + line + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// A file name from a title: lower-case letters and digits, `_` between words.
std::string Slug(const std::string& title) {
  std::string out;
  for (unsigned char c : title) {
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out.empty() ? "rule" : out.substr(0, 80);
}

// The rule's id, or a stable UUID-shaped id derived from its title when it has none.
std::string RuleId(const Output& o) {
  if (!o.rule_id.empty()) return o.rule_id;
  std::string h = Sha256Hex("refract:" + o.rule_title);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

std::vector<std::string> Techniques(const RuleMeta& meta) {
  std::vector<std::string> out;
  for (const auto& tag : meta.tags) {
    auto m = attack::ReadTag(tag);
    if (m.kind == attack::TagMeaning::Kind::kTechnique) out.push_back(m.id);
  }
  return out;
}

std::vector<const attack::Tactic*> TacticsOf(const RuleMeta& meta) {
  std::vector<const attack::Tactic*> out;
  for (const auto& tag : meta.tags) {
    if (tag.rfind("attack.", 0) != 0) continue;
    if (const attack::Tactic* t = attack::FindTactic(tag.substr(7))) out.push_back(t);
  }
  return out;
}

// ---- schedules ------------------------------------------------------------------------------

// How far back a scheduled run reads (the correlation's window; an hour for single events) and
// how often it runs (at most hourly, at least every 5 minutes).
long long Period(const Output& o) {
  return o.meta.timespan_seconds > 0 ? o.meta.timespan_seconds : 3600;
}
long long Frequency(const Output& o) {
  return std::max<long long>(300, std::min<long long>(Period(o), 3600));
}

std::string Compact(long long s) {  // 3600 → "1h"
  if (s % 86400 == 0) return fmt::format("{}d", s / 86400);
  if (s % 3600 == 0) return fmt::format("{}h", s / 3600);
  if (s % 60 == 0) return fmt::format("{}m", s / 60);
  return fmt::format("{}s", s);
}

std::string Iso(long long s) {  // 3600 → "PT1H"
  if (s % 86400 == 0) return fmt::format("P{}D", s / 86400);
  if (s % 3600 == 0) return fmt::format("PT{}H", s / 3600);
  if (s % 60 == 0) return fmt::format("PT{}M", s / 60);
  return fmt::format("PT{}S", s);
}

std::string Cron(long long s) {  // a five-field cron that runs every `s` seconds (≥ 5 min)
  if (s < 3600) return fmt::format("*/{} * * * *", s / 60);
  if (s < 86400) return fmt::format("0 */{} * * *", s / 3600);
  return "0 0 * * *";
}

std::string Description(const Output& o) {
  std::string text = o.meta.description.empty() ? o.rule_title : o.meta.description;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

// ---- per target ---------------------------------------------------------------------------

// Microsoft Sentinel scheduled analytic rules, in the YAML of Azure/Azure-Sentinel's Detections
// folder, and the same rules as one ARM template.
// https://github.com/Azure/Azure-Sentinel/wiki/Query-Style-Guide,
// https://learn.microsoft.com/azure/templates/microsoft.securityinsights/alertrules
void Sentinel(const std::vector<const Output*>& outputs,
              std::map<std::string, std::string>& files) {
  auto severity = [](const std::string& level) -> std::string {
    if (level == "low") return "Low";
    if (level == "medium") return "Medium";
    if (level == "high" || level == "critical") return "High";
    return "Informational";
  };
  std::string resources;
  std::set<std::string> used;
  for (const Output* o : outputs) {
    std::vector<std::string> tactics;
    for (const auto* t : TacticsOf(o->meta)) {
      if (std::find(tactics.begin(), tactics.end(), t->sentinel) == tactics.end()) {
        tactics.emplace_back(t->sentinel);
      }
    }
    std::vector<std::string> techniques;
    for (const auto& t : Techniques(o->meta)) {
      std::string parent = t.substr(0, t.find('.'));  // Sentinel takes parent techniques
      if (std::find(techniques.begin(), techniques.end(), parent) == techniques.end()) {
        techniques.push_back(parent);
      }
    }
    std::string name = Slug(o->rule_title);
    while (!used.insert(name).second) name += "_";
    std::string yaml = fmt::format(
        "id: {}\nname: {}\ndescription: {}\nseverity: {}\nrequiredDataConnectors: []\n"
        "queryFrequency: {}\nqueryPeriod: {}\ntriggerOperator: gt\ntriggerThreshold: 0\n"
        "tactics: {}\nrelevantTechniques: {}\nquery: {}\nversion: 1.0.0\nkind: Scheduled\n",
        RuleId(*o), Q(o->rule_title), Q(Description(*o)), severity(o->meta.level),
        Compact(Frequency(*o)), Compact(Period(*o)), JsonList(tactics), JsonList(techniques),
        YamlBlock(o->text, 0));
    files["kql/" + name + ".yaml"] = yaml;
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
  files["kql/azuredeploy.json"] = fmt::format(
      "{{\n  \"$schema\": \"https://schema.management.azure.com/schemas/2019-04-01/"
      "deploymentTemplate.json#\",\n  \"contentVersion\": \"1.0.0.0\",\n  \"parameters\": {{\n"
      "    \"workspace\": {{\"type\": \"string\"}}\n  }},\n  \"resources\": [\n{}\n  ]\n}}\n",
      resources);
}

// Splunk saved searches: one stanza per rule in savedsearches.conf; a multi-line search
// continues each line with a backslash.
// https://docs.splunk.com/Documentation/Splunk/latest/Admin/Savedsearchesconf
void Splunk(const std::vector<const Output*>& outputs, std::map<std::string, std::string>& files) {
  auto severity = [](const std::string& level) {
    return level == "critical" ? 5
           : level == "high"   ? 4
           : level == "medium" ? 3
           : level == "low"    ? 2
                               : 1;
  };
  auto continued = [](const std::string& text) {
    std::string out;
    for (char c : text) out += c == '\n' ? std::string(" \\\n") : std::string(1, c);
    return out;
  };
  std::string conf;
  for (const Output* o : outputs) {
    std::string title = o->rule_title;
    std::replace(title.begin(), title.end(), '[', '(');
    std::replace(title.begin(), title.end(), ']', ')');
    std::string desc = Description(*o);
    std::replace(desc.begin(), desc.end(), '\n', ' ');
    std::string mitre;
    for (const auto& t : Techniques(o->meta)) mitre += (mitre.empty() ? "" : ", ") + Q(t);
    conf += fmt::format(
        "[{}]\ndescription = {}\nsearch = {}\ncron_schedule = {}\ndispatch.earliest_time = -{}\n"
        "dispatch.latest_time = now\nenableSched = 1\ncounttype = number of events\n"
        "relation = greater than\nquantity = 0\nalert.severity = {}\nalert.track = 1\n"
        "action.correlationsearch.annotations = {{\"mitre_attack\": [{}]}}\n\n",
        title, desc, continued(o->text), Cron(Frequency(*o)), Compact(Period(*o)),
        severity(o->meta.level), mitre);
  }
  files["spl/savedsearches.conf"] = conf;
}

// Elastic detection rules for Kibana's rule import: one JSON object a line.
// https://www.elastic.co/guide/en/security/current/rules-api-create.html
void Kibana(const std::string& target, const std::vector<const Output*>& outputs,
            std::map<std::string, std::string>& files) {
  auto severity = [](const std::string& level) -> std::string {
    return level == "critical" ? "critical"
           : level == "high"   ? "high"
           : level == "medium" ? "medium"
                               : "low";
  };
  auto risk = [](const std::string& level) {
    return level == "critical" ? 99 : level == "high" ? 73 : level == "medium" ? 47 : 21;
  };
  std::string type = target == "eql" ? "eql" : target == "esql" ? "esql" : "query";
  std::string language = target == "lucene" ? "lucene" : target;
  std::string ndjson;
  for (const Output* o : outputs) {
    std::string threat;
    for (const auto* tactic : TacticsOf(o->meta)) {
      std::string techniques;
      for (const auto& id : Techniques(o->meta)) {
        const attack::Technique* t = attack::FindTechnique(id);
        if (t == nullptr) continue;
        techniques += fmt::format(
            "{}{{\"id\":\"{}\",\"name\":{},\"reference\":\"https://attack.mitre.org/techniques/{}/"
            "\"}}",
            techniques.empty() ? "" : ",", t->id, Q(t->name), [&] {
              std::string path(t->id);
              std::replace(path.begin(), path.end(), '.', '/');
              return path;
            }());
      }
      threat += fmt::format(
          "{}{{\"framework\":\"MITRE ATT&CK\",\"tactic\":{{\"id\":\"{}\",\"name\":{},"
          "\"reference\":\"https://attack.mitre.org/tactics/{}/\"}},\"technique\":[{}]}}",
          threat.empty() ? "" : ",", tactic->id, Q(tactic->name), tactic->id, techniques);
    }
    std::string index = type == "esql" ? "" : ",\"index\":[\"logs-*\"]";
    ndjson += fmt::format(
        "{{\"rule_id\":\"{}\",\"name\":{},\"description\":{},\"type\":\"{}\",\"language\":\"{}\","
        "\"query\":{}{},\"severity\":\"{}\",\"risk_score\":{},\"interval\":\"{}\",\"from\":"
        "\"now-{}\",\"enabled\":false,\"tags\":{},\"false_positives\":{},\"references\":{},"
        "\"author\":{},\"threat\":[{}],\"version\":1}}\n",
        RuleId(*o), Q(o->rule_title), Q(Description(*o)), type, language, Q(o->text), index,
        severity(o->meta.level), risk(o->meta.level), Compact(Frequency(*o)),
        Compact(Period(*o) + Frequency(*o)), JsonList(o->meta.tags),
        JsonList(o->meta.falsepositives), JsonList(o->meta.references),
        JsonList(o->meta.author.empty() ? std::vector<std::string>{}
                                        : std::vector<std::string>{o->meta.author}),
        threat);
  }
  files[target + "/rules.ndjson"] = ndjson;
}

// QRadar saved searches as the Ariel API takes them (name, aql, description).
// https://www.ibm.com/docs/en/qradar-common?topic=api-ariel-endpoints
void Qradar(const std::vector<const Output*>& outputs, std::map<std::string, std::string>& files) {
  std::string items;
  for (const Output* o : outputs) {
    items +=
        fmt::format("{}  {{\"name\": {}, \"description\": {}, \"aql\": {}}}",
                    items.empty() ? "" : ",\n", Q(o->rule_title), Q(Description(*o)), Q(o->text));
  }
  files["aql/saved_searches.json"] = "[\n" + items + "\n]\n";
}

// Sumo Logic scheduled searches in a content-library folder export.
// https://help.sumologic.com/docs/api/content-management/
void Sumo(const std::vector<const Output*>& outputs, std::map<std::string, std::string>& files) {
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
        "\"RelativeTimeRangeBoundary\", \"relativeTime\": \"{}\"}}, \"to\": null}}, "
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
  files["sumo/scheduled_searches.json"] = fmt::format(
      "{{\"type\": \"FolderSyncDefinition\", \"name\": \"refract\", \"description\": "
      "\"Scheduled searches compiled by refract\", \"children\": [\n{}\n]}}\n",
      children);
}

// YARA-L rule files; the meta section gains the description and ATT&CK ids.
void Yaral(const std::vector<const Output*>& outputs, std::map<std::string, std::string>& files) {
  std::set<std::string> used;
  for (const Output* o : outputs) {
    std::string text = o->text;
    std::string extra;
    std::string desc = Description(*o);
    std::replace(desc.begin(), desc.end(), '\n', ' ');
    if (text.find("    description = ") == std::string::npos) {
      extra += "    description = " + Q(desc) + "\n";
    }
    if (text.find("    severity = ") == std::string::npos && !o->meta.level.empty()) {
      extra += "    severity = " + Q(o->meta.level) + "\n";
    }
    std::vector<std::string> techniques = Techniques(o->meta);
    if (!techniques.empty()) {
      std::string joined;
      for (const auto& t : techniques) joined += (joined.empty() ? "" : ",") + t;
      extra += "    mitre_attack_technique = " + Q(joined) + "\n";
    }
    size_t at = text.find("  meta:\n");
    if (at != std::string::npos) text.insert(at + 8, extra);
    std::string name = Slug(o->rule_title);
    while (!used.insert(name).second) name += "_";
    files["yaral/" + name + ".yaral"] = text + "\n";
  }
}

// LogScale alerts in the YAML the humio schemas describe (one file per rule).
// https://library.humio.com/falcon-logscale-self-hosted/automated-alerts.html
void Logscale(const std::vector<const Output*>& outputs,
              std::map<std::string, std::string>& files) {
  std::set<std::string> used;
  for (const Output* o : outputs) {
    std::string name = Slug(o->rule_title);
    while (!used.insert(name).second) name += "_";
    files["cql/" + name + ".yaml"] = fmt::format(
        "$schema: \"https://schemas.humio.com/alert/v0.3.0\"\nname: {}\ndescription: {}\n"
        "query:\n  queryString: {}\n  isLive: true\n  start: {}\nthrottleTimeMillis: {}\n"
        "enabled: false\nactionNames: []\nlabels: {}\n",
        Q(o->rule_title), Q(Description(*o)), YamlBlock(o->text, 2), Compact(Period(*o)),
        Frequency(*o) * 1000, JsonList(o->meta.tags));
  }
}

// ---- coverage -----------------------------------------------------------------------------

struct Coverage {
  std::vector<std::string> titles;                                   // in run order
  std::map<std::pair<std::string, std::string>, std::string> cells;  // (title, target) → mark
};

Coverage CoverageOf(const std::vector<FileResult>& results,
                    const std::vector<const Backend*>& targets) {
  Coverage cov;
  std::set<std::pair<std::string, std::string>> queries;
  std::set<std::string> seen;
  std::set<std::string> failed;  // titles with a target that gave no query
  for (const auto& r : results) {
    for (const auto& o : r.outputs) queries.insert({o.rule_title, o.target});
    for (const auto& o : r.outcomes) {
      if (!o.ok) failed.insert(o.rule_title);
    }
  }
  // Building blocks (rules only a correlation reads) have no query of their own: not listed.
  for (const auto& r : results) {
    for (const auto& o : r.outcomes) {
      bool listed = failed.count(o.rule_title) != 0 || queries.count({o.rule_title, o.target});
      if (listed && seen.insert(o.rule_title).second) cov.titles.push_back(o.rule_title);
    }
  }
  // A signal a union composes is in the union's query where the union has one.
  std::map<std::string, std::string> title_of, composed_by;
  for (const auto& r : results) {
    for (const auto& c : r.correlations) title_of[c.name] = c.title;
  }
  for (const auto& r : results) {
    for (const auto& c : r.correlations) {
      if (c.type != "union") continue;
      for (const auto& ref : c.rules) composed_by[title_of[ref.text]] = c.title;
    }
  }
  for (const auto& title : cov.titles) {
    for (const Backend* b : targets) {
      std::string t(b->id());
      auto part = composed_by.find(title);
      bool in_union = part != composed_by.end() && queries.count({part->second, t});
      cov.cells[{title, t}] = queries.count({title, t}) ? "✓" : in_union ? "∪" : "✗";
    }
  }
  return cov;
}

}  // namespace

std::map<std::string, std::string> BuildBundle(const std::vector<FileResult>& results,
                                               const std::vector<const Backend*>& targets) {
  std::map<std::string, std::string> files;
  for (const Backend* backend : targets) {
    std::string target(backend->id());
    std::vector<const Output*> outputs;
    for (const auto& r : results) {
      for (const auto& o : r.outputs) {
        if (o.target == target) outputs.push_back(&o);
      }
    }
    std::stable_sort(outputs.begin(), outputs.end(), [](const Output* a, const Output* b) {
      return std::tie(a->rule_title, a->rule_id) < std::tie(b->rule_title, b->rule_id);
    });
    if (outputs.empty()) continue;
    if (target == "kql") Sentinel(outputs, files);
    if (target == "spl") Splunk(outputs, files);
    if (target == "eql" || target == "esql" || target == "lucene") Kibana(target, outputs, files);
    if (target == "aql") Qradar(outputs, files);
    if (target == "sumo") Sumo(outputs, files);
    if (target == "yaral") Yaral(outputs, files);
    if (target == "cql") Logscale(outputs, files);
  }

  // Coverage: which rule has a query on which target.
  Coverage cov = CoverageOf(results, targets);
  std::string md =
      "# Coverage\n\n✓ a query in this bundle; ✗ none (the translate diagnostics "
      "name what the target lacks).\n\n| rule |";
  for (const Backend* b : targets) md += " " + std::string(b->id()) + " |";
  md += "\n|---|";
  for (size_t i = 0; i < targets.size(); ++i) md += "---|";
  md += "\n";
  for (const auto& title : cov.titles) {
    std::string row = title;
    std::replace(row.begin(), row.end(), '|', '/');
    md += "| " + row + " |";
    for (const Backend* b : targets) md += " " + cov.cells[{title, std::string(b->id())}] + " |";
    md += "\n";
  }
  files["coverage.md"] = md;

  // ATT&CK Navigator layer: each technique the rules with a query tag, scored by their number.
  // https://github.com/mitre-attack/attack-navigator/blob/master/layers/LAYERFORMATv4_5.md
  std::map<std::string, std::vector<std::string>> by_technique;
  std::set<std::string> counted;
  for (const auto& r : results) {
    for (const auto& o : r.outputs) {
      if (o.target.empty() || !counted.insert(o.rule_title).second) continue;
      for (const auto& t : Techniques(o.meta)) by_technique[t].push_back(o.rule_title);
    }
  }
  std::string techniques;
  for (auto& [id, titles] : by_technique) {
    std::sort(titles.begin(), titles.end());
    std::string comment;
    for (const auto& t : titles) comment += (comment.empty() ? "" : "; ") + t;
    techniques += fmt::format("{}    {{\"techniqueID\": \"{}\", \"score\": {}, \"comment\": {}}}",
                              techniques.empty() ? "" : ",\n", id, titles.size(), Q(comment));
  }
  files["attack-navigator-layer.json"] = fmt::format(
      "{{\n  \"name\": \"refract coverage\",\n  \"versions\": {{\"attack\": \"18\", \"navigator\": "
      "\"5.1.0\", \"layer\": \"4.5\"}},\n  \"domain\": \"enterprise-attack\",\n  "
      "\"description\": \"Techniques the bundled rules tag, scored by the number of rules\",\n"
      "  \"techniques\": [\n{}\n  ]\n}}\n",
      techniques);

  // The manifest: every file with its rule, target and content hash.
  std::string manifest = "{\n  \"refract_version\": \"" REFRACT_VERSION "\",\n  \"files\": [\n";
  bool first = true;
  for (const auto& [path, content] : files) {
    std::string target = path.find('/') == std::string::npos ? "" : path.substr(0, path.find('/'));
    manifest += fmt::format("{}    {{\"path\": {}, \"target\": {}, \"sha256\": \"{}\"}}",
                            first ? "" : ",\n", Q(path), Q(target), Sha256Hex(content));
    first = false;
  }
  manifest += "\n  ],\n  \"rules\": [\n";
  first = true;
  for (const auto& r : results) {
    for (const auto& o : r.outputs) {
      if (o.target.empty()) continue;
      manifest += fmt::format(
          "{}    {{\"rule_id\": \"{}\", \"title\": {}, \"target\": \"{}\", "
          "\"sha256\": \"{}\"}}",
          first ? "" : ",\n", RuleId(o), Q(o.rule_title), o.target, Sha256Hex(o.text));
      first = false;
    }
  }
  manifest += "\n  ]\n}\n";
  files["manifest.json"] = manifest;
  return files;
}

}  // namespace refract
