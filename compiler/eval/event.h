// Events for the reference evaluator: one JSON object flattened to dotted field names.
#pragma once

#include <cstdint>
#include <istream>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace refract::eval {

// One value of a field as the event has it; numbers keep a text form for string comparisons.
struct FieldValue {
  enum class Kind { kString, kNumber, kBool, kNull };
  Kind kind = Kind::kString;
  std::string text;  // the string, the number's shortest decimal form, or "true"/"false"
  double number = 0;
  // Forms of the value made on first use, as several rules read one value: the matcher's code
  // points of `text` (case-folded and as written), the timestamp it parses and its interned
  // copy. `made` says which are made (kCaseless, kCased, kTime, kInterned); whoever rewrites
  // the value clears it.
  mutable std::u32string caseless = {};
  mutable std::u32string cased = {};
  mutable std::optional<double> time = {};
  // The correlators' kept copy of `text` (ValueTable::Value) and the table that keeps it.
  mutable const void* interned = nullptr;
  mutable const void* interned_by = nullptr;
  mutable unsigned made = 0;
  static constexpr unsigned kCaseless = 1, kCased = 2, kTime = 4, kInterned = 8;
};

// Where one field name is in events of one layout (Event::layout), for lookups to reuse.
struct FieldPositions {
  uint64_t layout = 0;
  std::vector<uint32_t> at;
};

// A flattened event: nested objects become dotted names (`a.b.c`); an array gives its field one
// entry per element, so a predicate holds when any element satisfies it.
struct Event {
  std::vector<std::pair<std::string, FieldValue>> fields;
  // The layout of the field names, for lookups to reuse where a name was found: the reader
  // gives events with the same names in the same order one id (ids are unique in a process);
  // 0, the default, is a layout nobody vouches for. Whoever renames or reorders fields sets 0.
  uint64_t layout = 0;
  // The parse that filled it: the reader gives every event it reads a new number (unique in a
  // process), which keys the results matchers share (SharedResults); 0, the default, is an
  // event nobody vouches for, evaluated afresh each time. Whoever changes fields sets 0.
  uint64_t serial = 0;

  // Appends every value of `name` (exact spelling) to `out`; returns whether the field exists.
  bool Find(std::string_view name, std::vector<const FieldValue*>& out) const;
  // The same, reading the positions from `cache` when it was filled for this layout (and
  // filling it when not): events of one layout need one search per name.
  bool Find(std::string_view name, std::vector<const FieldValue*>& out,
            FieldPositions& cache) const;
  // The first value of `name` that is not null, or null when it has none.
  const FieldValue* FirstNonNull(std::string_view name) const;
  // The same, reading the positions from `cache` when it was filled for this layout.
  const FieldValue* FirstNonNull(std::string_view name, FieldPositions& cache) const;
};

// Splits an input stream into the text of its events, one at a time so memory stays flat:
// JSON lines (one object per line) or a JSON array of objects (the whole file one `[...]`).
class EventStream {
 public:
  explicit EventStream(std::istream& in) : in_(in) {}

  // Events longer than this are skipped, not held: memory stays bounded whatever the input.
  static constexpr size_t kMaxEventBytes = 16 << 20;

  // The next event's text and the line it starts on; false at the end. For an array that is
  // cut short, returns its unfinished text once, for the parser to reject. An event longer
  // than kMaxEventBytes comes back empty with too_long() set.
  bool Next(std::string& text, size_t& line);
  // True when the event Next() last returned was longer than kMaxEventBytes.
  bool too_long() const { return too_long_; }

 private:
  bool NextLine(std::string& text);
  // Refills buffer_ from the stream; false at its end.
  bool Fill();
  bool NextArrayElement(std::string& text, size_t& line);
  // Appends `c` to `text` while the event is within kMaxEventBytes.
  void Keep(std::string& text, char c, size_t& length);
  bool too_long_ = false;
  std::istream& in_;
  size_t line_ = 0;
  bool started_ = false;
  bool array_ = false;
  bool done_ = false;
  // Line mode reads through buffer_ (from begin_), a chunk at a time: far fewer calls into the
  // stream than a get() per line, and memchr finds the line feeds.
  static constexpr std::streamsize kChunkBytes = 1 << 16;
  std::string buffer_;
  size_t begin_ = 0;
};

// Reads and flattens JSON objects, reusing one parser's buffers across events.
class EventReader {
 public:
  EventReader();
  ~EventReader();
  EventReader(const EventReader&) = delete;
  EventReader& operator=(const EventReader&) = delete;

  // Parses one JSON object into `event`; on malformed input returns false and says why in `error`.
  bool Parse(std::string_view json, Event& event, std::string& error);

  // Also gives each of `fields` whose value is an object or an array one entry of its own, the
  // value's compact JSON text, beside the flattened entries below it: a KQL query reads a
  // dynamic column as text (`tostring(OperationProperties) contains …`), and so must the
  // evaluator. Other fields cost nothing.
  void KeepWhole(std::vector<std::string> fields);

 private:
  struct Impl;
  Impl* impl_;
};

}  // namespace refract::eval
