#include "compiler/diagnostics/diagnostic.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

namespace refract {
namespace {

TEST(Diagnostics, RendersPositionLineAndCaret) {
  SourceFile source("r.yml", "a: 1\n  bad: value\n");
  Diagnostic d{Severity::kError,
               "E0203",
               {"r.yml", 2, 3, 3},
               "unknown modifier 'bad'",
               {"did you mean 'bar'?"}};
  EXPECT_EQ(RenderText(d, &source),
            "r.yml:2:3: error[E0203]: unknown modifier 'bad'\n"
            "    2 |   bad: value\n"
            "      |   ^^^\n"
            "  = did you mean 'bar'?\n");
}

TEST(Diagnostics, CaretCountsUtf8CharactersAndKeepsTabs) {
  SourceFile source("r.yml", "\xC3\xA9\xC3\xA9\tx\n");
  Diagnostic d{Severity::kWarning, "W1", {"r.yml", 1, 6, 1}, "here", {}};
  EXPECT_EQ(RenderText(d, &source),
            "r.yml:1:6: warning[W1]: here\n"
            "    1 | \xC3\xA9\xC3\xA9\tx\n"
            "      |   \t^\n");
}

// A rule's text reaches the terminal of whoever reads its diagnostics: control characters show
// as control pictures (one column each, so the caret stays put), C1 controls as U+FFFD.
TEST(Diagnostics, ControlCharactersAreShownNotSent) {
  SourceFile source("r\x1b.yml", "a: \x1b]0;x\x07\xC2\x9B!\n");
  Diagnostic d{Severity::kError, "E1", {"r\x1b.yml", 1, 9, 1}, "bad \x1b[2J", {"n\x7f"}};
  EXPECT_EQ(RenderText(d, &source),
            "r\xE2\x90\x9B.yml:1:9: error[E1]: bad \xE2\x90\x9B[2J\n"
            "    1 | a: \xE2\x90\x9B]0;x\xE2\x90\x87\xEF\xBF\xBD!\n"
            "      |         ^\n"
            "  = n\xE2\x90\xA1\n");
}

TEST(Diagnostics, AControlCharacterIsShownAtEveryOffsetPastPlainText) {
  // Plain text is copied in runs, eight bytes at a time; what follows a run is still shown.
  for (size_t at = 0; at < 20; ++at) {
    const std::string plain(at, 'a');
    const std::string tail = "bbbbbbbbbb";
    auto message = [&](const std::string& text) {
      Diagnostic d{Severity::kError, "E1", {"", 0, 0, 1}, text, {}};
      return RenderText(d, nullptr);
    };
    EXPECT_EQ(message(plain + "\x1b" + tail), "error[E1]: " + plain + "\xE2\x90\x9B" + tail + "\n");
    EXPECT_EQ(message(plain + "\xC2\x9B" + tail),
              "error[E1]: " + plain + "\xEF\xBF\xBD" + tail + "\n");
    EXPECT_EQ(message(plain + "\xC2\xA9\t" + tail),
              "error[E1]: " + plain + "\xC2\xA9\t" + tail + "\n");
  }
}

TEST(Diagnostics, ColourMarksLocationSeverityAndCaretOnly) {
  SourceFile source("r.yml", "a: 1\n");
  Diagnostic d{Severity::kWarning, "W1", {"r.yml", 1, 4, 1}, "here", {"a note"}};
  EXPECT_EQ(RenderText(d, &source, true),
            "\x1b[1mr.yml:1:4: \x1b[0m\x1b[1;33mwarning[W1]\x1b[0m: here\n"
            "    1 | a: 1\n"
            "      |    \x1b[1;33m^\x1b[0m\n"
            "  = a note\n");
}

TEST(Diagnostics, WithoutPositionPrintsFileOnly) {
  Diagnostic d{Severity::kError, "E0001", {"gone.yml", 0, 0, 1}, "cannot read file", {}};
  EXPECT_EQ(RenderText(d, nullptr), "gone.yml: error[E0001]: cannot read file\n");
}

TEST(Diagnostics, JsonEscapesEverything) {
  Diagnostic d{Severity::kError, "E1", {"a\"b.yml", 1, 2, 1}, "bad \\ \n", {"n\t"}};
  EXPECT_EQ(RenderJson(d),
            "{\"severity\":\"error\",\"code\":\"E1\",\"file\":\"a\\\"b.yml\",\"line\":1,"
            "\"column\":2,\"message\":\"bad \\\\ \\n\",\"notes\":[\"n\\t\"]}");
}

TEST(Diagnostics, CountsErrorsAndPromotesWarnings) {
  Diagnostics d;
  d.Warning("W1", {}, "w");
  EXPECT_FALSE(d.HasErrors());
  d.PromoteWarnings();
  EXPECT_TRUE(d.HasErrors());
  EXPECT_EQ(d.all()[0].severity, Severity::kError);
}

TEST(Diagnostics, DropSeenKeepsTheFirstOfIdenticalDiagnosticsAcrossCollections) {
  std::set<std::string> seen;
  Diagnostics rule;
  rule.Error("E0403", {"a.yml", 3, 1, 1}, "no table");
  rule.Warning("W0403", {"a.yml", 3, 1, 1}, "approximates", {"narrow it"});
  rule.DropSeen(seen);
  EXPECT_EQ(rule.all().size(), 2u);
  Diagnostics correlation;
  correlation.Error("E0403", {"a.yml", 3, 1, 1}, "no table");                       // repeated
  correlation.Warning("W0403", {"a.yml", 3, 1, 1}, "approximates", {"narrow it"});  // repeated
  correlation.Warning("W0403", {"a.yml", 3, 1, 1}, "approximates", {"other note"});
  correlation.Warning("W0403", {"a.yml", 4, 1, 1}, "approximates", {"narrow it"});
  correlation.Error("E0500", {"b.yml", 1, 1, 1}, "cannot express");
  correlation.DropSeen(seen);
  ASSERT_EQ(correlation.all().size(), 3u);
  EXPECT_EQ(correlation.all()[0].notes, std::vector<std::string>{"other note"});
  EXPECT_EQ(correlation.all()[1].location.line, 4);
  EXPECT_EQ(correlation.all()[2].code, "E0500");
  EXPECT_EQ(correlation.error_count(), 1);
}

TEST(Diagnostics, ClosestMatchSuggestsOnlyNearWords) {
  EXPECT_EQ(ClosestMatch("contans", {"contains", "endswith"}), "contains");
  EXPECT_EQ(ClosestMatch("xyz", {"contains", "endswith"}), "");
}

TEST(SourceFile, OffsetsAndLines) {
  SourceFile s("f", "ab\r\ncd\nef");
  EXPECT_EQ(s.Line(1), "ab");
  EXPECT_EQ(s.Line(3), "ef");
  EXPECT_EQ(s.Line(4), "");
  int line = 0;
  int column = 0;
  s.OffsetToLineColumn(5, &line, &column);
  EXPECT_EQ(line, 2);
  EXPECT_EQ(column, 2);
  EXPECT_EQ(s.LineColumnToOffset(2, 2), 5u);
}

}  // namespace
}  // namespace refract
