#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "backends/packagers/package_text.h"
#include "backends/packagers/packagers.h"

namespace refract::packagers {

namespace {

// The name after `rule` at the start of a YARA-L text.
std::string RuleName(const std::string& text) {
  size_t start = text.starts_with("rule ") ? 5 : std::string::npos;
  if (start == std::string::npos) return {};
  size_t end = start;
  while (end < text.size() &&
         (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '_')) {
    ++end;
  }
  return text.substr(start, end - start);
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

// The layout of Google's SecOps content manager (chronicle/detection-rules tools/content_manager,
// rules.py): `rules/<rule name>.yaral`, the file named after the rule it holds, and
// `rule_config.yaml` with each rule's `enabled` and `alerting`. Rule names must differ ignoring
// case; a repeated one gets a numbered suffix in the rule text and the file name alike.
void Yaral(const std::vector<const Output*>& outputs, const std::string& folder,
           BundleFiles& files) {
  std::set<std::string> used;
  std::map<std::string, std::string> config;  // rule name -> entry, sorted
  for (const Output* o : outputs) {
    std::string text = o->text;
    std::string extra;
    std::string desc = Description(*o);
    std::replace(desc.begin(), desc.end(), '\n', ' ');
    if (text.find("    description = ") == std::string::npos) {
      extra += "    description = " + Q(desc) + "\n";
    }
    if (text.find("    severity = ") == std::string::npos && !o->meta->level.empty()) {
      extra += "    severity = " + Q(o->meta->level) + "\n";
    }
    std::vector<std::string> techniques = Techniques(*o->meta);
    if (!techniques.empty()) {
      std::string joined;
      for (const auto& t : techniques) joined += (joined.empty() ? "" : ",") + t;
      extra += "    mitre_attack_technique = " + Q(joined) + "\n";
    }
    size_t at = text.find("  meta:\n");
    if (at != std::string::npos) text.insert(at + 8, extra);
    std::string name = RuleName(text);
    if (name.empty()) continue;  // the backend writes every rule as `rule <name> {`
    std::string unique = name;
    for (int n = 2; !used.insert(Lower(unique)).second; ++n) unique = fmt::format("{}_{}", name, n);
    if (unique != name) text.replace(5, name.size(), unique);
    files[folder + "/rules/" + unique + ".yaral"] = text + "\n";
    // Deployed disabled, as every other format: a SOC turns a rule on after review.
    config[unique] = "  alerting: false\n  enabled: false\n";
  }
  std::string yaml;
  for (const auto& [name, entry] : config) yaml += name + ":\n" + entry;
  if (!yaml.empty()) files[folder + "/rule_config.yaml"] = yaml;
}

// Each list a rule reads as a reference list in the content manager's layout
// (chronicle/detection-rules tools/content_manager, reference_lists.py):
// reference_lists/<name>.txt, one entry a line, and reference_list_config.yaml with each list's
// description and syntax_type. A network list is `<name>_cidr`, of type CIDR; string entries
// escape `\` and `/` with a backslash, since `//` starts a comment in a list.
// https://cloud.google.com/chronicle/docs/reference/reference-lists
void YaralReferenceLists(const std::vector<const Output*>& outputs, const std::string& folder,
                         const ir::Placeholders& lists, BundleFiles& files) {
  std::string config;
  for (const auto& entry : ListsRead(outputs)) {
    bool cidr = entry.starts_with("cidr:");
    std::string name = cidr ? entry.substr(5) : entry;
    auto list = lists.find(name);
    if (list == lists.end()) continue;
    std::string file_name = cidr ? name + "_cidr" : name;
    std::string text;
    for (const auto& v : list->second) {
      if (cidr) {
        text += v + "\n";
        continue;
      }
      for (char c : v) {
        if (c == '\\' || c == '/') text += '\\';
        text += c;
      }
      text += "\n";
    }
    files[folder + "/reference_lists/" + file_name + ".txt"] = text;
    config += fmt::format(
        "{}:\n  description: {}\n  syntax_type: {}\n", file_name,
        Q(fmt::format("The |expand placeholder %{}% of the rules that read it, {} value(s)", name,
                      list->second.size())),
        cidr ? "REFERENCE_LIST_SYNTAX_TYPE_CIDR" : "REFERENCE_LIST_SYNTAX_TYPE_PLAIN_TEXT_STRING");
  }
  if (!config.empty()) files[folder + "/reference_list_config.yaml"] = config;
}

}  // namespace refract::packagers
