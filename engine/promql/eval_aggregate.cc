// Aggregation operators: sum (compensated), avg (compensated, incremental once the sum would
// overflow), count, group, min, max, stddev/stdvar (Welford), quantile, count_values, and the
// selecting ones topk/bottomk/limitk/limit_ratio, with `by`/`without` grouping.
#include <algorithm>
#include <cmath>
#include <limits>

#include "engine/promql/evaluator.h"
#include "storage/base/go_float.h"
#include "engine/promql/function_impl.h"
#include "engine/promql/kahan.h"
#include "engine/promql/label_ops.h"
#include "engine/promql/symbol_grouping.h"
#include "storage/base/strings.h"

namespace tocsin::promql {

namespace {

// The largest float that converts to int64 without overflow, and the smallest.
constexpr double kMaxInt64 = 9223372036854774784.0;
constexpr double kMinInt64 = -9223372036854775808.0;

// The aggregation parameter (k, q, ratio): a constant or a value per step.
struct Param {
  bool constant = true;
  double value = 0;
  std::vector<double> per_step;
  double min = 0, max = 0;
  bool any_nan = false;

  double At(int step) const {
    if (constant) return value;
    return static_cast<size_t>(step) < per_step.size() ? per_step[static_cast<size_t>(step)] : 0;
  }
};

Param EvalParam(Evaluator& ev, const Expr* e) {
  Param p;
  if (e == nullptr) return p;
  const Expr& inner = Unparen(*e);
  StepMatrix m = ev.EvalSteps(inner);
  if (m.series.empty()) return p;
  auto pts = m.points_of(m.series[0]);
  if (inner.kind == ExprKind::kNumberLiteral) {
    p.value = pts.empty() ? 0 : pts[0].v;
    p.min = p.max = p.value;
    p.any_nan = std::isnan(p.value);
    return p;
  }
  p.constant = false;
  p.min = std::numeric_limits<double>::max();
  p.max = -std::numeric_limits<double>::max();
  for (const auto& pt : pts) {
    p.per_step.push_back(pt.v);
    // Go's math.Max/Min: NaN wins.
    if (std::isnan(pt.v) || std::isnan(p.max)) {
      p.max = std::nan("");
      p.min = std::nan("");
    } else {
      p.max = std::max(p.max, pt.v);
      p.min = std::min(p.min, pt.v);
    }
    if (std::isnan(pt.v)) p.any_nan = true;
  }
  return p;
}

// Go's container/heap on a vector with the given "less", so that topk/bottomk/limitk and
// limit_ratio return equal values in the order Prometheus does.
template <typename Less>
void HeapUp(std::vector<Sample>& h, size_t j, Less less) {
  while (j > 0) {
    const size_t i = (j - 1) / 2;
    if (!less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    j = i;
  }
}
template <typename Less>
bool HeapDown(std::vector<Sample>& h, size_t i0, Less less) {
  size_t i = i0;
  const size_t n = h.size();
  while (true) {
    const size_t j1 = 2 * i + 1;
    if (j1 >= n) break;
    size_t j = j1;
    if (j1 + 1 < n && less(h[j1 + 1], h[j1])) j = j1 + 1;
    if (!less(h[j], h[i])) break;
    std::swap(h[i], h[j]);
    i = j;
  }
  return i > i0;
}
template <typename Less>
void HeapPush(std::vector<Sample>& h, Sample s, Less less) {
  h.push_back(std::move(s));
  HeapUp(h, h.size() - 1, less);
}
template <typename Less>
void HeapFix(std::vector<Sample>& h, size_t i, Less less) {
  if (!HeapDown(h, i, less)) HeapUp(h, i, less);
}
// Go's sort.Sort: an insertion sort (stable) for up to 12 elements.
template <typename Less>
void GoSort(std::vector<Sample>& v, Less less) {
  if (v.size() <= 12) {
    for (size_t i = 1; i < v.size(); ++i) {
      for (size_t j = i; j > 0 && less(v[j], v[j - 1]); --j) std::swap(v[j], v[j - 1]);
    }
    return;
  }
  std::stable_sort(v.begin(), v.end(), less);
}

// vectorByValueHeap: NaN counts as the smallest value.
bool ValueLess(const Sample& a, const Sample& b) {
  return std::isnan(a.v) || a.v < b.v;
}
// vectorByReverseValueHeap: NaN counts as the largest value.
bool ReverseValueLess(const Sample& a, const Sample& b) {
  return std::isnan(a.v) || a.v > b.v;
}

struct Group {
  bool seen = false;
  double value = 0;
  double mean = 0;
  double kahan_c = 0;
  double count = 0;
  bool incremental_mean = false;
  bool drop_name = false;
  std::vector<double> values;  // quantile
  std::vector<Sample> heap;    // topk, bottomk, limitk, limit_ratio
  bool complete = false;       // limitk: k samples collected
};

// Whether two series fall into the same group.
bool SameGroup(const Labels& a, bool ha, const Labels& b, bool hb,
               const std::vector<std::string>& names, bool without) {
  if (!without) {
    for (const auto& n : names) {
      if (GetLabel(a, ha, n) != GetLabel(b, hb, n)) return false;
    }
    return true;
  }
  auto skip = [&](const Label& l, bool hidden) {
    return l.name == kMetricName || (hidden && IsMetadataLabel(l.name)) ||
           std::binary_search(names.begin(), names.end(), l.name);
  };
  auto ia = a.begin(), ib = b.begin();
  while (true) {
    while (ia != a.end() && skip(*ia, ha)) ++ia;
    while (ib != b.end() && skip(*ib, hb)) ++ib;
    if (ia == a.end() || ib == b.end()) return ia == a.end() && ib == b.end();
    if (ia->name != ib->name || ia->value != ib->value) return false;
    ++ia;
    ++ib;
  }
}

}  // namespace

StepMatrix Evaluator::EvalAggregate(const AggregateExpr& e) {
  std::vector<std::string> grouping = e.grouping;
  std::sort(grouping.begin(), grouping.end());
  const Op op = e.op;

  if (op == Op::kCountValues) {
    const auto& label = static_cast<const StringLiteral&>(Unparen(*e.param)).value;
    if (!IsValidLabelName(label)) Fail("invalid label name " + GoQuote(label));
    if (!e.without) {
      grouping.push_back(label);
      std::sort(grouping.begin(), grouping.end());
    }
    const Expr* exprs[1] = {e.expr.get()};
    return RangeEval(exprs, nullptr, [&](StepInputs& in, TimestampMs ts, Vector& out) {
      struct Counted {
        Labels metric;
        double count;
      };
      std::vector<Counted> groups;
      HashIndex index;
      index.Reset(in.vectors[0].size());
      for (const auto& s : in.vectors[0]) {
        LabelsBuilder b(Effective(s.metric, Hidden(s.drop_name)));
        b.set(label, FormatGoFloat(s.v, 'f', -1));
        const Labels metric = b.labels();
        const uint64_t h =
            e.without ? HashWithout(metric, false, grouping) : HashOnly(metric, false, grouping);
        uint32_t g = index.Find(h, [&](uint32_t k) {
          return SameGroup(groups[k].metric, false, metric, false, grouping, e.without);
        });
        if (g == HashIndex::kNone) {
          g = static_cast<uint32_t>(groups.size());
          groups.push_back(Counted{GroupingLabels(metric, false, grouping, e.without), 0});
          index.Insert(h, g);
        }
        groups[g].count++;
      }
      for (auto& g : groups) out.push_back(Sample{std::move(g.metric), ts, g.count, false});
    });
  }

  Param param = EvalParam(*this, e.param.get());
  const bool selecting =
      op == Op::kTopk || op == Op::kBottomk || op == Op::kLimitK || op == Op::kLimitRatio;

  // Map input series to groups (in order of first appearance). Over a range function the
  // series are grouped as the call produces them, from the labels the selection presents, so
  // that only each group's labels are built (the selecting aggregations output their input
  // series, so they need those whole).
  std::vector<uint32_t> group_of;
  std::vector<Labels> group_labels;
  StepMatrix input;
  const Expr& inner = Unparen(*e.expr);
  if (!selecting && inner.kind == ExprKind::kCall && start_ <= end_) {
    HashIndex index;
    index.Reset(16);
    // Series the store visits carry their labels' symbol ids: grouped on those, they need no
    // string read per series. A selection's series either all carry them or none do, so the
    // two ways never number the same group twice.
    SymbolGrouping by_symbols(grouping, e.without);
    const SeriesGrouper grouper = [&](const RangeSource::Series& s, bool hidden) {
      if (s.selected != nullptr && !s.selected->symbols.empty()) {
        uint32_t g = by_symbols.Find(s.selected->labels, s.selected->symbols, hidden);
        if (g == SymbolGrouping::kNone) {
          g = static_cast<uint32_t>(group_labels.size());
          group_labels.push_back(
              label_seq::GroupingLabels(s.selected->labels, hidden, grouping, e.without));
          by_symbols.Add(g);
        }
        return g;
      }
      return s.WithLabels([&](auto labels) {
        const uint64_t h = label_seq::GroupingHash(labels, hidden, grouping, e.without);
        uint32_t g = index.Find(h, [&](uint32_t k) {
          return label_seq::InGroup(labels, hidden, group_labels[k], grouping, e.without);
        });
        if (g == HashIndex::kNone) {
          g = static_cast<uint32_t>(group_labels.size());
          group_labels.push_back(label_seq::GroupingLabels(labels, hidden, grouping, e.without));
          index.Insert(h, g);
        }
        return g;
      });
    };
    input = EvalCall(static_cast<const Call&>(inner), &grouper, &group_of);
    // Not grouped by the call (or begun and abandoned): group below.
    if (group_of.empty()) group_labels.clear();
  } else {
    input = EvalSteps(*e.expr);
  }
  const size_t n = input.series.size();
  if (group_of.empty() && n > 0) {
    group_of.resize(n);
    HashIndex index;
    index.Reset(n);
    std::vector<uint32_t> representative;
    for (uint32_t i = 0; i < n; ++i) {
      const StepSeries& s = input.series[i];
      const bool hidden = Hidden(s.drop_name);
      uint64_t h = 0;
      if (e.without) {
        h = HashWithout(s.metric, hidden, grouping);
      } else if (!grouping.empty()) {
        h = HashOnly(s.metric, hidden, grouping);
      }
      uint32_t g = index.Find(h, [&](uint32_t k) {
        const StepSeries& r = input.series[representative[k]];
        return SameGroup(r.metric, Hidden(r.drop_name), s.metric, hidden, grouping, e.without);
      });
      if (g == HashIndex::kNone) {
        g = static_cast<uint32_t>(representative.size());
        representative.push_back(i);
        index.Insert(h, g);
        if (!selecting)
          group_labels.push_back(GroupingLabels(s.metric, hidden, grouping, e.without));
      }
      group_of[i] = g;
    }
    if (selecting) group_labels.resize(representative.size());
  }
  std::vector<Group> groups(group_labels.size());

  const PosRange param_pos = e.param ? e.param->pos : PosRange{};
  switch (op) {
    case Op::kTopk:
    case Op::kBottomk:
    case Op::kLimitK:
      if (param.max < 1) return StepMatrix{};
      if (param.any_nan) Fail("Parameter value is NaN");
      if (param.min <= kMinInt64) Fail("Scalar value " + FormatGoG(param.min) + " underflows int64");
      if (param.max >= kMaxInt64) Fail("Scalar value " + FormatGoG(param.max) + " overflows int64");
      break;
    case Op::kLimitRatio:
      if (param.max == 0 && param.min == 0) return StepMatrix{};
      if (param.any_nan) Fail("Ratio value is NaN");
      if (param.max > 1.0)
        annotations().Warn(annotation_text::InvalidRatio(param.max, 1.0), param_pos);
      if (param.min < -1.0) {
        annotations().Warn(annotation_text::InvalidRatio(param.min, -1.0), param_pos);
      }
      break;
    case Op::kQuantile:
      if (param.any_nan)
        annotations().Warn(annotation_text::InvalidQuantile(std::nan("")), param_pos);
      if (param.max > 1) annotations().Warn(annotation_text::InvalidQuantile(param.max), param_pos);
      if (param.min < 0) annotations().Warn(annotation_text::InvalidQuantile(param.min), param_pos);
      break;
    default:
      break;
  }

  std::vector<uint32_t> cursor(n);
  for (size_t i = 0; i < n; ++i) cursor[i] = input.series[i].begin;
  const bool instant = IsInstant();
  StepMajorCollector collector(!delayed_name_removal());
  StepMatrix direct;  // instant results of the selecting aggregations, in Prometheus's order
  std::vector<std::vector<FPoint>> group_points(groups.size());
  std::vector<bool> group_drop(groups.size(), false);

  int step = 0;
  for (TimestampMs ts = start_; ts <= end_; ts += interval_, ++step) {
    const double p = param.At(step);
    for (auto& g : groups) g.seen = false;

    if (selecting) {
      int64_t k = 0;
      double ratio = 0;
      bool empty_step = false;
      for (size_t si = 0; si < n; ++si) {
        const StepSeries& in = input.series[si];
        uint32_t& c = cursor[si];
        if (c >= in.end || input.points[c].t != ts) continue;
        const double v = input.points[c++].v;
        if (empty_step) continue;
        Sample s{in.metric, ts, v, in.drop_name};
        if (op == Op::kLimitRatio) {
          if (p == 0) {
            empty_step = true;
            continue;
          }
          ratio = std::clamp(p, -1.0, 1.0);
        } else {
          k = std::min(static_cast<int64_t>(p), static_cast<int64_t>(n));
          if (k < 1) {
            empty_step = true;
            continue;
          }
        }
        Group& g = groups[group_of[si]];
        auto ratio_keeps = [&](const Sample& smp) {
          const double offset =
              static_cast<double>(PrometheusLabelsHash(smp.metric, Hidden(smp.drop_name))) /
              static_cast<double>(std::numeric_limits<uint64_t>::max());
          return (ratio >= 0 && offset < ratio) || (ratio < 0 && offset >= 1.0 + ratio);
        };
        if (!g.seen) {
          g.seen = true;
          g.heap.clear();
          g.complete = false;
          switch (op) {
            case Op::kLimitRatio:
              if (ratio_keeps(s)) HeapPush(g.heap, std::move(s), ValueLess);
              break;
            case Op::kLimitK:
              g.heap.push_back(std::move(s));
              break;
            case Op::kTopk:
              HeapPush(g.heap, std::move(s), ValueLess);
              break;
            default:
              HeapPush(g.heap, std::move(s), ReverseValueLess);
              break;
          }
          continue;
        }
        switch (op) {
          case Op::kTopk:
            if (static_cast<int64_t>(g.heap.size()) < k) {
              HeapPush(g.heap, std::move(s), ValueLess);
            } else if (g.heap[0].v < s.v || (std::isnan(g.heap[0].v) && !std::isnan(s.v))) {
              g.heap[0] = std::move(s);
              if (k > 1) HeapFix(g.heap, 0, ValueLess);
            }
            break;
          case Op::kBottomk:
            if (static_cast<int64_t>(g.heap.size()) < k) {
              HeapPush(g.heap, std::move(s), ReverseValueLess);
            } else if (g.heap[0].v > s.v || (std::isnan(g.heap[0].v) && !std::isnan(s.v))) {
              g.heap[0] = std::move(s);
              if (k > 1) HeapFix(g.heap, 0, ReverseValueLess);
            }
            break;
          case Op::kLimitK:
            if (static_cast<int64_t>(g.heap.size()) < k) HeapPush(g.heap, std::move(s), ValueLess);
            break;
          default:  // limit_ratio
            if (ratio_keeps(s)) HeapPush(g.heap, std::move(s), ValueLess);
            break;
        }
      }
      if (empty_step) continue;
      for (auto& g : groups) {
        if (!g.seen) continue;
        if (op == Op::kTopk && g.heap.size() > 1) {
          GoSort(g.heap, [](const Sample& a, const Sample& b) { return ValueLess(b, a); });
        } else if (op == Op::kBottomk && g.heap.size() > 1) {
          GoSort(g.heap, [](const Sample& a, const Sample& b) { return ReverseValueLess(b, a); });
        }
        for (auto& s : g.heap) {
          if (instant) {
            direct.BeginSeries(std::move(s.metric), s.drop_name);
            direct.Append(ts, s.v);
          } else if (!collector.Add(s.metric, s.drop_name, ts, s.v)) {
            Fail("vector cannot contain metrics with the same labelset");
          }
        }
        g.heap.clear();
      }
      continue;
    }

    for (size_t si = 0; si < n; ++si) {
      const StepSeries& in = input.series[si];
      uint32_t& c = cursor[si];
      if (c >= in.end || input.points[c].t != ts) continue;
      const double f = input.points[c++].v;
      Group& g = groups[group_of[si]];
      if (!g.seen) {
        g.seen = true;
        g.value = f;
        g.mean = f;
        g.kahan_c = 0;
        g.count = 1;
        g.incremental_mean = false;
        g.drop_name = in.drop_name;
        switch (op) {
          case Op::kStddev:
          case Op::kStdvar:
            g.value = (std::isnan(f) || std::isinf(f)) ? std::nan("") : 0;
            break;
          case Op::kQuantile:
            g.values.assign(1, f);
            break;
          case Op::kGroup:
            g.value = 1;
            break;
          default:
            break;
        }
        continue;
      }
      if (in.drop_name) g.drop_name = true;
      switch (op) {
        case Op::kSum:
          KahanInc(f, g.value, g.kahan_c);
          break;
        case Op::kAvg: {
          g.count++;
          if (!g.incremental_mean) {
            KahanSum k{g.value, g.kahan_c};
            k.Add(f);
            if (!std::isinf(k.sum)) {
              g.value = k.sum;
              g.kahan_c = k.c;
              break;
            }
            // The sum would overflow: continue with an incremental mean.
            g.incremental_mean = true;
            g.mean = g.value / (g.count - 1);
            g.kahan_c /= g.count - 1;
          }
          const double q = (g.count - 1) / g.count;
          KahanSum k{q * g.mean, q * g.kahan_c};
          k.Add(f / g.count);
          g.mean = k.sum;
          g.kahan_c = k.c;
          break;
        }
        case Op::kMax:
          if (g.value < f || std::isnan(g.value)) g.value = f;
          break;
        case Op::kMin:
          if (g.value > f || std::isnan(g.value)) g.value = f;
          break;
        case Op::kCount:
          g.count++;
          break;
        case Op::kStddev:
        case Op::kStdvar: {
          g.count++;
          const double delta = f - g.mean;
          g.mean += delta / g.count;
          g.value += delta * (f - g.mean);
          break;
        }
        case Op::kQuantile:
          g.values.push_back(f);
          break;
        default:  // group
          break;
      }
    }
    for (size_t gi = 0; gi < groups.size(); ++gi) {
      Group& g = groups[gi];
      if (!g.seen) continue;
      double v = g.value;
      switch (op) {
        case Op::kAvg:
          v = g.incremental_mean ? g.mean + g.kahan_c : g.value / g.count + g.kahan_c / g.count;
          break;
        case Op::kCount:
          v = g.count;
          break;
        case Op::kStdvar:
          v = g.value / g.count;
          break;
        case Op::kStddev:
          v = std::sqrt(g.value / g.count);
          break;
        case Op::kQuantile:
          v = Quantile(p, g.values);
          break;
        case Op::kSum:
          v = g.value + g.kahan_c;
          break;
        default:
          break;
      }
      group_points[gi].push_back(FPoint{ts, v});
      group_drop[gi] = g.drop_name;
    }
  }

  ReleaseSamples(input.points.size());
  if (selecting) {
    StepMatrix out = instant ? std::move(direct) : collector.Finish();
    AddSamples(out.points.size());
    return out;
  }
  StepMatrix out;
  out.series.reserve(groups.size());
  for (size_t gi = 0; gi < groups.size(); ++gi) {
    if (group_points[gi].empty()) continue;
    out.BeginSeries(std::move(group_labels[gi]), group_drop[gi]);
    for (const auto& pt : group_points[gi]) out.Append(pt.t, pt.v);
    out.EndSeries();
  }
  AddSamples(out.points.size());
  return out;
}

}  // namespace tocsin::promql
