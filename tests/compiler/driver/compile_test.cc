// The driver: what a run keeps of its rules for the correlations that read them.
#include "compiler/driver/compile.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "backends/backend.h"
#include "compiler/driver/run.h"

namespace refract {
namespace {

namespace fs = std::filesystem;

// Every output and diagnostic of compiling `files` to every target, printed: the rules' IR kept
// (Session::keep_lowered) or lowered again where a correlation reads them.
std::string CompileRun(const std::vector<fs::path>& files, bool keep_lowered) {
  Session session;
  session.backends = AllBackends();
  session.keep_lowered = keep_lowered;
  Diagnostics setup;
  EXPECT_TRUE(session.Init({}, setup));
  std::vector<std::string> names;
  for (const auto& f : files) names.push_back(f.string());
  EXPECT_TRUE(LoadFolderPlaceholders(names, session.placeholders, setup));
  std::vector<FileResult> results;
  for (const auto& f : names) results.push_back(CompileFile(f, session));
  CompileCorrelations(results, session);
  std::string out;
  for (const auto& r : results) {
    for (const auto& o : r.outputs) out += "## " + o.rule_title + " · " + o.target + "\n" + o.text;
    for (const auto& d : r.diagnostics.all()) out += RenderText(d, r.source.get());
  }
  return out;
}

// The rule files of `folder`, sorted, as `refract translate FOLDER` reads them.
std::vector<fs::path> RuleFiles(const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder)) {
    if (IsRuleFile(entry.path())) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

TEST(CompileCorrelations, EveryCorrelationGoldenIsTheSameWhetherRulesAreKeptOrLoweredAgain) {
  const auto files = RuleFiles(fs::path(REFRACT_SOURCE_DIR) / "tests" / "golden" / "correlations");
  ASSERT_GT(files.size(), 10u);
  for (const auto& file : files) {
    const std::string kept = CompileRun({file}, true);
    EXPECT_NE(kept.find("## "), std::string::npos) << file << " compiled to no query";
    EXPECT_EQ(CompileRun({file}, false), kept) << file;
  }
}

TEST(CompileCorrelations, ThePackReadsRulesOfOtherFilesTheSameWhetherKeptOrLoweredAgain) {
  // The pack's correlations name rules of other files, and some of its rules none reads.
  const auto files = RuleFiles(fs::path(REFRACT_SOURCE_DIR) / "rules" / "t1586");
  ASSERT_GT(files.size(), 10u);
  const std::string kept = CompileRun(files, true);
  // A union of the pack's correlations, on a target that composes it.
  EXPECT_NE(kept.find("## T1586 Compromise Accounts - compromised account signals · kql\n"),
            std::string::npos)
      << kept;
  EXPECT_EQ(CompileRun(files, false), kept);
}

TEST(CompileCorrelations, AFilteredRuleIsReadFilteredWhenLoweredAgain) {
  // A --filter joined into the rule a correlation reads must be in the rule lowered again.
  const auto filter =
      fs::temp_directory_path() / ("refract_compile_filter_" + std::to_string(getpid()) + ".yml");
  std::ofstream(filter) << "title: f\nlogsource: {product: windows}\nfilter:\n"
                           "  rules: [failed_logon]\n  svc: {TargetUserName|startswith: svc_}\n"
                           "  condition: not svc\n";
  const std::string text = R"(title: Failed logon
name: failed_logon
logsource: {product: windows, service: security}
detection:
  selection: {EventID: 4625}
  condition: selection
---
title: Many failed logons
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 10m
  condition: {gte: 10}
)";
  auto run = [&](bool keep_lowered) {
    Session session;
    session.backends = {FindBackend("kql")};
    session.keep_lowered = keep_lowered;
    Diagnostics setup;
    EXPECT_TRUE(session.Init({}, setup) && session.LoadFilters({filter.string()}, setup));
    std::vector<FileResult> results;
    results.push_back(CompileText("rules.yml", text, session));
    CompileCorrelations(results, session);
    std::string out;
    for (const auto& o : results[0].outputs) out += o.text + "\n";
    return out;
  };
  const std::string kept = run(true);
  const std::string again = run(false);
  fs::remove(filter);
  EXPECT_NE(kept.find("not(TargetUserName startswith \"svc_\")"), std::string::npos) << kept;
  EXPECT_NE(kept.find("| where event_count >= 10"), std::string::npos) << kept;
  EXPECT_EQ(again, kept);
}

TEST(CompileCorrelations, AMistypedNameIsAnsweredWithARuleOfAFileNoCorrelationReads) {
  Session session;
  session.backends = {FindBackend("kql")};
  Diagnostics setup;
  ASSERT_TRUE(session.Init({}, setup));
  std::vector<FileResult> results;
  results.push_back(CompileText("rules.yml", R"(title: Failed logon
name: failed_logon
logsource: {product: windows, service: security}
detection:
  selection: {EventID: 4625}
  condition: selection
)",
                                session));
  results.push_back(CompileText("correlation.yml", R"(title: Many failed logons
correlation:
  type: event_count
  rules: [failed_logn]
  group-by: [TargetUserName]
  timespan: 10m
  condition: {gte: 10}
)",
                                session));
  CompileCorrelations(results, session);
  EXPECT_TRUE(results[0].lowered.empty()) << "a rule no correlation names is not kept";
  const auto& said = results[1].diagnostics.all();
  ASSERT_EQ(said.size(), 1u);
  EXPECT_EQ(said[0].code, "E0616");
  ASSERT_FALSE(said[0].notes.empty());
  EXPECT_EQ(said[0].notes[0], "did you mean 'failed_logon'?");
}

}  // namespace
}  // namespace refract
