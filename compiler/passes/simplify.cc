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

void SimplifyAt(Expr& e);

// Removes the operands of `children` for which `drop(operand, kept operands)` holds, keeping
// the order of the rest and moving only those that shift.
template <typename Drop>
void DropOperands(std::vector<Expr>& children, Drop drop) {
  size_t kept = 0;
  for (size_t i = 0; i < children.size(); ++i) {
    if (drop(children[i], children.begin(), children.begin() + static_cast<std::ptrdiff_t>(kept))) {
      continue;
    }
    if (kept != i) children[kept] = std::move(children[i]);
    ++kept;
  }
  children.erase(children.begin() + static_cast<std::ptrdiff_t>(kept), children.end());
}

// Simplifies the junction `e` where it is, moving an operand only when it changes place. With
// `simplified_operands`, the operands are taken as they are (SimplifyAt would leave them
// unchanged).
void SimplifyJunctionAt(Expr& e, bool simplified_operands = false) {
  const bool is_and = e.kind == Expr::Kind::kAnd;
  const Expr::Kind absorbing = is_and ? Expr::Kind::kFalse : Expr::Kind::kTrue;
  const Expr::Kind neutral = is_and ? Expr::Kind::kTrue : Expr::Kind::kFalse;
  bool splice = false;  // a neutral operand to drop, or a junction of the same kind to open
  for (auto& child : e.children) {
    if (!simplified_operands) SimplifyAt(child);
    if (child.kind == absorbing) {
      e = Expr::Bool(!is_and);
      return;
    }
    splice = splice || child.kind == neutral || child.kind == e.kind;
  }
  if (splice) {
    std::vector<Expr> flat;
    flat.reserve(e.children.size());
    for (auto& child : e.children) {
      if (child.kind == neutral) continue;
      if (child.kind == e.kind) {
        for (auto& grandchild : child.children) flat.push_back(std::move(grandchild));
      } else {
        flat.push_back(std::move(child));
      }
    }
    e.children = std::move(flat);
  }
  // Duplicates go; in a long junction predicates are compared through a key (a hash set), the
  // rest pairwise.
  if (e.children.size() > kLinearSearchLimit) {
    std::unordered_set<std::string> predicate_keys;
    DropOperands(e.children, [&](const Expr& child, auto first, auto last) {
      if (child.kind == Expr::Kind::kPredicate) {
        return !predicate_keys.insert(PredicateKey(child.predicate)).second;
      }
      return std::find(first, last, child) != last;
    });
  } else {
    DropOperands(e.children, [](const Expr& child, auto first, auto last) {
      if (child.kind != Expr::Kind::kPredicate) return std::find(first, last, child) != last;
      return std::any_of(first, last, [&](const Expr& u) {
        return u.kind == Expr::Kind::kPredicate && SameKey(u.predicate, child.predicate);
      });
    });
  }
  MergePredicates(e);
  if (e.children.empty()) {
    e = Expr::Bool(is_and);
  } else if (e.children.size() == 1) {
    Expr only = std::move(e.children[0]);
    e = std::move(only);
  }
}

void SimplifyAt(Expr& e) {
  switch (e.kind) {
    case Expr::Kind::kAnd:
    case Expr::Kind::kOr:
      SimplifyJunctionAt(e);
      return;
    case Expr::Kind::kNot: {
      Expr& child = e.children[0];
      SimplifyAt(child);
      if (child.kind == Expr::Kind::kNot) {
        Expr inner = std::move(child.children[0]);
        e = std::move(inner);
      } else if (child.kind == Expr::Kind::kTrue || child.kind == Expr::Kind::kFalse) {
        e = Expr::Bool(child.kind == Expr::Kind::kFalse);
      }
      return;
    }
    default:
      return;
  }
}

}  // namespace

Expr Simplify(Expr e) {
  SimplifyAt(e);
  return e;
}

Expr SimplifyTop(Expr e) {
  if (e.kind == Expr::Kind::kAnd || e.kind == Expr::Kind::kOr) {
    SimplifyJunctionAt(e, true);
  } else {
    SimplifyAt(e);
  }
  return e;
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
