#include "rules/unittest/test_file.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tocsin::rules::unittest {
namespace {

using ::testing::HasSubstr;

TEST(TestFileTest, DecodesEveryField) {
  Result<TestFile> f = ParseTestFile(R"(
rule_files: [a.yml, 'b/*.yml']
evaluation_interval: 30s
group_eval_order: [g1, g2]
fuzzy_compare: yes
tests:
  - name: first
    interval: 15s
    start_timestamp: "2024-01-01T00:00:00Z"
    external_labels: {region: eu}
    external_url: http://x
    input_series:
      - series: 'up{job="a"}'
        values: 1 2 3
    alert_rule_test:
      - eval_time: 5m
        alertname: A
        exp_alerts:
          - exp_labels: {severity: page}
            exp_annotations: {summary: s}
          - exp_labels: {instance: x}
            match: partial
    promql_expr_test:
      - expr: up
        eval_time: 1m
        exp_samples:
          - labels: 'up{job="a"}'
            value: 1.5e3
          - value: .inf
  - {}
)");
  ASSERT_TRUE(f.ok()) << f.message();
  EXPECT_EQ(f->rule_files, (std::vector<std::string>{"a.yml", "b/*.yml"}));
  EXPECT_EQ(f->evaluation_interval, 30 * kSecond);
  EXPECT_EQ(f->group_eval_order, (std::vector<std::string>{"g1", "g2"}));
  EXPECT_TRUE(f->fuzzy_compare);  // go-yaml v2 reads YAML 1.1 booleans
  ASSERT_EQ(f->tests.size(), 2u);
  const TestGroup& g = f->tests[0];
  EXPECT_EQ(g.name, "first");
  EXPECT_EQ(g.interval, 15 * kSecond);
  EXPECT_EQ(g.start_timestamp, 1704067200000);
  EXPECT_EQ(g.external_labels, (Labels{{"region", "eu"}}));
  EXPECT_EQ(g.external_url, "http://x");
  ASSERT_EQ(g.input_series.size(), 1u);
  EXPECT_EQ(g.input_series[0].values, "1 2 3");
  ASSERT_EQ(g.alert_rule_tests.size(), 1u);
  EXPECT_EQ(g.alert_rule_tests[0].eval_time, 5 * kMinute);
  ASSERT_EQ(g.alert_rule_tests[0].exp_alerts.size(), 2u);
  EXPECT_FALSE(g.alert_rule_tests[0].exp_alerts[0].partial);
  EXPECT_TRUE(g.alert_rule_tests[0].exp_alerts[1].partial);
  ASSERT_EQ(g.promql_expr_tests[0].exp_samples.size(), 2u);
  EXPECT_EQ(g.promql_expr_tests[0].exp_samples[0].value, 1500);
  EXPECT_TRUE(std::isinf(g.promql_expr_tests[0].exp_samples[1].value));
  EXPECT_EQ(g.MaxEvalTime(), 5 * kMinute);
  EXPECT_EQ(f->tests[1].MaxEvalTime(), 0);
}

TEST(TestFileTest, StrictLikePromtool) {
  Result<TestFile> f = ParseTestFile("tests:\n  - nmae: x\n");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(f.message(),
            "yaml: unmarshal errors:\n  line 2: field nmae not found in type main.testGroup");
  f = ParseTestFile(
      "tests:\n  - promql_expr_test:\n      - expr: up\n        exp_samples:\n"
      "          - value: NaN\n");
  ASSERT_FALSE(f.ok());
  EXPECT_THAT(f.message(), HasSubstr("cannot unmarshal !!str `NaN` into float64"));
  f = ParseTestFile(
      "tests:\n  - alert_rule_test:\n      - exp_alerts:\n          - match: fuzzy\n");
  EXPECT_FALSE(f.ok());
  EXPECT_FALSE(ParseTestFile("rule_files: x.yml\n").ok());
  EXPECT_FALSE(ParseTestFile("evaluation_interval: 1.5m\n").ok());
}

TEST(TestFileTest, StartTimestamp) {
  EXPECT_EQ(*ParseStartTimestamp("1609459200"), 1609459200000);
  EXPECT_EQ(*ParseStartTimestamp("1609459200.5"), 1609459200500);
  EXPECT_EQ(*ParseStartTimestamp("2024-01-01T00:00:00+01:00"), 1704063600000);
  EXPECT_FALSE(ParseStartTimestamp("yesterday").ok());
  EXPECT_EQ(ParseStartTimestamp("yesterday").message(),
            "cannot parse \"yesterday\" to a valid timestamp");
}

TEST(TestFileTest, UpstreamFilesDecode) {
  const std::filesystem::path dir =
      std::filesystem::path(TOCSIN_SHARED_DIR) / "conformance" / "promtool" / "testdata";
  for (const char* name : {"unittest.yml", "long-period.yml", "failing.yml", "start-time-test.yml",
                           "rules_run_fuzzy.yml", "bad-input-series.yml", "bad-promql.yml"}) {
    std::ifstream in(dir / name);
    std::stringstream buf;
    buf << in.rdbuf();
    Result<TestFile> f = ParseTestFile(buf.str());
    EXPECT_TRUE(f.ok()) << name << ": " << f.message();
  }
}

}  // namespace
}  // namespace tocsin::rules::unittest
