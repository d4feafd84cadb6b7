#include "compiler/mapping/mapping.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <set>
#include <unordered_map>

#include "compiler/load/loader.h"
#include "compiler/load/yaml_tree.h"

namespace refract {

const std::vector<std::pair<std::string_view, std::string_view>>& EmbeddedMappings();

std::string MappingStem(std::string_view target) {
  std::string stem(target);
  std::replace(stem.begin(), stem.end(), '-', '_');
  return stem;
}

const std::string_view* ShippedMappingText(std::string_view target) {
  for (const auto& [name, text] : EmbeddedMappings()) {
    if (name == MappingStem(target)) return &text;
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

// Column types whose values are objects: any path below such a column exists.
bool IsOpenType(std::string_view type) {
  return type == "dynamic" || type == "object" || type == "flattened";
}

bool IsColumnSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// One table's `columns` entry: a scalar or a list of scalars, each holding whitespace-separated
// `name` or `name:type` tokens (lists let YAML aliases share groups of columns between tables).
void ReadColumns(const yaml::Node& node, ColumnSet& names,
                 std::map<std::string, std::string>& types) {
  auto read = [&](std::string_view text) {
    size_t at = 0;
    while (at < text.size()) {
      while (at < text.size() && IsColumnSpace(text[at])) ++at;
      const size_t start = at;
      while (at < text.size() && !IsColumnSpace(text[at])) ++at;
      const std::string_view token = text.substr(start, at - start);
      const size_t colon = token.rfind(':');
      const std::string_view name = token.substr(0, colon);
      if (name.empty()) continue;
      names.Add(name);
      if (colon == std::string_view::npos) continue;
      const std::string_view type = token.substr(colon + 1);
      if (type.empty()) continue;
      if (IsOpenType(type)) names.Add(std::string(name) + ".*");
      types.emplace(name, type);
    }
  };
  if (node.IsScalar()) read(node.Scalar());
  if (node.IsSequence()) {
    for (const auto& item : node) {
      if (item.IsScalar()) read(item.Scalar());
    }
  }
  names.Seal();
}

// The index, in Find's order, of the rule's log source field a mapping's `when` key names:
// product 0, category 1, service 2, and any other key the definition (3).
uint8_t LogSourcePart(const std::string& key) {
  return key == "product" ? 0 : key == "category" ? 1 : key == "service" ? 2 : 3;
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

void ColumnSet::Add(std::string_view name) {
  names_.push_back({static_cast<uint32_t>(text_.size()), static_cast<uint32_t>(name.size())});
  text_.append(name);
}

void ColumnSet::AddAll(const ColumnSet& other) {
  for (const Span& span : other.names_) Add(other.At(span));
}

void ColumnSet::Seal() {
  auto less = [&](Span a, Span b) { return At(a) < At(b); };
  auto same = [&](Span a, Span b) { return At(a) == At(b); };
  std::sort(names_.begin(), names_.end(), less);
  names_.erase(std::unique(names_.begin(), names_.end(), same), names_.end());
}

bool ColumnSet::Contains(std::string_view name) const {
  auto it = std::lower_bound(names_.begin(), names_.end(), name,
                             [&](Span span, std::string_view n) { return At(span) < n; });
  return it != names_.end() && At(*it) == name;
}

std::optional<TargetMapping> TargetMapping::Parse(const std::string& origin, std::string_view text,
                                                  Diagnostics& diagnostics) {
  auto fail = [&](const auto& mark, const std::string& message) {
    SourceFile source(origin, std::string(text));
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
  if (root["profile"].IsScalar()) mapping.profile_ = root["profile"].Scalar();
  if (root["description"].IsScalar()) mapping.description_ = root["description"].Scalar();
  for (const auto& table : StringList(root["tables"])) mapping.tables_.insert(table);
  for (const auto& entry : root["logsources"]) {
    if (!entry.IsMap() || !entry["logsource"].IsMap() || !entry["source"].IsScalar()) {
      return fail(entry.Mark(), "each logsources entry needs a 'logsource' map and a 'source'");
    }
    LogSourceMapping m;
    for (const auto& [key, value] : StringMap(entry["logsource"])) {
      m.when.emplace_back(LogSourcePart(key), Lower(value));
    }
    m.source = entry["source"].Scalar();
    m.fields = StringMap(entry["fields"]);
    m.filter = StringMap(entry["filter"]);
    m.keyword_fields = StringList(entry["keyword_fields"]);
    if (entry["prefix"].IsScalar()) m.prefix = entry["prefix"].Scalar();
    if (entry["approximation"].IsScalar()) m.approximation = entry["approximation"].Scalar();
    m.fixed_schema = entry["fixed_schema"].IsScalar() && entry["fixed_schema"].Scalar() == "true";
    mapping.logsources_.push_back(std::move(m));
  }
  mapping.fields_ = StringMap(root["fields"]);
  mapping.keyword_fields_ = StringList(root["keyword_fields"]);
  mapping.options_ = StringMap(root["options"]);
  const yaml::Node fallback = root["fallback"];
  if (fallback.IsMap()) {
    mapping.has_fallback_ = true;
    auto f = StringMap(fallback);
    if (f.count("template")) mapping.fallback_template_ = f["template"];
    if (f.count("separator")) mapping.fallback_separator_ = f["separator"];
  }
  if (root["types"].IsMap()) {
    for (auto it = root["types"].begin(); it != root["types"].end(); ++it) {
      mapping.types_[it->first.Scalar()] = StringMap(it->second);
    }
  }
  if (root["columns"].IsMap()) {
    for (auto it = root["columns"].begin(); it != root["columns"].end(); ++it) {
      const std::string table = it->first.Scalar();
      if (table.empty() || table[0] == '_') continue;  // a group that tables include by alias
      std::map<std::string, std::string> declared;
      ReadColumns(it->second, mapping.columns_[table], declared);
      // A type under `types` wins over the column list's.
      for (const auto& [name, type] : declared) mapping.types_[table].emplace(name, type);
    }
  }
  if (root["placeholders"].IsMap()) mapping.placeholders_ = PlaceholdersFrom(root["placeholders"]);
  return mapping;
}

void TargetMapping::Extend(const TargetMapping& user) {
  if (!user.profile_.empty()) profile_ = user.profile_;
  if (!user.description_.empty()) description_ = user.description_;
  tables_.insert(user.tables_.begin(), user.tables_.end());
  // A source that a user's entry names exists where the queries run: the user says so.
  if (!tables_.empty() && user.profile_.empty()) {
    for (const auto& entry : user.logsources_) tables_.insert(entry.source);
  }
  if (user.has_fallback_) {
    fallback_template_ = user.fallback_template_;
    fallback_separator_ = user.fallback_separator_;
  }
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
  for (const auto& [table, names] : user.columns_) {
    ColumnSet& mine = columns_[table];
    mine.AddAll(names);
    mine.Seal();
  }
}

namespace {

// Whether `actual` lower-cases (as Lower does, byte by byte in the C locale) to `folded`,
// compared in place: Find runs for every rule on every target.
bool FoldsTo(std::string_view actual, std::string_view folded) {
  if (actual.size() != folded.size()) return false;
  for (size_t i = 0; i < actual.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(actual[i])) !=
        static_cast<unsigned char>(folded[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace

const LogSourceMapping* TargetMapping::Find(const ir::LogSource& ls) const {
  // Mapping values are stored lower-cased; the rule's are compared folded.
  const std::array<const std::string*, 4> parts = {&ls.product, &ls.category, &ls.service,
                                                   &ls.definition};
  const LogSourceMapping* best = nullptr;
  size_t best_keys = 0;
  for (const auto& m : logsources_) {
    bool match = true;
    size_t weight = 0;  // a category or service says more about where events live than a product
    for (const auto& [part, value] : m.when) {
      if (!FoldsTo(*parts[part], value)) {
        match = false;
        break;
      }
      weight += part == 0 ? 1 : 2;
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

bool TargetMapping::HasTable(const std::string& source) const {
  return tables_.empty() || tables_.count(source) != 0;
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

ColumnPresence TargetMapping::HasColumn(const std::string& source,
                                        const std::string& column) const {
  auto table = columns_.find(source);
  if (table == columns_.end()) table = columns_.find("*");
  if (table == columns_.end()) return ColumnPresence::kUnchecked;
  const ColumnSet& names = table->second;
  if (names.Contains(column)) return ColumnPresence::kPresent;
  for (size_t dot = column.find('.'); dot != std::string::npos; dot = column.find('.', dot + 1)) {
    if (names.Contains(column.substr(0, dot) + ".*")) return ColumnPresence::kPresent;
  }
  return ColumnPresence::kAbsent;
}

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
// full-text search; returns whether `e` held a keyword.
bool AimKeywords(ir::Expr& e, const std::vector<std::string>& fields) {
  if (e.kind != ir::Expr::Kind::kPredicate) {
    bool aimed = false;
    for (auto& child : e.children) aimed = AimKeywords(child, fields) || aimed;
    return aimed;
  }
  if (!e.predicate.IsKeyword()) return false;
  std::vector<ir::Expr> alternatives;
  for (const auto& field : fields) {
    ir::Predicate p = e.predicate;
    p.field = field;
    alternatives.push_back(ir::Expr::Pred(std::move(p)));
  }
  e = alternatives.size() == 1 ? std::move(alternatives[0]) : ir::Expr::Or(std::move(alternatives));
  return true;
}

class FieldRenamer {
 public:
  FieldRenamer(const TargetMapping& mapping, const LogSourceMapping* entry, const ir::Rule& rule,
               const MappingOptions& options, Diagnostics& diagnostics)
      : mapping_(mapping),
        entry_(entry),
        rule_title_(rule.info.title),
        source_(rule.source),
        options_(options),
        diagnostics_(diagnostics) {}

  // True once two distinct fields were given one target name.
  bool merged_fields() const { return merged_fields_; }

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

  // The target name of `field`, reported as FieldRenamer reports a predicate's field.
  std::string Map(const std::string& field, const SourceLocation& where) {
    bool mapped = false;
    std::string out = mapping_.MapField(entry_, field, &mapped);
    if (!merged_fields_) {
      auto [named, added] = source_field_of_.try_emplace(out, field);
      merged_fields_ = !added && named->second != field;
    }
    const ColumnPresence presence = mapping_.HasColumn(source_, out);
    if (presence == ColumnPresence::kAbsent) {
      ReportMissingColumn(field, out, where);
    } else if (!mapped && presence == ColumnPresence::kUnchecked && options_.strict_fields &&
               reported_.insert(field).second) {
      diagnostics_.Error(
          "E0400", where,
          fmt::format("field '{}' has no mapping for target '{}'", field, mapping_.target()),
          {"add it under 'fields' in a --mapping file, or drop --strict-fields"});
    }
    return out;
  }

 private:
  // W0402, E0401 under --strict-fields, E0404 on a fixed schema: the query would name a column
  // its table lacks, which the platform rejects (Kusto: "does not refer to any known column") or
  // never matches.
  void ReportMissingColumn(const std::string& field, const std::string& column,
                           const SourceLocation& where) {
    if (!reported_.insert(field).second) return;
    std::string what = field == column ? fmt::format("field '{}'", field)
                                       : fmt::format("field '{}' (column '{}')", field, column);
    std::string message = fmt::format("rule '{}': {} is not a column of {} table '{}'", rule_title_,
                                      what, mapping_.target(), source_);
    std::vector<std::string> hints = {
        "map the field under 'fields' in a --mapping file, or declare the column under "
        "'columns' if the table has it"};
    const bool fixed = entry_ != nullptr && entry_->fixed_schema && !options_.for_events;
    if (fixed) {
      message += " (the platform fixes that table's columns, so no such query can be saved)";
      hints = {"read the events from a table that has the field; the rule cannot run on this one"};
      diagnostics_.Error("E0404", where, std::move(message), std::move(hints));
    } else if (options_.strict_fields) {
      diagnostics_.Error("E0401", where, std::move(message), std::move(hints));
    } else {
      diagnostics_.Warning("W0402", where, std::move(message), std::move(hints));
    }
  }

  const TargetMapping& mapping_;
  const LogSourceMapping* entry_;
  const std::string& rule_title_;  // the rule outlives its renamer; no copy per rule and target
  const std::string& source_;
  const MappingOptions& options_;
  Diagnostics& diagnostics_;
  std::set<std::string> reported_;
  std::unordered_map<std::string, std::string> source_field_of_;  // target name → first field
  bool merged_fields_ = false;
};

// E0403: the profile's platform has no such table, so no query there could run.
void ReportAbsentTable(const ir::Rule& rule, bool mapped, const TargetMapping& mapping,
                       Diagnostics& diagnostics) {
  std::string logsource;
  for (const auto& [key, value] : {std::pair{"product", &rule.logsource.product},
                                   std::pair{"category", &rule.logsource.category},
                                   std::pair{"service", &rule.logsource.service}}) {
    if (!value->empty())
      logsource += fmt::format("{}{}: {}", logsource.empty() ? "" : ", ", key, *value);
  }
  diagnostics.Error(
      "E0403", rule.logsource_location,
      fmt::format("rule '{}': log source {{{}}} {} table '{}', which profile '{}' of target '{}' "
                  "does not have",
                  rule.info.title, logsource, mapped ? "maps to" : "has no entry; its fallback is",
                  rule.source, mapping.profile(), mapping.target()),
      {"choose another profile with --mapping (refract list mappings), or map the log source "
       "to one of the profile's tables in a --mapping file"});
}

}  // namespace

bool ApplyMapping(ir::Rule& rule, const TargetMapping& mapping, const MappingOptions& options,
                  Diagnostics& diagnostics) {
  Reshaped reshaped = Reshaped::kNone;
  return ApplyMapping(rule, mapping, options, diagnostics, reshaped);
}

bool ApplyMapping(ir::Rule& rule, const TargetMapping& mapping, const MappingOptions& options,
                  Diagnostics& diagnostics, Reshaped& reshaped) {
  reshaped = Reshaped::kNone;
  int errors_before = diagnostics.error_count();
  const LogSourceMapping* entry = mapping.Find(rule.logsource);
  if (entry != nullptr) {
    rule.source = entry->source;
  } else {
    rule.source = mapping.FallbackSource(rule.logsource);
    // Where the profile lists its tables, E0403 below says more than a custom-table warning.
    if (mapping.HasTable(rule.source)) {
      diagnostics.Warning("W0401", rule.logsource_location,
                          fmt::format("no {} source is mapped for this log source; using '{}'",
                                      mapping.target(), rule.source),
                          {"map it in a --mapping file under 'logsources'"});
    }
  }
  if (!mapping.HasTable(rule.source)) {
    ReportAbsentTable(rule, entry != nullptr, mapping, diagnostics);
    return false;
  }
  if (entry != nullptr && !entry->approximation.empty()) {
    diagnostics.Warning("W0403", rule.logsource_location,
                        fmt::format("rule '{}': {} table '{}' {}", rule.info.title,
                                    mapping.target(), rule.source, entry->approximation),
                        {"map the log source to a narrower source in a --mapping file"});
  }
  FieldRenamer renamer(mapping, entry, rule, options, diagnostics);
  renamer.Rename(rule.condition);
  if (renamer.merged_fields()) reshaped = Reshaped::kWhole;
  const auto& keyword_fields = mapping.KeywordFields(entry);
  if (!keyword_fields.empty() && AimKeywords(rule.condition, keyword_fields)) {
    reshaped = Reshaped::kWhole;
  }
  if (entry != nullptr && !entry->filter.empty()) {
    if (reshaped == Reshaped::kNone) reshaped = Reshaped::kTop;
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
  for (auto& source : c.sources) {
    if (!source.rule) continue;
    ok = ApplyMapping(*source.rule, mapping, options, diagnostics) && ok;
    int errors_before = diagnostics.error_count();
    FieldRenamer fields(mapping, mapping.Find(source.rule->logsource), *source.rule, options,
                        diagnostics);
    for (auto& g : source.group_fields) g = fields.Map(g, c.location);
    if (!source.value_field.empty())
      source.value_field = fields.Map(source.value_field, c.location);
    ok = ok && diagnostics.error_count() == errors_before;
  }
  const ir::CorrelationSource* first = c.sources.empty() ? nullptr : &c.sources[0];
  if (first == nullptr || !first->rule) return ok;
  // One renamer for every measure, so a field measured twice is reported once.
  int errors_before = diagnostics.error_count();
  FieldRenamer measured(mapping, mapping.Find(first->rule->logsource), *first->rule, options,
                        diagnostics);
  for (auto& m : c.measures) {
    if (!m.field.empty()) m.field = measured.Map(m.field, m.location);
    if (!m.field2.empty()) m.field2 = measured.Map(m.field2, m.location);
    // The selection's log source was reported with the rule itself; a column the table lacks
    // (W0402) is the selection's own, and the query names it.
    Diagnostics selection;
    if (m.where) ApplyMapping(*m.where, mapping, options, selection);
    for (const auto& d : selection.all()) {
      if (d.code == "W0402") diagnostics.Report(d);
    }
  }
  ok = ok && diagnostics.error_count() == errors_before;
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

const std::vector<ShippedProfile>& ShippedProfiles() {
  static const std::vector<ShippedProfile> profiles = [] {
    std::vector<ShippedProfile> defaults;
    std::vector<ShippedProfile> others;
    for (const auto& [stem, text] : EmbeddedMappings()) {
      Diagnostics ignored;  // shipped files parse; tests/compiler/driver/profiles_test.cc pins it
      auto parsed = TargetMapping::Parse(std::string(stem), std::string(text), ignored);
      if (!parsed) continue;
      ShippedProfile p{parsed->target(),
                       parsed->profile(),
                       parsed->description(),
                       std::string(stem),
                       MappingStem(parsed->target()) == stem,
                       text};
      if (p.name.empty()) p.name = p.target;
      (p.is_default ? defaults : others).push_back(std::move(p));
    }
    defaults.insert(defaults.end(), others.begin(), others.end());
    return defaults;
  }();
  return profiles;
}

const ShippedProfile* FindShippedProfile(std::string_view target, std::string_view name) {
  for (const auto& p : ShippedProfiles()) {
    if (p.target == target && p.name == name) return &p;
  }
  return nullptr;
}

}  // namespace refract
