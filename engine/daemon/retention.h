// How much sample history the in-memory store must keep for the loaded rules: the ring buffer is
// sized once, at start, from the longest look-back of any rule expression (ranges, subqueries,
// offsets, the lookback delta of instant selectors) plus the lookback delta as a margin, never
// below kMinRetention. A reload that brings longer ranges is warned about (the store keeps its
// size until a restart).
#pragma once

#include <memory>
#include <vector>

#include "engine/promql/ast.h"
#include "rules/rule_group.h"
#include "storage/base/time.h"

namespace tocsin::daemon {

// The furthest back in time an evaluation of `expr` at t reads: t - LookBack(expr) is the oldest
// sample it may touch.
DurationMs LookBack(const promql::Expr& expr, DurationMs lookback_delta);

// The longest LookBack of any rule of `groups`, with each group's query offset added.
DurationMs LongestRuleLookBack(const std::vector<const rules::RuleGroup*>& groups,
                               DurationMs lookback_delta, DurationMs default_query_offset);

// max(floor, longest + lookback_delta).
DurationMs DerivedRetention(DurationMs longest_look_back, DurationMs lookback_delta,
                            DurationMs floor);

}  // namespace tocsin::daemon
