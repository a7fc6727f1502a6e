// The samples a prometheus-cpp metric family stands for, named exactly as Prometheus 3 would
// store them after scraping the text exposition of the same registry (prometheus::TextSerializer):
//
//   counter, gauge, untyped   name                       the value
//   histogram                 name_bucket{le="<bound>"}  cumulative count per bucket, and a
//                             name_bucket{le="+Inf"}     added (with the sample count) when the
//                                                        buckets do not end at +Inf
//                             name_sum, name_count
//   summary                   name{quantile="<q>"}       each quantile's value
//                             name_sum, name_count
//
// Prometheus-cpp 1.0 has no info or stateset type: an "info" metric is a gauge named `*_info`
// whose value is 1, and comes through as a gauge.
//
// Names are taken as the family gives them (prometheus-cpp adds no `_total` suffix to counters,
// and neither does the text exposition). The `le` and `quantile` values go through the same two
// steps as when scraped: the serializer prints the bound with 16 significant digits, and
// Prometheus 3 re-prints what it reads in its canonical float form (BoundLabelValue). Sample
// values, by contrast, keep full precision here, where the text would round them to 16 digits.
#pragma once

#include <prometheus/client_metric.h>
#include <prometheus/metric_family.h>
#include <prometheus/metric_type.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>

namespace tocsin::collect {

enum class SeriesSuffix : uint8_t { kNone, kBucket, kSum, kCount };
// The label a suffix carries beside the metric's own labels, if any.
enum class BoundLabel : uint8_t { kNone, kLe, kQuantile };

std::string_view SuffixText(SeriesSuffix suffix);   // "", "_bucket", "_sum", "_count"
std::string_view BoundLabelName(BoundLabel label);  // "", "le", "quantile"

// One sample of a metric: its name is family.name + SuffixText(suffix), its labels the metric's
// labels plus, for a bound label, BoundLabelName(label)=BoundLabelValue(bound).
struct ExposedSample {
  SeriesSuffix suffix = SeriesSuffix::kNone;
  BoundLabel label = BoundLabel::kNone;
  double bound = 0;  // the bucket's upper bound or the quantile
  double value = 0;
};

// What a scrape of the serializer's output stores as the `le` / `quantile` value for `bound`:
// "+Inf", "-Inf", "NaN", or the bound rounded to 16 significant digits in Prometheus's
// canonical float form ("1.0", "0.25", "1e-05", "2.5e+06").
std::string BoundLabelValue(double bound);

// Calls fn(const ExposedSample&) for every sample `metric` (a member of `family`) exposes.
template <typename Fn>
void ForEachExposedSample(const prometheus::MetricFamily& family,
                          const prometheus::ClientMetric& metric, Fn&& fn) {
  using prometheus::MetricType;
  switch (family.type) {
    case MetricType::Counter:
      fn(ExposedSample{SeriesSuffix::kNone, BoundLabel::kNone, 0, metric.counter.value});
      return;
    case MetricType::Gauge:
      fn(ExposedSample{SeriesSuffix::kNone, BoundLabel::kNone, 0, metric.gauge.value});
      return;
    case MetricType::Untyped:
      fn(ExposedSample{SeriesSuffix::kNone, BoundLabel::kNone, 0, metric.untyped.value});
      return;
    case MetricType::Summary: {
      const auto& s = metric.summary;
      fn(ExposedSample{SeriesSuffix::kCount, BoundLabel::kNone, 0,
                       static_cast<double>(s.sample_count)});
      fn(ExposedSample{SeriesSuffix::kSum, BoundLabel::kNone, 0, s.sample_sum});
      for (const auto& q : s.quantile) {
        fn(ExposedSample{SeriesSuffix::kNone, BoundLabel::kQuantile, q.quantile, q.value});
      }
      return;
    }
    case MetricType::Histogram: {
      const auto& h = metric.histogram;
      fn(ExposedSample{SeriesSuffix::kCount, BoundLabel::kNone, 0,
                       static_cast<double>(h.sample_count)});
      fn(ExposedSample{SeriesSuffix::kSum, BoundLabel::kNone, 0, h.sample_sum});
      constexpr double kInf = std::numeric_limits<double>::infinity();
      double last = -kInf;
      for (const auto& b : h.bucket) {
        fn(ExposedSample{SeriesSuffix::kBucket, BoundLabel::kLe, b.upper_bound,
                         static_cast<double>(b.cumulative_count)});
        last = b.upper_bound;
      }
      // The serializer closes every histogram with a +Inf bucket holding the sample count.
      if (last != kInf) {
        fn(ExposedSample{SeriesSuffix::kBucket, BoundLabel::kLe, kInf,
                         static_cast<double>(h.sample_count)});
      }
      return;
    }
  }
}

}  // namespace tocsin::collect
