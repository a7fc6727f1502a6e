#include "engine/alerting/alert_store.h"

#include <gtest/gtest.h>

namespace tocsin::alerting {
namespace {

constexpr TimestampMs kNow = 1714564800000;

Alert MakeA(Labels labels, TimestampMs starts, TimestampMs ends, TimestampMs updated,
            bool timeout = false, std::string summary = "") {
  Alert a;
  a.labels = std::move(labels);
  a.starts_at = starts;
  a.ends_at = ends;
  a.updated_at = updated;
  a.timeout = timeout;
  if (!summary.empty()) a.annotations = {{"summary", summary}};
  return a;
}

class Recorder : public AlertStoreListener {
 public:
  void OnAlertsStored(std::span<const AlertPtr> alerts) override {
    for (const auto& a : alerts) stored.push_back(a);
  }
  void OnAlertsDeleted(std::span<const AlertPtr> alerts) override {
    for (const auto& a : alerts) deleted.push_back(a);
  }
  std::vector<AlertPtr> stored, deleted;
};

TEST(AlertStoreTest, OverlappingCopiesMerge) {
  AlertStore store;
  Recorder rec;
  store.AddListener(&rec);
  const Labels l = {{"alertname", "A"}};
  store.Put({MakeA(l, kNow - kHour, kNow + 4 * kMinute, kNow - kMinute, false, "first")}, kNow);
  auto out = store.Put({MakeA(l, kNow, kNow + 5 * kMinute, kNow, true, "second")}, kNow);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0]->starts_at, kNow - kHour);  // earliest start kept
  EXPECT_EQ(out[0]->ends_at, kNow + 5 * kMinute);
  EXPECT_EQ(out[0]->annotations, (Annotations{{"summary", "second"}}));
  EXPECT_EQ(store.size(), 1u);
  EXPECT_EQ(store.Get(l.fingerprint()), out[0]);
  ASSERT_EQ(rec.stored.size(), 2u);
  EXPECT_EQ(rec.stored[1], out[0]);
}

TEST(AlertStoreTest, NewOccurrenceAfterResolutionReplaces) {
  AlertStore store;
  const Labels l = {{"alertname", "A"}};
  store.Put({MakeA(l, kNow - kHour, kNow - 30 * kMinute, kNow - 30 * kMinute)}, kNow);
  auto out = store.Put({MakeA(l, kNow, kNow + 5 * kMinute, kNow, true)}, kNow);
  EXPECT_EQ(out[0]->starts_at, kNow);  // not merged: the old occurrence ended
  EXPECT_TRUE(out[0]->timeout);
}

TEST(AlertStoreTest, ResolvingUpdateKeepsExplicitEnd) {
  AlertStore store;
  const Labels l = {{"alertname", "A"}};
  store.Put({MakeA(l, kNow - kHour, kNow + 4 * kMinute, kNow - kMinute, true)}, kNow);
  auto out = store.Put({MakeA(l, kNow - kHour, kNow - 10 * 1000, kNow)}, kNow);
  EXPECT_EQ(out[0]->ends_at, kNow - 10 * 1000);
  EXPECT_TRUE(out[0]->ResolvedAt(kNow));
}

TEST(AlertStoreTest, GcRemovesResolvedAndTellsListeners) {
  AlertStore store;
  Recorder rec;
  store.AddListener(&rec);
  store.Put({MakeA({{"alertname", "Gone"}}, kNow - kHour, kNow - kMinute, kNow),
             MakeA({{"alertname", "Firing"}}, kNow - kHour, kNow + kMinute, kNow, true)},
            kNow);
  auto deleted = store.GC(kNow);
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_EQ(deleted[0]->name(), "Gone");
  ASSERT_EQ(rec.deleted.size(), 1u);
  EXPECT_EQ(store.size(), 1u);
  // The timed-out one goes once its end passes.
  EXPECT_EQ(store.GC(kNow + kMinute).size(), 1u);
  EXPECT_EQ(store.size(), 0u);
}

TEST(AlertStoreTest, RestoreStoresAsIs) {
  AlertStore store;
  const Labels l = {{"alertname", "A"}};
  store.Restore({MakeA(l, kNow - kHour, kNow + kHour, kNow - kMinute, true)});
  ASSERT_NE(store.Get(l.fingerprint()), nullptr);
  EXPECT_TRUE(store.Get(l.fingerprint())->timeout);
  EXPECT_EQ(store.List().size(), 1u);
}

}  // namespace
}  // namespace tocsin::alerting
