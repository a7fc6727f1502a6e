// Go's math.Max and math.Min, which PromQL uses: unlike std::fmax/fmin they propagate NaN
// (except that an infinity of the right sign wins), and order -0 before +0.
#pragma once

#include <cmath>

namespace tocsin::promql {

inline double GoMax(double a, double b) {
  if (std::isinf(a) && a > 0) return a;
  if (std::isinf(b) && b > 0) return b;
  if (std::isnan(a) || std::isnan(b)) return std::nan("");
  if (a == 0 && a == b) return std::signbit(a) ? b : a;
  return a > b ? a : b;
}

inline double GoMin(double a, double b) {
  if (std::isinf(a) && a < 0) return a;
  if (std::isinf(b) && b < 0) return b;
  if (std::isnan(a) || std::isnan(b)) return std::nan("");
  if (a == 0 && a == b) return std::signbit(a) ? a : b;
  return a < b ? a : b;
}

}  // namespace tocsin::promql
