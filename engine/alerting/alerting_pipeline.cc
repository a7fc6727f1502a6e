#include "engine/alerting/alerting_pipeline.h"

#include <re2/re2.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <mutex>

#include "engine/alerting/alert_records.h"
#include "engine/alerting/asio_scheduler.h"
#include "engine/alerting/delivery_service.h"
#include "engine/alerting/dispatcher.h"
#include "engine/alerting/group_marker.h"
#include "engine/alerting/inhibitor.h"
#include "engine/alerting/integrations.h"
#include "engine/alerting/notification_log.h"
#include "engine/alerting/receiver_stage.h"
#include "engine/alerting/state_writer.h"
#include "engine/alerting/status_tracker.h"
#include "notifiers/http_client.h"
#include "storage/sqlite/sqlite_store.h"

namespace tocsin::alerting {

std::string_view AlertStateString(AlertState s) {
  switch (s) {
    case AlertState::kUnprocessed:
      return "unprocessed";
    case AlertState::kActive:
      return "active";
    case AlertState::kSuppressed:
      return "suppressed";
  }
  return "unprocessed";
}

// Everything that a configuration determines, swapped as a whole on reload.
struct AlertingPipeline::Generation {
  std::shared_ptr<const Config> config;
  std::shared_ptr<const RouteTree> tree;
  std::shared_ptr<Inhibitor> inhibitor;
  ReceiverIntegrations integrations;
  std::map<std::string, StagePtr> stages;  // by receiver
  std::shared_ptr<Dispatcher> dispatcher;

  std::shared_ptr<Integration> Find(const NotifyTarget& t) const {
    auto it = integrations.find(t.receiver);
    if (it == integrations.end()) return nullptr;
    for (const ReceiverIntegration& ri : it->second) {
      if (ri.name == t.integration && ri.index == t.index) return ri.integration;
    }
    return nullptr;
  }
};

struct AlertingPipeline::Impl final : public AlertStoreListener {
  Impl(PipelineDeps d, PipelineOptions o)
      : deps(std::move(d)),
        options(std::move(o)),
        silences(SilencesOptions{options.retention, options.max_silences, deps.store}) {}

  PipelineDeps deps;
  PipelineOptions options;
  Executor* flush_executor = nullptr;
  Executor* delivery_executor = nullptr;
  std::unique_ptr<notifiers::HttpClient> own_http;  // outlives the integrations using it

  AlertStore store;
  Silences silences;
  NotificationLog nflog;
  GroupMarker marker;
  std::unique_ptr<StateWriter> writer;
  std::unique_ptr<StatusTracker> tracker;
  std::unique_ptr<DeliveryService> delivery;

  mutable std::shared_mutex gen_mu;
  std::shared_ptr<Generation> gen;

  std::mutex lifecycle_mu;
  bool started = false;
  bool stopped = false;
  std::atomic<bool> restoring = false;  // alerts being stored are restored ones
  TimestampMs start_time = 0;
  TimestampMs last_gc = 0;
  TimestampMs last_prune = 0;
  std::mutex maintenance_mu;
  Scheduler::TimerId maintenance_timer = 0;
  bool maintenance_armed = false;

  // Declared last so they are destroyed first: their threads use everything above.
  std::unique_ptr<ThreadPoolExecutor> own_flush_executor;
  std::unique_ptr<ThreadPoolExecutor> own_delivery_executor;

  TimestampMs Now() const { return deps.scheduler->Now(); }

  std::shared_ptr<Generation> Current() const {
    std::shared_lock lock(gen_mu);
    return gen;
  }

  MuteView ViewOf(const Generation& g) const {
    return MuteView{&silences, g.inhibitor.get(), g.tree.get()};
  }

