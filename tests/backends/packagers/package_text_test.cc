// ATT&CK metadata as the import formats need it: techniques under the tactics they serve (Elastic's
// `threat`), and every tactic of every technique listed (Sentinel's template validation).
#include "backends/packagers/package_text.h"

#include <gtest/gtest.h>

namespace refract::packagers {
namespace {

RuleMeta WithTags(std::vector<std::string> tags) {
  RuleMeta meta;
  meta.tags = std::move(tags);
  return meta;
}

// "TA0042 T1586[T1586.002] | TA0008 T1534": the threat entries as one line.
std::string Print(const std::vector<ThreatTactic>& threat) {
  std::string out;
  for (const auto& entry : threat) {
    if (!out.empty()) out += " | ";
    out += std::string(entry.tactic->id);
    for (const auto& [parent, subs] : entry.techniques) {
      out += " " + parent;
      if (subs.empty()) continue;
      out += "[";
      for (size_t i = 0; i < subs.size(); ++i) out += (i ? "," : "") + subs[i];
      out += "]";
    }
  }
  return out;
}

TEST(Threat, TechniquesNestUnderTheTaggedTacticTheyServe) {
  auto meta = WithTags({"attack.resource-development", "attack.t1586", "attack.t1586.002",
                        "attack.lateral-movement", "attack.t1534"});
  EXPECT_EQ(Print(Threat(meta)), "TA0042 T1586[T1586.002] | TA0008 T1534");
}

TEST(Threat, SubTechniqueAloneBringsItsParent) {
  auto meta = WithTags({"attack.credential-access", "attack.t1110.003", "attack.t1110.004"});
  EXPECT_EQ(Print(Threat(meta)), "TA0006 T1110[T1110.003,T1110.004]");
}

TEST(Threat, TechniqueWithoutItsTacticTaggedGetsItsOwnTactics) {
  // T1078 serves four tactics; with only Initial Access tagged it stays there, and T1621
  // (Credential Access, untagged) brings its tactic along.
  auto meta = WithTags({"attack.initial-access", "attack.t1078.004", "attack.t1621"});
  EXPECT_EQ(Print(Threat(meta)), "TA0001 T1078[T1078.004] | TA0006 T1621");
}

TEST(Threat, TacticWithoutTechniquesStays) {
  EXPECT_EQ(Print(Threat(WithTags({"attack.persistence"}))), "TA0003");
}

TEST(SentinelTactics, EveryTacticOfEveryTechnique) {
  auto meta = WithTags({"attack.initial-access", "attack.t1078.004"});
  EXPECT_EQ(SentinelTactics(meta),
            (std::vector<std::string>{"InitialAccess", "Persistence", "PrivilegeEscalation",
                                      "DefenseEvasion"}));
  EXPECT_EQ(SentinelTechniques(meta), (std::vector<std::string>{"T1078"}));
}

TEST(SentinelTactics, TechniqueSentinelCannotPlaceIsLeftOut) {
  // T1656 (Impersonation, ATT&CK v14) is not in Sentinel's kill-chain table.
  auto meta = WithTags({"attack.defense-evasion", "attack.t1656", "attack.t1557"});
  EXPECT_EQ(SentinelTechniques(meta), (std::vector<std::string>{"T1557"}));
  EXPECT_EQ(SentinelTactics(meta),
            (std::vector<std::string>{"DefenseEvasion", "CredentialAccess", "Collection"}));
}

}  // namespace
}  // namespace refract::packagers
