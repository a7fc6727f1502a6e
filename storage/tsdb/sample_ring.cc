#include "storage/tsdb/sample_ring.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "storage/base/sample.h"

namespace tocsin::storage {

namespace {
// Past this the ring stops growing and overwrites instead (2^30 samples = 16 GiB per series).
constexpr uint32_t kMaxCapacity = 1u << 30;
}  // namespace

uint32_t SampleRing::NextCapacity(uint32_t capacity, uint32_t preferred) {
  if (capacity < preferred) {
    const uint64_t doubled = std::max<uint64_t>(uint64_t{capacity} * 2, kMinCapacity);
    return static_cast<uint32_t>(std::min<uint64_t>({doubled, preferred, kMaxCapacity}));
  }
  const uint64_t grown = uint64_t{capacity} + std::max<uint32_t>(capacity / 8, kMinCapacity);
  return static_cast<uint32_t>(std::min<uint64_t>(grown, kMaxCapacity));
}

void SampleRing::Reallocate(uint32_t new_capacity) {
  auto* block = static_cast<TimestampMs*>(::operator new (size_t{new_capacity} * kBytesPerSample));
  auto* new_values = reinterpret_cast<double*>(block + new_capacity);
  // Copy the (at most two) physical segments in logical order.
  const uint32_t first = std::min(size_, capacity_ - head_);
  if (size_ > 0) {
    std::memcpy(block, times_ + head_, first * sizeof(TimestampMs));
    std::memcpy(block + first, times_, (size_ - first) * sizeof(TimestampMs));
    std::memcpy(new_values, values() + head_, first * sizeof(double));
    std::memcpy(new_values + first, values(), (size_ - first) * sizeof(double));
  }
  Release();
  times_ = block;
  capacity_ = new_capacity;
  head_ = 0;
}

void SampleRing::Release() {
  ::operator delete(times_);
  times_ = nullptr;
  capacity_ = 0;
  head_ = 0;
  size_ = 0;
}

uint32_t SampleRing::Push(TimestampMs t, double v, TimestampMs keep_from,
                          uint32_t preferred_capacity) {
  uint32_t dropped = 0;
  if (size_ == capacity_) {
    if (size_ > 0 && oldest_time_ < keep_from) {
      // Drop the run of expired samples (bounded, so one push does bounded work).
      constexpr uint32_t kMaxRun = 64;
      while (dropped < size_ && dropped < kMaxRun && time_at(dropped) < keep_from) ++dropped;
    } else if (capacity_ >= kMaxCapacity) {
      dropped = 1;
    } else {
      const uint32_t keep = size_;
      Reallocate(NextCapacity(capacity_, preferred_capacity));
      size_ = keep;
    }
    if (dropped > 0) {
      head_ = Physical(dropped);
      size_ -= dropped;
      if (size_ > 0) oldest_time_ = time_at(0);
    }
  }
  const uint32_t p = Physical(size_);
  times_[p] = t;
  values()[p] = v;
  // Compared with the previous sample even when it has been dropped: a false "break" only
  // costs a full read of the window later, a missed one would be a wrong result.
  if (IsStaleNaN(v) || v < newest_value_) newest_break_ = t;
  if (size_ == 0) oldest_time_ = t;
  newest_time_ = t;
  newest_value_ = v;
  ++size_;
  return dropped;
}

uint32_t SampleRing::LowerBound(TimestampMs t) const {
  if (size_ == 0 || t <= oldest_time_) return 0;
  if (t > newest_time_) return size_;
  // Here time_at(0) < t <= time_at(last), so the answer is in [1, last] and size_ >= 2.
  const uint32_t last = size_ - 1;
  // Samples are nearly evenly spaced (one per scrape or evaluation interval), so the position
  // of t between the oldest and newest time predicts its index to within a sample or two: the
  // search touches one or two cache lines of the ring instead of the ~log2(size) lines a binary
  // search visits on a ring that is not cached yet (the first touch of each series in a query).
  // Wrapped rings are no different: the guess is a logical index.
  const uint32_t guess = GuessIndex(t);
  // Gallop from the guess towards the answer, then bisect the bracket found: a regular ring
  // needs a probe or two, an irregular one still costs only O(log distance).
  uint32_t lo, hi;  // the answer is in [lo, hi]
  if (time_at(guess) >= t) {
    hi = guess;
    lo = 1;
    uint32_t step = 1;
    while (hi - lo >= step) {
      const uint32_t probe = hi - step;
      if (time_at(probe) < t) {
        lo = probe + 1;
        break;
      }
      hi = probe;
      step *= 2;
    }
  } else {
    lo = guess + 1;
    hi = last;
    uint32_t step = 1;
    while (hi - lo >= step) {
      const uint32_t probe = lo + step - 1;
      if (time_at(probe) >= t) {
        hi = probe;
        break;
      }
      lo = probe + 1;
      step *= 2;
    }
  }
  while (lo < hi) {
    const uint32_t mid = lo + (hi - lo) / 2;
    if (time_at(mid) < t) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo;
}

uint32_t SampleRing::DropBefore(TimestampMs t) {
  const uint32_t n = LowerBound(t);
  head_ = size_ == n ? 0 : Physical(n);
  size_ -= n;
  if (size_ > 0) oldest_time_ = time_at(0);
  return n;
}

bool SampleRing::Shrink(uint32_t preferred_capacity) {
  const uint64_t wanted =
      std::max<uint64_t>({uint64_t{size_} + size_ / 8, preferred_capacity, kMinCapacity});
  if (preferred_capacity == kUnboundedCapacity || uint64_t{capacity_} < wanted * 2) return false;
  const uint32_t keep = size_;
  if (keep == 0) {
    Release();
    return true;
  }
  Reallocate(static_cast<uint32_t>(wanted));
  size_ = keep;
  return true;
}

uint32_t SampleRing::CountInRange(TimestampMs mint, TimestampMs maxt) const {
  if (size_ == 0 || maxt < mint || oldest_time_ > maxt || newest_time_ < mint) return 0;
  const uint32_t lo = LowerBound(mint);
  const uint32_t hi = maxt >= newest_time_ ? size_ : LowerBound(maxt + 1);
  return hi - lo;
}

uint32_t SampleRing::Window(TimestampMs mint, TimestampMs maxt, Run& first, Run& second) const {
  first = second = Run{};
  if (size_ == 0 || maxt < mint || oldest_time_ > maxt || newest_time_ < mint) return 0;
  const uint32_t lo = LowerBound(mint);
  const uint32_t hi = maxt >= newest_time_ ? size_ : LowerBound(maxt + 1);
  if (lo >= hi) return 0;
  const uint32_t n = hi - lo;
  const uint32_t start = Physical(lo);
  const uint32_t head_run = std::min(n, capacity_ - start);
  first = Run{times_ + start, values() + start, head_run};
  if (head_run < n) second = Run{times_, values(), n - head_run};
  return n;
}

uint32_t SampleRing::CopyRange(TimestampMs mint, TimestampMs maxt, std::vector<TimestampMs>& ts,
                               std::vector<double>& vs) const {
  Run first, second;
  const uint32_t n = Window(mint, maxt, first, second);
  // insert() copies without first zero-filling the new elements, as resize() would.
  for (const Run& r : {first, second}) {
    ts.insert(ts.end(), r.t, r.t + r.n);
    vs.insert(vs.end(), r.v, r.v + r.n);
  }
  return n;
}

}  // namespace tocsin::storage
