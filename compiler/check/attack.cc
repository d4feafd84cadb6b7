#include "compiler/check/attack.h"

#include <algorithm>
#include <cctype>

namespace refract::attack {

const std::vector<Tactic>& Tactics() {
  // https://attack.mitre.org/tactics/enterprise/
  static const std::vector<Tactic> kTactics = {
      {"TA0043", "reconnaissance", "Reconnaissance", "Reconnaissance"},
      {"TA0042", "resource-development", "Resource Development", "ResourceDevelopment"},
      {"TA0001", "initial-access", "Initial Access", "InitialAccess"},
      {"TA0002", "execution", "Execution", "Execution"},
      {"TA0003", "persistence", "Persistence", "Persistence"},
      {"TA0004", "privilege-escalation", "Privilege Escalation", "PrivilegeEscalation"},
      {"TA0005", "defense-evasion", "Defense Evasion", "DefenseEvasion"},
      // ATT&CK v19 split Defense Evasion: Stealth took TA0005, Defense Impairment is new.
      {"TA0005", "stealth", "Stealth", "DefenseEvasion"},
      {"TA0112", "defense-impairment", "Defense Impairment", "DefenseEvasion"},
      {"TA0006", "credential-access", "Credential Access", "CredentialAccess"},
      {"TA0007", "discovery", "Discovery", "Discovery"},
      {"TA0008", "lateral-movement", "Lateral Movement", "LateralMovement"},
      {"TA0009", "collection", "Collection", "Collection"},
      {"TA0011", "command-and-control", "Command and Control", "CommandAndControl"},
      {"TA0010", "exfiltration", "Exfiltration", "Exfiltration"},
      {"TA0040", "impact", "Impact", "Impact"},
  };
  return kTactics;
}

const Technique* FindTechnique(std::string_view id) {
  const auto& all = Techniques();
  auto it = std::lower_bound(all.begin(), all.end(), id,
                             [](const Technique& t, std::string_view v) { return t.id < v; });
  return it != all.end() && it->id == id ? &*it : nullptr;
}

const Tactic* FindTactic(std::string_view tag) {
  for (const auto& t : Tactics()) {
    if (t.tag == tag) return &t;
  }
  return nullptr;
}

TagMeaning ReadTag(std::string_view tag) {
  TagMeaning out;
  constexpr std::string_view kPrefix = "attack.";
  if (tag.substr(0, kPrefix.size()) != kPrefix) return out;
  std::string_view rest = tag.substr(kPrefix.size());
  if (FindTactic(rest) != nullptr) {
    out.kind = TagMeaning::Kind::kTactic;
    out.id = FindTactic(rest)->id;
    return out;
  }
  std::string upper;
  for (char c : rest) upper += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  bool idlike = upper.size() >= 5 && std::all_of(upper.begin() + 1, upper.end(), [](char c) {
                  return std::isdigit(static_cast<unsigned char>(c)) || c == '.';
                });
  if (idlike && upper[0] == 'T') {
    out.id = upper;
    if (FindTechnique(upper) != nullptr) {
      out.kind = TagMeaning::Kind::kTechnique;
      return out;
    }
    // A number a little past the table's last technique is newer than the table (ATT&CK
    // numbers techniques in order), not wrong; far past it, it is a typo.
    int last = std::stoi(std::string(Techniques().back().id.substr(1, 4)));
    int number = std::stoi(upper.substr(1, 4));
    bool newer = number > last && number <= last + 50;
    out.kind = newer ? TagMeaning::Kind::kOther : TagMeaning::Kind::kUnknown;
    return out;
  }
  if (idlike && (upper[0] == 'G' || upper[0] == 'S')) {
    out.kind = TagMeaning::Kind::kOther;  // groups and software: not checked against a list
    out.id = upper;
    return out;
  }
  out.kind = TagMeaning::Kind::kUnknown;
  out.id = std::string(rest);
  return out;
}

}  // namespace refract::attack
