#include "engine/api/api_params.h"

#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdlib>

#include "engine/promql/parser.h"

namespace tocsin::api {
namespace {

// Go's strconv.ParseFloat: the whole text must be a number (no surrounding spaces), and values
// out of float64's range are errors. strtod reads the same syntax (decimal, hex, inf, nan).
bool ParseGoFloat(std::string_view s, double* out) {
  if (s.empty() || s.front() == ' ' || s.front() == '\t' || s.front() == '\n' ||
      s.front() == '\r' || s.front() == '\v' || s.front() == '\f') {
    return false;
  }
  const std::string text(s);
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return false;
  if (errno == ERANGE && std::isinf(v)) return false;
  *out = v;
  return true;
}

// Prometheus prints its boundary times in Go's format, which Go itself cannot parse back (years
// beyond 9999); they are recognised by their text.
constexpr std::string_view kMinTimeText = "-292273086-05-16T16:47:06Z";
constexpr std::string_view kMaxTimeText = "292277025-08-18T07:12:54.999999999Z";

}  // namespace

Result<TimestampMs> ParseApiTime(std::string_view s) {
  double seconds = 0;
  if (ParseGoFloat(s, &seconds)) {
    // time.Unix(whole, round(fraction, 3 decimals)): milliseconds, half away from zero. Values
    // whose milliseconds do not fit in int64 (and NaN) have no meaningful time.
    if (std::isfinite(seconds) && std::fabs(seconds) < 9.2e15) {
      double whole = 0;
      const double fraction = std::modf(seconds, &whole);
      return static_cast<TimestampMs>(whole) * 1000 +
             static_cast<TimestampMs>(std::round(fraction * 1000));
    }
  } else if (auto t = ParseRfc3339(s); t.ok()) {
    return *t;
  } else if (s == kMinTimeText) {
    return kApiMinTime;
  } else if (s == kMaxTimeText) {
    return kApiMaxTime;
  }
  return Error{"cannot parse \"" + std::string(s) + "\" to a valid timestamp"};
}

Result<int64_t> ParseApiDurationNs(std::string_view s) {
  double seconds = 0;
  if (ParseGoFloat(s, &seconds)) {
    const double ns = seconds * 1e9;
    // Go compares against float64(MaxInt64), which rounds up to 2^63: that value itself passes
    // the check in Go but cannot be converted; treat it as overflowing too.
    if (std::isnan(ns) || ns >= 9223372036854775808.0 || ns < -9223372036854775808.0) {
      return Error{"cannot parse \"" + std::string(s) +
                   "\" to a valid duration. It overflows int64"};
    }
    return static_cast<int64_t>(ns);  // truncation toward zero, as time.Duration(float) does
  }
  if (auto d = ParseDuration(s); d.ok()) {
    if (*d > INT64_MAX / 1'000'000) {
      return Error{"cannot parse \"" + std::string(s) + "\" to a valid duration"};
    }
    return *d * 1'000'000;
  }
  return Error{"cannot parse \"" + std::string(s) + "\" to a valid duration"};
}

Result<int64_t> ParseApiLimit(std::string_view s) {
  if (s.empty()) return int64_t{0};
  // strconv.Atoi: an optional sign and decimal digits, fitting in int64.
  std::string_view digits = s;
  bool negative = false;
  if (digits.front() == '+' || digits.front() == '-') {
    negative = digits.front() == '-';
    digits.remove_prefix(1);
  }
  uint64_t magnitude = 0;
  const auto r = std::from_chars(digits.data(), digits.data() + digits.size(), magnitude);
  const std::string quoted = "\"" + std::string(s) + "\"";
  if (digits.empty() || r.ptr != digits.data() + digits.size() ||
      (r.ec != std::errc() && r.ec != std::errc::result_out_of_range)) {
    return Error{"strconv.Atoi: parsing " + quoted + ": invalid syntax"};
  }
  if (r.ec == std::errc::result_out_of_range ||
      magnitude > (negative ? uint64_t{1} << 63 : uint64_t{INT64_MAX})) {
    return Error{"strconv.Atoi: parsing " + quoted + ": value out of range"};
  }
  if (negative && magnitude != 0) return Error{"limit must be non-negative"};
  return static_cast<int64_t>(magnitude);
}

Result<std::vector<std::vector<LabelMatcher>>> ParseMatcherSets(
    const std::vector<std::string>& values) {
  std::vector<std::vector<LabelMatcher>> sets;
  sets.reserve(values.size());
  for (const std::string& v : values) {
    auto matchers = promql::ParseMetricSelector(v);
    if (!matchers.ok()) return matchers.error();
    sets.push_back(std::move(*matchers));
  }
  for (const auto& set : sets) {
    bool selective = false;
    for (const LabelMatcher& m : set) selective = selective || !m.matches_empty();
    if (!selective) return Error{"match[] must contain at least one non-empty matcher"};
  }
  return sets;
}

Result<bool> ParseGoBool(std::string_view s) {
  if (s == "1" || s == "t" || s == "T" || s == "TRUE" || s == "true" || s == "True") return true;
  if (s == "0" || s == "f" || s == "F" || s == "FALSE" || s == "false" || s == "False") {
    return false;
  }
  return Error{"strconv.ParseBool: parsing \"" + std::string(s) + "\": invalid syntax"};
}

}  // namespace tocsin::api
