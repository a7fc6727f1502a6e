#include "engine/promql/promqltest/expectation.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>

#include "storage/base/sample.h"

namespace tocsin::promql::promqltest {
namespace {

using ::testing::HasSubstr;

SequenceValue V(double v) {
  return {false, v, false};
}
SequenceValue Omitted() {
  return {true, 0, false};
}
SequenceValue Histogram() {
  return {false, 0, true};
}

Labels L(std::initializer_list<Label> l) {
  return Labels(l);
}

ExpectedResult Want(std::vector<std::pair<Labels, std::vector<SequenceValue>>> series) {
  ExpectedResult want;
  int pos = 1;
  for (auto& [labels, values] : series) {
    want.AddSeries({pos, pos, labels, values});
    ++pos;
  }
  return want;
}

Vector Vec(std::vector<std::pair<Labels, double>> samples) {
  Vector v;
  for (auto& [labels, value] : samples) v.push_back({labels, 0, value, false});
  return v;
}

// ---- vectors -------------------------------------------------------------------------------

TEST(CompareResultTest, VectorMatchesRegardlessOfOrder) {
  const auto want = Want(
      {{L({{"__name__", "m"}, {"a", "1"}}), {V(1)}}, {L({{"__name__", "m"}, {"a", "2"}}), {V(2)}}});
  EXPECT_TRUE(CompareResult(want, Vec({{L({{"__name__", "m"}, {"a", "2"}}), 2},
                                       {L({{"__name__", "m"}, {"a", "1"}}), 1}}))
                  .ok());
}

TEST(CompareResultTest, VectorWrongValueIsReported) {
  const auto want = Want({{L({{"a", "1"}}), {V(1)}}});
  const Status s = CompareResult(want, Vec({{L({{"a", "1"}}), 1.1}}));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("expected 1 for {a=\"1\"}, but got 1.1"));
}

TEST(CompareResultTest, VectorValueWithinEpsilonPasses) {
  const auto want = Want({{L({{"a", "1"}}), {V(0.3)}}});
  EXPECT_TRUE(CompareResult(want, Vec({{L({{"a", "1"}}), 0.1 + 0.2}})).ok());
}

TEST(CompareResultTest, VectorMissingSeriesIsReported) {
  const auto want = Want({{L({{"a", "1"}}), {V(1)}}, {L({{"a", "2"}}), {V(2)}}});
  const Status s = CompareResult(want, Vec({{L({{"a", "1"}}), 1}}));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("expected series {a=\"2\"} not found"));
}

TEST(CompareResultTest, VectorExtraSeriesIsReported) {
  const auto want = Want({{L({{"a", "1"}}), {V(1)}}});
  const Status s = CompareResult(want, Vec({{L({{"a", "1"}}), 1}, {L({{"a", "3"}}), 3}}));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("unexpected series {a=\"3\"}"));
}

TEST(CompareResultTest, MetricNameIsPartOfTheLabelSet) {
  const auto want = Want({{L({{"a", "1"}}), {V(1)}}});
  const Status s = CompareResult(want, Vec({{L({{"__name__", "m"}, {"a", "1"}}), 1}}));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("unexpected series m{a=\"1\"}"));
}

TEST(CompareResultTest, NoExpectedLinesMeansEmptyResult) {
  const ExpectedResult want;
  EXPECT_TRUE(CompareResult(want, Vector{}).ok());
  EXPECT_FALSE(CompareResult(want, Vec({{L({}), 1}})).ok());
  EXPECT_TRUE(CompareResult(want, Matrix{}).ok());
}

TEST(CompareResultTest, OrderedVectorChecksPositions) {
  auto want = Want({{L({{"a", "1"}}), {V(1)}}, {L({{"a", "2"}}), {V(2)}}});
  want.ordered = true;
  EXPECT_TRUE(CompareResult(want, Vec({{L({{"a", "1"}}), 1}, {L({{"a", "2"}}), 2}})).ok());
  const Status s = CompareResult(want, Vec({{L({{"a", "2"}}), 2}, {L({{"a", "1"}}), 1}}));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("at position 2, but it is at position 1"));
  want.ordered = false;
  EXPECT_TRUE(CompareResult(want, Vec({{L({{"a", "2"}}), 2}, {L({{"a", "1"}}), 1}})).ok());
}

TEST(CompareResultTest, RepeatedExpectedLabelSetKeepsTheLaterLine) {
  ExpectedResult want;
  want.AddSeries({1, 1, L({{"a", "1"}}), {V(1)}});
  want.AddSeries({2, 2, L({{"a", "1"}}), {V(5)}});
  ASSERT_EQ(want.series.size(), 1u);
  EXPECT_TRUE(CompareResult(want, Vec({{L({{"a", "1"}}), 5}})).ok());
  EXPECT_FALSE(CompareResult(want, Vec({{L({{"a", "1"}}), 1}})).ok());
}

