// Function calls: dispatch to the function table, the per-series loop of range functions
// (with the anchored/smoothed restrictions and the "might not be a counter" info), and the
// special cases Prometheus's evaluator handles itself (timestamp of a selector,
// absent_over_time, label_replace/label_join, info).
#include <algorithm>

#include "engine/promql/function_impl.h"
#include "engine/promql/label_ops.h"
#include "storage/base/sample.h"

namespace tocsin::promql {

namespace {

bool IsSortFunction(std::string_view name) {
  return name == "sort" || name == "sort_desc" || name == "sort_by_label" ||
         name == "sort_by_label_desc";
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool AnchoredSafe(std::string_view f) {
  return f == "changes" || f == "delta" || f == "increase" || f == "rate" || f == "resets";
}
bool SmoothedSafe(std::string_view f) {
  return f == "delta" || f == "increase" || f == "rate";
}

}  // namespace

namespace {

// Whether the selector matches series of one metric name only (it has __name__="x").
bool SelectsOneMetricName(const VectorSelector& vs) {
  return std::any_of(vs.matchers.begin(), vs.matchers.end(), [](const LabelMatcher& m) {
    return m.name() == kMetricName && m.type() == MatchType::kEqual && !m.value().empty();
  });
}

}  // namespace

StepMatrix Evaluator::EvalCall(const Call& e, const SeriesGrouper* grouper,
                               std::vector<uint32_t>* group_of) {
  const std::string& name = e.func->name;

  // timestamp() of a selector, and start_timestamp() of one when start timestamps are on (on
  // anything else it returns nothing: start times do not survive an expression).
  const bool start_times = name == "start_timestamp" && options().use_start_timestamps;
  if ((name == "timestamp" || start_times) &&
      Unparen(*e.args[0]).kind == ExprKind::kVectorSelector) {
    // The selector's sample times matter here, not the step times: select directly.
    const auto& vs = static_cast<const VectorSelector&>(Unparen(*e.args[0]));
    const bool at = vs.at != AtModifier::kNone;
    const DurationMs lookback = options().lookback_delta;
    const DurationMs offset = vs.original_offset.ms;
    const TimestampMs first_ref = (at ? vs.at_timestamp : start_) - offset;
    const TimestampMs last_ref = (at ? vs.at_timestamp : end_) - offset;
    storage::SeriesSet ss;
    if (start_times) {
      ctx_.querier.SelectWithStartTimesInto(vs.matchers, first_ref - lookback + 1, last_ref, ss);
    } else {
      ss = ctx_.querier.Select(vs.matchers, first_ref - lookback + 1, last_ref);
    }
    std::vector<size_t> cursor(ss.size(), 0);
    Vector in;
    StepMajorCollector collector(!delayed_name_removal());
    StepMatrix direct;
    for (TimestampMs ts = start_; ts <= end_; ts += interval_) {
      // With @, Prometheus looks at the @ time itself (ignoring the offset).
      const TimestampMs ref = at ? vs.at_timestamp : ts - offset;
      in.clear();
      for (size_t i = 0; i < ss.size(); ++i) {
        auto times = ss.times(i);
        auto values = ss.values(i);
        size_t& k = cursor[i];
        while (k < times.size() && times[k] <= ref) ++k;
        if (k == 0) continue;
        if (times[k - 1] <= ref - lookback || IsStaleNaN(values[k - 1])) continue;
        const TimestampMs reported = start_times ? ss.start_times(i)[k - 1] : times[k - 1];
        in.push_back(Sample{ss.labels[i], reported, 0, false});
      }
      AddSamples(in.size());
      ReleaseSamples(in.size());
      for (const auto& s : in) {
        const double v = static_cast<double>(s.t) / 1000;
        if (IsInstant()) {
          direct.BeginSeries(s.metric, true);
          direct.Append(ts, v);
        } else if (!collector.Add(s.metric, true, ts, v)) {
          Fail("vector cannot contain metrics with the same labelset");
        }
      }
    }
    StepMatrix out = IsInstant() ? std::move(direct) : collector.Finish();
    if (!delayed_name_removal() && ContainsSameLabelset(out)) {
      Fail("vector cannot contain metrics with the same labelset");
    }
    AddSamples(out.points.size());
    return out;
  }

  // Evaluate a subquery argument first, as Prometheus does.
  int matrix_arg = -1;
  for (size_t i = 0; i < e.args.size(); ++i) {
    const ExprKind k = Unparen(*e.args[i]).kind;
    if (k == ExprKind::kMatrixSelector || k == ExprKind::kSubquery) {
      matrix_arg = static_cast<int>(i);
      break;
    }
  }

  if (name == "label_replace") return EvalLabelReplace(*this, e);
  if (name == "label_join") return EvalLabelJoin(*this, e);
  if (name == "info") return EvalInfo(e);

  const FunctionImpl* impl = FindFunctionImpl(name);
  if (impl == nullptr) Fail("function \"" + name + "\" is not supported");

  if (IsSortFunction(name) && !IsInstant()) {
    annotations().Warn(annotation_text::SortInRangeQuery(), e.pos);
  }

  if (matrix_arg < 0) {
    std::vector<const Expr*> exprs;
    exprs.reserve(e.args.size());
    for (const auto& a : e.args) exprs.push_back(a.get());
    return RangeEval(exprs, nullptr, [&](StepInputs& in, TimestampMs ts, Vector& out) {
      InstantCall call{*this, e, ts, in.vectors, out};
      impl->instant(call);
    });
  }
  if (impl->range == nullptr) Fail("function \"" + name + "\" does not take a range vector");

  // --- A function over a range vector: one window per series and step. ---
  const Expr& arg = Unparen(*e.args[static_cast<size_t>(matrix_arg)]);
  if (arg.kind == ExprKind::kMatrixSelector) {
    const auto& vs = static_cast<const VectorSelector&>(
        *static_cast<const MatrixSelector&>(arg).vector_selector);
    if (vs.anchored && !AnchoredSafe(name)) {
      Fail(
          "anchored modifier can only be used with: changes, delta, increase, rate, resets - "
          "not with " +
          name);
    }
    if (vs.smoothed && !SmoothedSafe(name)) {
      Fail("smoothed modifier can only be used with: delta, increase, rate - not with " + name);
    }
  }

  // The other arguments are scalars with a value at every step.
  std::vector<StepMatrix> scalar_args(e.args.size());
  for (size_t i = 0; i < e.args.size(); ++i) {
    if (static_cast<int>(i) == matrix_arg || e.args[i]->type() == ValueType::kString) continue;
    scalar_args[i] = EvalSteps(*e.args[i]);
  }
  const RangeSource src = LoadRange(arg, name);
  // Grouping the series for an aggregation as they are visited needs no label set per series,
  // but also no duplicate-labelset check afterwards (which would need them): the selector's
  // series are distinct, and so stay without their metadata labels when they share one metric
  // name and have no __type__/__unit__ (checked per series below; if one has, the call is
  // evaluated again the ordinary way).
  const bool grouping = grouper != nullptr && group_of != nullptr && src.matchers != nullptr &&
                        name != "absent_over_time" &&
                        SelectsOneMetricName(static_cast<const VectorSelector&>(
                            *static_cast<const MatrixSelector&>(arg).vector_selector));
  bool regroup = false;  // a series had __type__ or __unit__: evaluate again without grouping
  size_t loaded = 0;
  for (const auto& m : scalar_args) loaded += m.points.size();

  const DurationMs lookback = options().lookback_delta;
  const bool keeps_name = name == "last_over_time" || name == "first_over_time";
  const bool counter_check = name == "rate" || name == "increase";
  const int steps = NumSteps();
  std::vector<double> scalars;
  StepMatrix out;
  // The samples are read where the selection keeps them, one series at a time.
  loaded += ForEachRangeSeries(src, [&](const RangeSource::Series& series) {
    const SampleSpan& pts = series.samples;
    const bool drop_name = !keeps_name || series.drop_name;
    if (grouping) {
      if (regroup) return;
      if (Hidden(drop_name) &&
          series.WithLabels([](auto l) { return label_seq::HasTypeOrUnit(l); })) {
        regroup = true;
        return;
      }
      out.BeginSeries(Labels(), drop_name);
    } else {
      out.BeginSeries(series.Materialize(), drop_name);
    }
    size_t lo = 0, hi = 0;
    int step = 0;
    for (TimestampMs ts = start_; ts <= end_; ts += interval_, ++step) {
      const TimestampMs window_end = src.has_at ? src.window_end_at : ts - src.offset;
      const TimestampMs window_start = window_end - src.range;
      TimestampMs first_excluded = window_start;  // samples must be after this
      TimestampMs last_included = window_end;
      if (src.anchored || src.smoothed) first_excluded -= lookback;
      if (src.smoothed) last_included += lookback;
      if (step == 0) {
        // Find the first window by its ends, not by walking it: for an instant query that is
        // the only window, and most functions (rate, increase, ...) then read only the first
        // and last timestamps of it.
        const size_t n = pts.size();
        lo = n == 0 || pts.t(0) > first_excluded ? 0 : FirstAfter(pts, n, first_excluded);
        hi = n == 0 || pts.back().t <= last_included ? n : FirstAfter(pts, n, last_included);
        if (hi < lo) hi = lo;
      }
      while (lo < pts.size() && pts.t(lo) <= first_excluded) ++lo;
      if (hi < lo) hi = lo;
      while (hi < pts.size() && pts.t(hi) <= last_included) ++hi;
      if (hi == lo) continue;
      scalars.clear();
      for (size_t i = 0; i < scalar_args.size(); ++i) {
        if (static_cast<int>(i) == matrix_arg || e.args[i]->type() == ValueType::kString) continue;
        const StepMatrix& m = scalar_args[i];
        const uint32_t idx = m.series.empty() ? 0 : m.series[0].begin + static_cast<uint32_t>(step);
        const bool has = !m.series.empty() && idx < m.series[0].end;
        scalars.push_back(has ? m.points[idx].v : 0);
      }
      RangeCall call{*this,  e, src, series, ts, window_start, window_end, pts.subspan(lo, hi - lo),
                     scalars};
      if (auto v = impl->range(call)) out.Append(ts, *v);
    }
    const bool produced = out.series.back().size() > 0;
    out.EndSeries();
    if (grouping && produced) group_of->push_back((*grouper)(series, Hidden(drop_name)));
    if (counter_check && produced) {
      const std::string_view metric_name = series.WithLabels(
          [&](auto l) { return label_seq::Get(l, Hidden(series.drop_name), kMetricName); });
      if (!metric_name.empty() && !EndsWith(metric_name, "_total") &&
          !EndsWith(metric_name, "_sum") && !EndsWith(metric_name, "_count") &&
          !EndsWith(metric_name, "_bucket")) {
        annotations().Info(annotation_text::PossibleNonCounter(metric_name), src.pos);
      }
    }
  });
  ReleaseSamples(loaded);
  if (regroup) {
    group_of->clear();
    return EvalCall(e);
  }
  AddSamples(out.points.size());

  if (name == "absent_over_time") {
    // One series, with a point at every step where no input series had samples.
    std::vector<bool> found(static_cast<size_t>(steps), false);
    for (const auto& s : out.series) {
      for (const auto& p : out.points_of(s)) {
        found[static_cast<size_t>((p.t - start_) / interval_)] = true;
      }
    }
    StepMatrix absent;
    if (std::find(found.begin(), found.end(), false) == found.end()) return absent;
    absent.BeginSeries(AbsentLabels(arg), true);
    for (int i = 0; i < steps; ++i) {
      if (!found[static_cast<size_t>(i)]) absent.Append(start_ + i * interval_, 1);
    }
    absent.EndSeries();
    return absent;
  }

  if (!grouping && !delayed_name_removal() && ContainsSameLabelset(out)) {
    Fail("vector cannot contain metrics with the same labelset");
  }
  return out;
}

}  // namespace tocsin::promql
