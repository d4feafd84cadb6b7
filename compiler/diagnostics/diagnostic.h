// Diagnostics: the one type every stage reports problems with, and how they are printed.
#pragma once

#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace refract {

enum class Severity { kError, kWarning, kNote };

// A position in a source file; line and column are 1-based, 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
  int length = 1;
};

// One problem found in a rule: stable code, where, and a short lower-case message.
struct Diagnostic {
  Severity severity = Severity::kError;
  std::string code;
  SourceLocation location;
  std::string message;
  std::vector<std::string> notes;
};

// The text of one input file, with line lookup for carets.
class SourceFile {
 public:
  SourceFile() = default;
  SourceFile(std::string path, std::string text);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  // Returns the text of 1-based line `line` without its newline; empty if out of range.
  std::string_view Line(int line) const;
  // Converts a byte offset into a 1-based line and column.
  void OffsetToLineColumn(size_t offset, int* line, int* column) const;
  // Converts a 1-based line and column into a byte offset (clamped to the text).
  size_t LineColumnToOffset(int line, int column) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<size_t> line_starts_;
};

// Collects diagnostics; stages report and go on so one run shows every problem.
class Diagnostics {
 public:
  void Report(Diagnostic diagnostic);
  void Error(std::string code, SourceLocation location, std::string message,
             std::vector<std::string> notes = {});
  void Warning(std::string code, SourceLocation location, std::string message,
               std::vector<std::string> notes = {});

  bool HasErrors() const { return error_count_ > 0; }
  int error_count() const { return error_count_; }
  const std::vector<Diagnostic>& all() const { return diagnostics_; }
  // Moves every diagnostic of `other` into this collection.
  void Append(Diagnostics&& other);
  // Turns every warning into an error (for --strict).
  void PromoteWarnings();
  // Drops each diagnostic that repeats one recorded in `seen` (same severity, code, place,
  // message and notes) and records the others there: a rule that several correlations read
  // has its mapping's warnings reported once, not once for the rule and again for each of them.
  void DropSeen(std::set<std::string>& seen);

 private:
  std::vector<Diagnostic> diagnostics_;
  int error_count_ = 0;
};

// Prints a diagnostic like a compiler: `file:line:col: error[E0203]: msg`, the line, a caret;
// with `color`, the location bold and the severity and caret in its ANSI colour (red errors,
// yellow warnings, cyan notes), for a terminal.
std::string RenderText(const Diagnostic& diagnostic, const SourceFile* source, bool color = false);
// Prints a diagnostic as one JSON object (no trailing newline).
std::string RenderJson(const Diagnostic& diagnostic);
// Escapes text for inclusion inside a JSON string literal.
std::string JsonEscape(std::string_view text);

// Returns the candidate closest to `word` by edit distance, or "" when none is close.
std::string ClosestMatch(std::string_view word, const std::vector<std::string_view>& candidates);

}  // namespace refract
