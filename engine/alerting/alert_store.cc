#include "engine/alerting/alert_store.h"

#include <algorithm>

namespace tocsin::alerting {

void AlertStore::AddListener(AlertStoreListener* listener) {
  std::lock_guard put(put_mu_);
  listeners_.push_back(listener);
}

void AlertStore::RemoveListener(AlertStoreListener* listener) {
  std::lock_guard put(put_mu_);
  std::erase(listeners_, listener);
}

std::vector<AlertPtr> AlertStore::Put(std::vector<Alert> alerts, TimestampMs now) {
  std::lock_guard put(put_mu_);
  std::vector<AlertPtr> stored;
  stored.reserve(alerts.size());
  {
    std::lock_guard lock(mu_);
    for (Alert& a : alerts) {
      AlertPtr& slot = alerts_[a.fingerprint()];
      if (slot && ShouldMerge(*slot, a)) {
        slot = std::make_shared<const Alert>(MergeAlerts(*slot, std::move(a), now));
      } else {
        slot = std::make_shared<const Alert>(std::move(a));
      }
      stored.push_back(slot);
    }
  }
  Notify(stored);
  return stored;
}

void AlertStore::Restore(std::vector<Alert> alerts) {
  std::lock_guard put(put_mu_);
  std::vector<AlertPtr> stored;
  stored.reserve(alerts.size());
  {
    std::lock_guard lock(mu_);
    for (Alert& a : alerts) {
      auto p = std::make_shared<const Alert>(std::move(a));
      alerts_[p->fingerprint()] = p;
      stored.push_back(std::move(p));
    }
  }
  Notify(stored);
}

std::vector<AlertPtr> AlertStore::GC(TimestampMs now) {
  std::lock_guard put(put_mu_);
  std::vector<AlertPtr> deleted;
  {
    std::lock_guard lock(mu_);
    for (auto it = alerts_.begin(); it != alerts_.end();) {
      if (it->second->ResolvedAt(now)) {
        deleted.push_back(std::move(it->second));
        alerts_.erase(it++);
      } else {
        ++it;
      }
    }
  }
  if (!deleted.empty()) {
    for (AlertStoreListener* l : listeners_) l->OnAlertsDeleted(deleted);
  }
  return deleted;
}

AlertPtr AlertStore::Get(uint64_t fingerprint) const {
  std::lock_guard lock(mu_);
  auto it = alerts_.find(fingerprint);
  return it == alerts_.end() ? nullptr : it->second;
}

std::vector<AlertPtr> AlertStore::List() const {
  std::lock_guard lock(mu_);
  std::vector<AlertPtr> out;
  out.reserve(alerts_.size());
  for (const auto& [fp, a] : alerts_) out.push_back(a);
  return out;
}

size_t AlertStore::size() const {
  std::lock_guard lock(mu_);
  return alerts_.size();
}

void AlertStore::Notify(std::span<const AlertPtr> stored) {
  if (stored.empty()) return;
  for (AlertStoreListener* l : listeners_) l->OnAlertsStored(stored);
}

}  // namespace tocsin::alerting
