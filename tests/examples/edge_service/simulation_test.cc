#include "examples/edge_service/simulation.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <map>
#include <memory>
#include <sstream>
#include <string>

namespace tocsin::edge {
namespace {

// A simulated service with its own registry.
struct Service {
  prometheus::Registry registry;
  EdgeMetrics metrics{registry};
  Simulation simulation;

  explicit Service(SimulationOptions options) : simulation(std::move(options), metrics) {}

  std::string Exposition() const {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, registry.Collect());
    return out.str();
  }
  // Every sample by "name{labels}" (label order as prometheus-cpp gives it; le for buckets).
  std::map<std::string, double> Samples() const {
    std::map<std::string, double> out;
    for (const auto& f : registry.Collect()) {
      for (const auto& m : f.metric) {
        std::string key = f.name + "{";
        for (const auto& l : m.label) key += l.name + "=" + l.value + ",";
        switch (f.type) {
          case prometheus::MetricType::Counter:
            out[key + "}"] = m.counter.value;
            break;
          case prometheus::MetricType::Gauge:
            out[key + "}"] = m.gauge.value;
            break;
          case prometheus::MetricType::Histogram:
            out[key + "}_count"] = static_cast<double>(m.histogram.sample_count);
            out[key + "}_sum"] = m.histogram.sample_sum;
            break;
          default:
            break;
        }
      }
    }
    return out;
  }
  double Gauge(const std::string& key) const { return Samples().at(key); }
};

TEST(SimulationTest, OneSeedGivesOneRun) {
  Service a({.seed = 7, .schedule = IncidentSchedule::Default()});
  Service b({.seed = 7, .schedule = IncidentSchedule::Default()});
  Service c({.seed = 8, .schedule = IncidentSchedule::Default()});
  for (Service* s : {&a, &b, &c}) s->simulation.AdvanceTo(5 * kMinute);
  EXPECT_EQ(a.Exposition(), b.Exposition());
  EXPECT_NE(a.Exposition(), c.Exposition());
  // Advancing in small steps or in one go is the same run.
  Service d({.seed = 7, .schedule = IncidentSchedule::Default()});
  for (DurationMs t = 0; t <= 5 * kMinute; t += 1500) d.simulation.AdvanceTo(t);
  EXPECT_EQ(a.Exposition(), d.Exposition());
}

TEST(SimulationTest, CountersNeverDecreaseAndBusinessFlowsNeverStall) {
  Service s({.seed = 1, .schedule = IncidentSchedule::Default()});
  auto previous = s.Samples();
  double conversions_before = 0;
  for (DurationMs t = kMinute; t <= 150 * kMinute; t += kMinute) {
    s.simulation.AdvanceTo(t);
    const auto now = s.Samples();
    for (const auto& [key, v] : now) {
      const bool cumulative = key.find("_total{") != std::string::npos ||
                              key.find("_euros{") != std::string::npos || key.ends_with("_count") ||
                              key.ends_with("_sum");
      if (cumulative && key.find("property_inquiry") == std::string::npos) {
        ASSERT_GE(v, previous.at(key)) << key << " at " << t;
      }
    }
    previous = now;
    if (t % kHour == 0) {
      double conversions = 0;
      for (const auto& [key, v] : now) {
        if (key.starts_with("anclora_analytics_conversions_total{")) conversions += v;
      }
      EXPECT_GT(conversions, conversions_before) << "no conversion in the hour before " << t;
      conversions_before = conversions;
    }
  }
}

TEST(SimulationTest, IncidentsBendTheModelAndAreReported) {
  Service s({.seed = 3, .schedule = IncidentSchedule::Default()});
  s.simulation.AdvanceTo(21 * kMinute);
  EXPECT_EQ(s.Gauge("redis_up{instance=redis:6379,job=redis,}"), 0);
  EXPECT_FALSE(s.simulation.status().redis_up);
  EXPECT_EQ(s.simulation.status().incidents, std::vector<IncidentKind>{IncidentKind::kRedisDown});
  std::vector<std::string> texts;
  for (const auto& e : s.simulation.TakeEvents()) texts.push_back(e.text);
  ASSERT_EQ(texts.size(), 3u);
  EXPECT_TRUE(texts[0].starts_with("incident latency_spike starts"));
  EXPECT_EQ(texts[1], "incident latency_spike ends");
  EXPECT_TRUE(texts[2].starts_with("incident redis_down starts"));
  EXPECT_TRUE(s.simulation.TakeEvents().empty());

  s.simulation.AdvanceTo(25 * kMinute);
  EXPECT_EQ(s.Gauge("redis_up{instance=redis:6379,job=redis,}"), 1);
  s.simulation.AdvanceTo(85 * kMinute);  // the end of the campaign burst
  EXPECT_GT(s.simulation.status().waiting, 50000);
  s.simulation.AdvanceTo(135 * kMinute);  // the leak's hold
  EXPECT_GT(s.simulation.status().heap_mib, 1024);
  s.simulation.AdvanceTo(141 * kMinute);  // the cache was flushed
  EXPECT_LT(s.simulation.status().heap_mib, 400);
}

TEST(SimulationTest, WithoutIncidentsNothingEverMisbehaves) {
  auto none = IncidentSchedule::Parse("none");
  ASSERT_TRUE(none.ok());
  Service s({.seed = 5, .schedule = *none});
  for (DurationMs t = kMinute; t <= 3 * kHour; t += kMinute) {
    s.simulation.AdvanceTo(t);
    const SimulationStatus st = s.simulation.status();
    ASSERT_TRUE(st.redis_up);
    ASSERT_LT(st.waiting, 1000) << t;
    ASSERT_LT(st.heap_mib, 400) << t;
    ASSERT_TRUE(st.incidents.empty());
  }
  EXPECT_TRUE(s.simulation.TakeEvents().empty());
}

}  // namespace
}  // namespace tocsin::edge
