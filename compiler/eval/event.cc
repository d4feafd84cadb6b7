#include "compiler/eval/event.h"

#include <fmt/format.h>
#include <simdjson.h>

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
