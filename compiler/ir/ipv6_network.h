// An IPv6 network as a regex over the text of an address, for engines whose CIDR test reads
// IPv4 only (Sumo Logic's compareCIDRPrefix).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "compiler/ir/regex.h"

namespace refract::ir {

// A regex that matches the text of an IPv6 address exactly when the address lies in `network`
// (an address with an optional /length that ParseCidr accepts): every form RFC 4291 section 2.2
// allows (leading zeros kept or dropped, one `::`, an embedded dotted IPv4 tail), in either case.
// Returns nullopt, with the reason in `why_not`, for a prefix that ends inside an octet of an
// embedded IPv4 tail (longer than 96 bits and not a multiple of 8), which no octet list says.
std::optional<Regex> Ipv6NetworkRegex(std::string_view network, std::string* why_not);

// The regex source Ipv6NetworkRegex parses (PCRE syntax); empty when it returns nullopt.
std::string Ipv6NetworkPattern(std::string_view network, std::string* why_not);

}  // namespace refract::ir
