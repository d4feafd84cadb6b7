// Stage "passes": IR to simpler IR with the same meaning.
#pragma once

#include "compiler/ir/correlation.h"
#include "compiler/ir/ir.h"

namespace refract::passes {

// Flattens nested and/or, folds constants, drops duplicate operands, pushes `not` through
// `not`, and merges same-shaped predicates into one multi-valued predicate (any-of under
// `or`, all-of under `and`) so backends can use list operators like `in`.
ir::Expr Simplify(ir::Expr expr);
// Simplify for an expression whose operands are simplified already (a filter ANDed onto a
// simplified condition): only its top junction is flattened, deduplicated and merged, with the
// result Simplify would give.
ir::Expr SimplifyTop(ir::Expr expr);
// Simplifies the condition of every source rule and count-if selection of `correlation`.
void Simplify(ir::Correlation& correlation);

}  // namespace refract::passes
