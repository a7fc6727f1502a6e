// SetNotifiesStage: after a successful delivery, records it in the notification log
// (Alertmanager's notify.SetNotifiesStage): the fingerprints of the firing and resolved alerts
// the receiver now knows about. The durable write is SqliteStore::MarkDelivered, which in one
// transaction removes the notification from the outbox and writes the nflog entry and the
// attempt record — a notification is always in exactly one of outbox and log. Only then does
// the in-memory log learn it.
//
// The entry expires after twice the repeat interval (capped by the retention), as upstream.
#pragma once

#include "engine/alerting/notification_log.h"
#include "storage/sqlite/records.h"

namespace tocsin::sqlite {
class SqliteStore;
}

namespace tocsin::alerting {

class SetNotifiesStage {
 public:
  SetNotifiesStage(sqlite::SqliteStore& store, NotificationLog& nflog, DurationMs retention)
      : store_(store), nflog_(nflog), retention_(retention) {}

  Status Record(const sqlite::OutboxEntry& entry, DurationMs repeat_interval,
                const sqlite::NotificationAttempt& attempt, TimestampMs now);

 private:
  sqlite::SqliteStore& store_;
  NotificationLog& nflog_;
  DurationMs retention_;
};

}  // namespace tocsin::alerting
