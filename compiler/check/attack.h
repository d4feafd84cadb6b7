// MITRE ATT&CK Enterprise techniques and tactics, for tag validation and platform metadata.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace refract::attack {

struct Technique {
  std::string_view id;    // "T1110.004"
  std::string_view name;  // "Credential Stuffing"
};

struct Tactic {
  std::string_view id;        // "TA0006"
  std::string_view tag;       // "credential-access", as Sigma tags spell it
  std::string_view name;      // "Credential Access"
  std::string_view sentinel;  // "CredentialAccess", as Sentinel analytic rules spell it
};

// Every technique and sub-technique, sorted by id.
const std::vector<Technique>& Techniques();
// The Enterprise tactics (v18, plus the v19 split of Defense Evasion).
const std::vector<Tactic>& Tactics();

// The tactics technique `id` (or its parent, for a sub-technique) serves, in ATT&CK's order;
// empty for a technique the table does not know (newer than Sentinel's validator).
std::vector<const Tactic*> TacticsOfTechnique(std::string_view id);

// The technique with `id` (upper case, "T1110.004"), or null.
const Technique* FindTechnique(std::string_view id);
// The tactic whose tag is `tag` ("credential-access"), or null.
const Tactic* FindTactic(std::string_view tag);

// What a Sigma tag names in ATT&CK: `attack.t1110.004` a technique, `attack.credential-access` a
// tactic, `attack.g0016`/`attack.s0002` a group or software. Empty for tags of other namespaces.
struct TagMeaning {
  enum class Kind { kNone, kTechnique, kTactic, kOther, kUnknown } kind = Kind::kNone;
  std::string id;  // "T1110.004", "TA0006", "G0016"
};
TagMeaning ReadTag(std::string_view tag);

}  // namespace refract::attack
