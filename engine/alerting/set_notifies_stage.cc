#include "engine/alerting/set_notifies_stage.h"

#include "storage/sqlite/sqlite_store.h"

namespace tocsin::alerting {

Status SetNotifiesStage::Record(const sqlite::OutboxEntry& entry, DurationMs repeat_interval,
                                const sqlite::NotificationAttempt& attempt, TimestampMs now) {
  const DurationMs expiry = 2 * repeat_interval;
  const TimestampMs expires_at = now + (expiry > 0 && retention_ > expiry ? expiry : retention_);
  if (Status s = store_.MarkDelivered(entry.id, now, expires_at, attempt); !s.ok()) return s;
  NflogEntry e;
  e.target = entry.target;
  e.timestamp = now;
  e.firing = entry.firing;
  e.resolved = entry.resolved;
  e.expires_at = expires_at;
  nflog_.Log(std::move(e));
  return Status::Ok();
}

}  // namespace tocsin::alerting
