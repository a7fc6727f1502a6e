#include "engine/alerting/time_interval.h"

#include <gtest/gtest.h>

#include "engine/alerting/config_loader.h"

namespace tocsin::alerting {
namespace {

TimestampMs At(const std::string& rfc3339) {
  return *ParseRfc3339(rfc3339);
}

NamedTimeInterval Interval(const std::string& body) {
  Result<Config> cfg = LoadConfig(
      "route: {receiver: r}\nreceivers: [{name: r}]\ntime_intervals:\n  - name: t\n"
      "    time_intervals:\n" +
          body,
      "t.yml");
  EXPECT_TRUE(cfg.ok()) << cfg.message();
  return cfg.ok() ? cfg->time_intervals.at(0) : NamedTimeInterval{};
}

TEST(TimeIntervalTest, TimesOfDayAreHalfOpen) {
  NamedTimeInterval t = Interval("      - times: [{start_time: '09:00', end_time: '17:00'}]\n");
  EXPECT_FALSE(t.Contains(At("2024-05-01T08:59:59Z")));
  EXPECT_TRUE(t.Contains(At("2024-05-01T09:00:00Z")));
  EXPECT_TRUE(t.Contains(At("2024-05-01T16:59:59Z")));
  EXPECT_FALSE(t.Contains(At("2024-05-01T17:00:00Z")));
}

TEST(TimeIntervalTest, WeekdaysMonthsYears) {
  NamedTimeInterval t = Interval(
      "      - weekdays: ['monday:friday']\n        months: ['may', '7:8']\n"
      "        years: ['2024']\n");
  EXPECT_TRUE(t.Contains(At("2024-05-01T00:00:00Z")));   // Wednesday in May
  EXPECT_FALSE(t.Contains(At("2024-05-04T12:00:00Z")));  // Saturday
  EXPECT_FALSE(t.Contains(At("2024-06-03T12:00:00Z")));  // June
  EXPECT_TRUE(t.Contains(At("2024-08-30T12:00:00Z")));   // Friday in August
  EXPECT_FALSE(t.Contains(At("2025-05-01T12:00:00Z")));  // 2025
}

TEST(TimeIntervalTest, NegativeDaysOfMonthCountFromTheEnd) {
  NamedTimeInterval t = Interval("      - days_of_month: ['-3:-1']\n");
  EXPECT_TRUE(t.Contains(At("2024-02-27T00:00:00Z")));  // leap year: 27, 28, 29
  EXPECT_TRUE(t.Contains(At("2024-02-29T23:59:00Z")));
  EXPECT_FALSE(t.Contains(At("2024-02-26T23:59:00Z")));
  EXPECT_TRUE(t.Contains(At("2023-04-28T00:00:00Z")));  // 28, 29, 30
  EXPECT_FALSE(t.Contains(At("2023-04-27T00:00:00Z")));
  NamedTimeInterval late = Interval("      - days_of_month: ['31']\n");
  EXPECT_FALSE(late.Contains(At("2023-04-30T00:00:00Z")));
  EXPECT_TRUE(late.Contains(At("2023-05-31T00:00:00Z")));
}

TEST(TimeIntervalTest, LocationShiftsTheClockAndTheDay) {
  NamedTimeInterval t = Interval(
      "      - times: [{start_time: '09:00', end_time: '10:00'}]\n"
      "        weekdays: ['monday']\n        location: 'Asia/Tokyo'\n");
  // Monday 09:30 in Tokyo is Monday 00:30 UTC; Sunday 00:30 UTC is Sunday 09:30 there.
  EXPECT_TRUE(t.Contains(At("2024-05-06T00:30:00Z")));
  EXPECT_FALSE(t.Contains(At("2024-05-05T00:30:00Z")));
  EXPECT_FALSE(t.Contains(At("2024-05-06T09:30:00Z")));
  NamedTimeInterval paris = Interval(
      "      - times: [{start_time: '00:00', end_time: '01:00'}]\n        location: "
      "Europe/Paris\n");
  EXPECT_TRUE(paris.Contains(At("2024-07-01T22:30:00Z")));  // CEST, UTC+2
  EXPECT_TRUE(paris.Contains(At("2024-01-01T23:30:00Z")));  // CET, UTC+1
  EXPECT_FALSE(paris.Contains(At("2024-01-01T22:30:00Z")));
}

TEST(TimeIntervalTest, EmptyListMatchesNothing) {
  NamedTimeInterval t = Interval("      - weekdays: []\n");
  EXPECT_FALSE(t.Contains(At("2024-05-01T00:00:00Z")));
  NamedTimeInterval all = Interval("      - {}\n");
  EXPECT_TRUE(all.Contains(At("2024-05-01T00:00:00Z")));
}

TEST(TimeIntervalTest, ValidationMessages) {
  EXPECT_EQ(ParseWeekdayRange("friday:monday").message(), "start day cannot be before end day");
  EXPECT_EQ(ParseWeekdayRange("funday").message(), "funday is not a valid weekday");
  EXPECT_EQ(ParseDayOfMonthRange("0").message(), "0 is not a valid day of the month: out of range");
  EXPECT_EQ(ParseDayOfMonthRange("-1:5").message(),
            "end day must be negative if start day is negative");
  EXPECT_EQ(ParseDayOfMonthRange("10:-25").message(), "end day -25 is always before start day 10");
  EXPECT_EQ(ParseMonthRange("march:january").message(),
            "end month january is before start month march");
  EXPECT_EQ(ParseMonthRange("smarch").message(), "smarch is not a valid month");
  EXPECT_EQ(ParseYearRange("2022:2020").message(), "end year 2020 is before start year 2022");
  EXPECT_EQ(ParseTimeOfDayRange("10:00", "09:00").message(),
            "start time cannot be equal or greater than end time");
  EXPECT_EQ(ParseTimeOfDayRange("25:00", "26:00").message(),
            "couldn't parse timestamp 25:00, invalid format");
  EXPECT_TRUE(ParseTimeOfDayRange("00:00", "24:00").ok());
  EXPECT_FALSE(LoadLocation("Mars/Olympus").ok());
  EXPECT_TRUE(LoadLocation("America/New_York").ok());
  EXPECT_EQ(*LoadLocation("UTC"), nullptr);
}

}  // namespace
}  // namespace tocsin::alerting
