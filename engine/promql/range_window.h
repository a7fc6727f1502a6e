// Helpers for range windows shared by the selectors and the range functions.
#pragma once

#include <span>
#include <vector>

#include "engine/promql/value.h"

namespace tocsin::promql {

// Linear interpolation between a and b at time t. For counters, a drop from a to b is a
// reset: the counter is taken to restart from 0 at a.
inline double InterpolateAt(const FPoint& a, const FPoint& b, TimestampMs t, bool is_counter) {
  double y1 = a.v;
  const double y2 = b.v;
  if (is_counter && y2 < y1) y1 = 0;
  return y1 + (y2 - y1) * static_cast<double>(t - a.t) / static_cast<double>(b.t - a.t);
}

// The range vector an anchored or smoothed selector yields for the window (mint, maxt]:
// the points inside, plus a point at each boundary (the last point at or before mint for
// anchored, interpolated for smoothed). `floats` holds the samples of the extended window;
// `out` is empty when no sample falls after mint.
void ExtendWindow(std::span<const FPoint> floats, TimestampMs mint, TimestampMs maxt, bool smoothed,
                  std::vector<FPoint>& out);

// Index of the first point with t > bound among floats[0, n).
size_t FirstAfter(std::span<const FPoint> floats, size_t n, TimestampMs bound);
// Index of the first point with t >= bound among floats[0, n).
size_t FirstAtOrAfter(std::span<const FPoint> floats, size_t n, TimestampMs bound);

}  // namespace tocsin::promql
