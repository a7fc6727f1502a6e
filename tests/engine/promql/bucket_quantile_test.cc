// Classic-histogram quantiles and fractions: interpolation, the lowest bucket, the +Inf
// bucket, and the monotonicity fix-up.
#include "engine/promql/bucket_quantile.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/engine/promql/query_helpers.h"

namespace tocsin::promql {
namespace {

TEST(BucketQuantile, InterpolatesWithinTheBucket) {
  std::vector<Bucket> b = {{1, 10}, {2, 20}, {HUGE_VAL, 20}};
  EXPECT_DOUBLE_EQ(BucketQuantile(0.5, b).value, 1);
  b = {{1, 10}, {2, 20}, {HUGE_VAL, 20}};
  EXPECT_DOUBLE_EQ(BucketQuantile(0.75, b).value, 1.5);
  b = {{1, 10}, {2, 20}, {HUGE_VAL, 20}};
  EXPECT_DOUBLE_EQ(BucketQuantile(0.25, b).value, 0.5);  // the lowest bucket starts at 0
}

TEST(BucketQuantile, SpecialCases) {
  std::vector<Bucket> b = {{1, 10}, {2, 20}};
  EXPECT_TRUE(std::isnan(BucketQuantile(0.5, b).value));  // no +Inf bucket
  b = {{1, 10}, {HUGE_VAL, 20}};
  EXPECT_DOUBLE_EQ(BucketQuantile(0.99, b).value, 1);  // in +Inf: the highest finite bound
  b = {{1, 0}, {HUGE_VAL, 0}};
  EXPECT_TRUE(std::isnan(BucketQuantile(0.5, b).value));
  b = {{1, 10}, {HUGE_VAL, 20}};
  EXPECT_EQ(BucketQuantile(-1, b).value, -HUGE_VAL);
  EXPECT_EQ(BucketQuantile(2, b).value, HUGE_VAL);
}

TEST(BucketQuantile, ForcesMonotonicity) {
  std::vector<Bucket> b = {{1, 10}, {2, 8}, {3, 12}, {HUGE_VAL, 12}};
  const BucketQuantileResult r = BucketQuantile(0.5, b);
  EXPECT_TRUE(r.forced_monotonic);
  EXPECT_EQ(r.min_bucket, 2);
  EXPECT_EQ(r.max_bucket, 2);
  EXPECT_EQ(r.max_diff, 2);
  EXPECT_DOUBLE_EQ(r.value, 0.6);
}

TEST(BucketQuantile, Fraction) {
  std::vector<Bucket> b = {{1, 10}, {2, 20}, {HUGE_VAL, 40}};
  EXPECT_DOUBLE_EQ(BucketFraction(0, 1.5, b), 15.0 / 40);
  EXPECT_DOUBLE_EQ(BucketFraction(2, HUGE_VAL, b), 0.5);
}

TEST(HistogramQuantileFunction, GroupsBucketsAndReportsFixups) {
  testing::TestQuerier q;
  q.Add("h_bucket{le=\"1\"}", {{0, 10}});
  q.Add("h_bucket{le=\"2\"}", {{0, 8}});
  q.Add("h_bucket{le=\"+Inf\"}", {{0, 12}});
  q.Add("h_bucket{le=\"x\"}", {{0, 12}});
  auto r = testing::Query(q, "histogram_quantile(0.5, h_bucket)", 0);
  EXPECT_EQ(r.value, "{} 0.6\n");
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "PromQL warning: bucket label \"le\" is missing or has a malformed value of \"x\" "
            "(1:25)");
  ASSERT_EQ(r.infos.size(), 1u);
  EXPECT_EQ(r.infos[0],
            "PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see "
            "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)"
            ", from buckets 2 to 2, with a max diff of 2, over 1 samples from "
            "1970-01-01T00:00:00Z to 1970-01-01T00:00:00Z (1:25)");
}

}  // namespace
}  // namespace tocsin::promql
