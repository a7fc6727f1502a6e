#include "engine/promql/promqltest/step_invariance.h"

#include <re2/re2.h>

#include <array>

#include "engine/promql/parser.h"

namespace tocsin::promql::promqltest {
namespace {

// Functions whose value depends on the evaluation time (or on the timestamps of their input),
// so pinning their arguments with `@` does not make them step invariant. Upstream's
// AtModifierUnsafeFunctions.
bool IsTimeDependentFunction(std::string_view name) {
  static constexpr std::array<std::string_view, 15> kNames = {
      "days_in_month", "day_of_month", "day_of_week", "day_of_year", "end",
      "hour",          "minute",       "month",       "year",        "predict_linear",
      "range",         "start",        "step",        "time",        "timestamp"};
  for (std::string_view n : kNames) {
    if (n == name) return true;
  }
  return false;
}

void Pin(AtModifier& at, TimestampMs& at_timestamp, TimestampMs t) {
  // `@ start()`/`@ end()` count as unpinned: upstream's harness replaces them too.
  if (at != AtModifier::kTimestamp) {
    at = AtModifier::kTimestamp;
    at_timestamp = t;
  }
}

// Returns false when a time-dependent function is found (outside pinned subqueries).
bool PinWalk(Expr& e, TimestampMs t) {
  if (e.kind == ExprKind::kVectorSelector) {
    auto& vs = As<VectorSelector>(e);
    Pin(vs.at, vs.at_timestamp, t);
    return true;
  }
  if (e.kind == ExprKind::kSubquery) {
    // Everything inside is evaluated relative to the subquery's own (now fixed) time.
    auto& sq = As<SubqueryExpr>(e);
    Pin(sq.at, sq.at_timestamp, t);
    return true;
  }
  bool ok = true;
  if (e.kind == ExprKind::kCall) {
    const auto& c = As<Call>(e);
    ok = c.func == nullptr || !IsTimeDependentFunction(c.func->name);
  }
  // step()/range() inside durations are not calls, and durations are not children.
  for (Expr* child : Children(e)) ok = PinWalk(*child, t) && ok;
  return ok;
}

}  // namespace

ExprPtr PinToTime(const Expr& expr, TimestampMs t) {
  ExprPtr copy = expr.Clone();
  if (!PinWalk(*copy, t)) return nullptr;
  return copy;
}

std::vector<PinnedQuery> PinnedQueries(const Expr& expr, TimestampMs t) {
  ExprPtr pinned = PinToTime(expr, t);
  if (!pinned) return {};
  const std::string text = ExprString(*pinned);
  std::vector<TimestampMs> times = {-10 * t, 0, t / 5, t, 10 * t};
  if (t == 0) times = {-1000, 0, 1000};
  std::vector<PinnedQuery> out;
  out.reserve(times.size());
  for (TimestampMs at : times) out.push_back({text, at});
  return out;
}

bool UsesQueryContextFunctions(std::string_view expr_text) {
  static const RE2 re(R"((start|end|range|step)\(\))");
  return RE2::PartialMatch(expr_text, re);
}

}  // namespace tocsin::promql::promqltest
