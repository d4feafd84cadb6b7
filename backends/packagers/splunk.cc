#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "backends/packagers/package_text.h"
#include "backends/packagers/packagers.h"

namespace refract::packagers {

namespace {

// `text` as a .conf value: a line that ends in a backslash continues on the next, so each line
// break is written as backslash-newline (read back as the newline), and a line of the value that
// itself ends in a backslash gets a space, lest it swallow the next line or setting.
// https://docs.splunk.com/Documentation/Splunk/latest/Admin/Howtoeditaconfigurationfile
std::string ConfValue(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '\n') {
      if (out.ends_with('\\')) out += ' ';
      out += "\\\n";
    } else {
      out += c;
    }
  }
  if (out.ends_with('\\')) out += ' ';
  return out;
}

}  // namespace

// Splunk saved searches: one stanza per rule in savedsearches.conf.
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
  auto continued = [](const std::string& text) { return ConfValue(text); };
  std::string conf;
  for (const Output* o : outputs) {
    std::string title = o->rule_title;
    std::replace(title.begin(), title.end(), '[', '(');
    std::replace(title.begin(), title.end(), ']', ')');
    std::string desc = Description(*o);
    std::replace(desc.begin(), desc.end(), '\n', ' ');
    desc = ConfValue(desc);
    std::string mitre;
    for (const auto& t : Techniques(*o->meta)) mitre += (mitre.empty() ? "" : ", ") + Q(t);
    conf += fmt::format(
        "[{}]\ndescription = {}\nsearch = {}\ncron_schedule = {}\ndispatch.earliest_time = -{}\n"
        "dispatch.latest_time = now\nenableSched = 1\ncounttype = number of events\n"
        "relation = greater than\nquantity = 0\nalert.severity = {}\nalert.track = 1\n"
        "action.correlationsearch.annotations = {{\"mitre_attack\": [{}]}}\n\n",
        title, desc, continued(o->text), Cron(Frequency(*o)), Compact(Period(*o)),
        severity(o->meta->level), mitre);
  }
  files[folder + "/savedsearches.conf"] = conf;
}

// Each list as a CSV lookup file, lookups/<name>.csv with one column, `value`, which the
// searches read through `inputlookup <name>.csv`: put the folder in the app that holds the
// searches ($SPLUNK_HOME/etc/apps/<app>/lookups).
// https://help.splunk.com/splunk-enterprise/spl-search-reference/9.4/search-commands/inputlookup
void SplunkLookups(const std::vector<const Output*>& outputs, const std::string& folder,
                   const ir::Placeholders& lists, BundleFiles& files) {
  for (const auto& name : ListsRead(outputs)) {
    auto list = lists.find(name);
    if (list != lists.end()) files[folder + "/lookups/" + name + ".csv"] = ValueCsv(list->second);
  }
}

}  // namespace refract::packagers
