// Quantiles and fractions of classic histograms (series of cumulative `le` buckets), as
// Prometheus's histogram_quantile() and histogram_fraction() compute them.
#pragma once

#include <vector>

namespace tocsin::promql {

struct Bucket {
  double upper_bound;
  double count;  // cumulative
};

struct BucketQuantileResult {
  double value;
  // The bucket counts were not monotonic and had to be fixed up (reported as an info).
  bool forced_monotonic = false;
  double min_bucket = 0, max_bucket = 0, max_diff = 0;
};

// The q-quantile, interpolating linearly within the bucket it falls into; the lowest bucket
// starts at 0 if its upper bound is positive. NaN without a +Inf bucket, with fewer than two
// buckets or no observations; -Inf/+Inf for q < 0 / q > 1. Sorts and rewrites `buckets`.
BucketQuantileResult BucketQuantile(double q, std::vector<Bucket>& buckets);

// The fraction of observations between lower and upper. Sorts and rewrites `buckets`.
double BucketFraction(double lower, double upper, std::vector<Bucket>& buckets);

}  // namespace tocsin::promql
