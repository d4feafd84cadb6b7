// Translates a Sigma corpus (the rules* folders of a SigmaHQ checkout) and prints, per target,
// how many rules yielded a query, how many of those name a column the target's table or index
// lacks (warning W0402), and which diagnostics stopped the rest.
//
//   corpus_report [--target ID[,ID...]|all] [--min-percent P] CORPUS_DIR
//
// Exits 1 when a target is below --min-percent, 77 when CORPUS_DIR does not exist.
#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <thread>

#include "backends/backend.h"
#include "compiler/driver/compile.h"

namespace fs = std::filesystem;
using namespace refract;

namespace {

struct Tally {
  int rules = 0;
  int queries = 0;
  int field_warnings = 0;  // queries that name a column their table or index lacks
  std::map<std::string, int> failures_by_code;
  std::map<std::string, std::string> example_by_code;
};

}  // namespace

int main(int argc, char** argv) {
  std::string targets = "kql";
  double min_percent = 0;
  std::string corpus;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--target" && i + 1 < argc) {
      targets = argv[++i];
    } else if (a == "--min-percent" && i + 1 < argc) {
      min_percent = std::stod(argv[++i]);
    } else {
      corpus = a;
    }
  }
  if (corpus.empty() || !fs::is_directory(corpus)) {
    std::cout << "skipped: no corpus folder at '" << corpus << "'\n";
    return 77;
  }
  Session session;
  if (targets == "all") {
    session.backends = AllBackends();
  } else {
    std::stringstream in(targets);
    std::string id;
    while (std::getline(in, id, ',')) {
      const Backend* backend = FindBackend(id);
      if (backend == nullptr) {
        std::cerr << "unknown target " << id << "\n";
        return 2;
      }
      session.backends.push_back(backend);
    }
  }
  Diagnostics setup;
  if (!session.Init({}, setup)) return 2;

  std::vector<std::string> files;
  for (const auto& top : fs::directory_iterator(corpus)) {
    if (!top.is_directory() || top.path().filename().string().rfind("rules", 0) != 0) continue;
    for (const auto& e : fs::recursive_directory_iterator(top.path())) {
      auto ext = e.path().extension();
      if (e.is_regular_file() && (ext == ".yml" || ext == ".yaml")) {
        files.push_back(e.path().string());
      }
    }
  }
  std::sort(files.begin(), files.end());

  std::vector<FileResult> results(files.size());
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++)
      results[i] = CompileFile(files[i], session);
  };
  std::vector<std::thread> workers;
  for (unsigned j = 1; j < std::max(1u, std::thread::hardware_concurrency()); ++j) {
    workers.emplace_back(work);
  }
  work();
  for (auto& w : workers) w.join();
  CompileCorrelations(results, session);

  std::map<std::string, Tally> tallies;
  for (const auto& r : results) {
    std::set<std::string> codes;
    std::string first_message;
    for (const auto& d : r.diagnostics.all()) {
      if (d.severity != Severity::kError) continue;
      codes.insert(d.code);
      if (first_message.empty()) first_message = d.code + " " + d.message;
    }
    for (const Backend* backend : session.backends) {
      std::string target(backend->id());
      Tally& t = tallies[target];
      int seen = 0;
      for (const auto& o : r.outcomes) {
        if (o.target != target) continue;
        ++seen;
        ++t.rules;
        if (o.ok) {
          ++t.queries;
          if (o.field_warning) ++t.field_warnings;
          continue;
        }
        std::string error = o.error.empty() ? first_message : o.error;
        std::string code = error.substr(0, error.find(' '));
        if (code.empty()) code = "none";
        ++t.failures_by_code[code];
        t.example_by_code.emplace(code, r.path + ": " + error);
      }
      if (seen == 0) {  // the file did not load, so no rule in it reached a target
        ++t.rules;
        std::string code = codes.empty() ? "none" : *codes.begin();
        ++t.failures_by_code[code];
        t.example_by_code.emplace(code, r.path + ": " + first_message);
      }
    }
  }

  bool below = false;
  std::cout << fmt::format("{} rule files under {}/rules*\n", files.size(), corpus);
  for (const Backend* backend : session.backends) {
    const Tally& t = tallies[std::string(backend->id())];
    double percent = t.rules == 0 ? 0 : 100.0 * t.queries / t.rules;
    std::cout << fmt::format(
        "{:<8} rules {:>5}  queries {:>5}  ({:.2f}%)  with a field warning {:>4}  refused {:>4}\n",
        backend->id(), t.rules, t.queries, percent, t.field_warnings, t.rules - t.queries);
    for (const auto& [code, count] : t.failures_by_code) {
      std::cout << fmt::format("    {:>5}  {}   e.g. {}\n", count, code,
                               t.example_by_code.at(code));
    }
    if (percent < min_percent) {
      below = true;
      std::cout << fmt::format("    below the required {:.2f}%\n", min_percent);
    }
  }
  return below ? 1 : 0;
}
