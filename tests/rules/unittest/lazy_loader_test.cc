#include "rules/unittest/lazy_loader.h"

#include <gtest/gtest.h>

#include "storage/base/sample.h"

namespace tocsin::rules::unittest {
namespace {

std::vector<std::pair<TimestampMs, double>> All(const storage::SeriesStore& store,
                                                const std::string& name) {
  std::vector<LabelMatcher> m = {*LabelMatcher::Make(MatchType::kEqual, "__name__", name)};
  storage::SeriesSet set = store.Select(m, INT64_MIN / 2, INT64_MAX / 2);
  std::vector<std::pair<TimestampMs, double>> out;
  for (size_t i = 0; i < set.size(); ++i) {
    for (size_t j = 0; j < set.times(i).size(); ++j)
      out.emplace_back(set.times(i)[j], set.values(i)[j]);
  }
  return out;
}

TEST(LazyLoaderTest, AppendsOnlyUpToEachTime) {
  auto loader = LazyLoader::Make({{"a", "1 _ 3 stale 5+1x2"}, {"b{x=\"y\"}", "7"}}, kMinute, 1000);
  ASSERT_TRUE(loader.ok()) << loader.message();
  storage::SeriesStore store(storage::StoreOptions::Unbounded());
  loader->AppendTill(1000, store);
  EXPECT_EQ(All(store, "a"), (std::vector<std::pair<TimestampMs, double>>{{1000, 1}}));
  EXPECT_EQ(All(store, "b").size(), 1u);
  loader->AppendTill(1000 + 3 * kMinute, store);
  auto a = All(store, "a");
  ASSERT_EQ(a.size(), 3u);  // 1, (gap), 3, stale
  EXPECT_EQ(a[1], (std::pair<TimestampMs, double>{1000 + 2 * kMinute, 3}));
  EXPECT_TRUE(IsStaleNaN(a[2].second));
  loader->AppendTill(1000 + 100 * kMinute, store);
  EXPECT_EQ(All(store, "a").size(), 6u);
}

TEST(LazyLoaderTest, LastDefinitionOfASeriesWins) {
  auto loader = LazyLoader::Make({{"a", "1 1"}, {"a", "2"}}, kMinute, 0);
  ASSERT_TRUE(loader.ok());
  EXPECT_EQ(loader->num_series(), 1u);
  storage::SeriesStore store(storage::StoreOptions::Unbounded());
  loader->AppendTill(kMinute, store);
  EXPECT_EQ(All(store, "a"), (std::vector<std::pair<TimestampMs, double>>{{0, 2}}));
}

TEST(LazyLoaderTest, BadSeriesAndHistogramsAreErrors) {
  EXPECT_FALSE(LazyLoader::Make({{"up{job=\"a\"", "1"}}, kMinute, 0).ok());
  EXPECT_FALSE(LazyLoader::Make({{"up", "1 x 2"}}, kMinute, 0).ok());
  auto h = LazyLoader::Make({{"h", "{{sum:3 count:2 buckets:[2]}}"}}, kMinute, 0);
  ASSERT_FALSE(h.ok());
  EXPECT_NE(h.message().find("native histogram"), std::string::npos);
}

}  // namespace
}  // namespace tocsin::rules::unittest
