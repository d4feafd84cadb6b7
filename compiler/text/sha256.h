// SHA-256 (FIPS 180-4) of a byte string, for the bundle manifest's content hashes.
#pragma once

#include <string>
#include <string_view>

namespace refract {

// The SHA-256 digest of `data` as 64 lower-case hex digits.
std::string Sha256Hex(std::string_view data);

}  // namespace refract
