// Small pieces of JSON text exactly as Go's encoding/json writes them, for the API answers that
// clients may compare byte for byte with Prometheus's.
#pragma once

#include <string>

#include "storage/base/time.h"

namespace tocsin::api {

// A float64 field: shortest form, 'e' notation below 1e-6 and from 1e21 on, with Go's exponent
// clean-up ("1e-7", "1e+21"). NaN and infinities, which Go refuses to encode, are written as
// strings.
std::string GoJsonFloat(double v);
// A time.Time field (RFC 3339 with up to nanoseconds, UTC); INT64_MIN (unset) is Go's zero time
// "0001-01-01T00:00:00Z".
std::string GoJsonTime(TimestampMs t);

}  // namespace tocsin::api
