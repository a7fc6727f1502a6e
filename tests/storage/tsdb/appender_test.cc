// Appender behaviour, including concurrent appenders with readers and garbage collection
// running at the same time. The threaded tests check invariants that any lost update or torn
// read would break (they run under ASan in CI; under TSan they also report races).
#include "storage/tsdb/appender.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "storage/tsdb/series_store.h"

namespace tocsin::storage {
namespace {

LabelMatcher Eq(const std::string& name, const std::string& value) {
  return LabelMatcher::Make(MatchType::kEqual, name, value).value();
}

TEST(AppenderTest, BatchIsInvisibleUntilCommit) {
  SeriesStore store(StoreOptions::Unbounded());
  Appender app(store);
  ASSERT_TRUE(app.Append(Labels{{"__name__", "x"}}, 1, 1).ok());
  std::vector<LabelMatcher> ms{Eq("__name__", "x")};
  EXPECT_EQ(store.Select(ms, 0, 10).size(), 0u);
  app.Commit();
  EXPECT_EQ(store.Select(ms, 0, 10).size(), 1u);
}

TEST(AppenderTest, RefsAreStableAndSameLabelsGiveTheSameRef) {
  SeriesStore store(StoreOptions::Unbounded());
  Appender a(store);
  Appender b(store);
  auto r1 = a.Append(Labels{{"__name__", "x"}, {"j", "1"}}, 1, 1);
  auto r2 = b.Append(Labels{{"j", "1"}, {"__name__", "x"}}, 2, 1);
  ASSERT_TRUE(r1.ok() && r2.ok());
  EXPECT_EQ(*r1, *r2);
  EXPECT_NE(*r1, 0u);
  a.Commit();
  b.Commit();
  EXPECT_EQ(store.Stats().samples, 2u);
}

TEST(AppenderTest, SamplesWithinABatchAreValidatedInOrder) {
  SeriesStore store(StoreOptions::Unbounded());
  Appender app(store);
  auto ref = app.Append(Labels{{"__name__", "x"}}, 10, 1);
  app.Append(*ref, 20, 2);
  app.Append(*ref, 15, 3);  // older than 20, staged after it
  CommitResult r = app.Commit();
  EXPECT_EQ(r.counts.appended, 2u);
  EXPECT_EQ(r.counts.out_of_order, 1u);
}

// Writers append v = t to their own series and to one shared series; readers check that every
// series they see is strictly increasing in time with v == t, sorted by labels; a collector runs
// GarbageCollect. At the end every staged sample is accounted for.
TEST(AppenderConcurrencyTest, WritersReadersAndCollectorKeepTheStoreConsistent) {
  SeriesStore store(StoreOptions{kHour, kSecond});
  constexpr int kWriters = 3;
  constexpr int kSeriesPerWriter = 50;
  constexpr int kBatches = 200;
  std::atomic<bool> done{false};
  std::atomic<uint64_t> staged_total{0};
  std::atomic<uint64_t> accounted{0};
  std::atomic<int> reader_failures{0};

  auto writer = [&](int w) {
    Appender app(store);
    std::vector<SeriesRef> refs;
    for (int b = 0; b < kBatches; ++b) {
      const TimestampMs t = b * kSecond;
      for (int i = 0; i < kSeriesPerWriter; ++i) {
        const Labels l{{"__name__", "m"}, {"w", std::to_string(w)}, {"i", std::to_string(i)}};
        if (b % 50 == 0 || refs.size() <= static_cast<size_t>(i) || refs[i] == 0) {
          auto ref = app.Append(l, t, static_cast<double>(t));
          ASSERT_TRUE(ref.ok());
          if (refs.size() <= static_cast<size_t>(i)) refs.push_back(0);
          refs[i] = *ref;
        } else {
          app.Append(refs[i], t, static_cast<double>(t));
        }
      }
      // The shared series: writers race on it, so some of these are out of order or duplicates.
      ASSERT_TRUE(
          app.Append(Labels{{"__name__", "shared"}}, t + w, static_cast<double>(t + w)).ok());
      // New series keep the index changing under the readers.
      ASSERT_TRUE(
          app.Append(
                 Labels{{"__name__", "churn"}, {"w", std::to_string(w)}, {"b", std::to_string(b)}},
                 t, static_cast<double>(t))
              .ok());
      staged_total += app.pending();
      CommitResult r = app.Commit();
      for (SeriesRef ref : r.unknown_refs) {
        for (auto& cached : refs) {
          if (cached == ref) cached = 0;
        }
      }
      accounted += r.counts.appended + r.counts.rejected();
      // Identical duplicates are neither appended nor rejected; this test never makes them
      // except on the shared series, where equal t means equal v (v = t).
    }
  };
  auto reader = [&]() {
    const std::vector<std::vector<LabelMatcher>> selectors{
        {Eq("__name__", "m")},
        {Eq("__name__", "shared")},
        {Eq("__name__", "m"), LabelMatcher::Make(MatchType::kRegexp, "i", "1.*").value()},
        {LabelMatcher::Make(MatchType::kNotEqual, "w", "1").value()},
    };
    while (!done.load()) {
      for (const auto& sel : selectors) {
        SeriesSet s = store.Select(sel, INT64_MIN, INT64_MAX);
        if (s.offsets.size() != s.size() + 1 || s.t.size() != s.v.size()) ++reader_failures;
        for (size_t i = 0; i < s.size(); ++i) {
          if (i > 0 && !(s.labels[i - 1] < s.labels[i])) ++reader_failures;
          auto ts = s.times(i);
          auto vs = s.values(i);
          if (ts.empty()) ++reader_failures;
          for (size_t j = 0; j < ts.size(); ++j) {
            if (vs[j] != static_cast<double>(ts[j])) ++reader_failures;
            if (j > 0 && ts[j] <= ts[j - 1]) ++reader_failures;
          }
        }
      }
      store.LabelValues("w", {});
      store.Stats();
    }
  };
  auto collector = [&]() {
    while (!done.load()) {
      store.GarbageCollect(store.max_time());
      std::this_thread::yield();
    }
  };

  std::vector<std::thread> readers;
  readers.emplace_back(reader);
  readers.emplace_back(reader);
  readers.emplace_back(collector);
  std::vector<std::thread> writers;
  for (int w = 0; w < kWriters; ++w) writers.emplace_back(writer, w);
  for (auto& t : writers) t.join();
  done = true;
  for (auto& t : readers) t.join();

  EXPECT_EQ(reader_failures.load(), 0);
  // Every staged sample is appended, rejected or (shared series only) an ignored duplicate.
  EXPECT_LE(accounted.load(), staged_total.load());
  EXPECT_GE(accounted.load() + kWriters * kBatches, staged_total.load());
  const StoreStats st = store.Stats();
  EXPECT_EQ(st.totals.appended + st.totals.rejected(), accounted.load());
  // Each writer's own series got every sample.
  std::vector<LabelMatcher> own{Eq("__name__", "m"), Eq("w", "0"), Eq("i", "7")};
  SeriesSet s = store.Select(own, INT64_MIN, INT64_MAX);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s.times(0).size(), static_cast<size_t>(kBatches));
  EXPECT_EQ(store.num_series(), 1 + kWriters * (kSeriesPerWriter + kBatches));
}

TEST(AppenderConcurrencyTest, TwoWritersOnOneSeriesNeverCorruptIt) {
  SeriesStore store(StoreOptions{kMinute, kSecond});
  const Labels l{{"__name__", "x"}};
  auto writer = [&](int offset) {
    Appender app(store);
    for (TimestampMs t = offset; t < 20000; t += 2) {
      ASSERT_TRUE(app.Append(l, t, static_cast<double>(t)).ok());
      if (t % 64 == offset) app.Commit();
    }
    app.Commit();
  };
  std::thread a(writer, 0);
  std::thread b(writer, 1);
  a.join();
  b.join();
  std::vector<LabelMatcher> ms{Eq("__name__", "x")};
  SeriesSet s = store.Select(ms, INT64_MIN, INT64_MAX);
  ASSERT_EQ(s.size(), 1u);
  const StoreStats st = store.Stats();
  EXPECT_EQ(st.totals.appended + st.totals.out_of_order, 20000u);
  for (size_t j = 1; j < s.times(0).size(); ++j) {
    ASSERT_LT(s.times(0)[j - 1], s.times(0)[j]);
    ASSERT_EQ(s.values(0)[j], static_cast<double>(s.times(0)[j]));
  }
}

}  // namespace
}  // namespace tocsin::storage
