// Go's time package as templates observe it: time.Time with a location, layouts for Format and
// Parse ("Mon Jan 2 15:04:05 MST 2006"), Duration.String, and time zones loaded from the
// system's zoneinfo (TZif files, with the POSIX TZ rule that extends them past their table),
// as time.LoadLocation does.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/template/ref_counted.h"
#include "storage/base/result.h"

namespace tocsin::tmpl {

// A time zone: Go's *time.Location.
class Location : public RefCounted {
 public:
  struct Zone {
    std::string name;  // abbreviation, e.g. "CEST"
    int offset = 0;    // seconds east of UTC
    bool is_dst = false;
  };

  static const Location* UTC();
  // The process's local zone: $TZ, else /etc/localtime, else UTC; named "Local" as in Go.
  static const Location* Local();
  // Go's time.LoadLocation: "" and "UTC" give UTC, "Local" the local zone, anything else an
  // IANA name looked up under $ZONEINFO or /usr/share/zoneinfo. Locations are cached for the
  // life of the process. Errors read as Go's: `unknown time zone Foo/Bar`.
  static Result<const Location*> Load(std::string_view name);
  // Go's time.FixedZone.
  static const Location* Fixed(std::string name, int offset_seconds);
  // Parses TZif data (for tests and for Load).
  static Result<const Location*> FromTZif(std::string name, std::string_view data);

  const std::string& name() const { return name_; }
  // The zone in effect at a Unix time.
  Zone Lookup(int64_t unix_seconds) const;
  // Looks a zone up by abbreviation (for parsing "MST"); false when unknown here.
  bool LookupName(std::string_view abbrev, int64_t unix_seconds, int* offset) const;

 private:
  struct Transition {
    int64_t when;
    uint8_t zone;
  };
  friend struct LocationInternals;
  Location() = default;
  size_t FirstZone() const;
  std::string name_;
  std::vector<Zone> zones_;
  std::vector<Transition> transitions_;
  std::string extend_;  // POSIX TZ rule for times after the last transition
};

// Go's time.Time: an instant (seconds and nanoseconds since the Unix epoch) and a location.
// Default-constructed it is Go's zero time, January 1, year 1, 00:00:00 UTC.
struct GoTime {
  static constexpr int64_t kZeroUnixSeconds = -62135596800;
  int64_t sec = kZeroUnixSeconds;
  int32_t nsec = 0;
  const Location* loc = nullptr;  // null means UTC

  static GoTime FromUnix(int64_t sec, int64_t nsec);  // normalises nsec into [0, 1e9)
  static GoTime FromUnixNano(int64_t ns);
  static GoTime FromUnixMilli(int64_t ms);
  bool IsZero() const { return sec == kZeroUnixSeconds && nsec == 0; }
  const Location* location() const { return loc ? loc : Location::UTC(); }
  GoTime In(const Location* l) const;
  GoTime UTC() const { return In(Location::UTC()); }
  int64_t UnixNano() const { return sec * 1000000000 + nsec; }  // overflows like Go's
};

// The civil (calendar) fields of a time in its location.
struct CivilTime {
  int64_t year = 1;
  int month = 1;  // 1..12
  int day = 1;    // 1..31
  int hour = 0, minute = 0, second = 0;
  int nanosecond = 0;
  int weekday = 1;   // 0 = Sunday
  int yday = 1;      // 1..366
  std::string zone;  // abbreviation
  int offset = 0;    // seconds east of UTC
};
CivilTime ToCivil(const GoTime& t);

// Go's time.Date: the instant of a civil time in `loc`; out-of-range fields carry over (month
// 13 is January of the next year, day 0 the last day of the previous month).
GoTime DateIn(int64_t year, int month, int day, int hour, int minute, int second, int nanosecond,
              const Location* loc);

// Go's Time.Format with a layout built from the reference time "Mon Jan 2 15:04:05 MST 2006".
std::string FormatTime(const GoTime& t, std::string_view layout);
// Go's Time.String: "2006-01-02 15:04:05.999999999 -0700 MST".
std::string TimeString(const GoTime& t);
// Go's time.ParseInLocation. Errors read as Go's (`parsing time "x" as "2006": cannot parse
// "x" as "2006"`).
Result<GoTime> ParseTime(std::string_view layout, std::string_view value, const Location* loc);

// Go's Duration.String: "1h2m3.5s", "1.5µs", "0s".
std::string DurationString(int64_t nanoseconds);
// t - u in nanoseconds, saturating at the int64 limits as Go's Time.Sub does.
int64_t SubTimes(const GoTime& t, const GoTime& u);
// t + d nanoseconds.
GoTime AddDuration(const GoTime& t, int64_t nanoseconds);

const char* MonthName(int month);      // "January"
const char* WeekdayName(int weekday);  // "Sunday"

}  // namespace tocsin::tmpl
