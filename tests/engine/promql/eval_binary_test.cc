// Binary operators: arithmetic and name dropping, filtering comparisons and `bool`, vector
// matching with its errors, set operators and fill modifiers.
#include <gtest/gtest.h>

#include "tests/engine/promql/query_helpers.h"

namespace tocsin::promql::testing {
namespace {

TestQuerier Requests() {
  TestQuerier q;
  q.Add("req{job=\"api\", code=\"200\"}", {{0, 10}});
  q.Add("req{job=\"api\", code=\"500\"}", {{0, 2}});
  q.Add("req{job=\"web\", code=\"200\"}", {{0, 5}});
  q.Add("limit{job=\"api\"}", {{0, 8}});
  q.Add("limit{job=\"web\"}", {{0, 8}});
  return q;
}

TEST(EvalBinary, ArithmeticDropsTheName) {
  auto q = Requests();
  EXPECT_EQ(Query(q, "req{code=\"500\"} * 2", 0).value, "{code=\"500\", job=\"api\"} 4\n");
  EXPECT_EQ(Query(q, "2 - req{code=\"500\"}", 0).value, "{code=\"500\", job=\"api\"} 0\n");
  EXPECT_EQ(Query(q, "1 + 2 * 3 ^ 2", 0).value, "19");
}

TEST(EvalBinary, ComparisonsFilterOrReturnBool) {
  auto q = Requests();
  EXPECT_EQ(Query(q, "req > 5", 0).value, "{__name__=\"req\", code=\"200\", job=\"api\"} 10\n");
  // With the scalar on the left the vector's value is still the result.
  EXPECT_EQ(Query(q, "5 < req", 0).value, "{__name__=\"req\", code=\"200\", job=\"api\"} 10\n");
  EXPECT_EQ(Query(q, "req{code=\"500\"} > bool 5", 0).value, "{code=\"500\", job=\"api\"} 0\n");
}

TEST(EvalBinary, OneToOneMatchingOnLabels) {
  auto q = Requests();
  EXPECT_EQ(Query(q, "req{code=\"200\"} / ignoring(code) limit", 0).value,
            "{job=\"api\"} 1.25\n{job=\"web\"} 0.625\n");
  EXPECT_EQ(Query(q, "req{code=\"200\"} > on(job) limit", 0).value, "{job=\"api\"} 10\n");
}

TEST(EvalBinary, ManyToOneNeedsGroupLeft) {
  auto q = Requests();
  EXPECT_EQ(Query(q, "req / on(job) limit", 0).value,
            "multiple matches for labels: many-to-one matching must be explicit "
            "(group_left/group_right)");
  EXPECT_EQ(Query(q, "req / on(job) group_left limit", 0).value,
            "{code=\"200\", job=\"api\"} 1.25\n{code=\"200\", job=\"web\"} 0.625\n"
            "{code=\"500\", job=\"api\"} 0.25\n");
}

TEST(EvalBinary, DuplicatesOnTheOneSideAreAnError) {
  auto q = Requests();
  EXPECT_EQ(Query(q, "limit / on(job) group_left req", 0).value,
            "found duplicate series for the match group {job=\"api\"} on the right hand-side of "
            "the operation: [{__name__=\"req\", code=\"200\", job=\"api\"}, {__name__=\"req\", "
            "code=\"500\", job=\"api\"}];many-to-many matching not allowed: matching labels "
            "must be unique on one side");
}

TEST(EvalBinary, GroupLeftCopiesLabelsFromTheOneSide) {
  TestQuerier q;
  q.Add("m{instance=\"a\", cpu=\"0\"}", {{0, 2}});
  q.Add("info{instance=\"a\", version=\"1.2\"}", {{0, 1}});
  EXPECT_EQ(Query(q, "m * on(instance) group_left(version) info", 0).value,
            "{cpu=\"0\", instance=\"a\", version=\"1.2\"} 2\n");
}

TEST(EvalBinary, SetOperators) {
  auto q = Requests();
  EXPECT_EQ(Query(q, "req and on(job) limit{job=\"web\"}", 0).value,
            "{__name__=\"req\", code=\"200\", job=\"web\"} 5\n");
  EXPECT_EQ(Query(q, "req unless on(job) limit{job=\"web\"}", 0).value,
            "{__name__=\"req\", code=\"200\", job=\"api\"} 10\n"
            "{__name__=\"req\", code=\"500\", job=\"api\"} 2\n");
  EXPECT_EQ(Query(q, "limit{job=\"api\"} or limit", 0).value,
            "{__name__=\"limit\", job=\"api\"} 8\n{__name__=\"limit\", job=\"web\"} 8\n");
}

TEST(EvalBinary, FillModifiers) {
  TestQuerier q;
  q.Add("a{k=\"1\"}", {{0, 1}});
  q.Add("a{k=\"2\"}", {{0, 2}});
  q.Add("b{k=\"2\"}", {{0, 20}});
  q.Add("b{k=\"3\"}", {{0, 30}});
  EXPECT_EQ(Query(q, "a + fill(0) b", 0).value, "{k=\"1\"} 1\n{k=\"2\"} 22\n{k=\"3\"} 30\n");
  EXPECT_EQ(Query(q, "a + fill_right(100) b", 0).value, "{k=\"1\"} 101\n{k=\"2\"} 22\n");
}

TEST(EvalBinary, NameDroppingWithDelayedRemoval) {
  TestQuerier q;
  q.Add("a{k=\"1\"}", {{0, 1}});
  q.Add("b{k=\"1\"}", {{0, 2}});
  EngineOptions delayed;
  delayed.delayed_name_removal = true;
  // Both series lose their name; without delayed removal that is an immediate collision.
  EXPECT_EQ(Query(q, "{__name__=~\"a|b\"} * 2", 0).value,
            "vector cannot contain metrics with the same labelset");
  EXPECT_EQ(Query(q, "{__name__=~\"a|b\"} * 2", 0, delayed).value,
            "vector cannot contain metrics with the same labelset");
  // With delayed removal the name is still there for label_replace to read.
  EXPECT_EQ(
      Query(q, "label_replace(a * 2, \"n\", \"$1\", \"__name__\", \"(.*)\")", 0, delayed).value,
      "{k=\"1\", n=\"a\"} 2\n");
  EXPECT_EQ(Query(q, "label_replace(a * 2, \"n\", \"$1\", \"__name__\", \"(.*)\")", 0).value,
            "{k=\"1\"} 2\n");
}

}  // namespace
}  // namespace tocsin::promql::testing
