// The warnings and infos a query collects while it runs, worded as Prometheus words them
// (util/annotations in Prometheus). Messages exclude the "PromQL warning: " prefix and the
// position suffix; FormatAnnotation (engine.h) adds both.
//
// Like Prometheus, an annotation is identified by its message alone: adding the same message
// twice keeps one (the position of the later one wins). Two kinds merge instead: counted
// warnings keep the first position and end in "(N occurrences)" when added N > 1 times, and the
// histogram_quantile monotonicity info counts its occurrences and widens its bucket and time
// ranges; their final text is only known when the query is done.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/promql/ast.h"
#include "engine/promql/value.h"

namespace tocsin::promql {

class AnnotationSet {
 public:
  void Warn(std::string message, PosRange pos) {
    Add(Annotation::Kind::kWarning, std::move(message), pos);
  }
  void Info(std::string message, PosRange pos) {
    Add(Annotation::Kind::kInfo, std::move(message), pos);
  }
  // A warning that counts how often it was added (Prometheus's start-time overlap warning).
  void WarnCounted(std::string message, PosRange pos);

  // "input to histogram_quantile needed to be fixed for monotonicity ..." at evaluation time
  // `t`, about buckets between `min_bucket` and `max_bucket`.
  void ForcedMonotonicity(std::string_view metric_name, PosRange pos, TimestampMs t,
                          double min_bucket, double max_bucket, double max_diff);

  bool empty() const { return entries_.empty() && monotonicity_.empty(); }

  // Splits the collected annotations into warnings and infos, in the order first added.
  void Finish(std::vector<Annotation>& warnings, std::vector<Annotation>& infos) const;

 private:
  struct Entry {
    Annotation::Kind kind;
    std::string message;
    PosRange pos;
    int count = 0;  // for counted warnings: how often added; 0 otherwise
  };
  struct Monotonicity {
    std::string base;  // message without the details
    PosRange pos;
    TimestampMs min_t, max_t;
    double min_bucket, max_bucket, max_diff;
    int count;
  };

  void Add(Annotation::Kind kind, std::string message, PosRange pos);

  std::vector<Entry> entries_;
  std::vector<Monotonicity> monotonicity_;
};

// Message builders, one per Prometheus annotation, so every text lives in one place.
namespace annotation_text {
std::string InvalidQuantile(double q);
std::string InvalidRatio(double ratio, double capped_to);
std::string BadBucketLabel(std::string_view metric_name, std::string_view le);
std::string MixedFloatsHistograms(std::string_view metric_name);
std::string MixedFloatsHistogramsAggregation();
std::string MixedClassicNativeHistograms(std::string_view metric_name);
std::string PossibleNonCounter(std::string_view metric_name);
std::string HistogramIgnoredInAggregation(std::string_view aggregation);
std::string HistogramIgnoredInMixedRange(std::string_view metric_name);
std::string SortInRangeQuery();
std::string StartTimeOverlap(std::string_view metric_name);
std::string IncompatibleTypesInBinOp(std::string_view lhs, std::string_view op,
                                     std::string_view rhs);
}  // namespace annotation_text

}  // namespace tocsin::promql
