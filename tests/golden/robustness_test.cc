// Mutated rules (bytes deleted, duplicated, or replaced by YAML and condition metacharacters)
// must give diagnostics, never a crash or a hang. Deterministic: a fixed seed over the golden
// cases, so a failure reproduces.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "backends/backend.h"
#include "tests/test_util.h"

namespace refract {
namespace {

namespace fs = std::filesystem;

// Inputs the fuzz targets (tools/fuzz.sh) found crashing, kept as regressions: each compiles to
// every target with an error diagnostic and no crash. Named after what they broke.
TEST(Robustness, FuzzFindingsGiveDiagnostics) {
  std::vector<std::string> targets;
  for (const Backend* backend : AllBackends()) targets.emplace_back(backend->id());
  const fs::path dir = fs::path(REFRACT_SOURCE_DIR) / "tests" / "fuzz_findings";
  int files = 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    std::ifstream in(e.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    std::string out = testing::CompileToText(text.str(), targets);
    EXPECT_NE(out.find("error[E"), std::string::npos) << e.path() << "\n" << out;
    ++files;
  }
  EXPECT_GE(files, 1);
}

TEST(Robustness, MutatedRulesGiveDiagnosticsNotCrashes) {
  const std::vector<std::string> sources = refract::testing::ReadYmlFiles({"tests/golden"});
  ASSERT_FALSE(sources.empty());
  std::vector<std::string> targets;
  for (const Backend* backend : AllBackends()) targets.emplace_back(backend->id());
  const std::vector<std::string> junk = {
      "|",       "(", ")",  "*", "?", "\\",   ":",    "-",   "\n",    "[",    "]",
      "{",       "}", "\"", "'", "%", "not ", " of ", "|re", "|cidr", "null", std::string(1, '\0'),
      "\xC3\xA9"};
  static const std::regex kErrorLine(R"(^rule\.yml(:\d+:\d+)?: error\[E\d{4}\]: \S)");
  std::mt19937 random(20261125);
  int compiled = 0;
  for (int i = 0; i < 400; ++i) {
    std::string text =
        refract::testing::Mutate(sources[random() % sources.size()], junk, random, 6, 8, 20);
    std::string out = testing::CompileToText(text, targets);
    ++compiled;
    // Every error names the file (and, where known, line and column) and a stable code.
    std::stringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
      if (line.find("error[") == std::string::npos || line.rfind("    ", 0) == 0) continue;
      EXPECT_TRUE(std::regex_search(line, kErrorLine)) << "malformed diagnostic: " << line;
    }
  }
  EXPECT_EQ(compiled, 400);
}

}  // namespace
}  // namespace refract
