// Go's time package as templates see it: layouts (Format and Parse), zones from the system's
// TZif files including the POSIX rule past their tables, and Duration.String. Cases from Go's
// time/format_test.go and time_test.go; zone formatting was also cross-checked against Go
// (through amtool's .StartsAt.Format) over 12 zones and dates from 1826 to 2526.
#include "engine/template/go_time.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace tocsin::tmpl {
namespace {

const Location* Zone(const char* name) {
  auto l = Location::Load(name);
  EXPECT_TRUE(l.ok()) << l.message();
  return l.ok() ? *l : Location::UTC();
}

TEST(GoTime, FormatLayouts) {
  // Thu Feb  4 21:00:57.012345600 PST 2009, as in Go's tests.
  const GoTime t = GoTime::FromUnixNano(1233810057012345600).In(Zone("America/Los_Angeles"));
  struct Case {
    const char* layout;
    const char* want;
  };
  const Case cases[] = {
      {"Mon Jan _2 15:04:05 2006", "Wed Feb  4 21:00:57 2009"},
      {"Mon Jan _2 15:04:05 MST 2006", "Wed Feb  4 21:00:57 PST 2009"},
      {"Mon Jan 02 15:04:05 -0700 2006", "Wed Feb 04 21:00:57 -0800 2009"},
      {"02 Jan 06 15:04 MST", "04 Feb 09 21:00 PST"},
      {"Monday, 02-Jan-06 15:04:05 MST", "Wednesday, 04-Feb-09 21:00:57 PST"},
      {"Mon, 02 Jan 2006 15:04:05 MST", "Wed, 04 Feb 2009 21:00:57 PST"},
      {"Mon, 02 Jan 2006 15:04:05 -0700", "Wed, 04 Feb 2009 21:00:57 -0800"},
      {"2006-01-02T15:04:05Z07:00", "2009-02-04T21:00:57-08:00"},
      {"2006-01-02T15:04:05.999999999Z07:00", "2009-02-04T21:00:57.0123456-08:00"},
      {"3:04PM", "9:00PM"},
      {"3pm", "9pm"},
      {"3PM", "9PM"},
      {"06 01 02", "09 02 04"},
      {"Hi Janet, the Month is January", "Hi Janet, the Month is February"},
      {"Jan _2 15:04:05", "Feb  4 21:00:57"},
      {"Jan _2 15:04:05.000", "Feb  4 21:00:57.012"},
      {"Jan _2 15:04:05.000000", "Feb  4 21:00:57.012345"},
      {"Jan _2 15:04:05.000000000", "Feb  4 21:00:57.012345600"},
      {"Jan  2 002 __2 2", "Feb  4 035  35 4"},
      {"15:04:05,000 .9 ,99", "21:00:57,012  ,01"},
      {"Z07:00:00 -07:00:00 -070000 Z070000 -07 Z07",
       "-08:00:00 -08:00:00 -080000 -080000 -08 -08"},
      {"no layout here", "no layout here"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.layout);
    EXPECT_EQ(FormatTime(t, c.layout), c.want);
  }
  const GoTime single = DateIn(2001, 2, 3, 4, 5, 6, 700000000, Location::UTC());
  EXPECT_EQ(FormatTime(single, "3:4:5"), "4:5:6");
  EXPECT_EQ(FormatTime(DateIn(0, 1, 1, 12, 0, 0, 0, Location::UTC()), "3:04PM"), "12:00PM");
  EXPECT_EQ(FormatTime(DateIn(0, 1, 1, 0, 0, 0, 0, Location::UTC()), "03:04PM"), "12:00AM");
  EXPECT_EQ(
      FormatTime(DateIn(2008, 9, 17, 20, 4, 26, 0, Location::UTC()), "2006-01-02T15:04:05Z07:00"),
      "2008-09-17T20:04:26Z");
  EXPECT_EQ(FormatTime(DateIn(2000, 12, 26, 1, 15, 6, 0, Location::Fixed("OTO", 15600)),
                       "2006-01-02T15:04:05Z07:00"),
            "2000-12-26T01:15:06+04:20");
  for (int y : {-1001, -1, 0, 1, 999, 10000}) {
    const std::string got = FormatTime(DateIn(y, 1, 1, 0, 0, 0, 0, Location::UTC()), "2006.01.02");
    char want[32];
    if (y < 0) {
      std::snprintf(want, sizeof want, "-%04d.01.01", -y);
    } else {
      std::snprintf(want, sizeof want, "%04d.01.01", y);
    }
    EXPECT_EQ(got, want);
  }
}

TEST(GoTime, StringAndZeroTime) {
  EXPECT_EQ(TimeString(GoTime{}), "0001-01-01 00:00:00 +0000 UTC");
  EXPECT_TRUE(GoTime{}.IsZero());
  EXPECT_EQ(TimeString(GoTime::FromUnixMilli(1435065584128)), "2015-06-23 13:19:44.128 +0000 UTC");
  EXPECT_EQ(TimeString(GoTime::FromUnix(-1, 0)), "1969-12-31 23:59:59 +0000 UTC");
  EXPECT_EQ(TimeString(GoTime::FromUnix(1700000000, 0).In(Zone("Europe/Berlin"))),
            "2023-11-14 23:13:20 +0100 CET");
  EXPECT_EQ(TimeString(GoTime::FromUnix(1690000000, 0).In(Zone("Europe/Berlin"))),
            "2023-07-22 06:26:40 +0200 CEST");
  EXPECT_EQ(TimeString(GoTime::FromUnix(1700000000, 0).In(Zone("Asia/Kathmandu"))),
            "2023-11-15 03:58:20 +0545 +0545");
  // Beyond the TZif table: the POSIX rule in the file's footer decides.
  EXPECT_EQ(TimeString(GoTime::FromUnix(4102444800, 0).In(Zone("America/New_York"))),
            "2099-12-31 19:00:00 -0500 EST");
  EXPECT_EQ(TimeString(GoTime::FromUnix(4118083200, 0).In(Zone("America/New_York"))),
            "2100-06-30 20:00:00 -0400 EDT");
  // Before the first transition: local mean time.
  EXPECT_EQ(TimeString(GoTime::FromUnix(-5000000000, 0).In(Zone("Europe/Berlin"))),
            "1811-07-23 16:00:08 +0053 LMT");
}

TEST(GoTime, LoadLocation) {
  EXPECT_EQ(*Location::Load(""), Location::UTC());
  EXPECT_EQ(*Location::Load("UTC"), Location::UTC());
  EXPECT_EQ((*Location::Load("Local"))->name(), Location::Local()->name());
  EXPECT_EQ(Zone("Europe/Paris")->name(), "Europe/Paris");
  EXPECT_EQ(Zone("Europe/Paris"), Zone("Europe/Paris"));  // cached
  EXPECT_EQ(Location::Load("Mars/Olympus").message(), "unknown time zone Mars/Olympus");
  EXPECT_EQ(Location::Load("../../etc/passwd").message(), "time: invalid location name");
  EXPECT_EQ(Location::Load("/etc/localtime").message(), "time: invalid location name");
  EXPECT_FALSE(Location::FromTZif("x", "not a tzif file").ok());
  EXPECT_FALSE(Location::FromTZif("x", std::string("TZif2") + std::string(100, '\xff')).ok());
}

TEST(GoTime, ParseLayouts) {
  const Location* la = Zone("America/Los_Angeles");
  struct Case {
    const char* layout;
    const char* value;
    int64_t unix;  // expected Unix seconds
    int nsec;
  };
  // Thu Feb  4 21:00:57 PST 2010 is 1265346057.
  const Case cases[] = {
      {"Mon Jan _2 15:04:05 2006", "Thu Feb  4 21:00:57 2010", 1265346057, 0},
      {"Mon Jan _2 15:04:05 MST 2006", "Thu Feb  4 21:00:57 PST 2010", 1265346057, 0},
      {"Mon Jan 02 15:04:05 -0700 2006", "Thu Feb 04 21:00:57 -0800 2010", 1265346057, 0},
      {"Monday, 02-Jan-06 15:04:05 MST", "Thursday, 04-Feb-10 21:00:57 PST", 1265346057, 0},
      {"Mon, 02 Jan 2006 15:04:05 MST", "Thu, 04 Feb 2010 22:00:57 PDT", 1265346057, 0},
      {"2006-01-02T15:04:05Z07:00", "2010-02-04T21:00:57-08:00", 1265346057, 0},
      {"2006-01-02 15:04:05-07", "2010-02-04 21:00:57-08", 1265346057, 0},
      {"Mon Jan _2 15:04:05 2006", "Thu Feb  4 21:00:57.0 2010", 1265346057, 0},
      {"Mon Jan _2 15:04:05 MST 2006", "Thu Feb  4 21:00:57.01 PST 2010", 1265346057, 10000000},
      {"2006-01-02T15:04:05Z07:00", "2010-02-04T21:00:57.012345678-08:00", 1265346057, 12345678},
      {"Mon Jan _2 15:04:05 2006", "Thu      Feb     4     21:00:57     2010", 1265346057, 0},
      {"Mon Jan _2 15:04:05 2006", "THU FEB 4 21:00:57 2010", 1265346057, 0},
      {"Mon Jan _2 15:04:05,000 2006", "Thu Feb  4 21:00:57.012 2010", 1265346057, 12000000},
      {"2006.01.02.15.04.05.00", "2010.02.04.21.00.57.01", 1265346057, 10000000},
      {"2006-01-02 15:04:05.9999 -0700 MST", "2010-02-04 21:00:57.012345678 -0800 PST", 1265346057,
       12345678},
      {"2006-01-02 002 15:04:05", "2010-02-04 035 21:00:57", 1265346057, 0},
      {"2006-002 15:04:05", "2010-035 21:00:57", 1265346057, 0},
      {"200600204 15:04:05", "201003504 21:00:57", 1265346057, 0},
      {"15:04_20060102", "21:00_20100204", 1265346000, 0},
      {"Mon Jan _2 15:04:05 MST 2006", "Fri Feb  5 05:00:57 GMT-8 2010", 1265346057, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.layout) + " / " + c.value);
    auto t = ParseTime(c.layout, c.value, la);
    ASSERT_TRUE(t.ok()) << t.message();
    EXPECT_EQ(t->sec, c.unix);
    EXPECT_EQ(t->nsec, c.nsec);
  }
  // Without a zone in the input, the location given is used; offsets with seconds.
  auto u = ParseTime("2006-01-02T15:04:05-070000", "1871-01-01T05:33:02-003408", Location::UTC());
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(ToCivil(*u).offset, -(34 * 60 + 8));
  EXPECT_EQ(ToCivil(*ParseTime("3:04PM", "12:00PM", Location::UTC())).hour, 12);
  EXPECT_EQ(ToCivil(*ParseTime("3:04PM", "12:00AM", Location::UTC())).hour, 0);
  // A zone name unknown to the location keeps its name with offset 0.
  auto pst = ParseTime("Jan 2 2006 15:04 MST", "Feb 4 2010 21:00 PST", Location::UTC());
  EXPECT_EQ(TimeString(*pst), "2010-02-04 21:00:00 +0000 PST");
  for (int yday = 1; yday <= 365; ++yday) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "2020-%03d", yday);
    auto t = ParseTime("2006-002", buf, Location::UTC());
    ASSERT_TRUE(t.ok()) << buf;
    EXPECT_EQ(ToCivil(*t).yday, yday);
  }
}

