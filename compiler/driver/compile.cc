#include "compiler/driver/compile.h"

#include <fstream>
#include <sstream>

#include "compiler/load/loader.h"
#include "compiler/parse/rule_parser.h"
#include "compiler/passes/simplify.h"

namespace refract {

bool Session::Init(const std::vector<std::string>& user_mapping_files, Diagnostics& diagnostics) {
  for (const Backend* backend : backends) {
    const std::string_view* text = ShippedMappingText(backend->id());
    std::string origin = "backends/mappings/" + std::string(backend->id()) + ".yaml";
    TargetMapping mapping;
    if (text != nullptr) {
      auto parsed = TargetMapping::Parse(origin, std::string(*text), diagnostics);
      if (!parsed) return false;
      mapping = std::move(*parsed);
    }
    mappings.emplace(std::string(backend->id()), std::move(mapping));
  }
  for (const auto& file : user_mapping_files) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
      diagnostics.Error("E0001", {file, 0, 0, 1}, "cannot read mapping file");
      return false;
    }
    std::stringstream buffer;
    buffer << in.rdbuf();
    auto user = TargetMapping::Parse(file, buffer.str(), diagnostics);
    if (!user) return false;
    bool applied = false;
    for (auto& [target, mapping] : mappings) {
      if (user->target().empty() ? backends.size() == 1 : user->target() == target) {
        mapping.Extend(*user);
        applied = true;
      }
    }
    if (!applied) {
      diagnostics.Error(
          "E0112", {file, 1, 1, 1},
          user->target().empty()
              ? "mapping file names no 'target:' and several targets are selected"
              : "mapping file's target '" + user->target() + "' is not among the selected targets");
      return false;
    }
  }
  for (auto& [target, mapping] : mappings) {
    for (const auto& [name, values] : mapping.placeholders()) {
      placeholders.emplace(name, values);
    }
  }
  return true;
}

namespace {

std::string FirstError(const Diagnostics& diagnostics) {
  for (const auto& d : diagnostics.all()) {
    if (d.severity == Severity::kError) return d.code + " " + d.message;
  }
  return "";
}

void CompileRule(const ast::Rule& rule, int document, const Session& session, FileResult& out) {
  if (session.stage == EmitStage::kAst && !rule.has_errors) {
    out.outputs.push_back({rule.title, rule.id, document, "", ast::Print(rule)});
    return;
  }
  ir::LowerOptions lower_options;
  lower_options.placeholders = &session.placeholders;
  Diagnostics rule_diagnostics;
  auto lowered = ir::Lower(rule, lower_options, rule_diagnostics);
  if (session.strict) rule_diagnostics.PromoteWarnings();
  bool lowered_ok = lowered.has_value() && !rule_diagnostics.HasErrors();
  std::string rule_error = FirstError(rule_diagnostics);
  out.diagnostics.Append(std::move(rule_diagnostics));
  for (const Backend* backend : session.backends) {
    std::string target(backend->id());
    if (!lowered_ok) {
      out.outcomes.push_back({rule.title, target, false, rule_error});
      continue;
    }
    Diagnostics target_diagnostics;
    ir::Rule mapped = *lowered;
    const TargetMapping& mapping = session.mappings.find(target)->second;
    bool ok = ApplyMapping(mapped, mapping, session.mapping_options, target_diagnostics);
    mapped.condition = passes::Simplify(std::move(mapped.condition));
    std::optional<std::string> text;
    if (ok && session.stage == EmitStage::kIr) {
      text = ir::Print(mapped);
    } else if (ok) {
      EmitContext context{mapped, mapping, target_diagnostics, backend->id()};
      text = backend->Emit(context);
    }
    if (session.strict) target_diagnostics.PromoteWarnings();
    ok = ok && text.has_value() && !target_diagnostics.HasErrors();
    std::string error = FirstError(target_diagnostics);
    out.diagnostics.Append(std::move(target_diagnostics));
    out.outcomes.push_back({rule.title, target, ok, error});
    if (ok) out.outputs.push_back({rule.title, rule.id, document, target, std::move(*text)});
  }
}

}  // namespace

FileResult CompileText(const std::string& path, std::string text, const Session& session) {
  FileResult result;
  result.path = path;
  if (text.size() > kMaxRuleFileBytes) {
    LoadRuleText(path, std::move(text), result.diagnostics);
    return result;
  }
  result.source = std::make_shared<SourceFile>(path, std::move(text));
  auto doc = LoadRuleSource(result.source, result.diagnostics);
  if (!doc) return result;
  for (size_t i = 0; i < doc->documents.size(); ++i) {
    const YAML::Node& node = doc->documents[i];
    if (!node.IsDefined() || node.IsNull()) continue;
    ++result.documents;
    RuleDoc single{doc->source, {node}};
    auto rules = ParseRules(single, result.diagnostics);
    for (const auto& rule : rules) {
      if (!rule.has_errors) ++result.rules_parsed;
      CompileRule(rule, static_cast<int>(i), session, result);
    }
  }
  return result;
}

FileResult CompileFile(const std::string& path, const Session& session) {
  FileResult result;
  result.path = path;
  Diagnostics diagnostics;
  std::ifstream probe(path, std::ios::binary);
  if (!probe) {
    result.diagnostics.Error("E0001", {path, 0, 0, 1}, "cannot read file");
    return result;
  }
  probe.seekg(0, std::ios::end);
  auto size = static_cast<size_t>(std::max<std::streamoff>(probe.tellg(), 0));
  if (size > kMaxRuleFileBytes) {
    // LoadRuleFile reports the size error without reading the whole file.
    LoadRuleFile(path, result.diagnostics);
    return result;
  }
  probe.seekg(0);
  std::string text(size, '\0');
  probe.read(text.data(), static_cast<std::streamsize>(size));
  return CompileText(path, std::move(text), session);
}

}  // namespace refract
