#include "compiler/passes/simplify.h"

#include <algorithm>
#include <string>
#include <unordered_set>

namespace refract::passes {
namespace {

using ir::Expr;
using ir::Op;
using ir::Predicate;

// Up to this many items, duplicates are found by comparing them pairwise: cheaper than hashing
// keys built for each.
constexpr size_t kLinearSearchLimit = 16;

// Ops whose several values read naturally as a list on every target.
bool Mergeable(const Predicate& p) {
  switch (p.op) {
    case Op::kEq:
    case Op::kContains:
    case Op::kStartsWith:
    case Op::kEndsWith:
    case Op::kWildcard:
    case Op::kCidr:
    case Op::kRegex:
      return true;
    default:
      return false;
  }
}

// A string that two values share exactly when they are equal (Value::operator==), so long
// value lists are deduplicated through a hash set instead of pairwise comparisons.
std::string ValueKey(const ir::Value& v) {
  std::string key(1, static_cast<char>('0' + static_cast<int>(v.kind)));
  key += v.text;
  key += '\0';
  for (const auto& piece : v.pattern.pieces) {
    key += static_cast<char>('a' + static_cast<int>(piece.kind));
    key += piece.text;
    key += '\0';
  }
  if (v.kind == ir::Value::Kind::kRegex) {
    key += v.regex->source;
    key += v.regex->ignore_case ? 'i' : '-';
    key += v.regex->multiline ? 'm' : '-';
    key += v.regex->dot_all ? 's' : '-';
  }
  return key;
}

// A string two predicates share exactly when they are equal (Expr::operator== on predicates).
std::string PredicateKey(const Predicate& p) {
  std::string key = p.field;
  key += '\0';
  key += static_cast<char>('0' + static_cast<int>(p.op));
  key += static_cast<char>('0' + static_cast<int>(p.part));
  key += p.cased ? 'c' : '-';
  key += p.all_of ? 'a' : '-';
  for (const auto& v : p.values) {
    key += ValueKey(v);
    key += '\1';
  }
  return key;
}

// PredicateKey(a) == PredicateKey(b), without building the keys.
bool SameKey(const Predicate& a, const Predicate& b) {
  return a.field == b.field && a.op == b.op && a.part == b.part && a.cased == b.cased &&
         a.all_of == b.all_of && a.values == b.values;
}

// Merges predicate operands that differ only in their values.
void MergePredicates(Expr& e) {
  bool all_of = e.kind == Expr::Kind::kAnd;
  std::vector<Expr> out;
  std::vector<std::unordered_set<std::string>> seen;  // per `out` entry: its values' keys
  for (auto& child : e.children) {
    if (child.kind == Expr::Kind::kPredicate && Mergeable(child.predicate) &&
        (child.predicate.values.size() == 1 || child.predicate.all_of == all_of)) {
      auto target = std::find_if(out.begin(), out.end(), [&](const Expr& existing) {
        return existing.kind == Expr::Kind::kPredicate &&
               existing.predicate.SameShape(child.predicate) &&
               (existing.predicate.values.size() == 1 || existing.predicate.all_of == all_of);
      });
      if (target != out.end()) {
        auto& values = target->predicate.values;
        auto& keys = seen[static_cast<size_t>(target - out.begin())];
        for (auto& v : child.predicate.values) {
          if (values.size() + child.predicate.values.size() <= kLinearSearchLimit) {
            // Short lists: comparing values costs less than building their keys.
            if (std::find(values.begin(), values.end(), v) == values.end()) {
              values.push_back(std::move(v));
            }
            continue;
          }
          if (keys.empty()) {
            for (const auto& existing : values) keys.insert(ValueKey(existing));
          }
          if (keys.insert(ValueKey(v)).second) values.push_back(std::move(v));
        }
        target->predicate.all_of = all_of && values.size() > 1;
        continue;
      }
    }
    out.push_back(std::move(child));
    seen.emplace_back();
  }
  e.children = std::move(out);
}

// With `simplified_operands`, the operands are taken as they are (Simplify would give them
// back unchanged).
Expr SimplifyJunction(Expr e, bool simplified_operands = false) {
  const bool is_and = e.kind == Expr::Kind::kAnd;
  const Expr::Kind absorbing = is_and ? Expr::Kind::kFalse : Expr::Kind::kTrue;
  const Expr::Kind neutral = is_and ? Expr::Kind::kTrue : Expr::Kind::kFalse;
  std::vector<Expr> flat;
  flat.reserve(e.children.size());
  for (auto& child : e.children) {
    Expr s = simplified_operands ? std::move(child) : Simplify(std::move(child));
    if (s.kind == absorbing) return Expr::Bool(!is_and);
    if (s.kind == neutral) continue;
    if (s.kind == e.kind) {
      for (auto& grandchild : s.children) flat.push_back(std::move(grandchild));
    } else {
      flat.push_back(std::move(s));
    }
  }
  // Duplicates go; in a long junction predicates are compared through a key (a hash set), the
  // rest pairwise.
  std::vector<Expr> unique;
  unique.reserve(flat.size());
  const bool linear = flat.size() <= kLinearSearchLimit;
  std::unordered_set<std::string> predicate_keys;
  for (auto& child : flat) {
    if (child.kind == Expr::Kind::kPredicate && !linear) {
      if (predicate_keys.insert(PredicateKey(child.predicate)).second) {
        unique.push_back(std::move(child));
      }
      continue;
    }
    if (child.kind == Expr::Kind::kPredicate) {
      auto same = [&](const Expr& u) {
        return u.kind == Expr::Kind::kPredicate && SameKey(u.predicate, child.predicate);
      };
      if (std::none_of(unique.begin(), unique.end(), same)) unique.push_back(std::move(child));
      continue;
    }
    if (std::find(unique.begin(), unique.end(), child) == unique.end()) {
      unique.push_back(std::move(child));
    }
  }
  e.children = std::move(unique);
  MergePredicates(e);
  if (e.children.empty()) return Expr::Bool(is_and);
  if (e.children.size() == 1) return std::move(e.children[0]);
  return e;
}

}  // namespace

Expr Simplify(Expr e) {
  switch (e.kind) {
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr:
      return SimplifyJunction(std::move(e));
    case Expr::Kind::kNot: {
      Expr child = Simplify(std::move(e.children[0]));
      if (child.kind == Expr::Kind::kNot) return std::move(child.children[0]);
      if (child.kind == Expr::Kind::kTrue || child.kind == Expr::Kind::kFalse) {
        return Expr::Bool(child.kind == Expr::Kind::kFalse);
      }
      return Expr::Not(std::move(child));
    }
    default:
      return e;
  }
}

Expr SimplifyTop(Expr e) {
  if (e.kind == Expr::Kind::kAnd || e.kind == Expr::Kind::kOr) {
    return SimplifyJunction(std::move(e), true);
  }
  return Simplify(std::move(e));
}

void Simplify(ir::Correlation& correlation) {
  for (auto& source : correlation.sources) {
    if (source.rule) source.rule->condition = Simplify(std::move(source.rule->condition));
  }
  // Mapping ANDs a log source's own filter into a count-if: redundant inside it, whose rows
  // already passed it, and harmless.
  for (auto& m : correlation.measures) {
    if (m.where) m.where->condition = Simplify(std::move(m.where->condition));
  }
}

}  // namespace refract::passes
