#include "storage/tsdb/sample_ring.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include "storage/base/sample.h"

namespace tocsin::storage {
namespace {

constexpr TimestampMs kNoRetention = std::numeric_limits<TimestampMs>::min();

std::vector<TimestampMs> Times(const SampleRing& r) {
  std::vector<TimestampMs> out;
  for (uint32_t i = 0; i < r.size(); ++i) out.push_back(r.time_at(i));
  return out;
}

// Checks LowerBound against a plain search over the ring's timestamps for every timestamp in
// the ring, its neighbours, and times before and after the ring.
void ExpectLowerBoundMatchesLinearSearch(const SampleRing& r) {
  const std::vector<TimestampMs> times = Times(r);
  auto expected = [&](TimestampMs t) {
    return static_cast<uint32_t>(std::lower_bound(times.begin(), times.end(), t) - times.begin());
  };
  std::vector<TimestampMs> probes = {std::numeric_limits<TimestampMs>::min(),
                                     std::numeric_limits<TimestampMs>::max(), -1000000, 0};
  auto add_probe = [&](TimestampMs t, TimestampMs d) {
    TimestampMs sum;
    if (!__builtin_add_overflow(t, d, &sum)) probes.push_back(sum);
  };
  for (TimestampMs t : times) {
    for (TimestampMs d : {-2, -1, 0, 1, 2}) add_probe(t, d);
  }
  if (!times.empty()) {
    for (TimestampMs d : {1, 1000, 1000000}) {
      add_probe(times.front(), -d);
      add_probe(times.back(), d);
    }
  }
  for (TimestampMs t : probes) {
    ASSERT_EQ(r.LowerBound(t), expected(t)) << "t=" << t << " size=" << r.size();
  }
}

TEST(SampleRingTest, LowerBoundOnRegularSamples) {
  SampleRing r;
  ExpectLowerBoundMatchesLinearSearch(r);  // empty
  r.Push(100, 0, kNoRetention, 64);
  ExpectLowerBoundMatchesLinearSearch(r);  // one sample
  for (TimestampMs t = 15000; t <= 15000 * 40; t += 15000) r.Push(t, 0, kNoRetention, 64);
  ExpectLowerBoundMatchesLinearSearch(r);
}

TEST(SampleRingTest, LowerBoundOnIrregularSamples) {
  // Jitter, bursts of dense samples and long gaps: the interpolated guess is far off and the
  // search has to gallop.
  std::mt19937_64 rng(7);
  SampleRing r;
  TimestampMs t = -50000;
  for (int i = 0; i < 500; ++i) {
    const int kind = static_cast<int>(rng() % 10);
    t += kind == 0 ? 1 : kind == 1 ? 1000000 : 15000 + static_cast<TimestampMs>(rng() % 3000);
    r.Push(t, 0, kNoRetention, 64);
  }
  ExpectLowerBoundMatchesLinearSearch(r);
  // One huge gap at either end.
  SampleRing early, late;
  early.Push(0, 0, kNoRetention, 64);
  for (TimestampMs u = 1000000000; u < 1000000000 + 100 * 10; u += 10) {
    early.Push(u, 0, kNoRetention, 64);
  }
  for (TimestampMs u = 0; u < 100 * 10; u += 10) late.Push(u, 0, kNoRetention, 64);
  late.Push(1000000000, 0, kNoRetention, 64);
  ExpectLowerBoundMatchesLinearSearch(early);
  ExpectLowerBoundMatchesLinearSearch(late);
  // Extreme timestamps: the interpolation must not overflow.
  SampleRing extremes;
  extremes.Push(std::numeric_limits<TimestampMs>::min() + 1, 0, kNoRetention, 8);
  extremes.Push(0, 0, kNoRetention, 8);
  extremes.Push(std::numeric_limits<TimestampMs>::max() - 1, 0, kNoRetention, 8);
  ExpectLowerBoundMatchesLinearSearch(extremes);
}

TEST(SampleRingTest, LowerBoundOnWrappedAndGrownRings) {
  SampleRing wrapped;
  for (TimestampMs t = 0; t < 1000; t += 10) {
    wrapped.Push(t, 0, t - 200, 21);
    if (t % 70 == 0) ExpectLowerBoundMatchesLinearSearch(wrapped);
  }
  ASSERT_EQ(wrapped.capacity(), 21u);
  ExpectLowerBoundMatchesLinearSearch(wrapped);
  // Grown while wrapped, then denser samples after sparser ones.
  SampleRing grown;
  for (TimestampMs t = 0; t < 8 * 100; t += 100) grown.Push(t, 0, t - 700, 8);
  grown.Push(800, 0, 100, 8);  // wraps
  for (TimestampMs t = 801; t < 900; ++t) grown.Push(t, 0, 0, 8);
  EXPECT_GT(grown.capacity(), 8u);
  ExpectLowerBoundMatchesLinearSearch(grown);
  grown.DropBefore(850);
  ExpectLowerBoundMatchesLinearSearch(grown);
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

TEST(SampleRingTest, WindowGivesTheSamplesInPlaceAsOneOrTwoRuns) {
  SampleRing r;
  for (TimestampMs t = 0; t <= 150; t += 10) r.Push(t, t * 2, t - 100, 11);
  ASSERT_EQ(r.time_at(0), 50);  // wrapped: physical order is 110..150, 50..100
  auto joined = [](const SampleRing::Run& a, const SampleRing::Run& b) {
    std::vector<TimestampMs> out(a.t, a.t + a.n);
    out.insert(out.end(), b.t, b.t + b.n);
    for (uint32_t i = 0; i < a.n; ++i) EXPECT_EQ(a.v[i], 2.0 * a.t[i]);
    for (uint32_t i = 0; i < b.n; ++i) EXPECT_EQ(b.v[i], 2.0 * b.t[i]);
    return out;
  };
  SampleRing::Run a, b;
  EXPECT_EQ(r.Window(60, 100, a, b), 5u);  // before the wrap point: one run
  EXPECT_EQ(b.n, 0u);
  EXPECT_EQ(joined(a, b), (std::vector<TimestampMs>{60, 70, 80, 90, 100}));
  EXPECT_EQ(r.Window(95, 125, a, b), 3u);  // across it: two runs
  EXPECT_EQ(a.n, 1u);
  EXPECT_EQ(joined(a, b), (std::vector<TimestampMs>{100, 110, 120}));
  EXPECT_EQ(r.Window(111, 1000, a, b), 4u);  // after it
  EXPECT_EQ(joined(a, b), (std::vector<TimestampMs>{120, 130, 140, 150}));
  EXPECT_EQ(r.Window(151, 1000, a, b), 0u);
  EXPECT_EQ(a.n + b.n, 0u);
  EXPECT_EQ(r.Window(0, 49, a, b), 0u);
  EXPECT_EQ(r.Window(100, 99, a, b), 0u);
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

TEST(SampleRingTest, NewestBreakIsTheNewestStaleMarkerOrDecrease) {
  SampleRing r;
  EXPECT_EQ(r.newest_break(), std::numeric_limits<TimestampMs>::min());
  r.Push(10, 1, kNoRetention, 16);
  r.Push(20, 1, kNoRetention, 16);  // equal: not a decrease
  r.Push(30, 5, kNoRetention, 16);
  EXPECT_EQ(r.newest_break(), std::numeric_limits<TimestampMs>::min());
  r.Push(40, 2, kNoRetention, 16);  // a counter reset
  EXPECT_EQ(r.newest_break(), 40);
  r.Push(50, 3, kNoRetention, 16);
  EXPECT_EQ(r.newest_break(), 40);
  r.Push(60, StaleNaN(), kNoRetention, 16);
  EXPECT_EQ(r.newest_break(), 60);
  // After a stale marker nothing compares lower (NaN), but the marker itself is the break.
  r.Push(70, 1, kNoRetention, 16);
  EXPECT_EQ(r.newest_break(), 60);
  // An ordinary NaN compares like Prometheus's reset check: never lower, never higher.
  r.Push(80, std::nan(""), kNoRetention, 16);
  r.Push(90, 0.5, kNoRetention, 16);
  EXPECT_EQ(r.newest_break(), 60);
  r.Push(100, 0.25, kNoRetention, 16);
  EXPECT_EQ(r.newest_break(), 100);
}

}  // namespace
}  // namespace tocsin::storage
