#include "storage/base/time.h"

#include "storage/base/strings.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <limits>

namespace tocsin {

namespace {

Error InvalidDuration(std::string_view s) {
  return Error{"not a valid duration string: \"" + std::string(s) + "\""};
}

bool IsDigit(char c) {
  return c >= '0' && c <= '9';
}

// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void CivilFromDays(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

std::string FormatRfc3339Impl(TimestampMs t, bool always_millis) {
  int64_t secs = t / 1000;
  int64_t ms = t % 1000;
  if (ms < 0) {
    ms += 1000;
    secs -= 1;
  }
  int64_t days = secs / 86400;
  int64_t rem = secs % 86400;
  if (rem < 0) {
    rem += 86400;
    days -= 1;
  }
  int64_t y;
  unsigned mo, d;
  CivilFromDays(days, y, mo, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", static_cast<long long>(y),
                mo, d, static_cast<long long>(rem / 3600), static_cast<long long>(rem / 60 % 60),
                static_cast<long long>(rem % 60));
  std::string out = buf;
  if (always_millis) {
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(ms));
    out += buf;
  } else if (ms != 0) {
    std::snprintf(buf, sizeof buf, ".%03lld", static_cast<long long>(ms));
    std::string frac = buf;
    while (frac.back() == '0') frac.pop_back();
    out += frac;
  }
  out += 'Z';
  return out;
}

// Days in `month` (1-12) of `year`, proleptic Gregorian.
int DaysInMonth(int64_t year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

Result<DurationMs> ParseDuration(std::string_view s) {
  if (s.empty()) return Error{"empty duration string"};
  if (s == "0") return DurationMs{0};
  struct Unit {
    std::string_view name;
    DurationMs mult;
  };
  static constexpr Unit kUnits[] = {{"y", 365 * kDay}, {"w", 7 * kDay}, {"d", kDay}, {"h", kHour},
                                    {"m", kMinute},    {"s", kSecond},  {"ms", 1}};
  size_t pos = 0;
  size_t next_unit = 0;
  DurationMs total = 0;
  while (pos < s.size()) {
    size_t start = pos;
    while (pos < s.size() && IsDigit(s[pos])) ++pos;
    if (pos == start) return InvalidDuration(s);
    const std::string_view digits = s.substr(start, pos - start);
    size_t ustart = pos;
    while (pos < s.size() && !IsDigit(s[pos])) ++pos;
    const std::string_view unit = s.substr(ustart, pos - ustart);
    if (unit.empty()) return InvalidDuration(s);
    size_t u = 0;
    while (u < std::size(kUnits) && kUnits[u].name != unit) ++u;
    if (u == std::size(kUnits)) {
      return Error{"unknown unit " + GoQuote(unit) + " in duration " + GoQuote(s)};
    }
    if (u < next_unit) return InvalidDuration(s);  // units must come largest first, once each
    next_unit = u + 1;
    DurationMs v = 0;
    for (char c : digits) {
      if (v > (std::numeric_limits<DurationMs>::max() - (c - '0')) / 10) {
        return Error{"duration out of range"};
      }
      v = v * 10 + (c - '0');
    }
    if (v != 0 && kUnits[u].mult > std::numeric_limits<DurationMs>::max() / v) {
      return Error{"duration out of range"};
    }
    if (total > std::numeric_limits<DurationMs>::max() - v * kUnits[u].mult) {
      return Error{"duration out of range"};
    }
    total += v * kUnits[u].mult;
  }
  return total;
}

std::string FormatDuration(DurationMs d) {
  if (d == 0) return "0s";
  std::string out;
  DurationMs ms = d;
  auto unit = [&](const char* name, DurationMs mult, bool exact) {
    if (exact && ms % mult != 0) return;
    const DurationMs v = ms / mult;
    if (v > 0) {
      out += std::to_string(v);
      out += name;
      ms -= v * mult;
    }
  };
  unit("y", 365 * kDay, true);
  unit("w", 7 * kDay, true);
  unit("d", kDay, false);
  unit("h", kHour, false);
  unit("m", kMinute, false);
  unit("s", kSecond, false);
  unit("ms", 1, false);
  return out;
}

std::string FormatGoDuration(DurationMs d) {
  if (d == 0) return "0s";
  std::string sign = d < 0 ? "-" : "";
  const uint64_t u = d < 0 ? static_cast<uint64_t>(-(d + 1)) + 1 : static_cast<uint64_t>(d);
  if (u < 1000) return sign + std::to_string(u) + "ms";
  const uint64_t total_secs = u / 1000;
  const uint64_t frac = u % 1000;
  std::string secs = std::to_string(total_secs % 60);
  if (frac != 0) {
    char buf[8];
    std::snprintf(buf, sizeof buf, ".%03llu", static_cast<unsigned long long>(frac));
    std::string f = buf;
    while (f.back() == '0') f.pop_back();
    secs += f;
  }
  const uint64_t mins = total_secs / 60;
  if (mins == 0) return sign + secs + "s";
  const uint64_t hours = mins / 60;
  if (hours == 0) return sign + std::to_string(mins % 60) + "m" + secs + "s";
  return sign + std::to_string(hours) + "h" + std::to_string(mins % 60) + "m" + secs + "s";
}

Result<DurationMs> ParseGoDuration(std::string_view s) {
  const std::string orig(s);
  auto invalid = [&]() { return Error{"time: invalid duration \"" + orig + "\""}; };
  if (s.empty()) return invalid();
  bool neg = false;
  if (s[0] == '-' || s[0] == '+') {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return DurationMs{0};
  if (s.empty()) return invalid();
  long double total_ns = 0;
  while (!s.empty()) {
    size_t i = 0;
    while (i < s.size() && (IsDigit(s[i]) || s[i] == '.')) ++i;
    if (i == 0) return invalid();
    const std::string num(s.substr(0, i));
    if (num == ".") return invalid();
    s.remove_prefix(i);
    size_t j = 0;
    while (j < s.size() && !IsDigit(s[j]) && s[j] != '.') ++j;
    const std::string_view unit = s.substr(0, j);
    s.remove_prefix(j);
    long double mult;
    if (unit == "ns")
      mult = 1;
    else if (unit == "us" || unit == "\xC2\xB5s" || unit == "\xCE\xBCs")
      mult = 1e3;
    else if (unit == "ms")
      mult = 1e6;
    else if (unit == "s")
      mult = 1e9;
    else if (unit == "m")
      mult = 60e9;
    else if (unit == "h")
      mult = 3600e9;
    else if (unit.empty())
      return Error{"time: missing unit in duration \"" + orig + "\""};
    else
      return Error{"time: unknown unit \"" + std::string(unit) + "\" in duration \"" + orig + "\""};
    total_ns += std::stold(num) * mult;
  }
  const long double ms = std::floor(total_ns / 1e6L);
  if (ms > static_cast<long double>(std::numeric_limits<int64_t>::max())) return invalid();
  return static_cast<DurationMs>(neg ? -ms : ms);
}

Result<TimestampMs> ParseRfc3339(std::string_view s) {
  // The text is copied only for an error: every posted alert's times pass through here.
  auto bad = [s]() {
    return Error{"cannot parse \"" + std::string(s) +
                 "\" as RFC 3339 time (2006-01-02T15:04:05Z07:00)"};
  };
  auto num = [&](size_t pos, size_t len, int& out) {
    if (pos + len > s.size()) return false;
    out = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (!IsDigit(s[i])) return false;
      out = out * 10 + (s[i] - '0');
    }
    return true;
  };
  // As Go's time.Parse(time.RFC3339Nano, s) accepts it, which Prometheus's API and tools use:
  // upper-case 'T' and 'Z' only, every field in range for its month (no 2024-02-30, no leap
  // second), a fraction after '.' or ','.
  int y, mo, d, h, mi, se;
  if (!num(0, 4, y) || s.size() < 20 || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' ||
      !num(8, 2, d) || s[10] != 'T' || !num(11, 2, h) || s[13] != ':' || !num(14, 2, mi) ||
      s[16] != ':' || !num(17, 2, se)) {
    return bad();
  }
  if (mo < 1 || mo > 12 || d < 1 || d > DaysInMonth(y, mo) || h > 23 || mi > 59 || se > 59) {
    return bad();
  }
  size_t pos = 19;
  int64_t ms = 0;
  if (pos + 1 < s.size() && (s[pos] == '.' || s[pos] == ',') && IsDigit(s[pos + 1])) {
    ++pos;
    size_t digits = 0;
    int64_t frac = 0;
    while (pos < s.size() && IsDigit(s[pos])) {
      if (digits < 3) frac = frac * 10 + (s[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (size_t k = digits; k < 3; ++k) frac *= 10;
    ms = frac;
  }
  int64_t offset_min = 0;
  if (pos < s.size() && s[pos] == 'Z') {
    ++pos;
  } else if (pos < s.size() && (s[pos] == '+' || s[pos] == '-')) {
    int oh, om;
    if (!num(pos + 1, 2, oh) || pos + 3 >= s.size() || s[pos + 3] != ':' || !num(pos + 4, 2, om) ||
        oh > 23 || om > 59) {
      return bad();
    }
    offset_min = (oh * 60 + om) * (s[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != s.size()) return bad();
  const int64_t days = DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  const int64_t secs = days * 86400 + h * 3600 + mi * 60 + se - offset_min * 60;
  return secs * 1000 + ms;
}

std::string FormatRfc3339(TimestampMs t) {
  return FormatRfc3339Impl(t, false);
}
std::string FormatRfc3339Millis(TimestampMs t) {
  return FormatRfc3339Impl(t, true);
}

}  // namespace tocsin
