// The edge service exports every metric of the spec's metrics table (shared/spec/alert-rules.md)
// with the type and the label names the table gives; the table is read from the spec itself.
#include "examples/edge_service/metrics.h"

#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace tocsin::edge {
namespace {

struct SpecMetric {
  std::string type;  // counter, gauge, histogram
  std::set<std::string> labels;
};

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" `");
  if (b == std::string::npos) return "";
  const size_t e = s.find_last_not_of(" `");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream in(s);
  for (std::string part; std::getline(in, part, sep);) out.push_back(part);
  return out;
}

// The rows of "## The metrics these rules read": | metric | type | labels |.
std::map<std::string, SpecMetric> ReadSpecTable() {
  std::ifstream file(std::filesystem::path(TOCSIN_SHARED_DIR) / "spec" / "alert-rules.md");
  EXPECT_TRUE(file) << "cannot read the spec";
  std::map<std::string, SpecMetric> out;
  bool in_table = false;
  for (std::string line; std::getline(file, line);) {
    if (line.starts_with("## The metrics these rules read")) in_table = true;
    if (!in_table || !line.starts_with("| ") || line.starts_with("| metric") ||
        line.starts_with("|---")) {
      continue;
    }
    const std::vector<std::string> cells = Split(line, '|');  // "", metric, type, labels
    if (cells.size() < 4) continue;
    SpecMetric metric;
    metric.type = Trim(cells[2]).substr(0, Trim(cells[2]).find(' '));
    std::string labels = cells[3].substr(0, cells[3].find_first_of("(;"));
    for (const std::string& l : Split(labels, ',')) {
      if (!Trim(l).empty()) metric.labels.insert(Trim(l));
    }
    for (const std::string& name : Split(cells[1], ',')) out[Trim(name)] = metric;
  }
  return out;
}

std::string TypeName(prometheus::MetricType t) {
  switch (t) {
    case prometheus::MetricType::Counter:
      return "counter";
    case prometheus::MetricType::Gauge:
      return "gauge";
    case prometheus::MetricType::Histogram:
      return "histogram";
    case prometheus::MetricType::Summary:
      return "summary";
    case prometheus::MetricType::Untyped:
      return "untyped";
  }
  return "?";
}

TEST(EdgeMetricsTest, ExportsEveryMetricOfTheSpecWithItsTypeAndLabels) {
  const auto spec = ReadSpecTable();
  ASSERT_GE(spec.size(), 38u) << "the spec's table was not found";
  prometheus::Registry registry;
  EdgeMetrics metrics(registry);
  std::map<std::string, const prometheus::MetricFamily*> exported;
  const auto families = registry.Collect();
  for (const auto& f : families) exported[f.name] = &f;

  for (const auto& [name, expected] : spec) {
    SCOPED_TRACE(name);
    auto it = exported.find(name);
    ASSERT_NE(it, exported.end()) << "not exported";
    const prometheus::MetricFamily& family = *it->second;
    EXPECT_EQ(TypeName(family.type), expected.type);
    ASSERT_FALSE(family.metric.empty()) << "no series before the first tick";
    for (const auto& metric : family.metric) {
      std::set<std::string> labels;
      for (const auto& l : metric.label) labels.insert(l.name);
      EXPECT_EQ(labels, expected.labels);
    }
  }
  EXPECT_EQ(exported.size(), spec.size()) << "metrics beyond the spec";
}

TEST(EdgeMetricsTest, RedisPoolAndRedisExporterLabels) {
  prometheus::Registry registry;
  EdgeMetrics metrics(registry);
  std::set<std::string> states;
  for (const auto& f : registry.Collect()) {
    if (f.name == "anclora_redis_connections") {
      for (const auto& m : f.metric) states.insert(m.label.at(0).value);
    }
    if (f.name == "redis_up") {
      ASSERT_EQ(f.metric.size(), 1u);
      EXPECT_EQ(f.metric[0].label.size(), 2u);
    }
  }
  EXPECT_EQ(states, (std::set<std::string>{"active", "idle"}));
  EXPECT_EQ(kRedisPoolSize, 20u);
}

}  // namespace
}  // namespace tocsin::edge
