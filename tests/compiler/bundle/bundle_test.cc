// The bundle's native formats parse and carry the keys their platforms' importers require; the
// manifest's hashes are the files'; the same input gives the same bytes.
#include "compiler/bundle/bundle.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/mapping/mapping.h"
#include "compiler/text/sha256.h"
#include "tests/test_util.h"

namespace refract {
namespace {

namespace fs = std::filesystem;

using refract::testing::ReadFile;

// The T1586 pack, bundled for every target; with `lookups`, lists are read from the platforms
// where they can be (refract bundle's default), and `left_out` gets what exceeds a limit.
std::map<std::string, std::string> PackBundle(bool lookups = true,
                                              Diagnostics* left_out = nullptr) {
  const fs::path pack = fs::path(REFRACT_SOURCE_DIR) / "rules" / "t1586";
  Session session;
  session.backends = AllBackends();
  session.lookups = lookups;
  Diagnostics setup;
  EXPECT_TRUE(session.Init({}, setup));
  session.placeholders =
      *ParsePlaceholders("placeholders.yml", ReadFile(pack / "placeholders.yml"), setup);
  std::vector<std::string> paths;
  for (const auto& e : fs::directory_iterator(pack)) {
    std::string name = e.path().filename().string();
    if (e.path().extension() == ".yml" && !name.ends_with(".test.yml") &&
        name != "placeholders.yml") {
      paths.push_back(e.path().string());
    }
  }
  std::sort(paths.begin(), paths.end());
  std::vector<FileResult> results;
  for (const auto& p : paths) results.push_back(CompileFile(p, session));
  CompileCorrelations(results, session);
  return BuildBundle(results, session.backends, left_out, &session.placeholders);
}

void ExpectKeys(const YAML::Node& node, std::initializer_list<const char*> keys,
                const std::string& where) {
  for (const char* key : keys) EXPECT_TRUE(node[key].IsDefined()) << where << " lacks " << key;
}

TEST(Sha256, KnownVectors) {
  // FIPS 180-4 examples.
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Bundle, NativeFormatsParseWithTheirRequiredKeys) {
  auto files = PackBundle();
  int sentinel = 0, kibana = 0, yaral = 0, logscale = 0;
  for (const auto& [path, content] : files) {
    SCOPED_TRACE(path);
    if (path.starts_with("kql/") && path.ends_with(".yaml")) {
      // Azure Sentinel repository analytic rule
      YAML::Node rule = YAML::Load(content);
      ExpectKeys(rule,
                 {"id", "name", "description", "severity", "requiredDataConnectors",
                  "queryFrequency", "queryPeriod", "triggerOperator", "triggerThreshold", "tactics",
                  "relevantTechniques", "query", "version", "kind"},
                 path);
      EXPECT_EQ(rule["kind"].as<std::string>(), "Scheduled");
      ++sentinel;
    } else if (path == "kql/azuredeploy.json") {
      YAML::Node arm = YAML::Load(content);
      ExpectKeys(arm, {"$schema", "contentVersion", "parameters", "resources"}, path);
      ASSERT_TRUE(arm["resources"].IsSequence());
      for (const auto& r : arm["resources"]) {
        ExpectKeys(r["properties"],
                   {"displayName", "query", "queryFrequency", "queryPeriod", "severity",
                    "triggerOperator", "triggerThreshold"},
                   path);
      }
    } else if (path.ends_with("rules.ndjson")) {
      std::istringstream lines(content);
      std::string line;
      while (std::getline(lines, line)) {
        YAML::Node rule = YAML::Load(line);
        ExpectKeys(rule,
                   {"rule_id", "name", "description", "risk_score", "severity", "type", "language",
                    "query", "threat"},
                   path);
        ++kibana;
      }
    } else if (path == "spl/savedsearches.conf") {
      EXPECT_NE(content.find("\nsearch = "), std::string::npos);
      EXPECT_NE(content.find("cron_schedule = "), std::string::npos);
    } else if (path == "aql/saved_searches.json") {
      YAML::Node list = YAML::Load(content);
      ASSERT_TRUE(list.IsSequence());
      for (const auto& s : list) ExpectKeys(s, {"name", "aql", "description"}, path);
    } else if (path == "sumo/scheduled_searches.json") {
      YAML::Node folder = YAML::Load(content);
      ExpectKeys(folder, {"type", "name", "children"}, path);
      for (const auto& c : folder["children"]) {
        ExpectKeys(c, {"type", "name", "search", "searchSchedule"}, path);
        ExpectKeys(c["search"], {"queryText", "defaultTimeRange"}, path);
      }
    } else if (path == "yaral/rule_config.yaml") {
      YAML::Node config = YAML::Load(content);
      ASSERT_TRUE(config.IsMap());
      for (const auto& entry : config) ExpectKeys(entry.second, {"enabled", "alerting"}, path);
    } else if (path.starts_with("yaral/rules/")) {
      // The content manager reads the rule name off the text and wants it to be the file's.
      std::string name = path.substr(12, path.size() - 12 - 6);
      EXPECT_TRUE(content.starts_with("rule " + name + " {")) << path;
      EXPECT_TRUE(content.starts_with("rule "));
      EXPECT_NE(content.find("  meta:\n"), std::string::npos);
      EXPECT_NE(content.find("    description = "), std::string::npos);
      ++yaral;
    } else if (path.starts_with("cql/") && path.ends_with(".yaml")) {
      YAML::Node alert = YAML::Load(content);
      ExpectKeys(alert,
                 {"$schema", "name", "description", "enabled", "throttleTime", "timeInterval",
                  "queryString", "actionNameReferences"},
                 path);
      ++logscale;
    }
  }
  EXPECT_GE(sentinel, 10);
  EXPECT_GE(kibana, 10);
  EXPECT_GE(yaral, 10);
  EXPECT_GE(logscale, 10);
  YAML::Node layer = YAML::Load(files.at("attack-navigator-layer.json"));
  ExpectKeys(layer, {"name", "versions", "domain", "techniques"}, "layer");
  EXPECT_EQ(layer["domain"].as<std::string>(), "enterprise-attack");
}

TEST(Bundle, ManifestHashesTheFilesAndOutputIsDeterministic) {
  auto files = PackBundle();
  YAML::Node manifest = YAML::Load(files.at("manifest.json"));
  size_t listed = 0;
  for (const auto& f : manifest["files"]) {
    std::string path = f["path"].as<std::string>();
    ASSERT_TRUE(files.count(path)) << path;
    EXPECT_EQ(f["sha256"].as<std::string>(), Sha256Hex(files.at(path))) << path;
    ++listed;
  }
  EXPECT_EQ(listed + 1, files.size());  // every file but the manifest itself
  EXPECT_EQ(PackBundle(), files);
}

TEST(Bundle, ComposedDetectionDeploysOnSentinelWithItsListsAsWatchlists) {
  Diagnostics left_out;
  auto files = PackBundle(true, &left_out);
  EXPECT_TRUE(left_out.all().empty());
  const std::string path = "kql/t1586_compromise_accounts_compromised_account_signals.yaml";
  ASSERT_TRUE(files.count(path));
  std::string query = YAML::Load(files.at(path))["query"].as<std::string>();
  EXPECT_LE(query.size(), 10000u);
  EXPECT_NE(query.find("IPAddress in~ ((_GetWatchlist(\"tor_exit_nodes\") | project SearchKey))"),
            std::string::npos);
  // The hosting ASN names are matched by substring: a watchlist cannot say that, so they stay.
  EXPECT_NE(query.find("NetworkLocationDetails contains \"M247\""), std::string::npos);
  ASSERT_TRUE(files.count("kql/watchlists/tor_exit_nodes.csv"));
  ASSERT_TRUE(files.count("kql/watchlists.json"));
  EXPECT_FALSE(files.count("kql/watchlists/hosting_asn_names.csv"));
  EXPECT_TRUE(files.at("kql/watchlists/tor_exit_nodes.csv").starts_with("value\n"));
  YAML::Node arm = YAML::Load(files.at("kql/watchlists.json"));
  bool tor = false;
  for (const auto& r : arm["resources"]) {
    ExpectKeys(r["properties"], {"displayName", "source", "provider", "itemsSearchKey"}, "arm");
    tor = tor || r["properties"]["watchlistAlias"].as<std::string>() == "tor_exit_nodes";
  }
  EXPECT_TRUE(tor);
}

TEST(Bundle, SecOpsRulesReadTheirListsAsReferenceLists) {
  auto files = PackBundle();
  ASSERT_TRUE(files.count("yaral/reference_list_config.yaml"));
  YAML::Node config = YAML::Load(files.at("yaral/reference_list_config.yaml"));
  ASSERT_TRUE(config["tor_exit_nodes"].IsDefined());
  EXPECT_EQ(config["tor_exit_nodes"]["syntax_type"].as<std::string>(),
            "REFERENCE_LIST_SYNTAX_TYPE_PLAIN_TEXT_STRING");
  ASSERT_TRUE(config["corporate_egress_cidr"].IsDefined());
  EXPECT_EQ(config["corporate_egress_cidr"]["syntax_type"].as<std::string>(),
            "REFERENCE_LIST_SYNTAX_TYPE_CIDR");
  EXPECT_EQ(files.at("yaral/reference_lists/corporate_egress_cidr.txt"), "192.0.2.0/24\n");
  bool reads = false;
  for (const auto& [path, content] : files) {
    if (path.starts_with("yaral/rules/")) {
      reads = reads || content.find(" in %tor_exit_nodes nocase") != std::string::npos;
    }
  }
  EXPECT_TRUE(reads);
}

TEST(Bundle, SplunkSearchesReadTheirListsAsLookups) {
  auto files = PackBundle();
  ASSERT_TRUE(files.count("spl/lookups/corporate_egress.csv"));
  EXPECT_EQ(files.at("spl/lookups/corporate_egress.csv"), "value\n192.0.2.0/24\n");
  ASSERT_TRUE(files.count("spl/lookups/tor_exit_nodes.csv"));
  const std::string& conf = files.at("spl/savedsearches.conf");
  EXPECT_NE(conf.find("[| inputlookup tor_exit_nodes.csv | rename value AS properties.ipAddress "
                      "| fields properties.ipAddress]"),
            std::string::npos);
  // Nothing of the Tor list is inlined: its first value appears in the lookup only.
  const std::string& tor = files.at("spl/lookups/tor_exit_nodes.csv");
  std::string first = tor.substr(6, tor.find('\n', 6) - 6);
  EXPECT_EQ(conf.find(first), std::string::npos) << first;
}

TEST(Bundle, LogscaleQueriesReadTheirListsAsLookupFiles) {
  auto files = PackBundle();
  ASSERT_TRUE(files.count("cql/files/corporate_egress.csv"));
  EXPECT_EQ(files.at("cql/files/corporate_egress.csv"), "value\n192.0.2.0/24\n");
  bool reads = false;
  for (const auto& [path, content] : files) {
    if (path.starts_with("cql/") && path.ends_with(".yaml")) {
      reads = reads || content.find(
                           "match(file=\"tor_exit_nodes.csv\", field=\"source.ip\", "
                           "column=\"value\", ignoreCase=true)") != std::string::npos;
    }
  }
  EXPECT_TRUE(reads);
  EXPECT_TRUE(files.count("cql/files/tor_exit_nodes.csv"));
}

TEST(Bundle, QradarSearchesReadTheirListsAsReferenceSets) {
  auto files = PackBundle();
  ASSERT_TRUE(files.count("aql/reference_sets.json"));
  YAML::Node sets = YAML::Load(files.at("aql/reference_sets.json"));
  ASSERT_TRUE(sets.IsSequence());
  bool service_accounts = false;
  for (const auto& set : sets) {
    EXPECT_EQ(set["element_type"].as<std::string>(), "ALN");
    if (set["name"].as<std::string>() != "service_accounts") continue;
    service_accounts = true;
    EXPECT_EQ(set["elements"][0].as<std::string>(), "svc-monitoring@contoso.com");
  }
  EXPECT_TRUE(service_accounts);
  EXPECT_NE(files.at("aql/saved_searches.json")
                .find("REFERENCESETCONTAINS('service_accounts', LOWER(username))"),
            std::string::npos);
}

TEST(Bundle, SumoSearchesReadTheirListsAsLookupTables) {
  auto files = PackBundle();
  ASSERT_TRUE(files.count("sumo/lookup_tables/tor_exit_nodes.json"));
  ASSERT_TRUE(files.count("sumo/lookup_tables/tor_exit_nodes.csv"));
  YAML::Node table = YAML::Load(files.at("sumo/lookup_tables/tor_exit_nodes.json"));
  EXPECT_EQ(table["type"].as<std::string>(), "LookupTableSyncDefinition");
  EXPECT_EQ(table["primaryKeys"][0].as<std::string>(), "value");
  EXPECT_NE(files.at("sumo/scheduled_searches.json")
                .find("lookupContains(path://\\\"/Library/Admin Recommended/refract/"
                      "tor_exit_nodes\\\", properties_ipAddress=value)"),
            std::string::npos);
}

TEST(Bundle, EsqlRulesJoinTheirListsFromLookupIndices) {
  auto files = PackBundle();
  ASSERT_TRUE(files.count("esql/lookup_indices/refract_tor_exit_nodes.json"));
  ASSERT_TRUE(files.count("esql/lookup_indices/refract_tor_exit_nodes.ndjson"));
  EXPECT_NE(files.at("esql/rules.ndjson")
                .find("| EVAL refract_tor_exit_nodes_key = TO_LOWER(TO_STRING(source.ip))\\n| "
                      "LOOKUP JOIN refract_tor_exit_nodes ON refract_tor_exit_nodes_key"),
            std::string::npos);
  // The numeric ASN list stays inline, as numbers: a long column takes no lower-cased key.
  EXPECT_FALSE(files.count("esql/lookup_indices/refract_hosting_asns.json"));
  EXPECT_NE(files.at("esql/rules.ndjson").find("source.as.number IN (1442, "), std::string::npos);
}

TEST(Bundle, InlineListsBreakSentinelsLimit) {
  Diagnostics left_out;
  auto files = PackBundle(false, &left_out);
  ASSERT_EQ(left_out.all().size(), 1u);
  EXPECT_EQ(left_out.all()[0].code, "E0900");
  EXPECT_FALSE(files.count("kql/t1586_compromise_accounts_compromised_account_signals.yaml"));
  EXPECT_FALSE(files.count("kql/watchlists.json"));
}

// A result with one kql query of `length` characters and one spl query, for rule `title`.
FileResult OneRule(const std::string& title, size_t length) {
  FileResult r;
  r.path = "long.yml";
  r.source = std::make_shared<SourceFile>("long.yml", "title: " + title + "\nlogsource: {}\n");
  for (const char* target : {"kql", "spl"}) {
    Output o;
    o.rule_title = title;
    o.target = target;
    o.text = std::string(length, 'x');
    r.outputs.push_back(o);
    r.outcomes.push_back({title, target, true, "", false});
  }
  return r;
}

TEST(Bundle, QueryOverSentinelsLimitIsLeftOutWithAnErrorNamingIt) {
  std::vector<FileResult> results;
  results.push_back(OneRule("Long", 10001));
  results.push_back(OneRule("Fits", 10000));
  std::vector<const Backend*> targets = {FindBackend("kql"), FindBackend("spl")};
  Diagnostics left_out;
  auto files = BuildBundle(results, targets, &left_out);
  ASSERT_EQ(left_out.all().size(), 1u);
  const Diagnostic& d = left_out.all()[0];
  EXPECT_EQ(d.code, "E0900");
  EXPECT_EQ(d.location.file, "long.yml");
  EXPECT_EQ(d.location.line, 1);
  EXPECT_NE(d.message.find("rule 'Long': the kql query is 10001 characters; a Microsoft Sentinel "
                           "scheduled analytic rule's query is at most 10000"),
            std::string::npos)
      << d.message;
  EXPECT_TRUE(files.count("kql/fits.yaml"));
  EXPECT_FALSE(files.count("kql/long.yaml"));
  EXPECT_NE(files.at("spl/savedsearches.conf").find("[Long]"), std::string::npos);
  EXPECT_NE(files.at("coverage.md").find("| Long | ✗ E0900 | ✓ |"), std::string::npos)
      << files.at("coverage.md");
  EXPECT_NE(files.at("coverage.md")
                .find("- Long on kql: E0900 the query is 10001 characters; a Microsoft Sentinel "
                      "scheduled analytic rule's query is at most 10000 ("),
            std::string::npos)
      << files.at("coverage.md");
  EXPECT_EQ(files.at("coverage.md").find("- Fits on"), std::string::npos)
      << files.at("coverage.md");
}

// coverage.md says why each ✗ has no query: the target's first error, or, for a rule that
// compiled and has no output, that correlations read it.
TEST(Bundle, CoverageNamesWhyARuleHasNoQuery) {
  FileResult r;
  r.path = "block.yml";
  r.outcomes.push_back({"Block", "kql", true, "", false});
  r.outcomes.push_back({"Block", "spl", false, "E0500 target 'spl' cannot express x", false});
  std::vector<const Backend*> targets = {FindBackend("kql"), FindBackend("spl")};
  auto files = BuildBundle({r}, targets, nullptr);
  const std::string& md = files.at("coverage.md");
  EXPECT_NE(md.find("| Block | ✗ | ✗ E0500 |"), std::string::npos) << md;
  EXPECT_NE(md.find("- Block on kql: no query of its own: correlations read it"), std::string::npos)
      << md;
  EXPECT_NE(md.find("- Block on spl: E0500 target 'spl' cannot express x\n"), std::string::npos)
      << md;
}

}  // namespace
}  // namespace refract
