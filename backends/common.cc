#include "backends/common.h"

#include <fmt/format.h>

#include <cctype>

#include "compiler/text/cat.h"

namespace refract {

const ir::RegexFlavor& LuceneRegexFlavor() {
  static const ir::RegexFlavor kFlavor = [] {
    ir::RegexFlavor f;
    f.name = "lucene regexp";
    f.perl_classes = false;
    f.inline_flags = false;
    f.word_boundary = false;
    f.text_anchors = false;
    f.anchors = false;
    f.unicode_properties = false;
    f.noncapturing_groups = false;
    f.named_group_prefix = "";
    f.lazy_as_greedy = true;
    f.control_escapes = false;
    f.fold_case = true;
    // Reserved with the default ALL syntax flags, plus `/`, which ends a query-string regex.
    f.literal_metachars = "\\.?+*|{}[]()\"#@&<>~/";
    f.class_metachars = "\\]^-[\"/";
    f.empty_alternatives = false;
    // In a query string `\\/` at a regex's end reads as an escaped `/`, so a class keeps every
    // literal backslash away from the closing delimiter.
    f.backslash_literal = "[\\\\]";
    f.dot_matches_newline = true;  // `.` is any character
    return f;
  }();
  return kFlavor;
}

std::string LucenePatternRegex(const ir::Pattern& pattern, bool leading, bool trailing, bool fold) {
  // What EmitWholeMatch writes for `^pattern\z` with the s flag, without building that Regex (a
  // node per character was a tenth of a corpus run): both ends anchored, so no padding; `.` is
  // any character; the literals through the emitter's own escaping and case folding.
  const ir::RegexFlavor& flavor = LuceneRegexFlavor();
  const bool fold_letters = fold && flavor.fold_case;
  std::string out;
  if (leading) out += ".*";
  for (const auto& piece : pattern.pieces) {
    switch (piece.kind) {
      case ir::Piece::Kind::kLiteral:
        ir::AppendRegexLiteral(out, piece.text, flavor, fold_letters);
        break;
      case ir::Piece::Kind::kAnyChars:
        out += ".*";
        break;
      case ir::Piece::Kind::kOneChar:
        out += '.';
        break;
    }
  }
  if (trailing) out += ".*";
  return out;
}

std::string PatternAsRegex(const ir::Pattern& pattern, ir::Op op, const ir::RegexFlavor& flavor,
                           const PatternRegexSyntax& syntax) {
  const bool open_start = op == ir::Op::kContains || op == ir::Op::kEndsWith;
  const bool open_end = op == ir::Op::kContains || op == ir::Op::kStartsWith;
  std::string out;
  if (!open_start || syntax.pad) out += syntax.start;
  if (open_start && syntax.pad) out += syntax.any_chars;
  for (const auto& piece : pattern.pieces) {
    if (piece.kind == ir::Piece::Kind::kLiteral) {
      ir::AppendRegexLiteral(out, piece.text, flavor, false);
    } else {
      out += piece.kind == ir::Piece::Kind::kAnyChars ? syntax.any_chars : syntax.one_char;
    }
  }
  if (open_end && syntax.pad) out += syntax.any_chars;
  if (!open_end || syntax.pad) out += syntax.end;
  return out;
}

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
  return text;
}

std::optional<std::string> ElasticRegexTooLong(std::string_view regex) {
  if (regex.size() <= kMaxElasticRegexLength) return std::nullopt;
  return fmt::format(
      "a regex of {} characters (Elasticsearch's index.max_regex_length is {} by default)",
      regex.size(), kMaxElasticRegexLength);
}

ir::RegexFlavor JavaRegexFlavor(std::string name) {
  ir::RegexFlavor f;
  f.name = std::move(name);
  f.lookaround = true;
  f.backreferences = true;
  f.atomic_groups = true;
  f.possessive = true;
  f.end_before_newline = true;
  f.named_group_prefix = "(?<";
  f.braced_hex_escape = true;
  return f;
}

std::string CompareCidrPrefix(const ir::Value& v, const std::string& field,
                              const QuoteStyle& quote) {
  size_t slash = v.text.find('/');
  std::string network = v.text.substr(0, slash);
  std::string bits = slash == std::string::npos ? "32" : v.text.substr(slash + 1);
  return text::Cat({"compareCIDRPrefix(", QuoteString(network, quote), ", ", field, ", ",
                    QuoteString(bits, quote), ")"});
}

