// Writing a .test file's `load` blocks into the series store.
#pragma once

#include "engine/promql/promqltest/script.h"
#include "storage/base/result.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::promql::promqltest {

struct LoadStats {
  size_t samples = 0;
  // {{...}} samples, which the float-only store cannot hold; they are left out.
  size_t histogram_samples_dropped = 0;
};

// Appends every float sample of the block (value i of a series at time i*step) in one batch.
// Fails with "<line>: <why>" (prefix it with the file name) when the store refuses a series or a
// sample (out of order or a duplicate timestamp, which upstream's storage refuses too).
Result<LoadStats> LoadIntoStore(const LoadCommand& load, storage::SeriesStore& store);

}  // namespace tocsin::promql::promqltest
