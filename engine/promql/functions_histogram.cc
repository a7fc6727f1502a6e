// Histogram functions. Classic histograms (series of cumulative `le` buckets) are fully
// supported: histogram_quantile, histogram_quantiles and histogram_fraction. Native histograms
// are not stored by tocsin, so the functions that only read native histograms
// (histogram_count, histogram_sum, histogram_avg, histogram_stddev, histogram_stdvar) find no
// input among float samples and return nothing, as Prometheus does for float samples.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "engine/promql/bucket_quantile.h"
#include "storage/base/go_float.h"
#include "engine/promql/function_impl.h"
#include "engine/promql/label_ops.h"
#include "engine/promql/step_matrix.h"

namespace tocsin::promql {

namespace {

// Go's strconv.ParseFloat for `le` values: no surrounding blanks, the whole string numeric.
bool ParseBound(std::string_view s, double& out) {
  if (s.empty() || std::isspace(static_cast<unsigned char>(s[0]))) return false;
  const std::string str(s);
  char* end = nullptr;
  errno = 0;
  out = std::strtod(str.c_str(), &end);
  if (end != str.c_str() + str.size()) return false;
  // Go fails on overflow to infinity, not on underflow.
  return !(errno == ERANGE && std::isinf(out));
}

struct HistogramGroup {
  Labels metric;  // the bucket series' labels without `le`
  std::vector<Bucket> buckets;
};

// The classic histograms in `in`, grouped by their labels without `le`, in order of first
// appearance. Series without a parseable `le` get a warning at `pos`.
std::vector<HistogramGroup> GroupBuckets(Evaluator& ev, const Vector& in, PosRange pos) {
  std::vector<HistogramGroup> groups;
  HashIndex index;
  index.Reset(in.size());
  static const std::string kLe(kBucketLabel);
  const std::span<const std::string> le(&kLe, 1);
  for (const auto& s : in) {
    const bool hidden = ev.Hidden(s.drop_name);
    const std::string_view le_value = GetLabel(s.metric, hidden, kBucketLabel);
    double bound;
    if (!ParseBound(le_value, bound)) {
      const std::string_view name =
          ev.delayed_name_removal() ? GetLabel(s.metric, hidden, kMetricName) : "";
      ev.annotations().Warn(annotation_text::BadBucketLabel(name, le_value), pos);
      continue;
    }
    // Signature: every label but `le` (the metric name included, unless dropped).
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const auto& l : s.metric) {
      if (l.name == kBucketLabel || (hidden && IsMetadataLabel(l.name))) continue;
      for (unsigned char c : l.name) h = (h ^ c) * 0x100000001b3ULL;
      h = (h ^ 0xff) * 0x100000001b3ULL;
      for (unsigned char c : l.value) h = (h ^ c) * 0x100000001b3ULL;
      h = (h ^ 0xff) * 0x100000001b3ULL;
    }
    auto same = [&](uint32_t g) {
      const Labels& m = groups[g].metric;
      // groups[g].metric already lacks `le` and the hidden labels.
      auto it = m.begin();
      for (const auto& l : s.metric) {
        if (l.name == kBucketLabel || (hidden && IsMetadataLabel(l.name))) continue;
        if (it == m.end() || it->name != l.name || it->value != l.value) return false;
        ++it;
      }
      return it == m.end();
    };
    uint32_t g = index.Find(h, same);
    if (g == HashIndex::kNone) {
      g = static_cast<uint32_t>(groups.size());
      std::vector<Label> kept;
      for (const auto& l : s.metric) {
        if (l.name == kBucketLabel || (hidden && IsMetadataLabel(l.name))) continue;
        kept.push_back(l);
      }
      groups.push_back(HistogramGroup{Labels::FromSorted(std::move(kept)), {}});
      index.Insert(h, g);
    }
    groups[g].buckets.push_back(Bucket{bound, s.v});
  }
  return groups;
}

void WarnInvalidQuantile(Evaluator& ev, double q, PosRange pos) {
  if (std::isnan(q) || q < 0 || q > 1)
    ev.annotations().Warn(annotation_text::InvalidQuantile(q), pos);
}

void ReportMonotonicity(InstantCall& c, const HistogramGroup& g, const BucketQuantileResult& r,
                        PosRange pos) {
  if (!r.forced_monotonic) return;
  const std::string_view name =
      c.ev.delayed_name_removal() ? g.metric.get(kMetricName) : std::string_view();
  c.ev.annotations().ForcedMonotonicity(name, pos, c.ts, r.min_bucket, r.max_bucket, r.max_diff);
}

void FnHistogramQuantile(InstantCall& c) {
  const double q = c.scalar(0);
  WarnInvalidQuantile(c.ev, q, c.call.args[0]->pos);
  auto groups = GroupBuckets(c.ev, c.args[1], c.call.args[1]->pos);
  for (auto& g : groups) {
    const BucketQuantileResult r = BucketQuantile(q, g.buckets);
    ReportMonotonicity(c, g, r, c.call.args[1]->pos);
    c.out.push_back(Sample{g.metric, 0, r.value, true});
  }
}

// Labels.FormatOpenMetricsFloat: Go's shortest 'g' form, with ".0" if it has neither '.' nor
// an exponent.
std::string OpenMetricsFloat(double q) {
  if (std::isnan(q)) return "NaN";
  if (std::isinf(q)) return q > 0 ? "+Inf" : "-Inf";
  std::string s = FormatGoFloat(q, 'g', -1);
  if (s.find_first_of("e.") == std::string::npos) s += ".0";
  return s;
}

void FnHistogramQuantiles(InstantCall& c) {
  const std::string label(c.string_arg(1));
  std::vector<double> qs;
  for (size_t i = 2; i < c.args.size(); ++i) {
    const double q = c.scalar(i);
    WarnInvalidQuantile(c.ev, q, c.call.args[i]->pos);
    qs.push_back(q);
  }
  auto groups = GroupBuckets(c.ev, c.args[0], c.call.args[0]->pos);
  for (double q : qs) {
    const std::string q_label = OpenMetricsFloat(q);
    for (auto& g : groups) {
      const BucketQuantileResult r = BucketQuantile(q, g.buckets);
      ReportMonotonicity(c, g, r, c.call.args[0]->pos);
      LabelsBuilder b(g.metric);
      b.set(label, q_label);
      c.out.push_back(Sample{b.labels(), 0, r.value, true});
    }
  }
}

void FnHistogramFraction(InstantCall& c) {
  const double lower = c.scalar(0);
  const double upper = c.scalar(1);
  auto groups = GroupBuckets(c.ev, c.args[2], c.call.args[2]->pos);
  for (auto& g : groups) {
    c.out.push_back(Sample{g.metric, 0, BucketFraction(lower, upper, g.buckets), true});
  }
}

// These read native histograms only; float samples yield nothing.
void FnNativeOnly(InstantCall&) {}

}  // namespace

void RegisterHistogramFunctions(std::vector<FunctionImpl>& t) {
  t.push_back({"histogram_quantile", nullptr, FnHistogramQuantile});
  t.push_back({"histogram_quantiles", nullptr, FnHistogramQuantiles});
  t.push_back({"histogram_fraction", nullptr, FnHistogramFraction});
  t.push_back({"histogram_count", nullptr, FnNativeOnly});
  t.push_back({"histogram_sum", nullptr, FnNativeOnly});
  t.push_back({"histogram_avg", nullptr, FnNativeOnly});
  t.push_back({"histogram_stddev", nullptr, FnNativeOnly});
  t.push_back({"histogram_stdvar", nullptr, FnNativeOnly});
}

}  // namespace tocsin::promql
