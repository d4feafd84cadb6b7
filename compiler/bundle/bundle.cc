#include "compiler/bundle/bundle.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "backends/packagers/package_text.h"
#include "backends/packagers/packagers.h"
#include "compiler/check/attack.h"
#include "compiler/text/sha256.h"

namespace refract {
namespace {

using packagers::Q;
using packagers::RuleId;
using packagers::Techniques;

bool OverLimit(const Output& o, const packagers::QueryLimit& limit) {
  return limit.max_chars > 0 && o.text.size() > limit.max_chars;
}

// Whether the output goes into its platform's files (it is within the platform's limits).
bool Deployed(const Output& o) { return !OverLimit(o, packagers::QueryLimitOf(o.target)); }

// Why an output over `limit` is left out: "is N characters; WHAT is at most MAX (SOURCE)".
std::string OverLimitText(const Output& o, const packagers::QueryLimit& limit) {
  return fmt::format("is {} characters; {} is at most {} ({})", o.text.size(), limit.what,
                     limit.max_chars, limit.source);
}

// ---- coverage -----------------------------------------------------------------------------

struct Coverage {
  std::vector<std::string> titles;                                   // in run order
  std::map<std::pair<std::string, std::string>, std::string> cells;  // (title, target) → mark
  // (title, target) → why it has no query: "CODE message", for each ✗ that has a reason.
  std::map<std::pair<std::string, std::string>, std::string> reasons;
};

// The code of a "CODE message" error text ("" for none).
std::string CodeOf(const std::string& error) { return error.substr(0, error.find(' ')); }

Coverage CoverageOf(const std::vector<FileResult>& results,
                    const std::vector<const Backend*>& targets) {
  Coverage cov;
  std::set<std::pair<std::string, std::string>> queries;
  std::set<std::string> seen;
  std::set<std::string> failed;  // titles with a target that gave no query
  std::set<std::pair<std::string, std::string>> compiled;  // (title, target) that compiled
  for (const auto& r : results) {
    for (const auto& o : r.outputs) {
      const packagers::QueryLimit limit = packagers::QueryLimitOf(o.target);
      if (OverLimit(o, limit)) {
        cov.reasons[{o.rule_title, o.target}] = "E0900 the query " + OverLimitText(o, limit);
        continue;
      }
      queries.insert({o.rule_title, o.target});
      if (!o.composition.empty()) queries.insert({o.composition, o.target});
    }
    for (const auto& o : r.outcomes) {
      if (o.ok) {
        compiled.insert({o.rule_title, o.target});
        continue;
      }
      failed.insert(o.rule_title);
      if (!o.error.empty()) cov.reasons.emplace(std::pair{o.rule_title, o.target}, o.error);
    }
  }
  // Building blocks (rules only a correlation reads) have no query of their own: not listed.
  for (const auto& r : results) {
    for (const auto& o : r.outcomes) {
      bool listed = failed.count(o.rule_title) != 0 || queries.count({o.rule_title, o.target});
      if (listed && seen.insert(o.rule_title).second) cov.titles.push_back(o.rule_title);
    }
  }
  // A signal a union composes is in the union's query where the union has one.
  std::map<std::string, std::string> title_of, composed_by;
  for (const auto& r : results) {
    for (const auto& c : r.correlations) title_of[c.name] = c.title;
  }
  for (const auto& r : results) {
    for (const auto& c : r.correlations) {
      if (c.type != "union") continue;
      for (const auto& ref : c.rules) composed_by[title_of[ref.text]] = c.title;
    }
  }
  for (const auto& title : cov.titles) {
    for (const Backend* b : targets) {
      std::string t(b->id());
      auto part = composed_by.find(title);
      bool in_union = part != composed_by.end() && queries.count({part->second, t});
      std::string& cell = cov.cells[{title, t}];
      cell = queries.count({title, t}) ? "✓" : in_union ? "∪" : "✗";
      auto reason = cov.reasons.find({title, t});
      if (cell != "✗") {
        if (reason != cov.reasons.end()) cov.reasons.erase(reason);
      } else if (reason != cov.reasons.end()) {
        cell += " " + CodeOf(reason->second);
      } else if (compiled.count({title, t}) != 0) {
        // Compiled, yet no query: a rule that correlations read is no query of its own.
        cov.reasons[{title, t}] =
            "no query of its own: correlations read it (a correlation with `generate: true` "
            "keeps it)";
      }
    }
  }
  return cov;
}

// Where the `document`-th rule of `source` declares its title (line 1 when it has none).
SourceLocation TitleLocation(const SourceFile* source, const std::string& path, int document) {
  SourceLocation at{path, 1, 1, 1};
  if (source == nullptr) return at;
  const std::string& text = source->text();
  int seen = -1;
  size_t line_start = 0;
  for (int line = 1; line_start < text.size(); ++line) {
    size_t end = text.find('\n', line_start);
    std::string_view l(text.data() + line_start,
                       (end == std::string::npos ? text.size() : end) - line_start);
    if (l.starts_with("title:") && ++seen == document) return {path, line, 1, 6};
    if (end == std::string::npos) break;
    line_start = end + 1;
  }
  return at;
}

}  // namespace

std::map<std::string, std::string> BuildBundle(const std::vector<FileResult>& results,
                                               const std::vector<const Backend*>& targets,
                                               Diagnostics* left_out,
                                               const ir::Placeholders* lists) {
  std::map<std::string, std::string> files;
  for (const Backend* backend : targets) {
    std::string target(backend->id());
    packagers::QueryLimit limit = packagers::QueryLimitOf(target);
    std::vector<const Output*> outputs;
    for (const auto& r : results) {
      for (const auto& o : r.outputs) {
        if (o.target != target) continue;
        if (OverLimit(o, limit)) {
          if (left_out != nullptr) {
            left_out->Error("E0900", TitleLocation(r.source.get(), r.path, o.document),
                            fmt::format("rule '{}': the {} query {}; left out of the {} files",
                                        o.rule_title, target, OverLimitText(o, limit), target));
          }
          continue;
        }
        outputs.push_back(&o);
      }
    }
    std::stable_sort(outputs.begin(), outputs.end(), [](const Output* a, const Output* b) {
      return std::tie(a->rule_title, a->rule_id) < std::tie(b->rule_title, b->rule_id);
    });
    if (outputs.empty()) continue;
    if (packagers::Packager package = packagers::FindPackager(target)) {
      package(outputs, target, files);
    }
    packagers::ListPackager package_lists = packagers::FindListPackager(target);
    if (package_lists != nullptr && lists != nullptr) package_lists(outputs, target, *lists, files);
  }

  // Coverage: which rule has a query on which target.
  Coverage cov = CoverageOf(results, targets);
  std::string md =
      "# Coverage\n\n✓ a query in this bundle; ∪ part of a composed query; ✗ none, with the "
      "code of the first error (listed under the table; the translate diagnostics say more)."
      "\n\n| rule |";
  for (const Backend* b : targets) md += " " + std::string(b->id()) + " |";
  md += "\n|---|";
  for (size_t i = 0; i < targets.size(); ++i) md += "---|";
  md += "\n";
  for (const auto& title : cov.titles) {
    std::string row = title;
    std::replace(row.begin(), row.end(), '|', '/');
    md += "| " + row + " |";
    for (const Backend* b : targets) md += " " + cov.cells[{title, std::string(b->id())}] + " |";
    md += "\n";
  }
  // Why each ✗ has no query, in the table's order.
  std::string why;
  for (const auto& title : cov.titles) {
    for (const Backend* b : targets) {
      auto reason = cov.reasons.find({title, std::string(b->id())});
      if (reason == cov.reasons.end()) continue;
      why += fmt::format("- {} on {}: {}\n", title, b->id(), reason->second);
    }
  }
  if (!why.empty()) md += "\n## No query\n\n" + why;
  files["coverage.md"] = md;

  // ATT&CK Navigator layer: each technique the rules with a query tag, scored by their number.
  // https://github.com/mitre-attack/attack-navigator/blob/master/layers/LAYERFORMATv4_5.md
  std::map<std::string, std::vector<std::string>> by_technique;
  std::set<std::string> counted;
  for (const auto& r : results) {
    for (const auto& o : r.outputs) {
      if (o.target.empty() || !counted.insert(o.rule_title).second) continue;
      for (const auto& t : Techniques(*o.meta)) by_technique[t].push_back(o.rule_title);
    }
  }
  std::string techniques;
  for (auto& [id, titles] : by_technique) {
    std::sort(titles.begin(), titles.end());
    std::string comment;
    for (const auto& t : titles) comment += (comment.empty() ? "" : "; ") + t;
    techniques += fmt::format("{}    {{\"techniqueID\": \"{}\", \"score\": {}, \"comment\": {}}}",
                              techniques.empty() ? "" : ",\n", id, titles.size(), Q(comment));
  }
  files["attack-navigator-layer.json"] = fmt::format(
      "{{\n  \"name\": \"refract coverage\",\n  \"versions\": {{\"attack\": \"18\", \"navigator\": "
      "\"5.1.0\", \"layer\": \"4.5\"}},\n  \"domain\": \"enterprise-attack\",\n  "
      "\"description\": \"Techniques the bundled rules tag, scored by the number of rules\",\n"
      "  \"techniques\": [\n{}\n  ]\n}}\n",
      techniques);

  // The manifest: every file with its rule, target and content hash.
  std::string manifest = "{\n  \"refract_version\": \"" REFRACT_VERSION "\",\n  \"files\": [\n";
  bool first = true;
  for (const auto& [path, content] : files) {
    std::string target = path.find('/') == std::string::npos ? "" : path.substr(0, path.find('/'));
    manifest += fmt::format("{}    {{\"path\": {}, \"target\": {}, \"sha256\": \"{}\"}}",
                            first ? "" : ",\n", Q(path), Q(target), Sha256Hex(content));
    first = false;
  }
  manifest += "\n  ],\n  \"rules\": [\n";
  first = true;
  for (const auto& r : results) {
    for (const auto& o : r.outputs) {
      if (o.target.empty() || !Deployed(o)) continue;
      manifest += fmt::format(
          "{}    {{\"rule_id\": \"{}\", \"title\": {}, \"target\": \"{}\", "
          "\"sha256\": \"{}\"}}",
          first ? "" : ",\n", RuleId(o), Q(o.rule_title), o.target, Sha256Hex(o.text));
      first = false;
    }
  }
  manifest += "\n  ]\n}\n";
  files["manifest.json"] = manifest;
  return files;
}

}  // namespace refract
