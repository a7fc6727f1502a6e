#include "engine/collect/registry_collector.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstring>
#include <unordered_set>
#include <utility>

#include "storage/base/sample.h"
#include "storage/base/strings.h"

namespace tocsin::collect {
namespace {

constexpr std::string_view kExportedPrefix = "exported_";

void AppendKeyField(std::string& key, std::string_view field) {
  const auto size = static_cast<uint32_t>(field.size());
  char bytes[sizeof size];
  std::memcpy(bytes, &size, sizeof size);
  key.append(bytes, sizeof size);
  key.append(field);
}

// A host may set any NaN (even the staleness marker's bit pattern); the text exposition turns
// all of them into "Nan", which Prometheus reads as its one ordinary NaN.
double CanonicalValue(double v) {
  return std::isnan(v) ? std::bit_cast<double>(kNormalNaNBits) : v;
}

// Label lists as Prometheus's labels.Builder sees them: a name may be present with an empty
// value (Has) while Get treats it as absent.
const Label* Find(const std::vector<Label>& labels, std::string_view name) {
  for (const Label& l : labels) {
    if (l.name == name) return &l;
  }
  return nullptr;
}
std::string_view Get(const std::vector<Label>& labels, std::string_view name) {
  const Label* l = Find(labels, name);
  return l ? std::string_view(l->value) : std::string_view();
}
void Set(std::vector<Label>& labels, std::string_view name, std::string_view value) {
  for (Label& l : labels) {
    if (l.name == name) {
      l.value = value;
      return;
    }
  }
  labels.push_back(Label{std::string(name), std::string(value)});
}

// Target labels over exposed ones, as Prometheus's mutateSampleLabels does without relabelling.
void AddTargetLabels(std::vector<Label>& labels, const Labels& target, bool honor_labels) {
  if (honor_labels) {
    for (const Label& l : target) {
      if (Find(labels, l.name) == nullptr) labels.push_back(l);
    }
    return;
  }
  std::vector<Label> conflicts;
  for (const Label& l : target) {
    const std::string_view exposed = Get(labels, l.name);
    if (!exposed.empty()) conflicts.push_back(Label{l.name, std::string(exposed)});
    Set(labels, l.name, l.value);
  }
  // Shorter names first, so that `exported_job` of a conflicting `job` is claimed before an
  // exposed `exported_job` would need `exported_exported_job`.
  std::stable_sort(conflicts.begin(), conflicts.end(),
                   [](const Label& a, const Label& b) { return a.name.size() < b.name.size(); });
  for (const Label& c : conflicts) {
    std::string name = c.name;
    do {
      name.insert(0, kExportedPrefix);
    } while (!Get(labels, name).empty());
    Set(labels, name, c.value);
  }
}

}  // namespace

RegistryCollector::RegistryCollector(storage::SeriesStore& store, CollectorOptions options)
    : store_(&store), options_(std::move(options)), appender_(store) {}

CollectResult RegistryCollector::Collect(const prometheus::Collectable& source, TimestampMs t) {
  const std::vector<prometheus::MetricFamily> families = source.Collect();
  return Append(families, t);
}

CollectResult RegistryCollector::Collect(std::span<const prometheus::Collectable* const> sources,
                                         TimestampMs t) {
  std::vector<prometheus::MetricFamily> families;
  for (const prometheus::Collectable* source : sources) {
    std::vector<prometheus::MetricFamily> more = source->Collect();
    families.insert(families.end(), std::make_move_iterator(more.begin()),
                    std::make_move_iterator(more.end()));
  }
  return Append(families, t);
}

CollectResult RegistryCollector::Append(std::span<const prometheus::MetricFamily> families,
                                        TimestampMs t) {
  ++collection_;
  CollectResult result;
  for (const prometheus::MetricFamily& family : families) AppendFamily(family, t, result);
  MarkUnseenStale(t, result);
  return Commit(std::move(result));
}

CollectResult RegistryCollector::MarkAllStale(TimestampMs t) {
  ++collection_;
  CollectResult result;
  MarkUnseenStale(t, result);
  return Commit(std::move(result));
}

size_t RegistryCollector::tracked_series() const {
  size_t n = 0;
  for (const auto& [key, metric] : metrics_) {
    for (const TrackedSample& s : metric.samples) n += s.ref != 0;
  }
  return n;
}

void RegistryCollector::AppendFamily(const prometheus::MetricFamily& family, TimestampMs t,
                                     CollectResult& result) {
  for (const prometheus::ClientMetric& metric : family.metric) {
    key_.clear();
    AppendKeyField(key_, family.name);
    for (const auto& label : metric.label) {
      AppendKeyField(key_, label.name);
      AppendKeyField(key_, label.value);
    }
    auto it = metrics_.find(std::string_view(key_));
    if (it == metrics_.end()) it = metrics_.emplace(key_, TrackedMetric{}).first;
    const bool own_timestamp = options_.honor_timestamps && metric.timestamp_ms != 0;
    const TimestampMs ts = own_timestamp ? metric.timestamp_ms : t;
    size_t position = 0;
    ForEachExposedSample(family, metric, [&](const ExposedSample& sample) {
      AppendSample(family, metric, sample, position++, ts, own_timestamp, it->second, result);
    });
  }
}

void RegistryCollector::AppendSample(const prometheus::MetricFamily& family,
                                     const prometheus::ClientMetric& metric,
                                     const ExposedSample& sample, size_t position, TimestampMs t,
                                     bool own_timestamp, TrackedMetric& tracked,
                                     CollectResult& result) {
  ++result.samples;
  const double v = CanonicalValue(sample.value);
  auto same = [&](const TrackedSample& s) {
    return s.suffix == sample.suffix && s.label == sample.label &&
           std::bit_cast<uint64_t>(s.bound) == std::bit_cast<uint64_t>(sample.bound);
  };
  TrackedSample* slot = nullptr;
  if (position < tracked.samples.size() && same(tracked.samples[position])) {
    slot = &tracked.samples[position];
  } else {  // the metric's layout changed (or it is new): search
    for (TrackedSample& s : tracked.samples) {
      if (same(s)) slot = &s;
    }
  }
  if (slot == nullptr) {
    TrackedSample added;
    added.suffix = sample.suffix;
    added.label = sample.label;
    added.bound = sample.bound;
    Result<Labels> labels = BuildLabels(family, metric, sample);
    if (labels.ok()) {
      Result<storage::SeriesRef> ref = appender_.Append(*labels, t, v);
      if (ref.ok()) {
        added.ref = *ref;
        added.labels = std::move(*labels);
        ++result.series_added;
      } else {
        labels = ref.error();
      }
    }
    if (!labels.ok() && result.invalid_series++ == 0) result.first_invalid = labels.message();
    tracked.samples.push_back(std::move(added));
    slot = &tracked.samples.back();
  } else if (slot->ref != 0) {
    appender_.Append(slot->ref, t, v);
  } else if (result.invalid_series++ == 0) {
    // Refused before: say why again (this path is rare; nothing is kept for it).
    Result<Labels> labels = BuildLabels(family, metric, sample);
    result.first_invalid =
        labels.ok() ? std::string("series ") + labels->to_string() + " refused by the store"
                    : labels.message();
  }
  slot->seen_in = collection_;
  slot->t = t;
  slot->value = v;
  slot->own_timestamp = own_timestamp;
}

Result<Labels> RegistryCollector::BuildLabels(const prometheus::MetricFamily& family,
                                              const prometheus::ClientMetric& metric,
                                              const ExposedSample& sample) const {
  std::string name = family.name;
  name += SuffixText(sample.suffix);
  std::vector<Label> labels;
  labels.reserve(metric.label.size() + options_.target_labels.size() + 2);
  labels.push_back(Label{std::string(kMetricName), name});
  for (const auto& l : metric.label) labels.push_back(Label{l.name, l.value});
  if (sample.label != BoundLabel::kNone) {
    labels.push_back(
        Label{std::string(BoundLabelName(sample.label)), BoundLabelValue(sample.bound)});
  }
  auto where = [&] { return std::string("series ") + GoQuote(name) + ": "; };
  if (name.empty() || !IsValidUtf8(name)) return Error{where() + "invalid metric name"};
  // The text exposition of a repeated label name would fail the whole scrape; here only the
  // series is refused.
  for (size_t i = 1; i < labels.size(); ++i) {
    if (Find(labels, labels[i].name) != &labels[i]) {
      return Error{where() + "duplicate label name " + GoQuote(labels[i].name)};
    }
    if (!IsValidUtf8(labels[i].value)) {
      return Error{where() + "invalid UTF-8 in the value of label " + GoQuote(labels[i].name)};
    }
  }
  AddTargetLabels(labels, options_.target_labels, options_.honor_labels);
  return Labels::FromVector(std::move(labels));
}

void RegistryCollector::MarkUnseenStale(TimestampMs t, CollectResult& result) {
  bool any_gone = false;
  for (const auto& [key, metric] : metrics_) {
    for (const TrackedSample& s : metric.samples) any_gone |= s.seen_in != collection_;
  }
  if (!any_gone) return;
  // Two spellings can name one series (a label with an empty value and no label at all; two
  // bounds that print alike): the series lives on while either is exposed.
  std::unordered_set<storage::SeriesRef> alive;
  for (const auto& [key, metric] : metrics_) {
    for (const TrackedSample& s : metric.samples) {
      if (s.seen_in == collection_ && s.ref != 0) alive.insert(s.ref);
    }
  }
  for (auto it = metrics_.begin(); it != metrics_.end();) {
    std::vector<TrackedSample>& samples = it->second.samples;
    std::erase_if(samples, [&](const TrackedSample& s) {
      if (s.seen_in == collection_) return false;
      if (s.ref != 0 && !s.own_timestamp && alive.insert(s.ref).second) {
        appender_.Append(s.ref, t, StaleNaN());
        ++result.stale_markers;
      }
      return true;
    });
    it = samples.empty() ? metrics_.erase(it) : std::next(it);
  }
}

CollectResult RegistryCollector::Commit(CollectResult result) {
  storage::CommitResult committed = appender_.Commit();
  result.counts = committed.counts;
  if (committed.unknown_refs.empty()) return result;
  // The store dropped some series since the previous collection (garbage collection after a
  // long silence): append their samples again by label set, which re-creates them.
  std::unordered_set<storage::SeriesRef> unknown(committed.unknown_refs.begin(),
                                                 committed.unknown_refs.end());
  for (auto& [key, metric] : metrics_) {
    for (TrackedSample& s : metric.samples) {
      if (s.seen_in != collection_ || !unknown.contains(s.ref)) continue;
      Result<storage::SeriesRef> ref = appender_.Append(s.labels, s.t, s.value);
      if (ref.ok()) s.ref = *ref;
    }
  }
  storage::CommitResult retried = appender_.Commit();
  result.counts.unknown_series -= std::min(result.counts.unknown_series, retried.counts.appended);
  result.counts.appended += retried.counts.appended;
  retried.counts.appended = 0;
  result.counts += retried.counts;
  return result;
}

}  // namespace tocsin::collect
