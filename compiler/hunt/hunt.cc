#include "compiler/hunt/hunt.h"

#include <fmt/format.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "backends/backend.h"
#include "compiler/driver/run.h"
#include "compiler/eval/event.h"
#include "compiler/eval/matcher.h"
#include "compiler/ir/correlation_lower.h"
#include "compiler/load/loader.h"
#include "compiler/load/yaml_tree.h"
#include "compiler/mapping/mapping.h"

namespace refract::hunt {
namespace {

// The fields of `e` whose column the mapping declares an object (a KQL dynamic column), which
// the query reads as JSON text: the event reader keeps those values whole too.
void CollectWholeFields(const ir::Expr& e, const std::string& source, const TargetMapping& mapping,
                        std::set<std::string>& out) {
  if (e.kind != ir::Expr::Kind::kPredicate) {
    for (const auto& child : e.children) CollectWholeFields(child, source, mapping, out);
    return;
  }
  const std::string& field = e.predicate.field;
  if (field.empty()) return;
  const std::string type = mapping.FieldType(source, field);
  if (type == "dynamic" || type == "object" || type == "flattened") out.insert(field);
}

namespace fs = std::filesystem;

// Gives `correlator` what it needs beyond its rules' matches: event field names in the schema's
// spelling, and the aggregate's count-if selections as matchers (sharing the run's results).
// Returns the errors reported.
int PrepareCorrelator(const ir::Correlation& c, eval::Correlator& correlator,
                      const TargetMapping* schema_mapping,
                      const std::shared_ptr<eval::SharedResults>& shared, std::ostream& err) {
  if (schema_mapping != nullptr) {
    correlator.SetFieldNames([schema_mapping, &c](size_t rule, const std::string& field) {
      if (rule >= c.sources.size() || !c.sources[rule].rule) return field;
      bool mapped = false;
      return schema_mapping->MapField(schema_mapping->Find(c.sources[rule].rule->logsource), field,
                                      &mapped);
    });
  }
  if (c.kind != ir::CorrelationKind::kAggregate || c.sources.empty() || !c.sources[0].rule) {
    return 0;
  }
  int errors = 0;
  std::vector<std::unique_ptr<eval::Matcher>> filters;
  for (const auto& m : c.measures) {
    if (!m.where) {
      filters.emplace_back();
      continue;
    }
    Diagnostics diagnostics;
    ir::Rule rule = *m.where;
    if (schema_mapping != nullptr)
      ApplyMapping(rule, *schema_mapping, {.for_events = true}, diagnostics);
    std::string error;
    std::unique_ptr<eval::Matcher> matcher = eval::Matcher::Create(rule, error, shared);
    if (!matcher) {
      ++errors;
      err << fmt::format("{}:{}:{}: error[E0700]: measure '{}' of '{}' cannot be evaluated{}\n",
                         m.location.file, m.location.line, m.location.column, m.name, c.info.title,
                         error.empty() ? "" : ": " + error);
    }
    filters.push_back(std::move(matcher));
  }
  correlator.SetMeasureFilters(std::move(filters));
  return errors;
}

// The JSON object of an aggregate alert's measures and columns.
std::string ValuesJson(const std::vector<eval::NamedValue>& values) {
  std::string out = "{";
  for (size_t i = 0; i < values.size(); ++i) {
    out += fmt::format("{}\"{}\":{}", i ? "," : "", JsonEscape(values[i].name), values[i].json);
  }
  return out + "}";
}

// A progress line on a terminal for long runs: share of the input read, events, events/s.
class Progress {
 public:
  Progress(const std::vector<std::string>& files, bool enabled, std::ostream& err)
      : enabled_(enabled), err_(err), start_(std::chrono::steady_clock::now()) {
    if (!enabled_) return;
    for (const auto& f : files) {
      std::error_code ec;
      auto size = fs::file_size(f, ec);
      if (!ec) sizes_.emplace_back(f, size), total_ += static_cast<double>(size);
    }
  }

