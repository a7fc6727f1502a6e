// Interned strings: every label name and value in the series store is held once and referred to
// by a 32-bit id, so a series costs 8 bytes per label instead of two strings.
//
// Strings live back to back in one arena (no allocation per string); ids are reference counted
// by the series that use them and reused once free. When more than half the arena is garbage it
// is compacted. Not thread-safe: the store guards it with its index lock.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "storage/tsdb/open_hash_set.h"

namespace tocsin::storage {

using SymbolId = uint32_t;
inline constexpr SymbolId kNoSymbol = UINT32_MAX;

class SymbolTable {
 public:
  SymbolTable() : lookup_(Hasher{this}) {}
  SymbolTable(const SymbolTable&) = delete;
  SymbolTable& operator=(const SymbolTable&) = delete;

  // The id of `s`, or kNoSymbol when it is not interned.
  SymbolId Find(std::string_view s) const;
  // Interns `s` if needed and takes one reference to it.
  SymbolId Ref(std::string_view s);
  // Takes one more reference to an interned id.
  void Ref(SymbolId id) { ++entries_[id].refs; }
  // Drops one reference; the string is forgotten when none remain.
  void Unref(SymbolId id);

  std::string_view Get(SymbolId id) const {
    const Entry& e = entries_[id];
    return {arena_.data() + e.offset, e.length};
  }

  size_t size() const { return lookup_.size(); }
  size_t memory_bytes() const;
  void Clear();

 private:
  struct Entry {
    uint32_t offset = 0;
    uint32_t length = 0;
    uint32_t refs = 0;  // 0: the id is free
  };
  // The set holds id + 1 so that 0 can mark an empty slot.
  struct Hasher {
    const SymbolTable* table;
    uint64_t operator()(uint32_t slot) const { return HashString(table->Get(slot - 1)); }
  };
  static uint64_t HashString(std::string_view s);
  void CompactArena();

  std::string arena_;
  size_t garbage_bytes_ = 0;
  std::vector<Entry> entries_;
  std::vector<SymbolId> free_ids_;
  OpenHashSet<uint32_t, Hasher> lookup_;
};

}  // namespace tocsin::storage
