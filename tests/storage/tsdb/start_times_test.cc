#include "storage/tsdb/start_times.h"

#include <gtest/gtest.h>

#include <vector>

namespace tocsin::storage {
namespace {

std::vector<TimestampMs> FillFor(const StartTimes& st, std::vector<TimestampMs> times) {
  std::vector<TimestampMs> out(times.size(), -1);
  st.Fill(times, out.data());
  return out;
}

TEST(StartTimesTest, FillsTheStartOfEachRecordedSampleAndZeroForTheRest) {
  StartTimes st;
  st.Add(10, 5);
  st.Add(30, 25);
  st.Add(40, 25);
  EXPECT_EQ(FillFor(st, {10, 20, 30, 40, 50}), (std::vector<TimestampMs>{5, 0, 25, 25, 0}));
  EXPECT_EQ(FillFor(st, {30}), (std::vector<TimestampMs>{25}));
  EXPECT_EQ(FillFor(st, {1, 2}), (std::vector<TimestampMs>{0, 0}));
  EXPECT_TRUE(FillFor(st, {}).empty());
}

TEST(StartTimesTest, DropsWhatTheRingDroppedAndStaysBoundedInSteadyState) {
  StartTimes st;
  // A ring holding 100 samples: every append drops the oldest, for 100,000 appends.
  for (TimestampMs t = 1; t <= 100'000; ++t) {
    st.Add(t, t - 1);
    st.DropBefore(t - 99);
  }
  EXPECT_EQ(FillFor(st, {99'900, 99'901, 100'000}), (std::vector<TimestampMs>{0, 99'900, 99'999}));
  // Dead entries are given back: at most about twice the live ones are held.
  EXPECT_LE(st.memory_bytes(), sizeof(StartTimes) + 256 * 2 * sizeof(TimestampMs));
  EXPECT_FALSE(st.empty());
  st.DropBefore(100'001);
  EXPECT_TRUE(st.empty());
  EXPECT_EQ(FillFor(st, {100'000}), (std::vector<TimestampMs>{0}));
}

}  // namespace
}  // namespace tocsin::storage
