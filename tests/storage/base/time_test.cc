#include "storage/base/time.h"

#include <gtest/gtest.h>

namespace tocsin {
namespace {

TEST(DurationTest, ParsesPrometheusSyntax) {
  EXPECT_EQ(ParseDuration("0").value(), 0);
  EXPECT_EQ(ParseDuration("5m").value(), 5 * kMinute);
  EXPECT_EQ(ParseDuration("1h30m").value(), 90 * kMinute);
  EXPECT_EQ(ParseDuration("1y2w3d4h5m6s7ms").value(),
            365 * kDay + 14 * kDay + 3 * kDay + 4 * kHour + 5 * kMinute + 6 * kSecond + 7);
  EXPECT_FALSE(ParseDuration("").ok());
  EXPECT_FALSE(ParseDuration("5").ok());
  EXPECT_FALSE(ParseDuration("1m1h").ok());  // units out of order
  EXPECT_FALSE(ParseDuration("1m1m").ok());
  EXPECT_FALSE(ParseDuration("1.5h").ok());
  EXPECT_EQ(ParseDuration("x").message(), "not a valid duration string: \"x\"");
}

TEST(DurationTest, FormatsAsPrometheus) {
  EXPECT_EQ(FormatDuration(0), "0s");
  EXPECT_EQ(FormatDuration(90 * kMinute), "1h30m");
  EXPECT_EQ(FormatDuration(90 * kDay), "90d");
  EXPECT_EQ(FormatDuration(14 * kDay), "2w");
  EXPECT_EQ(FormatDuration(365 * kDay), "1y");
  EXPECT_EQ(FormatDuration(kMinute + 500), "1m500ms");
}

TEST(DurationTest, GoDurations) {
  EXPECT_EQ(FormatGoDuration(0), "0s");
  EXPECT_EQ(FormatGoDuration(500), "500ms");
  EXPECT_EQ(FormatGoDuration(90 * kMinute), "1h30m0s");
  EXPECT_EQ(FormatGoDuration(1500), "1.5s");
  EXPECT_EQ(FormatGoDuration(-2 * kMinute), "-2m0s");
  EXPECT_EQ(ParseGoDuration("1.5h").value(), 90 * kMinute);
  EXPECT_EQ(ParseGoDuration("-1m30s").value(), -90 * kSecond);
  EXPECT_FALSE(ParseGoDuration("5").ok());
}

TEST(Rfc3339Test, RoundTrips) {
  EXPECT_EQ(ParseRfc3339("1970-01-01T00:00:00Z").value(), 0);
  EXPECT_EQ(ParseRfc3339("2024-05-01T12:00:00.5+02:00").value(), 1714557600500);
  EXPECT_EQ(FormatRfc3339(1714557600500), "2024-05-01T10:00:00.5Z");
  EXPECT_EQ(FormatRfc3339Millis(1714557600000), "2024-05-01T10:00:00.000Z");
  EXPECT_EQ(FormatRfc3339(-1000), "1969-12-31T23:59:59Z");
  EXPECT_FALSE(ParseRfc3339("2024-05-01").ok());
}

// What Go's time.Parse(time.RFC3339Nano, s) refuses, and what it reads that is easy to miss.
TEST(Rfc3339Test, AsGoReadsIt) {
  EXPECT_EQ(ParseRfc3339("2024-02-29T00:00:00Z").value(), 1709164800000);
  EXPECT_EQ(ParseRfc3339("2024-05-01T12:00:00,25Z").value(), 1714564800250);
  EXPECT_EQ(ParseRfc3339("2024-05-01T12:00:00.123456789-01:30").value(), 1714570200123);
  for (const char* bad :
       {"2023-02-29T00:00:00Z", "2024-04-31T00:00:00Z", "2024-05-01t12:00:00Z",
        "2024-05-01 12:00:00Z", "2024-05-01T12:00:00z", "2024-05-01T12:00:60Z",
        "2024-05-01T24:00:00Z", "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00+24:00",
        "2024-05-01T12:00:00+01:60", "2024-05-01T12:00:00+0100", "2024-13-01T12:00:00Z"}) {
    EXPECT_FALSE(ParseRfc3339(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace tocsin
