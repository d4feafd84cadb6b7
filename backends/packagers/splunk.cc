#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "backends/packagers/package_text.h"
#include "backends/packagers/packagers.h"

namespace refract::packagers {

// Splunk saved searches: one stanza per rule in savedsearches.conf; a multi-line search
// continues each line with a backslash.
// https://docs.splunk.com/Documentation/Splunk/latest/Admin/Savedsearchesconf
void Splunk(const std::vector<const Output*>& outputs, const std::string& folder,
            BundleFiles& files) {
  auto severity = [](const std::string& level) {
    return level == "critical" ? 5
           : level == "high"   ? 4
           : level == "medium" ? 3
           : level == "low"    ? 2
                               : 1;
  };
  auto continued = [](const std::string& text) {
    std::string out;
    for (char c : text) out += c == '\n' ? std::string(" \\\n") : std::string(1, c);
    return out;
  };
  std::string conf;
  for (const Output* o : outputs) {
    std::string title = o->rule_title;
    std::replace(title.begin(), title.end(), '[', '(');
    std::replace(title.begin(), title.end(), ']', ')');
    std::string desc = Description(*o);
    std::replace(desc.begin(), desc.end(), '\n', ' ');
    std::string mitre;
    for (const auto& t : Techniques(o->meta)) mitre += (mitre.empty() ? "" : ", ") + Q(t);
    conf += fmt::format(
        "[{}]\ndescription = {}\nsearch = {}\ncron_schedule = {}\ndispatch.earliest_time = -{}\n"
        "dispatch.latest_time = now\nenableSched = 1\ncounttype = number of events\n"
        "relation = greater than\nquantity = 0\nalert.severity = {}\nalert.track = 1\n"
        "action.correlationsearch.annotations = {{\"mitre_attack\": [{}]}}\n\n",
        title, desc, continued(o->text), Cron(Frequency(*o)), Compact(Period(*o)),
        severity(o->meta.level), mitre);
  }
  files[folder + "/savedsearches.conf"] = conf;
}

}  // namespace refract::packagers
