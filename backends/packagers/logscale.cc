#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "backends/packagers/package_text.h"
#include "backends/packagers/packagers.h"

namespace refract::packagers {

// LogScale alerts in the alert/v0.3.0 YAML, laid out as every v0.3.0 template of
// CrowdStrike/logscale-community-content is: name, description, enabled, $schema, throttleTime,
// timeInterval (the search window), queryString and actionNameReferences. The schema has no
// place for tags, so none are written.
// https://library.humio.com/falcon-logscale-self-hosted/automated-alerts.html
void Logscale(const std::vector<const Output*>& outputs, const std::string& folder,
              BundleFiles& files) {
  std::set<std::string> used;
  for (const Output* o : outputs) {
    std::string name = Slug(o->rule_title);
    while (!used.insert(name).second) name += "_";
    files[folder + "/" + name + ".yaml"] = fmt::format(
        "name: {}\ndescription: {}\nenabled: false\n$schema: "
        "https://schemas.humio.com/alert/v0.3.0\nthrottleTime: {}\ntimeInterval: {}\n"
        "queryString: {}\nactionNameReferences: []\n",
        Q(o->rule_title), Q(Description(*o)), Compact(Frequency(*o)), Compact(Period(*o)),
        YamlBlock(o->text, 0));
  }
}

// Each list as a lookup file, files/<name>.csv with one column, `value`, which the queries read
// through match(file=) and cidr(file=): upload them to the repository's Files under the same
// names. https://library.humio.com/data-analysis/lookup-files.html
void LogscaleFiles(const std::vector<const Output*>& outputs, const std::string& folder,
                   const ir::Placeholders& lists, BundleFiles& files) {
  for (const auto& name : ListsRead(outputs)) {
    auto list = lists.find(name);
    if (list != lists.end()) files[folder + "/files/" + name + ".csv"] = ValueCsv(list->second);
  }
}

}  // namespace refract::packagers
