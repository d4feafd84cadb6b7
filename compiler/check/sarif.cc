#include "compiler/check/sarif.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

#include "compiler/diagnostics/codes.h"
#include "compiler/text/sha256.h"

namespace refract {
namespace {

// Where each code is explained.
constexpr std::string_view kHelpUri =
    "https://github.com/refract-siem/refract/blob/main/docs/diagnostics.md";

// `path` as a URI reference: RFC 3986 unreserved characters and '/' kept, the rest
// percent-encoded.
std::string UriPath(std::string_view path) {
  std::string out;
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    if (std::isalnum(c) != 0 || c == '-' || c == '.' || c == '_' || c == '~' || c == '/') {
      out += static_cast<char>(c);
    } else {
      out += fmt::format("%{:02X}", c);
    }
  }
  return out;
}

// The artifact location of `path`: relative to %SRCROOT% when it is under `base_dir` (or
// relative already), an absolute file URI otherwise.
std::string ArtifactLocation(const std::string& path, const std::string& base_dir) {
  std::filesystem::path p(path);
  std::string relative;
  if (p.is_relative()) {
    relative = p.lexically_normal().generic_string();
  } else {
    std::filesystem::path rel = p.lexically_relative(base_dir);
    if (!rel.empty() && *rel.begin() != "..") relative = rel.generic_string();
  }
  if (relative.empty() || relative.starts_with("../")) {
    return fmt::format("{{\"uri\":\"{}\"}}",
                       JsonEscape("file://" + UriPath(p.lexically_normal().generic_string())));
  }
  return fmt::format("{{\"uri\":\"{}\",\"uriBaseId\":\"%SRCROOT%\"}}",
                     JsonEscape(UriPath(relative)));
}

// The rule of `code` with the short and full descriptions and help link code scanning shows.
std::string RuleOf(const std::string& code) {
  const DiagnosticCode* c = FindDiagnosticCode(code);
  std::string summary = c ? std::string(c->summary) : "refract diagnostic " + code;
  std::string description = c ? std::string(c->description) : summary;
  return fmt::format(
      "{{\"id\":\"{}\",\"name\":\"{}\",\"shortDescription\":{{\"text\":\"{}\"}},"
      "\"fullDescription\":{{\"text\":\"{}\"}},\"helpUri\":\"{}\",\"help\":{{\"text\":"
      "\"{}\"}}}}",
      code, code, JsonEscape(summary), JsonEscape(description), kHelpUri,
      JsonEscape(description + " See " + std::string(kHelpUri) + "."));
}

}  // namespace

std::string RenderSarif(const std::vector<SarifFile>& files,
                        const std::function<Severity(const Diagnostic&)>& severity,
                        const std::string& base_dir) {
  std::set<std::string> codes;
  for (const auto& f : files) {
    for (const auto& d : f.diagnostics->all()) codes.insert(d.code);
  }
  std::string rules;
  std::map<std::string, size_t> index;
  for (const auto& code : codes) {
    index[code] = index.size();
    rules += (rules.empty() ? "" : ",") + RuleOf(code);
  }
  std::string findings;
  for (const auto& f : files) {
    for (const auto& d : f.diagnostics->all()) {
      const char* level = severity(d) == Severity::kError ? "error" : "warning";
      std::string message = d.message;
      for (const auto& note : d.notes) message += " (" + note + ")";
      std::string file = d.location.file.empty() ? f.path : d.location.file;
      // Stable across edits elsewhere in the file: the code, the file and the message, not the
      // line, identify a finding from one run to the next.
      std::string fingerprint = Sha256Hex(d.code + '\0' + file + '\0' + message).substr(0, 32);
      findings += fmt::format(
          "{}{{\"ruleId\":\"{}\",\"ruleIndex\":{},\"level\":\"{}\",\"message\":{{\"text\":"
          "\"{}\"}},\"locations\":[{{\"physicalLocation\":{{\"artifactLocation\":{},"
          "\"region\":{{\"startLine\":{},\"startColumn\":{}}}}}}}],"
          "\"partialFingerprints\":{{\"refract/v1\":\"{}\"}}}}",
          findings.empty() ? "" : ",", d.code, index[d.code], level, JsonEscape(message),
          ArtifactLocation(file, base_dir), std::max(1, d.location.line),
          std::max(1, d.location.column), fingerprint);
    }
  }
  std::string base = base_dir.ends_with('/') ? base_dir : base_dir + "/";
  // https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html; GitHub code scanning reads
  // rules' descriptions and helpUri, partialFingerprints and uriBaseId:
  // https://docs.github.com/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
  return fmt::format(
      "{{\"$schema\":\"https://json.schemastore.org/sarif-2.1.0.json\",\"version\":\"2.1.0\","
      "\"runs\":[{{\"tool\":{{\"driver\":{{\"name\":\"refract\",\"version\":\"{}\","
      "\"informationUri\":\"https://github.com/refract-siem/refract\",\"rules\":[{}]}}}},"
      "\"originalUriBaseIds\":{{\"%SRCROOT%\":{{\"uri\":\"{}\"}}}},\"results\":[{}]}}]}}\n",
      REFRACT_VERSION, rules, JsonEscape("file://" + UriPath(base)), findings);
}

}  // namespace refract
