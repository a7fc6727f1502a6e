// Grouping the series of a selection for an aggregation by the symbol ids of their labels
// (storage::LabelSymbols) instead of by the label strings: a series' group key is the list of
// (name id, value id) pairs of the labels the grouping keeps, so finding its group hashes and
// compares a few integers, and reads no string once each label name has been classified.
//
// Only valid within one Querier::VisitSelection call (the ids are the querier's, and stay
// meaningful only while it holds its string table), so one SymbolGrouping serves one selection.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "engine/promql/step_matrix.h"
#include "storage/querier.h"

namespace tocsin::promql {

class SymbolGrouping {
 public:
  static constexpr uint32_t kNone = HashIndex::kNone;

  // `names` sorted, as the aggregation's `by`/`without` list.
  SymbolGrouping(std::span<const std::string> names, bool without);

  // The group of a series whose labels are `labels` (the strings) and `symbols` (their ids,
  // same order), with its metadata labels hidden or not: the number given to its key when it
  // was first seen, or kNone for a key not seen yet, which Add() then numbers.
  uint32_t Find(std::span<const storage::LabelView> labels,
                std::span<const storage::LabelSymbols> symbols, bool hidden);
  // Numbers the key the last Find() returned kNone for as `group`.
  void Add(uint32_t group);

 private:
  // Whether the grouping keeps a label of this name, with the metadata labels visible and
  // hidden. Remembered per label position: the series of a selection mostly have the same
  // label names in the same places, so position i nearly always asks about the same name.
  struct NameClass {
    uint32_t name_plus_one = 0;  // 0: nothing remembered
    bool kept_visible = false;
    bool kept_hidden = false;
  };

  std::span<const std::string> names_;
  bool without_;
  bool keeps_nothing_;
  std::vector<NameClass> by_position_;
  HashIndex index_;
  // The keys of the groups, back to back: group g's key is keys_[key_begin_[g],
  // key_begin_[g + 1]).
  std::vector<uint32_t> keys_;
  std::vector<uint32_t> key_begin_{0};
  std::vector<uint32_t> group_of_key_;  // the group number given to each stored key
  std::vector<uint32_t> key_;           // the key of the last Find()
  uint64_t key_hash_ = 0;
};

}  // namespace tocsin::promql
