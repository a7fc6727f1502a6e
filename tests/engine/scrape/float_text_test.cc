#include "engine/scrape/float_text.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tocsin::scrape {
namespace {

TEST(ParseExpositionFloat, AcceptsGoDecimalsAndSpecials) {
  EXPECT_EQ(ParseExpositionFloat("1"), 1.0);
  EXPECT_EQ(ParseExpositionFloat("-1.5e3"), -1500.0);
  EXPECT_EQ(ParseExpositionFloat("+.5"), 0.5);
  EXPECT_EQ(ParseExpositionFloat("5."), 5.0);
  EXPECT_EQ(ParseExpositionFloat("1E+2"), 100.0);
  EXPECT_EQ(ParseExpositionFloat("+Inf"), INFINITY);
  EXPECT_EQ(ParseExpositionFloat("-inf"), -INFINITY);
  EXPECT_EQ(ParseExpositionFloat("Infinity"), INFINITY);
  EXPECT_TRUE(std::isnan(*ParseExpositionFloat("NaN")));
  EXPECT_TRUE(std::isnan(*ParseExpositionFloat("nan")));
  EXPECT_EQ(ParseExpositionFloat("1e-400"), 0.0);  // underflow is not an error in Go
}

TEST(ParseExpositionFloat, RefusesWhatPrometheusRefuses) {
  for (const char* s : {"", "-", ".", "e5", "1e", "1e+", "0x1p-3", "1_000", "+nan", "-NaN", "infx",
                        "infinit", "1.2.3", "1e400", "-1e400", " 1", "1 ", "true", "0x10"}) {
    EXPECT_FALSE(ParseExpositionFloat(s).has_value()) << s;
  }
}

TEST(ParseGoFloat64, AlsoReadsHexadecimalFloats) {
  EXPECT_EQ(ParseGoFloat64("0x1p-2"), 0.25);
  EXPECT_EQ(ParseGoFloat64("-0X1.8P1"), -3.0);
  EXPECT_FALSE(ParseGoFloat64("0x1").has_value());  // Go requires the 'p' exponent
}

TEST(FormatOpenMetricsFloat, MatchesPrometheusNormalisation) {
  EXPECT_EQ(FormatOpenMetricsFloat(1), "1.0");
  EXPECT_EQ(FormatOpenMetricsFloat(0), "0.0");
  EXPECT_EQ(FormatOpenMetricsFloat(-0.0), "0.0");
  EXPECT_EQ(FormatOpenMetricsFloat(-1), "-1.0");
  EXPECT_EQ(FormatOpenMetricsFloat(0.5), "0.5");
  EXPECT_EQ(FormatOpenMetricsFloat(2.5), "2.5");
  EXPECT_EQ(FormatOpenMetricsFloat(10), "10.0");
  EXPECT_EQ(FormatOpenMetricsFloat(100000), "100000.0");
  EXPECT_EQ(FormatOpenMetricsFloat(1e6), "1e+06");
  EXPECT_EQ(FormatOpenMetricsFloat(1234567), "1.234567e+06");
  EXPECT_EQ(FormatOpenMetricsFloat(0.0001), "0.0001");
  EXPECT_EQ(FormatOpenMetricsFloat(0.00001), "1e-05");
  EXPECT_EQ(FormatOpenMetricsFloat(0.1), "0.1");
  EXPECT_EQ(FormatOpenMetricsFloat(INFINITY), "+Inf");
  EXPECT_EQ(FormatOpenMetricsFloat(-INFINITY), "-Inf");
  EXPECT_EQ(FormatOpenMetricsFloat(NAN), "NaN");
}

TEST(NormalizeFloatLabelValue, KeepsNonNumbers) {
  EXPECT_EQ(NormalizeFloatLabelValue("1"), "1.0");
  EXPECT_EQ(NormalizeFloatLabelValue("0.50"), "0.5");
  EXPECT_EQ(NormalizeFloatLabelValue("+Inf"), "+Inf");
  EXPECT_EQ(NormalizeFloatLabelValue("inf"), "+Inf");
  EXPECT_EQ(NormalizeFloatLabelValue("1e3"), "1000.0");
  EXPECT_EQ(NormalizeFloatLabelValue("fast"), "fast");
  EXPECT_EQ(NormalizeFloatLabelValue(""), "");
}

}  // namespace
}  // namespace tocsin::scrape
