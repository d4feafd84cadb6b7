#include "compiler/mapping/mapping.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <set>

#include "compiler/load/loader.h"
#include "compiler/load/yaml_tree.h"

namespace refract {

const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedMappings();

const std::string_view* ShippedMappingText(std::string_view target) {
  for (const auto& [name, text] : EmbeddedMappings()) {
    if (name == target) return &text;
  }
  return nullptr;
}

namespace {

std::map<std::string, std::string> StringMap(const yaml::Node& node) {
  std::map<std::string, std::string> out;
  if (!node.IsDefined() || !node.IsMap()) return out;
  for (auto it = node.begin(); it != node.end(); ++it) {
    out[it->first.Scalar()] = it->second.IsScalar() ? it->second.Scalar() : "";
  }
  return out;
}

std::vector<std::string> StringList(const yaml::Node& node) {
  std::vector<std::string> out;
  if (!node.IsDefined() || !node.IsSequence()) return out;
  for (const auto& item : node) {
    if (item.IsScalar()) out.push_back(item.Scalar());
  }
  return out;
}

// The first document read; undefined when there is none (an empty file).
yaml::Node FirstDocument(const yaml::Documents& read) {
  return read.documents.empty() ? yaml::Node() : read.documents[0];
}

// Names to lists of values, with or without the surrounding percent signs.
ir::Placeholders PlaceholdersFrom(const yaml::Node& root) {
  ir::Placeholders out;
  for (auto it = root.begin(); it != root.end(); ++it) {
    std::vector<std::string> values;
    const yaml::Node& value = it->second;
    if (value.IsScalar()) {
      values.push_back(value.Scalar());
    } else if (value.IsSequence()) {
      for (const auto& v : value) {
        if (v.IsScalar()) values.push_back(v.Scalar());
      }
    }
    std::string name = it->first.Scalar();
    if (name.size() > 2 && name.front() == '%' && name.back() == '%') {
      name = name.substr(1, name.size() - 2);
    }
    out[name] = std::move(values);
  }
  return out;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::optional<TargetMapping> TargetMapping::Parse(const std::string& origin,
                                                  const std::string& text,
                                                  Diagnostics& diagnostics) {
  auto fail = [&](const auto& mark, const std::string& message) {
    SourceFile source(origin, text);
    diagnostics.Error("E0110", LocationOf(source, mark), message);
    return std::nullopt;
  };
  yaml::Documents read;
  try {
    read = yaml::Read(text);
  } catch (const YAML::Exception& e) {
    return fail(e.mark, fmt::format("malformed mapping file: {}", e.msg));
  }
  const yaml::Node root = FirstDocument(read);
  if (!root.IsMap()) return fail(root.Mark(), "a mapping file must be a map");
  TargetMapping mapping;
  if (root["target"].IsScalar()) mapping.target_ = root["target"].Scalar();
  for (const auto& entry : root["logsources"]) {
    if (!entry.IsMap() || !entry["logsource"].IsMap() || !entry["source"].IsScalar()) {
      return fail(entry.Mark(), "each logsources entry needs a 'logsource' map and a 'source'");
    }
    LogSourceMapping m;
    for (const auto& [key, value] : StringMap(entry["logsource"])) m.when[key] = Lower(value);
    m.source = entry["source"].Scalar();
    m.fields = StringMap(entry["fields"]);
    m.filter = StringMap(entry["filter"]);
    m.keyword_fields = StringList(entry["keyword_fields"]);
    if (entry["prefix"].IsScalar()) m.prefix = entry["prefix"].Scalar();
    mapping.logsources_.push_back(std::move(m));
  }
  mapping.fields_ = StringMap(root["fields"]);
  mapping.keyword_fields_ = StringList(root["keyword_fields"]);
  mapping.options_ = StringMap(root["options"]);
  const yaml::Node fallback = root["fallback"];
  if (fallback.IsMap()) {
    auto f = StringMap(fallback);
    if (f.count("template")) mapping.fallback_template_ = f["template"];
    if (f.count("separator")) mapping.fallback_separator_ = f["separator"];
  }
  if (root["types"].IsMap()) {
    for (auto it = root["types"].begin(); it != root["types"].end(); ++it) {
      mapping.types_[it->first.Scalar()] = StringMap(it->second);
    }
  }
  if (root["placeholders"].IsMap()) mapping.placeholders_ = PlaceholdersFrom(root["placeholders"]);
  return mapping;
}

void TargetMapping::Extend(const TargetMapping& user) {
  std::vector<LogSourceMapping> merged = user.logsources_;
  merged.insert(merged.end(), logsources_.begin(), logsources_.end());
  logsources_ = std::move(merged);
  for (const auto& [k, v] : user.fields_) fields_[k] = v;
  if (!user.keyword_fields_.empty()) keyword_fields_ = user.keyword_fields_;
  for (const auto& [k, v] : user.options_) options_[k] = v;
  for (const auto& [table, columns] : user.types_) {
    for (const auto& [k, v] : columns) types_[table][k] = v;
  }
  for (const auto& [k, v] : user.placeholders_) placeholders_[k] = v;
}

const LogSourceMapping* TargetMapping::Find(const ir::LogSource& ls) const {
  // Mapping values are stored lower-cased; the rule's are folded once here, not per entry.
  const std::string product = Lower(ls.product);
  const std::string category = Lower(ls.category);
  const std::string service = Lower(ls.service);
  const std::string definition = Lower(ls.definition);
  const LogSourceMapping* best = nullptr;
  size_t best_keys = 0;
  for (const auto& m : logsources_) {
    bool match = true;
    size_t weight = 0;  // a category or service says more about where events live than a product
    for (const auto& [key, value] : m.when) {
      const bool is_product = key == "product";
      const std::string& actual = is_product          ? product
                                  : key == "category" ? category
                                  : key == "service"  ? service
                                                      : definition;
      if (actual != value) {
        match = false;
        break;
      }
      weight += is_product ? 1 : 2;
    }
    if (match && (best == nullptr || weight > best_keys)) {
      best = &m;
      best_keys = weight;
    }
  }
  return best;
}

std::string TargetMapping::MapField(const LogSourceMapping* entry, const std::string& field,
                                    bool* mapped) const {
  if (entry != nullptr) {
    auto it = entry->fields.find(field);
    if (it != entry->fields.end()) {
      *mapped = true;
      return it->second;
    }
  }
  auto it = fields_.find(field);
  if (it != fields_.end()) {
    *mapped = true;
    return it->second;
  }
  if (entry != nullptr && !entry->prefix.empty()) {
    *mapped = true;
    return entry->prefix + field;
  }
  *mapped = false;
  return field;
}

std::string TargetMapping::Option(const std::string& name, const std::string& fallback) const {
  auto it = options_.find(name);
  return it == options_.end() ? fallback : it->second;
}

const std::vector<std::string>& TargetMapping::KeywordFields(const LogSourceMapping* entry) const {
  if (entry != nullptr && !entry->keyword_fields.empty()) return entry->keyword_fields;
  return keyword_fields_;
}

std::string TargetMapping::FieldType(const std::string& source, const std::string& field) const {
  for (const std::string& key : {source, std::string("*")}) {
    auto table = types_.find(key);
    if (table == types_.end()) continue;
    auto it = table->second.find(field);
    if (it != table->second.end()) return it->second;
  }
  return "";
}

namespace {}  // namespace

std::string TargetMapping::FallbackSource(const ir::LogSource& ls) const {
  std::string name;
  for (const std::string* part : {&ls.product, &ls.category, &ls.service}) {
    if (part->empty()) continue;
    if (!name.empty()) name += fallback_separator_;
    for (char c : *part) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  }
  if (name.empty()) name = "sigma";
  std::string out = fallback_template_;
  size_t at = out.find("{}");
  if (at != std::string::npos) out.replace(at, 2, name);
  return out;
}

namespace {

// Turns keyword searches into searches of the named fields (any of them), for targets without
// full-text search.
void AimKeywords(ir::Expr& e, const std::vector<std::string>& fields) {
  if (e.kind != ir::Expr::Kind::kPredicate) {
    for (auto& child : e.children) AimKeywords(child, fields);
    return;
  }
  if (!e.predicate.IsKeyword()) return;
  std::vector<ir::Expr> alternatives;
  for (const auto& field : fields) {
    ir::Predicate p = e.predicate;
    p.field = field;
    alternatives.push_back(ir::Expr::Pred(std::move(p)));
  }
  e = alternatives.size() == 1 ? std::move(alternatives[0]) : ir::Expr::Or(std::move(alternatives));
}

class FieldRenamer {
 public:
  FieldRenamer(const TargetMapping& mapping, const LogSourceMapping* entry,
               const MappingOptions& options, Diagnostics& diagnostics)
      : mapping_(mapping), entry_(entry), options_(options), diagnostics_(diagnostics) {}

  void Rename(ir::Expr& e) {
    if (e.kind != ir::Expr::Kind::kPredicate) {
      for (auto& child : e.children) Rename(child);
      return;
    }
    ir::Predicate& p = e.predicate;
    if (!p.IsKeyword()) p.field = Map(p.field, p.location);
    for (auto& v : p.values) {
      if (v.kind == ir::Value::Kind::kField) v.text = Map(v.text, p.location);
    }
  }

 private:
  std::string Map(const std::string& field, const SourceLocation& where) {
    bool mapped = false;
    std::string out = mapping_.MapField(entry_, field, &mapped);
    if (!mapped && options_.strict_fields && reported_.insert(field).second) {
      diagnostics_.Error(
          "E0400", where,
          fmt::format("field '{}' has no mapping for target '{}'", field, mapping_.target()),
          {"add it under 'fields' in a --mapping file, or drop --strict-fields"});
    }
    return out;
  }

  const TargetMapping& mapping_;
  const LogSourceMapping* entry_;
  const MappingOptions& options_;
  Diagnostics& diagnostics_;
  std::set<std::string> reported_;
};

}  // namespace

bool ApplyMapping(ir::Rule& rule, const TargetMapping& mapping, const MappingOptions& options,
                  Diagnostics& diagnostics) {
  int errors_before = diagnostics.error_count();
  const LogSourceMapping* entry = mapping.Find(rule.logsource);
  if (entry != nullptr) {
    rule.source = entry->source;
  } else {
    rule.source = mapping.FallbackSource(rule.logsource);
    diagnostics.Warning("W0401", rule.logsource_location,
                        fmt::format("no {} source is mapped for this log source; using '{}'",
                                    mapping.target(), rule.source),
                        {"map it in a --mapping file under 'logsources'"});
  }
  FieldRenamer(mapping, entry, options, diagnostics).Rename(rule.condition);
  const auto& keyword_fields = mapping.KeywordFields(entry);
  if (!keyword_fields.empty()) AimKeywords(rule.condition, keyword_fields);
  if (entry != nullptr && !entry->filter.empty()) {
    std::vector<ir::Expr> parts;
    for (const auto& [field, value] : entry->filter) {
      ir::Predicate p;
      p.field = field;
      p.op = ir::Op::kEq;
      p.cased = true;
      p.location = rule.location;
      bool numeric = !value.empty() && value.find_first_not_of("0123456789") == std::string::npos;
      if (numeric) {
        p.values = {ir::Value::Number(value)};
      } else {
        ir::Pattern pattern;
        pattern.AddLiteral(value);
        p.values = {ir::Value::String(std::move(pattern))};
      }
      parts.push_back(ir::Expr::Pred(std::move(p)));
    }
    parts.push_back(std::move(rule.condition));
    rule.condition = ir::Expr::And(std::move(parts));
  }
  return diagnostics.error_count() == errors_before;
}

bool MapCorrelation(ir::Correlation& c, const TargetMapping& mapping, const MappingOptions& options,
                    Diagnostics& diagnostics) {
  bool ok = true;
  auto field_in = [&](const ir::Rule& rule, const std::string& field) {
    bool mapped = false;
    return mapping.MapField(mapping.Find(rule.logsource), field, &mapped);
  };
  for (auto& source : c.sources) {
    if (!source.rule) continue;
    for (auto& g : source.group_fields) g = field_in(*source.rule, g);
    if (!source.value_field.empty())
      source.value_field = field_in(*source.rule, source.value_field);
    ok = ApplyMapping(*source.rule, mapping, options, diagnostics) && ok;
  }
  const ir::CorrelationSource* first = c.sources.empty() ? nullptr : &c.sources[0];
  for (auto& m : c.measures) {
    if (first == nullptr || !first->rule) continue;
    if (!m.field.empty()) m.field = field_in(*first->rule, m.field);
    if (m.where) {
      Diagnostics ignored;  // the log source was mapped, and warned about, with the rule itself
      ApplyMapping(*m.where, mapping, options, ignored);
    }
  }
  return ok;
}

std::optional<ir::Placeholders> ParsePlaceholders(const std::string& origin,
                                                  const std::string& text,
                                                  Diagnostics& diagnostics) {
  SourceFile source(origin, text);
  yaml::Documents read;
  try {
    read = yaml::Read(text);
  } catch (const YAML::Exception& e) {
    diagnostics.Error("E0111", LocationOf(source, e.mark),
                      fmt::format("malformed placeholders file: {}", e.msg));
    return std::nullopt;
  }
  const yaml::Node root = FirstDocument(read);
  if (!root.IsMap()) {
    diagnostics.Error("E0111", LocationOf(source, root.Mark()),
                      "a placeholders file must map names to lists of values");
    return std::nullopt;
  }
  return PlaceholdersFrom(root);
}

}  // namespace refract
