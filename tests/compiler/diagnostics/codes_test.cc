// The table of diagnostic codes is complete: every code the sources report is in it, and every
// code in it is documented.
#include "compiler/diagnostics/codes.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <set>

#include "tests/test_util.h"

namespace refract {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = REFRACT_SOURCE_DIR;

// Every code the sources of `folder` spell as "E0203" or [E0203].
std::set<std::string> CodesUsedIn(const fs::path& folder) {
  static const std::regex kCode(R"((?:"|\[)([EW]\d{4})(?:"|\]))");
  std::set<std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(folder)) {
    if (e.path().extension() != ".cc" || e.path().filename() == "codes.cc") continue;
    std::string text = refract::testing::ReadFile(e.path());
    for (std::sregex_iterator it(text.begin(), text.end(), kCode), end; it != end; ++it) {
      out.insert((*it)[1]);
    }
  }
  return out;
}

TEST(DiagnosticCodes, SortedAndUnique) {
  const auto& all = DiagnosticCodes();
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i - 1].code, all[i].code);
  for (const auto& c : all) {
    EXPECT_FALSE(c.summary.empty()) << c.code;
    EXPECT_FALSE(c.description.empty()) << c.code;
  }
}

TEST(DiagnosticCodes, EveryCodeTheSourcesReportIsInTheTable) {
  std::set<std::string> used;
  for (const char* dir : {"compiler", "backends", "tools"}) used.merge(CodesUsedIn(kSource / dir));
  EXPECT_GT(used.size(), 40u);
  for (const auto& code : used) EXPECT_NE(FindDiagnosticCode(code), nullptr) << code;
  EXPECT_EQ(FindDiagnosticCode("E9999"), nullptr);
}

TEST(DiagnosticCodes, EveryCodeIsDocumented) {
  std::string docs;
  for (const char* f : {"diagnostics.md", "correlations.md", "rule-language.md", "bundle.md"}) {
    docs += refract::testing::ReadFile(kSource / "docs" / f);
  }
  // Ranges in the table ("W0801–W0807") document every code between their ends.
  static const std::regex kRange(R"(([EW])(\d{4})–[EW](\d{4}))");
  std::set<std::string> documented;
  for (std::sregex_iterator it(docs.begin(), docs.end(), kRange), end; it != end; ++it) {
    for (int n = std::stoi((*it)[2]); n <= std::stoi((*it)[3]); ++n) {
      documented.insert((*it)[1].str() + std::string(4 - std::to_string(n).size(), '0') +
                        std::to_string(n));
    }
  }
  for (const auto& c : DiagnosticCodes()) {
    std::string code(c.code);
    EXPECT_TRUE(documented.count(code) || docs.find(code) != std::string::npos) << code;
  }
}

}  // namespace
}  // namespace refract
