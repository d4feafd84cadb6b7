#include "compiler/load/loader.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>

#include "compiler/text/utf8.h"

namespace refract {

SourceLocation LocationOf(const SourceFile& source, const YAML::Mark& mark, int length) {
  return LocationOf(source, yaml::Mark{mark.pos, mark.line, mark.column}, length);
}

SourceLocation LocationOf(const SourceFile& source, const yaml::Mark& mark, int length) {
  if (mark.line < 0) return {source.path(), 0, 0, length};
  return {source.path(), mark.line + 1, mark.column + 1, length};
}

namespace {

// The byte offset of the first character YAML 1.2 cannot hold (c-printable, §5.1: a C0 control
// other than tab, line feed and carriage return, DEL, or a C1 control other than NEL), or
// nullopt. https://yaml.org/spec/1.2.2/#51-character-set
std::optional<size_t> FirstNonPrintable(std::string_view text) {
  for (size_t i = 0; i < text.size();) {
    // A word at a time: one of printable ASCII (most of a rule file) is passed whole, and
    // another (a line end, a tab, a non-ASCII letter) byte by byte.
    if (i + 8 <= text.size() && text::AllPrintableAscii(text::LoadEight(text.data() + i))) {
      i += 8;
      continue;
    }
    for (const size_t end = std::min(i + 8, text.size()); i < end; ++i) {
      const auto c = static_cast<unsigned char>(text[i]);
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) return i;
      if (c == 0xC2 && i + 1 < text.size()) {
        const auto next = static_cast<unsigned char>(text[i + 1]);
        if (next >= 0x80 && next <= 0x9F && next != 0x85) return i;
      }
    }
  }
  return std::nullopt;
}

// Standard input up to the rule file limit; more is E0002, without reading the rest.
std::optional<std::string> ReadStandardInput(Diagnostics& diagnostics) {
  std::string text;
  char buffer[1 << 16];
  while (std::cin.read(buffer, sizeof buffer) || std::cin.gcount() > 0) {
    text.append(buffer, static_cast<size_t>(std::cin.gcount()));
    if (text.size() > kMaxRuleFileBytes) {
      diagnostics.Error(
          "E0002", {"-", 0, 0, 1},
          fmt::format("standard input is more than the limit of {} bytes", kMaxRuleFileBytes),
          {"a sigma rule is a few kilobytes; give a large file by its path"});
      return std::nullopt;
    }
  }
  if (std::cin.bad()) {
    diagnostics.Error("E0001", {"-", 0, 0, 1}, "cannot read standard input");
    return std::nullopt;
  }
  return text;
}

}  // namespace

std::optional<std::string> ReadRuleFileText(const std::string& path, Diagnostics& diagnostics) {
  if (path == kStandardInput) return ReadStandardInput(diagnostics);
  auto cannot_read = [&](int error) {
    diagnostics.Error("E0001", {path, 0, 0, 1},
                      fmt::format("cannot read file: {}", std::strerror(error)));
    return std::nullopt;
  };
  // A FIFO, device or socket would block the run or never end: only regular files are read,
  // and the check comes before opening, which blocks on a FIFO.
  struct stat status {};
  if (stat(path.c_str(), &status) == 0 && !S_ISREG(status.st_mode)) {
    diagnostics.Error("E0001", {path, 0, 0, 1},
                      S_ISDIR(status.st_mode)
                          ? "cannot read file: it is a folder"
                          : "cannot read file: not a regular file (a pipe, device or socket)");
    return std::nullopt;
  }
  auto too_large = [&](size_t size) {
    diagnostics.Error("E0002", {path, 0, 0, 1},
                      fmt::format("rule file is {} bytes, more than the limit of {} bytes", size,
                                  kMaxRuleFileBytes),
                      {"a sigma rule is a few kilobytes; split the file or check that it is a "
                       "rule"});
    return std::nullopt;
  };
  const size_t expected = static_cast<size_t>(std::max<off_t>(status.st_size, 0));
  if (expected > kMaxRuleFileBytes) return too_large(expected);
  // Plain descriptors, not an ifstream: a corpus run reads thousands of files, and the stream
  // spends three seeks a file finding the size that stat has already given.
  const int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return cannot_read(errno);
  // One byte past the limit tells a file over it, even one that grew since the stat; one byte
  // past the stated size, read short, tells its end without another read.
  const size_t most = kMaxRuleFileBytes + 1;
  std::string text(expected + 1, '\0');
  size_t have = 0;
  while (true) {
    const ssize_t n = read(fd, text.data() + have, text.size() - have);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      close(fd);
      return cannot_read(error);
    }
    if (n == 0) break;  // the end
    have += static_cast<size_t>(n);
    if (have >= most) break;
    // A short read that reached the stated size is the end. One short of it may be a signal's,
    // and a file stating no size (Linux's /proc) may be read a page at a time, so then the
    // next read tells.
    if (have < text.size()) {
      if (expected > 0 && have >= expected) break;
      continue;
    }
    text.resize(std::min(2 * text.size(), most));
  }
  close(fd);
  if (have > kMaxRuleFileBytes) return too_large(have);
  text.resize(have);
  return text;
}

