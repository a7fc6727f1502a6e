#include "engine/promql/symbol_grouping.h"

#include <algorithm>

#include "engine/promql/label_ops.h"

namespace tocsin::promql {

SymbolGrouping::SymbolGrouping(std::span<const std::string> names, bool without)
    : names_(names), without_(without), keeps_nothing_(!without && names.empty()) {
  index_.Reset(16);
}

uint32_t SymbolGrouping::Find(std::span<const storage::LabelView> labels,
                              std::span<const storage::LabelSymbols> symbols, bool hidden) {
  key_.clear();
  if (by_position_.size() < symbols.size()) by_position_.resize(symbols.size());
  uint64_t h = label_seq::kFnvOffset;
  // A plain aggregation (no `by` labels) keeps no label: every key is empty.
  const size_t n = keeps_nothing_ ? 0 : symbols.size();
  for (size_t i = 0; i < n; ++i) {
    const storage::LabelSymbols s = symbols[i];
    NameClass& c = by_position_[i];
    if (c.name_plus_one != s.name + 1) {
      // Another name than the last series had here: classify it by its string.
      c.name_plus_one = s.name + 1;
      c.kept_visible = label_seq::KeptByGrouping(labels[i], false, names_, without_);
      c.kept_hidden = label_seq::KeptByGrouping(labels[i], true, names_, without_);
    }
    if (!(hidden ? c.kept_hidden : c.kept_visible)) continue;
    key_.push_back(s.name);
    key_.push_back(s.value);
    h = label_seq::KeyMix(h, uint64_t{s.name} << 32 | s.value);
  }
  key_hash_ = h;
  const uint32_t k = index_.Find(h, [&](uint32_t stored) {
    const uint32_t begin = key_begin_[stored];
    if (key_begin_[stored + 1] - begin != key_.size()) return false;
    // A loop, not std::equal: that becomes a memcmp call, dearer for these few words.
    for (size_t i = 0; i < key_.size(); ++i) {
      if (keys_[begin + i] != key_[i]) return false;
    }
    return true;
  });
  return k == HashIndex::kNone ? kNone : group_of_key_[k];
}

void SymbolGrouping::Add(uint32_t group) {
  const auto k = static_cast<uint32_t>(group_of_key_.size());
  keys_.insert(keys_.end(), key_.begin(), key_.end());
  key_begin_.push_back(static_cast<uint32_t>(keys_.size()));
  group_of_key_.push_back(group);
  index_.Insert(key_hash_, k);
}

}  // namespace tocsin::promql
