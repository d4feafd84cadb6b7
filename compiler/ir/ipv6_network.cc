#include "compiler/ir/ipv6_network.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace refract::ir {
namespace {

using Groups = std::array<uint16_t, 8>;

// Positions are ints (they are compared and counted); arrays index by size_t.
template <typename Array>
auto& At(Array& array, int i) {
  return array[static_cast<size_t>(i)];
}

constexpr std::string_view kAnyDigit = "[0-9a-fA-F]";
constexpr std::string_view kAnyGroup = "[0-9a-fA-F]{1,4}";
constexpr std::string_view kAnyOctet = "\\d{1,3}";

// Parses an address ParseCidr has accepted: hex groups, one `::`, an optional dotted tail.
Groups ParseGroups(std::string_view text) {
  std::vector<uint16_t> head, tail;
  std::vector<uint16_t>* out = &head;
  size_t i = 0;
  while (i < text.size()) {
    if (text.substr(i, 2) == "::") {
      out = &tail;
      i += 2;
      continue;
    }
    if (text[i] == ':') {
      ++i;
      continue;
    }
    size_t end = text.find(':', i);
    std::string_view part = text.substr(i, end == std::string_view::npos ? end : end - i);
    if (part.find('.') != std::string_view::npos) {
      unsigned octets[4] = {0, 0, 0, 0};
      int n = 0;
      for (char c : part) {
        if (c == '.') {
          ++n;
        } else {
          octets[n] = octets[n] * 10 + static_cast<unsigned>(c - '0');
        }
      }
      out->push_back(static_cast<uint16_t>(octets[0] << 8 | octets[1]));
      out->push_back(static_cast<uint16_t>(octets[2] << 8 | octets[3]));
      break;
    }
    out->push_back(static_cast<uint16_t>(std::stoul(std::string(part), nullptr, 16)));
    i += part.size();
  }
  Groups groups{};
  std::copy(head.begin(), head.end(), groups.begin());
  std::copy(tail.begin(), tail.end(), groups.end() - static_cast<long>(tail.size()));
  return groups;
}

// A hex digit whose top `fixed` bits (0..4) are those of `nibble`, in either case.
struct DigitClass {
  std::string text;
  bool allows_zero = false;
  bool any = false;
};

DigitClass Digit(unsigned nibble, int fixed) {
  unsigned span = 1u << (4 - fixed);
  unsigned low = nibble & ~(span - 1);
  DigitClass d;
  d.allows_zero = low == 0;
  d.any = fixed == 0;
  if (d.any) {
    d.text = kAnyDigit;
    return d;
  }
  std::string digits, lower, upper;
  for (unsigned v = low; v < low + span; ++v) {
    if (v < 10) {
      digits += static_cast<char>('0' + v);
    } else {
      lower += static_cast<char>('a' + v - 10);
      upper += static_cast<char>('A' + v - 10);
    }
  }
  if (span == 1 && lower.empty()) {
    d.text = digits;
  } else {
    d.text = "[" + digits + lower + upper + "]";
  }
  return d;
}

// The text of one group (1 to 4 hex digits, leading zeros optional) whose value has the top
// `bits` bits of `value`.
struct GroupPattern {
  std::string text;
  bool allows_zero = false;
};

GroupPattern Group(uint16_t value, int bits) {
  GroupPattern g;
  if (bits <= 0) return {std::string(kAnyGroup), true};
  std::array<DigitClass, 4> digits;
  for (int i = 0; i < 4; ++i) {
    At(digits, i) = Digit((value >> (12 - 4 * i)) & 0xF, std::clamp(bits - 4 * i, 0, 4));
  }
  g.allows_zero =
      std::all_of(digits.begin(), digits.end(), [](const DigitClass& d) { return d.allows_zero; });
  if (bits >= 16 && value == 0) return {"0{1,4}", true};
  // Leading digits that can only be 0 may be dropped one by one.
  int zeros = 0;
  while (zeros < 3 && At(digits, zeros).text == "0") ++zeros;
  if (zeros == 1) g.text = "0?";
  if (zeros > 1) g.text = fmt::format("0{{0,{}}}", zeros);
  bool rest_free = std::all_of(digits.begin() + static_cast<long>(zeros), digits.end(),
                               [](const DigitClass& d) { return d.any; });
  if (rest_free) {
    g.text += fmt::format("{}{{1,{}}}", kAnyDigit, 4 - zeros);
    return g;
  }
  // A digit may be dropped only with every digit before it, and only when all of them allow 0:
  // nested optional groups from the left.
  std::string nested = At(digits, zeros).text;
  bool droppable = At(digits, zeros).allows_zero;
  for (int i = zeros + 1; i < 4; ++i) {
    nested = droppable ? "(?:" + nested + ")?" + At(digits, i).text : nested + At(digits, i).text;
    droppable = droppable && At(digits, i).allows_zero;
  }
  g.text += nested;
  return g;
}

class PatternBuilder {
 public:
  PatternBuilder(const Groups& network, int bits) : bits_(bits) {
    for (int i = 0; i < 8; ++i) At(groups_, i) = Group(At(network, i), bits - 16 * i);
    uint32_t tail = static_cast<uint32_t>(At(network, 6)) << 16 | At(network, 7);
    for (int i = 0; i < 4; ++i) {
      int fixed = std::clamp(bits - 96 - 8 * i, 0, 8);
      unsigned octet = (tail >> (24 - 8 * i)) & 0xFF;
      if (fixed != 0 && fixed != 8) dotted_exact_ = false;
      dotted_ += (i ? "\\." : "") + (fixed == 8 ? std::to_string(octet) : std::string(kAnyOctet));
    }
  }

