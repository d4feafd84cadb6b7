#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "backends/packagers/package_text.h"
#include "backends/packagers/packagers.h"

namespace refract::packagers {

// YARA-L rule files; the meta section gains the description and ATT&CK ids.
void Yaral(const std::vector<const Output*>& outputs, const std::string& folder,
           BundleFiles& files) {
  std::set<std::string> used;
  for (const Output* o : outputs) {
    std::string text = o->text;
    std::string extra;
    std::string desc = Description(*o);
    std::replace(desc.begin(), desc.end(), '\n', ' ');
    if (text.find("    description = ") == std::string::npos) {
      extra += "    description = " + Q(desc) + "\n";
    }
    if (text.find("    severity = ") == std::string::npos && !o->meta.level.empty()) {
      extra += "    severity = " + Q(o->meta.level) + "\n";
    }
    std::vector<std::string> techniques = Techniques(o->meta);
    if (!techniques.empty()) {
      std::string joined;
      for (const auto& t : techniques) joined += (joined.empty() ? "" : ",") + t;
      extra += "    mitre_attack_technique = " + Q(joined) + "\n";
    }
    size_t at = text.find("  meta:\n");
    if (at != std::string::npos) text.insert(at + 8, extra);
    std::string name = Slug(o->rule_title);
    while (!used.insert(name).second) name += "_";
    files[folder + "/" + name + ".yaral"] = text + "\n";
  }
}

}  // namespace refract::packagers
