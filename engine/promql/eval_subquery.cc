// Subqueries: the inner expression is evaluated by a child evaluator whose steps are aligned
// to absolute multiples of the subquery step, covering the left-open range before each outer
// step (Prometheus 3 semantics).
#include "engine/promql/evaluator.h"

namespace tocsin::promql {

StepMatrix Evaluator::EvalSubquery(const SubqueryExpr& e) {
  const DurationMs offset = EffectiveOffset(e.original_offset.ms, e.at, e.at_timestamp);
  const DurationMs range = e.range.ms;
  DurationMs step = e.step.ms != 0 ? e.step.ms : options().default_subquery_step;
  if (step <= 0) Fail("subquery step must be positive");

  // The outer loop stops at its last aligned step; so does the subquery.
  const TimestampMs parent_end =
      interval_ > 0 ? start_ + ((end_ - start_) / interval_) * interval_ : end_;
  const TimestampMs end = parent_end - offset;
  // The first multiple of the step strictly after the range start (the range is left-open).
  const TimestampMs range_start = start_ - offset - range;
  TimestampMs start = step * (range_start / step);
  if (start <= range_start) start += step;

  Evaluator child(context(), start, end, step);
  return child.EvalSteps(*e.expr);
}

}  // namespace tocsin::promql
