// The parameters of the Prometheus HTTP API (web/api/v1 in Prometheus), read the way Prometheus
// reads them, with its error texts, so that clients written against Prometheus (Grafana,
// promtool, client libraries) get the same answers from tocsin.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/base/matcher.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::api {

// The defaults of optional time ranges (Prometheus's v1.MinTime and v1.MaxTime, in ms).
inline constexpr TimestampMs kApiMinTime = -9223309901257974000;
inline constexpr TimestampMs kApiMaxTime = 9223309901257974999;

// A time parameter: Unix seconds as a float ("1700000000", "1.5"; rounded to milliseconds) or
// RFC 3339 ("2024-05-01T12:00:00.5Z"). Error: `cannot parse "x" to a valid timestamp`.
Result<TimestampMs> ParseApiTime(std::string_view s);

// A duration parameter: float seconds ("30", "0.5") or Prometheus duration syntax ("5m").
// Nanoseconds, as Go's time.Duration holds them (callers convert to ms by truncating, as
// Prometheus's engine does). Error: `cannot parse "x" to a valid duration`.
Result<int64_t> ParseApiDurationNs(std::string_view s);

// Go's strconv.Atoi for the `limit` parameter; negative values are refused. 0 = no limit.
Result<int64_t> ParseApiLimit(std::string_view s);

// `match[]` values: each a series selector; every set must hold a matcher that does not match
// the empty string ("match[] must contain at least one non-empty matcher").
Result<std::vector<std::vector<LabelMatcher>>> ParseMatcherSets(
    const std::vector<std::string>& values);

// Go's strconv.ParseBool: 1 t T TRUE true True 0 f F FALSE false False.
Result<bool> ParseGoBool(std::string_view s);

}  // namespace tocsin::api
