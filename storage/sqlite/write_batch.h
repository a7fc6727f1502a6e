// Everything one evaluation cycle (or one dispatcher step) wants written, collected in memory
// and applied by SqliteStore::Commit in a single transaction: either all of it is in the file
// or none of it. Operations apply in the order they were added, so a later delete of an alert
// upserted earlier in the same batch wins.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "storage/sqlite/records.h"

namespace tocsin::sqlite {

class WriteBatch {
 public:
  struct DeleteAlertOp {
    std::string group;
    std::string rule;
    uint64_t fingerprint;
  };
  struct DeleteSilenceOp {
    std::string id;
  };
  struct DeleteNflogOp {
    NotifyTarget target;
  };
  struct EnqueueOp {
    OutboxEntry entry;
  };
  using Op = std::variant<AlertRecord, DeleteAlertOp, HistoryEvent, NotificationAttempt,
                          SilenceRecord, DeleteSilenceOp, NflogEntry, DeleteNflogOp, EnqueueOp>;

  // Inserts or replaces the alert with the same (group, rule, fingerprint).
  void UpsertAlert(AlertRecord alert) { ops_.emplace_back(std::move(alert)); }
  void DeleteAlert(std::string group, std::string rule, uint64_t fingerprint) {
    ops_.emplace_back(DeleteAlertOp{std::move(group), std::move(rule), fingerprint});
  }
  void AppendHistory(HistoryEvent event) { ops_.emplace_back(std::move(event)); }
  void RecordNotification(NotificationAttempt attempt) { ops_.emplace_back(std::move(attempt)); }
  void UpsertSilence(SilenceRecord silence) { ops_.emplace_back(std::move(silence)); }
  void DeleteSilence(std::string id) { ops_.emplace_back(DeleteSilenceOp{std::move(id)}); }
  void UpsertNflog(NflogEntry entry) { ops_.emplace_back(std::move(entry)); }
  void DeleteNflog(NotifyTarget target) { ops_.emplace_back(DeleteNflogOp{std::move(target)}); }
  // Adds a notification to the outbox. A waiting (unclaimed) entry for the same target is
  // replaced: only the newest state of a group needs delivering. Commit reports the ids.
  void EnqueueNotification(OutboxEntry entry) { ops_.emplace_back(EnqueueOp{std::move(entry)}); }

  // For a writer that merges queued batches into one: an op as it is, and the ops moved out
  // (leaving this batch empty).
  void Add(Op op) { ops_.push_back(std::move(op)); }
  std::vector<Op> TakeOps() { return std::move(ops_); }

  bool empty() const { return ops_.empty(); }
  size_t size() const { return ops_.size(); }
  void clear() { ops_.clear(); }
  void reserve(size_t n) { ops_.reserve(n); }
  const std::vector<Op>& ops() const { return ops_; }

 private:
  std::vector<Op> ops_;
};

}  // namespace tocsin::sqlite
