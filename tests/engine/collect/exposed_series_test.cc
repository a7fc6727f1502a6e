#include "engine/collect/exposed_series.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace tocsin::collect {
namespace {

TEST(BoundLabelValueTest, PrintsBoundsAsPrometheus3StoresThem) {
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(BoundLabelValue(1), "1.0");
  EXPECT_EQ(BoundLabelValue(0), "0.0");
  EXPECT_EQ(BoundLabelValue(10), "10.0");
  EXPECT_EQ(BoundLabelValue(1000), "1000.0");
  EXPECT_EQ(BoundLabelValue(0.005), "0.005");
  EXPECT_EQ(BoundLabelValue(2.5), "2.5");
  EXPECT_EQ(BoundLabelValue(0.99), "0.99");
  EXPECT_EQ(BoundLabelValue(-0.5), "-0.5");
  EXPECT_EQ(BoundLabelValue(1e-5), "1e-05");
  EXPECT_EQ(BoundLabelValue(2.5e6), "2.5e+06");
  EXPECT_EQ(BoundLabelValue(kInf), "+Inf");
  EXPECT_EQ(BoundLabelValue(-kInf), "-Inf");
  EXPECT_EQ(BoundLabelValue(std::numeric_limits<double>::quiet_NaN()), "NaN");
}

TEST(BoundLabelValueTest, RoundsToTheSixteenDigitsTheSerializerPrints) {
  const double three_tenths = 0.1 * 3;  // 0.30000000000000004
  ASSERT_NE(three_tenths, 0.3);
  EXPECT_EQ(BoundLabelValue(three_tenths), "0.3");
}

std::vector<std::string> Describe(const prometheus::MetricFamily& family) {
  std::vector<std::string> out;
  for (const auto& metric : family.metric) {
    ForEachExposedSample(family, metric, [&](const ExposedSample& s) {
      std::string line = family.name + std::string(SuffixText(s.suffix));
      if (s.label != BoundLabel::kNone) {
        line += std::string("{") + std::string(BoundLabelName(s.label)) + "=" +
                BoundLabelValue(s.bound) + "}";
      }
      out.push_back(line + " " + std::to_string(static_cast<int>(s.value)));
    });
  }
  return out;
}

TEST(ForEachExposedSampleTest, HistogramGetsAnInfBucketWhenItsBucketsStopShort) {
  prometheus::MetricFamily family;
  family.name = "h";
  family.type = prometheus::MetricType::Histogram;
  prometheus::ClientMetric m;
  m.histogram.sample_count = 7;
  m.histogram.sample_sum = 3;
  m.histogram.bucket = {{2, 0.5}, {5, 1}};
  family.metric.push_back(m);
  EXPECT_EQ(Describe(family),
            (std::vector<std::string>{"h_count 7", "h_sum 3", "h_bucket{le=0.5} 2",
                                      "h_bucket{le=1.0} 5", "h_bucket{le=+Inf} 7"}));
  family.metric[0].histogram.bucket.push_back({7, std::numeric_limits<double>::infinity()});
  EXPECT_EQ(Describe(family).size(), 5u);
}

TEST(ForEachExposedSampleTest, SummaryExposesCountSumAndQuantiles) {
  prometheus::MetricFamily family;
  family.name = "s";
  family.type = prometheus::MetricType::Summary;
  prometheus::ClientMetric m;
  m.summary.sample_count = 4;
  m.summary.sample_sum = 10;
  m.summary.quantile = {{0.5, 2}, {0.9, 3}};
  family.metric.push_back(m);
  EXPECT_EQ(Describe(family), (std::vector<std::string>{"s_count 4", "s_sum 10",
                                                        "s{quantile=0.5} 2", "s{quantile=0.9} 3"}));
}

TEST(ForEachExposedSampleTest, ScalarTypesExposeTheirOwnValue) {
  for (auto type : {prometheus::MetricType::Counter, prometheus::MetricType::Gauge,
                    prometheus::MetricType::Untyped}) {
    prometheus::MetricFamily family;
    family.name = "x";
    family.type = type;
    prometheus::ClientMetric m;
    m.counter.value = 1;
    m.gauge.value = 2;
    m.untyped.value = 3;
    family.metric.push_back(m);
    const int expected = type == prometheus::MetricType::Counter ? 1
                         : type == prometheus::MetricType::Gauge ? 2
                                                                 : 3;
    EXPECT_EQ(Describe(family),
              std::vector<std::string>{std::string("x ") + std::to_string(expected)});
  }
}

}  // namespace
}  // namespace tocsin::collect
