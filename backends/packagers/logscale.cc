#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "backends/packagers/package_text.h"
#include "backends/packagers/packagers.h"

namespace refract::packagers {

// LogScale alerts in the YAML the humio schemas describe (one file per rule).
// https://library.humio.com/falcon-logscale-self-hosted/automated-alerts.html
void Logscale(const std::vector<const Output*>& outputs, const std::string& folder,
              BundleFiles& files) {
  std::set<std::string> used;
  for (const Output* o : outputs) {
    std::string name = Slug(o->rule_title);
    while (!used.insert(name).second) name += "_";
    files[folder + "/" + name + ".yaml"] = fmt::format(
        "$schema: \"https://schemas.humio.com/alert/v0.3.0\"\nname: {}\ndescription: {}\n"
        "query:\n  queryString: {}\n  isLive: true\n  start: {}\nthrottleTimeMillis: {}\n"
        "enabled: false\nactionNames: []\nlabels: {}\n",
        Q(o->rule_title), Q(Description(*o)), YamlBlock(o->text, 2), Compact(Period(*o)),
        Frequency(*o) * 1000, JsonList(o->meta.tags));
  }
}

}  // namespace refract::packagers
