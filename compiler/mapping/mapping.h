// Stage "map": Sigma log sources and field names into a target's tables and columns, as data.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/ir/correlation.h"
#include "compiler/ir/ir.h"
#include "compiler/ir/lower.h"

namespace refract {

// One log-source entry: which Sigma log sources it covers and where they live on the target.
struct LogSourceMapping {
  // The log source it covers, as (part, lower-cased value) pairs in key order, the part an
  // index of the rule's log source fields (product 0, category 1, service 2, definition 3):
  // TargetMapping::Find reads it for every rule and target.
  std::vector<std::pair<uint8_t, std::string>> when;
  std::string source;                         // table, index or scope on the target
  std::map<std::string, std::string> fields;  // Sigma field → target field
  std::map<std::string, std::string> filter;  // target field → exact value, ANDed in
  std::string prefix;                         // put before fields that no mapping names
  std::vector<std::string> keyword_fields;    // where keyword searches look, if not everywhere
  // How the source differs from the Sigma log source (a table that also holds other events),
  // reported as W0403 for every rule it serves.
  std::string approximation;
  // The platform fixes the table's columns (a built-in table no user can extend), so a column
  // it lacks is error E0404 for a query, not W0402.
  bool fixed_schema = false;
};

// Whether a table or index has a column, by the `columns` section of a target's mapping.
enum class ColumnPresence {
  kUnchecked,  // the mapping declares no column set for the source
  kPresent,
  kAbsent,
};

// One table's declared column names in one buffer: a shipped mapping declares thousands, and a
// tree node and an allocation per name were a third of a one-rule translate's start-up.
class ColumnSet {
 public:
  // Adds `name`; Seal must follow before Contains.
  void Add(std::string_view name);
  // Adds every name of `other`; Seal must follow before Contains.
  void AddAll(const ColumnSet& other);
  // Sorts the names and drops repeats.
  void Seal();
  // Whether `name` was added (and sealed).
  bool Contains(std::string_view name) const;

 private:
  struct Span {
    uint32_t offset;
    uint32_t size;
  };
  std::string_view At(Span span) const { return {text_.data() + span.offset, span.size}; }

  std::string text_;         // the names, one after another
  std::vector<Span> names_;  // into text_, sorted by name after Seal
};

// A target's mapping file, possibly extended by a user's.
class TargetMapping {
 public:
  // Parses mapping YAML; reports E0110 for a malformed file and returns nullopt.
  static std::optional<TargetMapping> Parse(const std::string& origin, std::string_view text,
                                            Diagnostics& diagnostics);

  // Adds `user` on top: its log sources are tried first, its fields and types win; a user's
  // file (one without `profile`) adds the sources it names to the profile's `tables`.
  void Extend(const TargetMapping& user);

  // The most specific entry whose `when` keys all equal the rule's log source, or null;
  // category and service weigh more than product, and the first entry wins a tie.
  const LogSourceMapping* Find(const ir::LogSource& logsource) const;
  // The target field for a Sigma field; `mapped` says whether any mapping named it.
  std::string MapField(const LogSourceMapping* entry, const std::string& field, bool* mapped) const;
  // The declared column type ("string", "int", "long", "real", "bool", "datetime",
  // "dynamic", "keyword") of `field` in `source` (or in the '*' entry), or "" when not declared.
  std::string FieldType(const std::string& source, const std::string& field) const;
  // Whether `column` exists in `source` (or in the '*' entry): a declared name, or a path below
  // a declared column of an open type (dynamic, object, flattened) or a declared `name.*`.
  ColumnPresence HasColumn(const std::string& source, const std::string& column) const;

  // The fields keyword searches match on for `entry` (its own list, else the global one);
  // empty means the target searches whole events itself.
  const std::vector<std::string>& KeywordFields(const LogSourceMapping* entry) const;

  // The source named for a log source with no entry, from the mapping's `fallback` template.
  std::string FallbackSource(const ir::LogSource& logsource) const;

  // A target option from the mapping's `options` map (e.g. AQL's time_range), or `fallback`.
  std::string Option(const std::string& name, const std::string& fallback) const;

