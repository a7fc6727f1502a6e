#include "engine/promql/bucket_quantile.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "storage/base/sample.h"

namespace tocsin::promql {

namespace {

// Relative differences below this between neighbouring buckets are floating-point noise
// (e.g. from sharded summation) and are ignored rather than reported.
constexpr double kSmallDeltaTolerance = 1e-12;

bool AlmostEqual(double a, double b, double epsilon) {
  if (IsStaleNaN(a) || IsStaleNaN(b)) return IsStaleNaN(a) && IsStaleNaN(b);
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;
  const double min_normal = std::numeric_limits<double>::min();
  const double abs_sum = std::fabs(a) + std::fabs(b);
  const double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || abs_sum < min_normal) return diff < epsilon * min_normal;
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < epsilon;
}

void SortBuckets(std::vector<Bucket>& b) {
  std::stable_sort(b.begin(), b.end(),
                   [](const Bucket& x, const Bucket& y) { return x.upper_bound < y.upper_bound; });
}

// Buckets with the same upper bound are one bucket.
void Coalesce(std::vector<Bucket>& b) {
  size_t i = 0;
  Bucket last = b[0];
  for (size_t k = 1; k < b.size(); ++k) {
    if (b[k].upper_bound == last.upper_bound) {
      last.count += b[k].count;
    } else {
      b[i++] = last;
      last = b[k];
    }
  }
  b[i++] = last;
  b.resize(i);
}

// Cumulative counts must not decrease; a decrease is removed (and reported), tiny relative
// differences are silently evened out.
void EnsureMonotonic(std::vector<Bucket>& b, BucketQuantileResult& r) {
  r.min_bucket = HUGE_VAL;
  r.max_bucket = -HUGE_VAL;
  double prev = b[0].count;
  for (size_t i = 1; i < b.size(); ++i) {
    const double curr = b[i].count;
    if (curr == prev) continue;
    if (AlmostEqual(prev, curr, kSmallDeltaTolerance)) {
      b[i].count = prev;
      continue;
    }
    if (curr < prev) {
      b[i].count = prev;
      r.forced_monotonic = true;
      r.min_bucket = std::min(r.min_bucket, b[i].upper_bound);
      r.max_bucket = std::max(r.max_bucket, b[i].upper_bound);
      r.max_diff = std::max(r.max_diff, prev - curr);
      continue;
    }
    prev = curr;
  }
}

}  // namespace

BucketQuantileResult BucketQuantile(double q, std::vector<Bucket>& buckets) {
  BucketQuantileResult r{std::nan("")};
  if (std::isnan(q)) return r;
  if (q < 0) {
    r.value = -HUGE_VAL;
    return r;
  }
  if (q > 1) {
    r.value = HUGE_VAL;
    return r;
  }
  SortBuckets(buckets);
  if (!std::isinf(buckets.back().upper_bound) || buckets.back().upper_bound < 0) return r;
  Coalesce(buckets);
  EnsureMonotonic(buckets, r);
  if (buckets.size() < 2) return r;
  const double observations = buckets.back().count;
  if (observations == 0) return r;
  double rank = q * observations;
  // The first bucket (not counting +Inf) whose cumulative count reaches the rank.
  // (A binary search, as in Prometheus, so that NaN counts lead to the same bucket.)
  size_t lo = 0, hi = buckets.size() - 1;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (!(buckets[mid].count >= rank)) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  const size_t b = lo;
  if (b == buckets.size() - 1) {
    r.value = buckets[buckets.size() - 2].upper_bound;
  } else if (b == 0 && buckets[0].upper_bound <= 0) {
    r.value = buckets[0].upper_bound;
  } else {
    double bucket_start = 0;
    const double bucket_end = buckets[b].upper_bound;
    double count = buckets[b].count;
    if (b > 0) {
      bucket_start = buckets[b - 1].upper_bound;
      count -= buckets[b - 1].count;
      rank -= buckets[b - 1].count;
    }
    r.value = bucket_start + (bucket_end - bucket_start) * (rank / count);
  }
  return r;
}

double BucketFraction(double lower, double upper, std::vector<Bucket>& buckets) {
  SortBuckets(buckets);
  if (!std::isinf(buckets.back().upper_bound) || buckets.back().upper_bound < 0) {
    return std::nan("");
  }
  Coalesce(buckets);
  const double count = buckets.back().count;
  if (count == 0 || std::isnan(lower) || std::isnan(upper)) return std::nan("");
  if (lower >= upper) return 0;

  double rank = 0, lower_rank = 0, upper_rank = 0;
  bool lower_set = false, upper_set = false;
  // Only positive observations are assumed when the first bucket's bound is above 0.
  double lower_bound = buckets[0].upper_bound <= 0 ? -HUGE_VAL : 0.0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    const Bucket& b = buckets[i];
    if (i > 0) lower_bound = buckets[i - 1].upper_bound;
    const double upper_bound = b.upper_bound;
    auto interpolate = [&](double v) {
      // No interpolation inside a bucket with an infinite lower bound.
      if (std::isinf(lower_bound) && lower_bound < 0) return b.count;
      return rank + (b.count - rank) * (v - lower_bound) / (upper_bound - lower_bound);
    };
    if (!lower_set && lower_bound >= lower) {
      lower_rank = rank;
      lower_set = true;
    }
    if (!upper_set && lower_bound >= upper) {
      upper_rank = rank;
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    if (!lower_set && lower_bound < lower && upper_bound > lower) {
      lower_rank = interpolate(lower);
      lower_set = true;
    }
    if (!upper_set && lower_bound < upper && upper_bound > upper) {
      upper_rank = interpolate(upper);
      upper_set = true;
    }
    if (lower_set && upper_set) break;
    rank = b.count;
  }
  if (!lower_set || lower_rank > count) lower_rank = count;
  if (!upper_set || upper_rank > count) upper_rank = count;
  return (upper_rank - lower_rank) / count;
}

}  // namespace tocsin::promql
