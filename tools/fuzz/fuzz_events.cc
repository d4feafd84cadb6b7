// libFuzzer target: hunt's event reader (JSON lines or one JSON array, split and flattened).
// Built by -DREFRACT_FUZZ=ON; run by tools/fuzz.sh.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/eval/event.h"
#include "compiler/eval/matcher.h"

namespace {

// A lookup through positions kept across events (as hunt's predicates keep them) must find
// what a search finds, whatever layouts the events have.
void CheckCachedLookups(const refract::eval::Event& event,
                        std::map<std::string, refract::eval::FieldPositions>& caches) {
  std::vector<std::string> names = {"a", "b.c"};
  if (!event.fields.empty()) names.push_back(event.fields.front().first);
  if (event.fields.size() > 1) names.push_back(event.fields.back().first);
  for (const std::string& name : names) {
    std::vector<const refract::eval::FieldValue*> searched, cached;
    event.Find(name, searched);
    event.Find(name, cached, caches[name]);
    if (searched != cached) std::abort();
    if (event.FirstNonNull(name) != event.FirstNonNull(name, caches["first " + name])) {
      std::abort();
    }
  }
}

refract::ir::Expr Equals(const std::string& field, const std::string& text) {
  refract::ir::Predicate p;
  p.field = field;
  p.values.push_back(refract::ir::Value::String(
      refract::ir::Pattern{{{refract::ir::Piece::Kind::kLiteral, text}}}));
  return refract::ir::Expr::Pred(p);
}

refract::ir::Expr Exists(const std::string& field, bool wanted) {
  refract::ir::Predicate p;
  p.field = field;
  p.op = refract::ir::Op::kExists;
  p.values.push_back(refract::ir::Value::Bool(wanted));
  return refract::ir::Expr::Pred(p);
}

// Rules sharing nodes, made twice: with one SharedResults (and the required-field check per
// layout) and each alone. Both must agree on every event, as hunt reuses one event.
struct Rules {
  std::vector<std::unique_ptr<refract::eval::Matcher>> shared, alone;
  Rules() {
    using refract::ir::Expr;
    // Fields the seed events have, so mutations keep reaching both outcomes.
    std::vector<Expr> conditions = {
        Equals("ResultType", "0"),
        Expr::And({Equals("ResultType", "0"), Expr::Not(Exists("LocationDetails.city", true))}),
        Expr::Or({Equals("ResultType", "0"), Equals("UserPrincipalName", "a@b.c")}),
        Expr::And({Exists("LocationDetails.city", false), Equals("ResultType", "50126")}),
    };
    auto results = std::make_shared<refract::eval::SharedResults>();
    for (auto& condition : conditions) {
      refract::ir::Rule rule;
      rule.condition = condition;
      std::string error;
      shared.push_back(refract::eval::Matcher::Create(rule, error, results));
      alone.push_back(refract::eval::Matcher::Create(rule, error));
      if (!shared.back() || !alone.back()) std::abort();
    }
  }
  void Check(const refract::eval::Event& event) const {
    // The same event without a layout or a number: searched afresh, nothing cached or shared.
    refract::eval::Event plain = event;
    plain.layout = 0;
    plain.serial = 0;
    for (size_t i = shared.size(); i-- > 0;) {
      const bool held = alone[i]->Matches(plain);
      if (shared[i]->Matches(event) != held || alone[i]->Matches(event) != held) std::abort();
    }
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  refract::eval::EventStream stream(in);
  static refract::eval::EventReader* reader = new refract::eval::EventReader;
  static const Rules* rules = new Rules;
  std::string text;
  std::string error;
  size_t line = 0;
  // One event reused from line to line, as hunt reuses it: its entries and layout carry over.
  refract::eval::Event event;
  std::map<std::string, refract::eval::FieldPositions> caches;
  while (stream.Next(text, line)) {
    if (reader->Parse(text, event, error)) {
      CheckCachedLookups(event, caches);
      rules->Check(event);
    }
  }
  return 0;
}
