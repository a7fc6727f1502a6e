// A compact hash set of small trivially-copyable handles (ids, pointers), for the store's lookup
// tables: symbol ids by string, series by label hash, series by id, label values by id.
//
// Why not std::unordered_set: a node per element costs ~40 bytes; here an element costs its own
// size divided by the load factor (≤ 3/4), which is what keeps the per-series overhead small.
// Open addressing with linear probing and backward-shift deletion (no tombstones). The handle
// T{} marks an empty slot and must never be inserted. The set does not know how to compare a
// handle with a lookup key: Find takes the key's hash and an equality predicate on handles, and
// the Hasher (which may point into the owner's tables) gives each stored handle's hash when the
// set grows or deletes.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace tocsin::storage {

template <typename T, typename Hasher>
class OpenHashSet {
 public:
  explicit OpenHashSet(Hasher hasher = Hasher()) : hasher_(std::move(hasher)) {}

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t memory_bytes() const { return slots_.capacity() * sizeof(T); }

  // The stored handle for which eq(handle) holds, probing from `hash` (the key's hash, computed
  // the same way Hasher hashes the handle), or nullptr.
  template <typename Eq>
  const T* Find(uint64_t hash, Eq&& eq) const {
    if (size_ == 0) return nullptr;
    for (size_t i = Home(hash);; i = (i + 1) & mask_) {
      const T& slot = slots_[i];
      if (slot == T{}) return nullptr;
      if (eq(slot)) return &slot;
    }
  }

  // Inserts a handle that is not in the set.
  void Insert(T value) {
    if ((size_ + 1) * 4 > slots_.size() * 3) Rehash(slots_.empty() ? 16 : slots_.size() * 2);
    Place(value);
    ++size_;
  }

  // Removes `value` (compared as a handle); false when absent.
  bool Erase(T value) {
    if (size_ == 0) return false;
    size_t i = Home(hasher_(value));
    while (!(slots_[i] == value)) {
      if (slots_[i] == T{}) return false;
      i = (i + 1) & mask_;
    }
    // Backward shift: pull later members of the probe run into the hole so lookups never stop
    // early at it.
    size_t hole = i;
    for (size_t j = (i + 1) & mask_; !(slots_[j] == T{}); j = (j + 1) & mask_) {
      const size_t home = Home(hasher_(slots_[j]));
      // The element at j may move to `hole` only if its home is not cyclically in (hole, j].
      const bool home_in_between =
          hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
      if (!home_in_between) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole] = T{};
    --size_;
    // Shrink when mostly empty, so memory follows the live set after mass deletions.
    if (slots_.size() > 16 && size_ * 8 < slots_.size()) Rehash(slots_.size() / 2);
    return true;
  }

  // Replaces the stored handle `old_value` with `new_value`, which must hash the same.
  void Replace(T old_value, T new_value) {
    for (size_t i = Home(hasher_(old_value));; i = (i + 1) & mask_) {
      if (slots_[i] == old_value) {
        slots_[i] = new_value;
        return;
      }
    }
  }

  template <typename F>
  void ForEach(F&& f) const {
    for (const T& slot : slots_) {
      if (!(slot == T{})) f(slot);
    }
  }

  void Clear() {
    slots_.clear();
    slots_.shrink_to_fit();
    mask_ = 0;
    size_ = 0;
    shift_ = 64;
  }

  const Hasher& hasher() const { return hasher_; }

 private:
  // Fibonacci hashing spreads weak hashes (sequential ids) over the table. A Hasher that
  // declares kRunsOfEight (its hashes are sequential ids, looked up in order: the series of
  // one selection) keeps each aligned run of 8 consecutive ids in one cache line of slots and
  // spreads only the runs, so a look-up of many ids in order reads a slot line per 8 ids, not
  // one per id. Tables hold at least 16 slots, so the run fits.
  size_t Home(uint64_t hash) const {
    if constexpr (requires { Hasher::kRunsOfEight; }) {
      const auto run = static_cast<size_t>(((hash >> 3) * 0x9E3779B97F4A7C15ULL) >> shift_);
      return ((run & ~size_t{7}) | static_cast<size_t>(hash & 7)) & mask_;
    }
    return static_cast<size_t>((hash * 0x9E3779B97F4A7C15ULL) >> shift_);
  }

  void Place(T value) {
    size_t i = Home(hasher_(value));
    while (!(slots_[i] == T{})) i = (i + 1) & mask_;
    slots_[i] = value;
  }

  void Rehash(size_t new_size) {
    std::vector<T> old = std::move(slots_);
    slots_.assign(new_size, T{});
    mask_ = new_size - 1;
    shift_ = 64 - std::countr_zero(new_size);
    for (const T& slot : old) {
      if (!(slot == T{})) Place(slot);
    }
  }

  Hasher hasher_;
  std::vector<T> slots_;
  size_t mask_ = 0;
  int shift_ = 64;
  size_t size_ = 0;
};

}  // namespace tocsin::storage
