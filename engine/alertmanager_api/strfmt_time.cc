#include "engine/alertmanager_api/strfmt_time.h"

#include <algorithm>
#include <cstdio>
#include <optional>
#include <string>

#include "storage/base/strings.h"

namespace tocsin::alertmanager_api {
namespace {

bool IsDigit(std::string_view s, size_t i) {
  return i < s.size() && s[i] >= '0' && s[i] <= '9';
}

// Reads `n` digits at `i`.
std::optional<int> Fixed(std::string_view s, size_t& i, int n) {
  int v = 0;
  for (int k = 0; k < n; ++k) {
    if (!IsDigit(s, i + k)) return std::nullopt;
    v = v * 10 + (s[i + k] - '0');
  }
  i += n;
  return v;
}

// Go's getnum for a non-fixed field (the hour of "15"): one or two digits.
std::optional<int> OneOrTwo(std::string_view s, size_t& i) {
  if (!IsDigit(s, i)) return std::nullopt;
  if (!IsDigit(s, i + 1)) return s[i++] - '0';
  return Fixed(s, i, 2);
}

// Optional fractional seconds after the seconds ("." or "," and digits), which Go's parser
// accepts even when the layout has none.
std::string_view Fraction(std::string_view s, size_t& i) {
  if (i + 1 < s.size() && (s[i] == '.' || s[i] == ',') && IsDigit(s, i + 1)) {
    const size_t start = i + 1;
    i = start;
    while (IsDigit(s, i)) ++i;
    return s.substr(start, i - start);
  }
  return {};
}

// The layouts other than RFC 3339 itself, rewritten as RFC 3339 for ParseRfc3339 (which also
// checks the ranges). nullopt when none fits.
std::optional<std::string> AsRfc3339(std::string_view s) {
  size_t i = 0;
  if (!Fixed(s, i, 4) || i >= s.size() || s[i] != '-') return std::nullopt;
  ++i;
  if (!Fixed(s, i, 2) || i >= s.size() || s[i] != '-') return std::nullopt;
  ++i;
  if (!Fixed(s, i, 2) || i >= s.size()) return std::nullopt;
  const std::string date(s.substr(0, i));
  const char sep = s[i++];
  if (sep != 'T' && sep != ' ') return std::nullopt;
  auto hour = OneOrTwo(s, i);
  if (!hour || i >= s.size() || s[i] != ':') return std::nullopt;
  ++i;
  auto minute = Fixed(s, i, 2);
  if (!minute) return std::nullopt;
  char hm[8];
  std::snprintf(hm, sizeof hm, "%02d:%02d", *hour, *minute);
  const std::string base = date + "T" + hm;
  if (sep == 'T' && (i == s.size() || (s.substr(i) == "Z"))) {
    return base + ":00Z";  // reduced precision, with or without Z
  }
  if (i >= s.size() || s[i] != ':') return std::nullopt;
  ++i;
  auto second = Fixed(s, i, 2);
  if (!second) return std::nullopt;
  char sec[4];
  std::snprintf(sec, sizeof sec, "%02d", *second);
  std::string out = base + ":" + sec;
  const std::string_view fraction = Fraction(s, i);
  if (!fraction.empty()) out += "." + std::string(fraction);
  if (i == s.size()) return out + "Z";  // "2006-01-02T15:04:05" and "2006-01-02 15:04:05": UTC
  // RFC3339Micro/MillisNoColon: exactly 6 or 3 fraction digits, then Z or ±hhmm.
  if (sep != 'T' || (fraction.size() != 6 && fraction.size() != 3)) return std::nullopt;
  if (s.substr(i) == "Z") return out + "Z";
  if ((s[i] == '+' || s[i] == '-') && s.size() - i == 5 && IsDigit(s, i + 1) && IsDigit(s, i + 2) &&
      IsDigit(s, i + 3) && IsDigit(s, i + 4)) {
    return out + std::string(s.substr(i, 3)) + ":" + std::string(s.substr(i + 3, 2));
  }
  return std::nullopt;
}

bool IsLeap(int y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int DaysIn(int month, int year) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return month == 2 && IsLeap(year) ? 29 : kDays[month - 1];
}

// Go's time.Parse error for the layout "2006-01-02 15:04:05", the last strfmt tries.
std::string LastLayoutError(std::string_view s) {
  const std::string head = "parsing time " + GoQuote(s);
  auto cannot = [&](std::string_view rest, std::string_view elem) {
    return head + " as \"2006-01-02 15:04:05\": cannot parse " + GoQuote(rest) + " as \"" +
           std::string(elem) + "\"";
  };
  auto range = [&](std::string_view what) {
    return head + ": " + std::string(what) + " out of range";
  };
  size_t i = 0;
  auto rest = [&] { return s.substr(std::min(i, s.size())); };
  auto literal = [&](char c) {
    if (i >= s.size() || s[i] != c) return false;
    ++i;
    return true;
  };
  auto year = Fixed(s, i, 4);
  if (!year) return cannot(rest(), "2006");
  if (!literal('-')) return cannot(rest(), "-");
  auto month = Fixed(s, i, 2);
  if (!month) return cannot(rest(), "01");
  if (*month < 1 || *month > 12) return range("month");
  if (!literal('-')) return cannot(rest(), "-");
  auto day = Fixed(s, i, 2);
  if (!day) return cannot(rest(), "02");
  // Go's skip for a space: a non-space is an error, the end is not; spaces are cut.
  if (i < s.size() && s[i] != ' ') return cannot(rest(), " ");
  while (i < s.size() && s[i] == ' ') ++i;
  auto hour = OneOrTwo(s, i);
  if (!hour) return cannot(rest(), "15");
  if (*hour >= 24) return range("hour");
  if (!literal(':')) return cannot(rest(), ":");
  auto minute = Fixed(s, i, 2);
  if (!minute) return cannot(rest(), "04");
  if (*minute >= 60) return range("minute");
  if (!literal(':')) return cannot(rest(), ":");
  auto second = Fixed(s, i, 2);
  if (!second) return cannot(rest(), "05");
  if (*second >= 60) return range("second");
  Fraction(s, i);
  if (i < s.size()) return head + ": extra text: " + GoQuote(rest());
  if (*day < 1 || *day > DaysIn(*month, *year)) return range("day");
  return head + ": cannot parse";  // unreachable: the layout would have matched
}

}  // namespace

Result<TimestampMs> ParseStrfmtDateTime(std::string_view s) {
  // ParseRfc3339 reads RFC 3339 as Go's layouts do (upper-case 'T' and 'Z', days checked
  // against the month); the other layouts are rewritten into it.
  if (auto t = ParseRfc3339(s); t.ok()) return t;
  if (auto rfc = AsRfc3339(s)) {
    auto alt = ParseRfc3339(*rfc);
    if (alt.ok()) return alt;
  }
  return Error{LastLayoutError(s)};
}

}  // namespace tocsin::alertmanager_api
