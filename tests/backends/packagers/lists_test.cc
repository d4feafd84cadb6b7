// The list packagers: each list a query reads, in the platform's import form.
#include <gtest/gtest.h>

#include "backends/packagers/packagers.h"

namespace refract::packagers {
namespace {

// The files `package` writes for one output that reads `reads` of `lists`.
BundleFiles Package(ListPackager package, std::vector<std::string> reads,
                    const ir::Placeholders& lists) {
  Output o;
  o.lists = std::move(reads);
  BundleFiles files;
  package({&o}, "out", lists, files);
  return files;
}

TEST(QradarReferenceSets, ACaseInsensitiveSetHoldsEachLowerCasedValueOnce) {
  auto files = Package(QradarReferenceSets, {"users"}, {{"users", {"A@x", "b@x", "a@X"}}});
  EXPECT_EQ(files.at("out/reference_sets.json"),
            "[\n  {\"name\": \"users\", \"element_type\": \"ALN\", \"elements\": [\"a@x\", "
            "\"b@x\"]}\n]\n");
}

TEST(QradarReferenceSets, ACasedSetKeepsTheValuesAsTheyAre) {
  auto files = Package(QradarReferenceSets, {"cased:users"}, {{"users", {"A@x", "a@X"}}});
  EXPECT_EQ(files.at("out/reference_sets.json"),
            "[\n  {\"name\": \"users_cased\", \"element_type\": \"ALN\", \"elements\": [\"A@x\", "
            "\"a@X\"]}\n]\n");
}

TEST(SplunkLookups, AListIsOneColumnOfQuotedCsv) {
  auto files = Package(SplunkLookups, {"names"}, {{"names", {"a,b", "say \"hi\"", "c"}}});
  EXPECT_EQ(files.at("out/lookups/names.csv"), "value\n\"a,b\"\n\"say \"\"hi\"\"\"\nc\n");
}

TEST(LogscaleFiles, AListIsOneColumnCsvUnderFiles) {
  auto files = Package(LogscaleFiles, {"nets"}, {{"nets", {"192.0.2.0/24"}}});
  EXPECT_EQ(files.at("out/files/nets.csv"), "value\n192.0.2.0/24\n");
}

TEST(SumoLookupTablesPackager, ATableIsItsDefinitionAndItsRows) {
  auto files = Package(SumoLookupTables, {"users"}, {{"users", {"a@x"}}});
  EXPECT_EQ(
      files.at("out/lookup_tables/users.json"),
      "{\"type\": \"LookupTableSyncDefinition\", \"name\": \"users\", \"description\": "
      "\"The |expand placeholder %users% of the rules that read it, 1 value(s)\", \"fields\": "
      "[{\"fieldName\": \"value\", \"fieldType\": \"string\"}], \"primaryKeys\": "
      "[\"value\"], \"ttl\": 0, \"sizeLimitAction\": \"StopIncomingMessages\"}\n");
  EXPECT_EQ(files.at("out/lookup_tables/users.csv"), "value\na@x\n");
}

TEST(KibanaLookupIndices, AnIndexInLookupModeHoldsEachLowerCasedValueOnce) {
  auto files = Package(KibanaLookupIndices, {"users"}, {{"users", {"A@x", "a@X", "b@x"}}});
  EXPECT_EQ(files.at("out/lookup_indices/refract_users.json"),
            "{\"settings\": {\"index\": {\"mode\": \"lookup\"}}, \"mappings\": {\"properties\": "
            "{\"refract_users_key\": {\"type\": \"keyword\"}, \"refract_users_hit\": {\"type\": "
            "\"boolean\"}}}}\n");
  EXPECT_EQ(files.at("out/lookup_indices/refract_users.ndjson"),
            "{\"index\": {}}\n{\"refract_users_key\": \"a@x\", \"refract_users_hit\": true}\n"
            "{\"index\": {}}\n{\"refract_users_key\": \"b@x\", \"refract_users_hit\": true}\n");
}

TEST(ListPackagers, AListNoQueryReadsIsNotWritten) {
  auto files = Package(SplunkLookups, {}, {{"names", {"a"}}});
  EXPECT_TRUE(files.empty());
}

}  // namespace
}  // namespace refract::packagers
