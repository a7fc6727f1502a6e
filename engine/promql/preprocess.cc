#include "engine/promql/preprocess.h"

#include <string>
#include <utility>

#include "engine/promql/duration_expr.h"
#include "engine/promql/evaluator.h"
#include "engine/promql/function_impl.h"

namespace tocsin::promql {

namespace {

struct QueryTimes {
  TimestampMs start;
  TimestampMs end;
  DurationMs step;
};

TimestampMs ResolveAt(AtModifier at, TimestampMs ts, const QueryTimes& q) {
  switch (at) {
    case AtModifier::kStart:
      return q.start;
    case AtModifier::kEnd:
      return q.end;
    default:
      return ts;
  }
}

// start(), end(), range() and step() are constants of the query: numbers from here on.
void FoldQueryFunctions(ExprPtr& slot, const QueryTimes& q) {
  Expr& e = *slot;
  switch (e.kind) {
    case ExprKind::kCall: {
      auto& call = static_cast<Call&>(e);
      const std::string& name = call.func->name;
      double value = 0;
      bool fold = true;
      if (name == "start") {
        value = static_cast<double>(q.start) / 1000;
      } else if (name == "end") {
        value = static_cast<double>(q.end) / 1000;
      } else if (name == "range") {
        value = static_cast<double>(q.end - q.start) / 1000;
      } else if (name == "step") {
        value = q.start == q.end ? 0 : static_cast<double>(q.step) / 1000;
      } else {
        fold = false;
      }
      if (fold) {
        auto n = std::make_unique<NumberLiteral>();
        n->value = value;
        n->pos = call.pos;
        slot = std::move(n);
        return;
      }
      for (auto& a : call.args) FoldQueryFunctions(a, q);
      return;
    }
    case ExprKind::kBinary: {
      auto& b = static_cast<BinaryExpr&>(e);
      FoldQueryFunctions(b.lhs, q);
      FoldQueryFunctions(b.rhs, q);
      return;
    }
    case ExprKind::kAggregate: {
      auto& a = static_cast<AggregateExpr&>(e);
      FoldQueryFunctions(a.expr, q);
      if (a.param) FoldQueryFunctions(a.param, q);
      return;
    }
    case ExprKind::kUnary:
      FoldQueryFunctions(static_cast<UnaryExpr&>(e).expr, q);
      return;
    case ExprKind::kParen:
      FoldQueryFunctions(static_cast<ParenExpr&>(e).expr, q);
      return;
    case ExprKind::kSubquery:
      FoldQueryFunctions(static_cast<SubqueryExpr&>(e).expr, q);
      return;
    default:
      return;
  }
}

ExprPtr WrapStepInvariant(ExprPtr e) {
  auto w = std::make_unique<StepInvariantExpr>();
  w->pos = e->pos;
  w->expr = std::move(e);
  return w;
}

// Sets the timestamps of `@ start()`/`@ end()` below `e` (used where Prometheus does not look
// for step invariance, so that those modifiers still take effect).
void ResolveAtModifiers(Expr& e, const QueryTimes& q);

struct Invariance {
  bool invariant;
  bool wrap;  // worth wrapping (not for selectors of ranges and literals)
};

// Prometheus's preprocessExprHelper: wraps the highest step-invariant subtrees.
Invariance MarkStepInvariant(ExprPtr& slot, const QueryTimes& q) {
  Expr& e = *slot;
  switch (e.kind) {
    case ExprKind::kVectorSelector: {
      auto& vs = static_cast<VectorSelector&>(e);
      vs.at_timestamp = ResolveAt(vs.at, vs.at_timestamp, q);
      const bool at = vs.at != AtModifier::kNone;
      return {at, at};
    }
    case ExprKind::kAggregate: {
      auto& a = static_cast<AggregateExpr&>(e);
      if (a.param) ResolveAtModifiers(*a.param, q);
      return MarkStepInvariant(a.expr, q);
    }
    case ExprKind::kBinary: {
      auto& b = static_cast<BinaryExpr&>(e);
      const Invariance l = MarkStepInvariant(b.lhs, q);
      const Invariance r = MarkStepInvariant(b.rhs, q);
      if (l.invariant && r.invariant) return {true, true};
      if (l.wrap) b.lhs = WrapStepInvariant(std::move(b.lhs));
      if (r.wrap) b.rhs = WrapStepInvariant(std::move(b.rhs));
      return {false, false};
    }
    case ExprKind::kCall: {
      auto& call = static_cast<Call&>(e);
      bool invariant = !IsAtModifierUnsafe(call.func->name);
      // timestamp(selector @ t) is invariant even though timestamp() in general is not.
      bool timestamp_of_invariant_selector = call.func->name == "timestamp";
      std::vector<bool> wrap(call.args.size());
      for (size_t i = 0; i < call.args.size(); ++i) {
        ExprPtr* arg = &call.args[i];
        while ((*arg)->kind == ExprKind::kParen) arg = &static_cast<ParenExpr&>(**arg).expr;
        const Invariance inv = MarkStepInvariant(*arg, q);
        wrap[i] = inv.wrap;
        invariant = invariant && inv.invariant;
        if (!inv.invariant || (*arg)->kind != ExprKind::kVectorSelector) {
          timestamp_of_invariant_selector = false;
        }
      }
      if (invariant || timestamp_of_invariant_selector) return {true, true};
      for (size_t i = 0; i < call.args.size(); ++i) {
        if (!wrap[i]) continue;
        ExprPtr* arg = &call.args[i];
        while ((*arg)->kind == ExprKind::kParen) arg = &static_cast<ParenExpr&>(**arg).expr;
        *arg = WrapStepInvariant(std::move(*arg));
      }
      return {false, false};
    }
    case ExprKind::kMatrixSelector: {
      auto& ms = static_cast<MatrixSelector&>(e);
      return {MarkStepInvariant(ms.vector_selector, q).invariant, false};
    }
    case ExprKind::kSubquery: {
      auto& sq = static_cast<SubqueryExpr&>(e);
      // The inside is wrapped when invariant, whatever the subquery's own @, so that it is
      // evaluated once relative to the subquery's start.
      if (MarkStepInvariant(sq.expr, q).invariant) sq.expr = WrapStepInvariant(std::move(sq.expr));
      sq.at_timestamp = ResolveAt(sq.at, sq.at_timestamp, q);
      return {sq.at != AtModifier::kNone, false};
    }
    case ExprKind::kParen:
      return MarkStepInvariant(static_cast<ParenExpr&>(e).expr, q);
    case ExprKind::kUnary:
      return MarkStepInvariant(static_cast<UnaryExpr&>(e).expr, q);
    case ExprKind::kStringLiteral:
    case ExprKind::kNumberLiteral:
      return {true, false};
    default:
      return {false, false};
  }
}

void ResolveAtModifiers(Expr& e, const QueryTimes& q) {
  switch (e.kind) {
    case ExprKind::kVectorSelector: {
      auto& vs = static_cast<VectorSelector&>(e);
      vs.at_timestamp = ResolveAt(vs.at, vs.at_timestamp, q);
      return;
    }
    case ExprKind::kMatrixSelector:
      ResolveAtModifiers(*static_cast<MatrixSelector&>(e).vector_selector, q);
      return;
    case ExprKind::kSubquery: {
      auto& sq = static_cast<SubqueryExpr&>(e);
      sq.at_timestamp = ResolveAt(sq.at, sq.at_timestamp, q);
      ResolveAtModifiers(*sq.expr, q);
      return;
    }
    case ExprKind::kBinary: {
      auto& b = static_cast<BinaryExpr&>(e);
      ResolveAtModifiers(*b.lhs, q);
      ResolveAtModifiers(*b.rhs, q);
      return;
    }
    case ExprKind::kAggregate: {
      auto& a = static_cast<AggregateExpr&>(e);
      ResolveAtModifiers(*a.expr, q);
      if (a.param) ResolveAtModifiers(*a.param, q);
      return;
    }
    case ExprKind::kCall:
      for (auto& a : static_cast<Call&>(e).args) ResolveAtModifiers(*a, q);
      return;
    case ExprKind::kUnary:
      ResolveAtModifiers(*static_cast<UnaryExpr&>(e).expr, q);
      return;
    case ExprKind::kParen:
      ResolveAtModifiers(*static_cast<ParenExpr&>(e).expr, q);
      return;
    case ExprKind::kStepInvariant:
      ResolveAtModifiers(*static_cast<StepInvariantExpr&>(e).expr, q);
      return;
    default:
      return;
  }
}

}  // namespace

Result<ExprPtr> PreprocessExpr(const Expr& expr, TimestampMs start, TimestampMs end,
                               DurationMs step) {
  const QueryTimes q{start, end, step};
  ExprPtr root = expr.Clone();
  FoldQueryFunctions(root, q);
  if (Status s = ResolveDurations(*root, step, end - start); !s.ok()) return Error{s.message()};
  if (MarkStepInvariant(root, q).wrap) root = WrapStepInvariant(std::move(root));
  return root;
}

}  // namespace tocsin::promql
