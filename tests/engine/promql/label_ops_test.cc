// Label-set helpers: hidden metadata labels, effective hashing, grouping, Prometheus's hash.
#include "engine/promql/label_ops.h"

#include <gtest/gtest.h>

namespace tocsin::promql {
namespace {

Labels L(std::initializer_list<Label> l) {
  return Labels(l);
}

TEST(LabelOps, HiddenMetadataLabels) {
  const Labels m = L({{"__name__", "x"}, {"__type__", "counter"}, {"job", "a"}});
  EXPECT_EQ(GetLabel(m, true, "__name__"), "");
  EXPECT_EQ(GetLabel(m, false, "__name__"), "x");
  EXPECT_EQ(GetLabel(m, true, "job"), "a");
  EXPECT_EQ(DropMetadata(m), L({{"job", "a"}}));
  EXPECT_EQ(EffectiveHash(m, true), L({{"job", "a"}}).hash());
  EXPECT_EQ(EffectiveHash(m, false), m.hash());
  EXPECT_TRUE(EffectiveEqual(m, true, L({{"job", "a"}}), false));
  EXPECT_FALSE(EffectiveEqual(m, false, L({{"job", "a"}}), false));
}

TEST(LabelOps, Grouping) {
  const Labels m = L({{"__name__", "x"}, {"a", "1"}, {"b", "2"}});
  const std::vector<std::string> by = {"a"};
  EXPECT_EQ(GroupingLabels(m, false, by, false), L({{"a", "1"}}));
  EXPECT_EQ(GroupingLabels(m, false, by, true), L({{"b", "2"}}));
  EXPECT_EQ(HashOnly(m, false, by), HashOnly(L({{"a", "1"}, {"c", "3"}}), false, by));
  EXPECT_EQ(HashWithout(m, false, by), HashWithout(L({{"b", "2"}}), false, by));
}

TEST(LabelOps, PrometheusHashIsXxHashOfTheStringLabelsEncoding) {
  // xxh64 of "\x08__name__\x03foo\x03job\x03api".
  EXPECT_EQ(PrometheusLabelsHash(L({{"__name__", "foo"}, {"job", "api"}}), false),
            0x4ac391adbdd4b86dULL);
  EXPECT_EQ(PrometheusLabelsHash(Labels(), false), 0xef46db3751d8e999ULL);
}

}  // namespace
}  // namespace tocsin::promql
