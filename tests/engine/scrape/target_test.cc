#include "engine/scrape/target.h"

#include <gtest/gtest.h>

namespace tocsin::scrape {
namespace {

TEST(Target, LabelsAndUrlFollowPrometheus) {
  ScrapeConfig c;
  c.job_name = "node";
  c.scheme = "https";
  c.metrics_path = "/probe";
  c.params = {{"module", {"http_2xx", "x"}}, {"a b", {"c&d"}}};
  c.static_configs.push_back({{"h1:9100", "h2:9100"}, {{"env", "prod"}}});
  c.static_configs.push_back({{"h3:1"},
                              {{"job", "override"},
                               {"instance", "named"},
                               {"__param_module", "icmp"},
                               {"__metrics_path__", "/m"}}});
  auto targets = TargetsFromConfig(c);
  ASSERT_TRUE(targets.ok()) << targets.message();
  ASSERT_EQ(targets->size(), 3u);
  EXPECT_EQ((*targets)[0].labels.to_string(), R"({env="prod", instance="h1:9100", job="node"})");
  EXPECT_EQ((*targets)[0].url, "https://h1:9100/probe?a+b=c%26d&module=http_2xx&module=x");
  EXPECT_EQ((*targets)[2].labels.to_string(), R"({instance="named", job="override"})");
  EXPECT_EQ((*targets)[2].url, "https://h3:1/m?a+b=c%26d&module=icmp&module=x");
  EXPECT_NE((*targets)[0].hash, (*targets)[1].hash);
}

TEST(Target, OffsetIsDeterministicAndInsideTheInterval) {
  ScrapeConfig c;
  c.job_name = "j";
  for (int i = 0; i < 50; ++i) c.static_configs.push_back({{"h" + std::to_string(i) + ":1"}, {}});
  auto targets = TargetsFromConfig(c);
  ASSERT_TRUE(targets.ok());
  const uint64_t seed = OffsetSeed("host", Labels());
  std::set<DurationMs> phases;
  for (const Target& t : *targets) {
    const DurationMs a = t.Offset(15000, seed, 1'700'000'000'123);
    EXPECT_EQ(a, t.Offset(15000, seed, 1'700'000'000'123));
    EXPECT_GE(a, 0);
    EXPECT_LE(a, 15000);
    // Pinned to absolute time: the phase (now + offset) mod interval does not depend on now.
    const DurationMs b = t.Offset(15000, seed, 1'700'000'004'000);
    EXPECT_EQ((1'700'000'000'123 + a) % 15000, (1'700'000'004'000 + b) % 15000);
    phases.insert((1'700'000'000'123 + a) % 15000);
  }
  EXPECT_GT(phases.size(), 40u);  // spread out
}

}  // namespace
}  // namespace tocsin::scrape
