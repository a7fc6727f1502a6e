// Time functions: time(), timestamp(), and the UTC calendar functions (year(), month(),
// day_of_month(), day_of_week(), day_of_year(), days_in_month(), hour(), minute()).
#include <cmath>
#include <cstdint>
#include <limits>

#include "engine/promql/function_impl.h"

namespace tocsin::promql {

namespace {

struct CivilTime {
  int64_t year;
  int month;  // 1..12
  int day;    // 1..31
  int hour;
  int minute;
  int weekday;   // 0 = Sunday
  int year_day;  // 1..366
  int days_in_month;
};

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

bool IsLeap(int64_t y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

// Proleptic Gregorian calendar from days since 1970-01-01 (Howard Hinnant's algorithm).
CivilTime FromUnixSeconds(int64_t secs) {
  const int64_t days = FloorDiv(secs, 86400);
  const int64_t sod = secs - days * 86400;
  const int64_t z = days + 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int64_t y = yoe + era * 400 + (m <= 2 ? 1 : 0);

  static constexpr int kDaysBefore[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
  static constexpr int kDaysIn[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = IsLeap(y);
  CivilTime c;
  c.year = y;
  c.month = m;
  c.day = d;
  c.hour = static_cast<int>(sod / 3600);
  c.minute = static_cast<int>((sod % 3600) / 60);
  c.weekday = static_cast<int>(((days % 7) + 7 + 4) % 7);  // 1970-01-01 was a Thursday
  c.year_day = kDaysBefore[m - 1] + d + (leap && m > 2 ? 1 : 0);
  c.days_in_month = kDaysIn[m - 1] + (leap && m == 2 ? 1 : 0);
  return c;
}

// Go's int64(f) on amd64: truncation, and the minimum int64 for NaN and out-of-range values.
int64_t GoFloatToInt64(double f) {
  if (std::isnan(f) || f >= 9223372036854775808.0 || f < -9223372036854775808.0) {
    return std::numeric_limits<int64_t>::min();
  }
  return static_cast<int64_t>(f);
}

// Without an argument the function reads the evaluation time; otherwise every sample's value
// is a Unix time in seconds and the result drops the metric name.
template <double (*F)(const CivilTime&)>
void DateFunction(InstantCall& c) {
  if (c.args.empty()) {
    c.out.push_back(Sample{Labels(), 0, F(FromUnixSeconds(c.ts / 1000)), false});
    return;
  }
  for (const auto& s : c.args[0]) {
    c.out.push_back(Sample{s.metric, 0, F(FromUnixSeconds(GoFloatToInt64(s.v))), true});
  }
}

double Year(const CivilTime& t) {
  return static_cast<double>(t.year);
}
double Month(const CivilTime& t) {
  return t.month;
}
double DayOfMonth(const CivilTime& t) {
  return t.day;
}
double DayOfWeek(const CivilTime& t) {
  return t.weekday;
}
double DayOfYear(const CivilTime& t) {
  return t.year_day;
}
double DaysInMonth(const CivilTime& t) {
  return t.days_in_month;
}
double Hour(const CivilTime& t) {
  return t.hour;
}
double Minute(const CivilTime& t) {
  return t.minute;
}

void FnTime(InstantCall& c) {
  c.out.push_back(Sample{Labels(), 0, static_cast<double>(c.ts) / 1000, false});
}

// The time of each sample (for a selector argument, the time of the sample selected; for
// anything else, the evaluation time).
void FnTimestamp(InstantCall& c) {
  for (const auto& s : c.args[0]) {
    c.out.push_back(Sample{s.metric, 0, static_cast<double>(s.t) / 1000, true});
  }
}

// start_timestamp() of a selector, with start timestamps on, is answered by the evaluator from
// the selected samples (eval_call.cc). What reaches here is the rest: start timestamps off, or an
// argument that is an expression, whose samples carry no start times; Prometheus returns
// nothing then.
void FnStartTimestamp(InstantCall&) {}

}  // namespace

void RegisterTimeFunctions(std::vector<FunctionImpl>& t) {
  t.push_back({"time", nullptr, FnTime});
  t.push_back({"timestamp", nullptr, FnTimestamp});
  t.push_back({"start_timestamp", nullptr, FnStartTimestamp});
  t.push_back({"year", nullptr, DateFunction<Year>});
  t.push_back({"month", nullptr, DateFunction<Month>});
  t.push_back({"day_of_month", nullptr, DateFunction<DayOfMonth>});
  t.push_back({"day_of_week", nullptr, DateFunction<DayOfWeek>});
  t.push_back({"day_of_year", nullptr, DateFunction<DayOfYear>});
  t.push_back({"days_in_month", nullptr, DateFunction<DaysInMonth>});
  t.push_back({"hour", nullptr, DateFunction<Hour>});
  t.push_back({"minute", nullptr, DateFunction<Minute>});
}

}  // namespace tocsin::promql
