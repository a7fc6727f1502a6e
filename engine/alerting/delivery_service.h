// The delivery side of the pipeline: the outbox worker.
//
// A flush's OutboxStage calls Submit: the notification is committed to the SQLite outbox
// before anything is sent. The service claims due outbox entries (SqliteStore::ClaimDue) and
// runs one attempt each on the executor (RetryStage); a failed attempt that may be retried goes
// back to the outbox with its next attempt time (ScheduleRetry) and a timer wakes the service
// then; a delivered one is logged (SetNotifiesStage: outbox -> nflog in one transaction); a
// given-up one leaves the outbox without touching the log (Abandon). Every attempt is recorded.
//
// On start, Resume() takes over what a previous process left in the outbox: each entry is
// delivered once more unless it is logged as delivered — which it cannot be, since the store
// keeps a notification in exactly one of outbox and log. Until such an entry is settled its
// target is marked pending in the notification log, so that no flush decides on the same
// notification again (DedupStage).
//
// Thread-safe. Completion callbacks run on the delivering thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>

#include "engine/alerting/integration.h"
#include "engine/alerting/notification_log.h"
#include "engine/alerting/retry_stage.h"
#include "engine/alerting/scheduler.h"
#include "engine/alerting/set_notifies_stage.h"

namespace tocsin::sqlite {
class SqliteStore;
}

namespace tocsin::alerting {

struct DeliveryOptions {
  DurationMs nflog_retention = 120 * kHour;  // Alertmanager's --data.retention
  BackoffPolicy backoff;
  std::function<double()> uniform01;  // jitter; nullptr: random
  size_t claim_batch = 64;
};

class DeliveryService {
 public:
  // The integration for a target in the current configuration, or nullptr.
  using Resolver = std::function<std::shared_ptr<Integration>(const NotifyTarget&)>;

  DeliveryService(sqlite::SqliteStore& store, NotificationLog& nflog, Scheduler& scheduler,
                  Executor& executor, Resolver resolver, DeliveryOptions options = {});
  ~DeliveryService();
  DeliveryService(const DeliveryService&) = delete;
  DeliveryService& operator=(const DeliveryService&) = delete;

  // Queues `n` for `target` (durably) and starts delivering it. `done(ok)` is called once the
  // notification is delivered (ok), or given up, or the service stops (not ok).
  Status Submit(const NotifyTarget& target, const PendingNotification& n,
                std::vector<uint64_t> firing, std::vector<uint64_t> resolved,
                std::function<void(bool ok)> done);

  // Delivers what a previous process left in the outbox (from SqliteStore::Restore).
  void Resume(const std::vector<sqlite::OutboxEntry>& restored);

  // Stops claiming and retrying; waits up to `timeout` for attempts in progress. What is left
  // stays in the outbox for the next start.
  void Stop(std::chrono::milliseconds timeout);

  // Notifications submitted or resumed and not yet finished.
  size_t outstanding() const;

 private:
  struct Tracked {
    std::function<void(bool)> done;
    Backoff backoff;
    TimestampMs deadline = 0;
  };

  void Wake();
  void Deliver(const sqlite::OutboxEntry& entry);
  void Finish(int64_t id, const NotifyTarget& target, bool ok);
  Tracked* Track(int64_t id, TimestampMs deadline);

  sqlite::SqliteStore& store_;
  NotificationLog& nflog_;
  Scheduler& scheduler_;
  Executor& executor_;
  Resolver resolver_;
  DeliveryOptions options_;
  RetryStage retry_;
  SetNotifiesStage set_notifies_;

  // Held across an enqueue and the registration of its callback, and across ClaimDue, so an
  // entry is never claimed before the service knows whom to tell.
  std::mutex claim_mu_;
  mutable std::mutex mu_;
  std::condition_variable idle_;
  std::map<int64_t, Tracked> tracked_;
  std::set<Scheduler::TimerId> timers_;
  int running_ = 0;
  bool claiming_ = false;
  bool again_ = false;
  bool stopping_ = false;
};

}  // namespace tocsin::alerting
