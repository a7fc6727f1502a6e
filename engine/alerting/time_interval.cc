#include "engine/alerting/time_interval.h"

#include <date/tz.h>

#include <algorithm>
#include <charconv>
#include <map>

namespace tocsin::alerting {
namespace {

struct CivilTime {
  int year, month, day, weekday, minute_of_day, days_in_month;
};

CivilTime ToCivil(TimestampMs t, const date::time_zone* zone) {
  using std::chrono::milliseconds;
  const date::sys_time<milliseconds> tp{milliseconds{t}};
  date::local_time<milliseconds> local{tp.time_since_epoch()};
  if (zone != nullptr) local = zone->to_local(tp);
  const auto day_point = date::floor<date::days>(local);
  const date::year_month_day ymd{day_point};
  const date::weekday wd{day_point};
  const auto since_midnight = date::floor<std::chrono::minutes>(local - day_point);
  const date::year_month_day_last last{ymd.year(), date::month_day_last{ymd.month()}};
  return CivilTime{static_cast<int>(ymd.year()),
                   static_cast<int>(static_cast<unsigned>(ymd.month())),
                   static_cast<int>(static_cast<unsigned>(ymd.day())),
                   static_cast<int>(wd.c_encoding()),
                   static_cast<int>(since_midnight.count()),
                   static_cast<int>(static_cast<unsigned>(last.day()))};
}

bool AnyRange(const std::vector<InclusiveRange>& ranges, int v) {
  return std::any_of(ranges.begin(), ranges.end(),
                     [v](const InclusiveRange& r) { return v >= r.begin && v <= r.end; });
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// Go's strconv.Atoi, with its error text.
Result<int> Atoi(const std::string& s) {
  int v = 0;
  const char* begin = s.data();
  if (!s.empty() && s[0] == '+') ++begin;
  auto [ptr, ec] = std::from_chars(begin, s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size()) {
    return Error{"strconv.Atoi: parsing \"" + s + "\": " +
                 (ec == std::errc::result_out_of_range ? "value out of range" : "invalid syntax")};
  }
  return v;
}

using MemberParser = Result<int> (*)(const std::string&);

// "a:b" or "a" through a member parser; the input is lower-cased first, as upstream does.
Result<InclusiveRange> ParseRange(const std::string& input, MemberParser member) {
  const std::string in = Lower(input);
  const size_t colon = in.find(':');
  if (colon == std::string::npos) {
    Result<int> v = member(in);
    if (!v.ok()) return v.error();
    return InclusiveRange{*v, *v};
  }
  if (in.find(':', colon + 1) != std::string::npos) {
    return Error{"couldn't parse range " + in + ", invalid format"};
  }
  Result<int> begin = member(in.substr(0, colon));
  if (!begin.ok()) return begin.error();
  Result<int> end = member(in.substr(colon + 1));
  if (!end.ok()) return end.error();
  return InclusiveRange{*begin, *end};
}

const std::map<std::string, int>& Weekdays() {
  static const std::map<std::string, int> m = {{"sunday", 0},    {"monday", 1},   {"tuesday", 2},
                                               {"wednesday", 3}, {"thursday", 4}, {"friday", 5},
                                               {"saturday", 6}};
  return m;
}

const std::map<std::string, int>& Months() {
  static const std::map<std::string, int> m = {{"january", 1},  {"february", 2},  {"march", 3},
                                               {"april", 4},    {"may", 5},       {"june", 6},
                                               {"july", 7},     {"august", 8},    {"september", 9},
                                               {"october", 10}, {"november", 11}, {"december", 12}};
  return m;
}

std::string MonthName(int m) {
  for (const auto& [name, n] : Months()) {
    if (n == m) return name;
  }
  return "";
}

// "HH:MM" with 00:00..23:59 or 24:00.
Result<int> ParseClock(const std::string& s) {
  const bool shape = s.size() == 5 && s[2] == ':' &&
                     std::isdigit(static_cast<unsigned char>(s[0])) &&
                     std::isdigit(static_cast<unsigned char>(s[1])) &&
                     std::isdigit(static_cast<unsigned char>(s[3])) &&
                     std::isdigit(static_cast<unsigned char>(s[4]));
  const int h = shape ? (s[0] - '0') * 10 + (s[1] - '0') : -1;
  const int m = shape ? (s[3] - '0') * 10 + (s[4] - '0') : -1;
  if (!shape || !((h <= 23 && m <= 59) || (h == 24 && m == 0))) {
    return Error{"couldn't parse timestamp " + s + ", invalid format"};
  }
  return h * 60 + m;
}

}  // namespace

bool TimeInterval::Contains(TimestampMs t) const {
  const CivilTime c = ToCivil(t, location);
  if (times) {
    const bool in = std::any_of(times->begin(), times->end(), [&](const TimeOfDayRange& r) {
      return c.minute_of_day >= r.start_minute && c.minute_of_day < r.end_minute;
    });
    if (!in) return false;
  }
  if (days_of_month) {
    bool in = false;
    for (const InclusiveRange& r : *days_of_month) {
      int begin = r.begin < 0 ? c.days_in_month + r.begin + 1 : r.begin;
      int end = r.end < 0 ? c.days_in_month + r.end + 1 : r.end;
      // A range starting after this month's last day does not apply to this month.
      if (begin > c.days_in_month) continue;
      begin = std::clamp(begin, -c.days_in_month, c.days_in_month);
      end = std::clamp(end, -c.days_in_month, c.days_in_month);
      if (c.day >= begin && c.day <= end) {
        in = true;
        break;
      }
    }
    if (!in) return false;
  }
  if (months && !AnyRange(*months, c.month)) return false;
  if (weekdays && !AnyRange(*weekdays, c.weekday)) return false;
  if (years && !AnyRange(*years, c.year)) return false;
  return true;
}

bool NamedTimeInterval::Contains(TimestampMs t) const {
  return std::any_of(intervals.begin(), intervals.end(),
                     [t](const TimeInterval& i) { return i.Contains(t); });
}

Result<TimeOfDayRange> ParseTimeOfDayRange(const std::string& start, const std::string& end) {
  if (start.empty() || end.empty()) return Error{"both start and end times must be provided"};
  Result<int> s = ParseClock(start);
  if (!s.ok()) return s.error();
  Result<int> e = ParseClock(end);
  if (!e.ok()) return e.error();
  if (*s >= *e) return Error{"start time cannot be equal or greater than end time"};
  return TimeOfDayRange{*s, *e};
}

Result<InclusiveRange> ParseWeekdayRange(const std::string& s) {
  Result<InclusiveRange> r = ParseRange(s, [](const std::string& in) -> Result<int> {
    auto it = Weekdays().find(in);
    if (it == Weekdays().end()) return Error{in + " is not a valid weekday"};
    return it->second;
  });
  if (!r.ok()) return r;
  if (r->begin > r->end) return Error{"start day cannot be before end day"};
  return r;
}

Result<InclusiveRange> ParseDayOfMonthRange(const std::string& s) {
  Result<InclusiveRange> r = ParseRange(s, [](const std::string& in) { return Atoi(in); });
  if (!r.ok()) return r;
  for (int v : {r->begin, r->end}) {
    if (v == 0 || v < -31 || v > 31) {
      return Error{std::to_string(v) + " is not a valid day of the month: out of range"};
    }
  }
  if (r->begin < 0 && r->end > 0) return Error{"end day must be negative if start day is negative"};
  // With negative days the order depends on the month; 28 days rules out the always-wrong ones.
  const int begin = r->begin < 0 ? 28 + r->begin : r->begin;
  const int end = r->end < 0 ? 28 + r->end : r->end;
  if (begin > end) {
    return Error{"end day " + std::to_string(r->end) + " is always before start day " +
                 std::to_string(r->begin)};
  }
  return r;
}

Result<InclusiveRange> ParseMonthRange(const std::string& s) {
  Result<InclusiveRange> r = ParseRange(s, [](const std::string& in) -> Result<int> {
    if (auto it = Months().find(in); it != Months().end()) return it->second;
    Result<int> v = Atoi(in);
    if (!v.ok()) return Error{in + " is not a valid month"};
    return v;
  });
  if (!r.ok()) return r;
  if (r->begin > r->end) {
    return Error{"end month " + MonthName(r->end) + " is before start month " +
                 MonthName(r->begin)};
  }
  return r;
}

Result<InclusiveRange> ParseYearRange(const std::string& s) {
  Result<InclusiveRange> r = ParseRange(s, [](const std::string& in) { return Atoi(in); });
  if (!r.ok()) return r;
  if (r->begin > r->end) {
    return Error{"end year " + std::to_string(r->end) + " is before start year " +
                 std::to_string(r->begin)};
  }
  return r;
}

Result<const date::time_zone*> LoadLocation(const std::string& name) {
  if (name.empty() || name == "UTC") return static_cast<const date::time_zone*>(nullptr);
  try {
    if (name == "Local") return date::current_zone();
    // Go refuses names that could escape the zoneinfo directory.
    if (name.find("..") != std::string::npos || name.front() == '/' || name.front() == '\\') {
      return Error{"time: invalid location name"};
    }
    return date::locate_zone(name);
  } catch (const std::exception&) {
    return Error{"unknown time zone " + name};
  }
}

}  // namespace tocsin::alerting
