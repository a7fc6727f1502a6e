// Label sets: the identity of a series and of an alert.
//
// A Labels value is immutable and sorted by name, with unique names; copies share one heap block
// (a reference count), so passing label sets around the evaluator and the alert pipeline costs
// no allocation. Build or change one with LabelsBuilder. The empty set holds no block at all.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tocsin {

inline constexpr std::string_view kMetricName = "__name__";

struct Label {
  std::string name;
  std::string value;

  friend bool operator==(const Label&, const Label&) = default;
  friend auto operator<=>(const Label&, const Label&) = default;
};

class Labels {
 public:
  Labels() = default;
  // Sorts and de-duplicates (the last value of a repeated name wins); drops empty values,
  // because in Prometheus a label with an empty value is the same as no label.
  Labels(std::initializer_list<Label> labels);
  static Labels FromVector(std::vector<Label> labels);
  // For callers that already hold a sorted, unique, empty-free vector.
  static Labels FromSorted(std::vector<Label> labels);
  // Same, with hash() already known (it must be the hash of exactly these labels): the series
  // store keeps each series' hash and rebuilds Labels on every query without rehashing.
  static Labels FromSortedWithHash(std::vector<Label> labels, uint64_t hash);

  bool empty() const { return size() == 0; }
  size_t size() const { return impl_ ? impl_->labels.size() : 0; }
  std::span<const Label> items() const {
    return impl_ ? std::span<const Label>(impl_->labels) : std::span<const Label>();
  }
  auto begin() const { return items().begin(); }
  auto end() const { return items().end(); }
  const Label& operator[](size_t i) const { return impl_->labels[i]; }

  // The value of `name`, or "" when absent (Prometheus treats both alike).
  std::string_view get(std::string_view name) const;
  bool has(std::string_view name) const;
  std::string_view metric_name() const { return get(kMetricName); }

  // The Prometheus model fingerprint, computed once and cached: FNV-1a 64 over the sorted
  // "name\xffvalue\xff" bytes. Stable across builds; as 16 hex digits it is Alertmanager's
  // alert fingerprint.
  uint64_t hash() const { return impl_ ? impl_->hash : kEmptyHash; }
  uint64_t fingerprint() const { return hash(); }

  // {a="b", c="d"}: every label including __name__, values quoted as Go's strconv.Quote does.
  std::string to_string() const;
  // name{a="b"}: the metric name outside the braces, as PromQL prints series.
  std::string to_metric_string() const;

  Labels without(std::span<const std::string> names) const;
  Labels only(std::span<const std::string> names) const;
  Labels without_metric_name() const;

  friend bool operator==(const Labels& a, const Labels& b);
  friend bool operator<(const Labels& a, const Labels& b);  // lexicographic, as Prometheus sorts

 private:
  struct Impl {
    std::vector<Label> labels;
    uint64_t hash;
  };
  static constexpr uint64_t kEmptyHash = 0xcbf29ce484222325ULL;
  std::shared_ptr<const Impl> impl_;
};

// Accumulates changes to a base label set, then produces a new Labels.
class LabelsBuilder {
 public:
  LabelsBuilder() = default;
  explicit LabelsBuilder(const Labels& base);

  void reset(const Labels& base);
  // An empty value deletes the label, as in Prometheus.
  LabelsBuilder& set(std::string_view name, std::string_view value);
  LabelsBuilder& del(std::string_view name);
  std::string_view get(std::string_view name) const;
  Labels labels() const;

 private:
  std::vector<Label> labels_;  // kept sorted and unique
};

// Name validity. Prometheus 3 accepts any valid UTF-8 name; "legacy" is [a-zA-Z_][a-zA-Z0-9_]*
// (and for metric names also ':').
bool IsValidLegacyLabelName(std::string_view name);
bool IsValidLegacyMetricName(std::string_view name);
bool IsValidUtf8(std::string_view s);
bool IsValidLabelName(std::string_view name);  // non-empty valid UTF-8

}  // namespace tocsin