  const std::string& target() const { return target_; }
  // The profile's name (`profile:`), e.g. "sentinel" or "defender-xdr"; empty in a user's file.
  const std::string& profile() const { return profile_; }
  // The profile's one-line `description:`.
  const std::string& description() const { return description_; }
  // Whether `source` is among the profile's `tables:`, or the profile lists none (any source).
  bool HasTable(const std::string& source) const;
  const std::vector<LogSourceMapping>& logsources() const { return logsources_; }
  const ir::Placeholders& placeholders() const { return placeholders_; }

 private:
  std::string target_;
  std::string profile_;
  std::string description_;
  // The only sources that exist where the profile's queries run (Defender XDR's advanced
  // hunting has a fixed set of tables), with the sources a user's file names; empty when any
  // source may exist.
  std::set<std::string, std::less<>> tables_;
  bool has_fallback_ = false;                // the file sets `fallback`, so Extend takes it
  std::string fallback_template_ = "{}_CL";  // {} is the log source joined by the separator
  std::string fallback_separator_ = "_";
  std::vector<LogSourceMapping> logsources_;
  std::map<std::string, std::string> fields_;
  std::vector<std::string> keyword_fields_;
  std::map<std::string, std::string> options_;
  std::map<std::string, std::map<std::string, std::string>> types_;
  // Declared columns by table; an open column (dynamic, object) also as "name.*".
  std::map<std::string, ColumnSet, std::less<>> columns_;
  ir::Placeholders placeholders_;
};

struct MappingOptions {
  bool strict_fields = false;
  // Events are read, not queried (hunt): a missing column of a fixed schema stays W0402, since an
  // exported log may hold the field.
  bool for_events = false;
};

// Rewrites `rule` into the target's names and sets `rule.source`. A log source without an
// entry gets a custom-table name and warning W0401; a source outside the profile's `tables`
// is error E0403; an entry's `approximation` is warning W0403; a field whose column the source's
// declared column set lacks gets warning W0402 (error E0404 on a `fixed_schema` entry's table,
// unless `for_events`). With `strict_fields` an unmapped field that is no
// declared column is error E0400, and a missing column error E0401. Returns false on error.
bool ApplyMapping(ir::Rule& rule, const TargetMapping& mapping, const MappingOptions& options,
                  Diagnostics& diagnostics);

// What ApplyMapping did to a condition beyond renaming distinct fields to distinct names, so
// what a condition simplified before mapping needs again after it (passes::Simplify keeps a
// simplified tree simplified under such a renaming, which only its field comparisons see).
enum class Reshaped {
  kNone,   // fields renamed one to one: still simplified
  kTop,    // the entry's filter was ANDed on top of it: the top junction
  kWhole,  // two fields became one name, or keywords became field tests: all of it
};

// ApplyMapping, also saying in `reshaped` what it changed beyond renaming.
bool ApplyMapping(ir::Rule& rule, const TargetMapping& mapping, const MappingOptions& options,
                  Diagnostics& diagnostics, Reshaped& reshaped);

// Rewrites `correlation` into the target's names: each source rule as ApplyMapping does (its
// diagnostics reported), its group-by and value fields, and the measures' fields and count-if
// selections (whose log source was already reported with the rule). Returns false on error.
bool MapCorrelation(ir::Correlation& correlation, const TargetMapping& mapping,
                    const MappingOptions& options, Diagnostics& diagnostics);

// Parses a placeholders file (a YAML map of name to list of values).
std::optional<ir::Placeholders> ParsePlaceholders(const std::string& origin,
                                                  const std::string& text,
                                                  Diagnostics& diagnostics);

// The file stem of `target`'s shipped mapping: the id with `-` as `_` (sumo-cse → sumo_cse), so
// backends/mappings/ keeps snake_case names.
std::string MappingStem(std::string_view target);

// The shipped mapping text for `target` (compiled into the binary), or null.
const std::string_view* ShippedMappingText(std::string_view target);

// A mapping compiled into the binary: a target's default profile or another one of it.
struct ShippedProfile {
  std::string target;
  std::string name;         // what `--mapping NAME` selects
  std::string description;  // one line, for `refract list mappings`
  std::string file;         // backends/mappings/FILE.yaml
  bool is_default = false;  // the target's own file: used when no profile is named
  std::string_view text;
};

// Every shipped profile, each target's default first; read once and kept.
const std::vector<ShippedProfile>& ShippedProfiles();

// The shipped profile `name` of `target`, or null.
const ShippedProfile* FindShippedProfile(std::string_view target, std::string_view name);

}  // namespace refract
