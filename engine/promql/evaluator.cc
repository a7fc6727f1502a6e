#include "engine/promql/evaluator.h"

#include <algorithm>

#include "engine/promql/label_ops.h"

namespace tocsin::promql {

namespace {

constexpr const char* kDuplicateLabelset = "vector cannot contain metrics with the same labelset";

// Whether two label sets agree on the labels that form a matching signature.
bool SameSignature(const Labels& a, bool hidden_a, const Labels& b, bool hidden_b,
                   const std::vector<std::string>& names, bool on) {
  if (on) {
    for (const auto& n : names) {
      if (GetLabel(a, hidden_a, n) != GetLabel(b, hidden_b, n)) return false;
    }
    return true;
  }
  auto skip = [&](const Label& l, bool hidden) {
    return l.name == kMetricName || (hidden && IsMetadataLabel(l.name)) ||
           std::binary_search(names.begin(), names.end(), l.name);
  };
  auto ia = a.begin(), ib = b.begin();
  while (true) {
    while (ia != a.end() && skip(*ia, hidden_a)) ++ia;
    while (ib != b.end() && skip(*ib, hidden_b)) ++ib;
    if (ia == a.end() || ib == b.end()) return ia == a.end() && ib == b.end();
    if (ia->name != ib->name || ia->value != ib->value) return false;
    ++ia;
    ++ib;
  }
}

}  // namespace

const Expr& Unparen(const Expr& e) {
  const Expr* p = &e;
  while (p->kind == ExprKind::kParen) p = static_cast<const ParenExpr*>(p)->expr.get();
  return *p;
}

const char* DocumentedType(ValueType t) {
  switch (t) {
    case ValueType::kMatrix:
      return "range vector";
    case ValueType::kVector:
      return "instant vector";
    case ValueType::kScalar:
      return "scalar";
    case ValueType::kString:
      return "string";
    case ValueType::kNone:
      break;
  }
  return "none";
}

void Evaluator::AddSamples(size_t n) {
  ctx_.samples += n;
  if (ctx_.samples > ctx_.options.max_samples) {
    Fail("query processing would load too many samples into memory in query execution");
  }
}

EvalResult Evaluator::Eval(const Expr& e) {
  EvalResult r;
  if (end_ < start_) return r;
  switch (e.kind) {
    case ExprKind::kNumberLiteral:
      r.matrix = EvalNumber(static_cast<const NumberLiteral&>(e).value);
      break;
    case ExprKind::kStringLiteral:
      r.is_string = true;
      r.str = static_cast<const StringLiteral&>(e).value;
      break;
    case ExprKind::kParen:
      return Eval(*static_cast<const ParenExpr&>(e).expr);
    case ExprKind::kVectorSelector:
      r.matrix = EvalVectorSelector(static_cast<const VectorSelector&>(e));
      break;
    case ExprKind::kMatrixSelector:
      if (!IsInstant()) Fail("cannot do range evaluation of matrix selector");
      r.matrix = EvalMatrixSelector(static_cast<const MatrixSelector&>(e));
      break;
    case ExprKind::kSubquery:
      r.matrix = EvalSubquery(static_cast<const SubqueryExpr&>(e));
      break;
    case ExprKind::kUnary:
      r.matrix = EvalUnary(static_cast<const UnaryExpr&>(e));
      break;
    case ExprKind::kBinary:
      r.matrix = EvalBinary(static_cast<const BinaryExpr&>(e));
      break;
    case ExprKind::kAggregate:
      r.matrix = EvalAggregate(static_cast<const AggregateExpr&>(e));
      break;
    case ExprKind::kCall:
      r.matrix = EvalCall(static_cast<const Call&>(e));
      break;
    case ExprKind::kStepInvariant:
      r.matrix = EvalStepInvariant(static_cast<const StepInvariantExpr&>(e));
      break;
    case ExprKind::kDuration: {
      // Only reachable if a duration expression stands where a number is expected; the
      // pre-processing resolves those inside ranges and offsets.
      Fail("unexpected duration expression");
    }
  }
  return r;
}

StepMatrix Evaluator::EvalNumber(double v) {
  StepMatrix m;
  m.BeginSeries(Labels(), false);
  for (TimestampMs ts = start_; ts <= end_; ts += interval_) m.Append(ts, v);
  m.EndSeries();
  AddSamples(m.points.size());
  return m;
}

StepMatrix Evaluator::EvalUnary(const UnaryExpr& e) {
  StepMatrix m = EvalSteps(*e.expr);
  if (e.op != Op::kSub) return m;
  for (auto& p : m.points) p.v = -p.v;
  for (auto& s : m.series) s.drop_name = true;
  if (!delayed_name_removal()) MergeSameLabelsets(m);
  return m;
}

StepMatrix Evaluator::EvalStepInvariant(const StepInvariantExpr& e) {
  Evaluator once(ctx_, start_, start_, interval_);
  StepMatrix m = once.EvalSteps(*e.expr);
  const Expr& inner = Unparen(*e.expr);
  if (inner.kind == ExprKind::kMatrixSelector || inner.kind == ExprKind::kSubquery) return m;
  if (IsInstant()) return m;
  // The value is the same at every step; only its timestamp changes.
  StepMatrix out;
  out.series.reserve(m.series.size());
  out.points.reserve(m.series.size() * static_cast<size_t>(NumSteps()));
  for (auto& s : m.series) {
    if (s.size() == 0) continue;
    const double v = m.points[s.begin].v;
    out.BeginSeries(std::move(s.metric), s.drop_name);
    for (TimestampMs ts = start_; ts <= end_; ts += interval_) out.Append(ts, v);
    out.EndSeries();
  }
  AddSamples(out.points.size());
  ReleaseSamples(m.points.size());
  return out;
}

StepMatrix Evaluator::RangeEval(std::span<const Expr* const> exprs, const VectorMatching* matching,
                                const StepFunction& fn) {
  const size_t n = exprs.size();
  std::vector<StepMatrix> mats(n);
  for (size_t i = 0; i < n; ++i) {
    if (exprs[i] == nullptr || exprs[i]->type() == ValueType::kString) continue;
    mats[i] = EvalSteps(*exprs[i]);
  }

  StepInputs in;
  in.vectors.resize(n);
  in.sigs.resize(n);
  // Signature ordinal of every input series, for vector matching.
  std::vector<std::vector<uint32_t>> series_sig(n);
  if (matching != nullptr) {
    std::vector<std::string> names = matching->matching_labels;
    std::sort(names.begin(), names.end());
    names.erase(std::unique(names.begin(), names.end()), names.end());
    HashIndex index;
    struct Rep {
      const Labels* metric;
      bool hidden;
    };
    std::vector<Rep> reps;
    for (size_t i = 0; i < n; ++i) {
      series_sig[i].resize(mats[i].series.size());
      for (size_t j = 0; j < mats[i].series.size(); ++j) {
        const StepSeries& s = mats[i].series[j];
        const bool hidden = Hidden(s.drop_name);
        const uint64_t h =
            matching->on ? HashOnly(s.metric, hidden, names) : HashWithout(s.metric, hidden, names);
        uint32_t ord = index.Find(h, [&](uint32_t k) {
          return SameSignature(*reps[k].metric, reps[k].hidden, s.metric, hidden, names,
                               matching->on);
        });
        if (ord == HashIndex::kNone) {
          ord = static_cast<uint32_t>(reps.size());
          reps.push_back(Rep{&s.metric, hidden});
          index.Insert(h, ord);
        }
        series_sig[i][j] = ord;
      }
    }
    in.num_sigs = static_cast<uint32_t>(reps.size());
  }

  std::vector<std::vector<uint32_t>> cursor(n);
  for (size_t i = 0; i < n; ++i) {
    cursor[i].resize(mats[i].series.size());
    for (size_t j = 0; j < mats[i].series.size(); ++j) cursor[i][j] = mats[i].series[j].begin;
    in.vectors[i].reserve(mats[i].series.size());
  }

  size_t input_samples = 0;
  for (const auto& m : mats) input_samples += m.points.size();
  const bool instant = IsInstant();
  StepMajorCollector collector(!delayed_name_removal());
  Vector out;
  for (TimestampMs ts = start_; ts <= end_; ts += interval_) {
    for (size_t i = 0; i < n; ++i) {
      Vector& vec = in.vectors[i];
      vec.clear();
      in.sigs[i].clear();
      auto& series = mats[i].series;
      for (size_t j = 0; j < series.size(); ++j) {
        uint32_t& c = cursor[i][j];
        if (c >= series[j].end || mats[i].points[c].t != ts) continue;
        const double v = mats[i].points[c].v;
        ++c;
        // A single step consumes its inputs, so their label sets can move.
        vec.push_back(Sample{instant ? std::move(series[j].metric) : series[j].metric, ts, v,
                             series[j].drop_name});
        if (matching != nullptr) in.sigs[i].push_back(series_sig[i][j]);
      }
    }
    out.clear();
    fn(in, ts, out);

    if (instant) {
      if (!delayed_name_removal() && ContainsSameLabelset(out)) Fail(kDuplicateLabelset);
      StepMatrix m;
      m.series.reserve(out.size());
      m.points.reserve(out.size());
      for (auto& s : out) {
        m.BeginSeries(std::move(s.metric), s.drop_name);
        m.Append(ts, s.v);
      }
      AddSamples(m.points.size());
      ReleaseSamples(input_samples);
      return m;
    }
    for (const auto& s : out) {
      if (!collector.Add(s.metric, s.drop_name, ts, s.v)) Fail(kDuplicateLabelset);
    }
    AddSamples(out.size());
  }
  ReleaseSamples(input_samples);
  return collector.Finish();
}

namespace {

// Whether uniqueness of the effective label sets can be judged on the full label sets (whose
// hashes are cached): when no metadata label is hidden, or when every set hides the same metric
// name and has no __type__/__unit__, so that dropping the name cannot make two sets equal.
template <typename MetricAt, typename HiddenAt>
bool FullLabelsDecide(size_t n, MetricAt metric_at, HiddenAt hidden_at) {
  bool any_hidden = false, any_visible = false;
  std::string_view name;
  for (size_t i = 0; i < n; ++i) {
    if (!hidden_at(i)) {
      any_visible = true;
      continue;
    }
    const Labels& m = metric_at(i);
    if (m.has(kTypeLabel) || m.has(kUnitLabel)) return false;
    const std::string_view n_i = m.get(kMetricName);
    if (!any_hidden) {
      name = n_i;
    } else if (n_i != name) {
      return false;
    }
    any_hidden = true;
  }
  return !(any_hidden && any_visible);
}

template <typename MetricAt, typename HiddenAt>
bool HasDuplicate(size_t n, MetricAt metric_at, HiddenAt hidden_at) {
  if (n < 2) return false;
  const bool full = FullLabelsDecide(n, metric_at, hidden_at);
  HashIndex index;
  index.Reset(n);
  for (uint32_t i = 0; i < n; ++i) {
    const Labels& m = metric_at(i);
    const bool hidden = !full && hidden_at(i);
    const uint64_t h = full ? m.hash() : EffectiveHash(m, hidden);
    const bool dup = index.Find(h, [&](uint32_t k) {
      if (full) return metric_at(k) == m;
      return EffectiveEqual(metric_at(k), hidden_at(k), m, hidden);
    }) != HashIndex::kNone;
    if (dup) return true;
    index.Insert(h, i);
  }
  return false;
}

}  // namespace

bool Evaluator::ContainsSameLabelset(const Vector& v) const {
  return HasDuplicate(
      v.size(), [&](size_t i) -> const Labels& { return v[i].metric; },
      [&](size_t i) { return Hidden(v[i].drop_name); });
}

bool Evaluator::ContainsSameLabelset(const StepMatrix& m) const {
  return HasDuplicate(
      m.series.size(), [&](size_t i) -> const Labels& { return m.series[i].metric; },
      [&](size_t i) { return Hidden(m.series[i].drop_name); });
}

void Evaluator::MergeSameLabelsets(StepMatrix& m) const {
  if (!ContainsSameLabelset(m)) return;
  // Group the series by effective label set, keeping the order of first appearance.
  HashIndex index;
  index.Reset(m.series.size());
  std::vector<std::vector<uint32_t>> groups;
  for (uint32_t i = 0; i < m.series.size(); ++i) {
    const StepSeries& s = m.series[i];
    const bool hidden = Hidden(s.drop_name);
    const uint64_t h = EffectiveHash(s.metric, hidden);
    uint32_t g = index.Find(h, [&](uint32_t k) {
      const StepSeries& o = m.series[groups[k][0]];
      return EffectiveEqual(o.metric, Hidden(o.drop_name), s.metric, hidden);
    });
    if (g == HashIndex::kNone) {
      g = static_cast<uint32_t>(groups.size());
      groups.emplace_back();
      index.Insert(h, g);
    }
    groups[g].push_back(i);
  }
  StepMatrix out;
  out.points.reserve(m.points.size());
  std::vector<FPoint> merged;
  for (const auto& members : groups) {
    const StepSeries& first = m.series[members[0]];
    merged.clear();
    for (uint32_t idx : members) {
      auto pts = m.points_of(m.series[idx]);
      merged.insert(merged.end(), pts.begin(), pts.end());
    }
    std::stable_sort(merged.begin(), merged.end(),
                     [](const FPoint& a, const FPoint& b) { return a.t < b.t; });
    for (size_t k = 1; k < merged.size(); ++k) {
      if (merged[k].t == merged[k - 1].t) Fail(kDuplicateLabelset);
    }
    out.BeginSeries(first.metric, first.drop_name);
    for (const auto& p : merged) out.Append(p.t, p.v);
    out.EndSeries();
  }
  m = std::move(out);
}

}  // namespace tocsin::promql
