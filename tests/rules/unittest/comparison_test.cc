#include "rules/unittest/comparison.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tocsin::rules::unittest {
namespace {

LabelsAndAnnotations A(Labels l, Labels a, bool partial = false) {
  return {ToLabelList(l), ToLabelList(a), partial};
}

TEST(ComparisonTest, ExactAlertComparison) {
  std::vector<LabelsAndAnnotations> exp = {A({{"alertname", "X"}, {"i", "1"}}, {{"s", "a"}})};
  EXPECT_TRUE(AlertsMatch(exp, exp));
  EXPECT_FALSE(AlertsMatch(exp, {A({{"alertname", "X"}, {"i", "1"}}, {{"s", "b"}})}));
  EXPECT_FALSE(AlertsMatch(exp, {}));
  EXPECT_FALSE(AlertsMatch({}, exp));
  EXPECT_TRUE(AlertsMatch({}, {}));
}

TEST(ComparisonTest, PartialEntriesCompareListedFieldsOnly) {
  const auto got1 = A({{"alertname", "X"}, {"i", "1"}, {"job", "a"}}, {{"s", "a"}, {"d", "long"}});
  const auto got2 = A({{"alertname", "X"}, {"i", "2"}, {"job", "a"}}, {{"s", "b"}});
  EXPECT_TRUE(AlertsMatch(
      {A({{"alertname", "X"}, {"i", "1"}}, {{"s", "a"}}, true), A({{"alertname", "X"}}, {}, true)},
      {got1, got2}));
  // Every expected entry needs an alert of its own, and no alert may be left over.
  EXPECT_FALSE(AlertsMatch({A({{"alertname", "X"}}, {}, true)}, {got1, got2}));
  EXPECT_FALSE(AlertsMatch(
      {A({{"alertname", "X"}, {"i", "3"}}, {}, true), A({{"alertname", "X"}}, {}, true)},
      {got1, got2}));
  // Backtracking: the general entry must not steal the only alert the specific one fits.
  EXPECT_TRUE(
      AlertsMatch({A({{"alertname", "X"}}, {}, true), A({{"i", "1"}}, {}, true)}, {got1, got2}));
}

TEST(ComparisonTest, EmptyValuesCount) {
  // Prometheus keeps annotations that render empty; an expectation must list them.
  const LabelsAndAnnotations got{ToLabelList(Labels{{"alertname", "X"}}),
                                 ToLabelList(Labels{{"s", "a"}}, {"d"}), false};
  EXPECT_EQ(LabelListString(got.annotations), "{d=\"\", s=\"a\"}");
  EXPECT_FALSE(AlertsMatch({A({{"alertname", "X"}}, {{"s", "a"}})}, {got}));
  const LabelsAndAnnotations exp{
      ToLabelList(std::map<std::string, std::string>{{"alertname", "X"}}),
      ToLabelList(std::map<std::string, std::string>{{"d", ""}, {"s", "a"}}), false};
  EXPECT_TRUE(AlertsMatch({exp}, {got}));
}

TEST(ComparisonTest, PromtoolRendering) {
  std::vector<LabelsAndAnnotations> v = {A({{"alertname", "X"}}, {}),
                                         A({{"alertname", "X"}, {"i", "1"}}, {{"s", "a"}})};
  EXPECT_EQ(AlertsString({}), "[]");
  EXPECT_EQ(AlertsString(v),
            "[\n0:\n  Labels:{alertname=\"X\"}\n  Annotations:{},\n1:\n  Labels:{alertname=\"X\", "
            "i=\"1\"}\n  Annotations:{s=\"a\"}\n]");
  EXPECT_EQ(IndentLines("a\nb\nc", "  "), "a\n  b\n  c");
  EXPECT_EQ(FormatValueE(1), "1E+00");
  EXPECT_EQ(FormatValueE(3.0000000000000004), "3.0000000000000004E+00");
  EXPECT_EQ(FormatValueE(0.05), "5E-02");
  EXPECT_EQ(SamplesString({}), "nil");
  EXPECT_EQ(SamplesString({{Labels{{"__name__", "x"}}, 2.5}, {Labels{}, 1}}),
            "{__name__=\"x\"} 2.5E+00, {} 1E+00");
}

TEST(ComparisonTest, FloatComparison) {
  EXPECT_TRUE(FloatsEqual(3, 3, false));
  EXPECT_FALSE(FloatsEqual(3, 2.9999999999999996, false));
  EXPECT_TRUE(FloatsEqual(3, 2.9999999999999996, true));
  EXPECT_TRUE(FloatsEqual(3, 3.0000000000000004, true));
  EXPECT_FALSE(FloatsEqual(3, 3.0000000000000013, true));
  EXPECT_FALSE(FloatsEqual(NAN, NAN, true));  // go-cmp compares floats with ==
}

TEST(ComparisonTest, Diff) {
  std::vector<LabelsAndAnnotations> exp = {A({{"alertname", "X"}}, {})};
  std::vector<LabelsAndAnnotations> got = {A({{"alertname", "Y"}}, {})};
  EXPECT_EQ(AlertsDiff(exp, got),
            "- {\"Labels\":{\"alertname\":\"X\"},\"Annotations\":{}}\n"
            "+ {\"Labels\":{\"alertname\":\"Y\"},\"Annotations\":{}}");
}

}  // namespace
}  // namespace tocsin::rules::unittest
