#include "engine/promql/promqltest/almost_equal.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "storage/base/sample.h"

namespace tocsin::promql::promqltest {

bool AlmostEqual(double a, double b, double epsilon) {
  // A stale marker is a NaN, but "no value any more" must never pass for "value is NaN".
  if (IsStaleNaN(a) || IsStaleNaN(b)) return IsStaleNaN(a) && IsStaleNaN(b);
  if (std::isnan(a) && std::isnan(b)) return true;
  if (a == b) return true;  // also the only way two infinities match

  constexpr double kMinNormal = std::numeric_limits<double>::min();
  const double abs_sum = std::fabs(a) + std::fabs(b);
  const double diff = std::fabs(a - b);
  if (a == 0 || b == 0 || abs_sum < kMinNormal) return diff < epsilon * kMinNormal;
  // abs_sum overflows to +Inf for huge finite values; dividing by the largest double instead
  // keeps the relative test meaningful there.
  return diff / std::min(abs_sum, std::numeric_limits<double>::max()) < epsilon;
}

}  // namespace tocsin::promql::promqltest
