#include "engine/promql/selection_pool.h"

#include <vector>

namespace tocsin::promql {

namespace {

// A query holds few selections at once, so a few pooled sets cover it. The pool's buffers are
// bounded in total so that one huge query does not leave a thread holding its memory for good:
// 2M samples are 32 MiB of time and value buffers.
constexpr size_t kMaxPooledSets = 8;
constexpr size_t kMaxPooledSamples = size_t{2} << 20;

struct Pool {
  std::vector<std::unique_ptr<storage::SeriesSet>> sets;
  size_t samples = 0;  // sum of the pooled sets' sample capacities
};

Pool& ThreadPool() {
  thread_local Pool pool;
  return pool;
}

}  // namespace

PooledSelection::PooledSelection() {
  Pool& pool = ThreadPool();
  if (pool.sets.empty()) {
    set_ = std::make_unique<storage::SeriesSet>();
  } else {
    set_ = std::move(pool.sets.back());
    pool.sets.pop_back();
    pool.samples -= set_->t.capacity();
  }
}

PooledSelection::~PooledSelection() {
  if (!set_) return;
  Pool& pool = ThreadPool();
  const size_t capacity = set_->t.capacity();
  if (pool.sets.size() >= kMaxPooledSets || pool.samples + capacity > kMaxPooledSamples) return;
  set_->clear();
  pool.samples += capacity;
  pool.sets.push_back(std::move(set_));
}

}  // namespace tocsin::promql
