#include "compiler/ir/ipv6_network.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <random>
#include <regex>
#include <string>
#include <vector>

namespace refract::ir {
namespace {

// Eight 16-bit groups, indexed by position.
struct Groups {
  std::array<uint16_t, 8> v;
  uint16_t& operator[](int i) { return v[static_cast<size_t>(i)]; }
  uint16_t operator[](int i) const { return v[static_cast<size_t>(i)]; }
};

struct Network {
  Groups groups;
  int bits;
  std::string text;
};

bool InNetwork(const Groups& address, const Network& n) {
  for (int i = 0; i < 8; ++i) {
    int bits = std::clamp(n.bits - 16 * i, 0, 16);
    if (bits == 0) return true;
    uint16_t mask = static_cast<uint16_t>(0xFFFF << (16 - bits));
    if ((address[i] & mask) != (n.groups[i] & mask)) return false;
  }
  return true;
}

std::string Hex(uint16_t v, int width, bool upper) {
  static const char* lower_digits = "0123456789abcdef";
  static const char* upper_digits = "0123456789ABCDEF";
  std::string s;
  do {
    s.insert(s.begin(), (upper ? upper_digits : lower_digits)[v & 0xF]);
    v >>= 4;
  } while (v);
  while (static_cast<int>(s.size()) < width) s.insert(s.begin(), '0');
  return s;
}

// One of the texts RFC 4291 section 2.2 allows for `a`: leading zeros kept or dropped per
// group, any run of zero groups as `::` or none, the last 32 bits dotted or not, either case.
std::string RandomText(const Groups& a, std::mt19937& rng) {
  bool dotted = rng() % 3 == 0;
  int hex_groups = dotted ? 6 : 8;
  std::vector<std::pair<int, int>> runs;  // [start, end) of zero groups
  for (int i = 0; i < hex_groups; ++i) {
    for (int j = i; j < hex_groups && a[j] == 0; ++j) runs.push_back({i, j + 1});
  }
  std::pair<int, int> run{-1, -1};
  if (!runs.empty() && rng() % 4 != 0) run = runs[rng() % runs.size()];
  std::string out;
  for (int i = 0; i < hex_groups; ++i) {
    if (i == run.first) {
      out += "::";
      i = run.second - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    out += Hex(a[i], static_cast<int>(rng() % 5), rng() % 2);
  }
  if (dotted) {
    if (!out.empty() && out.back() != ':') out += ':';
    out += std::to_string(a[6] >> 8) + "." + std::to_string(a[6] & 0xFF) + "." +
           std::to_string(a[7] >> 8) + "." + std::to_string(a[7] & 0xFF);
  }
  return out;
}

// Addresses in the network, and near misses: one bit of the prefix flipped.
Groups RandomAddress(const Network& n, std::mt19937& rng, bool inside) {
  Groups a;
  for (int i = 0; i < 8; ++i) {
    // Many zero groups, so that `::` appears in every position.
    a[i] = rng() % 2 ? 0 : static_cast<uint16_t>(rng() % 3 ? rng() : rng() % 0x100);
    int bits = std::clamp(n.bits - 16 * i, 0, 16);
    if (bits == 0) continue;
    uint16_t mask = static_cast<uint16_t>(0xFFFF << (16 - bits));
    a[i] = static_cast<uint16_t>((n.groups[i] & mask) | (a[i] & ~mask));
  }
  if (!inside && n.bits > 0) {
    int bit = static_cast<int>(rng() % static_cast<unsigned>(n.bits));
    a[bit / 16] ^= static_cast<uint16_t>(0x8000 >> (bit % 16));
  }
  return a;
}

const std::vector<Network>& Networks() {
  static const std::vector<Network> networks = {
      {{0xfe80, 0, 0, 0, 0, 0, 0, 0}, 10, "fe80::/10"},
      {{0xfc00, 0, 0, 0, 0, 0, 0, 0}, 7, "fc00::/7"},
      {{0, 0, 0, 0, 0, 0, 0, 1}, 128, "::1/128"},
      {{0, 0, 0, 0, 0, 0, 0, 0}, 128, "::/128"},
      {{0x2603, 0x1006, 0x1400, 0, 0, 0, 0, 0}, 40, "2603:1006:1400::/40"},
      {{0x2620, 0x1ec, 0x8f8, 0, 0, 0, 0, 0}, 46, "2620:1ec:8f8::/46"},
      {{0x2001, 0xdb8, 0, 0, 0, 0, 0, 0}, 32, "2001:db8::/32"},
      {{0x2001, 0xdb8, 0, 0, 1, 0, 0, 0}, 80, "2001:db8:0:0:1::/80"},
      {{0, 0, 0, 0, 0, 0xffff, 0, 0}, 96, "::ffff:0:0/96"},
      {{0, 0, 0, 0, 0, 0xffff, 0x0a00, 0}, 104, "::ffff:10.0.0.0/104"},
      {{0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x200}, 120, "2001:db8::200/120"},
      {{0, 0, 0, 0, 0, 0, 0, 0}, 1, "::/1"},
      {{0x8000, 0, 0, 0, 0, 0, 0, 0}, 1, "8000::/1"},
      {{0, 0, 0, 0, 0, 0, 0, 0}, 0, "::/0"},
      {{0x2001, 0xdb8, 0x1234, 0x5678, 0x9abc, 0xdef0, 0x1234, 0x5678},
       128,
       "2001:db8:1234:5678:9abc:def0:1234:5678"},
  };
  return networks;
}

TEST(Ipv6Network, PatternMatchesEveryTextOfTheNetworkAndNoOther) {
  std::mt19937 rng(1586);
  for (const auto& n : Networks()) {
    std::string why_not;
    std::string pattern = Ipv6NetworkPattern(n.text, &why_not);
    ASSERT_FALSE(pattern.empty()) << n.text << ": " << why_not;
    ASSERT_TRUE(Ipv6NetworkRegex(n.text, &why_not)) << n.text << ": " << why_not;
    std::regex re(pattern);
    for (int i = 0; i < 400; ++i) {
      Groups a = RandomAddress(n, rng, i % 2 == 0);
      std::string text = RandomText(a, rng);
      EXPECT_EQ(std::regex_search(text, re), InNetwork(a, n))
          << n.text << " on " << text << " with " << pattern;
    }
    EXPECT_FALSE(std::regex_search("10.0.0.1", re)) << n.text;
  }
}

TEST(Ipv6Network, PatternOfAShortPrefixReadsItsFirstGroup) {
  std::string why_not;
  EXPECT_EQ(Ipv6NetworkPattern("fe80::/10", &why_not), "^[fF][eE][89abAB][0-9a-fA-F]:");
  EXPECT_EQ(Ipv6NetworkPattern("fc00::/7", &why_not), "^[fF][cdCD][0-9a-fA-F][0-9a-fA-F]:");
}

TEST(Ipv6Network, PrefixEndingInsideADottedOctetIsRefused) {
  std::string why_not;
  EXPECT_EQ(Ipv6NetworkPattern("::ffff:10.0.0.0/100", &why_not), "");
  EXPECT_NE(why_not.find("100 bits"), std::string::npos) << why_not;
  EXPECT_FALSE(Ipv6NetworkRegex("::ffff:10.0.0.0/100", &why_not));
}

}  // namespace
}  // namespace refract::ir
