// The map type for everything the alert pipeline keys by a 64-bit fingerprint (alerts in the
// store, the status tracker, the inhibitor's sources, aggregation groups and their alerts).
//
// Every posted alert is looked up in several of these maps (10k entries and more), so their
// lookups are the pipeline's cost: std::unordered_map reaches an entry through a bucket and a
// chain of separately allocated nodes (two or three dependent cache misses), Abseil's
// flat_hash_map through one probe of an open-addressed array holding the entry itself. Its
// references are not stable across inserts: hold none across one.
#pragma once

#include <absl/container/flat_hash_map.h>

#include <cstdint>

namespace tocsin::alerting {

template <typename Value>
using FingerprintMap = absl::flat_hash_map<uint64_t, Value>;

}  // namespace tocsin::alerting
