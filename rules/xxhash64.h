// XXH64 (seed 0), the hash Prometheus's labels.Labels.Hash uses. Rule groups are slotted into
// their evaluation interval by it, so tocsin must compute the same value to evaluate a group at
// the same instants Prometheus would.
#pragma once

#include <cstdint>
#include <string_view>

namespace tocsin::rules {

uint64_t XxHash64(std::string_view data, uint64_t seed = 0);

}  // namespace tocsin::rules
