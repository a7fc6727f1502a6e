#include "storage/tsdb/postings.h"

#include <algorithm>
#include <cstring>

namespace tocsin::storage {

PostingsList::PostingsList(PostingsList&& other) noexcept
    : size_(other.size_), capacity_(other.capacity_) {
  std::memcpy(inline_, other.inline_, sizeof(inline_));  // copies heap_ too: same bytes
  other.size_ = 0;
  other.capacity_ = kInline;
}

PostingsList& PostingsList::operator=(PostingsList&& other) noexcept {
  if (this != &other) {
    Free();
    std::memcpy(inline_, other.inline_, sizeof(inline_));
    size_ = other.size_;
    capacity_ = other.capacity_;
    other.size_ = 0;
    other.capacity_ = kInline;
  }
  return *this;
}

void PostingsList::Free() {
  if (!is_inline()) delete[] heap_;
  capacity_ = kInline;
  size_ = 0;
}

void PostingsList::Add(SeriesId id) {
  if (size_ == capacity_) {
    const uint32_t new_capacity = capacity_ < 8 ? 8 : capacity_ + capacity_ / 2;
    SeriesId* grown = new SeriesId[new_capacity];
    std::memcpy(grown, data(), size_ * sizeof(SeriesId));
    if (!is_inline()) delete[] heap_;
    heap_ = grown;
    capacity_ = new_capacity;
  }
  SeriesId* d = data();
  SeriesId* at = d + size_;
  if (size_ > 0 && d[size_ - 1] > id) {
    at = std::lower_bound(d, d + size_, id);
    std::memmove(at + 1, at, (d + size_ - at) * sizeof(SeriesId));
  }
  *at = id;
  ++size_;
}

void PostingsList::RemoveAll(std::span<const SeriesId> sorted_ids) {
  SeriesId* d = data();
  uint32_t kept = 0;
  auto it = sorted_ids.begin();
  for (uint32_t i = 0; i < size_; ++i) {
    it = std::lower_bound(it, sorted_ids.end(), d[i]);
    if (it != sorted_ids.end() && *it == d[i]) continue;
    d[kept++] = d[i];
  }
  size_ = kept;
  // Give memory back when the list shrank a lot (or fits inline again).
  if (!is_inline() && size_ * 4 < capacity_) {
    if (size_ <= kInline) {
      SeriesId* old = heap_;
      std::memcpy(inline_, old, size_ * sizeof(SeriesId));
      delete[] old;
      capacity_ = kInline;
    } else {
      const uint32_t new_capacity = size_ + size_ / 2;
      SeriesId* shrunk = new SeriesId[new_capacity];
      std::memcpy(shrunk, heap_, size_ * sizeof(SeriesId));
      delete[] heap_;
      heap_ = shrunk;
      capacity_ = new_capacity;
    }
  }
}

namespace {

// First position in [first, last) whose value is >= x, probing 1, 2, 4, ... ahead first.
const SeriesId* Gallop(const SeriesId* first, const SeriesId* last, SeriesId x) {
  size_t step = 1;
  const SeriesId* lo = first;
  while (first + step < last && first[step] < x) {
    lo = first + step;
    step *= 2;
  }
  return std::lower_bound(lo, std::min(first + step, last), x);
}

}  // namespace

void Intersect(std::span<const SeriesId> a, std::span<const SeriesId> b,
               std::vector<SeriesId>& out) {
  out.clear();
  if (a.size() > b.size()) std::swap(a, b);
  if (a.empty()) return;
  if (b.size() / a.size() >= 16) {
    const SeriesId* p = b.data();
    const SeriesId* end = b.data() + b.size();
    for (SeriesId x : a) {
      p = Gallop(p, end, x);
      if (p == end) break;
      if (*p == x) out.push_back(x);
    }
    return;
  }
  std::set_intersection(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
}

void Subtract(std::span<const SeriesId> a, std::span<const SeriesId> b,
              std::vector<SeriesId>& out) {
  out.clear();
  std::set_difference(a.begin(), a.end(), b.begin(), b.end(), std::back_inserter(out));
}

void Union(std::span<const std::span<const SeriesId>> lists, std::vector<SeriesId>& out) {
  out.clear();
  if (lists.size() == 1) {
    out.assign(lists[0].begin(), lists[0].end());
    return;
  }
  size_t total = 0;
  for (const auto& l : lists) total += l.size();
  out.reserve(total);
  for (const auto& l : lists) out.insert(out.end(), l.begin(), l.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

}  // namespace tocsin::storage