TEST(GoTime, ParseErrors) {
  struct Case {
    const char* layout;
    const char* value;
    const char* error;
  };
  const Case cases[] = {
      {"Mon Jan _2 15:04:05 2006", "Thu Feb  4 21:00:60 2010",
       R"(parsing time "Thu Feb  4 21:00:60 2010": second out of range)"},
      {"Mon Jan _2 15:04:05 2006", "Thu Feb  4 21:61:57 2010",
       R"(parsing time "Thu Feb  4 21:61:57 2010": minute out of range)"},
      {"Mon Jan _2 15:04:05 2006", "Feb  4 21:00:60 2010",
       R"(parsing time "Feb  4 21:00:60 2010" as "Mon Jan _2 15:04:05 2006": cannot parse "Feb  4 21:00:60 2010" as "Mon")"},
      {"Jan _2 15:04:05.000000000", "Dec  7 11:22:01.000000",
       R"(parsing time "Dec  7 11:22:01.000000" as "Jan _2 15:04:05.000000000": cannot parse ".000000" as ".000000000")"},
      {"Jan _2 15:04:05.000000000", "Dec  7 11:22:01.0000000000",
       R"(parsing time "Dec  7 11:22:01.0000000000": extra text: "0")"},
      {"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05Z07:00",
       R"(parsing time "2006-01-02T15:04:05Z07:00": extra text: "07:00")"},
      {"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04_abc",
       R"(parsing time "2006-01-02T15:04_abc" as "2006-01-02T15:04:05Z07:00": cannot parse "_abc" as ":")"},
      {"2006-01-02T15:04:05Z07:00", "2006-01-02T15:04:05_abc",
       R"(parsing time "2006-01-02T15:04:05_abc" as "2006-01-02T15:04:05Z07:00": cannot parse "_abc" as "Z07:00")"},
      {"Jan _2 002 2006", "Feb  4 034 2006",
       R"(parsing time "Feb  4 034 2006": day-of-year does not match day)"},
      {"Jan _2 002 2006", "Feb  4 004 2006",
       R"(parsing time "Feb  4 004 2006": day-of-year does not match month)"},
      {"01-02", "13-01", R"(parsing time "13-01": month out of range)"},
      {"Mon Jan _2 15:04:05 2006", "Thu Feb 29 21:00:57 2010",
       R"(parsing time "Thu Feb 29 21:00:57 2010": day out of range)"},
      {"2006-01-02", "2024-1-02",
       R"(parsing time "2024-1-02" as "2006-01-02": cannot parse "1-02" as "01")"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.value);
    auto t = ParseTime(c.layout, c.value, Location::UTC());
    ASSERT_FALSE(t.ok());
    EXPECT_EQ(t.message(), c.error);
  }
}

TEST(GoTime, DurationString) {
  struct Case {
    int64_t d;
    const char* want;
  };
  const Case cases[] = {
      {0, "0s"},
      {1, "1ns"},
      {1100, "1.1µs"},
      {2200000, "2.2ms"},
      {3300000000, "3.3s"},
      {245000000000, "4m5s"},
      {245001000000, "4m5.001s"},
      {18367001000000, "5h6m7.001s"},
      {480000000001, "8m0.000000001s"},
      {std::numeric_limits<int64_t>::max(), "2562047h47m16.854775807s"},
      {std::numeric_limits<int64_t>::min(), "-2562047h47m16.854775808s"},
      {-1500000000, "-1.5s"},
  };
  for (const Case& c : cases) EXPECT_EQ(DurationString(c.d), c.want);
  EXPECT_EQ(SubTimes(GoTime::FromUnix(10, 0), GoTime{}), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(SubTimes(GoTime::FromUnix(10, 5), GoTime::FromUnix(8, 7)), 1999999998);
  EXPECT_EQ(TimeString(AddDuration(GoTime::FromUnix(0, 0), -1)),
            "1969-12-31 23:59:59.999999999 +0000 UTC");
}

}  // namespace
}  // namespace tocsin::tmpl
