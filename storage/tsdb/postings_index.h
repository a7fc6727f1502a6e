// The inverted index of the series store: label name → label value → postings (sorted ids of
// the series carrying that label pair), plus the postings of all series.
//
// Names and values are symbol ids (symbol_table.h). Not thread-safe: the store guards it with its
// index lock.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "storage/tsdb/open_hash_set.h"
#include "storage/tsdb/postings.h"
#include "storage/tsdb/symbol_table.h"

namespace tocsin::storage {

struct LabelRef {
  SymbolId name;
  SymbolId value;
};

class PostingsIndex {
 public:
  PostingsIndex() = default;
  PostingsIndex(const PostingsIndex&) = delete;
  PostingsIndex& operator=(const PostingsIndex&) = delete;

  // Adds a series (normally with an id greater than every id added before).
  void Add(SeriesId id, std::span<const LabelRef> labels);
  // Removes the series `sorted_ids`, which carried (among them) exactly the label pairs `pairs`
  // (duplicates allowed).
  void Remove(std::span<const SeriesId> sorted_ids, std::vector<LabelRef> pairs);

  std::span<const SeriesId> all() const { return all_.ids(); }
  // The postings of name=value (empty when absent).
  std::span<const SeriesId> Get(SymbolId name, SymbolId value) const;
  // Number of distinct values `name` has (0 when absent).
  size_t ValueCount(SymbolId name) const;
  // Number of series that carry `name` (the total size of its postings).
  size_t SeriesWithName(SymbolId name) const;
  // Calls f(value, postings) for every value of `name`, in no particular order.
  template <typename F>
  void ForEachValue(SymbolId name, F&& f) const {
    const NameEntry* entry = FindName(name);
    if (entry == nullptr) return;
    for (const ValueEntry& v : entry->values) f(v.value, v.postings.ids());
  }
  // Calls f(name) for every label name in use.
  template <typename F>
  void ForEachName(F&& f) const {
    for (const auto& entry : names_) f(entry->name);
  }

  // Renumbers every id by `map`, which must preserve order.
  template <typename F>
  void MapIds(F&& map) {
    all_.MapIds(map);
    for (auto& entry : names_) {
      for (ValueEntry& v : entry->values) v.postings.MapIds(map);
    }
  }

  size_t memory_bytes() const;
  void Clear();

 private:
  struct ValueEntry {
    SymbolId value;
    PostingsList postings;
  };
  // The values of one name; `lookup` holds index + 1 into `values`.
  struct NameEntry {
    struct Hasher {
      const NameEntry* entry;
      uint64_t operator()(uint32_t slot) const { return entry->values[slot - 1].value; }
    };
    explicit NameEntry(SymbolId n) : name(n), lookup(Hasher{this}) {}
    ValueEntry* Find(SymbolId value);
    SymbolId name;
    size_t series = 0;  // sum of the values' postings sizes
    std::vector<ValueEntry> values;
    OpenHashSet<uint32_t, Hasher> lookup;
  };
  struct NameHasher {
    const PostingsIndex* index;
    uint64_t operator()(uint32_t slot) const { return index->names_[slot - 1]->name; }
  };

  const NameEntry* FindName(SymbolId name) const;
  NameEntry* FindName(SymbolId name) {
    return const_cast<NameEntry*>(static_cast<const PostingsIndex*>(this)->FindName(name));
  }

  PostingsList all_;
  // unique_ptr: each NameEntry's lookup hasher points at the entry, so entries must not move.
  std::vector<std::unique_ptr<NameEntry>> names_;
  OpenHashSet<uint32_t, NameHasher> name_lookup_{NameHasher{this}};
};

}  // namespace tocsin::storage
