#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "backends/packagers/package_text.h"
#include "backends/packagers/packagers.h"
#include "compiler/text/utf8.h"

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

// Each list the searches read as a reference set of alphanumeric elements, in one file the
// reference data API takes in two calls: POST /reference_data/sets with `name` and
// `element_type`, then POST /reference_data/sets/bulk_load/{name} with `elements`. A set read
// case-insensitively holds the values lower-cased, as LOWER(field) reads them; `<name>_cased`
// holds them as they are. A reference set holds each value once.
// https://www.ibm.com/docs/en/qradar-on-cloud?topic=qradar-creating-reference-data-collections-apis
void QradarReferenceSets(const std::vector<const Output*>& outputs, const std::string& folder,
                         const ir::Placeholders& lists, BundleFiles& files) {
  std::string items;
  for (const auto& entry : ListsRead(outputs)) {
    bool cased = entry.starts_with("cased:");
    std::string name = cased ? entry.substr(6) : entry;
    auto list = lists.find(name);
    if (list == lists.end()) continue;
    std::set<std::string> unique;
    std::vector<std::string> elements;
    for (const auto& v : list->second) {
      std::string element = cased ? v : text::AsciiLower(v);
      if (unique.insert(element).second) elements.push_back(element);
    }
    items += fmt::format("{}  {{\"name\": {}, \"element_type\": \"ALN\", \"elements\": {}}}",
                         items.empty() ? "" : ",\n", Q(cased ? name + "_cased" : name),
                         JsonList(elements));
  }
  if (!items.empty()) files[folder + "/reference_sets.json"] = "[\n" + items + "\n]\n";
}

}  // namespace refract::packagers
