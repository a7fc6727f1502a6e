#include "storage/tsdb/symbol_table.h"

#include <functional>
#include <stdexcept>

namespace tocsin::storage {

uint64_t SymbolTable::HashString(std::string_view s) {
  return std::hash<std::string_view>{}(s);
}

SymbolId SymbolTable::Find(std::string_view s) const {
  const uint32_t* slot =
      lookup_.Find(HashString(s), [&](uint32_t slot) { return Get(slot - 1) == s; });
  return slot ? *slot - 1 : kNoSymbol;
}

SymbolId SymbolTable::Ref(std::string_view s) {
  const SymbolId found = Find(s);
  if (found != kNoSymbol) {
    ++entries_[found].refs;
    return found;
  }
  if (arena_.size() + s.size() > UINT32_MAX) CompactArena();
  if (arena_.size() + s.size() > UINT32_MAX) throw std::length_error("symbol arena full (4 GiB)");
  SymbolId id;
  if (!free_ids_.empty()) {
    id = free_ids_.back();
    free_ids_.pop_back();
  } else {
    id = static_cast<SymbolId>(entries_.size());
    entries_.emplace_back();
  }
  entries_[id] = Entry{static_cast<uint32_t>(arena_.size()), static_cast<uint32_t>(s.size()), 1};
  arena_.append(s);
  lookup_.Insert(id + 1);
  return id;
}

void SymbolTable::Unref(SymbolId id) {
  Entry& e = entries_[id];
  if (--e.refs > 0) return;
  lookup_.Erase(id + 1);
  garbage_bytes_ += e.length;
  e.length = 0;
  free_ids_.push_back(id);
  if (garbage_bytes_ > 4096 && garbage_bytes_ * 2 > arena_.size()) CompactArena();
}

void SymbolTable::CompactArena() {
  std::string compacted;
  compacted.reserve(arena_.size() - garbage_bytes_);
  for (Entry& e : entries_) {
    if (e.refs == 0) continue;
    const uint32_t offset = static_cast<uint32_t>(compacted.size());
    compacted.append(arena_, e.offset, e.length);
    e.offset = offset;
  }
  arena_ = std::move(compacted);
  garbage_bytes_ = 0;
}

size_t SymbolTable::memory_bytes() const {
  return arena_.capacity() + entries_.capacity() * sizeof(Entry) +
         free_ids_.capacity() * sizeof(SymbolId) + lookup_.memory_bytes();
}

void SymbolTable::Clear() {
  arena_.clear();
  arena_.shrink_to_fit();
  garbage_bytes_ = 0;
  entries_.clear();
  entries_.shrink_to_fit();
  free_ids_.clear();
  free_ids_.shrink_to_fit();
  lookup_.Clear();
}

}  // namespace tocsin::storage
