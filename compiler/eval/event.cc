#include "compiler/eval/event.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cstring>

namespace refract::eval {

bool Event::Find(std::string_view name, std::vector<const FieldValue*>& out) const {
  bool found = false;
  for (const auto& [field, value] : fields) {
    if (field == name) {
      out.push_back(&value);
      found = true;
    }
  }
  return found;
}

bool Event::Find(std::string_view name, std::vector<const FieldValue*>& out,
                 FieldPositions& cache) const {
  if (layout != 0 && cache.layout == layout) {
    for (uint32_t i : cache.at) out.push_back(&fields[i].second);
    return !cache.at.empty();
  }
  cache.at.clear();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].first != name) continue;
    out.push_back(&fields[i].second);
    cache.at.push_back(static_cast<uint32_t>(i));
  }
  cache.layout = layout;
  return !cache.at.empty();
}

const FieldValue* Event::FirstNonNull(std::string_view name) const {
  for (const auto& [field, value] : fields) {
    if (value.kind != FieldValue::Kind::kNull && field == name) return &value;
  }
  return nullptr;
}

const FieldValue* Event::FirstNonNull(std::string_view name, FieldPositions& cache) const {
  if (layout == 0) return FirstNonNull(name);
  if (cache.layout != layout) {
    cache.at.clear();
    for (size_t i = 0; i < fields.size(); ++i) {
      if (fields[i].first == name) cache.at.push_back(static_cast<uint32_t>(i));
    }
    cache.layout = layout;
  }
  for (uint32_t i : cache.at) {
    if (fields[i].second.kind != FieldValue::Kind::kNull) return &fields[i].second;
  }
  return nullptr;
}

bool EventStream::Next(std::string& text, size_t& line) {
  if (done_) return false;
  if (!started_) {
    started_ = true;
    // An array when the first character that is not white space is '['.
    int c;
    while ((c = in_.peek()) != EOF && std::isspace(c)) {
      if (in_.get() == '\n') ++line_;
    }
    if (c == '[') {
      array_ = true;
      in_.get();
    }
  }
  too_long_ = false;
  if (array_) return NextArrayElement(text, line);
  while (NextLine(text)) {
    line = ++line_;
    if (too_long_ || text.find_first_not_of(" \t\r") != std::string::npos) return true;
  }
  done_ = true;
  return false;
}

// One line without its line feed, read in blocks so that a line past kMaxEventBytes is
// skipped, not held; false at the end of the input with nothing read.
bool EventStream::NextLine(std::string& text) {
  text.clear();
  too_long_ = false;
  bool any = false;
  while (begin_ < buffer_.size() || Fill()) {
    const char* start = buffer_.data() + begin_;
    const size_t available = buffer_.size() - begin_;
    const auto* feed = static_cast<const char*>(std::memchr(start, '\n', available));
    const size_t n = feed != nullptr ? static_cast<size_t>(feed - start) : available;
    if (n > 0) {
      any = true;
      if (!too_long_ && text.size() + n > kMaxEventBytes) {
        too_long_ = true;
        text.clear();
        text.shrink_to_fit();
      }
      if (!too_long_) text.append(start, n);
    }
    begin_ += n;
    if (feed != nullptr) {
      ++begin_;
      return true;
    }
  }
  return any;
}

bool EventStream::Fill() {
  // What the stream's own buffer holds after at most one read: a line from a pipe is handed on
  // when it arrives, not when a whole chunk has.
  std::streambuf* in = in_.rdbuf();
  buffer_.clear();
  begin_ = 0;
  if (in == nullptr || in->sgetc() == std::char_traits<char>::eof()) return false;
  const std::streamsize ready = std::clamp<std::streamsize>(in->in_avail(), 1, kChunkBytes);
  buffer_.resize(static_cast<size_t>(ready));
  buffer_.resize(static_cast<size_t>(in->sgetn(buffer_.data(), ready)));
  return !buffer_.empty();
}

void EventStream::Keep(std::string& text, char c, size_t& length) {
  if (++length > kMaxEventBytes) {
    if (!too_long_) {
      too_long_ = true;
      text.clear();
      text.shrink_to_fit();
    }
    return;
  }
  text.push_back(c);
}

// Scans one element of the top-level array, tracking nesting and strings, so an element's
// text is handed over as soon as it closes.
bool EventStream::NextArrayElement(std::string& text, size_t& line) {
  text.clear();
  size_t length = 0;  // the element's bytes so far, kept or not
  int depth = 0;
  bool in_string = false, escaped = false;
  int c;
  while ((c = in_.get()) != EOF) {
    if (c == '\n') ++line_;
    if (length == 0) {
      if (std::isspace(c) || c == ',') continue;
      if (c == ']') break;
      line = line_ + 1;
    }
    Keep(text, static_cast<char>(c), length);
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
        if (depth == 0) return true;  // a string element
      }
      continue;
    }
    if (c == '"') in_string = true;
    if (c == '{' || c == '[') ++depth;
    if (c == '}' || c == ']') --depth;
    if (depth == 0) {
      // A scalar element ends at the next comma or bracket; objects and arrays at their close.
      if (c == '}' || c == ']') return true;
      int next = in_.peek();
      if (next == ',' || next == ']' || next == EOF || std::isspace(next)) return true;
    }
  }
  done_ = true;
  return length > 0;
}

