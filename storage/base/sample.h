// Float samples and Prometheus's staleness marker.
#pragma once

#include <bit>
#include <cstdint>

#include "storage/base/time.h"

namespace tocsin {

// The staleness marker is a NaN with one exact bit pattern, distinct from the NaN that
// arithmetic produces (0x7ff8000000000001 in Prometheus), so stale and "value is NaN" never mix.
inline constexpr uint64_t kStaleNaNBits = 0x7ff0000000000002ULL;
inline constexpr uint64_t kNormalNaNBits = 0x7ff8000000000001ULL;

inline double StaleNaN() { return std::bit_cast<double>(kStaleNaNBits); }
inline bool IsStaleNaN(double v) { return std::bit_cast<uint64_t>(v) == kStaleNaNBits; }

struct Sample {
  TimestampMs t = 0;
  double v = 0;
};

}  // namespace tocsin
