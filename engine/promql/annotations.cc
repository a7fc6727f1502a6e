#include "engine/promql/annotations.h"

#include <algorithm>

#include "storage/base/go_float.h"
#include "storage/base/strings.h"
#include "storage/base/time.h"

namespace tocsin::promql {

namespace {

// Prometheus's maybeAddMetricName: appends ` for metric name "x"` when a name is known.
std::string WithMetricName(std::string base, std::string_view metric_name) {
  if (metric_name.empty()) return base;
  base += " for metric name ";
  AppendGoQuoted(base, metric_name);
  return base;
}

std::string FormatUtcSeconds(TimestampMs t) {
  // Go's time.Unix(t/1000, 0).UTC().Format(time.RFC3339): whole seconds, "Z".
  TimestampMs secs = t / 1000;
  return FormatRfc3339(secs * 1000);
}

constexpr std::string_view kMonotonicity =
    "input to histogram_quantile needed to be fixed for monotonicity (see "
    "https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)";

}  // namespace

void AnnotationSet::Add(Annotation::Kind kind, std::string message, PosRange pos) {
  for (auto& e : entries_) {
    if (e.message == message) {
      e.pos = pos;
      return;
    }
  }
  entries_.push_back(Entry{kind, std::move(message), pos});
}

void AnnotationSet::WarnCounted(std::string message, PosRange pos) {
  for (auto& e : entries_) {
    if (e.message == message && e.count > 0) {
      ++e.count;
      return;
    }
  }
  entries_.push_back(Entry{Annotation::Kind::kWarning, std::move(message), pos, 1});
}

void AnnotationSet::ForcedMonotonicity(std::string_view metric_name, PosRange pos, TimestampMs t,
                                       double min_bucket, double max_bucket, double max_diff) {
  std::string base = WithMetricName(std::string(kMonotonicity), metric_name);
  for (auto& m : monotonicity_) {
    if (m.base != base) continue;
    m.pos = pos;
    m.min_t = std::min(m.min_t, t);
    m.max_t = std::max(m.max_t, t);
    m.min_bucket = std::min(m.min_bucket, min_bucket);
    m.max_bucket = std::max(m.max_bucket, max_bucket);
    m.max_diff = std::max(m.max_diff, max_diff);
    m.count++;
    return;
  }
  monotonicity_.push_back(
      Monotonicity{std::move(base), pos, t, t, min_bucket, max_bucket, max_diff, 1});
}

void AnnotationSet::Finish(std::vector<Annotation>& warnings,
                           std::vector<Annotation>& infos) const {
  for (const auto& e : entries_) {
    auto& dst = e.kind == Annotation::Kind::kWarning ? warnings : infos;
    std::string message = e.message;
    if (e.count > 1) message += " (" + std::to_string(e.count) + " occurrences)";
    dst.push_back(Annotation{e.kind, std::move(message), e.pos});
  }
  for (const auto& m : monotonicity_) {
    std::string msg = m.base;
    msg += ", from buckets " + FormatGoG(m.min_bucket) + " to " + FormatGoG(m.max_bucket) +
           ", with a max diff of " + FormatGoFloat(m.max_diff, 'g', 2) + ", over " +
           std::to_string(m.count) + " samples from " + FormatUtcSeconds(m.min_t) + " to " +
           FormatUtcSeconds(m.max_t);
    infos.push_back(Annotation{Annotation::Kind::kInfo, std::move(msg), m.pos});
  }
}

namespace annotation_text {

std::string InvalidQuantile(double q) {
  return "quantile value should be between 0 and 1, got " + FormatGoG(q);
}

std::string InvalidRatio(double ratio, double capped_to) {
  return "ratio value should be between -1 and 1, got " + FormatGoG(ratio) + ", capping to " +
         FormatGoG(capped_to);
}

std::string BadBucketLabel(std::string_view metric_name, std::string_view le) {
  std::string s = "bucket label \"le\" is missing or has a malformed value of ";
  AppendGoQuoted(s, le);
  return WithMetricName(std::move(s), metric_name);
}

std::string MixedFloatsHistograms(std::string_view metric_name) {
  std::string s = "encountered a mix of histograms and floats for metric name ";
  AppendGoQuoted(s, metric_name);
  return s;
}

std::string MixedFloatsHistogramsAggregation() {
  return "encountered a mix of histograms and floats for aggregation";
}

std::string MixedClassicNativeHistograms(std::string_view metric_name) {
  return WithMetricName("vector contains a mix of classic and native histograms", metric_name);
}

std::string PossibleNonCounter(std::string_view metric_name) {
  std::string s =
      "metric might not be a counter, name does not end in _total/_sum/_count/_bucket: ";
  AppendGoQuoted(s, metric_name);
  return s;
}

std::string HistogramIgnoredInAggregation(std::string_view aggregation) {
  return "ignored histogram in " + std::string(aggregation) + " aggregation";
}

std::string HistogramIgnoredInMixedRange(std::string_view metric_name) {
  std::string s =
      "ignored histograms in a range containing both floats and histograms for metric name ";
  AppendGoQuoted(s, metric_name);
  return s;
}

std::string SortInRangeQuery() {
  return "sort is ineffective for range queries since results are always ordered by labels";
}

std::string StartTimeOverlap(std::string_view metric_name) {
  std::string s = "sample has start time that overlaps with previous sample timestamp for metric ";
  AppendGoQuoted(s, metric_name);
  return s;
}

std::string IncompatibleTypesInBinOp(std::string_view lhs, std::string_view op,
                                     std::string_view rhs) {
  std::string s = "incompatible sample types encountered for binary operator ";
  AppendGoQuoted(s, op);
  s += ": ";
  s += lhs;
  s += ' ';
  s += op;
  s += ' ';
  s += rhs;
  return s;
}

}  // namespace annotation_text

}  // namespace tocsin::promql
