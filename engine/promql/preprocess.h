// Preparing a syntax tree for one query, as Prometheus's PreprocessExpr does: the copy that is
// evaluated has start()/end()/range()/step() folded into numbers, every duration expression
// (`[5m*2]`, `offset step()`) resolved, `@ start()`/`@ end()` turned into timestamps, and the
// largest step-invariant subtrees wrapped in StepInvariantExpr so they are computed once.
#pragma once

#include "engine/promql/ast.h"
#include "storage/base/result.h"

namespace tocsin::promql {

// `step` is 0 for an instant query. Fails on invalid durations, e.g. "3:7: duration must be
// greater than 0" (byte offsets of the duration expression).
Result<ExprPtr> PreprocessExpr(const Expr& expr, TimestampMs start, TimestampMs end,
                               DurationMs step);

}  // namespace tocsin::promql