TEST(CompareResultTest, NaNAndStaleAreDistinguished) {
  const auto want_nan = Want({{L({}), {V(std::nan(""))}}});
  EXPECT_TRUE(CompareResult(want_nan, Vec({{L({}), std::nan("")}})).ok());
  EXPECT_FALSE(CompareResult(want_nan, Vec({{L({}), StaleNaN()}})).ok());
  const auto want_inf = Want({{L({}), {V(INFINITY)}}});
  EXPECT_FALSE(CompareResult(want_inf, Vec({{L({}), -INFINITY}})).ok());
}

TEST(CompareResultTest, HistogramExpectationNeverMatchesAFloat) {
  const auto want = Want({{L({}), {Histogram()}}});
  EXPECT_TRUE(want.HasHistogram());
  EXPECT_FALSE(CompareResult(want, Vec({{L({}), 0}})).ok());
}

TEST(CompareResultTest, ScalarExpectationRejectsVectors) {
  ExpectedResult want;
  want.scalar = V(3);
  EXPECT_TRUE(CompareResult(want, Scalar{0, 3}).ok());
  EXPECT_FALSE(CompareResult(want, Scalar{0, 4}).ok());
  const Status s = CompareResult(want, Vec({{L({}), 3}}));
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("expected a scalar result, but got a vector"));
  EXPECT_FALSE(CompareResult(ExpectedResult{}, Scalar{0, 3}).ok());
}

TEST(CompareResultTest, StringsCompareExactly) {
  ExpectedResult want;
  want.string = " Foo ";
  EXPECT_TRUE(CompareResult(want, String{0, " Foo "}).ok());
  EXPECT_FALSE(CompareResult(want, String{0, "Foo"}).ok());
}

// ---- matrices ------------------------------------------------------------------------------

Series S(Labels l, std::vector<FPoint> points) {
  return {std::move(l), std::move(points), false};
}

ExpectedResult RangeWant(std::vector<std::pair<Labels, std::vector<SequenceValue>>> series) {
  ExpectedResult want = Want(std::move(series));
  want.grid = TimeGrid{0, 2 * kMinute, kMinute};
  return want;
}

TEST(CompareResultTest, MatrixPointsFollowTheGridWithGaps) {
  const auto want = RangeWant({{L({{"a", "1"}}), {V(1), Omitted(), V(3)}}});
  EXPECT_TRUE(CompareResult(want, Matrix{S(L({{"a", "1"}}), {{0, 1}, {2 * kMinute, 3}})}).ok());
  // A point where the gap is expected.
  EXPECT_FALSE(
      CompareResult(want, Matrix{S(L({{"a", "1"}}), {{0, 1}, {kMinute, 2}, {2 * kMinute, 3}})})
          .ok());
  // The right values at the wrong times.
  const Status s = CompareResult(want, Matrix{S(L({{"a", "1"}}), {{0, 1}, {kMinute, 3}})});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("at t=2m, but it is at t=1m"));
}

TEST(CompareResultTest, MatrixMoreExpectedPointsThanTheRangeHolds) {
  const auto want = RangeWant({{L({}), {V(1), V(1), V(1), V(1)}}});
  const Status s = CompareResult(want, Matrix{S(L({}), {{0, 1}})});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("cannot hold that many"));
}

TEST(CompareResultTest, MatrixMustBeSortedByLabels) {
  const auto want = RangeWant({{L({{"a", "1"}}), {V(1)}}, {L({{"a", "2"}}), {V(1)}}});
  const Matrix sorted{S(L({{"a", "1"}}), {{0, 1}}), S(L({{"a", "2"}}), {{0, 1}})};
  EXPECT_TRUE(CompareResult(want, sorted).ok());
  const Matrix unsorted{sorted[1], sorted[0]};
  const Status s = CompareResult(want, unsorted);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("sorted"));
}

TEST(CompareResultTest, MatrixFromAnInstantEvalWithoutRangeVectorExpectation) {
  ExpectedResult want = Want({{L({}), {V(1)}}});  // no grid
  EXPECT_FALSE(CompareResult(want, Matrix{S(L({}), {{0, 1}})}).ok());
  EXPECT_TRUE(CompareResult(ExpectedResult{}, Matrix{}).ok());
}

TEST(CompareResultTest, OrderedExpectationRejectsMatrices) {
  auto want = RangeWant({});
  want.ordered = true;
  EXPECT_FALSE(CompareResult(want, Matrix{}).ok());
}

TEST(CompareRangeModeResultTest, PicksThePointAtTheEvalTime) {
  const auto want = Want({{L({{"a", "1"}}), {V(2)}}});
  const Matrix range{S(L({{"a", "1"}}), {{0, 1}, {kMinute, 2}, {2 * kMinute, 3}}),
                     S(L({{"a", "2"}}), {{0, 1}})};  // no point at t: not in the vector
  const Value instant = Vec({{L({{"a", "1"}}), 2}});
  EXPECT_TRUE(CompareRangeModeResult(want, instant, range, kMinute).ok());
  EXPECT_FALSE(CompareRangeModeResult(want, instant, range, 2 * kMinute).ok());
}

