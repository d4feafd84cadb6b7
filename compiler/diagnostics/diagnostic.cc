#include "compiler/diagnostics/diagnostic.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "compiler/text/utf8.h"

namespace refract {

SourceFile::SourceFile(std::string path, std::string text)
    : path_(std::move(path)), text_(std::move(text)) {
  line_starts_.push_back(0);
  const char* begin = text_.data();
  const char* end = begin + text_.size();
  for (const char* p = begin; p < end; ++p) {
    p = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    if (p == nullptr) break;
    line_starts_.push_back(static_cast<size_t>(p - begin) + 1);
  }
}

std::string_view SourceFile::Line(int line) const {
  if (line < 1 || static_cast<size_t>(line) > line_starts_.size()) return {};
  size_t begin = line_starts_[static_cast<size_t>(line - 1)];
  size_t end = text_.find('\n', begin);
  if (end == std::string::npos) end = text_.size();
  if (end > begin && text_[end - 1] == '\r') --end;
  return std::string_view(text_).substr(begin, end - begin);
}

void SourceFile::OffsetToLineColumn(size_t offset, int* line, int* column) const {
  auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
  size_t index = static_cast<size_t>(it - line_starts_.begin()) - 1;
  *line = static_cast<int>(index) + 1;
  *column = static_cast<int>(offset - line_starts_[index]) + 1;
}

size_t SourceFile::LineColumnToOffset(int line, int column) const {
  if (line < 1 || line_starts_.empty()) return 0;
  size_t index = std::min(static_cast<size_t>(line - 1), line_starts_.size() - 1);
  size_t offset = line_starts_[index] + static_cast<size_t>(std::max(column - 1, 0));
  return std::min(offset, text_.size());
}

void Diagnostics::Report(Diagnostic diagnostic) {
  if (diagnostic.severity == Severity::kError) ++error_count_;
  diagnostics_.push_back(std::move(diagnostic));
}

void Diagnostics::Error(std::string code, SourceLocation location, std::string message,
                        std::vector<std::string> notes) {
  Report({Severity::kError, std::move(code), std::move(location), std::move(message),
          std::move(notes)});
}

void Diagnostics::Warning(std::string code, SourceLocation location, std::string message,
                          std::vector<std::string> notes) {
  Report({Severity::kWarning, std::move(code), std::move(location), std::move(message),
          std::move(notes)});
}

void Diagnostics::Append(Diagnostics&& other) {
  for (auto& d : other.diagnostics_) Report(std::move(d));
  other.diagnostics_.clear();
  other.error_count_ = 0;
}

void Diagnostics::PromoteWarnings() {
  for (auto& d : diagnostics_) {
    if (d.severity == Severity::kWarning) {
      d.severity = Severity::kError;
      ++error_count_;
    }
  }
}

void Diagnostics::DropSeen(std::set<std::string>& seen) {
  std::erase_if(diagnostics_, [&](const Diagnostic& d) {
    std::string key =
        fmt::format("{}\x1f{}\x1f{}\x1f{}\x1f{}\x1f{}", static_cast<int>(d.severity), d.code,
                    d.location.file, d.location.line, d.location.column, d.message);
    for (const auto& note : d.notes) key += "\x1f" + note;
    return !seen.insert(std::move(key)).second;
  });
  error_count_ = static_cast<int>(
      std::count_if(diagnostics_.begin(), diagnostics_.end(),
                    [](const Diagnostic& d) { return d.severity == Severity::kError; }));
}

namespace {

std::string_view SeverityName(Severity severity) {
  switch (severity) {
    case Severity::kError:
      return "error";
    case Severity::kWarning:
      return "warning";
    case Severity::kNote:
      return "note";
  }
  return "error";
}

// Counts display columns up to a byte column, so carets line up under UTF-8 text and tabs.
std::string CaretPadding(std::string_view line, int column) {
  std::string pad;
  for (int i = 0; i + 1 < column && i < static_cast<int>(line.size()); ++i) {
    unsigned char c = static_cast<unsigned char>(line[static_cast<size_t>(i)]);
    if (c == '\t') {
      pad += '\t';
    } else if ((c & 0xC0) != 0x80) {
      pad += ' ';
    }
  }
  return pad;
}

// `text` safe to print on a terminal: a C0 control character (tab aside) or DEL shows as its
// control picture (U+2400 block: ␛ for ESC), a C1 control (U+0080-U+009F, which terminals may
// read as CSI and the like) as U+FFFD, so a rule cannot move the cursor, clear the screen or
// retitle the window of the engineer reading its diagnostics. Each stays one column wide, so
// carets keep their place.
std::string Visible(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    // Runs that print as they are (nearly all of a diagnostic) are appended whole, passing
    // words of printable ASCII eight bytes at a time.
    size_t run = i;
    while (run < text.size()) {
      if (run + 8 <= text.size() && text::AllPrintableAscii(text::LoadEight(text.data() + run))) {
        run += 8;
        continue;
      }
      const auto c = static_cast<unsigned char>(text[run]);
      if ((c < 0x20 && c != '\t') || c == 0x7F || c == 0xC2) break;
      ++run;
    }
    out.append(text.substr(i, run - i));
    i = run;
    if (i >= text.size()) break;
    const auto c = static_cast<unsigned char>(text[i]);
    if (c != 0xC2) {
      text::AppendUtf8(out, c == 0x7F ? char32_t{0x2421} : char32_t{0x2400} + c);
      ++i;
    } else if (i + 1 < text.size() && static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
               static_cast<unsigned char>(text[i + 1]) <= 0x9F) {
      text::AppendUtf8(out, 0xFFFD);
      i += 2;
    } else {
      out += static_cast<char>(c);
      ++i;
    }
  }
  return out;
}

}  // namespace

