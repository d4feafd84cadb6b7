// Golden tests: tests/golden/<feature>/<case>.yml → <case>.<target> per registered target.
// An expected file holds the target's queries followed by every diagnostic of the file. They
// are rewritten only when REFRACT_UPDATE_GOLDEN=1 is set; review every change before commit.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "backends/backend.h"
#include "tests/test_util.h"

namespace refract {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenRoot = fs::path(REFRACT_SOURCE_DIR) / "tests" / "golden";

using refract::testing::ReadFile;

struct GoldenCase {
  fs::path rule;
  std::string target;
};

std::vector<GoldenCase> AllCases() {
  std::vector<GoldenCase> cases;
  for (const auto& entry : fs::recursive_directory_iterator(kGoldenRoot)) {
    if (entry.path().extension() != ".yml") continue;
    for (const Backend* backend : AllBackends()) {
      cases.push_back({entry.path(), std::string(backend->id())});
    }
  }
  std::sort(cases.begin(), cases.end(), [](const GoldenCase& a, const GoldenCase& b) {
    return std::tie(a.rule, a.target) < std::tie(b.rule, b.target);
  });
  return cases;
}

class Golden : public ::testing::TestWithParam<GoldenCase> {};

TEST_P(Golden, MatchesExpected) {
  const GoldenCase& c = GetParam();
  std::string relative = fs::relative(c.rule, kGoldenRoot).generic_string();
  std::string actual =
      testing::CompileToText(ReadFile(c.rule), {c.target}, EmitStage::kQuery, relative);
  fs::path expected_path = c.rule;
  expected_path.replace_extension("." + c.target);
  const char* update = std::getenv("REFRACT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(expected_path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(expected_path))
      << "no expected file " << expected_path.string()
      << " (write it with REFRACT_UPDATE_GOLDEN=1 and review it)";
  std::string expected = ReadFile(expected_path);
  EXPECT_EQ(expected, actual) << relative << " on " << c.target << ":\n"
                              << testing::UnifiedDiff(expected, actual);
}

std::string CaseName(const ::testing::TestParamInfo<GoldenCase>& info) {
  std::string name = fs::relative(info.param.rule, kGoldenRoot).replace_extension("").string() +
                     "_" + info.param.target;
  for (auto& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Cases, Golden, ::testing::ValuesIn(AllCases()), CaseName);

// The correlation IR, as `--emit ir --target kql` prints it (KQL's names): each case of
// tests/golden/correlations/ against its `.kql.ir` file.
class GoldenIr : public ::testing::TestWithParam<fs::path> {};

std::vector<fs::path> CorrelationCases() {
  std::vector<fs::path> cases;
  for (const auto& entry : fs::directory_iterator(kGoldenRoot / "correlations")) {
    if (entry.path().extension() == ".yml") cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

TEST_P(GoldenIr, MatchesExpected) {
  const fs::path& rule = GetParam();
  std::string relative = fs::relative(rule, kGoldenRoot).generic_string();
  std::string actual = testing::CompileToText(ReadFile(rule), {"kql"}, EmitStage::kIr, relative);
  fs::path expected_path = rule;
  expected_path.replace_extension(".kql.ir");
  const char* update = std::getenv("REFRACT_UPDATE_GOLDEN");
  if (update != nullptr && std::string(update) == "1") {
    std::ofstream(expected_path, std::ios::binary) << actual;
    return;
  }
  ASSERT_TRUE(fs::exists(expected_path)) << "no expected file " << expected_path.string();
  std::string expected = ReadFile(expected_path);
  EXPECT_EQ(expected, actual) << relative << ":\n" << testing::UnifiedDiff(expected, actual);
}

std::string IrCaseName(const ::testing::TestParamInfo<fs::path>& param_info) {
  std::string name = param_info.param.stem().string();
  for (auto& ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Correlations, GoldenIr, ::testing::ValuesIn(CorrelationCases()),
                         IrCaseName);

}  // namespace
}  // namespace refract
