// Readable text for PromQL values, as the test runner and `tocsin query` show them to people:
// series in PromQL notation, sample values in their shortest exact form, times as offsets from
// the Unix epoch in duration notation (the way .test files write them).
#pragma once

#include <cstddef>
#include <string>

#include "engine/promql/value.h"
#include "storage/base/time.h"

namespace tocsin::promql {

// "1.5", "1e+100", "NaN", "+Inf", "-Inf", "stale" (the staleness marker).
std::string FormatSampleValue(double v);

// "0s", "1m30s", "-10m", "1ms".
std::string FormatOffsetTime(TimestampMs t);

// One line per sample or series (a matrix series lists "value@time" pairs), "scalar: 1",
// "string: \"x\"", or "(empty vector)". At most `max_lines` lines; the rest is summarised.
std::string FormatValueText(const Value& value, size_t max_lines = 30);

}  // namespace tocsin::promql
