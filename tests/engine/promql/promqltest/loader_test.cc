#include "engine/promql/promqltest/loader.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "storage/base/sample.h"

namespace tocsin::promql::promqltest {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

LoadCommand Load(std::string_view text) {
  auto s = ParseScript(text, "t.test");
  EXPECT_TRUE(s.ok()) << s.message();
  return std::get<LoadCommand>(std::move(s->commands.at(0)));
}

storage::SeriesSet All(const storage::SeriesStore& store) {
  auto m = LabelMatcher::Make(MatchType::kRegexp, "__name__", ".+");
  return store.Select(std::span(&*m, 1), INT64_MIN, INT64_MAX);
}

TEST(LoaderTest, ValueIAtIStepsWithGapsAndStaleMarkers) {
  storage::SeriesStore store(storage::StoreOptions::Unbounded());
  auto stats = LoadIntoStore(Load("load 5m\n  a{x=\"1\"} 1 _ 3 stale\n  b 0+1x2\n"), store);
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(stats->samples, 6u);
  const storage::SeriesSet set = All(store);
  ASSERT_EQ(set.size(), 2u);
  EXPECT_EQ(set.labels[0], (Labels{{"__name__", "a"}, {"x", "1"}}));
  const auto t = set.times(0);
  EXPECT_THAT(std::vector<TimestampMs>(t.begin(), t.end()),
              ElementsAre(0, 10 * kMinute, 15 * kMinute));
  EXPECT_TRUE(IsStaleNaN(set.values(0)[2]));
  const auto v = set.values(1);
  EXPECT_THAT(std::vector<double>(v.begin(), v.end()), ElementsAre(0, 1, 2));
}

TEST(LoaderTest, HistogramSamplesAreLeftOutAndCounted) {
  storage::SeriesStore store(storage::StoreOptions::Unbounded());
  auto stats = LoadIntoStore(Load("load 1m\n  h 1 {{count:1}}x2\n"), store);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->samples, 1u);
  EXPECT_EQ(stats->histogram_samples_dropped, 3u);
}

TEST(LoaderTest, RejectedSamplesAreAnError) {
  storage::SeriesStore store(storage::StoreOptions::Unbounded());
  ASSERT_TRUE(LoadIntoStore(Load("load 1m\n  m 1 2\n"), store).ok());
  auto again = LoadIntoStore(Load("\n\nload 1m\n  m 5\n"), store);
  ASSERT_FALSE(again.ok());
  EXPECT_THAT(again.message(), HasSubstr("3: the store rejected 1 samples (out of order: 1"));
}

}  // namespace
}  // namespace tocsin::promql::promqltest