  // ---- AlertStoreListener ----
  void OnAlertsStored(std::span<const AlertPtr> alerts) override {
    std::shared_lock lock(gen_mu);
    const TimestampMs now = Now();
    gen->inhibitor->OnAlertsStored(alerts);
    if (restoring) {
      tracker->Restored(alerts, now, ViewOf(*gen));
    } else {
      tracker->Stored(alerts, now, ViewOf(*gen));
    }
    gen->dispatcher->Ingest(alerts);
  }
  void OnAlertsDeleted(std::span<const AlertPtr> alerts) override {
    std::shared_lock lock(gen_mu);
    gen->inhibitor->OnAlertsDeleted(alerts);
    tracker->Deleted(alerts);
  }

  Result<std::shared_ptr<Generation>> Build(std::shared_ptr<const Config> config);
  void Flush(const std::weak_ptr<Generation>& weak, const AggregationGroup& group, TimestampMs now,
             StageAlerts alerts, std::function<void(bool)> done);
  void ScheduleMaintenance(TimestampMs at);
  void Maintenance();
  AlertStatus Predict(const Alert& a, TimestampMs now, const Generation& g) const;
};

Result<std::shared_ptr<AlertingPipeline::Generation>> AlertingPipeline::Impl::Build(
    std::shared_ptr<const Config> config) {
  auto g = std::make_shared<Generation>();
  g->config = config;
  g->tree = std::make_shared<RouteTree>(config->route);
  g->inhibitor = std::make_shared<Inhibitor>(config->inhibit_rules);
  auto integrations = deps.integrations(*config);
  if (!integrations.ok()) return Error{integrations.message()};
  g->integrations = std::move(*integrations);

  ReceiverStageDeps sdeps;
  std::shared_ptr<Inhibitor> inhibitor = g->inhibitor;
  sdeps.inhibited = [inhibitor](const Labels& l, TimestampMs now) {
    return inhibitor->Mutes(l, now).has_value();
  };
  sdeps.silenced = [this](const Labels& l, TimestampMs now) {
    return !silences.Mutes(l, now).empty();
  };
  sdeps.config = config;
  sdeps.marker = &marker;
  sdeps.nflog = &nflog;
  sdeps.delivery = delivery.get();
  g->tree->Walk([&](const Route& r) {
    const std::string& receiver = r.options().receiver;
    if (g->stages.contains(receiver)) return;
    auto it = g->integrations.find(receiver);
    static const std::vector<ReceiverIntegration> kNone;
    g->stages[receiver] =
        BuildReceiverStage(it == g->integrations.end() ? kNone : it->second, sdeps);
  });

  Dispatcher::Deps ddeps;
  ddeps.scheduler = deps.scheduler;
  ddeps.flush_executor = flush_executor;
  std::weak_ptr<Generation> weak = g;
  ddeps.flush = [this, weak](const AggregationGroup& group, TimestampMs now, StageAlerts alerts,
                             std::function<void(bool)> done) {
    Flush(weak, group, now, std::move(alerts), std::move(done));
  };
  ddeps.on_group_destroyed = [this](const AggregationGroup& group) {
    marker.Delete(group.route().id(), group.group_key());
  };
  g->dispatcher = std::make_shared<Dispatcher>(g->tree, start_time + options.dispatch_start_delay,
                                               std::move(ddeps));
  return g;
}

void AlertingPipeline::Impl::Flush(const std::weak_ptr<Generation>& weak,
                                   const AggregationGroup& group, TimestampMs now,
                                   StageAlerts alerts, std::function<void(bool)> done) {
  std::shared_ptr<Generation> g = weak.lock();
  if (!g) {
    done(false);
    return;
  }
  const RouteOptions& o = group.route().options();
  auto stage = g->stages.find(o.receiver);
  if (stage == g->stages.end()) {
    spdlog::error("no notification stages for receiver \"{}\"", o.receiver);
    done(false);
    return;
  }
  NotifyContext ctx;
  ctx.now = now;
  ctx.group_key = group.group_key();
  ctx.group_labels = group.labels();
  ctx.route_id = group.route().id();
  ctx.receiver = o.receiver;
  ctx.route_labels = o.labels;
  ctx.group_interval = o.group_interval;
  ctx.repeat_interval = o.repeat_interval;
  ctx.mute_time_intervals = o.mute_time_intervals;
  ctx.active_time_intervals = o.active_time_intervals;
  ctx.notify_resolved_on_mute = o.notify_resolved_on_mute;
  auto tracker_ = std::make_shared<FlushTracker>(std::move(done));
  ctx.tracker = tracker_;
  Status s = stage->second->Exec(ctx, alerts);
  if (!s.ok()) spdlog::error("notify for group {} failed: {}", ctx.group_key, s.message());
  tracker_->Seal(s.ok());
}

void AlertingPipeline::Impl::ScheduleMaintenance(TimestampMs at) {
  std::lock_guard lock(maintenance_mu);
  if (stopped) return;
  maintenance_timer = deps.scheduler->ScheduleAt(at, [this] { Maintenance(); });
  maintenance_armed = true;
}

void AlertingPipeline::Impl::Maintenance() {
  {
    std::lock_guard lock(maintenance_mu);
    maintenance_armed = false;
    if (stopped) return;
  }
  const TimestampMs now = Now();
  std::shared_ptr<Generation> g = Current();
  if (now - last_gc >= options.alert_gc_interval) {
    last_gc = now;
    store.GC(now);
    g->inhibitor->GC(now);
    if (auto r = silences.GC(now); !r.ok()) spdlog::error("{}", r.message());
    nflog.GC(now);
  }
  const MuteView view = ViewOf(*g);
  if (tracker->SweepDue(now, view)) tracker->Sweep(now, view);
  if (now - last_prune >= options.prune_interval) {
    last_prune = now;
    sqlite::SqliteStore* s = deps.store;
    flush_executor->Run([s, now] {
      if (auto r = s->Prune(now); !r.ok()) spdlog::error("pruning tocsin.db: {}", r.message());
    });
  }
  ScheduleMaintenance(now + options.maintenance_interval);
}

AlertStatus AlertingPipeline::Impl::Predict(const Alert& a, TimestampMs now,
                                            const Generation& g) const {
  AlertStatus st;
  st.silenced_by = silences.Mutes(a.labels, now);
  if (auto inh = g.inhibitor->Mutes(a.labels, now)) {
    st.inhibited_by.push_back(FingerprintHex(inh->source));
  }
  st.state = st.silenced_by.empty() && st.inhibited_by.empty() ? AlertState::kActive
                                                               : AlertState::kSuppressed;
  return st;
}

// ---- AlertingPipeline ----

AlertingPipeline::AlertingPipeline(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AlertingPipeline::~AlertingPipeline() {
  Stop(std::chrono::milliseconds(0));
  impl_->store.RemoveListener(impl_.get());
}

Result<std::unique_ptr<AlertingPipeline>> AlertingPipeline::Create(
    std::shared_ptr<const Config> config, PipelineDeps deps, PipelineOptions options) {
  if (config == nullptr) return Error{"alerting pipeline: no configuration"};
  if (deps.store == nullptr) return Error{"alerting pipeline: no SQLite store"};
  if (deps.scheduler == nullptr) return Error{"alerting pipeline: no scheduler"};
  auto impl = std::make_unique<Impl>(std::move(deps), std::move(options));
  Impl& p = *impl;
  if (!p.deps.integrations) {
    notifiers::HttpClient* http = p.deps.http;
    if (http == nullptr) {
      p.own_http = std::make_unique<notifiers::HttpClient>();
      http = p.own_http.get();
    }
    IntegrationOptions io{http, p.options.external_url};
    p.deps.integrations = [io](const Config& c) { return BuildIntegrations(c, io); };
  }
  if (p.deps.flush_executor != nullptr) {
    p.flush_executor = p.deps.flush_executor;
  } else {
    p.own_flush_executor = std::make_unique<ThreadPoolExecutor>(p.options.flush_threads);
    p.flush_executor = p.own_flush_executor.get();
  }
  if (p.deps.delivery_executor != nullptr) {
    p.delivery_executor = p.deps.delivery_executor;
  } else {
    p.own_delivery_executor = std::make_unique<ThreadPoolExecutor>(p.options.delivery_threads);
    p.delivery_executor = p.own_delivery_executor.get();
  }
  p.writer = std::make_unique<StateWriter>(*p.deps.store);
  p.tracker = std::make_unique<StatusTracker>(
      p.writer.get(), StatusTracker::Options{p.options.record_history, p.options.persist_alerts});
  DeliveryOptions dopts;
  dopts.nflog_retention = p.options.retention;
  dopts.backoff = p.options.backoff;
  dopts.uniform01 = p.options.uniform01;
  Impl* raw = impl.get();
  p.delivery = std::make_unique<DeliveryService>(
      *p.deps.store, p.nflog, *p.deps.scheduler, *p.delivery_executor,
      [raw](const NotifyTarget& t) -> std::shared_ptr<Integration> {
        auto g = raw->Current();
        return g ? g->Find(t) : nullptr;
      },
      dopts);
  p.start_time = p.deps.scheduler->Now();
  auto g = p.Build(std::move(config));
  if (!g.ok()) return Error{g.message()};
  p.gen = std::move(*g);
  p.store.AddListener(&p);
  return std::unique_ptr<AlertingPipeline>(new AlertingPipeline(std::move(impl)));
}

Status AlertingPipeline::Start() {
  Impl& p = *impl_;
  std::lock_guard lock(p.lifecycle_mu);
  if (p.started) return Error{"alerting pipeline: already started"};
  p.started = true;
  const TimestampMs now = p.Now();
  auto restored = p.deps.store->Restore(now);
  if (!restored.ok()) return Error{"restoring the alert pipeline: " + restored.message()};
  if (Status s = p.silences.Restore(restored->silences); !s.ok()) {
    spdlog::warn("{}", s.message());
  }
  p.nflog.Restore(restored->nflog);
  std::vector<Alert> alerts;
  for (const sqlite::AlertRecord& r : restored->alerts) {
    if (IsPipelineRecord(r)) alerts.push_back(FromAlertRecord(r));
  }
  if (!alerts.empty()) {
    spdlog::info("restored {} alert(s), {} silence(s), {} notification log entries", alerts.size(),
                 restored->silences.size(), restored->nflog.size());
  }
  p.restoring = true;
  p.store.Restore(std::move(alerts));
  p.restoring = false;
  p.delivery->Resume(restored->outbox);
  p.Current()->dispatcher->Start();
  p.last_gc = now;
  p.last_prune = now - p.options.prune_interval;  // prune once soon after start
  p.ScheduleMaintenance(now + p.options.maintenance_interval);
  return Status::Ok();
}

void AlertingPipeline::Stop(std::chrono::milliseconds timeout) {
  Impl& p = *impl_;
  {
    std::lock_guard lock(p.lifecycle_mu);
    {
      std::lock_guard m(p.maintenance_mu);
      if (p.stopped) return;
      p.stopped = true;
      if (p.maintenance_armed) p.deps.scheduler->Cancel(p.maintenance_timer);
      p.maintenance_armed = false;
    }
  }
  if (auto g = p.Current()) g->dispatcher->Stop();
  p.delivery->Stop(timeout);
  if (p.own_flush_executor) p.own_flush_executor->Join();
  if (p.own_delivery_executor) p.own_delivery_executor->Join();
  if (!p.writer->Flush(std::max(timeout, std::chrono::milliseconds(1000)))) {
    spdlog::warn("stopping the alert pipeline: alert state not fully written");
  }
}

Status AlertingPipeline::Put(std::span<const PostableAlert> alerts) {
  return Put(std::vector<PostableAlert>(alerts.begin(), alerts.end()));
}

Status AlertingPipeline::Put(std::vector<PostableAlert>&& alerts) {
  Impl& p = *impl_;
  const TimestampMs now = p.Now();
  const DurationMs resolve_timeout = config()->global.resolve_timeout;
  std::vector<Alert> valid;
  valid.reserve(alerts.size());
  std::string errors;
  for (PostableAlert& posted : alerts) {
    auto a = MakeAlert(std::move(posted), now, resolve_timeout);
    if (a.ok()) {
      valid.push_back(std::move(*a));
    } else {
      if (!errors.empty()) errors += "\n";
      errors += a.message();
    }
  }
  if (!valid.empty()) p.store.Put(std::move(valid), now);
  if (!errors.empty()) return Error{errors};
  return Status::Ok();
}

Result<std::string> AlertingPipeline::SetSilence(Silence silence) {
  const TimestampMs now = impl_->Now();
  if (silence.starts_at >= silence.ends_at) {
    return Error{"Failed to create silence: start time must be before end time"};
  }
  if (silence.ends_at < now)
    return Error{"Failed to create silence: end time can't be in the past"};
  return impl_->silences.Set(std::move(silence), now);
}

Status AlertingPipeline::ExpireSilence(const std::string& id) {
  return impl_->silences.Expire(id, impl_->Now());
}

std::optional<Silence> AlertingPipeline::GetSilence(const std::string& id) const {
  return impl_->silences.Get(id);
}

std::vector<Silence> AlertingPipeline::ListSilences(const SilenceQuery& query) const {
  return impl_->silences.Query(query, impl_->Now());
}

namespace {

std::unique_ptr<RE2> CompileReceiverFilter(const std::optional<std::string>& receiver) {
  if (!receiver) return nullptr;
  RE2::Options o;
  o.set_log_errors(false);
  o.set_dot_nl(false);
  return std::make_unique<RE2>("^(?:" + *receiver + ")$", o);
}

bool AnyReceiverMatches(const RE2* filter, const std::vector<std::string>& receivers) {
  if (filter == nullptr) return true;
  for (const std::string& r : receivers) {
    if (RE2::FullMatch(r, *filter)) return true;
  }
  return false;
}

}  // namespace

std::vector<ApiAlert> AlertingPipeline::Alerts(const AlertQuery& query) const {
  const Impl& p = *impl_;
  const TimestampMs now = p.Now();
  std::shared_ptr<Generation> g = p.Current();
  auto filter = CompileReceiverFilter(query.receiver);
  if (filter && !filter->ok()) return {};
  std::vector<ApiAlert> out;
  for (const AlertPtr& a : p.store.List()) {
    // The API lists alerts until their end has passed.
    if (a->ends_at < now) continue;
    if (!MatchesAll(query.filter, a->labels)) continue;
    std::vector<std::string> receivers = g->tree->MatchReceivers(a->labels);
    if (!AnyReceiverMatches(filter.get(), receivers)) continue;
    AlertStatus st = p.Predict(*a, now, *g);
    if (!query.active && st.state == AlertState::kActive) continue;
    if (!query.silenced && !st.silenced_by.empty()) continue;
    if (!query.inhibited && !st.inhibited_by.empty()) continue;
    out.push_back(
        ApiAlert{a, FingerprintHex(a->fingerprint()), std::move(receivers), std::move(st)});
  }
  std::sort(out.begin(), out.end(),
            [](const ApiAlert& x, const ApiAlert& y) { return x.fingerprint < y.fingerprint; });
  return out;
}

std::vector<ApiAlertGroup> AlertingPipeline::AlertGroups(const GroupQuery& query) const {
  const Impl& p = *impl_;
  const TimestampMs now = p.Now();
  std::shared_ptr<Generation> g = p.Current();
  auto filter = CompileReceiverFilter(query.receiver);
  if (filter && !filter->ok()) return {};

  struct Candidate {
    std::shared_ptr<AggregationGroup> group;
    std::vector<std::pair<AlertPtr, AlertStatus>> alerts;
  };
  std::vector<Candidate> candidates;
  std::map<uint64_t, std::vector<std::string>> receivers_of;
  for (const auto& group : g->dispatcher->Groups()) {
    const std::string& receiver = group->route().options().receiver;
    if (filter && !RE2::FullMatch(receiver, *filter)) continue;
    Candidate c{group, {}};
    for (const AlertPtr& a : group->alerts()) {
      if (a->ends_at < now) continue;
      if (!MatchesAll(query.filter, a->labels)) continue;
      AlertStatus st = p.Predict(*a, now, *g);
      if (!query.active && st.state == AlertState::kActive) continue;
      if (!query.silenced && !st.silenced_by.empty()) continue;
      if (!query.inhibited && !st.inhibited_by.empty()) continue;
      receivers_of[a->fingerprint()].push_back(receiver);
      c.alerts.emplace_back(a, std::move(st));
    }
    if (!c.alerts.empty()) candidates.push_back(std::move(c));
  }
  for (auto& [fp, r] : receivers_of) std::sort(r.begin(), r.end());

  std::vector<ApiAlertGroup> out;
  for (Candidate& c : candidates) {
    std::vector<std::string> muted_by =
        p.marker.MutedBy(c.group->route().id(), c.group->group_key());
    if (!query.muted && !muted_by.empty()) continue;
    ApiAlertGroup ag;
    ag.labels = c.group->labels();
    ag.route_labels = c.group->route().options().labels;
    ag.receiver = c.group->route().options().receiver;
    std::sort(c.alerts.begin(), c.alerts.end(),
              [](const auto& x, const auto& y) { return AlertOrderLess(*x.first, *y.first); });
    for (auto& [a, st] : c.alerts) {
      st.muted_by = muted_by;
      if (!muted_by.empty()) st.state = AlertState::kSuppressed;
      ag.alerts.push_back(ApiAlert{a, FingerprintHex(a->fingerprint()),
                                   receivers_of[a->fingerprint()], std::move(st)});
    }
    out.push_back(std::move(ag));
  }
  std::sort(out.begin(), out.end(), [](const ApiAlertGroup& x, const ApiAlertGroup& y) {
    if (x.labels == y.labels) return x.receiver < y.receiver;
    return LabelSetBefore(x.labels, y.labels);
  });
  return out;
}

std::vector<ApiReceiver> AlertingPipeline::Receivers() const {
  std::vector<ApiReceiver> out;
  for (const ReceiverConfig& r : config()->receivers) out.push_back({r.name, r.labels});
  return out;
}

Status AlertingPipeline::Reload(std::shared_ptr<const Config> config) {
  auto prepared = PrepareReload(std::move(config));
  if (!prepared.ok()) return prepared.error();
  CommitReload(std::move(*prepared));
  return Status::Ok();
}

Result<std::shared_ptr<AlertingPipeline::Generation>> AlertingPipeline::PrepareReload(
    std::shared_ptr<const Config> config) {
  if (config == nullptr) return Error{"reload: no configuration"};
  auto built = impl_->Build(std::move(config));
  if (!built.ok()) return Error{"reload: " + built.message()};
  return std::move(*built);
}

void AlertingPipeline::CommitReload(std::shared_ptr<Generation> fresh) {
  Impl& p = *impl_;
  std::shared_ptr<Generation> old;
  bool started;
  {
    std::lock_guard life(p.lifecycle_mu);
    started = p.started && !p.stopped;
  }
  {
    std::unique_lock lock(p.gen_mu);
    // Fed under the lock, so that no Put falls between the snapshot and the swap.
    std::vector<AlertPtr> all = p.store.List();
    fresh->inhibitor->OnAlertsStored(all);
    fresh->dispatcher->Ingest(all);
    old = std::exchange(p.gen, fresh);
  }
  old->dispatcher->Stop();
  p.tracker->MarkDirty();
  if (started) fresh->dispatcher->Start();
  spdlog::info("alerting configuration reloaded");
}

std::shared_ptr<const Config> AlertingPipeline::config() const {
  return impl_->Current()->config;
}

TimestampMs AlertingPipeline::now() const {
  return impl_->Now();
}

size_t AlertingPipeline::alert_count() const {
  return impl_->store.size();
}

size_t AlertingPipeline::group_count() const {
  return impl_->Current()->dispatcher->group_count();
}

size_t AlertingPipeline::outstanding_notifications() const {
  return impl_->delivery->outstanding();
}

bool AlertingPipeline::FlushState(std::chrono::milliseconds timeout) {
  return impl_->writer->Flush(timeout);
}

}  // namespace tocsin::alerting
