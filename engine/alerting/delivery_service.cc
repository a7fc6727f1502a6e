#include "engine/alerting/delivery_service.h"

#include <spdlog/spdlog.h>

#include "storage/sqlite/sqlite_store.h"
#include "storage/sqlite/write_batch.h"

namespace tocsin::alerting {
namespace {

// Alertmanager's notify.MinTimeout: no flush gets less time than this.
constexpr DurationMs kMinDeliveryWindow = 10 * kSecond;

}  // namespace

DeliveryService::DeliveryService(sqlite::SqliteStore& store, NotificationLog& nflog,
                                 Scheduler& scheduler, Executor& executor, Resolver resolver,
                                 DeliveryOptions options)
    : store_(store),
      nflog_(nflog),
      scheduler_(scheduler),
      executor_(executor),
      resolver_(std::move(resolver)),
      options_(std::move(options)),
      retry_([&scheduler] { return scheduler.Now(); }, options_.backoff, options_.uniform01),
      set_notifies_(store, nflog, options_.nflog_retention) {}

DeliveryService::~DeliveryService() {
  Stop(std::chrono::milliseconds(0));
}

DeliveryService::Tracked* DeliveryService::Track(int64_t id, TimestampMs deadline) {
  auto [it, inserted] = tracked_.try_emplace(id);
  if (inserted) {
    it->second.backoff = retry_.NewBackoff();
    it->second.deadline = deadline;
  }
  return &it->second;
}

Status DeliveryService::Submit(const NotifyTarget& target, const PendingNotification& n,
                               std::vector<uint64_t> firing, std::vector<uint64_t> resolved,
                               std::function<void(bool ok)> done) {
  sqlite::OutboxEntry e;
  e.target = target;
  e.payload = EncodePending(n);
  e.firing = std::move(firing);
  e.resolved = std::move(resolved);
  e.created_at = n.created_at;
  e.next_attempt_at = n.created_at;
  {
    std::lock_guard claim(claim_mu_);
    {
      std::lock_guard lock(mu_);
      if (stopping_) return Error{"the notification pipeline is stopping"};
    }
    sqlite::WriteBatch batch;
    batch.EnqueueNotification(std::move(e));
    auto committed = store_.Commit(batch);
    if (!committed.ok()) return Error{"writing the outbox: " + committed.message()};
    const int64_t id = committed->outbox_ids.at(0);
    std::lock_guard lock(mu_);
    Track(id, n.deadline)->done = std::move(done);
    nflog_.SetPending(target, true);
  }
  Wake();
  return Status::Ok();
}

void DeliveryService::Resume(const std::vector<sqlite::OutboxEntry>& restored) {
  if (restored.empty()) return;
  const TimestampMs now = scheduler_.Now();
  {
    std::lock_guard lock(mu_);
    for (const sqlite::OutboxEntry& e : restored) {
      // A fresh window from now: the old deadline passed while nobody could deliver.
      DurationMs window = kMinDeliveryWindow;
      if (auto n = DecodePending(e.payload); n.ok()) {
        window = std::max(window, n->group_interval);
      }
      Track(e.id, now + window);
      nflog_.SetPending(e.target, true);
    }
  }
  spdlog::info("delivering {} notification(s) left in the outbox by the previous run",
               restored.size());
  Wake();
}

void DeliveryService::Wake() {
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    if (claiming_) {
      again_ = true;
      return;
    }
    claiming_ = true;
  }
  while (true) {
    std::vector<sqlite::OutboxEntry> claimed;
    {
      std::lock_guard claim(claim_mu_);
      auto r = store_.ClaimDue(scheduler_.Now(), options_.claim_batch);
      if (r.ok()) {
        claimed = std::move(*r);
      } else {
        spdlog::error("claiming notifications from the outbox: {}", r.message());
      }
    }
    const bool more = claimed.size() == options_.claim_batch;
    for (sqlite::OutboxEntry& e : claimed) {
      {
        std::lock_guard lock(mu_);
        ++running_;
      }
      executor_.Run([this, e = std::move(e)] {
        Deliver(e);
        std::lock_guard lock(mu_);
        if (--running_ == 0) idle_.notify_all();
      });
    }
    std::lock_guard lock(mu_);
    if ((again_ || more) && !stopping_) {
      again_ = false;
      continue;
    }
    claiming_ = false;
    return;
  }
}

