// Selections recycled between queries on the same thread. A long range over many series
// selects megabytes; allocating (and page-faulting in) that much for every query cost more than
// the query's arithmetic, so the evaluator reuses the buffers of earlier selections.
#pragma once

#include <memory>

#include "storage/querier.h"

namespace tocsin::promql {

class PooledSelection {
 public:
  // Takes an empty set from this thread's pool, or a new one.
  PooledSelection();
  // Empties the set and returns it to the pool, unless the pool already holds its maximum of
  // sets or of buffered samples.
  ~PooledSelection();
  PooledSelection(PooledSelection&&) noexcept = default;
  PooledSelection& operator=(PooledSelection&&) noexcept = default;
  PooledSelection(const PooledSelection&) = delete;
  PooledSelection& operator=(const PooledSelection&) = delete;

  storage::SeriesSet& operator*() const { return *set_; }
  storage::SeriesSet* operator->() const { return set_.get(); }

 private:
  std::unique_ptr<storage::SeriesSet> set_;
};

}  // namespace tocsin::promql
