#include "rules/eval_slot.h"

#include <string>

#include "rules/xxhash64.h"

namespace tocsin::rules {

uint64_t GroupHash(std::string_view file, std::string_view name) {
  std::string b;
  b.reserve(file.size() + name.size() + 12);
  b.append("file").push_back('\xff');
  b.append(file).push_back('\xff');
  b.append("name").push_back('\xff');
  b.append(name).push_back('\xff');
  return XxHash64(b);
}

int64_t EvalTimestampNs(uint64_t group_hash, DurationMs interval, int64_t now_ns) {
  const int64_t interval_ns = interval * 1'000'000;
  if (interval_ns <= 0) return now_ns;
  const auto offset = static_cast<int64_t>(group_hash % static_cast<uint64_t>(interval_ns));
  // Align to the interval after taking the offset off, so that adding it back never yields a
  // time after `now`. (Go's % truncates towards zero, like C++'s.)
  const int64_t adjusted = now_ns - offset;
  const int64_t base = adjusted - (adjusted % interval_ns);
  return base + offset;
}

}  // namespace tocsin::rules
