#include "storage/base/labels.h"

#include <gtest/gtest.h>

namespace tocsin {
namespace {

TEST(LabelsTest, SortsDeduplicatesAndDropsEmptyValues) {
  Labels l{{"b", "2"}, {"a", "1"}, {"b", "3"}, {"c", ""}};
  ASSERT_EQ(l.size(), 2u);
  EXPECT_EQ(l[0].name, "a");
  EXPECT_EQ(l[1].value, "3");  // the last of a repeated name wins
  EXPECT_FALSE(l.has("c"));
  EXPECT_EQ(l.get("missing"), "");
}

TEST(LabelsTest, EqualityAndOrderingFollowPrometheus) {
  Labels a{{"a", "1"}, {"b", "2"}};
  Labels b{{"b", "2"}, {"a", "1"}};
  Labels c{{"a", "1"}};
  EXPECT_EQ(a, b);
  EXPECT_EQ(a.hash(), b.hash());
  EXPECT_FALSE(a == c);
  EXPECT_TRUE(c < a);  // a prefix sorts first
  EXPECT_TRUE(Labels{} < c);
}

TEST(LabelsTest, FingerprintMatchesPrometheusModel) {
  // Values computed with github.com/prometheus/common/model.LabelSet.Fingerprint().
  EXPECT_EQ(Labels{}.fingerprint(), 0xcbf29ce484222325ULL);
  Labels l{{"alertname", "InstanceDown"}, {"job", "node"}};
  // Recomputed independently: FNV-1a over "alertname\xffInstanceDown\xffjob\xffnode\xff".
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : std::string("alertname\xffInstanceDown\xffjob\xffnode\xff")) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  EXPECT_EQ(l.fingerprint(), h);
}

TEST(LabelsTest, Printing) {
  Labels l{{"__name__", "up"}, {"job", "a\"b"}, {"instance", "x\n"}};
  EXPECT_EQ(l.to_string(), R"({__name__="up", instance="x\n", job="a\"b"})");
  EXPECT_EQ(l.to_metric_string(), R"(up{instance="x\n", job="a\"b"})");
  EXPECT_EQ((Labels{{"__name__", "up"}}).to_metric_string(), "up");
  EXPECT_EQ(Labels{}.to_metric_string(), "{}");
  EXPECT_EQ((Labels{{"__name__", "my.metric"}, {"a", "b"}}).to_metric_string(),
            R"({"my.metric", a="b"})");
  EXPECT_EQ((Labels{{"a.b", "c"}}).to_string(), R"({"a.b"="c"})");
}

TEST(LabelsTest, BuilderSetsAndDeletes) {
  Labels base{{"a", "1"}, {"b", "2"}};
  LabelsBuilder b(base);
  b.set("c", "3").del("a").set("b", "");
  EXPECT_EQ(b.labels(), (Labels{{"c", "3"}}));
  EXPECT_EQ(base.size(), 2u);  // the base is untouched
}

TEST(LabelsTest, WithoutAndOnly) {
  Labels l{{"__name__", "m"}, {"a", "1"}, {"b", "2"}};
  std::vector<std::string> names{"a"};
  EXPECT_EQ(l.without(names), (Labels{{"__name__", "m"}, {"b", "2"}}));
  EXPECT_EQ(l.only(names), (Labels{{"a", "1"}}));
  EXPECT_EQ(l.without_metric_name(), (Labels{{"a", "1"}, {"b", "2"}}));
}

TEST(LabelsTest, SortedInputIsKeptAndUnsortedSorted) {
  // Already canonical (the fast path) and the same labels in another order give one set.
  const Labels sorted = Labels::FromVector({{"a", "1"}, {"b", "2"}, {"c", "3"}});
  const Labels shuffled = Labels::FromVector({{"c", "3"}, {"a", "1"}, {"b", "2"}});
  EXPECT_EQ(sorted, shuffled);
  EXPECT_EQ(sorted.to_string(), R"({a="1", b="2", c="3"})");
  // Sorted but with a repeated name or an empty value: not canonical, still normalised.
  EXPECT_EQ(Labels::FromVector({{"a", "1"}, {"a", "2"}}), (Labels{{"a", "2"}}));
  EXPECT_EQ(Labels::FromVector({{"a", "1"}, {"b", ""}}), (Labels{{"a", "1"}}));
}

TEST(LabelsTest, Utf8Validity) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(
      IsValidUtf8("gr\xc3\xb6\xc3\x9f"
                  "e ok"));
  EXPECT_FALSE(IsValidUtf8("ascii then \xff"));
  EXPECT_FALSE(IsValidUtf8("\xc3"));  // truncated
  EXPECT_FALSE(
      IsValidUtf8("a\xed\xa0\x80"
                  "b"));  // a surrogate
}

TEST(LabelsTest, NameValidity) {
  EXPECT_TRUE(IsValidLegacyLabelName("_a1"));
  EXPECT_FALSE(IsValidLegacyLabelName("1a"));
  EXPECT_FALSE(IsValidLegacyLabelName("a:b"));
  EXPECT_TRUE(IsValidLegacyMetricName("a:b"));
  EXPECT_FALSE(IsValidLegacyMetricName(""));
  EXPECT_TRUE(IsValidLabelName("ins-tance"));
  EXPECT_FALSE(IsValidLabelName("\xff"));
}

}  // namespace
}  // namespace tocsin
