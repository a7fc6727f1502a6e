#include "rules/unittest/lazy_loader.h"

#include <unordered_map>

#include "engine/promql/parser.h"
#include "storage/tsdb/appender.h"

namespace tocsin::rules::unittest {

Result<LazyLoader> LazyLoader::Make(const std::vector<InputSeries>& input, DurationMs interval,
                                    TimestampMs start) {
  LazyLoader loader;
  std::unordered_map<uint64_t, std::vector<size_t>> by_hash;
  for (const InputSeries& in : input) {
    // promtool hands "<series> <values>" to the .test loader as one line.
    const std::string line = in.series + " " + in.values;
    Result<promql::SeriesDesc> desc = promql::ParseSeriesDesc(line);
    if (!desc.ok()) {
      return Error{"error in input series " + in.series + ": " + desc.message()};
    }
    Series s;
    s.labels = desc->labels;
    for (size_t i = 0; i < desc->values.size(); ++i) {
      const promql::SequenceValue& v = desc->values[i];
      if (v.histogram) {
        return Error{"input series " + in.series +
                     ": native histogram samples are not supported by tocsin"};
      }
      if (v.omitted) continue;
      s.t.push_back(start + static_cast<TimestampMs>(i) * interval);
      s.v.push_back(v.value);
    }
    std::vector<size_t>& same_hash = by_hash[s.labels.hash()];
    bool replaced = false;
    for (size_t idx : same_hash) {
      if (loader.series_[idx].labels == s.labels) {
        loader.series_[idx] = std::move(s);
        replaced = true;
        break;
      }
    }
    if (!replaced) {
      same_hash.push_back(loader.series_.size());
      loader.series_.push_back(std::move(s));
    }
  }
  return loader;
}

void LazyLoader::AppendTill(TimestampMs t, storage::SeriesStore& store) {
  storage::Appender app(store);
  for (Series& s : series_) {
    if (s.next >= s.t.size() || s.t[s.next] > t) continue;
    Result<storage::SeriesRef> ref = app.Append(s.labels, s.t[s.next], s.v[s.next]);
    ++s.next;
    if (!ref.ok()) {
      s.next = s.t.size();  // an unusable label set (rejected by the store): skip the series
      continue;
    }
    while (s.next < s.t.size() && s.t[s.next] <= t) {
      app.Append(*ref, s.t[s.next], s.v[s.next]);
      ++s.next;
    }
  }
  app.Commit();
}

}  // namespace tocsin::rules::unittest
