// When a rule group evaluates: Prometheus spreads groups over their interval by a hash of the
// group, so groups do not all run at once, yet each group runs at the same instants on every
// restart (rules/group.go, Group.EvalTimestamp).
#pragma once

#include <cstdint>
#include <string_view>

#include "storage/base/time.h"

namespace tocsin::rules {

// The group's hash: XXH64 of the label set {file="<file>", name="<name>"} as Prometheus hashes
// labels ("file\xff<file>\xffname\xff<name>\xff").
uint64_t GroupHash(std::string_view file, std::string_view name);

// The latest slotted evaluation time at or before `now_ns` (nanoseconds since the epoch, as
// Prometheus computes it): k * interval + (hash % interval).
int64_t EvalTimestampNs(uint64_t group_hash, DurationMs interval, int64_t now_ns);

}  // namespace tocsin::rules
