// The implicit re-runs upstream's harness adds to every instant eval, which an engine must pass
// to be step invariant:
//  1. `@` pinning: the expression is rewritten with `@ <eval time>` on every outermost selector
//     and subquery that has no fixed `@` timestamp yet (selectors inside a subquery are left to
//     the subquery's own `@`), printed back to text, and evaluated again at other times; the
//     result must not change. Skipped when the expression calls a function whose value depends
//     on the evaluation time itself (time(), timestamp(), hour(), ...).
//  2. Range mode: each query runs again as a range query from t-1m to t+1m step 1m, and the
//     point at t must equal the instant result. Skipped for expressions that call start(),
//     end(), range() or step(), whose values differ between the two modes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/promql/ast.h"
#include "storage/base/time.h"

namespace tocsin::promql::promqltest {

struct PinnedQuery {
  std::string expr;  // the rewritten expression, as text (annotation positions refer to it)
  TimestampMs eval_time = 0;
};

// The `@`-pinned variants of an instant eval of `expr` at `t`: evaluated at -10t, 0, t/5, t and
// 10t (at -1s, 0 and 1s when t is 0). Empty when the expression calls a time-dependent function
// outside a pinned subquery.
std::vector<PinnedQuery> PinnedQueries(const Expr& expr, TimestampMs t);

// `expr` rewritten with `@ t` as described above, or null when it calls a time-dependent
// function (exposed for tests).
ExprPtr PinToTime(const Expr& expr, TimestampMs t);

// True when the text calls start(), end(), range() or step() (also as `@ start()`), which
// resolve differently in a range query.
bool UsesQueryContextFunctions(std::string_view expr_text);

// Range-mode re-run window around an instant eval at t.
inline constexpr DurationMs kRangeModeStep = kMinute;

}  // namespace tocsin::promql::promqltest
