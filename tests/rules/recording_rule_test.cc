#include "rules/recording_rule.h"

#include <gtest/gtest.h>

#include "engine/promql/parser.h"

namespace tocsin::rules {
namespace {

QueryFunc Returning(promql::Vector v) {
  return [v](const promql::Expr&, TimestampMs t) -> Result<promql::Vector> {
    promql::Vector out = v;
    for (auto& s : out) s.t = t;
    return out;
  };
}

RecordingRule Make(Labels labels = {}) {
  return RecordingRule("job:up:sum", std::move(promql::ParseExpr("sum by (job) (up)")).value(),
                       std::move(labels));
}

TEST(RecordingRuleTest, RenamesAndSetsStaticLabels) {
  RecordingRule rule = Make(Labels{{"job", "overridden"}, {"source", "{{ $value }}"}});
  auto out = rule.Eval(60'000, 10'000,
                       Returning({promql::Sample{Labels{{"job", "api"}, {"x", "1"}}, 0, 3}}), 0);
  ASSERT_TRUE(out.ok()) << out.message();
  ASSERT_EQ(out->size(), 1u);
  EXPECT_EQ((*out)[0].metric, (Labels{{"__name__", "job:up:sum"},
                                      {"job", "overridden"},
                                      {"source", "{{ $value }}"},  // not a template here
                                      {"x", "1"}}));
  EXPECT_EQ((*out)[0].t, 50'000);
  EXPECT_EQ((*out)[0].v, 3);
}

TEST(RecordingRuleTest, LabelsSetToEmptyAreRemoved) {
  RecordingRule rule("job:up:sum", std::move(promql::ParseExpr("up")).value(), Labels{},
                     {"instance"});
  auto out = rule.Eval(
      0, 0, Returning({promql::Sample{Labels{{"job", "a"}, {"instance", "i"}}, 0, 1}}), 0);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].metric, (Labels{{"__name__", "job:up:sum"}, {"job", "a"}}));
}

TEST(RecordingRuleTest, ScalarResultsBecomeOneSeries) {
  RecordingRule rule = Make();
  auto out = rule.Eval(0, 0, Returning({promql::Sample{Labels{}, 0, 1}}), 0);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].metric, (Labels{{"__name__", "job:up:sum"}}));
}

TEST(RecordingRuleTest, DuplicateLabelSetsAreAnError) {
  RecordingRule rule = Make(Labels{{"job", "same"}});
  auto out = rule.Eval(0, 0,
                       Returning({promql::Sample{Labels{{"job", "a"}}, 0, 1},
                                  promql::Sample{Labels{{"job", "b"}}, 0, 2}}),
                       0);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.message(),
            "vector contains metrics with the same labelset after applying rule labels");
}

TEST(RecordingRuleTest, Limit) {
  RecordingRule rule = Make();
  const promql::Vector two = {promql::Sample{Labels{{"job", "a"}}, 0, 1},
                              promql::Sample{Labels{{"job", "b"}}, 0, 2}};
  EXPECT_TRUE(rule.Eval(0, 0, Returning(two), 2).ok());
  auto out = rule.Eval(0, 0, Returning(two), 1);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.message(), "exceeded limit of 1 with 2 series");
}

}  // namespace
}  // namespace tocsin::rules
