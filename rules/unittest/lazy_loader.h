// The input series of a rule unit test, written into storage lazily: only the samples up to each
// evaluation time are visible, as with promtool's lazy loader. Sample i of a series is at
// start + i * interval; `_` leaves a gap, `stale` writes a staleness marker.
#pragma once

#include <vector>

#include "rules/unittest/test_file.h"
#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::rules::unittest {

class LazyLoader {
 public:
  // Parses every `series values` line. A series given twice keeps its last definition.
  static Result<LazyLoader> Make(const std::vector<InputSeries>& input, DurationMs interval,
                                 TimestampMs start);

  // Appends the samples at or before `t` that are not in `store` yet.
  void AppendTill(TimestampMs t, storage::SeriesStore& store);

  size_t num_series() const { return series_.size(); }

 private:
  struct Series {
    Labels labels;
    std::vector<TimestampMs> t;
    std::vector<double> v;
    size_t next = 0;  // first sample not appended yet
  };
  std::vector<Series> series_;
};

}  // namespace tocsin::rules::unittest
