#include "storage/tsdb/sample_ring.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <vector>

namespace tocsin::storage {
namespace {

constexpr TimestampMs kNoRetention = std::numeric_limits<TimestampMs>::min();

std::vector<TimestampMs> Times(const SampleRing& r) {
  std::vector<TimestampMs> out;
  for (uint32_t i = 0; i < r.size(); ++i) out.push_back(r.time_at(i));
  return out;
}

TEST(SampleRingTest, GrowsByDoublingUpToThePreferredCapacityExactly) {
  SampleRing r;
  std::vector<uint32_t> capacities;
  for (int i = 0; i < 100; ++i) {
    r.Push(i, i, kNoRetention, 100);
    if (capacities.empty() || capacities.back() != r.capacity()) capacities.push_back(r.capacity());
  }
  EXPECT_EQ(capacities, (std::vector<uint32_t>{8, 16, 32, 64, 100}));
  EXPECT_EQ(r.size(), 100u);
}

TEST(SampleRingTest, WrapsAroundOverwritingExpiredSamples) {
  SampleRing r;
  // Retention 10: keep samples with t >= newest - 10. Capacity 11 fits exactly one window at
  // step 1, so the ring wraps without growing.
  for (TimestampMs t = 0; t < 1000; ++t) {
    r.Push(t, static_cast<double>(t) * 2, t - 10, 11);
    ASSERT_LE(r.capacity(), 11u);
  }
  EXPECT_EQ(r.size(), 11u);
  EXPECT_EQ(r.time_at(0), 989);
  EXPECT_EQ(r.newest_time(), 999);
  EXPECT_EQ(r.newest_value(), 1998);
  for (uint32_t i = 0; i < r.size(); ++i) EXPECT_EQ(r.value_at(i), 2.0 * r.time_at(i));
}

TEST(SampleRingTest, GrowsWhenDenserThanExpectedInsteadOfDroppingRetainedSamples) {
  SampleRing r;
  // Preferred capacity 5 (expected one sample per 10ms over 40ms), but samples come every 1ms.
  for (TimestampMs t = 0; t < 100; ++t) r.Push(t, 0, t - 40, 5);
  EXPECT_GE(r.capacity(), 41u);
  EXPECT_LE(r.capacity(), 60u);  // grew by eighths, not without bound
  EXPECT_LE(r.time_at(0), 59);   // everything since newest - 40 is still there
  EXPECT_EQ(r.CountInRange(59, 99), 41u);
}

TEST(SampleRingTest, GrowthPreservesOrderAcrossTheWrapPoint) {
  SampleRing r;
  for (TimestampMs t = 0; t < 8; ++t) r.Push(t, t, t - 7, 8);
  r.Push(8, 8, 1, 8);  // overwrites t=0: head moves to physical 1
  ASSERT_EQ(r.capacity(), 8u);
  r.Push(9, 9, 0, 8);  // t=1 is not expired: grows while wrapped
  EXPECT_GT(r.capacity(), 8u);
  EXPECT_EQ(Times(r), (std::vector<TimestampMs>{1, 2, 3, 4, 5, 6, 7, 8, 9}));
}

TEST(SampleRingTest, CopyRangeIsInclusiveAtBothEndsAndSpansTheWrap) {
  SampleRing r;
  for (TimestampMs t = 0; t <= 150; t += 10) r.Push(t, t, t - 100, 11);
  ASSERT_EQ(r.time_at(0), 50);
  std::vector<TimestampMs> ts;
  std::vector<double> vs;
  EXPECT_EQ(r.CopyRange(60, 120, ts, vs), 7u);
  EXPECT_EQ(ts, (std::vector<TimestampMs>{60, 70, 80, 90, 100, 110, 120}));
  EXPECT_EQ(vs.front(), 60);
  EXPECT_EQ(r.CountInRange(61, 119), 5u);
  EXPECT_EQ(r.CountInRange(151, 200), 0u);
  EXPECT_EQ(r.CountInRange(0, 49), 0u);
  EXPECT_EQ(r.CountInRange(150, 150), 1u);
  EXPECT_EQ(r.CountInRange(std::numeric_limits<TimestampMs>::min(),
                           std::numeric_limits<TimestampMs>::max()),
            11u);
}

TEST(SampleRingTest, ExpiredSamplesAreDroppedInRunsWhenTheRingHasSlack) {
  SampleRing r;
  // Window of 11 samples (t >= newest - 10), preferred capacity 19: slack beyond the window.
  uint32_t dropped_total = 0;
  std::vector<uint32_t> runs;
  for (TimestampMs t = 0; t < 100; ++t) {
    const uint32_t dropped = r.Push(t, t, t - 10, 19);
    if (dropped) runs.push_back(dropped);
    dropped_total += dropped;
    ASSERT_LE(r.capacity(), 19u);
    ASSERT_GE(r.CountInRange(t - 10, t), std::min<uint32_t>(11, t + 1));
  }
  EXPECT_EQ(dropped_total + r.size(), 100u);
  // Expired samples go several at a time (the ring stops growing at 16 here: once expired
  // samples can be dropped there is no need to grow), not one per push.
  ASSERT_FALSE(runs.empty());
  for (uint32_t run : runs) EXPECT_GT(run, 1u);
}

TEST(SampleRingTest, DropBeforeAndShrink) {
  SampleRing r;
  for (TimestampMs t = 0; t < 1000; ++t) r.Push(t, t, kNoRetention, 16);
  EXPECT_EQ(r.DropBefore(990), 990u);
  EXPECT_EQ(r.size(), 10u);
  EXPECT_EQ(r.time_at(0), 990);
  EXPECT_TRUE(r.Shrink(16));
  EXPECT_EQ(r.capacity(), 16u);
  EXPECT_EQ(Times(r).back(), 999);
  EXPECT_EQ(r.DropBefore(5000), 10u);
  EXPECT_TRUE(r.empty());
  r.Push(5, 1, kNoRetention, 16);
  EXPECT_EQ(r.newest_time(), 5);
}

TEST(SampleRingTest, UnboundedCapacityKeepsEverything) {
  SampleRing r;
  for (TimestampMs t = 0; t < 10000; ++t)
    r.Push(t, t, kNoRetention, SampleRing::kUnboundedCapacity);
  EXPECT_EQ(r.size(), 10000u);
  EXPECT_EQ(r.time_at(0), 0);
  EXPECT_FALSE(r.Shrink(SampleRing::kUnboundedCapacity));
}

}  // namespace
}  // namespace tocsin::storage
