// Selecting data: instant-vector selectors (newest sample within the lookback window, stale
// markers ending a series), range-vector selectors (left-open windows), offset and @, and the
// experimental `anchored` and `smoothed` modifiers.
#include <algorithm>

#include "engine/promql/evaluator.h"
#include "engine/promql/function_impl.h"
#include "engine/promql/range_window.h"
#include "storage/base/sample.h"

namespace tocsin::promql {

namespace {

// Linear interpolation between two points at time t (no counter-reset handling: the
// selector does not know whether it reads a counter).
double Interpolate(const FPoint& a, const FPoint& b, TimestampMs t) {
  return a.v + (b.v - a.v) * static_cast<double>(t - a.t) / static_cast<double>(b.t - a.t);
}

// Copies the non-stale samples of series i with mint < t <= maxt.
void AppendWindow(const storage::SeriesSet& ss, size_t i, TimestampMs mint, TimestampMs maxt,
                  std::vector<FPoint>& out) {
  auto times = ss.times(i);
  auto values = ss.values(i);
  const size_t from =
      static_cast<size_t>(std::upper_bound(times.begin(), times.end(), mint) - times.begin());
  for (size_t k = from; k < times.size() && times[k] <= maxt; ++k) {
    if (IsStaleNaN(values[k])) continue;
    out.push_back(FPoint{times[k], values[k]});
  }
}

}  // namespace

StepMatrix Evaluator::EvalVectorSelector(const VectorSelector& vs) {
  const DurationMs offset = vs.original_offset.ms;
  const bool at = vs.at != AtModifier::kNone;
  const DurationMs lookback = options().lookback_delta;
  auto ref_time = [&](TimestampMs ts) { return (at ? vs.at_timestamp : ts) - offset; };

  TimestampMs mint = ref_time(start_) - lookback + 1;
  TimestampMs maxt = ref_time(end_);
  if (!vs.smoothed) {
    // Each series is visited where the storage keeps it, and only the samples each step takes
    // are read: for an instant query the window's last sample alone, which the series store
    // keeps beside the ring. The series' label set is built for those that yield a sample.
    StepMatrix out;
    ctx_.querier.VisitSelection(vs.matchers, mint, maxt, [&](storage::SelectedSeries& s) {
      if (IsInstant()) {
        // The window (ref - lookback, ref] holds samples: its last is the one to take, unless
        // it is a stale marker, which ends the series.
        if (IsStaleNaN(s.last_v)) return;
        out.BeginSeries(s.Materialize(), false);
        out.Append(start_, s.last_v);
        return;
      }
      bool begun = false;
      size_t k = 0;  // first sample after the reference time
      for (TimestampMs ts = start_; ts <= end_; ts += interval_) {
        const TimestampMs ref = ref_time(ts);
        while (k < s.t.size() && s.t[k] <= ref) ++k;
        if (k == 0) continue;
        const size_t j = k - 1;
        if (s.t[j] <= ref - lookback || IsStaleNaN(s.v[j])) continue;
        if (!begun) {
          out.BeginSeries(s.Materialize(), false);
          begun = true;
        }
        out.Append(ts, s.v[j]);
      }
    });
    AddSamples(out.points.size());
    return out;
  }
  maxt += lookback;  // smoothed: interpolation also looks ahead
  PooledSelection selection;
  ctx_.querier.SelectInto(vs.matchers, mint, maxt, *selection);
  storage::SeriesSet& ss = *selection;

  StepMatrix out;
  out.series.reserve(ss.size());
  if (vs.smoothed) {
    // Each step takes the sample at the step time, or interpolates between its neighbours
    // within the lookback window on either side, or carries the previous sample forward.
    std::vector<FPoint> window;
    for (size_t i = 0; i < ss.size(); ++i) {
      out.BeginSeries(ss.labels[i], false);
      for (TimestampMs ts = start_; ts <= end_; ts += interval_) {
        const TimestampMs data_ts = ref_time(ts);
        window.clear();
        AppendWindow(ss, i, data_ts - lookback, data_ts + lookback, window);
        if (window.empty()) continue;
        auto it = std::lower_bound(window.begin(), window.end(), data_ts,
                                   [](const FPoint& p, TimestampMs t) { return p.t < t; });
        const size_t k = static_cast<size_t>(it - window.begin());
        if (k < window.size() && window[k].t == data_ts) {
          out.Append(ts, window[k].v);
        } else if (k > 0 && k < window.size()) {
          out.Append(ts, Interpolate(window[k - 1], window[k], data_ts));
        } else if (k > 0) {
          out.Append(ts, window[k - 1].v);
        }
      }
      out.EndSeries();
    }
    AddSamples(out.points.size());
    return out;
  }

  out.points.reserve(ss.size() * static_cast<size_t>(NumSteps()));
  for (size_t i = 0; i < ss.size(); ++i) {
    auto times = ss.times(i);
    auto values = ss.values(i);
    out.BeginSeries(ss.labels[i], false);
    size_t k = 0;  // first sample after the reference time
    for (TimestampMs ts = start_; ts <= end_; ts += interval_) {
      const TimestampMs ref = ref_time(ts);
      while (k < times.size() && times[k] <= ref) ++k;
      if (k == 0) continue;
      const size_t j = k - 1;
      if (times[j] <= ref - lookback || IsStaleNaN(values[j])) continue;
      out.Append(ts, values[j]);
    }
    out.EndSeries();
  }
  AddSamples(out.points.size());
  return out;
}

StepMatrix Evaluator::EvalMatrixSelector(const MatrixSelector& ms) {
  const auto& vs = static_cast<const VectorSelector&>(*ms.vector_selector);
  const DurationMs lookback = options().lookback_delta;
  const TimestampMs window_end =
      (vs.at != AtModifier::kNone ? vs.at_timestamp : start_) - vs.original_offset.ms;
  const TimestampMs window_start = window_end - ms.range.ms;
  TimestampMs mint = window_start;
  TimestampMs maxt = window_end;
  if (vs.anchored || vs.smoothed) mint -= lookback;
  if (vs.smoothed) maxt += lookback;
  storage::SeriesSet ss = ctx_.querier.Select(vs.matchers, mint + 1, maxt);

  StepMatrix out;
  std::vector<FPoint> window;
  std::vector<FPoint> extended;
  for (size_t i = 0; i < ss.size(); ++i) {
    window.clear();
    AppendWindow(ss, i, mint, maxt, window);
    std::span<const FPoint> pts = window;
    if ((vs.anchored || vs.smoothed) && !window.empty()) {
      ExtendWindow(window, window_start, window_end, vs.smoothed, extended);
      pts = extended;
    }
    if (pts.empty()) continue;
    out.BeginSeries(ss.labels[i], false);
    for (const auto& p : pts) out.Append(p.t, p.v);
    out.EndSeries();
  }
  AddSamples(out.points.size());
  return out;
}

RangeSource Evaluator::LoadRange(const Expr& arg_expr, const std::string& func_name) {
  const Expr& arg = Unparen(arg_expr);
  RangeSource src;
  if (arg.kind == ExprKind::kSubquery) {
    const auto& sq = static_cast<const SubqueryExpr&>(arg);
    StepMatrix m = EvalSubquery(sq);
    src.range = sq.range.ms;
    src.offset = EffectiveOffset(sq.original_offset.ms, sq.at, sq.at_timestamp);
    src.has_at = sq.at != AtModifier::kNone;
    src.window_end_at = sq.at_timestamp - sq.original_offset.ms;
    src.from_subquery = true;
    // Prometheus replaces the subquery by a synthetic selector without a position.
    src.pos = PosRange{0, 0};
    src.owned_t.reserve(m.points.size());
    src.owned_v.reserve(m.points.size());
    for (const auto& p : m.points) {
      src.owned_t.push_back(p.t);
      src.owned_v.push_back(p.v);
    }
    src.series.reserve(m.series.size());
    for (auto& s : m.series) {
      src.series.push_back(RangeSource::Series{
          std::move(s.metric), s.drop_name,
          SampleSpan(src.owned_t.data() + s.begin, src.owned_v.data() + s.begin, s.size())});
    }
    return src;
  }
  if (arg.kind != ExprKind::kMatrixSelector) {
    Fail("expected a range vector argument for " + func_name);
  }
  const auto& ms = static_cast<const MatrixSelector&>(arg);
  const auto& vs = static_cast<const VectorSelector&>(*ms.vector_selector);
  const DurationMs lookback = options().lookback_delta;
  src.range = ms.range.ms;
  src.offset = vs.original_offset.ms;
  src.has_at = vs.at != AtModifier::kNone;
  src.window_end_at = vs.at_timestamp - vs.original_offset.ms;
  src.anchored = vs.anchored;
  src.smoothed = vs.smoothed;
  src.pos = ms.pos;

  const TimestampMs first_end = src.has_at ? src.window_end_at : start_ - src.offset;
  const TimestampMs last_end = src.has_at ? src.window_end_at : end_ - src.offset;
  TimestampMs mint = first_end - src.range;
  TimestampMs maxt = last_end;
  if (src.anchored || src.smoothed) mint -= lookback;
  if (src.smoothed) maxt += lookback;
  // The window is left-open: the sample at mint is not selected. Start timestamps travel only
  // from a range selector straight into the functions that read them (as in Prometheus, a
  // subquery cuts them).
  const bool with_start_times = options().use_start_timestamps && ReadsStartTimes(func_name);
  if (!with_start_times) {
    // The usual case: the series are visited in place by ForEachRangeSeries.
    src.matchers = &vs.matchers;
    src.select_mint = mint + 1;
    src.select_maxt = maxt;
    return src;
  }
  // With start timestamps (experimental) the selection is copied, start times aligned.
  ctx_.querier.SelectWithStartTimesInto(vs.matchers, mint + 1, maxt, *src.selected);
  storage::SeriesSet& ss = *src.selected;
  src.held_samples = ss.t.size();
  const bool has_st = ss.st.size() == ss.t.size();

  // Series with stale markers get a copy without them; the rest are read in place.
  struct Copied {
    size_t series, begin, end;
  };
  std::vector<Copied> copied;
  for (size_t i = 0; i < ss.size(); ++i) {
    auto values = ss.values(i);
    if (std::none_of(values.begin(), values.end(), [](double v) { return IsStaleNaN(v); })) {
      continue;
    }
    auto times = ss.times(i);
    auto starts = ss.start_times(i);
    const size_t begin = src.owned_t.size();
    for (size_t k = 0; k < values.size(); ++k) {
      if (IsStaleNaN(values[k])) continue;
      src.owned_t.push_back(times[k]);
      src.owned_v.push_back(values[k]);
      if (has_st) src.owned_st.push_back(starts[k]);
    }
    copied.push_back(Copied{i, begin, src.owned_t.size()});
  }
  src.series.reserve(ss.size());
  size_t next_copied = 0;
  for (size_t i = 0; i < ss.size(); ++i) {
    SampleSpan samples(ss.t.data() + ss.offsets[i], ss.v.data() + ss.offsets[i],
                       has_st ? ss.st.data() + ss.offsets[i] : nullptr,
                       ss.offsets[i + 1] - ss.offsets[i]);
    if (next_copied < copied.size() && copied[next_copied].series == i) {
      const Copied& c = copied[next_copied++];
      samples = SampleSpan(src.owned_t.data() + c.begin, src.owned_v.data() + c.begin,
                           has_st ? src.owned_st.data() + c.begin : nullptr, c.end - c.begin);
    }
    src.series.push_back(RangeSource::Series{std::move(ss.labels[i]), false, samples});
  }
  return src;
}

size_t Evaluator::ForEachRangeSeries(const RangeSource& src,
                                     const std::function<void(const RangeSource::Series&)>& fn) {
  if (src.matchers == nullptr) {
    // Held series: a subquery's (it has counted its own output) or a copied selection's.
    AddSamples(src.held_samples);
    for (const auto& s : src.series) fn(s);
    return src.held_samples;
  }
  size_t loaded = 0;
  std::vector<TimestampMs> kept_t;  // a series' samples without its stale markers
  std::vector<double> kept_v;
  RangeSource::Series series;
  ctx_.querier.VisitSelection(
      *src.matchers, src.select_mint, src.select_maxt, [&](storage::SelectedSeries& selected) {
        AddSamples(selected.t.size());
        loaded += selected.t.size();
        series.selected = &selected;
        series.samples = SampleSpan(selected.t.data(), selected.v.data(), selected.t.size(),
                                    FPoint{selected.last_t, selected.last_v});
        series.no_stale_or_decrease = selected.no_stale_or_decrease;
        const auto& values = selected.v;
        if (!selected.no_stale_or_decrease &&
            std::any_of(values.begin(), values.end(), [](double v) { return IsStaleNaN(v); })) {
          kept_t.clear();
          kept_v.clear();
          for (size_t k = 0; k < values.size(); ++k) {
            if (IsStaleNaN(values[k])) continue;
            kept_t.push_back(selected.t[k]);
            kept_v.push_back(values[k]);
          }
          series.samples = SampleSpan(kept_t.data(), kept_v.data(), kept_t.size());
        }
        fn(series);
      });
  return loaded;
}

}  // namespace tocsin::promql
