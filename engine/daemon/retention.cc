#include "engine/daemon/retention.h"

#include <algorithm>

namespace tocsin::daemon {
namespace {

using promql::ExprKind;

// Offsets only move the window back; a negative offset reads newer data, never older.
// `offset` is filled in by the evaluator's pre-processing; a parsed tree has only the written one.
DurationMs BackwardOffset(DurationMs offset, const promql::Duration& written) {
  return std::max<DurationMs>({offset, written.ms, 0});
}

// The look-back of `e` itself, with `outer` (what enclosing subqueries add) included.
DurationMs Walk(const promql::Expr& e, DurationMs outer, DurationMs lookback_delta) {
  switch (e.kind) {
    case ExprKind::kVectorSelector: {
      const auto& s = promql::As<promql::VectorSelector>(e);
      // @ pins the selector to a fixed time; its distance from now is unknown, so only what
      // the window itself spans counts.
      const DurationMs base = s.at == promql::AtModifier::kNone ? outer : 0;
      return base + BackwardOffset(s.offset, s.original_offset) + lookback_delta;
    }
    case ExprKind::kMatrixSelector: {
      const auto& m = promql::As<promql::MatrixSelector>(e);
      const auto& s = m.selector();
      const DurationMs base = s.at == promql::AtModifier::kNone ? outer : 0;
      return base + BackwardOffset(s.offset, s.original_offset) + m.range.ms;
    }
    case ExprKind::kSubquery: {
      const auto& q = promql::As<promql::SubqueryExpr>(e);
      const DurationMs base = q.at == promql::AtModifier::kNone ? outer : 0;
      return Walk(*q.expr, base + BackwardOffset(q.offset, q.original_offset) + q.range.ms,
                  lookback_delta);
    }
    default: {
      DurationMs longest = 0;
      for (const promql::Expr* child : promql::Children(e)) {
        longest = std::max(longest, Walk(*child, outer, lookback_delta));
      }
      return longest;
    }
  }
}

}  // namespace

DurationMs LookBack(const promql::Expr& expr, DurationMs lookback_delta) {
  return Walk(expr, 0, lookback_delta);
}

DurationMs LongestRuleLookBack(const std::vector<const rules::RuleGroup*>& groups,
                               DurationMs lookback_delta, DurationMs default_query_offset) {
  DurationMs longest = 0;
  for (const rules::RuleGroup* g : groups) {
    const DurationMs offset = g->query_offset().value_or(default_query_offset);
    for (const auto& rule : g->rules()) {
      longest = std::max(longest, offset + LookBack(rule->expr(), lookback_delta));
    }
  }
  return longest;
}

DurationMs DerivedRetention(DurationMs longest_look_back, DurationMs lookback_delta,
                            DurationMs floor) {
  return std::max(floor, longest_look_back + lookback_delta);
}

}  // namespace tocsin::daemon