std::string RenderText(const Diagnostic& d, const SourceFile* source, bool color) {
  const SourceLocation& loc = d.location;
  // SGR sequences: bold, and bold red / yellow / cyan; reset.
  const char* bold = color ? "\x1b[1m" : "";
  const char* tint = !color                             ? ""
                     : d.severity == Severity::kError   ? "\x1b[1;31m"
                     : d.severity == Severity::kWarning ? "\x1b[1;33m"
                                                        : "\x1b[1;36m";
  const char* reset = color ? "\x1b[0m" : "";
  std::string out;
  if (!loc.file.empty()) {
    out += bold + Visible(loc.file);
    if (loc.line > 0) out += fmt::format(":{}:{}", loc.line, std::max(loc.column, 1));
    out += std::string(": ") + reset;
  }
  out += fmt::format("{}{}[{}]{}: {}\n", tint, SeverityName(d.severity), d.code, reset,
                     Visible(d.message));
  if (source != nullptr && loc.line > 0 && loc.file == source->path()) {
    std::string_view line = source->Line(loc.line);
    std::string gutter = fmt::format("{:>5} | ", loc.line);
    out += fmt::format("{}{}\n", gutter, Visible(line));
    int length = std::max(loc.length, 1);
    out += fmt::format("{:>5} | {}{}{}{}\n", "", CaretPadding(line, loc.column), tint,
                       std::string(static_cast<size_t>(length), '^'), reset);
  }
  for (const auto& note : d.notes) out += fmt::format("  = {}\n", Visible(note));
  return out;
}

std::string JsonEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  for (char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (c < 0x20) {
          out += fmt::format("\\u{:04x}", c);
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out;
}

std::string RenderJson(const Diagnostic& d) {
  std::string notes;
  for (size_t i = 0; i < d.notes.size(); ++i) {
    if (i > 0) notes += ",";
    notes += fmt::format("\"{}\"", JsonEscape(d.notes[i]));
  }
  return fmt::format(
      "{{\"severity\":\"{}\",\"code\":\"{}\",\"file\":\"{}\",\"line\":{},\"column\":{},"
      "\"message\":\"{}\",\"notes\":[{}]}}",
      SeverityName(d.severity), d.code, JsonEscape(d.location.file), d.location.line,
      d.location.column, JsonEscape(d.message), notes);
}

namespace {

size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

}  // namespace

std::string ClosestMatch(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(2, word.size() / 3) + 1;
  for (auto candidate : candidates) {
    size_t distance = EditDistance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = std::string(candidate);
    }
  }
  return best;
}

}  // namespace refract