  bool DottedExact() const { return dotted_exact_; }

  std::string Build() const {
    if (bits_ == 0) return fmt::format("^{}{{0,4}}:", kAnyDigit);
    // Positions a group of the network constrains; past 96 bits the dotted tail does too, and
    // every position is spelled out.
    int constrained = bits_ > 96 ? 8 : (bits_ + 15) / 16;
    std::vector<std::string> branches;
    if (constrained <= 6) {
      // The constrained groups written out, whatever follows them.
      branches.push_back(Seq(0, constrained - 1) + ":");
    } else {
      branches.push_back(Seq(0, 7) + "$");
      branches.push_back(Seq(0, 5) + ":" + dotted_ + "$");
    }
    // `::` after `explicit_groups` groups, inside the constrained ones.
    for (int explicit_groups = 0; explicit_groups < constrained; ++explicit_groups) {
      if (!At(groups_, explicit_groups).allows_zero) continue;
      int last_zero = explicit_groups;
      while (last_zero + 1 < 8 && At(groups_, last_zero + 1).allows_zero) ++last_zero;
      std::string head = (explicit_groups ? Seq(0, explicit_groups - 1) : "") + "::";
      branches.push_back(head + HexSuffixes(explicit_groups + 1, last_zero + 1) + "$");
      if (explicit_groups <= 5) {
        branches.push_back(head + DottedSuffixes(explicit_groups + 1, last_zero + 1) + "$");
      }
    }
    // Anchored branch by branch, so that a whole-value engine can drop the anchors.
    std::string joined;
    for (const auto& b : branches) joined += (joined.empty() ? "^" : "|^") + b;
    return joined;
  }

 private:
  // Groups first..last (inclusive) joined by colons.
  std::string Seq(int first, int last) const {
    std::string out;
    for (int i = first; i <= last; ++i) out += (i > first ? ":" : "") + At(groups_, i).text;
    return out;
  }

  bool AllSame(int first, int last) const {
    for (int i = first + 1; i <= last; ++i) {
      if (At(groups_, i).text != At(groups_, first).text) return false;
    }
    return true;
  }

  // "g:" for each group from `first` to `last`, each optional only with all before it: the
  // groups that may follow a `::` that compressed fewer of them.
  std::string OptionalLead(int first, int last) const {
    if (first > last) return "";
    if (AllSame(first, last)) {
      return fmt::format("(?:{}:){{0,{}}}", At(groups_, first).text, last - first + 1);
    }
    std::string lead;
    for (int i = first; i <= last; ++i) lead = "(?:" + lead + At(groups_, i).text + ":)?";
    return lead;
  }

  // The groups after a `::`: from any start in [first, latest] to the last group (a start of
  // 8 is none), where the `::` covers the groups before the start.
  std::string HexSuffixes(int first, int latest) const {
    latest = std::min(latest, 8);
    if (latest <= 7) return OptionalLead(first, latest - 1) + Seq(latest, 7);
    if (first > 7) return "";
    return "(?:" + OptionalLead(first, 6) + Seq(7, 7) + ")?";
  }

  // The same with the last two groups written as a dotted IPv4 tail, which a `::` cannot cover.
  std::string DottedSuffixes(int first, int latest) const {
    latest = std::min(latest, 6);
    std::string written = latest <= 5 ? Seq(latest, 5) + ":" : "";
    return OptionalLead(first, latest - 1) + written + dotted_;
  }

  int bits_;
  std::array<GroupPattern, 8> groups_;
  std::string dotted_;
  bool dotted_exact_ = true;
};

}  // namespace

std::string Ipv6NetworkPattern(std::string_view network, std::string* why_not) {
  size_t slash = network.find('/');
  int bits = 128;
  if (slash != std::string_view::npos) bits = std::stoi(std::string(network.substr(slash + 1)));
  PatternBuilder builder(ParseGroups(network.substr(0, slash)), bits);
  if (!builder.DottedExact()) {
    if (why_not) {
      *why_not = fmt::format(
          "an IPv6 network of {} bits, which ends inside an octet of a dotted IPv4 tail", bits);
    }
    return "";
  }
  return builder.Build();
}

std::optional<Regex> Ipv6NetworkRegex(std::string_view network, std::string* why_not) {
  std::string pattern = Ipv6NetworkPattern(network, why_not);
  if (pattern.empty()) return std::nullopt;
  RegexError error;
  auto regex = ParseRegex(pattern, &error);
  if (!regex && why_not) *why_not = "the IPv6 network's pattern: " + error.message;
  return regex;
}

}  // namespace refract::ir
