// Interns label sets in the label_sets table and keeps the label_pairs inverted index beside
// it, so each distinct alert identity is stored once however many history rows it has.
//
// The in-memory cache (fingerprint -> label sets and their ids) spares a SELECT per history
// row; it only ever holds ids the database has, because entries added inside a transaction
// are forgotten again when that transaction rolls back (Rollback) and the whole cache is
// dropped whenever rows may have been deleted (Clear, after pruning).
#pragma once

#include <cstdint>
#include <unordered_map>
#include <utility>
#include <vector>

#include "storage/base/labels.h"
#include "storage/base/result.h"
#include "storage/sqlite/database.h"

namespace tocsin::sqlite {

class LabelSetIndex {
 public:
  // The id of `labels` in label_sets, inserting it (and its label_pairs) when new.
  Result<int64_t> Intern(Database& db, const Labels& labels);

  // Transaction bookkeeping: Commit keeps the ids added since the last Commit/Rollback,
  // Rollback forgets them.
  void Commit() { added_.clear(); }
  void Rollback();
  void Clear();

  size_t cached() const { return size_; }

 private:
  struct Entry {
    Labels labels;
    int64_t id;
  };
  // Bounded so a rule that (wrongly) templates $value into labels cannot grow it forever.
  static constexpr size_t kMaxCached = 200'000;

  std::unordered_map<uint64_t, std::vector<Entry>> by_fingerprint_;
  std::vector<uint64_t> added_;  // fingerprints whose entries were added in this transaction
  size_t size_ = 0;
};

}  // namespace tocsin::sqlite
