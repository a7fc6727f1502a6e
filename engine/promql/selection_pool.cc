#include "engine/promql/selection_pool.h"

#include <vector>

namespace tocsin::promql {

namespace {

// A query holds few selections at once; buffers beyond this size are not worth keeping.
constexpr size_t kMaxPooled = 8;
constexpr size_t kMaxPooledSamples = size_t{4} << 20;  // 64 MiB of samples

std::vector<std::unique_ptr<storage::SeriesSet>>& Pool() {
  thread_local std::vector<std::unique_ptr<storage::SeriesSet>> pool;
  return pool;
}

}  // namespace

PooledSelection::PooledSelection() {
  auto& pool = Pool();
  if (pool.empty()) {
    set_ = std::make_unique<storage::SeriesSet>();
  } else {
    set_ = std::move(pool.back());
    pool.pop_back();
  }
}

PooledSelection::~PooledSelection() {
  if (!set_) return;
  auto& pool = Pool();
  if (pool.size() >= kMaxPooled || set_->t.capacity() > kMaxPooledSamples) return;
  set_->clear();
  pool.push_back(std::move(set_));
}

}  // namespace tocsin::promql
