#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "backends/packagers/package_text.h"
#include "backends/packagers/packagers.h"

namespace refract::packagers {

// QRadar saved searches as the Ariel API takes them (name, aql, description).
// https://www.ibm.com/docs/en/qradar-common?topic=api-ariel-endpoints
void Qradar(const std::vector<const Output*>& outputs, const std::string& folder,
            BundleFiles& files) {
  std::string items;
  for (const Output* o : outputs) {
    items +=
        fmt::format("{}  {{\"name\": {}, \"description\": {}, \"aql\": {}}}",
                    items.empty() ? "" : ",\n", Q(o->rule_title), Q(Description(*o)), Q(o->text));
  }
  files[folder + "/saved_searches.json"] = "[\n" + items + "\n]\n";
}

}  // namespace refract::packagers
