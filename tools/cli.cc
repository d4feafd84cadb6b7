#include "tools/cli.h"

#include <fmt/format.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iostream>
#include <sstream>

namespace refract::cli {

namespace fs = std::filesystem;

namespace {

// The temporary file being written, for the signal handler: unlink() is async-signal-safe.
char g_temporary[4096];
volatile sig_atomic_t g_writing = 0;

void RemoveTemporaryAndStop(int sig) {
  if (g_writing) unlink(g_temporary);
  signal(sig, SIG_DFL);
  raise(sig);
}

constexpr std::string_view kTemporaryMark = ".refract-tmp-";

}  // namespace

void RemoveTemporariesOnSignal() {
  struct sigaction action {};
  action.sa_handler = RemoveTemporaryAndStop;
  sigemptyset(&action.sa_mask);
  for (int sig : {SIGINT, SIGTERM, SIGHUP}) sigaction(sig, &action, nullptr);
}

void RemoveStaleTemporaries(const fs::path& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  std::vector<fs::path> stale;
  for (auto it = fs::recursive_directory_iterator(dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    const std::string name = it->path().filename().string();
    size_t at = name.rfind(kTemporaryMark);
    if (at == std::string::npos) continue;
    const std::string pid_text = name.substr(at + kTemporaryMark.size());
    // Linux pids have at most 7 digits (pid_max is at most 2^22); a longer number is no pid of
    // ours, and would overflow stol.
    if (pid_text.empty() || pid_text.size() > 9 ||
        pid_text.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const auto pid = static_cast<pid_t>(std::stol(pid_text));
    // Another live run's file is its own; a dead run's is left over.
    if (pid != getpid() && kill(pid, 0) != 0 && errno == ESRCH) stale.push_back(it->path());
  }
  for (const auto& p : stale) fs::remove(p, ec);
}

int UsageError(const std::string& message) {
  std::cerr << "refract: " << message << "\n"
            << "try 'refract --help'\n";
  return kExitUsage;
}

int InputError(const std::string& message) {
  std::cerr << "refract: " << message << "\n";
  return kExitRuleErrors;
}

namespace {
ColorMode g_color = ColorMode::kAuto;
}  // namespace

void SetColorMode(ColorMode mode) { g_color = mode; }

bool ColorFor(int fd) {
  if (g_color != ColorMode::kAuto) return g_color == ColorMode::kAlways;
  // https://no-color.org: a NO_COLOR that is set and not empty turns colour off.
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::string_view(term) == "dumb") return false;
  return isatty(fd) != 0;
}

int NoRulesError(const std::vector<std::string>& paths, std::string_view what) {
  std::string list;
  for (const auto& p : paths) list += (list.empty() ? "" : ", ") + p;
  return UsageError(fmt::format("no {} found in {}", what, list));
}

bool HoldsNoDocument(const std::vector<FileResult>& results) {
  return std::all_of(results.begin(), results.end(), [](const FileResult& r) {
    return r.documents == 0 && r.diagnostics.all().empty();
  });
}

int UnknownOption(const std::string& option, const std::string& command,
                  const std::vector<std::string_view>& known) {
  std::string flag = option.substr(0, option.find('='));
  std::string hint = ClosestMatch(flag, known);
  return UsageError(fmt::format("unknown option '{}' for {}{}", option, command,
                                hint.empty() ? "" : "; did you mean '" + hint + "'?"));
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

std::optional<std::string> WriteAtomically(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return ec.message();
  const fs::path tmp = path.parent_path() /
                       fmt::format(".{}{}{}", path.filename().string(), kTemporaryMark, getpid());
  const std::string tmp_text = tmp.string();
  if (tmp_text.size() >= sizeof g_temporary) return std::string("the path is too long");
  std::memcpy(g_temporary, tmp_text.c_str(), tmp_text.size() + 1);
  g_writing = 1;
  std::optional<std::string> error;
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (out) {
      out << text;
      if (!text.empty() && text.back() != '\n') out << '\n';
      out.flush();
    }
    if (!out) error = std::strerror(errno);
  }
  if (!error) {
    fs::rename(tmp, path, ec);
    if (ec) error = ec.message();
  }
  if (error) fs::remove(tmp, ec);
  g_writing = 0;
  return error;
}

}  // namespace refract::cli
