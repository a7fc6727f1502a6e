// Go's float formatting: strconv 'f'/'e'/'g' and fmt's %g.
#include "storage/base/go_float.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tocsin {
namespace {

TEST(FloatFormat, ShortestG) {
  EXPECT_EQ(FormatGoG(0), "0");
  EXPECT_EQ(FormatGoG(1), "1");
  EXPECT_EQ(FormatGoG(-2.5), "-2.5");
  EXPECT_EQ(FormatGoG(0.1), "0.1");
  EXPECT_EQ(FormatGoG(100000), "100000");
  EXPECT_EQ(FormatGoG(1000000), "1e+06");
  EXPECT_EQ(FormatGoG(123456789), "1.23456789e+08");
  EXPECT_EQ(FormatGoG(0.0001), "0.0001");
  EXPECT_EQ(FormatGoG(0.00001), "1e-05");
  EXPECT_EQ(FormatGoG(1e100), "1e+100");
  EXPECT_EQ(FormatGoG(HUGE_VAL), "+Inf");
  EXPECT_EQ(FormatGoG(-HUGE_VAL), "-Inf");
  EXPECT_EQ(FormatGoG(std::nan("")), "NaN");
}

TEST(FloatFormat, Precision) {
  EXPECT_EQ(FormatGoFloat(0.5, 'g', 2), "0.5");
  EXPECT_EQ(FormatGoFloat(1234, 'g', 2), "1.2e+03");
  EXPECT_EQ(FormatGoFloat(0.123456, 'g', 2), "0.12");
  EXPECT_EQ(FormatGoFloat(1, 'f', 6), "1.000000");
  EXPECT_EQ(FormatGoFloat(-0.5, 'f', 6), "-0.500000");
}

TEST(FloatFormat, ShortestF) {
  EXPECT_EQ(FormatGoFloat(1, 'f', -1), "1");
  EXPECT_EQ(FormatGoFloat(2.5, 'f', -1), "2.5");
  EXPECT_EQ(FormatGoFloat(1e21, 'f', -1), "1000000000000000000000");
  EXPECT_EQ(FormatGoFloat(1e-7, 'f', -1), "0.0000001");
  EXPECT_EQ(FormatGoFloat(-0.0, 'f', -1), "-0");
}

}  // namespace
}  // namespace tocsin