std::optional<RuleDoc> LoadRuleFile(const std::string& path, Diagnostics& diagnostics) {
  auto text = ReadRuleFileText(path, diagnostics);
  if (!text) return std::nullopt;
  return LoadRuleText(path, std::move(*text), diagnostics);
}

std::optional<RuleDoc> LoadRuleText(const std::string& path, std::string text,
                                    Diagnostics& diagnostics) {
  if (text.size() > kMaxRuleFileBytes) {
    diagnostics.Error("E0002", {path, 0, 0, 1},
                      fmt::format("rule text is {} bytes, more than the limit of {} bytes",
                                  text.size(), kMaxRuleFileBytes));
    return std::nullopt;
  }
  return LoadRuleSource(std::make_shared<SourceFile>(path, std::move(text)), diagnostics);
}

std::optional<RuleDoc> LoadRuleSource(std::shared_ptr<const SourceFile> source,
                                      Diagnostics& diagnostics) {
  RuleDoc doc;
  doc.source = std::move(source);
  // Sigma rules are UTF-8: anything else would be re-read as another encoding downstream.
  if (auto bad = text::FirstInvalidUtf8(doc.source->text())) {
    int line = 0;
    int column = 0;
    doc.source->OffsetToLineColumn(*bad, &line, &column);
    diagnostics.Error(
        "E0003", {doc.source->path(), line, column, 1},
        fmt::format("invalid UTF-8: byte 0x{:02X} starts no valid sequence",
                    static_cast<unsigned char>(doc.source->text()[*bad])),
        {"rule files are UTF-8; overlong forms, surrogates and stray continuation bytes are "
         "refused"});
    return std::nullopt;
  }
  // YAML holds printable characters only (1.2 §5.1); libyaml refuses the others wherever they
  // are, and so does refract before either reader runs, so both read the same files.
  if (auto at = FirstNonPrintable(doc.source->text())) {
    int line = 0;
    int column = 0;
    doc.source->OffsetToLineColumn(*at, &line, &column);
    diagnostics.Error("E0100", {doc.source->path(), line, column, 1},
                      "malformed yaml: control characters are not allowed",
                      {"YAML holds printable characters only; write a control character as an "
                       "escape (\\x1b) inside a double-quoted string"});
    return std::nullopt;
  }
  // The fast reader takes the rule files it reads exactly (nearly all); libyaml reads the rest
  // and reports malformed YAML.
  yaml::Documents read;
  try {
    read = yaml::Read(doc.source->text());
  } catch (const YAML::Exception& e) {
    std::string message = e.msg.empty() ? "malformed yaml" : e.msg;
    // Only the first letter: the rest may quote the file (a key, an anchor).
    message[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(message[0])));
    diagnostics.Error("E0100", LocationOf(*doc.source, e.mark),
                      fmt::format("malformed yaml: {}", message));
    return std::nullopt;
  }
  if (std::all_of(read.documents.begin(), read.documents.end(),
                  [](const yaml::Node& d) { return d.IsNull(); })) {
    diagnostics.Error("E0004", {doc.source->path(), 1, 1, 1},
                      "the file holds no rule (it is empty, only comments or empty documents)");
    return std::nullopt;
  }
  doc.tree = std::move(read.tree);
  doc.documents = std::move(read.documents);
  return doc;
}

}  // namespace refract
