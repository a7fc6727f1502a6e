// Alertmanager's time intervals (`time_intervals:` / `mute_time_intervals:`), used by routes'
// mute_time_intervals and active_time_intervals.
//
// An interval contains a time when every field it specifies matches (a field matches when any
// of its ranges does); fields left out match everything. Times of day are [start, end) minutes;
// weekday, day-of-month, month and year ranges are inclusive; negative days count from the end
// of the month (-1 = last day). All of it is evaluated in the interval's location (UTC unless
// `location:` names an IANA zone or "Local").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "storage/base/result.h"
#include "storage/base/time.h"

namespace date {
class time_zone;
}

namespace tocsin::alerting {

struct TimeOfDayRange {
  int start_minute = 0;  // inclusive, 0..1439
  int end_minute = 0;    // exclusive, 1..1440
};

struct InclusiveRange {
  int begin = 0;
  int end = 0;
};

class TimeInterval {
 public:
  // A field left out is nullopt (matches everything); an explicitly empty list matches
  // nothing, as upstream treats a non-nil empty slice.
  std::optional<std::vector<TimeOfDayRange>> times;
  std::optional<std::vector<InclusiveRange>> weekdays;       // 0 = Sunday .. 6 = Saturday
  std::optional<std::vector<InclusiveRange>> days_of_month;  // 1..31 or -31..-1
  std::optional<std::vector<InclusiveRange>> months;         // 1 = January
  std::optional<std::vector<InclusiveRange>> years;
  // nullptr means UTC.
  const date::time_zone* location = nullptr;
  std::string location_name;  // as configured ("" = UTC)

  bool Contains(TimestampMs t) const;
};

// A named list of intervals; it contains a time when any of its intervals does.
struct NamedTimeInterval {
  std::string name;
  std::vector<TimeInterval> intervals;

  bool Contains(TimestampMs t) const;
};

// Parsing of the textual forms, with Alertmanager's validation and messages.
Result<TimeOfDayRange> ParseTimeOfDayRange(const std::string& start, const std::string& end);
Result<InclusiveRange> ParseWeekdayRange(const std::string& s);     // "monday:friday", "sunday"
Result<InclusiveRange> ParseDayOfMonthRange(const std::string& s);  // "1:5", "-3:-1"
Result<InclusiveRange> ParseMonthRange(const std::string& s);       // "jan..." names or numbers
Result<InclusiveRange> ParseYearRange(const std::string& s);        // "2020:2022"
// An IANA zone name, "UTC" (or "") or "Local".
Result<const date::time_zone*> LoadLocation(const std::string& name);

}  // namespace tocsin::alerting
