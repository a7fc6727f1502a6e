// What a sample's start timestamp (its "created" time: when the counter behind it started, or
// the start of the interval a delta sample covers) says about the sample before it. Prometheus
// 3.x's experimental start-timestamp support reads these in rate(), increase(), irate() and
// resets(). A start timestamp of 0 means the sample has none.
#pragma once

#include "storage/base/time.h"

namespace tocsin::promql {

// Whether the current sample started counting after the previous one was taken, i.e. a counter
// reset that the values alone may hide (the counter can have passed its old value again).
//  - No start time, or one at or after the sample's own time (invalid, or OpenTelemetry's
//    "start unknown", which sets it to the sample time): no reset.
//  - A start before the previous sample: the same count continues.
//  - A start after the previous sample: a reset.
//  - A start exactly at the previous sample: a delta sample following another (a reset) when
//    the previous sample had a start time of its own before its time; a cumulative series whose
//    start was unknown otherwise (not a reset).
inline bool IsStartTimeReset(TimestampMs prev_start, TimestampMs prev_t, TimestampMs start,
                             TimestampMs t) {
  if (start == 0 || start >= t) return false;
  if (start != prev_t) return start > prev_t;
  const bool prev_start_known = prev_start != 0 && prev_start < prev_t;
  return prev_start_known;
}

// Whether the current sample claims to have started before the previous sample was taken
// without continuing the previous sample's count (a different start): the two samples overlap
// in time, which no well-formed counter or delta series does.
inline bool StartTimeOverlaps(TimestampMs prev_start, TimestampMs prev_t, TimestampMs start) {
  return start != 0 && start < prev_t && start != prev_start;
}

}  // namespace tocsin::promql
