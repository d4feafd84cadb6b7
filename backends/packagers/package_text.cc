#include "backends/packagers/package_text.h"

#include <fmt/format.h>

#include <algorithm>

#include "backends/common.h"
#include "compiler/text/sha256.h"

namespace refract::packagers {

// A JSON string literal; YAML reads it too (a double-quoted YAML scalar uses the same escapes).
std::string Q(std::string_view text) { return "\"" + JsonEscape(text) + "\""; }

std::set<std::string> ListsRead(const std::vector<const Output*>& outputs) {
  std::set<std::string> read;
  for (const Output* o : outputs) read.insert(o->lists.begin(), o->lists.end());
  return read;
}

std::string CsvField(const std::string& value) {
  if (value.find_first_of(",\"\r\n") == std::string::npos) return value;
  std::string out = "\"";
  for (char c : value) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string ValueCsv(const std::vector<std::string>& values) {
  std::string csv = "value\n";
  for (const auto& v : values) csv += CsvField(v) + "\n";
  return csv;
}

std::string JsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? ", " : "") + Q(items[i]);
  return out + "]";
}

// `text` as a YAML literal block under a key at `indent` spaces (keeps every line as it is).
std::string YamlBlock(std::string text, int indent) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  std::string pad(static_cast<size_t>(indent) + 2, ' ');
  // A first line that starts with a space would set the block's indentation itself; the explicit
  // indentation indicator keeps it content (YAML 1.2 §8.1.1.1).
  std::string out = text.starts_with(' ') ? "|2-\n" : "|-\n";
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    std::string line = text.substr(start, end == std::string::npos ? end : end - start);
    out += line.empty() ? "\n" : pad + line + "\n";
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return out;
}

// A file name from a title: lower-case letters and digits, `_` between words.
std::string Slug(const std::string& title) {
  std::string out = SnakeCase(title);
  return out.empty() ? "rule" : out.substr(0, 80);
}

// The rule's id, or a stable UUID-shaped id derived from its title when it has none.
std::string RuleId(const Output& o) {
  if (!o.rule_id.empty()) return o.rule_id;
  std::string h = Sha256Hex("refract:" + o.rule_title);
  return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
         "-" + h.substr(20, 12);
}

std::vector<std::string> Techniques(const RuleMeta& meta) {
  std::vector<std::string> out;
  for (const auto& tag : meta.tags) {
    auto m = attack::ReadTag(tag);
    if (m.kind == attack::TagMeaning::Kind::kTechnique) out.push_back(m.id);
  }
  return out;
}

std::vector<const attack::Tactic*> TacticsOf(const RuleMeta& meta) {
  std::vector<const attack::Tactic*> out;
  for (const auto& tag : meta.tags) {
    if (tag.rfind("attack.", 0) != 0) continue;
    if (const attack::Tactic* t = attack::FindTactic(tag.substr(7))) out.push_back(t);
  }
  return out;
}

namespace {

ThreatTactic& EntryFor(std::vector<ThreatTactic>& threat, const attack::Tactic* tactic) {
  for (auto& entry : threat) {
    if (entry.tactic->id == tactic->id) return entry;
  }
  return threat.emplace_back(ThreatTactic{tactic, {}});
}

void AddTechnique(ThreatTactic& entry, const std::string& id) {
  std::string parent = id.substr(0, id.find('.'));
  auto it = std::find_if(entry.techniques.begin(), entry.techniques.end(),
                         [&](const auto& t) { return t.first == parent; });
  if (it == entry.techniques.end()) {
    entry.techniques.emplace_back(parent, std::vector<std::string>{});
    it = entry.techniques.end() - 1;
  }
  if (id != parent && std::find(it->second.begin(), it->second.end(), id) == it->second.end()) {
    it->second.push_back(id);
  }
}

bool SameTactic(const attack::Tactic* a, const attack::Tactic* b) { return a->id == b->id; }

}  // namespace

std::vector<ThreatTactic> Threat(const RuleMeta& meta) {
  std::vector<ThreatTactic> threat;
  std::vector<const attack::Tactic*> tagged = TacticsOf(meta);
  for (const auto* t : tagged) EntryFor(threat, t);
  for (const auto& id : Techniques(meta)) {
    std::vector<const attack::Tactic*> served = attack::TacticsOfTechnique(id);
    std::vector<const attack::Tactic*> chosen;
    for (const auto* t : served) {
      for (const auto* g : tagged) {
        if (SameTactic(t, g)) chosen.push_back(g);
      }
    }
    if (chosen.empty()) chosen = served.empty() ? tagged : served;
    for (const auto* t : chosen) AddTechnique(EntryFor(threat, t), id);
  }
  return threat;
}

std::vector<std::string> SentinelTactics(const RuleMeta& meta) {
  std::vector<std::string> out;
  auto add = [&](const attack::Tactic* t) {
    if (std::find(out.begin(), out.end(), t->sentinel) == out.end()) out.emplace_back(t->sentinel);
  };
  for (const auto* t : TacticsOf(meta)) add(t);
  for (const auto& id : Techniques(meta)) {
    for (const auto* t : attack::TacticsOfTechnique(id)) add(t);
  }
  return out;
}

std::vector<std::string> SentinelTechniques(const RuleMeta& meta) {
  std::vector<std::string> out;
  for (const auto& id : Techniques(meta)) {
    std::string parent = id.substr(0, id.find('.'));
    if (attack::TacticsOfTechnique(parent).empty()) continue;
    if (std::find(out.begin(), out.end(), parent) == out.end()) out.push_back(parent);
  }
  return out;
}

// How far back a scheduled run reads (the correlation's window; an hour for single events) and
// how often it runs (at most hourly, at least every 5 minutes).
long long Period(const Output& o) {
  return o.meta->timespan_seconds > 0 ? o.meta->timespan_seconds : 3600;
}
long long Frequency(const Output& o) {
  return std::max<long long>(300, std::min<long long>(Period(o), 3600));
}

std::string Compact(long long s) {  // 3600 → "1h"
  if (s % 86400 == 0) return fmt::format("{}d", s / 86400);
  if (s % 3600 == 0) return fmt::format("{}h", s / 3600);
  if (s % 60 == 0) return fmt::format("{}m", s / 60);
  return fmt::format("{}s", s);
}

std::string Iso(long long s) {  // 3600 → "PT1H"
  if (s % 86400 == 0) return fmt::format("P{}D", s / 86400);
  if (s % 3600 == 0) return fmt::format("PT{}H", s / 3600);
  if (s % 60 == 0) return fmt::format("PT{}M", s / 60);
  return fmt::format("PT{}S", s);
}

std::string Cron(long long s) {  // a five-field cron that runs every `s` seconds (≥ 5 min)
  if (s < 3600) return fmt::format("*/{} * * * *", s / 60);
  if (s < 86400) return fmt::format("0 */{} * * *", s / 3600);
  return "0 0 * * *";
}

std::string Description(const Output& o) {
  std::string text = o.meta->description.empty() ? o.rule_title : o.meta->description;
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

}  // namespace refract::packagers