TEST(CompareRangeModeResultTest, ScalarResultsCompareTheSinglePoint) {
  ExpectedResult want;
  want.scalar = V(7);
  const Value instant = Scalar{kMinute, 7};
  EXPECT_TRUE(
      CompareRangeModeResult(want, instant, Matrix{S(L({}), {{0, 6}, {kMinute, 7}})}, kMinute)
          .ok());
  EXPECT_FALSE(CompareRangeModeResult(want, instant, Matrix{S(L({}), {{0, 7}})}, kMinute).ok());
}

// ---- annotations and errors ----------------------------------------------------------------

TEST(CheckAnnotationsTest, NothingIsCheckedWithoutExpectations) {
  EXPECT_TRUE(CheckAnnotations({}, {"PromQL warning: x (1:1)"}, {"PromQL info: y (1:1)"}).ok());
}

TEST(CheckAnnotationsTest, BareExpectWarnNeedsAtLeastOne) {
  AnnotationExpectations want;
  want.warn.push_back(TextMatcher::Any());
  EXPECT_TRUE(CheckAnnotations(want, {"PromQL warning: x (1:1)"}, {}).ok());
  const Status s = CheckAnnotations(want, {}, {"PromQL info: y (1:1)"});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.message(), HasSubstr("expected warn annotations"));
}

TEST(CheckAnnotationsTest, EveryExpectedLineAndEveryAnnotationMustMatch) {
  AnnotationExpectations want;
  want.info.push_back(TextMatcher::Exact("PromQL info: a (1:1)"));
  EXPECT_TRUE(CheckAnnotations(want, {}, {"PromQL info: a (1:1)"}).ok());
  // An annotation no line covers.
  EXPECT_FALSE(CheckAnnotations(want, {}, {"PromQL info: a (1:1)", "PromQL info: b (1:1)"}).ok());
  // A line no annotation matches (the position is part of the text).
  EXPECT_FALSE(CheckAnnotations(want, {}, {"PromQL info: a (1:2)"}).ok());
}

TEST(CheckAnnotationsTest, RegexIsAnUnanchoredSearch) {
  AnnotationExpectations want;
  auto re = TextMatcher::Regex(R"(between 0 and 1, got NaN \([0-9]+:[0-9]+\))");
  ASSERT_TRUE(re.ok());
  want.warn.push_back(*re);
  EXPECT_TRUE(
      CheckAnnotations(
          want, {"PromQL warning: quantile value should be between 0 and 1, got NaN (1:12)"}, {})
          .ok());
  EXPECT_FALSE(CheckAnnotations(want, {"PromQL warning: got NaN (1:12)"}, {}).ok());
  EXPECT_FALSE(TextMatcher::Regex("(").ok());
}

TEST(CheckAnnotationsTest, NoWarnAndNoInfo) {
  AnnotationExpectations want;
  want.no_warn = true;
  EXPECT_TRUE(CheckAnnotations(want, {}, {"PromQL info: i (1:1)"}).ok());
  EXPECT_FALSE(CheckAnnotations(want, {"PromQL warning: w (1:1)"}, {}).ok());
  want = {};
  want.no_info = true;
  EXPECT_FALSE(CheckAnnotations(want, {}, {"PromQL info: i (1:1)"}).ok());
}

TEST(CheckAnnotationsTest, DeprecatedEvalWarnAndInfoRequireOne) {
  AnnotationExpectations want;
  want.require_warn = true;
  EXPECT_FALSE(CheckAnnotations(want, {}, {}).ok());
  EXPECT_TRUE(CheckAnnotations(want, {"PromQL warning: w (1:1)"}, {}).ok());
  want = {};
  want.require_info = true;
  EXPECT_FALSE(CheckAnnotations(want, {"PromQL warning: w (1:1)"}, {}).ok());
}

TEST(CheckErrorTest, MessagesAndPatterns) {
  FailExpectation any;
  any.expected = true;
  EXPECT_TRUE(CheckError(any, "whatever").ok());

  FailExpectation msg = any;
  msg.matcher = TextMatcher::Exact("vector cannot contain metrics with the same labelset");
  EXPECT_TRUE(CheckError(msg, "vector cannot contain metrics with the same labelset").ok());
  EXPECT_FALSE(CheckError(msg, "vector cannot contain metrics with the same labelset!").ok());

  FailExpectation re = any;
  re.matcher = *TextMatcher::Regex("conflicting label");
  EXPECT_TRUE(CheckError(re, "execution: conflicting label: x").ok());
  EXPECT_FALSE(CheckError(re, "something else").ok());

  FailExpectation legacy = any;
  legacy.legacy_matcher = TextMatcher::Exact("boom");
  EXPECT_FALSE(CheckError(legacy, "bang").ok());
}

}  // namespace
}  // namespace tocsin::promql::promqltest
