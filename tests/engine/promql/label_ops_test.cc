// Label-set helpers: hidden metadata labels, effective hashing, grouping, Prometheus's hash.
#include "engine/promql/label_ops.h"

#include <gtest/gtest.h>

#include <vector>

#include "storage/querier.h"

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

TEST(LabelOps, GroupingOnLabelViewsAgreesWithLabels) {
  const Labels m = L({{"__name__", "x"}, {"__type__", "counter"}, {"a", "1"}, {"b", "2"}});
  std::vector<storage::LabelView> views;
  for (const Label& l : m) views.push_back(storage::LabelView{l.name, l.value});
  const std::span<const storage::LabelView> v = views;
  const std::vector<std::string> none, by_a = {"a"}, by_name = {"__name__", "b"};
  for (bool hidden : {false, true}) {
    for (const auto* names : {&none, &by_a, &by_name}) {
      for (bool without : {false, true}) {
        const Labels group = GroupingLabels(m, hidden, *names, without);
        EXPECT_EQ(label_seq::GroupingLabels(v, hidden, *names, without), group);
        EXPECT_EQ(label_seq::GroupingLabels(m.items(), hidden, *names, without), group);
        EXPECT_EQ(label_seq::GroupingHash(v, hidden, *names, without),
                  without ? HashWithout(m, hidden, *names) : HashOnly(m, hidden, *names));
        EXPECT_TRUE(label_seq::InGroup(v, hidden, group, *names, without));
      }
    }
    EXPECT_EQ(label_seq::Get(v, hidden, "__name__"), GetLabel(m, hidden, "__name__"));
    EXPECT_EQ(label_seq::Get(v, hidden, "b"), "2");
  }
  // Another group: a differing kept value, a missing or an extra kept label.
  EXPECT_FALSE(label_seq::InGroup(v, false, L({{"a", "2"}}), by_a, false));
  EXPECT_FALSE(label_seq::InGroup(v, false, Labels(), by_a, false));
  EXPECT_FALSE(label_seq::InGroup(v, true, L({{"a", "1"}}), by_a, true));  // b is kept too
  EXPECT_TRUE(label_seq::HasTypeOrUnit(v));
  EXPECT_FALSE(label_seq::HasTypeOrUnit(L({{"a", "1"}}).items()));
}

}  // namespace
}  // namespace tocsin::promql
