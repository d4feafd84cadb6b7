// The fast YAML reader: hand-written trees for the constructs rule files use, agreement with
// yaml-cpp wherever it reads a file, and which texts it leaves to libyaml; and the libyaml
// reader: the same trees as yaml-cpp, and an error, never a hang, for hostile input.
#include "compiler/load/yaml_tree.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>

#include "tests/test_util.h"

namespace refract::yaml {
namespace {

namespace fs = std::filesystem;

std::string FastTree(const std::string& text) {
  auto read = ReadFast(text);
  return read ? Print(read->documents) : "declined";
}

std::string YamlCppTree(const std::string& text) {
  return Print(FromYamlCpp(YAML::LoadAll(text)).documents);
}

// The tree Read() gives (the libyaml reader for what the fast reader declines).
std::string ReadTree(const std::string& text) { return Print(Read(text).documents); }

// A printed tree without the marks of empty (null) values: yaml-cpp marks such a value at the
// next token, libyaml where the value is missing, and only those marks differ.
std::string WithoutNullMarks(const std::string& tree) {
  return std::regex_replace(tree, std::regex("null tag= at [0-9:-]+"), "null tag=");
}

std::string LibyamlTree(const std::string& text) {
  return WithoutNullMarks(Print(ReadWithLibyaml(text).documents));
}

// The message of the error Read() throws for `text`, or "no error".
std::string ReadError(const std::string& text) {
  try {
    Read(text);
  } catch (const YAML::Exception& e) {
    return fmt::format("{}:{}: {}", e.mark.line + 1, e.mark.column + 1, e.msg);
  }
  return "no error";
}

TEST(FastYaml, MapWithIndentlessSequenceAndFlowMap) {
  const std::string text =
      "title: T\n"
      "tags:\n"
      "- a.b\n"
      "- 'c'\n"
      "logsource: {product: windows}\n";
  EXPECT_EQ(FastTree(text),
            "document 1\n"
            "  map tag=? at 0:0:0\n"
            "    scalar tag=? at 0:0:0 'title'\n"
            "      scalar tag=? at 7:0:7 'T'\n"
            "    scalar tag=? at 9:1:0 'tags'\n"
            "      sequence tag=? at 15:2:0\n"
            "        scalar tag=? at 17:2:2 'a.b'\n"
            "        scalar tag=! at 23:3:2 'c'\n"
            "    scalar tag=? at 27:4:0 'logsource'\n"
            "      map tag=? at 38:4:11\n"
            "        scalar tag=? at 39:4:12 'product'\n"
            "          scalar tag=? at 48:4:21 'windows'\n");
}

TEST(FastYaml, NullValuesAreMarkedAtTheNextToken) {
  EXPECT_EQ(FastTree("a:\nb: ~\n"),
            "document 1\n"
            "  map tag=? at 0:0:0\n"
            "    scalar tag=? at 0:0:0 'a'\n"
            "      null tag= at 3:1:0\n"
            "    scalar tag=? at 3:1:0 'b'\n"
            "      null tag= at 6:1:3\n");
}

TEST(FastYaml, FoldsPlainScalarsAndReadsBlockScalars) {
  EXPECT_EQ(FastTree("d: one\n  two\n\n  three\nl: |\n  x\n   y\nf: >-\n  p\n  q\n"),
            "document 1\n"
            "  map tag=? at 0:0:0\n"
            "    scalar tag=? at 0:0:0 'd'\n"
            "      scalar tag=? at 3:0:3 'one two\\nthree'\n"
            "    scalar tag=? at 22:4:0 'l'\n"
            "      scalar tag=! at 25:4:3 'x\\n y\\n'\n"
            "    scalar tag=? at 36:7:0 'f'\n"
            "      scalar tag=! at 39:7:3 'p q'\n");
}

TEST(FastYaml, DoubleQuotedEscapes) {
  EXPECT_EQ(FastTree("k: \"a\\\\b\\x41\\u00e9\"\n"),
            "document 1\n"
            "  map tag=? at 0:0:0\n"
            "    scalar tag=? at 0:0:0 'k'\n"
            "      scalar tag=! at 3:0:3 'a\\\\bA\xc3\xa9'\n");
}

TEST(FastYaml, DeclinesWhatItDoesNotReadExactly) {
  for (const char* text :
       {"a: &x\nb: *x\n", "a: [&x 1, *x]\n", "a: *nowhere\n", "---\na: &x 1\n---\nb: *x\n",
        "a: &x !t 1\n", "a: !tag 1\n", "%YAML 1.2\n---\na: 1\n", "a: 'one\n  two'\n",
        "a: |2\n   x\n", "a:\r\n  b\r\n", "? a\n: b\n", "a: [b: c]\n", "a: b: c\n", "a:\n\t- b\n",
        "a: 1\n b: 2\n"}) {
    EXPECT_EQ(FastTree(text), "declined") << text;
  }
}

TEST(FastYaml, DeepNestingDeclinesInsteadOfExhaustingTheStack) {
  EXPECT_EQ(FastTree("a: " + std::string(100000, '[') + std::string(100000, ']') + "\n"),
            "declined");
  std::string dashes;
  for (int i = 0; i < 50000; ++i) dashes += "- ";
  EXPECT_EQ(FastTree(dashes + "x\n"), "declined");
}

TEST(FastYaml, AgreesWithYamlCppOnEdgeCases) {
  for (const char* text :
       {"", "# only a comment\n", "---\n", "a: 1\n---\n", "---\n---\na: 1\n...\n",
        "- - a\n  - b\n- c: 1\n  d:\n  - e\n", "a:\n  - x\n  -\n  - 'y'\n",
        "a: [1, 'two', \"three\", [4], {five: 5}]\n", "a: {b: c, d: [e,f]}\n",
        "a: x # comment\nb: 'q' # c\n", "k: C:\\Windows\\*\n", "k: -enc\n", "k: |\n  a\n\n  b\n\n",
        "k: >\n  a\n  b\n\n  c\n", "k: |-\n  a\n", "k: |\n", "k: |\nj: 1\n",
        "a:", "a: 1\nb:", "a: 1\n---", "a: b\n\n\n", "a:\n  b:\n    c: d\n  e: f\n",
        "'q k': v\n\"d\": w\n", "a: null\nb: Null\nc: NULL\nd: ~\ne: nulls\n", "x", "- a\n- b\n",
        "a: [\n  b,\n  c\n]\n", "a: text with 'quotes' and \"more\"\n", "a: x#y\n", "a: 'it''s'\n",
        // quoted runs between quotes, doubled quotes and escapes
        "a: ''\n", "a: \"\"\n", "a: '''x''y'''\n", "a: 'c:\\w \"q\" #x'  # c\n",
        "a: \"x\\\"y\\\\z\\n\\t'\"\n", "a: \"\\x41\\u00e9 \\\\\"\n", "'a''b': \"c\\\"d\"\n",
        // anchors and aliases (the mapping files share field tables this way): an alias is
        // the anchored node, marked at its anchor
        "a: &x 1\nb: *x\n", "a: &x\n  k: v\nb: *x\n", "a: &x\n  - 1\n  - 2\nb: *x\n",
        "- &x foo\n- *x\n", "- &x\n  k: v\n- *x\n", "a: &x 'q'\nb: *x # again\n",
        "a: &x   \n\n  k: v\n", "a: &x 1\nb: &x 2\nc: *x\n",
        "detection:\n  sel:\n    F|contains:\n      - a\n      - b\n  condition: sel\n"}) {
    SCOPED_TRACE(text);
    auto fast = ReadFast(text);
    ASSERT_TRUE(fast.has_value());
    EXPECT_EQ(Print(fast->documents), YamlCppTree(text));
    EXPECT_EQ(LibyamlTree(text), WithoutNullMarks(YamlCppTree(text)));
  }
}

// What the fast reader declines, libyaml reads to yaml-cpp's tree (an alias shares the anchored
// node, which yaml-cpp copies: the printed trees are the same).
TEST(LibYaml, AgreesWithYamlCppOnDeclinedTexts) {
  for (const char* text :
       {"a: &x\nb: *x\n", "a: [&x 1, *x]\n", "a: &x !t 1\n", "a: !tag 1\n",
        "%YAML 1.2\n---\na: 1\n", "a: 'one\n  two'\n", "a: |2\n   x\n", "a:\r\n  b\r\n",
        "? a\n: b\n", "a: [b: c]\n", "a: 1\nb: !!str 2\n", "a: {b: [c, {d: e}], f: \"g\"}\n",
        "- !x [1]\n- !y {a: b}\n", "a: >-\n  x\n   y\n  z\n"}) {
    SCOPED_TRACE(text);
    EXPECT_EQ(WithoutNullMarks(ReadTree(text)), WithoutNullMarks(YamlCppTree(text)));
    EXPECT_EQ(LibyamlTree(text), WithoutNullMarks(YamlCppTree(text)));
  }
}

// yaml-cpp 0.7 (Debian 12) loops forever, its memory growing, on a `,` that starts a token
// outside a flow collection; libyaml reports it. Each of these once hung refract.
TEST(LibYaml, StrayCommasAreErrorsNotHangs) {
  EXPECT_EQ(ReadError(","), "1:1: did not find expected node content (while parsing a block node)");
  EXPECT_EQ(ReadError(" ,"),
            "1:2: did not find expected node content (while parsing a block node)");
  EXPECT_EQ(ReadError("- a\n,"),
            "2:1: did not find expected '-' indicator (while parsing a block collection)");
  for (const char* text : {"--- ,", "\"a\" ,", "[a] ,", "!t ,", ",]", "a: 1\n,\n", "{a: b} ,"}) {
    EXPECT_NE(ReadError(text), "no error") << text;
  }
  // A comma inside a folded plain scalar is text.
  EXPECT_EQ(ReadError("title: x\ndescription: x\n  , y\n"), "no error");
  EXPECT_EQ(Read("description: x\n  , y\n").documents[0]["description"].Scalar(), "x , y");
}

TEST(LibYaml, DuplicateKeysAreErrors) {
  EXPECT_EQ(ReadError("title: a\ndetection: {x: 1}\ndetection: {y: 2}\n"),
            "3:1: duplicate key 'detection' (first at line 2); YAML requires the keys of a map to "
            "be unique");
  EXPECT_EQ(ReadError("a: {k: 1, k: 2}\n"),
            "1:11: duplicate key 'k' (first at line 1); YAML requires the keys of a map to be "
            "unique");
  EXPECT_EQ(ReadError("a: 1\nb: 2\n"), "no error");
  EXPECT_EQ(ReadError("- {k: 1}\n- {k: 2}\n"), "no error");  // one key in each of two maps
}

TEST(LibYaml, AliasBombsStopAtTheLimit) {
  std::string bomb = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  std::string previous = "a";
  for (char c : std::string("bcdefghi")) {
    bomb += fmt::format("{}: &{} [", c, c);
    for (int i = 0; i < 9; ++i) bomb += (i ? ", *" : "*") + previous;
    bomb += "]\n";
    previous = std::string(1, c);
  }
  EXPECT_EQ(ReadError(bomb), "1:1: aliases expand the document past 100000 nodes");
  // Sharing a table a few times, as the mapping files do, is fine.
  EXPECT_EQ(ReadError("t: &t {a: 1, b: 2}\nx: *t\ny: *t\nz: [*t, *t]\n"), "no error");
}

TEST(LibYaml, DeepNestingIsAnError) {
  EXPECT_EQ(ReadError("a: " + std::string(100000, '[') + std::string(100000, ']') + "\n"),
            "1:259: nesting deeper than 256 levels");
  EXPECT_EQ(ReadError("a: " + std::string(200, '[') + std::string(200, ']') + "\n"), "no error");
}

TEST(LibYaml, UndefinedAliasIsAnError) {
  EXPECT_EQ(ReadError("a: *nowhere\n"), "1:4: alias *nowhere names no anchor before it");
  // An anchor names its node once the node is complete: no alias can make a cycle.
  EXPECT_EQ(ReadError("a: &x [1, *x]\n"), "1:11: alias *x names no anchor before it");
}

// Every rule file of the SigmaHQ corpus and of this repository: where the fast reader reads a
// file, its tree is yaml-cpp's; and it reads nearly all of them, or the speed-up is lost.
TEST(FastYaml, AgreesWithYamlCppOnEveryRuleFile) {
  const fs::path corpus = fs::path(REFRACT_SOURCE_DIR) / ".." / "shared" / "corpus" / "sigmahq";
  if (!fs::exists(corpus)) GTEST_SKIP() << "../shared/corpus/sigmahq is not beside the checkout";
  std::vector<fs::path> roots = {corpus, fs::path(REFRACT_SOURCE_DIR) / "rules",
                                 fs::path(REFRACT_SOURCE_DIR) / "tests" / "golden",
                                 fs::path(REFRACT_SOURCE_DIR) / "backends" / "mappings"};
  int files = 0;
  int declined = 0;
  for (const auto& root : roots) {
    for (const auto& e : fs::recursive_directory_iterator(root)) {
      if (!e.is_regular_file()) continue;
      const auto ext = e.path().extension();
      if (ext != ".yml" && ext != ".yaml") continue;
      const std::string text = refract::testing::ReadFile(e.path());
      ++files;
      auto fast = ReadFast(text);
      std::string expected;
      try {
        expected = YamlCppTree(text);
      } catch (const YAML::Exception&) {
        EXPECT_FALSE(fast.has_value()) << e.path() << ": yaml-cpp rejects what the reader read";
        ++declined;
        continue;
      }
      if (!fast) {
        EXPECT_EQ(WithoutNullMarks(ReadTree(text)), WithoutNullMarks(expected))
            << e.path() << ": libyaml reads it otherwise";
        ++declined;
        continue;
      }
      EXPECT_EQ(Print(fast->documents), expected) << e.path();
    }
  }
  EXPECT_GT(files, 4000);
  EXPECT_LT(declined * 100, files) << declined << " of " << files << " files left to yaml-cpp";
}

// The shipped mapping files share field tables through anchors and aliases; the reader reads
// them itself (they are read at the start of every run) and as yaml-cpp does.
TEST(FastYaml, ReadsTheShippedMappingFiles) {
  int files = 0;
  for (const auto& e :
       fs::directory_iterator(fs::path(REFRACT_SOURCE_DIR) / "backends" / "mappings")) {
    if (e.path().extension() != ".yaml") continue;
    const std::string text = refract::testing::ReadFile(e.path());
    ++files;
    auto fast = ReadFast(text);
    ASSERT_TRUE(fast.has_value()) << e.path();
    EXPECT_EQ(Print(fast->documents), YamlCppTree(text)) << e.path();
  }
  EXPECT_GE(files, 12);  // one default per target and the profiles beside them
}

// The first line where two printed trees differ, with the text's line it points at.
std::string FirstDifference(const std::string& actual, const std::string& expected,
                            const std::string& text) {
  std::stringstream a(actual), e(expected);
  std::string la, le;
  while (std::getline(a, la) && std::getline(e, le) && la == le) {
  }
  std::string source_line;
  if (auto at = le.find(" at "); at != std::string::npos) {
    int line = std::stoi(le.substr(le.find(':', at) + 1));
    std::stringstream t(text);
    for (int i = 0; i <= line && std::getline(t, source_line); ++i) {
    }
  }
  return "fast reader: " + la + "\nyaml-cpp:    " + le + "\nsource line: " + source_line +
         "\ntext:\n" + text;
}

// Differential: mutated rule files of this repository (bytes deleted, duplicated, or replaced by
// YAML metacharacters) are read by both readers; where the fast reader reads one, yaml-cpp must
// read it to the same tree. A fixed seed, so a failure reproduces.
TEST(FastYaml, AgreesWithYamlCppOnMutatedFiles) {
  const std::vector<std::string> sources =
      refract::testing::ReadYmlFiles({"tests/golden", "rules"});
  ASSERT_FALSE(sources.empty());
  const std::vector<std::string> junk = {"|",   ">", "-",  "- ", ":", ": ", "#",     " #",    "\n",
                                         "\n ", "[", "]",  "{",  "}", ",",  "\"",    "'",     "\\",
                                         "\t",  " ", "&a", "*a", "!", "?",  "---\n", "...\n", "~"};
  std::mt19937 random(20261125);
  int read_fast = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string text =
        refract::testing::Mutate(sources[random() % sources.size()], junk, random, 4, 4, 10);
    auto fast = ReadFast(text);
    if (!fast) continue;
    ++read_fast;
    std::string expected;
    try {
      expected = YamlCppTree(text);
    } catch (const YAML::Exception& e) {
      std::stringstream lines(text);
      std::string line;
      for (int n = 0; n <= e.mark.line && std::getline(lines, line); ++n) {
      }
      ADD_FAILURE() << "yaml-cpp rejects (" << e.what() << ") what the fast reader read, at:\n"
                    << line;
      continue;
    }
    const std::string actual = Print(fast->documents);
    if (actual != expected) ADD_FAILURE() << FirstDifference(actual, expected, text);
  }
  EXPECT_GT(read_fast, 5000);  // the comparison covers many texts, not only the declined ones
}

}  // namespace
}  // namespace refract::yaml
