#include "compiler/ir/modifiers.h"

namespace refract::ir {

const std::vector<ModifierInfo>& KnownModifiers() {
  static const std::vector<ModifierInfo> kModifiers = {
      {"contains", "value occurs anywhere in the field"},
      {"startswith", "field begins with the value"},
      {"endswith", "field ends with the value"},
      {"all", "every value of the list must match (instead of any)"},
      {"exists", "field is present (true) or absent (false)"},
      {"cased", "match case-sensitively"},
      {"neq", "field is not equal to the value (not any of the values)"},
      {"windash", "also match '-' as '/', en dash, em dash and horizontal bar"},
      {"re", "value is a regular expression (PCRE subset)"},
      {"i", "with re: ignore case"},
      {"ignorecase", "with re: ignore case"},
      {"m", "with re: ^ and $ match at line breaks"},
      {"multiline", "with re: ^ and $ match at line breaks"},
      {"s", "with re: . matches line breaks"},
      {"dotall", "with re: . matches line breaks"},
      {"base64", "value encoded as base64"},
      {"base64offset", "value encoded as base64 at any of the three byte offsets"},
      {"utf16le", "encode the value as UTF-16LE before base64"},
      {"wide", "encode the value as UTF-16LE before base64"},
      {"utf16be", "encode the value as UTF-16BE before base64"},
      {"utf16", "encode the value as UTF-16 with a byte-order mark before base64"},
      {"lt", "field is less than the number"},
      {"lte", "field is less than or equal to the number"},
      {"gt", "field is greater than the number"},
      {"gte", "field is greater than or equal to the number"},
      {"minute", "compare the minute of the timestamp field"},
      {"hour", "compare the hour of the timestamp field"},
      {"day", "compare the day of month of the timestamp field"},
      {"week", "compare the week of year of the timestamp field"},
      {"month", "compare the month of the timestamp field"},
      {"year", "compare the year of the timestamp field"},
      {"cidr", "field is an IP address inside the IPv4 or IPv6 network"},
      {"expand", "replace %placeholder% with the values configured for it"},
      {"fieldref", "compare with the value of another field"},
  };
  return kModifiers;
}

}  // namespace refract::ir
