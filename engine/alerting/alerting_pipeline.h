// AlertingPipeline: the Alertmanager half of tocsin as one object. The daemon (or an embedding
// service) creates it from a loaded configuration, the SQLite store, a scheduler and its
// executors, and then:
//
//   auto p = AlertingPipeline::Create(config, deps, options);   // nothing runs yet
//   p->Start();          // restores silences, notification log, alerts and the outbox, then
//                        // starts the dispatcher (after dispatch_start_delay) and maintenance
//   p->Put(alerts);      // from rules::AlertSink or POST /api/v2/alerts; never blocks on I/O
//   p->SetSilence(s); p->ExpireSilence(id); p->ListSilences(q); // /api/v2/silence(s)
//   p->Alerts(q); p->AlertGroups(q); p->Receivers();          // /api/v2/alerts, alerts/groups
//   p->Reload(new_config);   // atomic; keeps alerts, silences, notification log
//   p->Stop(timeout);        // finishes in-flight deliveries up to the timeout, writes state
//
// Inside: the alert store feeds the inhibitor, the status tracker (history) and the
// dispatcher; the dispatcher's aggregation groups flush through each receiver's stage chain
// (receiver_stage.h) into the outbox, and the DeliveryService delivers from there. Everything
// that touches the disk or the network runs on the executors or the StateWriter's thread.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <span>
#include <string>
#include <vector>

#include "engine/alerting/alert.h"
#include "engine/alerting/alert_store.h"
#include "engine/alerting/config.h"
#include "engine/alerting/integration.h"
#include "engine/alerting/retry_stage.h"
#include "engine/alerting/scheduler.h"
#include "engine/alerting/silences.h"
#include "storage/base/result.h"

namespace tocsin::sqlite {
class SqliteStore;
}
namespace tocsin::notifiers {
class HttpClient;
}

namespace tocsin::alerting {

// Builds every receiver's integrations for a configuration (see integrations.h for tocsin's).
using IntegrationBuilder = std::function<Result<ReceiverIntegrations>(const Config& config)>;

struct PipelineOptions {
  // Alertmanager's --web.external-url: the base of the links in notifications.
  std::string external_url = "http://localhost:9093";
  DurationMs dispatch_start_delay = 0;          // --dispatch.start-delay
  DurationMs retention = 120 * kHour;           // silences and notification log (--data.retention)
  DurationMs alert_gc_interval = 30 * kMinute;  // --alerts.gc-interval
  DurationMs maintenance_interval = kSecond;    // how often history sweeps are considered
  DurationMs prune_interval = kHour;            // SQLite retention pruning
  size_t max_silences = 0;                      // 0 = unlimited
  size_t flush_threads = 2;                     // when no flush executor is given
  size_t delivery_threads = 8;                  // when no delivery executor is given
  bool record_history = true;                   // alert transitions into the history table
  bool persist_alerts = true;                   // the alerts table (restored on start)
  BackoffPolicy backoff;                        // retries of failed deliveries
  std::function<double()> uniform01;            // their jitter (tests fix it)
};

struct PipelineDeps {
  sqlite::SqliteStore* store = nullptr;   // required
  Scheduler* scheduler = nullptr;         // required
  Executor* flush_executor = nullptr;     // nullptr: a pool of flush_threads
  Executor* delivery_executor = nullptr;  // nullptr: a pool of delivery_threads
  // nullptr: BuildIntegrations (integrations.h) with `http` and options.external_url.
  IntegrationBuilder integrations;
  notifiers::HttpClient* http = nullptr;  // nullptr: one of the pipeline's own
};

// ---- What the API shows (Alertmanager's api/v2 models) ----

enum class AlertState { kUnprocessed, kActive, kSuppressed };
std::string_view AlertStateString(AlertState s);  // "unprocessed", "active", "suppressed"

struct AlertStatus {
  AlertState state = AlertState::kUnprocessed;
  std::vector<std::string> silenced_by;   // silence ids
  std::vector<std::string> inhibited_by;  // fingerprints of the inhibiting alerts
  std::vector<std::string> muted_by;      // time intervals (alert groups only)
};

struct ApiAlert {
  AlertPtr alert;
  std::string fingerprint;             // 16 hex digits
  std::vector<std::string> receivers;  // the receivers its routes name
  AlertStatus status;
};

struct AlertQuery {
  bool active = true;
  bool silenced = true;
  bool inhibited = true;
  bool unprocessed = true;
  Matchers filter;                      // all must match
  std::optional<std::string> receiver;  // a regex, anchored; any receiver must match
};

struct ApiAlertGroup {
  Labels labels;
  std::map<std::string, std::string> route_labels;
  std::string receiver;
  std::vector<ApiAlert> alerts;
};

struct GroupQuery {
  bool active = true;
  bool silenced = true;
  bool inhibited = true;
  bool muted = true;
  Matchers filter;
  std::optional<std::string> receiver;
};

struct ApiReceiver {
  std::string name;
  std::map<std::string, std::string> labels;
};

class AlertingPipeline final {
 public:
  static Result<std::unique_ptr<AlertingPipeline>> Create(std::shared_ptr<const Config> config,
                                                          PipelineDeps deps,
                                                          PipelineOptions options = {});
  ~AlertingPipeline();  // Stop(0s) if still running
  AlertingPipeline(const AlertingPipeline&) = delete;
  AlertingPipeline& operator=(const AlertingPipeline&) = delete;

