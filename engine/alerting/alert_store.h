// The alert store: every alert the pipeline knows, keyed by fingerprint (Alertmanager's
// provider/mem). A new copy of an alert is merged into the stored one when their activity
// ranges overlap (MergeAlerts), and replaces it otherwise. Resolved alerts stay until GC, which
// removes those whose endsAt has passed.
//
// Subscribers (the inhibitor, the dispatcher, the status tracker) hear about every stored
// alert, in order, from the thread that called Put; Put serialises callers, so every subscriber
// sees one total order of updates. Subscribers must be quick: Put is on the path from rule
// evaluation.
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <vector>

#include "engine/alerting/alert.h"
#include "engine/alerting/fingerprint_map.h"

namespace tocsin::alerting {

class AlertStoreListener {
 public:
  virtual ~AlertStoreListener() = default;
  // `alerts` are the stored (merged) copies, in the order they were put.
  virtual void OnAlertsStored(std::span<const AlertPtr> alerts) = 0;
  // Alerts removed by GC.
  virtual void OnAlertsDeleted(std::span<const AlertPtr> alerts) = 0;
};

class AlertStore {
 public:
  AlertStore() = default;
  AlertStore(const AlertStore&) = delete;
  AlertStore& operator=(const AlertStore&) = delete;

  // Listeners are called in the order they were added; add them before the first Put.
  void AddListener(AlertStoreListener* listener);
  void RemoveListener(AlertStoreListener* listener);

  // Merges each alert (already normalised by MakeAlert) with its stored copy as Alertmanager
  // does and stores the result; returns the stored copies. `now` decides what "resolved" means
  // while merging.
  std::vector<AlertPtr> Put(std::vector<Alert> alerts, TimestampMs now);
  // Stores copies as they are, without merging (restore after a restart).
  void Restore(std::vector<Alert> alerts);

  // Removes alerts resolved at `now` and returns them.
  std::vector<AlertPtr> GC(TimestampMs now);

  AlertPtr Get(uint64_t fingerprint) const;
  std::vector<AlertPtr> List() const;
  size_t size() const;

 private:
  void Notify(std::span<const AlertPtr> stored);

  // put_mu_ orders whole Put/GC calls (and so what listeners see); mu_ guards the map for
  // readers, who must never wait for listeners.
  std::mutex put_mu_;
  mutable std::mutex mu_;
  FingerprintMap<AlertPtr> alerts_;
  std::vector<AlertStoreListener*> listeners_;
};

}  // namespace tocsin::alerting
