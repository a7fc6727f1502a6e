// Resolving duration expressions (`[5m*2]`, `offset step()`, `[min_of(range(), 1h):]`) once
// the query's step and range are known, before evaluation, as Prometheus does.
#pragma once

#include "engine/promql/ast.h"
#include "storage/base/result.h"

namespace tocsin::promql {

// The value in seconds of a duration expression tree (NumberLiteral leaves, DurationExpr
// nodes). `step` and `range` are what step() and range() return: the range query's step and
// end - start (both 0 for an instant query).
Result<double> EvaluateDurationExpr(const Expr& expr, DurationMs step, DurationMs range);

// Evaluates every duration expression in the tree and stores the result in its Duration's
// `ms`: ranges and subquery steps must come out greater than zero, offsets may be negative.
// Errors read as Prometheus's: "12:20: duration must be greater than 0" (byte offsets).
Status ResolveDurations(Expr& root, DurationMs step, DurationMs range);

}  // namespace tocsin::promql
