// info(v [, label selector]): enriches each series of v with the data labels of the info
// series (target_info by default) that share its identifying labels (instance, job).
#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <set>
#include <unordered_map>

#include "engine/promql/evaluator.h"
#include "engine/promql/label_ops.h"
#include "storage/base/sample.h"

namespace tocsin::promql {

namespace {

constexpr std::string_view kTargetInfo = "target_info";
const std::vector<std::string> kIdentifyingLabels = {"instance", "job"};

// The @ time and offset of the first selector in `e` (adding the offsets of enclosing
// subqueries until one has an @): they decide at which time the info series are looked at.
bool FindInfoTime(const Expr& e, std::vector<const SubqueryExpr*>& path, bool& has_at,
                  TimestampMs& at, DurationMs& offset) {
  switch (e.kind) {
    case ExprKind::kVectorSelector: {
      const auto& vs = static_cast<const VectorSelector&>(e);
      has_at = vs.at != AtModifier::kNone;
      at = vs.at_timestamp;
      offset = vs.original_offset.ms;
      for (auto it = path.rbegin(); !has_at && it != path.rend(); ++it) {
        offset += (*it)->original_offset.ms;
        has_at = (*it)->at != AtModifier::kNone;
        at = (*it)->at_timestamp;
      }
      return true;
    }
    case ExprKind::kMatrixSelector:
      return FindInfoTime(*static_cast<const MatrixSelector&>(e).vector_selector, path, has_at, at,
                          offset);
    case ExprKind::kSubquery: {
      const auto& sq = static_cast<const SubqueryExpr&>(e);
      path.push_back(&sq);
      const bool found = FindInfoTime(*sq.expr, path, has_at, at, offset);
      path.pop_back();
      return found;
    }
    case ExprKind::kParen:
      return FindInfoTime(*static_cast<const ParenExpr&>(e).expr, path, has_at, at, offset);
    case ExprKind::kUnary:
      return FindInfoTime(*static_cast<const UnaryExpr&>(e).expr, path, has_at, at, offset);
    case ExprKind::kStepInvariant:
      return FindInfoTime(*static_cast<const StepInvariantExpr&>(e).expr, path, has_at, at, offset);
    case ExprKind::kBinary: {
      const auto& b = static_cast<const BinaryExpr&>(e);
      return FindInfoTime(*b.lhs, path, has_at, at, offset) ||
             FindInfoTime(*b.rhs, path, has_at, at, offset);
    }
    case ExprKind::kAggregate: {
      const auto& a = static_cast<const AggregateExpr&>(e);
      if (FindInfoTime(*a.expr, path, has_at, at, offset)) return true;
      return a.param && FindInfoTime(*a.param, path, has_at, at, offset);
    }
    case ExprKind::kCall:
      for (const auto& arg : static_cast<const Call&>(e).args) {
        if (FindInfoTime(*arg, path, has_at, at, offset)) return true;
      }
      return false;
    default:
      return false;
  }
}

// The __name__ matchers that pick the info metrics: as given if one of them is positive;
// only negative ones also require the name to end in _info; none means target_info.
std::vector<LabelMatcher> EffectiveNameMatchers(const std::vector<LabelMatcher>& given) {
  for (const auto& m : given) {
    if (m.type() == MatchType::kEqual || m.type() == MatchType::kRegexp) return given;
  }
  std::vector<LabelMatcher> out;
  if (!given.empty()) {
    out.push_back(*LabelMatcher::Make(MatchType::kRegexp, std::string(kMetricName), ".+_info"));
    out.insert(out.end(), given.begin(), given.end());
    return out;
  }
  out.push_back(
      *LabelMatcher::Make(MatchType::kEqual, std::string(kMetricName), std::string(kTargetInfo)));
  return out;
}

// The key under which a series meets the info series of metric `name`.
std::string InfoSignature(std::string_view name, const Labels& m, bool hidden) {
  std::string sig(name);
  for (const auto& l : kIdentifyingLabels) {
    sig += '\xff';
    sig += GetLabel(m, hidden, l);
  }
  return sig;
}

}  // namespace

StepMatrix Evaluator::EvalInfo(const Call& e) {
  std::vector<const SubqueryExpr*> path;
  bool has_at = false;
  TimestampMs at = 0;
  DurationMs offset = 0;
  FindInfoTime(*e.args[0], path, has_at, at, offset);

  StepMatrix base = EvalSteps(*e.args[0]);

  // Data-label matchers by label name; the __name__ ones choose the info metrics.
  std::map<std::string, std::vector<LabelMatcher>> data_matchers;
  std::vector<LabelMatcher> name_matchers;
  if (e.args.size() > 1) {
    const auto& sel = static_cast<const VectorSelector&>(Unparen(*e.args[1]));
    for (const auto& m : sel.matchers) {
      if (m.name() == kMetricName) {
        name_matchers.push_back(m);
      } else {
        data_matchers[m.name()].push_back(m);
      }
    }
  }
  const std::vector<LabelMatcher> info_names = EffectiveNameMatchers(name_matchers);

  // Info series themselves are not enriched.
  std::vector<bool> ignored(base.series.size(), false);
  std::map<std::string, std::set<std::string>> id_values;
  for (size_t i = 0; i < base.series.size(); ++i) {
    const StepSeries& s = base.series[i];
    const bool hidden = Hidden(s.drop_name);
    const std::string_view name = GetLabel(s.metric, hidden, kMetricName);
    ignored[i] = std::all_of(info_names.begin(), info_names.end(),
                             [&](const LabelMatcher& m) { return m.matches(name); });
    if (ignored[i]) continue;
    for (const auto& l : kIdentifyingLabels) {
      const std::string_view v = GetLabel(s.metric, hidden, l);
      if (!v.empty()) id_values[l].insert(std::string(v));
    }
  }

  // The info series, each evaluated to its sample's timestamp at every step.
  StepMatrix info;
  if (!id_values.empty()) {
    std::vector<LabelMatcher> matchers;
    for (const auto& [name, values] : id_values) {
      std::string re;
      for (const auto& v : values) {
        if (!re.empty()) re += '|';
        re += RE2::QuoteMeta(v);
      }
      auto m = LabelMatcher::Make(MatchType::kRegexp, name, re);
      if (!m.ok()) Fail(m.message());
      matchers.push_back(std::move(*m));
    }
    for (const auto& [name, ms] : data_matchers)
      matchers.insert(matchers.end(), ms.begin(), ms.end());
    const std::vector<LabelMatcher> select_names = EffectiveNameMatchers(name_matchers);
    matchers.insert(matchers.end(), select_names.begin(), select_names.end());

    const DurationMs lookback = options().lookback_delta;
    const TimestampMs first = (has_at ? at : start_) - offset;
    const TimestampMs last = (has_at ? at : end_) - offset;
    storage::SeriesSet ss = ctx_.querier.Select(matchers, first - lookback + 1, last);
    for (size_t i = 0; i < ss.size(); ++i) {
      auto times = ss.times(i);
      auto values = ss.values(i);
      info.BeginSeries(ss.labels[i], false);
      size_t k = 0;
      for (TimestampMs ts = start_; ts <= end_; ts += interval_) {
        const TimestampMs ref = (has_at ? at : ts) - offset;
        while (k < times.size() && times[k] <= ref) ++k;
        if (k == 0) continue;
        if (times[k - 1] <= ref - lookback || IsStaleNaN(values[k - 1])) continue;
        info.Append(ts, static_cast<double>(times[k - 1]));
      }
      info.EndSeries();
    }
  }

  // Signatures: per info metric name, the identifying labels.
  std::vector<std::string> info_metric_names;
  for (const auto& s : info.series) {
    const std::string name(s.metric.get(kMetricName));
    if (std::find(info_metric_names.begin(), info_metric_names.end(), name) ==
        info_metric_names.end()) {
      info_metric_names.push_back(name);
    }
  }
  std::vector<std::string> info_sig(info.series.size());
  for (size_t i = 0; i < info.series.size(); ++i) {
    info_sig[i] =
        InfoSignature(info.series[i].metric.get(kMetricName), info.series[i].metric, false);
  }

  std::vector<uint32_t> base_cursor(base.series.size()), info_cursor(info.series.size());
  for (size_t i = 0; i < base.series.size(); ++i) base_cursor[i] = base.series[i].begin;
  for (size_t i = 0; i < info.series.size(); ++i) info_cursor[i] = info.series[i].begin;

  StepMajorCollector collector(!delayed_name_removal());
  StepMatrix direct;
  struct Chosen {
    size_t series;
    TimestampMs orig_t;
  };
  std::unordered_map<std::string, Chosen> by_sig;
  for (TimestampMs ts = start_; ts <= end_; ts += interval_) {
    by_sig.clear();
    for (size_t i = 0; i < info.series.size(); ++i) {
      uint32_t& c = info_cursor[i];
      if (c >= info.series[i].end || info.points[c].t != ts) continue;
      const auto orig_t = static_cast<TimestampMs>(info.points[c++].v);
      auto [it, inserted] = by_sig.try_emplace(info_sig[i], Chosen{i, orig_t});
      if (inserted) continue;
      if (it->second.orig_t < orig_t) {
        it->second = Chosen{i, orig_t};
      } else if (it->second.orig_t == orig_t) {
        Fail("found duplicate series for info metric: existing " +
             info.series[it->second.series].metric.to_string() + " @ " +
             std::to_string(it->second.orig_t) + ", new " + info.series[i].metric.to_string() +
             " @ " + std::to_string(orig_t));
      }
    }
    for (size_t i = 0; i < base.series.size(); ++i) {
      uint32_t& c = base_cursor[i];
      const StepSeries& s = base.series[i];
      if (c >= s.end || base.points[c].t != ts) continue;
      const double v = base.points[c++].v;
      Labels metric = s.metric;
      if (!ignored[i]) {
        const bool hidden = Hidden(s.drop_name);
        LabelsBuilder added;
        bool matched_any = false;
        for (const auto& info_name : info_metric_names) {
          auto it = by_sig.find(InfoSignature(info_name, s.metric, hidden));
          if (it == by_sig.end()) continue;
          matched_any = true;
          for (const auto& l : info.series[it->second.series].metric) {
            if (l.name == kMetricName) continue;
            if (!data_matchers.empty() && data_matchers.count(l.name) == 0) continue;
            const std::string_view existing = added.get(l.name);
            if (!existing.empty() && existing != l.value) Fail("conflicting label: " + l.name);
            if (!GetLabel(s.metric, hidden, l.name).empty()) continue;
            added.set(l.name, l.value);
          }
        }
        if (!matched_any) {
          // Without an info series, a data-label matcher that needs a value drops the series.
          bool all_match_empty = true;
          for (const auto& [name, ms] : data_matchers) {
            for (const auto& m : ms) all_match_empty = all_match_empty && m.matches("");
          }
          if (!all_match_empty) continue;
        }
        const Labels extra = added.labels();
        if (!extra.empty()) {
          LabelsBuilder b(Effective(s.metric, hidden));
          for (const auto& l : extra) b.set(l.name, l.value);
          metric = b.labels();
        }
      }
      if (IsInstant()) {
        direct.BeginSeries(std::move(metric), s.drop_name);
        direct.Append(ts, v);
      } else if (!collector.Add(metric, s.drop_name, ts, v)) {
        Fail("vector cannot contain metrics with the same labelset");
      }
    }
  }
  StepMatrix out = IsInstant() ? std::move(direct) : collector.Finish();
  if (IsInstant() && ContainsSameLabelset(out)) {
    Fail("vector cannot contain metrics with the same labelset");
  }
  AddSamples(out.points.size());
  return out;
}

}  // namespace tocsin::promql
