#include "engine/promql/promqltest/loader.h"

#include "storage/tsdb/appender.h"

namespace tocsin::promql::promqltest {

Result<LoadStats> LoadIntoStore(const LoadCommand& load, storage::SeriesStore& store) {
  LoadStats stats;
  storage::Appender app(store);
  for (const LoadedSeries& s : load.series) {
    for (size_t i = 0; i < s.values.size(); ++i) {
      const SequenceValue& v = s.values[i];
      if (v.omitted) continue;
      if (v.histogram) {
        ++stats.histogram_samples_dropped;
        continue;
      }
      const TimestampMs t = static_cast<TimestampMs>(i) * load.step;
      // An `@st` value is the start time's offset from the sample's time; `_` means none (0).
      TimestampMs start = 0;
      if (i < s.start_offsets.size() && s.start_offsets[i]) start = t + *s.start_offsets[i];
      if (auto ref = app.AppendWithStartTime(s.labels, t, v.value, start); !ref.ok()) {
        return Error{std::to_string(s.line) + ": " + ref.message()};
      }
      ++stats.samples;
    }
  }
  const storage::CommitResult r = app.Commit();
  if (const uint64_t rejected = r.counts.rejected(); rejected > 0) {
    return Error{std::to_string(load.line) + ": the store rejected " + std::to_string(rejected) +
                 " samples (out of order: " + std::to_string(r.counts.out_of_order) +
                 ", duplicate timestamp: " + std::to_string(r.counts.duplicate_timestamp) + ")"};
  }
  return stats;
}

}  // namespace tocsin::promql::promqltest
