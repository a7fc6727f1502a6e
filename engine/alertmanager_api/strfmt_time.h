// go-openapi's strfmt.DateTime parsing, which Alertmanager's API uses for every time it reads
// (startsAt, endsAt of alerts and silences): the first of these layouts that fits wins —
// RFC 3339 with 6 or 3 fraction digits and a ±hhmm offset (no colon), RFC 3339 (any fraction),
// "2006-01-02T15:04:05" (UTC), "2006-01-02T15:04Z", "2006-01-02T15:04" (UTC) and
// "2006-01-02 15:04:05" (UTC) — and when none does, the error is Go's time.Parse error for the
// last layout ("parsing time \"x\" as \"2006-01-02 15:04:05\": cannot parse \"x\" as \"2006\"").
#pragma once

#include <string_view>

#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::alertmanager_api {

// Milliseconds since the epoch. The empty string, which strfmt reads as the Unix epoch, is not
// accepted here: tocsin's 0 means "not set", so it could not be told apart.
Result<TimestampMs> ParseStrfmtDateTime(std::string_view s);

}  // namespace tocsin::alertmanager_api
