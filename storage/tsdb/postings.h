// Postings: sorted lists of series ids, and the set operations a selector needs on them.
//
// Series ids grow monotonically, so adding a new series to a list is an append. Most label values
// (an `instance`, a `path`) belong to one or two series, so a PostingsList keeps up to two ids
// inline and allocates only beyond that.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace tocsin::storage {

using SeriesId = uint32_t;

class PostingsList {
 public:
  PostingsList() = default;
  ~PostingsList() { Free(); }
  PostingsList(PostingsList&& other) noexcept;
  PostingsList& operator=(PostingsList&& other) noexcept;
  PostingsList(const PostingsList&) = delete;
  PostingsList& operator=(const PostingsList&) = delete;

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const SeriesId> ids() const { return {data(), size_}; }

  // Adds `id` (not yet in the list). Ids normally come in increasing order (an append); a
  // series recreated under its old id is inserted in place.
  void Add(SeriesId id);
  // Removes every id that is in `sorted_ids`.
  void RemoveAll(std::span<const SeriesId> sorted_ids);
  // Replaces each id by map(id); `map` must preserve order.
  template <typename F>
  void MapIds(F&& map) {
    SeriesId* d = data();
    for (uint32_t i = 0; i < size_; ++i) d[i] = map(d[i]);
  }

  size_t heap_bytes() const { return is_inline() ? 0 : capacity_ * sizeof(SeriesId); }

 private:
  static constexpr uint32_t kInline = 2;
  bool is_inline() const { return capacity_ <= kInline; }
  const SeriesId* data() const { return is_inline() ? inline_ : heap_; }
  SeriesId* data() { return is_inline() ? inline_ : heap_; }
  void Free();

  union {
    SeriesId* heap_;
    SeriesId inline_[kInline] = {};
  };
  uint32_t size_ = 0;
  uint32_t capacity_ = kInline;
};

// out = a ∩ b. Gallops through the longer list when the sizes differ a lot.
void Intersect(std::span<const SeriesId> a, std::span<const SeriesId> b,
               std::vector<SeriesId>& out);
// out = a \ b.
void Subtract(std::span<const SeriesId> a, std::span<const SeriesId> b, std::vector<SeriesId>& out);
// out = the union of `lists`, sorted and unique.
void Union(std::span<const std::span<const SeriesId>> lists, std::vector<SeriesId>& out);

}  // namespace tocsin::storage
