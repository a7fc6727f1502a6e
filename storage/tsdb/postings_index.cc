#include "storage/tsdb/postings_index.h"

#include <algorithm>

namespace tocsin::storage {

PostingsIndex::ValueEntry* PostingsIndex::NameEntry::Find(SymbolId value) {
  const uint32_t* slot =
      lookup.Find(value, [&](uint32_t slot) { return values[slot - 1].value == value; });
  return slot ? &values[*slot - 1] : nullptr;
}

const PostingsIndex::NameEntry* PostingsIndex::FindName(SymbolId name) const {
  const uint32_t* slot =
      name_lookup_.Find(name, [&](uint32_t slot) { return names_[slot - 1]->name == name; });
  return slot ? names_[*slot - 1].get() : nullptr;
}

void PostingsIndex::Add(SeriesId id, std::span<const LabelRef> labels) {
  all_.Add(id);
  for (const LabelRef& l : labels) {
    NameEntry* entry = FindName(l.name);
    if (entry == nullptr) {
      names_.push_back(std::make_unique<NameEntry>(l.name));
      name_lookup_.Insert(static_cast<uint32_t>(names_.size()));
      entry = names_.back().get();
    }
    ValueEntry* v = entry->Find(l.value);
    if (v == nullptr) {
      entry->values.push_back(ValueEntry{l.value, {}});
      entry->lookup.Insert(static_cast<uint32_t>(entry->values.size()));
      v = &entry->values.back();
    }
    v->postings.Add(id);
    ++entry->series;
  }
}

void PostingsIndex::Remove(std::span<const SeriesId> sorted_ids, std::vector<LabelRef> pairs) {
  if (sorted_ids.empty()) return;
  all_.RemoveAll(sorted_ids);
  std::sort(pairs.begin(), pairs.end(), [](const LabelRef& a, const LabelRef& b) {
    return a.name != b.name ? a.name < b.name : a.value < b.value;
  });
  for (size_t i = 0; i < pairs.size(); ++i) {
    if (i > 0 && pairs[i].name == pairs[i - 1].name && pairs[i].value == pairs[i - 1].value) {
      continue;
    }
    NameEntry* entry = FindName(pairs[i].name);
    if (entry == nullptr) continue;
    ValueEntry* v = entry->Find(pairs[i].value);
    if (v == nullptr) continue;
    const size_t before = v->postings.size();
    v->postings.RemoveAll(sorted_ids);
    entry->series -= before - v->postings.size();
    if (!v->postings.empty()) continue;
    // Swap-remove the empty value, re-pointing the lookup slot of the entry moved into its place.
    const uint32_t index = static_cast<uint32_t>(v - entry->values.data());
    const uint32_t last = static_cast<uint32_t>(entry->values.size() - 1);
    entry->lookup.Erase(index + 1);
    if (index != last) {
      entry->lookup.Replace(last + 1, index + 1);
      entry->values[index] = std::move(entry->values[last]);
    }
    entry->values.pop_back();
    if (entry->values.size() * 4 < entry->values.capacity()) entry->values.shrink_to_fit();
    if (!entry->values.empty()) continue;
    // The name has no values left: drop it the same way.
    const uint32_t name_index =
        static_cast<uint32_t>(std::find_if(names_.begin(), names_.end(),
                                           [&](const auto& e) { return e.get() == entry; }) -
                              names_.begin());
    const uint32_t name_last = static_cast<uint32_t>(names_.size() - 1);
    name_lookup_.Erase(name_index + 1);
    if (name_index != name_last) {
      name_lookup_.Replace(name_last + 1, name_index + 1);
      names_[name_index] = std::move(names_[name_last]);
    }
    names_.pop_back();
  }
}

std::span<const SeriesId> PostingsIndex::Get(SymbolId name, SymbolId value) const {
  const NameEntry* entry = FindName(name);
  if (entry == nullptr) return {};
  ValueEntry* v = const_cast<NameEntry*>(entry)->Find(value);
  return v ? v->postings.ids() : std::span<const SeriesId>();
}

size_t PostingsIndex::ValueCount(SymbolId name) const {
  const NameEntry* entry = FindName(name);
  return entry ? entry->values.size() : 0;
}

size_t PostingsIndex::SeriesWithName(SymbolId name) const {
  const NameEntry* entry = FindName(name);
  return entry ? entry->series : 0;
}

size_t PostingsIndex::memory_bytes() const {
  size_t bytes =
      all_.heap_bytes() + names_.capacity() * sizeof(names_[0]) + name_lookup_.memory_bytes();
  for (const auto& entry : names_) {
    bytes += sizeof(NameEntry) + entry->values.capacity() * sizeof(ValueEntry) +
             entry->lookup.memory_bytes();
    for (const ValueEntry& v : entry->values) bytes += v.postings.heap_bytes();
  }
  return bytes;
}

void PostingsIndex::Clear() {
  all_ = PostingsList();
  names_.clear();
  names_.shrink_to_fit();
  name_lookup_.Clear();
}

}  // namespace tocsin::storage
