#include "tools/cli.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <signal.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <set>
#include <sstream>
#include <thread>

namespace refract::cli {

namespace fs = std::filesystem;

namespace {

constexpr std::string_view kTemporaryMark = ".refract-tmp-";

// A signal that stops the run must not leave a temporary file, yet the other writer threads
// keep running while one thread handles it: a writer could create its file just after the
// handler looked. So the handler closes every writer slot (lock-free atomics are
// async-signal-safe): a slot that was idle takes no more files, and a slot in the middle of a
// file finishes it (renamed into place, or removed) first. The last of the handler and those
// writers to let go re-raises the signal with its default action.
enum SlotState : int { kIdle = 0, kWriting = 1, kClosed = 2 };
std::atomic<int> g_slot_state[kWriterSlots] = {};
std::atomic<int> g_holders{0};      // the handler and the writers it waits for
std::atomic<int> g_stop_signal{0};  // the signal being handled; 0 before one arrives
static_assert(std::atomic<int>::is_always_lock_free);

void LetGoOfStop() {
  if (g_holders.fetch_sub(1) == 1) {
    const int sig = g_stop_signal.load();
    signal(sig, SIG_DFL);
    raise(sig);
  }
}

void StopAfterWriters(int sig) {
  int none = 0;
  if (!g_stop_signal.compare_exchange_strong(none, sig)) return;  // one stop is under way
  g_holders.store(1);
  for (auto& state : g_slot_state) {
    g_holders.fetch_add(1);  // before closing, so the writer cannot let go of a count not yet there
    if (state.exchange(kClosed) != kWriting) g_holders.fetch_sub(1);
  }
  LetGoOfStop();
}

// Writes all of `text`, and a final line feed when it has none, to `fd`; errno on failure.
bool WriteAll(int fd, const std::string& text) {
  std::string_view rest = text;
  bool newline = !text.empty() && text.back() != '\n';
  while (!rest.empty() || newline) {
    iovec parts[2];
    int count = 0;
    if (!rest.empty()) parts[count++] = {const_cast<char*>(rest.data()), rest.size()};
    if (newline) parts[count++] = {const_cast<char*>("\n"), 1};
    const ssize_t wrote = writev(fd, parts, count);
    if (wrote < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    const auto written = static_cast<size_t>(wrote);
    const size_t from_text = std::min(written, rest.size());
    rest.remove_prefix(from_text);
    if (written > from_text) newline = false;  // the line feed went out too
  }
  return true;
}

// WriteAtomically into an existing folder, through writer slot `slot`.
std::optional<std::string> WriteIntoFolder(const fs::path& path, const std::string& text,
                                           int slot) {
  static const pid_t kPid = getpid();
  const fs::path tmp =
      path.parent_path() / fmt::format(".{}{}{}", path.filename().string(), kTemporaryMark, kPid);
  const std::string tmp_text = tmp.string();
  int idle = kIdle;
  if (!g_slot_state[slot].compare_exchange_strong(idle, kWriting)) {
    return std::string("the run was stopped by a signal");
  }
  std::optional<std::string> error;
  const int fd = open(tmp_text.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) {
    error = std::strerror(errno);
  } else {
    if (!WriteAll(fd, text)) error = std::strerror(errno);
    if (close(fd) != 0 && !error) error = std::strerror(errno);
  }
  if (!error && rename(tmp_text.c_str(), path.c_str()) != 0) error = std::strerror(errno);
  if (error) unlink(tmp_text.c_str());
  int writing = kWriting;
  if (!g_slot_state[slot].compare_exchange_strong(writing, kIdle)) LetGoOfStop();  // closed
  return error;
}

}  // namespace

void FinishWritesOnSignal() {
  struct sigaction action {};
  action.sa_handler = StopAfterWriters;
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

namespace {

// Whether the environment lets colour be used on a terminal.
bool EnvironmentAllowsColor() {
  // https://no-color.org: a NO_COLOR that is set and not empty turns colour off.
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  return term == nullptr || std::string_view(term) != "dumb";
}

}  // namespace

bool ColorFor(int fd) {
  if (g_color != ColorMode::kAuto) return g_color == ColorMode::kAlways;
  // Asked once a diagnostic, thousands of times in a corpus run: the answers hold for the run.
  static const bool allowed = EnvironmentAllowsColor();
  static const bool terminal[] = {false, isatty(STDOUT_FILENO) != 0, isatty(STDERR_FILENO) != 0};
  if (!allowed) return false;
  if (fd == STDOUT_FILENO || fd == STDERR_FILENO) return terminal[fd];
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
  return WriteIntoFolder(path, text, 0);
}

std::optional<std::pair<std::string, std::string>> WriteAllAtomically(
    const std::vector<std::pair<fs::path, const std::string*>>& files, unsigned threads) {
  // Each folder is made once, not per file: a corpus run writes tens of thousands of files.
  std::set<fs::path> folders;
  for (const auto& [path, text] : files) folders.insert(path.parent_path());
  for (const fs::path& folder : folders) {
    std::error_code ec;
    fs::create_directories(folder, ec);
    if (ec) return std::pair{folder.string(), ec.message()};
  }
  // Creating a file is the kernel's work, most of a run's time with -o; two writers overlap it.
  threads = std::clamp<unsigned>(threads, 1, kWriterSlots);
  std::atomic<size_t> next{0};
  std::atomic<size_t> first_failure{files.size()};
  std::vector<std::optional<std::string>> errors(files.size());
  auto work = [&](int slot) {
    for (size_t i = next++; i < files.size() && i < first_failure; i = next++) {
      errors[i] = WriteIntoFolder(files[i].first, *files[i].second, slot);
      if (!errors[i]) continue;
      size_t seen = first_failure;
      while (i < seen && !first_failure.compare_exchange_weak(seen, i)) {
      }
    }
  };
  std::vector<std::thread> writers;
  for (unsigned t = 1; t < threads; ++t) writers.emplace_back(work, static_cast<int>(t));
  work(0);
  for (auto& w : writers) w.join();
  if (first_failure == files.size()) return std::nullopt;
  return std::pair{files[first_failure].first.string(), *errors[first_failure]};
}

}  // namespace refract::cli
