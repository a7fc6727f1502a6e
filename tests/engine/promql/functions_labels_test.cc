// label_replace, label_join, absent and the sort functions.
#include <gtest/gtest.h>

#include "tests/engine/promql/query_helpers.h"

namespace tocsin::promql::testing {
namespace {

TEST(FunctionsLabels, LabelReplaceExpandsGroups) {
  TestQuerier q;
  q.Add("up{instance=\"host:9090\", job=\"node\"}", {{0, 1}});
  EXPECT_EQ(Query(q, "label_replace(up, \"host\", \"$1\", \"instance\", \"(.*):.*\")", 0).value,
            "{__name__=\"up\", host=\"host\", instance=\"host:9090\", job=\"node\"} 1\n");
  // No match: unchanged. $1x names a group "1x", which does not exist.
  EXPECT_EQ(Query(q, "label_replace(up, \"host\", \"$1x\", \"instance\", \"(.*):.*\")", 0).value,
            "{__name__=\"up\", instance=\"host:9090\", job=\"node\"} 1\n");
  EXPECT_EQ(Query(q, "label_replace(up, \"host\", \"${1}x\", \"instance\", \"(.*):.*\")", 0).value,
            "{__name__=\"up\", host=\"hostx\", instance=\"host:9090\", job=\"node\"} 1\n");
  EXPECT_EQ(Query(q, "label_replace(up, \"dst\", \"x\", \"src\", \"(.*\")", 0).value,
            "invalid regular expression in label_replace(): (.*");
}

TEST(FunctionsLabels, LabelJoinAndCollisions) {
  TestQuerier q;
  q.Add("m{a=\"1\", b=\"2\"}", {{0, 1}});
  q.Add("m{a=\"1\", b=\"3\"}", {{0, 1}});
  EXPECT_EQ(Query(q, "label_join(m{b=\"2\"}, \"ab\", \"-\", \"a\", \"b\")", 0).value,
            "{__name__=\"m\", a=\"1\", ab=\"1-2\", b=\"2\"} 1\n");
  EXPECT_EQ(Query(q, "label_join(m, \"b\", \"\", \"a\")", 0).value,
            "vector cannot contain metrics with the same labelset");
}

TEST(FunctionsLabels, SortOrdersWithNaNLast) {
  TestQuerier q;
  q.Add("m{i=\"a\"}", {{0, 3}});
  q.Add("m{i=\"b\"}", {{0, std::nan("")}});
  q.Add("m{i=\"c\"}", {{0, 1}});
  EXPECT_EQ(
      Query(q, "sort(m)", 0).value,
      "{__name__=\"m\", i=\"c\"} 1\n{__name__=\"m\", i=\"a\"} 3\n{__name__=\"m\", i=\"b\"} NaN\n");
  EXPECT_EQ(
      Query(q, "sort_desc(m)", 0).value,
      "{__name__=\"m\", i=\"a\"} 3\n{__name__=\"m\", i=\"c\"} 1\n{__name__=\"m\", i=\"b\"} NaN\n");
  auto r = QueryRange(q, "sort(m)", 0, kMinute, kMinute);
  ASSERT_EQ(r.warnings.size(), 1u);
  EXPECT_EQ(r.warnings[0],
            "PromQL warning: sort is ineffective for range queries since results are always "
            "ordered by labels (1:1)");
}

TEST(FunctionsLabels, SortByLabelIsNatural) {
  TestQuerier q;
  q.Add("m{i=\"host10\"}", {{0, 1}});
  q.Add("m{i=\"host9\"}", {{0, 1}});
  EXPECT_EQ(Query(q, "sort_by_label(m, \"i\")", 0).value,
            "{__name__=\"m\", i=\"host9\"} 1\n{__name__=\"m\", i=\"host10\"} 1\n");
  EXPECT_EQ(Query(q, "sort_by_label_desc(m, \"i\")", 0).value,
            "{__name__=\"m\", i=\"host10\"} 1\n{__name__=\"m\", i=\"host9\"} 1\n");
}

TEST(FunctionsLabels, AbsentTakesEqualityMatchers) {
  TestQuerier q;
  EXPECT_EQ(Query(q, "absent(nope{job=\"a\", env=~\"x\"})", 0).value, "{job=\"a\"} 1\n");
  EXPECT_EQ(Query(q, "absent(nope{job=\"a\", job=\"b\"})", 0).value, "{} 1\n");
}

}  // namespace
}  // namespace tocsin::promql::testing
