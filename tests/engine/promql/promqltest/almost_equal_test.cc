#include "engine/promql/promqltest/almost_equal.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "storage/base/sample.h"

namespace tocsin::promql::promqltest {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kMinNormal = std::numeric_limits<double>::min();

TEST(AlmostEqualTest, RelativeToleranceIsOneInAMillionOfTheSum) {
  EXPECT_TRUE(AlmostEqual(1.0, 1.0));
  EXPECT_TRUE(AlmostEqual(1.0, 1.0 + 1e-6));   // diff/sum = 5e-7
  EXPECT_FALSE(AlmostEqual(1.0, 1.0 + 3e-6));  // diff/sum = 1.5e-6
  EXPECT_TRUE(AlmostEqual(1e20, 1e20 + 1e13));
  EXPECT_FALSE(AlmostEqual(1e20, 1.00001e20));
  EXPECT_TRUE(AlmostEqual(-5.0, -5.000001));
  EXPECT_FALSE(AlmostEqual(-5.0, 5.0));
}

TEST(AlmostEqualTest, ZeroMustMatchAlmostExactly) {
  EXPECT_TRUE(AlmostEqual(0.0, 0.0));
  EXPECT_TRUE(AlmostEqual(0.0, -0.0));
  // Against zero a relative error is meaningless: the difference must be below 1e-6 of the
  // smallest normal double.
  EXPECT_FALSE(AlmostEqual(0.0, 1e-300));
  EXPECT_FALSE(AlmostEqual(1e-20, 0.0));
  EXPECT_TRUE(AlmostEqual(0.0, kMinNormal * 1e-7));
  EXPECT_FALSE(AlmostEqual(0.0, kMinNormal * 1e-5));
}

TEST(AlmostEqualTest, SubnormalSumsUseTheAbsoluteRule) {
  const double a = kMinNormal / 4;  // subnormal
  const double b = kMinNormal / 2;
  EXPECT_FALSE(AlmostEqual(a, b));
  EXPECT_TRUE(AlmostEqual(a, a));
}

TEST(AlmostEqualTest, NaNMatchesNaNButNotTheStaleMarker) {
  const double nan = std::nan("");
  EXPECT_TRUE(AlmostEqual(nan, nan));
  EXPECT_TRUE(AlmostEqual(nan, -nan));
  EXPECT_FALSE(AlmostEqual(nan, 1.0));
  EXPECT_TRUE(AlmostEqual(StaleNaN(), StaleNaN()));
  EXPECT_FALSE(AlmostEqual(StaleNaN(), nan));
  EXPECT_FALSE(AlmostEqual(nan, StaleNaN()));
  EXPECT_FALSE(AlmostEqual(StaleNaN(), 0.0));
}

TEST(AlmostEqualTest, InfinitiesMatchOnlyThemselves) {
  EXPECT_TRUE(AlmostEqual(kInf, kInf));
  EXPECT_TRUE(AlmostEqual(-kInf, -kInf));
  EXPECT_FALSE(AlmostEqual(kInf, -kInf));
  EXPECT_FALSE(AlmostEqual(kInf, std::numeric_limits<double>::max()));
  EXPECT_FALSE(AlmostEqual(1.0, kInf));
}

TEST(AlmostEqualTest, HugeFiniteValuesDoNotOverflowTheRelativeTest) {
  const double max = std::numeric_limits<double>::max();
  EXPECT_TRUE(AlmostEqual(max, max));
  EXPECT_TRUE(AlmostEqual(max, max * (1 - 1e-9)));
  EXPECT_FALSE(AlmostEqual(max, max / 2));
}

}  // namespace
}  // namespace tocsin::promql::promqltest
