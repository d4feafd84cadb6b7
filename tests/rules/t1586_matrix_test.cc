// The T1586 pack's README promises, per rule and target, a query (✓), an approximating query
// (≈, with warning W0501) or a diagnostic (✗). This test translates the pack and holds the
// README's table to what the compiler does.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "backends/backend.h"
#include "compiler/driver/compile.h"
#include "compiler/mapping/mapping.h"
#include "tests/test_util.h"

namespace refract {
namespace {

namespace fs = std::filesystem;

using refract::testing::ReadFile;
using refract::testing::TableCells;
using refract::testing::TitleAt;

TEST(T1586Pack, ReadmeTableMatchesTheCompiler) {
  const fs::path pack = fs::path(REFRACT_SOURCE_DIR) / "rules" / "t1586";
  Session session;
  session.backends = AllBackends();
  Diagnostics setup;
  ASSERT_TRUE(session.Init({}, setup));
  auto placeholders =
      ParsePlaceholders("placeholders.yml", ReadFile(pack / "placeholders.yml"), setup);
  ASSERT_TRUE(placeholders.has_value());
  session.placeholders = *placeholders;
  std::vector<FileResult> results;
  std::map<std::string, std::string> texts;
  for (const auto& entry : fs::directory_iterator(pack)) {
    std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".yml" || name.ends_with(".test.yml") ||
        name == "placeholders.yml") {
      continue;
    }
    texts[entry.path().string()] = ReadFile(entry.path());
    results.push_back(CompileFile(entry.path().string(), session));
  }
  CompileCorrelations(results, session);

  // Signals a union composes have no query of their own where the union has one: "∪".
  std::map<std::string, std::string> title_of;  // correlation name → title
  for (const auto& r : results) {
    for (const auto& c : r.correlations) title_of[c.name] = c.title;
  }
  std::map<std::string, std::string> composed_by;  // part title → union title
  for (const auto& r : results) {
    for (const auto& c : r.correlations) {
      if (c.type != "union") continue;
      for (const auto& ref : c.rules) composed_by[title_of[ref.text]] = c.title;
    }
  }
  std::set<std::pair<std::string, std::string>> queries;  // (title, target)
  std::set<std::pair<std::string, std::string>> approximated;
  std::set<std::string> alerts;  // every rule that alerts (not a building block) needs a row
  for (const auto& r : results) {
    for (const auto& o : r.outputs) {
      queries.insert({o.rule_title, o.target});
      if (o.meta->level != "informational")
        alerts.insert(o.composition.empty() ? o.rule_title : o.composition);
      // A union written one query per signal is the union's query on that target.
      if (!o.composition.empty()) queries.insert({o.composition, o.target});
    }
    for (const auto& d : r.diagnostics.all()) {
      if (d.code != "W0501") continue;
      std::string title = TitleAt(texts[r.path], d.location.line);
      for (const Backend* b : AllBackends()) {
        std::string target(b->id());
        // A folded chain approximates on every target; the others name theirs.
        if (d.message.find("on target '" + target + "'") != std::string::npos ||
            d.message.find("is folded into") != std::string::npos) {
          approximated.insert({title, target});
        }
      }
    }
  }

  std::ifstream readme(pack / "README.md");
  std::string row;
  std::vector<std::string> header;
  std::string actual_table;
  int rows = 0;
  while (std::getline(readme, row)) {
    if (row.rfind("| rule | kql |", 0) == 0) {
      header = TableCells(row);
      continue;
    }
    if (header.empty() || row.rfind("|---", 0) == 0) continue;
    if (row.empty() || row[0] != '|') break;
    std::vector<std::string> cells = TableCells(row);
    ASSERT_EQ(cells.size(), header.size()) << row;
    ++rows;
    const std::string& title = cells[0];
    alerts.erase(title);
    std::string actual = "| " + title + " |";
    for (size_t c = 1; c < cells.size(); ++c) {
      const std::string& target = header[c];
      bool query = queries.count({title, target}) != 0;
      bool approx = approximated.count({title, target}) != 0;
      auto composed = composed_by.find(title);
      bool in_union =
          !query && composed != composed_by.end() && queries.count({composed->second, target}) != 0;
      std::string mark = in_union ? "∪" : !query ? "✗" : approx ? "≈" : "✓";
      actual += " " + mark + " |";
      EXPECT_EQ(cells[c].substr(0, mark.size()), mark)
          << "rule '" << title << "' on " << target << ": the README says '" << cells[c] << "'";
    }
    actual_table += actual + "\n";
  }
  EXPECT_GE(rows, 15) << "the README's rule-by-target table was not found";
  for (const auto& title : alerts)
    ADD_FAILURE() << "rule '" << title << "' has no row in the README's table";
  if (::testing::Test::HasFailure()) std::cout << "the compiler's table:\n" << actual_table;
}

}  // namespace
}  // namespace refract
