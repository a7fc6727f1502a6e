// Functions over range vectors: rate/increase/delta with Prometheus's extrapolation (and the
// anchored/smoothed variants), irate/idelta, deriv/predict_linear, changes/resets, all
// *_over_time aggregations and double_exponential_smoothing.
#include <cmath>
#include <limits>

#include "storage/base/go_float.h"
#include "engine/promql/function_impl.h"
#include "engine/promql/kahan.h"
#include "engine/promql/range_window.h"
#include "engine/promql/start_time_resets.h"

namespace tocsin::promql {

namespace {

using MaybeValue = std::optional<double>;

double Seconds(DurationMs d) {
  return static_cast<double>(d) / 1000;
}

// The points of the window proper, (range_start, range_end].
SampleSpan Window(const RangeCall& c) {
  if (!c.src.anchored && !c.src.smoothed) return c.points;
  const size_t lo = FirstAfter(c.points, c.points.size(), c.range_start);
  const size_t hi = FirstAfter(c.points, c.points.size(), c.range_end);
  return c.points.subspan(lo, hi - lo);
}

// rate/increase/delta for anchored and smoothed selectors: the difference between the values
// at the window's boundaries (the last sample before the window, or interpolated), corrected
// for counter resets, without extrapolation.
MaybeValue ExtendedRate(const RangeCall& c, bool is_counter, bool is_rate) {
  const auto f = c.points;
  const bool smoothed = c.src.smoothed;
  size_t last = f.size() - 1;
  size_t first = FirstAfter(f, last, c.range_start);
  first = first == 0 ? 0 : first - 1;
  if (smoothed) last = FirstAtOrAfter(f, last, c.range_end);
  if (f[last].t <= c.range_start) return std::nullopt;
  if (smoothed && f[first].t > c.range_end) return std::nullopt;

  double left = f[first].v;
  if (smoothed && f[first].t < c.range_start) {
    left = InterpolateAt(f[first], f[first + 1], c.range_start, is_counter);
  }
  double right = f[last].v;
  if (smoothed && last > 0 && f[last].t > c.range_end) {
    right = InterpolateAt(f[last - 1], f[last], c.range_end, is_counter);
  }
  double result = right - left;
  if (is_counter) {
    // Resets at the boundaries are handled by the boundary values themselves.
    std::ptrdiff_t lo = static_cast<std::ptrdiff_t>(first);
    std::ptrdiff_t hi = static_cast<std::ptrdiff_t>(last);
    if (f[first].t <= c.range_start) ++lo;
    if (f[last].t >= c.range_end) --hi;
    double correction = 0;
    double prev = left;
    for (std::ptrdiff_t i = lo; i <= hi; ++i) {
      const double v = f[static_cast<size_t>(i)].v;
      if (v < prev) correction += prev;
      prev = v;
    }
    if (right < prev) correction += prev;
    result += correction;
  }
  if (is_rate) result /= Seconds(c.src.range);
  return result;
}

// Prometheus's extrapolatedRate for float samples.
MaybeValue ExtrapolatedRate(const RangeCall& c, bool is_counter, bool is_rate) {
  if (c.src.anchored || c.src.smoothed) return ExtendedRate(c, is_counter, is_rate);
  const auto s = c.points;
  // A counter whose first sample started inside the window counted from zero at that start:
  // that zero point replaces the extrapolation to the left, and makes one sample enough.
  const bool starts_inside =
      is_counter && !s.empty() && s.st(0) != 0 && s.st(0) > c.range_start && s.st(0) < s.front().t;
  if (s.size() < 2 && !starts_inside) return std::nullopt;
  const FPoint& first = s.front();
  const FPoint& last = s.back();
  double result = last.v - first.v;
  // Without a decrease in the window there is no reset to add (start times aside).
  const bool no_resets = c.series.no_stale_or_decrease && !s.has_start_times();
  if (is_counter && !no_resets) {
    bool overlap_reported = false;
    for (size_t i = 1; i < s.size(); ++i) {
      if (s.has_start_times() && !overlap_reported &&
          StartTimeOverlaps(s.st(i - 1), s.t(i - 1), s.st(i))) {
        c.ev.annotations().WarnCounted(annotation_text::StartTimeOverlap(c.metric_name()),
                                       c.src.pos);
        overlap_reported = true;
      }
      if (s.v(i) < s.v(i - 1) || IsStartTimeReset(s.st(i - 1), s.t(i - 1), s.st(i), s.t(i))) {
        result += s.v(i - 1);
      }
    }
  }
  double duration_to_start = static_cast<double>(first.t - c.range_start) / 1000;
  double duration_to_end = static_cast<double>(c.range_end - last.t) / 1000;
  double sampled_interval = static_cast<double>(last.t - first.t) / 1000;
  const double average_between =
      s.size() > 1 ? sampled_interval / static_cast<double>(s.size() - 1) : 0;
  // Extrapolate to a boundary only if a sample could be expected there (within 110% of the
  // average spacing); otherwise the series starts or ends inside the range, half a spacing
  // beyond its first or last sample.
  const double threshold = average_between * 1.1;
  if (starts_inside) {
    duration_to_start = 0;
    sampled_interval = static_cast<double>(last.t - s.st(0)) / 1000;
    result += first.v;
  } else {
    if (duration_to_start >= threshold) duration_to_start = average_between / 2;
    if (is_counter) {
      // A counter cannot go below zero: do not extrapolate past the point where it would.
      double duration_to_zero = duration_to_start;
      if (result > 0 && first.v >= 0) duration_to_zero = sampled_interval * (first.v / result);
      if (duration_to_zero < duration_to_start) duration_to_start = duration_to_zero;
    }
  }
  if (duration_to_end >= threshold) duration_to_end = average_between / 2;
  double factor = 1;
  if (sampled_interval != 0) {
    factor = (sampled_interval + duration_to_start + duration_to_end) / sampled_interval;
  }
  if (is_rate) factor /= Seconds(c.src.range);
  return result * factor;
}

MaybeValue Rate(const RangeCall& c) {
  return ExtrapolatedRate(c, true, true);
}
MaybeValue Increase(const RangeCall& c) {
  return ExtrapolatedRate(c, true, false);
}
MaybeValue Delta(const RangeCall& c) {
  return ExtrapolatedRate(c, false, false);
}

// irate/idelta: from the last two samples.
MaybeValue InstantValue(const RangeCall& c, bool is_rate) {
  const auto s = c.points;
  if (s.size() < 2) return std::nullopt;
  const FPoint& prev = s[s.size() - 2];
  const FPoint& last = s.back();
  const TimestampMs sampled = last.t - prev.t;
  if (sampled == 0) return std::nullopt;
  double result = last.v;
  // For a counter reset, the value after the reset is the increase.
  const size_t n = s.size();
  const bool reset = last.v < prev.v || IsStartTimeReset(s.st(n - 2), prev.t, s.st(n - 1), last.t);
  if (!is_rate || !reset) result = last.v - prev.v;
  if (is_rate) result /= static_cast<double>(sampled) / 1000;
  return result;
}

MaybeValue Irate(const RangeCall& c) {
  return InstantValue(c, true);
}
MaybeValue Idelta(const RangeCall& c) {
  return InstantValue(c, false);
}

struct Regression {
  double slope;
  double intercept;
};

// Least-squares fit with compensated sums, x in seconds relative to `intercept_time`.
Regression LinearRegression(const SampleSpan& s, TimestampMs intercept_time) {
  double n = 0;
  KahanSum sum_x, sum_y, sum_xy, sum_x2;
  const double init_y = s[0].v;
  bool const_y = true;
  for (size_t i = 0; i < s.size(); ++i) {
    if (const_y && i > 0 && s[i].v != init_y) const_y = false;
    n += 1.0;
    const double x = static_cast<double>(s[i].t - intercept_time) / 1e3;
    sum_x.Add(x);
    sum_y.Add(s[i].v);
    sum_xy.Add(x * s[i].v);
    sum_x2.Add(x * x);
  }
  if (const_y) {
    if (std::isinf(init_y)) return {std::nan(""), std::nan("")};
    return {0, init_y};
  }
  const double sx = sum_x.sum + sum_x.c;
  const double sy = sum_y.sum + sum_y.c;
  const double sxy = sum_xy.sum + sum_xy.c;
  const double sx2 = sum_x2.sum + sum_x2.c;
  const double cov_xy = sxy - sx * sy / n;
  const double var_x = sx2 - sx * sx / n;
  const double slope = cov_xy / var_x;
  return {slope, sy / n - slope * sx / n};
}

MaybeValue Deriv(const RangeCall& c) {
  if (c.points.size() < 2) return std::nullopt;
  // The first sample's time as origin avoids losing precision on large timestamps.
  return LinearRegression(c.points, c.points[0].t).slope;
}

MaybeValue PredictLinear(const RangeCall& c) {
  if (c.points.size() < 2) return std::nullopt;
  const Regression r = LinearRegression(c.points, c.ts);
  return r.slope * c.scalars[0] + r.intercept;
}

// With `anchored`, the last sample at or before the window start is the baseline; without,
// the first sample in the window is. Nothing to compare when no sample is inside the window.
std::optional<size_t> FirstComparedSample(const RangeCall& c) {
  if (!c.src.anchored) return 0;
  const size_t after = FirstAfter(c.points, c.points.size(), c.range_start);
  if (after >= c.points.size()) return std::nullopt;
  return after == 0 ? 0 : after - 1;
}

MaybeValue Changes(const RangeCall& c) {
  const auto first = FirstComparedSample(c);
  if (!first) return std::nullopt;
  const auto s = c.points;
  int changes = 0;
  for (size_t i = *first + 1; i < s.size(); ++i) {
    const double prev = s[i - 1].v, cur = s[i].v;
    if (cur != prev && !(std::isnan(cur) && std::isnan(prev))) ++changes;
  }
  return changes;
}

MaybeValue Resets(const RangeCall& c) {
  const auto first = FirstComparedSample(c);
  if (!first) return std::nullopt;
  const auto s = c.points;
  int resets = 0;
  for (size_t i = *first + 1; i < s.size(); ++i) {
    if (s.v(i) < s.v(i - 1) || IsStartTimeReset(s.st(i - 1), s.t(i - 1), s.st(i), s.t(i))) {
      ++resets;
    }
  }
  return resets;
}

// Mean with compensated summation; falls back to an incremental mean once the plain sum would
// overflow (Prometheus's avg_over_time and avg).
MaybeValue AvgOverTime(const RangeCall& c) {
  const auto s = Window(c);
  double sum = s[0].v, kahan_c = 0, mean = 0, count = 1;
  bool incremental = false;
  for (size_t i = 1; i < s.size(); ++i) {
    count = static_cast<double>(i + 1);
    if (!incremental) {
      KahanSum k{sum, kahan_c};
      k.Add(s[i].v);
      if (!std::isinf(k.sum)) {
        sum = k.sum;
        kahan_c = k.c;
        continue;
      }
      incremental = true;
      mean = sum / (count - 1);
      kahan_c /= (count - 1);
    }
    const double q = (count - 1) / count;
    KahanSum k{q * mean, q * kahan_c};
    k.Add(s[i].v / count);
    mean = k.sum;
    kahan_c = k.c;
  }
  if (incremental) return mean + kahan_c;
  return sum / count + kahan_c / count;
}

MaybeValue CountOverTime(const RangeCall& c) {
  return static_cast<double>(Window(c).size());
}
MaybeValue FirstOverTime(const RangeCall& c) {
  return Window(c).front().v;
}
MaybeValue LastOverTime(const RangeCall& c) {
  return Window(c).back().v;
}
MaybeValue PresentOverTime(const RangeCall&) {
  return 1.0;
}
MaybeValue AbsentOverTime(const RangeCall&) {
  return 1.0;
}
MaybeValue TsOfFirstOverTime(const RangeCall& c) {
  return static_cast<double>(Window(c).front().t) / 1000;
}
MaybeValue TsOfLastOverTime(const RangeCall& c) {
  return static_cast<double>(Window(c).back().t) / 1000;
}

template <typename Better>
MaybeValue CompareOverTime(const RangeCall& c, bool return_time, Better better) {
  const auto s = Window(c);
  double best = s[0].v;
  TimestampMs best_t = s[0].t;
  for (const auto& p : s) {
    if (better(p.v, best)) {
      best = p.v;
      best_t = p.t;
    }
  }
  return return_time ? static_cast<double>(best_t) / 1000 : best;
}

MaybeValue MaxOverTime(const RangeCall& c) {
  return CompareOverTime(c, false, [](double cur, double m) { return cur > m || std::isnan(m); });
}
MaybeValue MinOverTime(const RangeCall& c) {
  return CompareOverTime(c, false, [](double cur, double m) { return cur < m || std::isnan(m); });
}
MaybeValue TsOfMaxOverTime(const RangeCall& c) {
  return CompareOverTime(c, true, [](double cur, double m) { return cur >= m || std::isnan(m); });
}
MaybeValue TsOfMinOverTime(const RangeCall& c) {
  return CompareOverTime(c, true, [](double cur, double m) { return cur <= m || std::isnan(m); });
}

MaybeValue SumOverTime(const RangeCall& c) {
  KahanSum k;
  for (const auto& p : Window(c)) k.Add(p.v);
  if (std::isinf(k.sum)) return k.sum;
  return k.sum + k.c;
}

MaybeValue QuantileOverTime(const RangeCall& c) {
  const double q = c.scalars[0];
  if (std::isnan(q) || q < 0 || q > 1) {
    c.ev.annotations().Warn(annotation_text::InvalidQuantile(q), c.call.args[0]->pos);
  }
  std::vector<double> values;
  values.reserve(c.points.size());
  for (const auto& p : Window(c)) values.push_back(p.v);
  return Quantile(q, values);
}

MaybeValue MadOverTime(const RangeCall& c) {
  std::vector<double> values;
  for (const auto& p : Window(c)) {
    // NaN makes the median, and so the deviation, undefined.
    if (std::isnan(p.v)) return std::nan("");
    values.push_back(p.v);
  }
  const double median = Quantile(0.5, values);
  for (double& v : values) v = std::fabs(v - median);
  return Quantile(0.5, values);
}

// Welford's algorithm with compensated sums.
double Variance(const SampleSpan& s) {
  double count = 0, mean = 0, c_mean = 0, aux = 0, c_aux = 0;
  for (const auto& p : s) {
    count++;
    const double delta = p.v - (mean + c_mean);
    KahanInc(delta / count, mean, c_mean);
    KahanInc(delta * (p.v - (mean + c_mean)), aux, c_aux);
  }
  return (aux + c_aux) / count;
}

MaybeValue StdvarOverTime(const RangeCall& c) {
  return Variance(Window(c));
}
MaybeValue StddevOverTime(const RangeCall& c) {
  return std::sqrt(Variance(Window(c)));
}

MaybeValue DoubleExponentialSmoothing(const RangeCall& c) {
  const double sf = c.scalars[0];
  const double tf = c.scalars[1];
  if (sf <= 0 || sf >= 1) {
    c.ev.Fail("invalid smoothing factor. Expected: 0 < sf < 1, got: " + FormatGoFloat(sf, 'f', 6));
  }
  if (tf <= 0 || tf >= 1) {
    c.ev.Fail("invalid trend factor. Expected: 0 < tf < 1, got: " + FormatGoFloat(tf, 'f', 6));
  }
  const auto s = c.points;
  if (s.size() < 2) return std::nullopt;
  double s0 = 0, s1 = s[0].v, b = s[1].v - s[0].v;
  for (size_t i = 1; i < s.size(); ++i) {
    const double x = sf * s[i].v;
    // The trend at this point: the initial trend first, then smoothed differences.
    if (i - 1 != 0) b = tf * (s1 - s0) + (1 - tf) * b;
    const double y = (1 - sf) * (s1 + b);
    s0 = s1;
    s1 = x + y;
  }
  return s1;
}

}  // namespace

void RegisterRangeFunctions(std::vector<FunctionImpl>& t) {
  t.push_back({"rate", Rate, nullptr});
  t.push_back({"increase", Increase, nullptr});
  t.push_back({"delta", Delta, nullptr});
  t.push_back({"irate", Irate, nullptr});
  t.push_back({"idelta", Idelta, nullptr});
  t.push_back({"deriv", Deriv, nullptr});
  t.push_back({"predict_linear", PredictLinear, nullptr});
  t.push_back({"changes", Changes, nullptr});
  t.push_back({"resets", Resets, nullptr});
  t.push_back({"avg_over_time", AvgOverTime, nullptr});
  t.push_back({"count_over_time", CountOverTime, nullptr});
  t.push_back({"first_over_time", FirstOverTime, nullptr});
  t.push_back({"last_over_time", LastOverTime, nullptr});
  t.push_back({"present_over_time", PresentOverTime, nullptr});
  t.push_back({"absent_over_time", AbsentOverTime, nullptr});
  t.push_back({"ts_of_first_over_time", TsOfFirstOverTime, nullptr});
  t.push_back({"ts_of_last_over_time", TsOfLastOverTime, nullptr});
  t.push_back({"max_over_time", MaxOverTime, nullptr});
  t.push_back({"min_over_time", MinOverTime, nullptr});
  t.push_back({"ts_of_max_over_time", TsOfMaxOverTime, nullptr});
  t.push_back({"ts_of_min_over_time", TsOfMinOverTime, nullptr});
  t.push_back({"sum_over_time", SumOverTime, nullptr});
  t.push_back({"quantile_over_time", QuantileOverTime, nullptr});
  t.push_back({"mad_over_time", MadOverTime, nullptr});
  t.push_back({"stdvar_over_time", StdvarOverTime, nullptr});
  t.push_back({"stddev_over_time", StddevOverTime, nullptr});
  t.push_back({"double_exponential_smoothing", DoubleExponentialSmoothing, nullptr});
}

}  // namespace tocsin::promql
