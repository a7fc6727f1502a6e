#include "engine/promql/format/value_text.h"

#include <gtest/gtest.h>

#include <cmath>

#include "storage/base/sample.h"

namespace tocsin::promql {
namespace {

TEST(ValueTextTest, SampleValues) {
  EXPECT_EQ(FormatSampleValue(1.5), "1.5");
  EXPECT_EQ(FormatSampleValue(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatSampleValue(-2), "-2");
  EXPECT_EQ(FormatSampleValue(INFINITY), "+Inf");
  EXPECT_EQ(FormatSampleValue(-INFINITY), "-Inf");
  EXPECT_EQ(FormatSampleValue(std::nan("")), "NaN");
  EXPECT_EQ(FormatSampleValue(StaleNaN()), "stale");
}

TEST(ValueTextTest, Times) {
  EXPECT_EQ(FormatOffsetTime(0), "0s");
  EXPECT_EQ(FormatOffsetTime(90 * kSecond), "1m30s");
  EXPECT_EQ(FormatOffsetTime(-10 * kMinute), "-10m");
}

TEST(ValueTextTest, Values) {
  EXPECT_EQ(FormatValueText(Scalar{0, 2}), "scalar: 2");
  EXPECT_EQ(FormatValueText(String{0, "a\"b"}), "string: \"a\\\"b\"");
  EXPECT_EQ(FormatValueText(Vector{}), "(empty vector)");
  const Vector v{{Labels{{"__name__", "up"}, {"job", "a"}}, 0, 1, false},
                 {Labels{{"job", "b"}}, 0, 0, false}};
  EXPECT_EQ(FormatValueText(v), "up{job=\"a\"} 1\n{job=\"b\"} 0");
  EXPECT_EQ(FormatValueText(v, 1), "up{job=\"a\"} 1\n... 1 more");
  const Matrix m{{Labels{{"a", "1"}}, {{0, 1}, {kMinute, 2}}, false}};
  EXPECT_EQ(FormatValueText(m), "{a=\"1\"} 1@0s 2@1m");
}

}  // namespace
}  // namespace tocsin::promql
