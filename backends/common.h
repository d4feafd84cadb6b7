// Pieces every text backend needs: boolean structure with a target's tokens, and text helpers.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "backends/backend.h"
#include "backends/text_generator.h"
#include "compiler/ir/ir.h"
#include "compiler/text/utf8.h"

namespace refract {

using text::HasNonAsciiCasedLetter;

// Lucene's regexp engine (Elastic EQL `regex`, Lucene query strings): whole-value matches, no
// shorthands, anchors, lazy quantifiers or flags.
// https://www.elastic.co/guide/en/elasticsearch/reference/current/regexp-syntax.html
const ir::RegexFlavor& LuceneRegexFlavor();

// A Sigma wildcard pattern as a whole-value Lucene regexp (`*` → `.*`, `?` → `.`), with
// `leading`/`trailing` `.*` for contains/endswith/startswith shapes; `fold` spells letters as
// [aA] classes.
std::string LucenePatternRegex(const ir::Pattern& pattern, bool leading, bool trailing, bool fold);

// A duration in the largest whole unit: 86400 → "1d", 600 → "10m", 45 → "45s".
std::string CompactDuration(long long seconds);

// A correlation condition over `subject`: `event_count >= 5 AND event_count < 10`; `eq` spells
// equality ("==" or "=").
std::string RenderBounds(const std::string& subject, const std::vector<ir::Bound>& bounds,
                         std::string_view and_op, std::string_view eq);

// A condition over an aggregate's measures with a target's and/or/not tokens; `name` writes a
// measure name as the target refers to it.
std::string RenderMeasureTest(const ir::CorrelationTest& test, const BoolSyntax& syntax,
                              const std::function<std::string(const std::string&)>& name);

// True when `text` is a decimal number (a column value written without quotes).
bool IsNumberText(const std::string& text);

// The top-level conjuncts of `expr` (itself when it is not an `and`).
std::vector<const ir::Expr*> Conjuncts(const ir::Expr& expr);

// True when a source of `ctx` needs more than one event (a folded chained event_count).
bool HasThresholds(const CorrelationContext& ctx);

// True when a temporal correlation's condition asks for every rule (the default `gte: N`).
bool AsksForEveryRule(const CorrelationContext& ctx);

// True when a temporal correlation needs per-rule counts: a folded chained event_count or the
// extended condition over rule names.
bool NeedsRuleCounts(const CorrelationContext& ctx);

// The per-rule test of a temporal correlation with per-rule counts: its extended condition, or
// every rule; `leaf(i, n)` writes "source i has at least n events". Empty, after reporting
// E0500, when a plain condition asks for something other than every rule.
std::string RenderRuleTest(const CorrelationContext& ctx, const BoolSyntax& syntax,
                           const std::function<std::string(size_t, long long)>& leaf);

}  // namespace refract
