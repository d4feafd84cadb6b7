#include "compiler/driver/run.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

#include "backends/backend.h"
#include "compiler/load/loader.h"
#include "compiler/mapping/mapping.h"

namespace refract {

namespace fs = std::filesystem;

// A rule test case file (`refract test`): NAME.test.yml beside the rules it tests.
bool IsTestFile(const fs::path& p) {
  std::string name = p.filename().string();
  return name.ends_with(".test.yml") || name.ends_with(".test.yaml");
}

// A folder's placeholder values (`placeholders.yml`: name → list), read for its rules.
bool IsPlaceholdersFile(const fs::path& p) {
  std::string name = p.filename().string();
  return name == "placeholders.yml" || name == "placeholders.yaml";
}

bool IsRuleFile(const fs::path& p) {
  std::string ext = p.extension().string();
  return (ext == ".yml" || ext == ".yaml") && !IsTestFile(p) && !IsPlaceholdersFile(p);
}

// Loads the placeholders.yml beside each rule file (once per folder) into `placeholders`; a
// value already set (by --placeholders) wins. Reports problems; returns false on error.
bool LoadFolderPlaceholders(const std::vector<std::string>& rule_files,
                            ir::Placeholders& placeholders, Diagnostics& diagnostics) {
  // Folders in path order (which placeholder file wins a name depends on it), each compared as
  // a path once: a run's thousands of files lie in a few hundred folders.
  std::set<std::string_view> seen;
  std::set<fs::path> folders;
  for (const auto& f : rule_files) {
    // A rule read from standard input has no folder of its own.
    if (f == kStandardInput) continue;
    const size_t slash = f.rfind('/');
    if (seen.insert(std::string_view(f).substr(0, slash == std::string::npos ? 0 : slash)).second) {
      folders.insert(fs::path(f).parent_path());
    }
  }
  bool ok = true;
  for (const auto& folder : folders) {
    for (const char* name : {"placeholders.yml", "placeholders.yaml"}) {
      fs::path file = folder / name;
      std::error_code ec;
      if (!fs::is_regular_file(file, ec)) continue;
      std::ifstream in(file, std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      auto parsed = ParsePlaceholders(file.string(), buffer.str(), diagnostics);
      if (!parsed) {
        ok = false;
        continue;
      }
      for (auto& [key, values] : *parsed) placeholders.try_emplace(key, values);
    }
  }
  return ok;
}

// Expands folders into the files `wanted` accepts (rule files by default), sorted, so runs are
// deterministic.
std::optional<std::string> CollectFiles(const std::vector<std::string>& paths,
                                        std::vector<std::string>* files,
                                        bool (*wanted)(const fs::path&)) {
  for (const auto& path : paths) {
    std::error_code ec;
    if (path == kStandardInput) {
      if (std::find(files->begin(), files->end(), path) != files->end()) {
        return "standard input (-) can be read once";
      }
      files->push_back(path);
    } else if (fs::is_directory(path, ec)) {
      std::vector<std::string> found;
      for (auto it = fs::recursive_directory_iterator(
               path, fs::directory_options::skip_permission_denied, ec);
           it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (ec) break;
        if (it->is_regular_file(ec) && wanted(it->path())) found.push_back(it->path().string());
      }
      std::sort(found.begin(), found.end());
      files->insert(files->end(), found.begin(), found.end());
    } else if (fs::exists(path, ec)) {
      files->push_back(path);
    } else {
      return "no such file or folder: " + path;
    }
  }
  return std::nullopt;
}

std::optional<std::string> SelectBackends(const std::vector<std::string>& ids, Session& session) {
  if (std::find(ids.begin(), ids.end(), "all") != ids.end()) {
    session.backends = AllBackends();
    return std::nullopt;
  }
  for (const auto& id : ids) {
    const Backend* backend = FindBackend(id);
    if (backend == nullptr) {
      std::vector<std::string_view> known;
      for (const Backend* b : AllBackends()) known.push_back(b->id());
      std::string hint = ClosestMatch(id, known);
      return "unknown target '" + id + "'" +
             (hint.empty() ? "" : "; did you mean '" + hint + "'?") +
             " ('refract list targets' lists them)";
    }
    if (std::find(session.backends.begin(), session.backends.end(), backend) ==
        session.backends.end()) {
      session.backends.push_back(backend);
    }
  }
  return std::nullopt;
}

std::vector<FileResult> CompileAll(const std::vector<std::string>& files, const Session& session,
                                   unsigned jobs) {
  std::vector<FileResult> results(files.size());
  if (jobs == 0) jobs = std::max(1u, std::thread::hardware_concurrency());
  jobs = std::min<unsigned>(jobs, static_cast<unsigned>(std::max<size_t>(files.size(), 1)));
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (size_t i = next++; i < files.size(); i = next++) {
      results[i] = CompileFile(files[i], session);
    }
  };
  // On a terminal, a long run shows how many files are done; redirected, it stays quiet.
  std::atomic<bool> done{false};
  std::thread progress;
  if (files.size() >= 500 && isatty(STDERR_FILENO) != 0) {
    progress = std::thread([&] {
      while (!done) {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        size_t at = std::min(next.load(), files.size());
        if (!done) std::cerr << "\r" << at << "/" << files.size() << " files" << std::flush;
      }
      std::cerr << "\r" << std::string(40, ' ') << "\r" << std::flush;
    });
  }
  std::vector<std::thread> workers;
  for (unsigned j = 1; j < jobs; ++j) workers.emplace_back(work);
  work();
  for (auto& w : workers) w.join();
  done = true;
  if (progress.joinable()) progress.join();
  if (session.stage != EmitStage::kAst) CompileCorrelations(results, session);
  return results;
}

}  // namespace refract
