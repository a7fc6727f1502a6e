#include "storage/sqlite/label_set_index.h"

#include <algorithm>

#include "storage/sqlite/codec.h"

namespace tocsin::sqlite {

Result<int64_t> LabelSetIndex::Intern(Database& db, const Labels& labels) {
  const uint64_t fp = labels.fingerprint();
  if (auto it = by_fingerprint_.find(fp); it != by_fingerprint_.end()) {
    for (const Entry& e : it->second) {
      if (e.labels == labels) return e.id;
    }
  }
  const std::string fp_hex = FingerprintHex(fp);
  const std::string text = EncodeLabels(labels);

  // Not cached: it may still be in the file (cache cleared, or written by an earlier run).
  int64_t id = 0;
  auto select = db.Cached("SELECT id FROM label_sets WHERE fingerprint = ?1 AND labels = ?2");
  if (!select.ok()) return select.error();
  (*select)->Bind(1, fp_hex).Bind(2, text);
  auto row = (*select)->Step();
  if (!row.ok()) return row.error();
  if (*row) {
    id = (*select)->Int64(0);
    (*select)->Reset();
  } else {
    auto insert = db.Cached("INSERT INTO label_sets (fingerprint, labels) VALUES (?1, ?2)");
    if (!insert.ok()) return insert.error();
    (*insert)->Bind(1, fp_hex).Bind(2, text);
    if (Status s = (*insert)->Run(); !s.ok()) return Error{s.message()};
    id = db.LastInsertRowId();
    auto pair = db.Cached(
        "INSERT OR IGNORE INTO label_pairs (name, value, label_set_id) VALUES (?1, ?2, ?3)");
    if (!pair.ok()) return pair.error();
    for (const Label& l : labels) {
      (*pair)->Reset();
      (*pair)->Bind(1, l.name).Bind(2, l.value).Bind(3, id);
      if (Status s = (*pair)->Run(); !s.ok()) return Error{s.message()};
    }
  }

  if (size_ >= kMaxCached) Clear();
  by_fingerprint_[fp].push_back({labels, id});
  added_.push_back(fp);
  ++size_;
  return id;
}

void LabelSetIndex::Rollback() {
  // An id read (not inserted) in the rolled-back transaction is still valid, but telling the
  // two apart is not worth it: dropping them costs one SELECT each later.
  for (uint64_t fp : added_) {
    if (auto it = by_fingerprint_.find(fp); it != by_fingerprint_.end()) {
      size_ -= it->second.size();
      by_fingerprint_.erase(it);
    }
  }
  added_.clear();
}

void LabelSetIndex::Clear() {
  by_fingerprint_.clear();
  added_.clear();
  size_ = 0;
}

}  // namespace tocsin::sqlite
