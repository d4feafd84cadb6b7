#include "compiler/eval/event.h"

#include <fmt/format.h>
#include <simdjson.h>

#include <cctype>

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
  if (array_) return NextArrayElement(text, line);
  while (std::getline(in_, text)) {
    line = ++line_;
    if (text.find_first_not_of(" \t\r") != std::string::npos) return true;
  }
  done_ = true;
  return false;
}

// Scans one element of the top-level array, tracking nesting and strings, so an element's
// text is handed over as soon as it closes.
bool EventStream::NextArrayElement(std::string& text, size_t& line) {
  text.clear();
  int depth = 0;
  bool in_string = false, escaped = false;
  int c;
  while ((c = in_.get()) != EOF) {
    if (c == '\n') ++line_;
    if (text.empty()) {
      if (std::isspace(c) || c == ',') continue;
      if (c == ']') break;
      line = line_ + 1;
    }
    text.push_back(static_cast<char>(c));
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
  return !text.empty();
}

struct EventReader::Impl {
  simdjson::dom::parser parser;
  simdjson::padded_string buffer;
};

EventReader::EventReader() : impl_(new Impl) {}
EventReader::~EventReader() { delete impl_; }

namespace {

void Flatten(const std::string& name, simdjson::dom::element element, Event& event) {
  using simdjson::dom::element_type;
  FieldValue value;
  switch (element.type()) {
    case element_type::OBJECT:
      for (auto [key, child] : element.get_object()) {
        Flatten(name.empty() ? std::string(key) : name + "." + std::string(key), child, event);
      }
      return;
    case element_type::ARRAY:
      for (auto child : element.get_array()) Flatten(name, child, event);
      return;
    case element_type::STRING:
      value.text = std::string(element.get_string().value());
      break;
    case element_type::INT64:
      value.kind = FieldValue::Kind::kNumber;
      value.number = static_cast<double>(element.get_int64().value());
      value.text = fmt::format("{}", element.get_int64().value());
      break;
    case element_type::UINT64:
      value.kind = FieldValue::Kind::kNumber;
      value.number = static_cast<double>(element.get_uint64().value());
      value.text = fmt::format("{}", element.get_uint64().value());
      break;
    case element_type::DOUBLE:
      value.kind = FieldValue::Kind::kNumber;
      value.number = element.get_double().value();
      value.text = fmt::format("{}", value.number);
      break;
    case element_type::BOOL:
      value.kind = FieldValue::Kind::kBool;
      value.text = element.get_bool().value() ? "true" : "false";
      break;
    case element_type::NULL_VALUE:
      value.kind = FieldValue::Kind::kNull;
      break;
  }
  event.fields.emplace_back(name, std::move(value));
}

}  // namespace

bool EventReader::Parse(std::string_view json, Event& event, std::string& error) {
  event.fields.clear();
  impl_->buffer = simdjson::padded_string(json);
  simdjson::dom::element root;
  auto code = impl_->parser.parse(impl_->buffer).get(root);
  if (code != simdjson::SUCCESS) {
    error = simdjson::error_message(code);
    return false;
  }
  if (root.type() != simdjson::dom::element_type::OBJECT) {
    error = "an event must be a JSON object";
    return false;
  }
  Flatten("", root, event);
  return true;
}

}  // namespace refract::eval
