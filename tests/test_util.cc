#include "tests/test_util.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace refract::testing {

std::string CompileToText(std::string_view yaml, std::vector<std::string> targets, EmitStage stage,
                          const std::string& path) {
  Session session;
  for (const auto& id : targets) session.backends.push_back(FindBackend(id));
  session.stage = stage;
  Diagnostics setup;
  if (!session.Init({}, setup)) return "session set-up failed";
  std::vector<FileResult> results;
  results.push_back(CompileText(path, std::string(yaml), session));
  if (stage != EmitStage::kAst) CompileCorrelations(results, session);
  const FileResult& result = results[0];
  std::string out;
  for (const auto& o : result.outputs) out += o.text + (o.text.ends_with('\n') ? "" : "\n");
  for (const auto& d : result.diagnostics.all()) out += RenderText(d, result.source.get());
  return out;
}

std::string RuleWithDetection(std::string_view detection, std::string_view logsource) {
  return fmt::format("title: Test rule\nlogsource: {}\ndetection:\n{}", logsource, detection);
}

namespace {

// Whether every diagnostic in `text` is W0401 (no table mapped; a custom-log table is used).
bool OnlyCustomTableWarnings(const std::string& text) {
  for (size_t at = text.find("]: "); at != std::string::npos; at = text.find("]: ", at + 1)) {
    size_t open = text.rfind('[', at);
    if (open == std::string::npos || text.compare(open + 1, at - open - 1, "W0401") != 0) {
      return false;
    }
  }
  return true;
}

}  // namespace

std::pair<std::string, std::vector<std::string>> CompileWithLists(std::string_view target,
                                                                  std::string_view detection,
                                                                  const ir::Placeholders& lists) {
  Session session;
  session.backends = {FindBackend(target)};
  session.lookups = true;
  session.placeholders = lists;
  Diagnostics setup;
  if (!session.Init({}, setup)) return {"no output: session set-up failed", {}};
  FileResult r = CompileText(
      "rule.yml", RuleWithDetection(detection, "{product: azure, service: signinlogs}"), session);
  if (r.outputs.empty()) return {"no output", {}};
  return {r.outputs[0].text, r.outputs[0].lists};
}

std::string KqlWhere(std::string_view detection, std::string_view logsource) {
  std::string text = CompileToText(RuleWithDetection(detection, logsource));
  const std::string marker = "| where ";
  size_t at = text.find(marker);
  if (at == std::string::npos || text.find("error[") != std::string::npos) return text;
  std::string where = text.substr(at + marker.size());
  // A custom table's W0401 is expected; any other diagnostic stays in the text, so a case fails.
  size_t diagnostic = where.find("\nrule.yml:");
  if (diagnostic != std::string::npos && OnlyCustomTableWarnings(where.substr(diagnostic))) {
    where.erase(diagnostic);
  }
  while (!where.empty() && where.back() == '\n') where.pop_back();
  return where;
}

namespace {

std::vector<std::string> Lines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream in(text);
  std::string line;
  while (std::getline(in, line)) lines.push_back(line);
  return lines;
}

}  // namespace

std::string UnifiedDiff(const std::string& expected, const std::string& actual) {
  std::vector<std::string> a = Lines(expected);
  std::vector<std::string> b = Lines(actual);
  // Longest common subsequence table, then a walk that prints - and + lines with context.
  std::vector<std::vector<int>> lcs(a.size() + 1, std::vector<int>(b.size() + 1, 0));
  for (size_t i = a.size(); i-- > 0;) {
    for (size_t j = b.size(); j-- > 0;) {
      lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  std::string out = "--- expected\n+++ actual\n";
  size_t i = 0;
  size_t j = 0;
  while (i < a.size() || j < b.size()) {
    if (i < a.size() && j < b.size() && a[i] == b[j]) {
      out += "  " + a[i] + "\n";
      ++i;
      ++j;
    } else if (j < b.size() && (i == a.size() || lcs[i][j + 1] >= lcs[i + 1][j])) {
      out += "+ " + b[j++] + "\n";
    } else {
      out += "- " + a[i++] + "\n";
    }
  }
  return out;
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::vector<std::string> ReadYmlFiles(const std::vector<std::string>& folders) {
  std::vector<std::string> texts;
  for (const auto& folder : folders) {
    const auto root = std::filesystem::path(REFRACT_SOURCE_DIR) / folder;
    for (const auto& e : std::filesystem::recursive_directory_iterator(root)) {
      if (e.path().extension() == ".yml") texts.push_back(ReadFile(e.path()));
    }
  }
  std::sort(texts.begin(), texts.end());
  return texts;
}

std::string Mutate(std::string text, const std::vector<std::string>& junk, std::mt19937& random,
                   int max_edits, size_t max_erase, size_t max_copy) {
  int edits = 1 + static_cast<int>(random() % static_cast<unsigned>(max_edits));
  for (int e = 0; e < edits && !text.empty(); ++e) {
    size_t pos = random() % text.size();
    switch (random() % 3) {
      case 0:
        text.erase(pos, 1 + random() % max_erase);
        break;
      case 1:
        text.insert(pos, junk[random() % junk.size()]);
        break;
      default:
        text.insert(pos, text.substr(pos > max_copy ? pos - max_copy : 0, std::min(pos, max_copy)));
    }
  }
  return text;
}

std::string TitleAt(const std::string& text, int line) {
  std::istringstream in(text);
  std::string row, title;
  for (int n = 1; std::getline(in, row); ++n) {
    if (row == "---") title.clear();
    if (title.empty() && row.rfind("title: ", 0) == 0) title = row.substr(7);
    if (n >= line && !title.empty()) return title;
  }
  return title;
}

std::vector<std::string> TableCells(const std::string& row) {
  std::vector<std::string> cells;
  std::string cell;
  for (size_t i = 1; i < row.size(); ++i) {
    if (row[i] == '|' && row[i - 1] != '\\') {
      size_t first = cell.find_first_not_of(' ');
      size_t last = cell.find_last_not_of(' ');
      cells.push_back(first == std::string::npos ? "" : cell.substr(first, last - first + 1));
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  return cells;
}

}  // namespace refract::testing
