#include "engine/promql/promqltest/step_invariance.h"

#include <gtest/gtest.h>

#include "engine/promql/parser.h"
#include "engine/promql/promqltest/script.h"

namespace tocsin::promql::promqltest {
namespace {

ExprPtr Parse(std::string_view s) {
  auto e = ParseExpr(s, TestParserOptions());
  EXPECT_TRUE(e.ok()) << e.message();
  return e.ok() ? std::move(e).value() : nullptr;
}

// Collects every vector selector's and subquery's @ state, outermost first.
void CollectAt(const Expr& e, std::vector<std::pair<AtModifier, TimestampMs>>& out) {
  switch (e.kind) {
    case ExprKind::kVectorSelector: {
      const auto& vs = static_cast<const VectorSelector&>(e);
      out.emplace_back(vs.at, vs.at_timestamp);
      return;
    }
    case ExprKind::kMatrixSelector:
      return CollectAt(*static_cast<const MatrixSelector&>(e).vector_selector, out);
    case ExprKind::kSubquery: {
      const auto& sq = static_cast<const SubqueryExpr&>(e);
      out.emplace_back(sq.at, sq.at_timestamp);
      return CollectAt(*sq.expr, out);
    }
    case ExprKind::kParen:
      return CollectAt(*static_cast<const ParenExpr&>(e).expr, out);
    case ExprKind::kBinary:
      CollectAt(*static_cast<const BinaryExpr&>(e).lhs, out);
      return CollectAt(*static_cast<const BinaryExpr&>(e).rhs, out);
    case ExprKind::kAggregate:
      return CollectAt(*static_cast<const AggregateExpr&>(e).expr, out);
    case ExprKind::kCall:
      for (const auto& a : static_cast<const Call&>(e).args) CollectAt(*a, out);
      return;
    default:
      return;
  }
}

std::vector<std::pair<AtModifier, TimestampMs>> AtStates(const Expr& e) {
  std::vector<std::pair<AtModifier, TimestampMs>> out;
  CollectAt(e, out);
  return out;
}

using At = std::pair<AtModifier, TimestampMs>;
constexpr AtModifier kTs = AtModifier::kTimestamp;
constexpr AtModifier kNone = AtModifier::kNone;

TEST(StepInvarianceTest, PinsEverySelectorWithoutAFixedTimestamp) {
  ExprPtr e = Parse("rate(a[5m]) + b offset 1m + c @ 50 + d @ start()");
  ExprPtr pinned = PinToTime(*e, 100000);
  ASSERT_NE(pinned, nullptr);
  EXPECT_EQ(AtStates(*pinned),
            (std::vector<At>{{kTs, 100000}, {kTs, 100000}, {kTs, 50000}, {kTs, 100000}}));
  // The original is untouched.
  EXPECT_EQ(AtStates(*e)[0], (At{kNone, 0}));
}

TEST(StepInvarianceTest, SubqueriesArePinnedAndTheirInsidesLeftAlone) {
  ExprPtr e = Parse("max_over_time(rate(a[1m])[5m:1m]) + b");
  ExprPtr pinned = PinToTime(*e, 60000);
  ASSERT_NE(pinned, nullptr);
  EXPECT_EQ(AtStates(*pinned), (std::vector<At>{{kTs, 60000}, {kNone, 0}, {kTs, 60000}}));
}

TEST(StepInvarianceTest, TimeDependentFunctionsDisableThePinnedReRuns) {
  for (const char* q : {"time()", "timestamp(a)", "hour(a)", "day_of_week()",
                        "predict_linear(a[5m], 60)", "a + minute()"}) {
    ExprPtr e = Parse(q);
    ASSERT_NE(e, nullptr) << q;
    EXPECT_EQ(PinToTime(*e, 60000), nullptr) << q;
    EXPECT_TRUE(PinnedQueries(*e, 60000).empty()) << q;
  }
  // Inside a subquery they are evaluated at the subquery's pinned time: still invariant.
  ExprPtr in_subquery = Parse("max_over_time((a + time())[5m:1m])");
  ASSERT_NE(in_subquery, nullptr);
  EXPECT_NE(PinToTime(*in_subquery, 60000), nullptr);
  // step() in a range is a duration, not a call.
  ExprPtr step_range = Parse("count_over_time(a[step()])");
  ASSERT_NE(step_range, nullptr);
  EXPECT_NE(PinToTime(*step_range, 60000), nullptr);
}

TEST(StepInvarianceTest, ReRunTimes) {
  ExprPtr e = Parse("a");
  std::vector<TimestampMs> times;
  for (const auto& q : PinnedQueries(*e, 100000)) times.push_back(q.eval_time);
  EXPECT_EQ(times, (std::vector<TimestampMs>{-1000000, 0, 20000, 100000, 1000000}));
  times.clear();
  for (const auto& q : PinnedQueries(*e, 0)) times.push_back(q.eval_time);
  EXPECT_EQ(times, (std::vector<TimestampMs>{-1000, 0, 1000}));
  // The re-runs use the printed, rewritten expression, which must parse back.
  const auto queries = PinnedQueries(*e, 100000);
  ASSERT_FALSE(queries.empty());
  ExprPtr reparsed = Parse(queries[0].expr);
  ASSERT_NE(reparsed, nullptr);
  EXPECT_EQ(AtStates(*reparsed), (std::vector<At>{{kTs, 100000}}));
}

TEST(StepInvarianceTest, QueryContextFunctions) {
  EXPECT_TRUE(UsesQueryContextFunctions("a[step()]"));
  EXPECT_TRUE(UsesQueryContextFunctions("a @ start()"));
  EXPECT_TRUE(UsesQueryContextFunctions("a offset range()"));
  EXPECT_TRUE(UsesQueryContextFunctions("end()"));
  EXPECT_FALSE(UsesQueryContextFunctions("a[5m] @ 100"));
  EXPECT_FALSE(UsesQueryContextFunctions("stepper(x)"));
}

}  // namespace
}  // namespace tocsin::promql::promqltest
