#include "tools/cli.h"

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

namespace refract::cli {

namespace fs = std::filesystem;

int UsageError(const std::string& message) {
  std::cerr << "refract: " << message << "\n"
            << "try 'refract --help'\n";
  return kExitUsage;
}

std::vector<std::string> SplitCommas(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) out.push_back(item);
  }
  return out;
}

// Writes `text` to `path` through a temporary file, so a failure leaves no partial file.
bool WriteAtomically(const fs::path& path, const std::string& text) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return false;
    out << text;
    if (!text.empty() && text.back() != '\n') out << '\n';
    if (!out.flush()) return false;
  }
  fs::rename(tmp, path, ec);
  return !ec;
}

}  // namespace refract::cli
