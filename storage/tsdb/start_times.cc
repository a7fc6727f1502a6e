#include "storage/tsdb/start_times.h"

#include <algorithm>

namespace tocsin::storage {

void StartTimes::Add(TimestampMs t, TimestampMs start) {
  entries_.push_back(Entry{t, start});
}

void StartTimes::DropBefore(TimestampMs t) {
  const auto live = entries_.begin() + static_cast<std::ptrdiff_t>(head_);
  const auto first_kept = std::lower_bound(live, entries_.end(), t,
                                           [](const Entry& e, TimestampMs x) { return e.t < x; });
  head_ = static_cast<size_t>(first_kept - entries_.begin());
  // Erasing from the front on every drop would be quadratic; compacting when half is dead keeps
  // it amortised O(1) per entry and the memory at most twice what is live.
  if (head_ > 0 && head_ * 2 >= entries_.size()) {
    entries_.erase(entries_.begin(), entries_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
  }
}

void StartTimes::Fill(std::span<const TimestampMs> times, TimestampMs* out) const {
  if (times.empty()) return;
  // Both sequences ascend: find the first entry once, then walk them together.
  auto e = std::lower_bound(entries_.begin() + static_cast<std::ptrdiff_t>(head_), entries_.end(),
                            times.front(),
                            [](const Entry& entry, TimestampMs x) { return entry.t < x; });
  for (size_t i = 0; i < times.size(); ++i) {
    while (e != entries_.end() && e->t < times[i]) ++e;
    out[i] = e != entries_.end() && e->t == times[i] ? e->start : 0;
  }
}

}  // namespace tocsin::storage
