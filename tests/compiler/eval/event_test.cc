// How hunt's input is split into events: JSON lines or one JSON array, with line numbers, and
// an event too long to hold skipped rather than read into memory.
#include "compiler/eval/event.h"

#include <gtest/gtest.h>

#include <sstream>

namespace refract::eval {
namespace {

// Each event as "line:text", or "line:too long".
std::vector<std::string> Split(const std::string& input) {
  std::istringstream in(input);
  EventStream stream(in);
  std::vector<std::string> out;
  std::string text;
  size_t line = 0;
  while (stream.Next(text, line)) {
    out.push_back(std::to_string(line) + ":" + (stream.too_long() ? "too long" : text));
  }
  return out;
}

TEST(EventStream, JsonLinesSkipBlankLines) {
  EXPECT_EQ(Split("{\"a\":1}\n\n  \n{\"b\":2}\n"),
            (std::vector<std::string>{"1:{\"a\":1}", "4:{\"b\":2}"}));
  EXPECT_EQ(Split("{\"a\":1}"), (std::vector<std::string>{"1:{\"a\":1}"}));
  EXPECT_TRUE(Split("").empty());
}

TEST(EventStream, AnArrayGivesItsElements) {
  EXPECT_EQ(Split("[\n {\"a\": \"]\"},\n {\"b\": [1, 2]}\n]\n"),
            (std::vector<std::string>{"2:{\"a\": \"]\"}", "3:{\"b\": [1, 2]}"}));
}

TEST(EventStream, ALineTooLongIsSkippedAndTheNextIsRead) {
  const std::string huge = "{\"a\":\"" + std::string(EventStream::kMaxEventBytes, 'x') + "\"}";
  EXPECT_EQ(Split(huge + "\n{\"b\":2}\n"), (std::vector<std::string>{"1:too long", "2:{\"b\":2}"}));
  // Exactly at the limit is kept.
  const std::string at_limit(EventStream::kMaxEventBytes, ' ');
  auto events = Split("{}" + at_limit.substr(2) + "\n");
  ASSERT_EQ(events.size(), 1u);
  EXPECT_NE(events[0], "1:too long");
}

TEST(EventStream, AnArrayElementTooLongIsSkipped) {
  const std::string huge = "{\"a\":\"" + std::string(EventStream::kMaxEventBytes, 'x') + "\"}";
  EXPECT_EQ(Split("[" + huge + ", {\"b\":2}]"),
            (std::vector<std::string>{"1:too long", "1:{\"b\":2}"}));
}

}  // namespace
}  // namespace refract::eval

