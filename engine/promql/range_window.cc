#include "engine/promql/range_window.h"

#include <algorithm>

namespace tocsin::promql {

size_t FirstAfter(std::span<const FPoint> floats, size_t n, TimestampMs bound) {
  auto end = floats.begin() + static_cast<std::ptrdiff_t>(n);
  return static_cast<size_t>(
      std::upper_bound(floats.begin(), end, bound,
                       [](TimestampMs b, const FPoint& p) { return b < p.t; }) -
      floats.begin());
}

size_t FirstAtOrAfter(std::span<const FPoint> floats, size_t n, TimestampMs bound) {
  auto end = floats.begin() + static_cast<std::ptrdiff_t>(n);
  return static_cast<size_t>(
      std::lower_bound(floats.begin(), end, bound,
                       [](const FPoint& p, TimestampMs b) { return p.t < b; }) -
      floats.begin());
}

size_t FirstAfter(const SampleSpan& s, size_t n, TimestampMs bound) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (s.t(mid) > bound) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

size_t FirstAtOrAfter(const SampleSpan& s, size_t n, TimestampMs bound) {
  size_t lo = 0, hi = n;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (s.t(mid) >= bound) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

void ExtendWindow(std::span<const FPoint> floats, TimestampMs mint, TimestampMs maxt, bool smoothed,
                  std::vector<FPoint>& out) {
  out.clear();
  if (floats.empty()) return;
  size_t last = floats.size() - 1;
  // The last point at or before mint anchors the left boundary (the first point if none).
  size_t first = FirstAfter(floats, last, mint);
  first = first == 0 ? 0 : first - 1;
  if (smoothed) last = FirstAtOrAfter(floats, last, maxt);
  if (floats[last].t <= mint) return;

  double left = floats[first].v;
  if (smoothed && floats[first].t < mint) {
    left = InterpolateAt(floats[first], floats[first + 1], mint, false);
  }
  double right = floats[last].v;
  if (smoothed && last > 0 && floats[last].t > maxt) {
    right = InterpolateAt(floats[last - 1], floats[last], maxt, false);
  }
  // Points on or beyond the boundaries are replaced by the boundary points.
  std::ptrdiff_t lo = static_cast<std::ptrdiff_t>(first);
  std::ptrdiff_t hi = static_cast<std::ptrdiff_t>(last);
  if (floats[first].t <= mint) ++lo;
  if (floats[last].t >= maxt) --hi;

  out.reserve(static_cast<size_t>(std::max<std::ptrdiff_t>(hi - lo + 1, 0)) + 2);
  out.push_back(FPoint{mint, left});
  for (std::ptrdiff_t i = lo; i <= hi; ++i) out.push_back(floats[static_cast<size_t>(i)]);
  out.push_back(FPoint{maxt, right});
}

}  // namespace tocsin::promql
