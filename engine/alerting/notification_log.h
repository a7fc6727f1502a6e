// The notification log (Alertmanager's nflog): per (group key, receiver, integration, index),
// what was last delivered — the fingerprints of the firing and the resolved alerts, and when.
// It alone makes delivery idempotent: the dedup stage notifies only when the group's state
// differs from the last delivered one or the repeat interval has passed.
//
// This is the in-memory copy the dedup stage reads; the durable copy is the SQLite nflog table,
// written in the same transaction that removes a delivered notification from the outbox
// (SqliteStore::MarkDelivered), after which Log() records it here. On start, Restore() loads
// the table.
//
// A target also carries a "pending" mark while a notification for it sits in the outbox: the
// log does not know yet what that delivery will record, so a flush must not decide on a new
// notification for the target until it is settled (see DedupStage).
#pragma once

#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <vector>

#include "storage/sqlite/records.h"

namespace tocsin::alerting {

using NotifyTarget = sqlite::NotifyTarget;
using NflogEntry = sqlite::NflogEntry;

class NotificationLog {
 public:
  std::optional<NflogEntry> Query(const NotifyTarget& target) const;
  // Records a delivery. An entry older than the one held is ignored (as upstream's merge).
  void Log(NflogEntry entry);
  void Restore(const std::vector<NflogEntry>& entries);
  // Drops entries whose expiry has passed; returns how many.
  size_t GC(TimestampMs now);

  void SetPending(const NotifyTarget& target, bool pending);
  bool IsPending(const NotifyTarget& target) const;

  size_t size() const;

 private:
  mutable std::mutex mu_;
  std::map<NotifyTarget, NflogEntry> entries_;
  std::set<NotifyTarget> pending_;
};

}  // namespace tocsin::alerting