  // Shows how far `in` (reading `file`) has come; called every few thousand events.
  void Update(const std::string& file, std::istream& in, size_t events) {
    if (!enabled_ || total_ == 0) return;
    double done = 0;
    for (const auto& [name, size] : sizes_) {
      if (name == file) {
        auto at = in.tellg();
        done += at < 0 ? 0 : static_cast<double>(at);
        break;
      }
      done += static_cast<double>(size);
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
    err_ << fmt::format("\r{:5.1f}%  {} events  {:.0f} events/s ", 100.0 * done / total_, events,
                        seconds > 0 ? static_cast<double>(events) / seconds : 0.0)
         << std::flush;
    shown_ = true;
  }

  // Clears the progress line.
  void Done() {
    if (shown_) err_ << "\r" << std::string(60, ' ') << "\r" << std::flush;
  }

 private:
  bool enabled_;
  std::ostream& err_;
  std::chrono::steady_clock::time_point start_;
  std::vector<std::pair<std::string, std::uintmax_t>> sizes_;
  double total_ = 0;
  bool shown_ = false;
};

// One row of a union: a part's alert under the union's columns.
struct UnionRow {
  const ir::Correlation* part;
  const eval::Alert* alert;
  std::vector<eval::NamedValue> columns;
};

// The value named `name` in an alert: a measure or column, else a group-by key.
eval::NamedValue AlertValue(const eval::Alert& alert, const std::string& name) {
  for (const auto& v : alert.values) {
    if (v.name == name) return v;
  }
  for (const auto& [field, value] : alert.keys) {
    if (field == name) return {name, "\"" + JsonEscape(value) + "\"", 0, false, value};
  }
  return {name, "null", 0, false, ""};
}

// Emits the rows of `u`: every alert of its parts, projected to its columns and sorted by its
// sort keys (numbers by value, text by text, missing values last). Returns the row count.
size_t EmitUnion(const ir::Correlation& u, const std::vector<size_t>& parts,
                 const std::vector<ir::Correlation>& correlations,
                 const std::vector<std::vector<eval::Alert>>& alerts,
                 const std::function<void(const Match&)>& emit) {
  std::vector<UnionRow> rows;
  for (size_t part : parts) {
    for (const auto& alert : alerts[part]) {
      UnionRow row{&correlations[part], &alert, {}};
      for (const auto& [name, from] : u.project) {
        eval::NamedValue v = AlertValue(alert, from);
        v.name = name;
        row.columns.push_back(std::move(v));
      }
      if (u.project.empty()) row.columns = alert.values;
      rows.push_back(std::move(row));
    }
  }
  auto value_of = [](const UnionRow& row, const std::string& name) -> const eval::NamedValue* {
    for (const auto& v : row.columns) {
      if (v.name == name) return &v;
    }
    return nullptr;
  };
  std::stable_sort(rows.begin(), rows.end(), [&](const UnionRow& a, const UnionRow& b) {
    for (const auto& [name, descending] : u.sort) {
      const eval::NamedValue* x = value_of(a, name);
      const eval::NamedValue* y = value_of(b, name);
      bool x_missing = x == nullptr || x->json == "null";
      bool y_missing = y == nullptr || y->json == "null";
      if (x_missing != y_missing) return y_missing;
      if (x_missing) continue;
      int order = 0;
      if (x->numeric && y->numeric) {
        order = x->number < y->number ? -1 : x->number > y->number ? 1 : 0;
      } else {
        order = x->text.compare(y->text);
      }
      if (order != 0) return descending ? order > 0 : order < 0;
    }
    return false;
  });
  for (const auto& row : rows) {
    std::string columns = "{";
    for (size_t i = 0; i < row.columns.size(); ++i) {
      columns += fmt::format("{}\"{}\":{}", i ? "," : "", JsonEscape(row.columns[i].name),
                             row.columns[i].json);
    }
    columns += "}";
    std::string refs;
    for (const auto& e : row.alert->events) {
      if (!refs.empty()) refs += ",";
      refs += fmt::format("{{\"file\":\"{}\",\"line\":{}}}", JsonEscape(e.file), e.line);
    }
    emit(
        {u.info.title, row.alert->events,
         fmt::format("{{\"rule_id\":\"{}\",\"title\":\"{}\",\"level\":\"{}\",\"type\":\"union\","
                     "\"part\":\"{}\",\"group\":\"{}\",\"columns\":{},\"events\":[{}]}}",
                     JsonEscape(u.info.id), JsonEscape(u.info.title), JsonEscape(u.info.level),
                     JsonEscape(row.part->info.title), JsonEscape(row.alert->group), columns, refs),
         row.columns});
  }
  return rows.size();
}

}  // namespace

Status Run(const Options& options, std::ostream& err,
           const std::function<void(const Match&)>& emit) {
  const std::string& schema = options.schema;
  const std::string& timestamp = options.timestamp;
  const bool quiet = options.quiet;
  const std::vector<std::string>& event_files = options.event_files;
  Session session;
  session.stage = EmitStage::kIr;
  session.keep_lowered = true;  // every rule is evaluated, not only the correlations' rules
  Diagnostics setup;
  if (!schema.empty()) {
    const Backend* backend = FindBackend(schema);
    if (backend == nullptr) {
      err << "refract: unknown schema '" << schema << "' ('refract list targets' lists them)\n";
      return Status::kUsage;
    }
    session.backends = {backend};
  }
  if (!options.mappings.empty() && schema.empty()) {
    err << "refract: --mapping reads events through a target's mapping: it needs --schema\n";
    return Status::kUsage;
  }
  if (!session.Init(options.mappings, setup)) {
    for (const auto& d : setup.all()) err << RenderText(d, nullptr);
    return Status::kUsage;
  }
  // The mapping is all hunt needs of the target: no queries are emitted.
  session.backends.clear();
  const TargetMapping* schema_mapping =
      schema.empty() ? nullptr : &session.mappings.find(schema)->second;
  std::vector<std::string> files;
  if (auto error = CollectFiles(options.rule_paths, &files)) {
    err << "refract: " << *error << "\n";
    return Status::kUsage;
  }
  {
    Diagnostics folder_setup;
    bool ok = LoadFolderPlaceholders(files, session.placeholders, folder_setup);
    for (const auto& d : folder_setup.all()) err << RenderText(d, nullptr);
    if (!ok) return Status::kUsage;
  }

  int errors = 0;
  std::vector<FileResult> results;
  results.reserve(files.size());
  // Rules and measure filters alike in a node evaluate it once per event (most of the pack's
  // rules test the same result codes, users and networks).
  auto shared = std::make_shared<eval::SharedResults>();
  std::vector<std::unique_ptr<eval::Matcher>> matchers;
  std::vector<std::string> tables;               // per matcher: the table its query reads
  std::set<std::string> whole_fields;            // object columns the rules read as text
  std::map<const ir::Rule*, size_t> matcher_of;  // a lowered rule → its matcher
  for (const auto& file : files) {
    results.push_back(CompileFile(file, session));
    FileResult& r = results.back();
    for (const auto& d : r.diagnostics.all()) {
      if (d.severity == Severity::kError) ++errors;
      err << RenderText(d, r.source.get());
    }
    for (const auto& lowered : r.lowered) {
      // Events in a platform's field names are read through the backend's own mapping.
      ir::Rule rule = lowered;
      Diagnostics mapping_diagnostics;
      if (schema_mapping != nullptr)
        ApplyMapping(rule, *schema_mapping, {.for_events = true}, mapping_diagnostics);
      for (const auto& d : mapping_diagnostics.all()) {
        if (d.severity == Severity::kError) ++errors;
        err << RenderText(d, r.source.get());
      }
      std::string error;
      auto matcher = eval::Matcher::Create(rule, error, shared);
      if (!matcher) {
        ++errors;
        err << fmt::format("{}: error[E0700]: rule '{}' cannot be evaluated: {}\n", file,
                           rule.info.title, error);
        continue;
      }
      if (schema_mapping != nullptr) {
        CollectWholeFields(rule.condition, rule.source, *schema_mapping, whole_fields);
      }
      matcher_of[&lowered] = matchers.size();
      matchers.push_back(std::move(matcher));
      tables.push_back(schema_mapping != nullptr ? rule.source : "");
    }
  }

  // Correlations are lowered once every file is read: they name rules of any file. Chains stay
  // chains: an inner correlation's alerts are the outer one's events.
  ir::CorrelationScope scope;
  for (const auto& r : results) {
    for (const auto& rule : r.lowered) scope.AddRule(rule);
    for (const auto& c : r.correlations) scope.AddCorrelation(c);
  }
  const ir::CorrelationLowerOptions lower_options{&session.placeholders, ir::Chains::kKeep, false};
  std::vector<ir::Correlation> correlations;
  std::vector<ir::Correlation> unions;
  for (const auto& r : results) {
    Diagnostics diagnostics;
    for (const auto& c : r.correlations) {
      auto lowering = ir::LowerCorrelation(c, scope, lower_options, diagnostics);
      if (!lowering.correlation) continue;
      ir::Correlation& lowered = *lowering.correlation;
      if (lowered.kind == ir::CorrelationKind::kUnion) {
        unions.push_back(std::move(lowered));
      } else if (eval::Correlator::Supports(lowered)) {
        correlations.push_back(std::move(lowered));
      } else {
        diagnostics.Warning("W0701", c.location,
                            fmt::format("correlation '{}' ({}) is not evaluated: hunt does not "
                                        "evaluate this type yet",
                                        c.title, c.type));
      }
    }
    for (const auto& d : diagnostics.all()) {
      if (d.severity == Severity::kError) ++errors;
      err << RenderText(d, r.source.get());
    }
  }

  // Correlations read the matches of the rules they name; those rules alert on their own only
  // when the correlation says `generate: true`. A correlation may also name another correlation
  // (chaining): the inner one's alerts are its events.
  std::map<std::string, size_t> correlation_by_reference;
  for (size_t k = 0; k < correlations.size(); ++k) {
    const auto& info = correlations[k].info;
    if (!info.name.empty()) correlation_by_reference.emplace(info.name, k);
    if (!info.id.empty()) correlation_by_reference.emplace(info.id, k);
  }
  std::vector<std::unique_ptr<eval::Correlator>> correlators;
  std::vector<std::vector<std::pair<size_t, size_t>>> feeds(matchers.size());
  std::vector<std::vector<std::pair<size_t, size_t>>> inputs(correlations.size());
  std::set<size_t> suppressed;
  std::set<size_t> suppressed_correlations;
  // One table of field values for every correlation: they read the same users and addresses.
  auto values = std::make_shared<eval::ValueTable>();
  for (size_t k = 0; k < correlations.size(); ++k) {
    const ir::Correlation& c = correlations[k];
    correlators.push_back(std::make_unique<eval::Correlator>(c, values));
    errors += PrepareCorrelator(c, *correlators.back(), schema_mapping, shared, err);
    for (size_t position = 0; position < c.sources.size(); ++position) {
      const auto& source = c.sources[position];
      if (source.rule) {
        auto it = matcher_of.find(scope.FindRule(source.label));
        if (it == matcher_of.end()) continue;  // it could not be evaluated: reported above
        feeds[it->second].push_back({k, position});
        if (!c.generate) suppressed.insert(it->second);
      } else if (auto inner = correlation_by_reference.find(source.chained);
                 inner != correlation_by_reference.end()) {
        inputs[k].push_back({inner->second, position});
        if (!c.generate) suppressed_correlations.insert(inner->second);
      } else {
        ++errors;
        err << fmt::format(
            "{}:{}:{}: error[E0616]: correlation '{}' refers to '{}', which is no rule or "
            "evaluated correlation of this run\n",
            source.location.file, source.location.line, source.location.column, c.info.title,
            source.label);
      }
    }
  }

  // A correlation in a cycle of chained correlations, or over one, is reported when the alerts
  // are collected (E0619); the others are connected and streamed.
  std::vector<std::vector<size_t>> reads(correlations.size());
  for (size_t k = 0; k < correlations.size(); ++k) {
    for (const auto& input : inputs[k]) reads[k].push_back(input.first);
  }
  const std::vector<bool> in_cycle = ir::FindCycles(reads);
  // Correlations decide their windows while the events stream by (flat memory on a long file
  // in time order); a chained correlation takes its inner correlation's alerts as they are
  // decided.
  auto connect_and_stream = [&](bool streaming) {
    std::vector<std::vector<std::pair<size_t, size_t>>> readers(correlators.size());
    for (size_t k = 0; k < correlators.size(); ++k) {
      if (in_cycle[k]) continue;
      for (const auto& [inner, position] : inputs[k]) {
        readers[inner].push_back({k, position});
        correlators[k]->AddInput(correlators[inner].get());
      }
      if (streaming) correlators[k]->EnableStreaming();
    }
    for (size_t inner = 0; inner < correlators.size(); ++inner) {
      if (readers[inner].empty()) continue;
      correlators[inner]->SetAlertSink([&correlators, to = readers[inner]](const eval::Alert& a) {
        for (const auto& [k, position] : to) correlators[k]->AddAlert(position, a);
      });
    }
  };
  connect_and_stream(true);

  eval::EventReader reader;
  reader.KeepWhole({whole_fields.begin(), whole_fields.end()});
  eval::Event event;
  size_t events = 0, matches = 0, skipped = 0, untimed = 0;
  auto start = std::chrono::steady_clock::now();
  const std::string time_field = !timestamp.empty() || schema_mapping == nullptr
                                     ? timestamp
                                     : schema_mapping->Option("time_field", "");
  // An export of several tables names each row's table (Log Analytics: `Type`); a rule then
  // reads only its own table's rows, as its query does. Rows without it are read by every rule.
  const std::string table_field =
      schema_mapping == nullptr ? "" : schema_mapping->Option("table_field", "");
  std::vector<const eval::FieldValue*> table_values;
  Progress progress(event_files, !quiet && isatty(STDERR_FILENO) != 0, err);
  // One pass over the events. A replay only feeds the correlations: no output, no counts.
  // Per rule, its match's JSON up to the line number, escaped once per events file.
  std::vector<std::string> match_json(matchers.size());
  auto read_events = [&](bool replay) {
    for (const auto& path : event_files) {
      for (auto& json : match_json) json.clear();
      std::ifstream in(path, std::ios::binary);
      if (!in) {
        err << "refract: cannot read " << path << "\n";
        return false;
      }
      eval::EventStream stream(in);
      std::string line;
      size_t number = 0;
      while (stream.Next(line, number)) {
        if (stream.too_long()) {
          ++skipped;
          err << fmt::format("{}:{}: skipped: event longer than {} MiB\n", path, number,
                             eval::EventStream::kMaxEventBytes >> 20);
          continue;
        }
        std::string error;
        if (!reader.Parse(line, event, error)) {
          if (replay) continue;
          ++skipped;
          err << fmt::format("{}:{}: skipped: malformed JSON event: {}\n", path, number, error);
          continue;
        }
        if (!replay && ++events % 65536 == 0) progress.Update(path, in, events);
        std::optional<std::optional<double>> time;  // looked up once, when a correlation needs it
        table_values.clear();
        const std::string* table = nullptr;  // the row's table, when the export names it
        if (!table_field.empty() && event.Find(table_field, table_values) &&
            table_values.size() == 1 && table_values[0]->kind == eval::FieldValue::Kind::kString) {
          table = &table_values[0]->text;
        }
        for (size_t i = 0; i < matchers.size(); ++i) {
          if (replay && feeds[i].empty()) continue;
          if (table != nullptr && !tables[i].empty() && *table != tables[i]) continue;
          if (!matchers[i]->Matches(event)) continue;
          if (!feeds[i].empty()) {
            if (!time) {
              // --timestamp, else the schema's time column, else the common names.
              time = eval::EventTime(event, time_field);
              if (!*time && timestamp.empty() && !time_field.empty()) time = eval::EventTime(event);
            }
            if (!*time) {
              if (!replay) ++untimed;
            } else {
              for (const auto& [correlator, position] : feeds[i]) {
                correlators[correlator]->Add(position, event, {path, number, **time});
              }
            }
          }
          if (replay || suppressed.count(i) != 0) continue;
          ++matches;
          const auto& info = matchers[i]->rule().info;
          std::string& head = match_json[i];
          if (head.empty()) {
            head = fmt::format(
                "{{\"rule_id\":\"{}\",\"title\":\"{}\",\"level\":\"{}\",\"file\":\"{}\",\"line\":",
                JsonEscape(info.id), JsonEscape(info.title), JsonEscape(info.level),
                JsonEscape(path));
          }
          std::string json;
          json.reserve(head.size() + 21);
          json += head;
          fmt::format_to(std::back_inserter(json), "{}}}", number);
          emit({info.title, {{path, number, 0}}, std::move(json), {}});
        }
      }
    }
    return true;
  };
  if (!read_events(false)) return Status::kUsage;
  progress.Done();
  // Events more than an hour out of order: the correlations read them again, keeping every
  // match (memory grows with the matches, results are exact).
  bool out_of_order =
      std::any_of(correlators.begin(), correlators.end(),
                  [](const auto& correlator) { return correlator->out_of_order(); });
  if (out_of_order) {
    if (!quiet) {
      err << "refract: the events are not in time order; correlations read them again and "
             "keep every match\n";
    }
    std::ostringstream ignored;  // set-up problems were reported on the first pass
    values = std::make_shared<eval::ValueTable>();
    for (size_t k = 0; k < correlators.size(); ++k) {
      correlators[k] = std::make_unique<eval::Correlator>(correlations[k], values);
      PrepareCorrelator(correlations[k], *correlators[k], schema_mapping, shared, ignored);
    }
    connect_and_stream(false);
    if (!read_events(true)) return Status::kUsage;
  }
  // A union composes the alerts of the correlations it names; they are results of their own
  // only when it says `generate: true`.
  std::vector<std::vector<size_t>> union_parts(unions.size());
  for (size_t u = 0; u < unions.size(); ++u) {
    for (const auto& part : unions[u].sources) {
      auto it = correlation_by_reference.find(part.chained);
      if (it == correlation_by_reference.end()) {
        ++errors;
        err << fmt::format(
            "{}:{}:{}: error[E0616]: union '{}' refers to '{}', which is no evaluated "
            "correlation of this run\n",
            part.location.file, part.location.line, part.location.column, unions[u].info.title,
            part.chained);
        continue;
      }
      union_parts[u].push_back(it->second);
      if (!unions[u].generate) suppressed_correlations.insert(it->second);
    }
  }
  // Inner correlations finish first (handing their last alerts to the outer ones through their
  // sinks); a correlation in or over a cycle is an error, not a hang.
  std::vector<std::vector<eval::Alert>> alerts(correlators.size());
  std::vector<bool> finished(correlators.size(), false);
  std::function<void(size_t)> finish = [&](size_t k) {
    if (finished[k]) return;
    for (const auto& input : inputs[k]) finish(input.first);
    alerts[k] = correlators[k]->Finish();
    finished[k] = true;
  };
  for (size_t k = 0; k < correlators.size(); ++k) {
    const ir::Correlation& c = correlations[k];
    if (in_cycle[k]) {
      ++errors;
      err << fmt::format(
          "{}:{}:{}: error[E0619]: correlation '{}' is part of a cycle of "
          "correlations\n",
          c.location.file, c.location.line, c.location.column, c.info.title);
      continue;
    }
    finish(k);
    if (suppressed_correlations.count(k) != 0) continue;
    for (const auto& alert : alerts[k]) {
      ++matches;
      std::string refs;
      for (const auto& e : alert.events) {
        if (!refs.empty()) refs += ",";
        refs += fmt::format("{{\"file\":\"{}\",\"line\":{}}}", JsonEscape(e.file), e.line);
      }
      std::string measure =
          c.kind == ir::CorrelationKind::kAggregate || c.kind == ir::CorrelationKind::kConsecutive
              ? "\"values\":" + ValuesJson(alert.values)
              : fmt::format("\"measure\":{}", alert.measure);
      emit({c.info.title, alert.events,
            fmt::format("{{\"rule_id\":\"{}\",\"title\":\"{}\",\"level\":\"{}\",\"type\":\"{}\","
                        "\"group\":\"{}\",\"start\":\"{}\",\"end\":\"{}\",{},\"events\":[{}]}}",
                        JsonEscape(c.info.id), JsonEscape(c.info.title), JsonEscape(c.info.level),
                        ir::CorrelationKindName(c.kind), JsonEscape(alert.group),
                        eval::FormatTime(alert.start), eval::FormatTime(alert.end), measure, refs),
            alert.values});
    }
  }
  for (size_t u = 0; u < unions.size(); ++u) {
    matches += EmitUnion(unions[u], union_parts[u], correlations, alerts, emit);
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (untimed != 0) {
    err << fmt::format(
        "refract: {} matching event(s) had no timestamp a correlation could use ({})\n", untimed,
        timestamp.empty()
            ? "@timestamp, timestamp, TimeCreated, TimeGenerated, EventTime, TimeCreatedUtc; "
              "--timestamp FIELD names another"
            : "--timestamp " + timestamp);
  }
  if (!quiet) {
    err << fmt::format(
        "refract: {} rule(s), {} correlation(s), {} event(s), {} match(es), {} skipped line(s), "
        "{:.0f} events/s\n",
        matchers.size(), correlators.size(), events, matches, skipped,
        seconds > 0 ? static_cast<double>(events) / seconds : 0.0);
  }
  return errors > 0 ? Status::kRuleErrors : Status::kOk;
}

namespace {

// "TITLE [line, line]" for one alert, the form expected and actual alerts are compared in.
// "Title [1, 2] {RiskScore=90}": an alert as the test diff shows it; `values` are the checked
// measures and columns, sorted by name.
std::string AlertText(const std::string& title, const std::vector<size_t>& lines,
                      const std::map<std::string, std::string>& values = {}) {
  std::string out = title + " [";
  for (size_t i = 0; i < lines.size(); ++i) out += (i ? ", " : "") + std::to_string(lines[i]);
  out += "]";
  if (values.empty()) return out;
  out += " {";
  bool first = true;
  for (const auto& [name, value] : values) {
    out += (first ? "" : ", ") + name + "=" + value;
    first = false;
  }
  return out + "}";
}

// Runs one case of a test file; prints a readable diff and returns false when it fails.
// An event's line number in a test case, or YAML::ParserException at `n` when it is not one.
size_t LineNumber(const yaml::Node& n) {
  const std::string& text = n.Scalar();
  if (!n.IsScalar() || text.empty() || text.size() > 18 ||
      text.find_first_not_of("0123456789") != std::string::npos) {
    YAML::Mark at;
    at.pos = n.Mark().pos;
    at.line = n.Mark().line;
    at.column = n.Mark().column;
    throw YAML::ParserException(at, "an expected event is its line number, e.g. 3");
  }
  return std::stoull(text);
}

bool RunTestCase(const fs::path& test_file, const yaml::Node& test, const yaml::Node& c,
                 size_t index, std::ostream& out) {
  fs::path dir = test_file.parent_path();
  std::string name = c["name"].IsScalar() ? c["name"].Scalar() : fmt::format("case {}", index + 1);
  std::string label = fmt::format("{}: {}", test_file.string(), name);
  std::vector<std::string> rules;
  for (const auto& r : test["rules"]) rules.push_back((dir / r.Scalar()).string());
  std::string schema = test["schema"].Scalar();
  std::string timestamp = test["timestamp"].Scalar();
  // `mapping: defender-xdr`, or a list: profiles or mapping files (relative to this file) over
  // the schema's, as --mapping gives them.
  std::vector<std::string> mappings;
  auto add_mapping = [&](const yaml::Node& m) {
    if (!m.IsScalar()) return;
    const std::string& v = m.Scalar();
    bool file = v.find('/') != std::string::npos || v.ends_with(".yaml") || v.ends_with(".yml");
    mappings.push_back(file ? (dir / v).string() : v);
  };
  const yaml::Node mapping = test["mapping"];
  if (mapping.IsSequence()) {
    for (const auto& m : mapping) add_mapping(m);
  } else {
    add_mapping(mapping);
  }
  if (!c["events"].IsScalar()) {
    out << "FAIL " << label << ": the case names no 'events' file\n";
    return false;
  }
  std::string events = (dir / c["events"].Scalar()).string();
  // An expectation may check named values (`values: {RiskScore: 90}`); those names are then
  // shown for every alert of that rule.
  struct Alert {
    std::string title;
    std::vector<size_t> lines;
    std::map<std::string, std::string> values;  // expected: the checked ones; raised: all
  };
  std::vector<Alert> expected;
  std::map<std::string, std::set<std::string>> checked;  // rule title → value names checked
  for (const auto& e : c["expect"]) {
    Alert a{e["rule"].Scalar(), {}, {}};
    for (const auto& l : e["events"]) a.lines.push_back(LineNumber(l));
    for (const auto& v : e["values"]) {
      std::string text;
      if (v.second.IsSequence()) {
        for (const auto& item : v.second) text += (text.empty() ? "" : ", ") + item.Scalar();
      } else {
        text = v.second.Scalar();
      }
      a.values[v.first.Scalar()] = text;
      checked[a.title].insert(v.first.Scalar());
    }
    expected.push_back(std::move(a));
  }
  std::vector<Alert> raised;
  std::ostringstream err;
  Status status =
      Run({rules, {events}, schema, timestamp, true, mappings}, err, [&](const Match& m) {
        Alert a{m.title, {}, {}};
        for (const auto& e : m.events) a.lines.push_back(e.line);
        for (const auto& v : m.values) a.values[v.name] = v.text;
        raised.push_back(std::move(a));
      });
  // Each expectation takes one raised alert of its rule and events whose values include the
  // expected ones; what is left over on either side is the diff.
  std::vector<bool> used(raised.size(), false);
  std::vector<std::string> missing, extra;
  for (const auto& e : expected) {
    bool found = false;
    for (size_t r = 0; r < raised.size() && !found; ++r) {
      if (used[r] || raised[r].title != e.title || raised[r].lines != e.lines) continue;
      bool values_hold = std::all_of(e.values.begin(), e.values.end(), [&](const auto& kv) {
        auto it = raised[r].values.find(kv.first);
        return it != raised[r].values.end() && it->second == kv.second;
      });
      if (values_hold) used[r] = found = true;
    }
    if (!found) missing.push_back(AlertText(e.title, e.lines, e.values));
  }
  for (size_t r = 0; r < raised.size(); ++r) {
    if (used[r]) continue;
    // Show the values the expectations of this rule check, so a wrong score is visible.
    std::map<std::string, std::string> shown;
    if (auto names = checked.find(raised[r].title); names != checked.end()) {
      for (const auto& value_name : names->second) {
        auto it = raised[r].values.find(value_name);
        shown[value_name] = it == raised[r].values.end() ? "(none)" : it->second;
      }
    }
    extra.push_back(AlertText(raised[r].title, raised[r].lines, shown));
  }
  if (status == Status::kOk && missing.empty() && extra.empty()) return true;
  out << "FAIL " << label << "\n";
  if (status != Status::kOk) out << err.str();
  std::sort(missing.begin(), missing.end());
  std::sort(extra.begin(), extra.end());
  for (const auto& m : missing) out << "  - expected, not raised: " << m << "\n";
  for (const auto& x : extra) out << "  + raised, not expected: " << x << "\n";
  return false;
}

}  // namespace

TestSummary RunTests(const std::vector<std::string>& test_files, std::ostream& out) {
  TestSummary summary;
  for (const auto& file : test_files) {
    try {
      Diagnostics diagnostics;
      auto text = ReadRuleFileText(file, diagnostics);
      if (!text) {
        out << "FAIL " << file << ": " << diagnostics.all().front().message << "\n";
        ++summary.failed;
        continue;
      }
      const yaml::Documents read = yaml::Read(*text);
      const yaml::Node test = read.documents.empty() ? yaml::Node() : read.documents[0];
      if (!test["rules"].IsDefined() || !test["cases"].IsDefined()) {
        out << "FAIL " << file << ": a test file needs 'rules' and 'cases'\n";
        ++summary.failed;
        continue;
      }
      size_t index = 0;
      for (const auto& c : test["cases"]) {
        (RunTestCase(file, test, c, index++, out) ? summary.passed : summary.failed) += 1;
      }
    } catch (const YAML::Exception& e) {
      out << fmt::format("FAIL {}:{}:{}: {}\n", file, e.mark.line + 1, e.mark.column + 1, e.msg);
      ++summary.failed;
    }
  }
  return summary;
}

}  // namespace refract::hunt
