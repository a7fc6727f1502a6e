// Parsing of `tocsin history` arguments that are more than plain strings: points in time and
// label matchers.
#pragma once

#include <string_view>

#include "storage/base/matcher.h"
#include "storage/base/result.h"
#include "storage/base/time.h"

namespace tocsin::cli {

// `--since 2h` / `--until 7d` mean that long before `now` (Prometheus duration syntax);
// anything else must be an RFC 3339 time ("2024-05-01T12:00:00Z"). Errors name the flag.
Result<TimestampMs> ParseTimeArg(std::string_view flag, std::string_view text, TimestampMs now);

// One matcher in Alertmanager's syntax, `name op value` with op one of = != =~ !~, the value
// double-quoted (Go escapes) or bare: component=~"queue|redis", severity!=info,
// "label with spaces"="x". Surrounding braces are accepted for a single matcher.
//
// Minimal on purpose: when engine/alerting's full matcher parser (Alertmanager's
// matchers/parse) lands, `tocsin history --matcher` should call it instead, so that the
// command accepts exactly what alertmanager.yml and amtool accept.
Result<LabelMatcher> ParseMatcherArg(std::string_view text);

}  // namespace tocsin::cli
