// Forwards the rules' alerts to upstream Alertmanagers, as Prometheus's notifier does: POST
// /api/v2/alerts with a JSON array of alerts, in batches of at most 256, from one send loop per
// Alertmanager, so a slow or dead one delays no other.
//
// Each Alertmanager has a queue of at most `queue_capacity` alerts (Prometheus's
// --alertmanager.notification-queue-capacity, 10000); when it is full the oldest alerts are
// dropped and counted. A failed batch is not retried: the rules send firing alerts again after
// the resend delay, and every alert carries an endsAt that lets the Alertmanager resolve it if
// sends stop (Prometheus's design). Stop() drains the queues up to a deadline.
//
// Metrics (Prometheus's names, label `alertmanager` = the target URL):
//   prometheus_notifications_sent_total, prometheus_notifications_errors_total,
//   prometheus_notifications_dropped_total, prometheus_notifications_queue_length,
//   prometheus_notifications_queue_capacity, prometheus_notifications_alertmanagers_discovered.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "engine/daemon/config.h"
#include "rules/alert_sink.h"

namespace tocsin::metrics {
class SelfMetrics;
}

namespace tocsin::daemon {

struct SenderOptions {
  size_t queue_capacity = 10000;
  size_t max_batch = 256;
};

// The JSON body Prometheus posts: [{"labels":{..},"annotations":{..},"startsAt":..,"endsAt":..,
// "generatorURL":..}, ...].
std::string EncodeAlertsForAlertmanager(std::span<const rules::OutgoingAlert> alerts);

class AlertmanagerSender {
 public:
  // One send loop per target of every entry of `alertmanagers`. `metrics` may be null.
  AlertmanagerSender(const std::vector<UpstreamAlertmanager>& alertmanagers,
                     metrics::SelfMetrics* metrics, SenderOptions options = {});
  ~AlertmanagerSender();  // Stop(0)
  AlertmanagerSender(const AlertmanagerSender&) = delete;
  AlertmanagerSender& operator=(const AlertmanagerSender&) = delete;

  // Queues `alerts` for every Alertmanager; never blocks on the network.
  void Enqueue(std::span<const rules::OutgoingAlert> alerts);
  // Sends what is queued for up to `deadline`, then stops the loops.
  void Stop(std::chrono::milliseconds deadline);

  struct TargetStats {
    std::string url;
    uint64_t sent = 0;     // alerts in batches that were accepted
    uint64_t errors = 0;   // alerts in batches that failed
    uint64_t dropped = 0;  // alerts dropped from a full queue
    size_t queued = 0;
  };
  std::vector<TargetStats> Stats() const;

 private:
  struct Target;
  std::vector<std::unique_ptr<Target>> targets_;
};

}  // namespace tocsin::daemon