std::string CompactDuration(long long seconds) {
  if (seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

std::string RenderBounds(const std::string& subject, const std::vector<ir::Bound>& bounds,
                         std::string_view and_op, std::string_view eq) {
  std::string out;
  for (const auto& bound : bounds) {
    std::string_view op = bound.op == ir::CompareOp::kEq ? eq : ir::CompareOpSymbol(bound.op);
    if (!out.empty()) out += and_op;
    out += subject + " " + std::string(op) + " " + bound.value;
  }
  return out;
}

std::string RenderMeasureTest(const ir::CorrelationTest& t, const BoolSyntax& syntax,
                              const std::function<std::string(const std::string&)>& name) {
  using Kind = ir::CorrelationTest::Kind;
  switch (t.kind) {
    case Kind::kRule:
      // A bare reference (the extended temporal condition) is its own test.
      return name(t.name);
    case Kind::kCompare:
      return name(t.name) + " " + std::string(ir::CompareOpSymbol(t.op)) + " " +
             (t.value_is_measure ? name(t.value) : t.value);
    case Kind::kNot:
      return syntax.not_open + RenderMeasureTest(t.children[0], syntax, name) + syntax.not_close;
    default: {
      std::string out;
      for (size_t i = 0; i < t.children.size(); ++i) {
        const auto& child = t.children[i];
        // `a and b and c` needs no parentheses; a mix of and and or keeps them.
        bool wrap = (child.kind == Kind::kAnd || child.kind == Kind::kOr) && child.kind != t.kind;
        std::string text = RenderMeasureTest(child, syntax, name);
        if (i > 0) out += t.kind == Kind::kAnd ? syntax.and_op : syntax.or_op;
        out += wrap ? "(" + text + ")" : text;
      }
      return out;
    }
  }
}

bool IsNumberText(const std::string& text) {
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return !text.empty() && end == text.c_str() + text.size();
}

bool TestsWholeList(const ir::Predicate& p, const ListLookups* lookups) {
  if (lookups == nullptr || p.list.empty() || p.all_of || p.IsKeyword() ||
      p.part != ir::TimePart::kNone) {
    return false;
  }
  auto list = lookups->lists->find(p.list);
  return list != lookups->lists->end() && list->second.size() == p.values.size();
}

std::vector<const ir::Expr*> Conjuncts(const ir::Expr& expr) {
  if (expr.kind != ir::Expr::Kind::kAnd) return {&expr};
  std::vector<const ir::Expr*> out;
  for (const auto& child : expr.children) out.push_back(&child);
  return out;
}

std::string LookbackComment(const CorrelationContext& ctx, std::string_view comment,
                            std::string_view where) {
  return text::Cat({comment, " time range: the last ",
                    CompactDuration(ctx.spec.window.span_seconds), " (set it on the ", where,
                    ")\n"});
}

bool SourcesShareFields(const CorrelationContext& ctx) {
  for (const auto& source : ctx.sources) {
    if (source.group_fields != ctx.sources[0].group_fields ||
        source.value_field != ctx.sources[0].value_field) {
      return false;
    }
  }
  return true;
}

bool HasThresholds(const CorrelationContext& ctx) {
  for (const auto& source : ctx.sources) {
    if (source.min_count > 1) return true;
  }
  return false;
}

bool AsksForEveryRule(const CorrelationContext& ctx) {
  const auto& condition = ctx.spec.condition;
  return condition.size() == 1 && condition[0].op == ir::CompareOp::kGte &&
         condition[0].value == std::to_string(ctx.sources.size());
}

bool NeedsRuleCounts(const CorrelationContext& ctx) {
  return HasThresholds(ctx) || ctx.spec.rule_condition.has_value();
}

std::string RenderRuleTest(const CorrelationContext& ctx, const BoolSyntax& syntax,
                           const std::function<std::string(size_t, long long)>& leaf) {
  auto index_of = [&](const std::string& label) {
    for (size_t i = 0; i < ctx.sources.size(); ++i) {
      if (ctx.sources[i].label == label) return i;
    }
    return size_t{0};  // the parser checked that every name is one of the rules
  };
  if (ctx.spec.rule_condition) {
    return RenderMeasureTest(*ctx.spec.rule_condition, syntax, [&](const std::string& label) {
      size_t i = index_of(label);
      return leaf(i, ctx.sources[i].min_count);
    });
  }
  if (!AsksForEveryRule(ctx)) {
    ctx.Unsupported("a chained temporal condition other than all rules");
    return "";
  }
  std::string out;
  for (size_t i = 0; i < ctx.sources.size(); ++i) {
    out += (i ? syntax.and_op : "") + leaf(i, ctx.sources[i].min_count);
  }
  return out;
}

bool AllNameChars(std::string_view text, std::string_view also) {
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' &&
        also.find(c) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

bool IsPlainName(std::string_view name, std::string_view also) {
  return !name.empty() && !std::isdigit(static_cast<unsigned char>(name[0])) &&
         AllNameChars(name, also);
}

std::string SnakeCase(std::string_view text) {
  std::string out;
  for (char raw : text) {
    const auto c = static_cast<unsigned char>(raw);
    if (std::isalnum(c)) {
      out += static_cast<char>(std::tolower(c));
    } else if (!out.empty() && out.back() != '_') {
      out += '_';
    }
  }
  while (!out.empty() && out.back() == '_') out.pop_back();
  return out;
}

std::string RefractName(std::string_view name) {
  std::string out = "refract_";
  for (char c : name) out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return out;
}

std::string ColumnLiteral(const std::string& text, const QuoteStyle& quote) {
  return IsNumberText(text) ? text : QuoteString(text, quote);
}

std::string ColumnValue(const ir::Column& column, const ColumnSyntax& syntax,
                        const std::function<std::string(const ir::CorrelationTest&)>& test,
                        const std::function<std::string(const std::string&)>& literal,
                        const std::string& name) {
  if (column.cases.empty()) return literal(column.constant);
  std::string out(syntax.open);
  std::string close;
  for (const auto& [when, then] : column.cases) {
    out += fmt::format(fmt::runtime(syntax.each_case), fmt::arg("test", test(when)),
                       fmt::arg("value", literal(then)), fmt::arg("name", name));
    close += syntax.close_each;
  }
  return out +
         fmt::format(fmt::runtime(syntax.otherwise), fmt::arg("value", literal(column.otherwise)),
                     fmt::arg("name", name)) +
         close;
}

std::string EachSource(const CorrelationContext& ctx, std::string_view format,
                       std::string_view separator, SourceSet which,
                       const std::vector<std::string>& texts) {
  std::string out;
  for (size_t i = 0; i < ctx.sources.size(); ++i) {
    if (which == SourceSet::kCounted && ctx.sources[i].min_count <= 1) continue;
    if (!out.empty()) out += separator;
    out += fmt::format(fmt::runtime(format), fmt::arg("n", i + 1),
                       fmt::arg("min", ctx.sources[i].min_count),
                       fmt::arg("text", i < texts.size() ? texts[i] : std::string()));
  }
  return out;
}

std::string SourceLabels(const CorrelationContext& ctx, size_t i, const LabelSyntax& syntax) {
  const auto& source = ctx.sources[i];
  auto assign = [&](const std::string& name, const std::string& value) {
    return fmt::format(fmt::runtime(syntax.assign), fmt::arg("name", name),
                       fmt::arg("value", value));
  };
  std::string out = assign("refract_rule", syntax.label(source.label));
  for (size_t g = 0; g < ctx.spec.group_by.size(); ++g) {
    out += std::string(syntax.separator) +
           assign(syntax.name(ctx.spec.group_by[g]), syntax.group_field(source.group_fields[g]));
  }
  if (!source.value_field.empty()) {
    out += std::string(syntax.separator) +
           assign("refract_value", syntax.value_field(source.value_field));
  }
  return out;
}

bool CountsIf(const CorrelationContext& ctx, size_t i) {
  return ctx.spec.measures[i].kind == ir::MeasureKind::kCount && ctx.MeasureFilter(i) != nullptr;
}

std::optional<std::string> ConditionalTimeFallback(const CorrelationContext& ctx, size_t i,
                                                   bool milliseconds, std::string_view target_if) {
  const auto& m = ctx.spec.measures[i];
  const std::string kind(ir::MeasureKindName(m.kind));
  if (m.kind == ir::MeasureKind::kDistinct) {
    ctx.Unsupported(
        fmt::format("a distinct count of {} over some events ({} needs an else "
                    "value, which the count would count)",
                    m.written_field, target_if));
    return std::nullopt;
  }
  if (m.field != ctx.mapping.Option("time_field", "")) {
    ctx.Unsupported(
        fmt::format("a conditional {} of {} ({} needs an else value, and only the "
                    "event time has one that never wins)",
                    kind, m.written_field, target_if));
    return std::nullopt;
  }
  const bool min = m.kind == ir::MeasureKind::kMin;
  std::string value = min ? (milliseconds ? "253402300799999" : "253402300799") : "0";
  ctx.Approximates(
      fmt::format("{} reads {} where no event matches its selection ({} needs an "
                  "else value), not an empty value",
                  m.name, min ? "9999-12-31T23:59:59Z" : "1970-01-01T00:00:00Z", target_if));
  return value;
}

std::string SpellPairMeasure(const PairMeasureSyntax& syntax, ir::MeasureKind kind,
                             const PairMeasureText& t) {
  auto distance = [&] {
    return fmt::format(fmt::runtime(syntax.distance_km), fmt::arg("lat", t.lat),
                       fmt::arg("lon", t.lon), fmt::arg("lat0", t.lat0), fmt::arg("lon0", t.lon0),
                       fmt::arg("radius", fmt::format("{}", ir::kEarthRadiusKm)));
  };
  auto hours = [&] {
    return fmt::format(fmt::runtime(syntax.hours), fmt::arg("time", t.time),
                       fmt::arg("time0", t.time0));
  };
  switch (kind) {
    case ir::MeasureKind::kDistanceKm:
      return distance();
    case ir::MeasureKind::kSpeedKmh:
      return fmt::format(fmt::runtime(syntax.speed_kmh), fmt::arg("distance", distance()),
                         fmt::arg("hours", hours()), fmt::arg("min_hours", "1.0 / 60"));
    case ir::MeasureKind::kHours:
      return hours();
    case ir::MeasureKind::kChanged:
      return fmt::format(fmt::runtime(syntax.changed), fmt::arg("value", t.value),
                         fmt::arg("value0", t.value0));
    default:
      return t.value0;  // previous
  }
}

std::string SpellMeasure(const MeasureSpelling& spelling, const MeasureText& m) {
  std::string fn(ir::MeasureKindName(m.kind));
  std::string upper = fn;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  std::string_view format = spelling.other;
  if (m.kind == ir::MeasureKind::kCount) format = m.counts_if ? spelling.count_if : spelling.count;
  if (m.kind == ir::MeasureKind::kDistinct) format = spelling.distinct;
  if (m.kind == ir::MeasureKind::kValues) {
    format = m.limit.empty() ? spelling.values : spelling.values_limit;
  }
  return fmt::format(fmt::runtime(format), fmt::arg("field", m.field), fmt::arg("name", m.name),
                     fmt::arg("flag", m.flag), fmt::arg("limit", m.limit), fmt::arg("fn", fn),
                     fmt::arg("FN", upper));
}

std::optional<ir::MeasureKind> CorrelationMeasure(ir::CorrelationKind kind) {
  switch (kind) {
    case ir::CorrelationKind::kEventCount:
      return ir::MeasureKind::kCount;
    case ir::CorrelationKind::kValueCount:
      return ir::MeasureKind::kDistinct;
    case ir::CorrelationKind::kValueSum:
      return ir::MeasureKind::kSum;
    case ir::CorrelationKind::kValueAvg:
      return ir::MeasureKind::kAvg;
    default:
      return std::nullopt;
  }
}

std::string UnionColumns(const ir::Correlation& spec, const UnionColumnSyntax& syntax) {
  if (spec.composed_in.empty()) return "";
  std::string out;
  std::vector<std::string> kept;
  for (const auto& [name, from] : spec.project) {
    bool present = spec.HasColumn(from);
    if (present && name != from) {
      out += fmt::format(fmt::runtime(syntax.assign), fmt::arg("name", syntax.name(name)),
                         fmt::arg("value", syntax.name(from)));
    } else if (!present && !syntax.missing.empty()) {
      out += fmt::format(fmt::runtime(syntax.assign), fmt::arg("name", syntax.name(name)),
                         fmt::arg("value", syntax.missing));
    } else if (!present) {
      continue;
    }
    kept.push_back(syntax.name(name));
  }
  if (!kept.empty()) {
    out += fmt::format(fmt::runtime(syntax.keep), fmt::arg("columns", JoinText(kept, ", ")));
  }
  if (!spec.sort.empty() && !syntax.sort.empty()) {
    std::vector<std::string> keys;
    for (const auto& [name, descending] : spec.sort) {
      keys.push_back(fmt::format(fmt::runtime(descending ? syntax.descending : syntax.ascending),
                                 fmt::arg("name", syntax.name(name))));
    }
    out += fmt::format(fmt::runtime(syntax.sort), fmt::arg("keys", JoinText(keys, ", ")));
  }
  return out;
}

}  // namespace refract