namespace refract::eval {
namespace {

// The entries of one parsed event as "name=text".
std::vector<std::string> Fields(EventReader& reader, const std::string& json) {
  Event event;
  std::string error;
  EXPECT_TRUE(reader.Parse(json, event, error)) << error;
  std::vector<std::string> out;
  for (const auto& [name, value] : event.fields) out.push_back(name + "=" + value.text);
  return out;
}

TEST(EventReader, AWholeFieldKeepsItsJsonTextBesideTheFlattenedEntries) {
  EventReader reader;
  reader.KeepWhole({"Props"});
  EXPECT_EQ(Fields(reader, R"({"Op":"x","Props":[{"Name":"A","Value":"B"}],"Other":{"k":1}})"),
            (std::vector<std::string>{"Op=x", R"(Props=[{"Name":"A","Value":"B"}])", "Props.Name=A",
                                      "Props.Value=B", "Other.k=1"}));
  // A scalar under that name is one entry, as before.
  EXPECT_EQ(Fields(reader, R"({"Props":"text"})"), (std::vector<std::string>{"Props=text"}));
}

TEST(EventReader, WithoutWholeFieldsContainersAreOnlyFlattened) {
  EventReader reader;
  EXPECT_EQ(Fields(reader, R"({"Props":[{"Name":"A"}]})"),
            (std::vector<std::string>{"Props.Name=A"}));
}

// The values of `name` in `event`, found through `cache`, as "text" joined by commas.
std::string FindThrough(const Event& event, const std::string& name, FieldPositions& cache) {
  std::vector<const FieldValue*> found;
  event.Find(name, found, cache);
  std::string out;
  for (const FieldValue* v : found) out += (out.empty() ? "" : ",") + v->text;
  return out;
}

TEST(EventReader, ALayoutIdChangesWithTheNamesAndALookupFollowsIt) {
  EventReader reader;
  Event event;
  std::string error;
  FieldPositions cache;
  ASSERT_TRUE(reader.Parse(R"({"a":1,"b":"x"})", event, error));
  const uint64_t first = event.layout;
  EXPECT_NE(first, 0u);
  EXPECT_EQ(FindThrough(event, "b", cache), "x");
  // The same names in the same order: one layout, and the cached position is read.
  ASSERT_TRUE(reader.Parse(R"({"a":2,"b":"y"})", event, error));
  EXPECT_EQ(event.layout, first);
  EXPECT_EQ(FindThrough(event, "b", cache), "y");
  // Reordered, fewer, more, or an array's extra element: another layout, searched again.
  ASSERT_TRUE(reader.Parse(R"({"b":"z","a":3})", event, error));
  EXPECT_NE(event.layout, first);
  EXPECT_EQ(FindThrough(event, "b", cache), "z");
  ASSERT_TRUE(reader.Parse(R"({"a":4})", event, error));
  EXPECT_EQ(FindThrough(event, "b", cache), "");
  ASSERT_TRUE(reader.Parse(R"({"a":5,"b":["p","q"]})", event, error));
  EXPECT_EQ(FindThrough(event, "b", cache), "p,q");
  ASSERT_TRUE(reader.Parse(R"({"a":6,"b":["r"]})", event, error));
  EXPECT_EQ(FindThrough(event, "b", cache), "r");
  // An event that is not an object empties the entries: the next one, even with no names,
  // is searched anew (found by fuzzing: positions of the old layout pointed past the end).
  ASSERT_FALSE(reader.Parse("[1]", event, error));
  ASSERT_TRUE(reader.Parse("{}", event, error));
  EXPECT_EQ(FindThrough(event, "b", cache), "");
  // An event built by hand has no layout: every lookup searches.
  Event built;
  built.fields.push_back({"b", {FieldValue::Kind::kString, "hand", 0}});
  EXPECT_EQ(FindThrough(built, "b", cache), "hand");
  built.fields.insert(built.fields.begin(), {"a", {FieldValue::Kind::kString, "1", 0}});
  EXPECT_EQ(FindThrough(built, "b", cache), "hand");
}

// The first value that is not null, found through a cache: nulls are skipped on every event
// (they change from event to event within one layout), and a new layout is searched again.
TEST(EventReader, TheFirstNonNullValueFollowsTheLayout) {
  EventReader reader;
  Event event;
  std::string error;
  FieldPositions cache;
  auto first = [&](const std::string& json) {
    EXPECT_TRUE(reader.Parse(json, event, error)) << error;
    const FieldValue* value = event.FirstNonNull("b", cache);
    return value == nullptr ? std::string("none") : value->text;
  };
  EXPECT_EQ(first(R"({"a":1,"b":["x","y"]})"), "x");
  EXPECT_EQ(first(R"({"a":1,"b":[null,"y"]})"), "y");  // the same layout, a null first
  EXPECT_EQ(first(R"({"a":1,"b":[null,null]})"), "none");
  EXPECT_EQ(first(R"({"b":"z","a":1})"), "z");  // reordered: searched again
  EXPECT_EQ(first(R"({"a":1})"), "none");
  Event built;  // no layout: searched each time
  built.fields.push_back({"b", {FieldValue::Kind::kNull, "", 0}});
  built.fields.push_back({"b", {FieldValue::Kind::kString, "hand", 0}});
  ASSERT_NE(built.FirstNonNull("b", cache), nullptr);
  EXPECT_EQ(built.FirstNonNull("b", cache)->text, "hand");
}

}  // namespace
}  // namespace refract::eval