void DeliveryService::Deliver(const sqlite::OutboxEntry& entry) {
  auto decoded = DecodePending(entry.payload);
  Tracked* tracked;
  {
    std::lock_guard lock(mu_);
    tracked = Track(entry.id, scheduler_.Now() + kMinDeliveryWindow);
  }
  if (!decoded.ok()) {
    sqlite::NotificationAttempt rec;
    rec.at = scheduler_.Now();
    rec.target = entry.target;
    rec.status = sqlite::DeliveryStatus::kFailed;
    rec.error = decoded.message();
    rec.attempt = entry.attempts;
    rec.outbox_id = entry.id;
    if (Status s = store_.Abandon(entry.id, rec); !s.ok()) spdlog::error("outbox: {}", s.message());
    spdlog::error("{}/{}[{}]: {}", entry.target.receiver, entry.target.integration,
                  entry.target.index, decoded.message());
    Finish(entry.id, entry.target, false);
    return;
  }
  PendingNotification& n = *decoded;
  n.deadline = tracked->deadline;
  std::shared_ptr<Integration> integration = resolver_(entry.target);
  AttemptOutcome out =
      retry_.Attempt(integration.get(), entry.target, n, entry.attempts, tracked->backoff);
  out.record.outbox_id = entry.id;
  switch (out.kind) {
    case AttemptOutcome::kDelivered: {
      Status s = set_notifies_.Record(entry, n.repeat_interval, out.record, scheduler_.Now());
      if (!s.ok()) {
        spdlog::error("{}/{}[{}]: delivered, but logging it failed: {}", entry.target.receiver,
                      entry.target.integration, entry.target.index, s.message());
      } else {
        spdlog::debug("{}/{}[{}]: notified {} ({} firing, {} resolved) after {} attempt(s)",
                      entry.target.receiver, entry.target.integration, entry.target.index,
                      entry.target.group_key, out.record.alerts_firing, out.record.alerts_resolved,
                      entry.attempts);
      }
      Finish(entry.id, entry.target, s.ok());
      return;
    }
    case AttemptOutcome::kRetry: {
      if (Status s = store_.ScheduleRetry(entry.id, out.retry_at, out.record); !s.ok()) {
        spdlog::error("outbox: {}", s.message());
        Finish(entry.id, entry.target, false);
        return;
      }
      spdlog::warn("{}/{}[{}]: notify attempt {} failed, will retry: {}", entry.target.receiver,
                   entry.target.integration, entry.target.index, entry.attempts, out.record.error);
      std::lock_guard lock(mu_);
      if (stopping_) return;
      // The id is known only after ScheduleAt returns; the task looks itself up by a shared
      // cell so that it can forget its timer.
      auto cell = std::make_shared<Scheduler::TimerId>(0);
      *cell = scheduler_.ScheduleAt(out.retry_at, [this, cell] {
        {
          std::lock_guard inner(mu_);
          timers_.erase(*cell);
        }
        Wake();
      });
      timers_.insert(*cell);
      return;
    }
    case AttemptOutcome::kGiveUp:
      if (Status s = store_.Abandon(entry.id, out.record); !s.ok()) {
        spdlog::error("outbox: {}", s.message());
      }
      spdlog::warn("{}", out.final_error);
      Finish(entry.id, entry.target, false);
      return;
  }
}

void DeliveryService::Finish(int64_t id, const NotifyTarget& target, bool ok) {
  std::function<void(bool)> done;
  {
    std::lock_guard lock(mu_);
    auto it = tracked_.find(id);
    if (it != tracked_.end()) {
      done = std::move(it->second.done);
      tracked_.erase(it);
    }
    nflog_.SetPending(target, false);
  }
  if (done) done(ok);
}

void DeliveryService::Stop(std::chrono::milliseconds timeout) {
  std::map<int64_t, Tracked> abandoned;
  {
    std::unique_lock lock(mu_);
    stopping_ = true;
    for (Scheduler::TimerId t : timers_) scheduler_.Cancel(t);
    timers_.clear();
    idle_.wait_for(lock, timeout, [&] { return running_ == 0; });
    abandoned.swap(tracked_);
  }
  for (auto& [id, t] : abandoned) {
    if (t.done) t.done(false);
  }
}

size_t DeliveryService::outstanding() const {
  std::lock_guard lock(mu_);
  return tracked_.size();
}

}  // namespace tocsin::alerting
