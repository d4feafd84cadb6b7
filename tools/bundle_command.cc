// `refract bundle`: every rule's query in each platform's import format, a manifest, a coverage
// table and an ATT&CK Navigator layer, written to a temporary folder and moved into place only
// when complete; `--check` compares with an existing bundle instead (for CI).
#include "tools/bundle_command.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>
#include <sstream>

#include "compiler/bundle/bundle.h"
#include "compiler/diagnostics/codes.h"
#include "tools/cli.h"

namespace refract::cli {
namespace {

namespace fs = std::filesystem;

// Every regular file under `dir`, by path relative to it.
std::map<std::string, std::string> ReadTree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::end(it);
       it.increment(ec)) {
    if (!it->is_regular_file(ec)) continue;
    std::ifstream in(it->path(), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    out[fs::relative(it->path(), dir, ec).generic_string()] = buffer.str();
  }
  return out;
}

// Writes the bundle beside `dir`, then swaps it in: a failed or killed run leaves the old
// bundle (or none) in place, never a half-written one. Returns the reason when it cannot.
std::optional<std::string> WriteBundle(const fs::path& dir,
                                       const std::map<std::string, std::string>& files) {
  std::error_code ec;
  fs::path tmp = dir;
  tmp += fmt::format(".tmp-{}", getpid());
  fs::remove_all(tmp, ec);
  for (const auto& [path, content] : files) {
    fs::path file = tmp / path;
    fs::create_directories(file.parent_path(), ec);
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << content;
    if (!out.flush()) {
      std::string reason = std::strerror(errno);
      fs::remove_all(tmp, ec);
      return reason;
    }
  }
  fs::path old = dir;
  old += fmt::format(".old-{}", getpid());
  bool had = fs::exists(dir, ec);
  if (had) fs::rename(dir, old, ec);
  if (!ec) fs::rename(tmp, dir, ec);
  if (ec) {
    std::string reason = ec.message();
    if (had) fs::rename(old, dir, ec);
    fs::remove_all(tmp, ec);
    return reason;
  }
  if (had) fs::remove_all(old, ec);
  return std::nullopt;
}

// What a target cannot express leaves that rule out of that target's folder; other errors
// stop the bundle.
bool TargetLimit(const Diagnostic& d) { return IsTargetLimit(d.code); }

}  // namespace

int Bundle(int argc, char** argv) {
  std::vector<std::string> paths;
  std::vector<std::string> targets = {"all"};
  std::vector<std::string> mappings;
  std::string out_dir;
  bool check = false;
  bool quiet = false;
  bool inline_lists = false;
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::optional<std::string> {
      if (i + 1 >= argc) return std::nullopt;
      return std::string(argv[++i]);
    };
    if (a == "-o" || a == "--output") {
      auto v = value();
      if (!v) return UsageError("-o needs a folder");
      out_dir = *v;
    } else if (a == "--target" || a == "-t") {
      auto v = value();
      if (!v) return UsageError("--target needs a target id");
      targets = SplitCommas(*v);
    } else if (a == "--mapping") {
      auto v = value();
      if (!v) return UsageError("--mapping needs a profile name or a file");
      mappings.push_back(*v);
    } else if (a == "--check") {
      check = true;
    } else if (a == "--inline-lists") {
      inline_lists = true;
    } else if (a == "-q" || a == "--quiet") {
      quiet = true;
    } else if (!a.empty() && a[0] == '-' && a != "-") {
      return UnknownOption(
          a, "bundle",
          {"--output", "--target", "--mapping", "--check", "--inline-lists", "--quiet", "--help"});
    } else {
      paths.push_back(a);
    }
  }
  if (paths.empty()) return UsageError("bundle needs at least one rule file or folder");
  if (out_dir.empty()) return UsageError("bundle needs -o DIR");
  while (out_dir.size() > 1 && out_dir.back() == '/') out_dir.pop_back();

  Session session;
  // |expand lists are deployed as the platforms' reference data where refract can read them
  // there (Sentinel watchlists); --inline-lists writes their values into the queries instead.
  session.lookups = !inline_lists;
  if (auto error = SelectBackends(targets, session)) return UsageError(*error);
  Diagnostics setup;
  std::vector<std::string> files;
  if (auto error = CollectFiles(paths, &files)) return InputError(*error);
  if (files.empty()) return NoRulesError(paths);
  bool ok =
      session.Init(mappings, setup) && LoadFolderPlaceholders(files, session.placeholders, setup);
  for (const auto& d : setup.all()) std::cerr << RenderText(d, nullptr, ColorFor(STDERR_FILENO));
  if (!ok) return kExitUsage;

  std::vector<FileResult> results = CompileAll(files, session);
  if (HoldsNoDocument(results)) return NoRulesError(paths, "Sigma rule");
  size_t errors = 0;
  for (const auto& r : results) {
    for (const auto& d : r.diagnostics.all()) {
      if (d.severity == Severity::kError && !TargetLimit(d)) {
        ++errors;
        std::cerr << RenderText(d, r.source.get(), ColorFor(STDERR_FILENO));
      }
    }
  }
  if (errors > 0) {
    std::cerr << fmt::format("refract bundle: {} error(s); no bundle written\n", errors);
    return kExitRuleErrors;
  }
  Diagnostics left_out;
  std::map<std::string, std::string> bundle =
      BuildBundle(results, session.backends, &left_out, &session.placeholders);
  // A query over its platform's limit is that rule's error on that platform, as what a target
  // cannot express is: reported, left out, the rest of the bundle written.
  for (const auto& d : left_out.all()) {
    const SourceFile* source = nullptr;
    for (const auto& r : results) {
      if (r.path == d.location.file) source = r.source.get();
    }
    std::cerr << RenderText(d, source, ColorFor(STDERR_FILENO));
  }

  if (check) {
    std::map<std::string, std::string> existing = ReadTree(out_dir);
    std::vector<std::string> stale;
    for (const auto& [path, content] : bundle) {
      auto it = existing.find(path);
      if (it == existing.end()) {
        stale.push_back("missing: " + path);
      } else if (it->second != content) {
        stale.push_back("changed: " + path);
      }
    }
    for (const auto& [path, content] : existing) {
      if (bundle.count(path) == 0) stale.push_back("extra: " + path);
    }
    for (const auto& line : stale) std::cout << line << "\n";
    std::cerr << (stale.empty() ? fmt::format("refract bundle: {} is up to date\n", out_dir)
                                : fmt::format("refract bundle: {} is stale ({} file(s))\n", out_dir,
                                              stale.size()));
    return stale.empty() ? kExitOk : kExitRuleErrors;
  }
  if (auto reason = WriteBundle(out_dir, bundle)) {
    std::cerr << "refract: cannot write the bundle to " << out_dir << ": " << *reason << "\n";
    return kExitRuleErrors;
  }
  if (!quiet) {
    std::cerr << fmt::format("refract bundle: {} file(s) in {}\n", bundle.size(), out_dir);
  }
  return kExitOk;
}

}  // namespace refract::cli