struct EventReader::Impl {
  simdjson::dom::parser parser;
  std::string buffer;  // the event's text with simdjson's padding after it, reused
  std::set<std::string, std::less<>> whole;  // fields also kept as their JSON text
};

EventReader::EventReader() : impl_(new Impl) {}
EventReader::~EventReader() { delete impl_; }

namespace {

// The next entry of `event` to fill, reusing the one left from the previous event.
std::pair<std::string, FieldValue>& NextEntry(Event& event, size_t& used) {
  if (used == event.fields.size()) event.fields.emplace_back();
  auto& entry = event.fields[used++];
  entry.second.made = 0;  // its value is about to change
  return entry;
}

// Names entry `name` `path`, noting in `renamed` whether that changed the event's layout.
void Rename(std::string& name, const std::string& path, bool& renamed) {
  if (name == path) return;
  name.assign(path);
  renamed = true;
}

// Flattens `element` under the dotted `path` into event.fields[used...], reusing the entries
// (and their strings' storage) left from the previous event; a container named in `whole` also
// gets an entry holding its JSON text.
void Flatten(std::string& path, simdjson::dom::element element, Event& event, size_t& used,
             const std::set<std::string, std::less<>>& whole, bool& renamed,
             bool array_element = false) {
  using simdjson::dom::element_type;
  const bool container =
      element.type() == element_type::OBJECT || element.type() == element_type::ARRAY;
  // An array's elements share its path: the array's own text is the one entry.
  if (container && !array_element && !whole.empty() && !path.empty() && whole.count(path) != 0) {
    auto& [name, value] = NextEntry(event, used);
    Rename(name, path, renamed);
    value.kind = FieldValue::Kind::kString;
    value.number = 0;
    value.text = simdjson::minify(element);
  }
  switch (element.type()) {
    case element_type::OBJECT:
      for (auto [key, child] : element.get_object()) {
        size_t mark = path.size();
        if (!path.empty()) path += '.';
        path.append(key.data(), key.size());
        Flatten(path, child, event, used, whole, renamed);
        path.resize(mark);
      }
      return;
    case element_type::ARRAY:
      for (auto child : element.get_array())
        Flatten(path, child, event, used, whole, renamed, true);
      return;
    default:
      break;
  }
  auto& [name, value] = NextEntry(event, used);
  Rename(name, path, renamed);
  value.text.clear();
  value.number = 0;
  switch (element.type()) {
    case element_type::STRING: {
      std::string_view text = element.get_string().value();
      value.kind = FieldValue::Kind::kString;
      value.text.assign(text.data(), text.size());
      break;
    }
    case element_type::INT64:
      value.kind = FieldValue::Kind::kNumber;
      value.number = static_cast<double>(element.get_int64().value());
      fmt::format_to(std::back_inserter(value.text), "{}", element.get_int64().value());
      break;
    case element_type::UINT64:
      value.kind = FieldValue::Kind::kNumber;
      value.number = static_cast<double>(element.get_uint64().value());
      fmt::format_to(std::back_inserter(value.text), "{}", element.get_uint64().value());
      break;
    case element_type::DOUBLE:
      value.kind = FieldValue::Kind::kNumber;
      value.number = element.get_double().value();
      fmt::format_to(std::back_inserter(value.text), "{}", value.number);
      break;
    case element_type::BOOL:
      value.kind = FieldValue::Kind::kBool;
      value.text = element.get_bool().value() ? "true" : "false";
      break;
    default:
      value.kind = FieldValue::Kind::kNull;
      break;
  }
}

// An id no event layout has had in this process.
uint64_t NewLayout() {
  static std::atomic<uint64_t> last{0};
  return ++last;
}

// A number no event read in this process has had (Event::serial).
uint64_t NewSerial() {
  static std::atomic<uint64_t> last{0};
  return ++last;
}

}  // namespace

void EventReader::KeepWhole(std::vector<std::string> fields) {
  impl_->whole = {std::make_move_iterator(fields.begin()), std::make_move_iterator(fields.end())};
}

bool EventReader::Parse(std::string_view json, Event& event, std::string& error) {
  std::string& buffer = impl_->buffer;
  buffer.assign(json.data(), json.size());
  buffer.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::dom::element root;
  auto code = impl_->parser.parse(buffer.data(), json.size(), false).get(root);
  if (code != simdjson::SUCCESS) {
    error = simdjson::error_message(code);
    return false;
  }
  if (root.type() != simdjson::dom::element_type::OBJECT) {
    event.fields.clear();
    event.layout = 0;  // no names: the layout of the previous event is gone
    event.serial = 0;
    error = "an event must be a JSON object";
    return false;
  }
  std::string path;
  size_t used = 0;
  bool renamed = false;
  Flatten(path, root, event, used, impl_->whole, renamed);
  // Entries past `used` belong to a larger previous event; events of one shape keep them all.
  if (used != event.fields.size()) renamed = true;
  event.fields.resize(used);
  if (renamed || event.layout == 0) event.layout = NewLayout();
  event.serial = NewSerial();
  return true;
}

}  // namespace refract::eval
