// docs/correlations.md promises, per correlation type and target, a query (✓), a query that
// approximates (≈, warning W0501 naming the target or the fold) or a diagnostic (✗). This test
// translates one golden correlation per row and holds the table's cells to what the compiler
// does.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "backends/backend.h"
#include "compiler/driver/compile.h"
#include "tests/test_util.h"

namespace refract {
namespace {

namespace fs = std::filesystem;

using refract::testing::TableCells;
using refract::testing::TitleAt;

// A row of the matrix and the golden correlation (file, title) that stands for it.
struct Row {
  std::string type;
  std::string file;
  std::string title;
};

const std::vector<Row>& Rows() {
  static const std::vector<Row> rows = {
      {"event_count", "logon_correlations.yml", "Many failed logons for one account"},
      {"value_count", "spec_examples.yml", "Failed logons from one source with different users"},
      {"value_sum", "spec_examples.yml", "Large outbound volume per host"},
      {"value_avg", "spec_examples.yml", "High average port per host"},
      {"value_percentile", "spec_examples.yml", "Unusual 99th percentile port per host"},
      {"temporal", "spec_examples.yml", "Reconnaissance commands from three rules"},
      {"temporal_ordered", "logon_correlations.yml", "Failed logons then a success"},
      {"chained event_count, folded", "spec_examples.yml",
       "Many failed logons followed by a successful one"},
      {"refract `union` of aggregates", "union.yml", "Sign-in signals"},
      {"refract `consecutive`", "consecutive.yml", "Impossible travel by speed"},
  };
  return rows;
}

// What the compiler does for each (title, target): "✓", "≈" or "✗".
std::map<std::pair<std::string, std::string>, std::string> Marks(const fs::path& file) {
  Session session;
  session.backends = AllBackends();
  Diagnostics setup;
  EXPECT_TRUE(session.Init({}, setup));
  std::vector<FileResult> results;
  results.push_back(CompileFile(file.string(), session));
  CompileCorrelations(results, session);
  const std::string text = refract::testing::ReadFile(file);
  std::set<std::pair<std::string, std::string>> queries;
  std::set<std::pair<std::string, std::string>> approximated;
  for (const auto& o : results[0].outputs) {
    queries.insert({o.rule_title, o.target});
    if (!o.composition.empty()) queries.insert({o.composition, o.target});
  }
  for (const auto& d : results[0].diagnostics.all()) {
    if (d.code != "W0501") continue;
    std::string title = TitleAt(text, d.location.line);
    for (const Backend* b : AllBackends()) {
      std::string target(b->id());
      if (d.message.find("on target '" + target + "'") != std::string::npos ||
          d.message.find("is folded into") != std::string::npos) {
        approximated.insert({title, target});
      }
    }
  }
  std::map<std::pair<std::string, std::string>, std::string> marks;
  for (const Backend* b : AllBackends()) {
    for (const auto& [title, target] : queries) {
      if (target != b->id()) continue;
      marks[{title, target}] = approximated.count({title, target}) ? "≈" : "✓";
    }
  }
  return marks;
}

TEST(CorrelationMatrix, DocsTableMatchesTheCompiler) {
  const fs::path root = fs::path(REFRACT_SOURCE_DIR);
  std::ifstream doc(root / "docs" / "correlations.md");
  std::string line;
  std::vector<std::string> header;
  std::map<std::string, std::vector<std::string>> table;
  while (std::getline(doc, line)) {
    if (line.rfind("| type | kql |", 0) == 0) {
      header = TableCells(line);
      continue;
    }
    if (header.empty() || line.rfind("|---", 0) == 0) continue;
    if (line.empty() || line[0] != '|') break;
    std::vector<std::string> cells = TableCells(line);
    ASSERT_EQ(cells.size(), header.size()) << line;
    table[cells[0]] = cells;
  }
  ASSERT_EQ(header.size(), AllBackends().size() + 1) << "one column per target";
  std::map<std::string, std::map<std::pair<std::string, std::string>, std::string>> by_file;
  for (const Row& row : Rows()) {
    ASSERT_TRUE(table.count(row.type)) << "no row '" << row.type << "' in docs/correlations.md";
    if (!by_file.count(row.file)) {
      by_file[row.file] = Marks(root / "tests" / "golden" / "correlations" / row.file);
    }
    const auto& marks = by_file[row.file];
    for (size_t c = 1; c < header.size(); ++c) {
      auto it = marks.find({row.title, header[c]});
      std::string mark = it == marks.end() ? "✗" : it->second;
      EXPECT_EQ(table[row.type][c].substr(0, mark.size()), mark)
          << row.type << " on " << header[c] << ": the docs say '" << table[row.type][c]
          << "', the compiler gives " << mark << " for '" << row.title << "'";
    }
  }
  EXPECT_EQ(table.size(), Rows().size()) << "every row of the matrix is checked";
}

}  // namespace
}  // namespace refract
