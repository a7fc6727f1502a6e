#include "engine/promql/selection_pool.h"

#include <gtest/gtest.h>

#include <thread>

namespace tocsin::promql {
namespace {

// Fills `s` with one series of n samples.
void Fill(storage::SeriesSet& s, size_t n) {
  s.labels.push_back(Labels{{"__name__", "x"}});
  for (size_t i = 0; i < n; ++i) {
    s.t.push_back(static_cast<TimestampMs>(i));
    s.v.push_back(1);
  }
  s.offsets.push_back(s.t.size());
}

TEST(SelectionPoolTest, ASetComesBackEmptyWithItsBuffers) {
  const storage::SeriesSet* first = nullptr;
  {
    PooledSelection a;
    Fill(*a, 1000);
    first = &*a;
  }
  PooledSelection b;
  EXPECT_EQ(&*b, first);  // the same set, recycled on this thread
  EXPECT_EQ(b->size(), 0u);
  EXPECT_TRUE(b->t.empty());
  EXPECT_TRUE(b->v.empty());
  EXPECT_EQ(b->offsets, (std::vector<size_t>{0}));
  EXPECT_GE(b->t.capacity(), 1000u);
}

TEST(SelectionPoolTest, SetsInUseAreDistinct) {
  PooledSelection a;
  PooledSelection b;
  EXPECT_NE(&*a, &*b);
  PooledSelection moved(std::move(a));
  Fill(*moved, 1);
  EXPECT_EQ(moved->size(), 1u);
}

TEST(SelectionPoolTest, HugeBuffersAreNotKept) {
  {
    PooledSelection a;
    Fill(*a, size_t{3} << 20);  // more than the pool's total bound
  }
  PooledSelection b;
  // Either a fresh set or an earlier small one: never the huge buffers.
  EXPECT_LT(b->t.capacity(), size_t{3} << 20);
}

TEST(SelectionPoolTest, EachThreadHasItsOwnPool) {
  const storage::SeriesSet* mine = nullptr;
  {
    PooledSelection a;
    mine = &*a;
  }
  const storage::SeriesSet* theirs = nullptr;
  std::thread([&] {
    PooledSelection b;
    theirs = &*b;
  }).join();
  EXPECT_NE(mine, theirs);
}

}  // namespace
}  // namespace tocsin::promql
