// Time in tocsin: int64 milliseconds since the Unix epoch (as Prometheus stores samples), and
// durations in milliseconds. Parsing and printing follow Prometheus's model package and Go's
// time package so that what users read and write matches the upstream tools.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "storage/base/result.h"

namespace tocsin {

using TimestampMs = int64_t;
using DurationMs = int64_t;

inline constexpr DurationMs kSecond = 1000;
inline constexpr DurationMs kMinute = 60 * kSecond;
inline constexpr DurationMs kHour = 60 * kMinute;
inline constexpr DurationMs kDay = 24 * kHour;

// Prometheus duration syntax: "0", or units y w d h m s ms in that order, each at most once
// ("1h30m", "90d", "500ms"). Errors read like Prometheus's: not a valid duration string: "x".
Result<DurationMs> ParseDuration(std::string_view s);
// Prometheus's printing: "0s", "1h30m", "90d", "1w", "1y", "1m500ms".
std::string FormatDuration(DurationMs d);
// Go's time.Duration.String(): "1h30m0s", "500ms", "0s", "-2m0s".
std::string FormatGoDuration(DurationMs d);
// Go's time.ParseDuration: "1.5h", "300ms", "-1m30s", units ns us µs ms s m h.
Result<DurationMs> ParseGoDuration(std::string_view s);

// RFC 3339 with optional fractional seconds and a zone ("Z" or ±hh:mm).
Result<TimestampMs> ParseRfc3339(std::string_view s);
// UTC, milliseconds shown only when non-zero, as Go's time.RFC3339Nano prints them:
// "2024-05-01T12:00:00Z", "2024-05-01T12:00:00.5Z".
std::string FormatRfc3339(TimestampMs t);
// Always three fractional digits, as Alertmanager's API (strfmt.DateTime) prints times:
// "2024-05-01T12:00:00.000Z".
std::string FormatRfc3339Millis(TimestampMs t);

}  // namespace tocsin