  Status Start();
  // Finishes in-flight deliveries for at most `timeout` (what is left stays in the outbox for
  // the next start) and writes what is queued for the state file.
  void Stop(std::chrono::milliseconds timeout);

  // Stores alerts as Alertmanager's POST /api/v2/alerts does: every valid alert is stored; the
  // error (if any) lists the invalid ones, one per line.
  Status Put(std::span<const PostableAlert> alerts);
  // Same, taking the alerts' strings instead of copying them (the HTTP API's decoded body).
  Status Put(std::vector<PostableAlert>&& alerts);

  // POST /api/v2/silences: creates (no id) or updates a silence; returns its id. Checks what
  // Alertmanager's API checks before the silence rules ("start time must be before end time",
  // "end time can't be in the past"). Unknown id: IsSilenceNotFound(error).
  Result<std::string> SetSilence(Silence silence);
  Status ExpireSilence(const std::string& id);
  std::optional<Silence> GetSilence(const std::string& id) const;
  std::vector<Silence> ListSilences(const SilenceQuery& query) const;

  std::vector<ApiAlert> Alerts(const AlertQuery& query) const;
  std::vector<ApiAlertGroup> AlertGroups(const GroupQuery& query) const;
  std::vector<ApiReceiver> Receivers() const;

  // Applies a configuration that LoadConfig accepted. Alerts, silences and the notification
  // log stay; aggregation groups are rebuilt (with their group_wait) as in Alertmanager, and
  // the log keeps them from repeating notifications.
  Status Reload(std::shared_ptr<const Config> config);
  // Reload in two steps, for a caller that must check other configuration as well before
  // anything changes (the daemon's all-or-nothing reload): PrepareReload builds the receivers,
  // their templates and the route tree and changes nothing; CommitReload swaps them in and
  // cannot fail.
  struct Generation;
  Result<std::shared_ptr<Generation>> PrepareReload(std::shared_ptr<const Config> config);
  void CommitReload(std::shared_ptr<Generation> prepared);
  std::shared_ptr<const Config> config() const;
  // The pipeline's clock (its scheduler's): what the API compares silence times against.
  TimestampMs now() const;

  // For tests and the self-metrics.
  size_t alert_count() const;
  size_t group_count() const;
  size_t outstanding_notifications() const;
  // Waits until the state writer has committed everything queued so far.
  bool FlushState(std::chrono::milliseconds timeout);

 private:
  struct Impl;
  explicit AlertingPipeline(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin::alerting
