#include "engine/alerting/notification_log.h"

namespace tocsin::alerting {

std::optional<NflogEntry> NotificationLog::Query(const NotifyTarget& target) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(target);
  if (it == entries_.end()) return std::nullopt;
  return it->second;
}

void NotificationLog::Log(NflogEntry entry) {
  std::lock_guard lock(mu_);
  auto it = entries_.find(entry.target);
  if (it != entries_.end() && it->second.timestamp > entry.timestamp) return;
  entries_[entry.target] = std::move(entry);
}

void NotificationLog::Restore(const std::vector<NflogEntry>& entries) {
  std::lock_guard lock(mu_);
  entries_.clear();
  for (const NflogEntry& e : entries) entries_[e.target] = e;
}

size_t NotificationLog::GC(TimestampMs now) {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (auto it = entries_.begin(); it != entries_.end();) {
    if (it->second.expires_at <= now) {
      it = entries_.erase(it);
      ++n;
    } else {
      ++it;
    }
  }
  return n;
}

void NotificationLog::SetPending(const NotifyTarget& target, bool pending) {
  std::lock_guard lock(mu_);
  if (pending) {
    pending_.insert(target);
  } else {
    pending_.erase(target);
  }
}

bool NotificationLog::IsPending(const NotifyTarget& target) const {
  std::lock_guard lock(mu_);
  return pending_.contains(target);
}

size_t NotificationLog::size() const {
  std::lock_guard lock(mu_);
  return entries_.size();
}

}  // namespace tocsin::alerting
