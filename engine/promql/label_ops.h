// Label-set operations of the evaluator: the effective label set of a sample whose metric
// name is dropped, grouping keys and vector-matching signatures.
//
// The evaluator drops __name__ (and the other schema metadata labels __type__ and __unit__)
// lazily: a sample keeps its storage label set and a `hidden` flag, and every read goes through
// these functions, which act as if the metadata labels were gone. Only label sets that leave the
// evaluator, or that an operation rewrites, are materialised. That keeps `sum(rate(x[5m]))`
// free of per-series allocations.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "storage/base/labels.h"

namespace tocsin::promql {

inline constexpr std::string_view kTypeLabel = "__type__";
inline constexpr std::string_view kUnitLabel = "__unit__";
inline constexpr std::string_view kBucketLabel = "le";

// __name__, __type__ and __unit__: the labels that go when an operation changes what a series
// measures.
inline bool IsMetadataLabel(std::string_view name) {
  return name == kMetricName || name == kTypeLabel || name == kUnitLabel;
}

// The value of `name` in `m`, or "" when absent or hidden.
std::string_view GetLabel(const Labels& m, bool hidden, std::string_view name);

// `m` without its metadata labels (no allocation when it has none).
Labels DropMetadata(const Labels& m);
inline Labels Effective(const Labels& m, bool hidden) {
  return hidden ? DropMetadata(m) : m;
}

// Equals Effective(m, hidden).hash() without building the label set.
uint64_t EffectiveHash(const Labels& m, bool hidden);
bool EffectiveEqual(const Labels& a, bool hidden_a, const Labels& b, bool hidden_b);

// Hash of the labels named in `names` (sorted, unique) that are present.
uint64_t HashOnly(const Labels& m, bool hidden, std::span<const std::string> names);
// Hash of the labels not named in `names` (sorted, unique), never counting __name__.
uint64_t HashWithout(const Labels& m, bool hidden, std::span<const std::string> names);

// The output labels of an aggregation group: `by` keeps `names`; `without` removes `names`
// and __name__.
Labels GroupingLabels(const Labels& m, bool hidden, std::span<const std::string> names,
                      bool without);

// Prometheus's Labels.Hash() (xxhash64 over its string-labels encoding). Only limit_ratio
// exposes it: it samples series by hash / 2^64.
uint64_t PrometheusLabelsHash(const Labels& m, bool hidden);

}  // namespace tocsin::promql
