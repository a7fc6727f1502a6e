#include "storage/tsdb/series.h"

#include <cstring>
#include <new>

namespace tocsin::storage {

Series* Series::Create(SeriesId id, uint64_t hash, std::span<const LabelRef> labels) {
  void* block = ::operator new(sizeof(Series) + labels.size() * sizeof(LabelRef));
  auto* s = new (block) Series(id, hash, static_cast<uint16_t>(labels.size()));
  std::memcpy(static_cast<void*>(s + 1), labels.data(), labels.size() * sizeof(LabelRef));
  return s;
}

void Series::Destroy(Series* s) {
  s->~Series();
  ::operator delete(static_cast<void*>(s));
}

}  // namespace tocsin::storage
