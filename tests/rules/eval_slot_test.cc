#include "rules/eval_slot.h"

#include <gtest/gtest.h>

namespace tocsin::rules {
namespace {

TEST(EvalSlotTest, GroupHashIsPrometheusLabelsHash) {
  // labels.New({name="api"}, {file="rules/app.yml"}).Hash() hashes the sorted label set.
  EXPECT_EQ(GroupHash("rules/app.yml", "api"), 0x1ae6cfc6e882ccdfULL);
}

TEST(EvalSlotTest, SlotsAreIntervalAlignedPlusTheGroupOffset) {
  const uint64_t hash = GroupHash("rules/app.yml", "api");
  const DurationMs interval = 15 * kSecond;
  const int64_t interval_ns = interval * 1'000'000;
  const int64_t offset = static_cast<int64_t>(hash % static_cast<uint64_t>(interval_ns));
  const int64_t now = 1'700'000'000'123'456'789;
  const int64_t slot = EvalTimestampNs(hash, interval, now);
  EXPECT_LE(slot, now);
  EXPECT_GT(slot, now - interval_ns);
  EXPECT_EQ((slot - offset) % interval_ns, 0);
  // Every instant of one slot maps to that slot; the next slot starts one interval later.
  EXPECT_EQ(EvalTimestampNs(hash, interval, slot), slot);
  EXPECT_EQ(EvalTimestampNs(hash, interval, slot + interval_ns - 1), slot);
  EXPECT_EQ(EvalTimestampNs(hash, interval, slot + interval_ns), slot + interval_ns);
  // Another group lands elsewhere in the interval.
  EXPECT_NE(EvalTimestampNs(GroupHash("rules/app.yml", "db"), interval, now), slot);
}

}  // namespace
}  // namespace tocsin::rules
