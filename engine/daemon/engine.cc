// tocsin::Engine (engine/include/tocsin/engine.h): assembles the store, the PromQL engine, the
// rule manager, the alert pipeline, the SQLite store, the scraper, the in-process collectors and
// the HTTP server, and runs them on one io_context: its own (run by `threads` threads of its own)
// or the host's (Start(io, ...)).
//
// Start order matters for restarts: the database is opened and the rules loaded, then the rule
// state of the previous run is put back (before the first evaluation, so `for` and
// keep_firing_for carry on), then the pipeline restores its own state and only then do
// evaluation, scraping and the HTTP server start. Stop runs the other way round: nothing new
// comes in, the last state is written, then notifications get what is left of the deadline.
//
// On the host's io_context the engine cannot join the threads that run its handlers, so every
// handler that reaches into the engine (HTTP routes, pipeline timers, the periodic tasks) goes
// through one HandlerGate, which Stop closes last: after that nothing of the engine runs on the
// host's threads, whether the host keeps running the io_context, has stopped it, or is busy.
// Rule groups need no gate: their runners are shared objects that stop themselves.
#include "tocsin/engine.h"

#include <prometheus/collectable.h>
#include <spdlog/spdlog.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "engine/alerting/alerting_pipeline.h"
#include "engine/alerting/asio_scheduler.h"
#include "engine/alertmanager_api/alertmanager_api.h"
#include "engine/api/history_api.h"
#include "engine/api/prometheus_query_api.h"
#include "engine/api/prometheus_rules_api.h"
#include "engine/api/query_executor.h"
#include "engine/collect/registry_collector.h"
#include "engine/daemon/alertmanager_sender.h"
#include "engine/daemon/gated_scheduler.h"
#include "engine/daemon/handler_gate.h"
#include "engine/daemon/loaded_config.h"
#include "engine/daemon/pipeline_sink.h"
#include "engine/daemon/retention.h"
#include "engine/daemon/rule_metrics.h"
#include "engine/daemon/rule_state_persister.h"
#include "engine/http/server.h"
#include "engine/metrics/self_metrics.h"
#include "engine/metrics/store_collector.h"
#include "engine/scrape/scrape_manager.h"
#include "rules/manager.h"
#include "storage/sqlite/sqlite_store.h"
#include "storage/tsdb/appender.h"
#include "storage/tsdb/series_store.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;

// How often rule state is written and transitions reported: often enough that a crash loses
// about a second of state, rarely enough to cost nothing (a commit only when something changed).
constexpr DurationMs kStateSyncInterval = kSecond;
constexpr DurationMs kGarbageCollectInterval = kMinute;

TimestampMs NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::map<std::string, std::string> ToMap(const Labels& labels) {
  std::map<std::string, std::string> out;
  for (const Label& l : labels) out.emplace(l.name, l.value);
  return out;
}

std::string StateName(rules::AlertState s, bool fired) {
  switch (s) {
    case rules::AlertState::kPending:
      return "pending";
    case rules::AlertState::kFiring:
      return "firing";
    case rules::AlertState::kInactive:
      return fired ? "resolved" : "inactive";
    default:
      return "";
  }
}

std::string Hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "localhost";
  return buf;
}

}  // namespace

struct Engine::Impl {
  struct Source {
    std::shared_ptr<prometheus::Collectable> collectable;
    collect::CollectorOptions options;
    std::unique_ptr<collect::RegistryCollector> collector;  // made on the first collection
  };

  EngineOptions options;
  daemon::ConfigOverrides overrides;
  daemon::DaemonConfig base;  // embedders without a file: what options built

  std::mutex reload_mu;  // one reload (or start/stop) at a time
  daemon::LoadedConfig config;

  boost::asio::io_context own_io;
  boost::asio::io_context* io = &own_io;  // the host's, with Start(io, ...)
  bool host_io = false;
  std::optional<boost::asio::executor_work_guard<boost::asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;  // running own_io
  // Shared with the handlers left in an io_context queue, so they outlive the engine safely.
  const std::shared_ptr<daemon::HandlerGate> gate = std::make_shared<daemon::HandlerGate>();

  metrics::SelfMetrics self_metrics;
  std::unique_ptr<storage::SeriesStore> series;
  std::unique_ptr<promql::Engine> promql;
  std::unique_ptr<sqlite::SqliteStore> db;
  std::unique_ptr<alerting::AsioScheduler> timers;
  std::unique_ptr<daemon::GatedScheduler> scheduler;  // `timers` behind the gate
  std::unique_ptr<alerting::AlertingPipeline> pipeline;
  daemon::PipelineSink sink;
  std::unique_ptr<rules::RuleManager> rules;
  std::mutex persist_mu;
  std::unique_ptr<daemon::RuleStatePersister> persister;
  std::unique_ptr<scrape::ScrapeManager> scraper;
  std::shared_ptr<daemon::AlertmanagerSender> sender;  // upstream Alertmanagers, if any
  std::unique_ptr<api::QueryExecutor> executor;
  std::unique_ptr<http::Server> server;

  std::mutex sources_mu;
  std::vector<Source> sources;

  std::mutex callbacks_mu;
  std::vector<std::function<void(const AlertEvent&)>> callbacks;

  std::atomic<bool> running{false};
  TimestampMs start_time = NowMs();
  std::atomic<bool> stopping{false};

  // A handler of the engine may still be on its way out on a host thread (an alert callback
  // that called Stop): the members it touches must outlive it.
  ~Impl() { gate->Close(); }

  prometheus::Gauge* prom_reload_ok = nullptr;
  prometheus::Gauge* prom_reload_time = nullptr;
  prometheus::Gauge* am_reload_ok = nullptr;
  prometheus::Gauge* am_reload_time = nullptr;

  Result<daemon::LoadedConfig> Load() {
    if (options.config_file.empty()) return daemon::LoadReferenced(base, overrides);
    return daemon::LoadConfiguration(options.config_file, overrides);
  }

  void RecordReload(bool ok) {
    const double now = static_cast<double>(NowMs()) / 1000;
    prom_reload_ok->Set(ok ? 1 : 0);
    am_reload_ok->Set(ok ? 1 : 0);
    if (ok) {
      prom_reload_time->Set(now);
      am_reload_time->Set(now);
    }
  }

  void RegisterReloadMetrics() {
    prom_reload_ok = &self_metrics.Gauge("prometheus_config_last_reload_successful",
                                         "Whether the last configuration reload attempt was "
                                         "successful.");
    prom_reload_time =
        &self_metrics.Gauge("prometheus_config_last_reload_success_timestamp_seconds",
                            "Timestamp of the last successful configuration "
                            "reload.");
    am_reload_ok = &self_metrics.Gauge("alertmanager_config_last_reload_successful",
                                       "Whether the last configuration reload attempt was "
                                       "successful.");
    am_reload_time =
        &self_metrics.Gauge("alertmanager_config_last_reload_success_timestamp_seconds",
                            "Timestamp of the last successful configuration reload.");
  }

  rules::ManagerOptions RuleOptions() {
    const daemon::DaemonConfig& c = config.daemon;
    rules::ManagerOptions o;
    o.store = series.get();
    o.engine = promql.get();
    o.sink = &sink;
    o.files = daemon::DaemonRuleFileOptions();
    o.default_interval = c.global.evaluation_interval;
    o.resend_delay = c.global.resend_delay;
    o.default_query_offset = c.global.rule_query_offset;
    o.external_labels = c.global.external_labels;
    o.external_url = c.ExternalUrl();
    return o;
  }

  // (Re)creates the forwarding to upstream Alertmanagers for `ams`; the previous sender gets a
  // second to send what it holds.
  void SetUpstreamAlertmanagers(const std::vector<daemon::UpstreamAlertmanager>& ams) {
    std::shared_ptr<daemon::AlertmanagerSender> next;
    if (!ams.empty()) next = std::make_shared<daemon::AlertmanagerSender>(ams, &self_metrics);
    std::vector<daemon::PipelineSink::Listener> listeners;
    if (next) {
      listeners.push_back(
          [next](std::span<const rules::OutgoingAlert> alerts) { next->Enqueue(alerts); });
    }
    sink.SetListeners(std::move(listeners));
    if (sender) sender->Stop(std::chrono::seconds(1));
    sender = std::move(next);
  }

  // Rule state into SQLite, transitions to the callbacks.
  void SyncState() {
    std::vector<daemon::RuleAlertTransition> transitions;
    {
      std::lock_guard lock(persist_mu);
      if (!persister || !rules) return;
      auto synced = persister->Sync(rules->SnapshotAlerts(), NowMs());
      if (!synced.ok()) {
        spdlog::error("writing rule state to {} failed: {}", db ? db->path() : "",
                      synced.message());
        return;
      }
      transitions = std::move(*synced);
    }
    if (transitions.empty()) return;
    std::vector<std::function<void(const AlertEvent&)>> cbs;
    {
      std::lock_guard lock(callbacks_mu);
      cbs = callbacks;
    }
    for (const auto& t : transitions) {
      AlertEvent e;
      e.alertname = std::string(t.alert.labels.get("alertname"));
      e.labels = ToMap(t.alert.labels);
      e.annotations = ToMap(t.alert.annotations);
      e.from = t.from == rules::AlertState::kUnknown ? "" : StateName(t.from, false);
      e.to = StateName(t.to, t.fired);
      e.value = t.alert.value;
      e.active_at_ms = t.alert.active_at == rules::kNoTime ? 0 : t.alert.active_at;
      e.at_ms = t.at;
      spdlog::debug("alert {} {} -> {}", e.alertname, e.from.empty() ? "new" : e.from, e.to);
      for (const auto& cb : cbs) cb(e);
    }
  }

  void CollectSources() {
    std::lock_guard lock(sources_mu);
    const TimestampMs now = NowMs();
    for (Source& s : sources) {
      if (!s.collector)
        s.collector = std::make_unique<collect::RegistryCollector>(*series, s.options);
      const collect::CollectResult r = s.collector->Collect(*s.collectable, now);
      if (r.invalid_series > 0) {
        spdlog::warn("collecting in-process metrics: {} invalid series, first: {}",
                     r.invalid_series, r.first_invalid);
      }
    }
  }

  // Runs `task` every `period` on the scheduler until stopping.
  void Every(DurationMs period, std::function<void()> task) {
    auto tick = std::make_shared<std::function<void()>>();
    *tick = [this, period, task = std::move(task), weak = std::weak_ptr(tick)]() {
      if (stopping) return;
      task();
      if (auto self = weak.lock(); self && !stopping) {
        scheduler->ScheduleAt(scheduler->Now() + period, [self] { (*self)(); });
      }
    };
    scheduler->ScheduleAt(scheduler->Now() + period, [tick] { (*tick)(); });
  }

  http::Router Routes() {
    http::Router router;
    api::QueryApiOptions q;
    q.store = series.get();
    q.executor = executor.get();
    q.engine = promql->options();
    q.build.version = "0.1.0";
    q.build.go_version = "none (tocsin is C++)";
    api::RegisterPrometheusQueryApi(router, q);
    api::RegisterPrometheusRulesApi(
        router, {[this](const std::function<void(const rules::RuleGroup&)>& fn) {
          rules->ForEachGroup(fn);
        }});
    api::HistoryApiOptions history;
    history.database_path = sqlite::SqliteStore::PathInDataDir(config.daemon.storage.path);
    history.executor = executor.get();
    api::RegisterHistoryApi(router, std::move(history));
    metrics::AddMetricsRoute(router, self_metrics);
    // Prometheus's and Alertmanager's reload endpoint: 200 when applied, 500 with every error
    // otherwise (the running configuration stays).
    router.Handle("POST", "/-/reload", [this](const http::Request&) {
      ReloadOutcome r = Reload();
      if (r.ok) return http::Response::Text(200, "");
      return http::Response::Text(500, "failed to reload config: " + r.error + "\n");
    });
    // Alertmanager's API v2, so Prometheus can send alerts to tocsin and amtool can query and
    // silence.
    alertmanager_api::AlertmanagerApiOptions am;
    am.start_time = start_time;
    alertmanager_api::RegisterAlertmanagerApi(router, *pipeline, std::move(am));
    router.WrapAll([gate = gate](http::AsyncHandler handler) -> http::AsyncHandler {
      return [gate, handler = std::move(handler)](http::Request request, http::Responder done) {
        if (!gate->Run([&] { handler(std::move(request), done); })) {
          done(http::Response::Error(503, "Service Unavailable"));
        }
      };
    });
    return router;
  }

  bool Start(boost::asio::io_context* host, std::string* error) {
    std::lock_guard lock(reload_mu);
    const daemon::DaemonConfig& c = config.daemon;
    auto fail = [&](const std::string& message) {
      if (error != nullptr) *error = message;
      return false;
    };

    // The store is sized once from the rules (retention.h).
    storage::StoreOptions so;
    so.retention = c.storage.retention.value_or(daemon::DerivedRetention(
        config.longest_rule_look_back, c.global.query_lookback_delta, daemon::kMinRetention));
    so.expected_interval = std::min(c.global.scrape_interval, c.global.evaluation_interval);
    series = std::make_unique<storage::SeriesStore>(so);
    self_metrics.AddCollectable(std::make_shared<metrics::StoreCollector>(*series));
    self_metrics.AddCollectable(std::make_shared<daemon::RuleMetrics>(
        [this](const std::function<void(const rules::RuleGroup&)>& fn) {
          if (rules) rules->ForEachGroup(fn);
        }));
    promql::EngineOptions eo;
    eo.lookback_delta = c.global.query_lookback_delta;
    eo.default_subquery_step = c.global.evaluation_interval;
    promql = std::make_unique<promql::Engine>(eo);

    std::error_code ec;
    fs::create_directories(c.storage.path, ec);
    if (ec) return fail("cannot create the data directory " + c.storage.path + ": " + ec.message());
    sqlite::StoreOptions dbo;
    dbo.history_retention = c.storage.history_retention;
    dbo.notification_retention = c.storage.notification_retention;
    dbo.silence_retention = c.storage.silence_retention;
    auto opened =
        sqlite::SqliteStore::Open(sqlite::SqliteStore::PathInDataDir(c.storage.path), dbo);
    if (!opened.ok()) return fail(opened.message());
    db = std::move(*opened);

    if (host != nullptr) {
      io = host;
      host_io = true;
    } else {
      work.emplace(own_io.get_executor());
      const int n = std::max(1, options.threads);
      for (int i = 0; i < n; ++i) threads.emplace_back([this] { own_io.run(); });
    }
    timers = std::make_unique<alerting::AsioScheduler>(*io);
    scheduler = std::make_unique<daemon::GatedScheduler>(*timers, gate);

    alerting::PipelineDeps deps;
    deps.store = db.get();
    deps.scheduler = scheduler.get();
    alerting::PipelineOptions po;
    po.external_url = c.ExternalUrl().empty() ? "http://" + c.web.listen_address : c.ExternalUrl();
    po.retention = c.storage.silence_retention;
    auto created = alerting::AlertingPipeline::Create(config.alerting, deps, po);
    if (!created.ok()) return fail(created.message());
    pipeline = std::move(*created);

    rules = std::make_unique<rules::RuleManager>(RuleOptions());
    if (auto loaded = rules->Update(c.rule_file_paths); !loaded.ok()) {
      return fail(loaded.message());
    }
    auto rows = db->LoadAlerts();
    if (!rows.ok()) return fail(rows.message());
    const auto restored = daemon::RestoreFromRecords(*rows);
    rules->RestoreAlerts(restored);
    persister = std::make_unique<daemon::RuleStatePersister>(db.get(), c.global.external_labels);
    persister->Seed(restored);
    size_t restored_alerts = 0;
    for (const auto& r : restored) restored_alerts += r.alerts.size();

    if (Status s = pipeline->Start(); !s.ok()) return fail(s.message());
    sink.SetPipeline(pipeline.get());
    SetUpstreamAlertmanagers(c.alertmanagers);
    rules->Start(*io);

    scrape::ScrapeManagerOptions sco;
    sco.hostname = Hostname();
    sco.external_labels = c.global.external_labels;
    scraper = std::make_unique<scrape::ScrapeManager>(*series, &self_metrics, sco);
    if (Status s = scraper->ApplyConfig(config.scrape_configs, config.scrape_globals); !s.ok()) {
      return fail(s.message());
    }

    if (options.serve_http) {
      executor = std::make_unique<api::QueryExecutor>(*io, 2);
      http::ServerOptions hso;
      hso.listen_address = c.web.listen_address;
      hso.basic_auth_users = c.web.basic_auth_users;
      if (c.web.tls) {
        hso.tls = http::TlsOptions{c.web.tls->cert_file, c.web.tls->key_file,
                                   c.web.tls->client_ca_file, c.web.tls->min_version};
      }
      hso.ready = [this, gate = gate] {
        bool ready = false;
        gate->Run([&] { ready = running.load(); });
        return ready;
      };
      auto started = http::Server::Start(*io, hso, Routes());
      if (!started.ok()) return fail(started.message());
      server = std::move(*started);
    }

    Every(kStateSyncInterval, [this] { SyncState(); });
    Every(c.global.evaluation_interval, [this] { CollectSources(); });
    Every(kGarbageCollectInterval, [this] { series->GarbageCollect(NowMs()); });
    RecordReload(true);
    running = true;
    spdlog::info(
        "tocsin started: {} rule groups ({} rules), {} scrape jobs, {} alerts restored, "
        "data in {}{}",
        config.rule_groups, config.rules, config.scrape_configs.size(), restored_alerts,
        c.storage.path, server ? ", listening on " + server->address() : "");
    return true;
  }

  // All or nothing: everything new is read, checked and built first (the daemon's file, the
  // rule groups, the Alertmanager configuration with its receivers and templates, the scrape
  // jobs); only then is anything swapped, and the swaps that remain cannot fail. So a bad file
  // anywhere keeps the old everything running, and the metrics and the answer say so.
  ReloadOutcome Reload() {
    std::lock_guard lock(reload_mu);
    const std::string file = options.config_file.empty() ? "(options)" : options.config_file;
    spdlog::info("Loading configuration file {}", file);
    auto fail = [&](const std::string& message) {
      spdlog::error("Error reloading config: {}", message);
      RecordReload(false);
      return ReloadOutcome{false, message};
    };
    auto loaded = Load();
    if (!loaded.ok()) return fail(loaded.message());
    if (running) {
      auto alerting = pipeline->PrepareReload(loaded->alerting);
      if (!alerting.ok()) return fail(alerting.message());
      // Checks the jobs once more and installs them in one step, or changes nothing.
      if (Status s = scraper->ApplyConfig(loaded->scrape_configs, loaded->scrape_globals);
          !s.ok()) {
        return fail(s.message());
      }
      pipeline->CommitReload(std::move(*alerting));
      rules->Install(std::move(loaded->groups));
      if (!loaded->daemon.alertmanagers.empty() || !config.daemon.alertmanagers.empty()) {
        SetUpstreamAlertmanagers(loaded->daemon.alertmanagers);
      }
    }
    WarnAboutRestartOnlySettings(*loaded);
    for (const std::string& w : loaded->warnings) spdlog::warn("{}", w);
    config = std::move(*loaded);
    RecordReload(true);
    spdlog::info("Completed loading of configuration file {}: {} rule groups, {} scrape jobs", file,
                 config.rule_groups, config.scrape_configs.size());
    return {true, ""};
  }

  // `config` is still the running one here; `loaded` is what replaces it.
  void WarnAboutRestartOnlySettings(const daemon::LoadedConfig& loaded) {
    const daemon::DaemonConfig& next = loaded.daemon;
    const daemon::DaemonConfig& c = config.daemon;
    auto warn = [](const char* what) {
      spdlog::warn("{} changed; the new value takes effect after a restart", what);
    };
    if (next.web.listen_address != c.web.listen_address) warn("web.listen_address");
    if (next.storage.path != c.storage.path) warn("storage.path");
    if (next.storage.retention != c.storage.retention) warn("storage.retention");
    if (next.global.external_labels != c.global.external_labels) warn("global.external_labels");
    if (next.ExternalUrl() != c.ExternalUrl()) warn("the external URL");
    if (next.global.resend_delay != c.global.resend_delay) warn("global.resend_delay");
    if (series &&
        loaded.longest_rule_look_back + next.global.query_lookback_delta >
            series->options().retention &&
        series->options().retention > 0) {
      spdlog::warn("the rules read further back than the store keeps ({}); restart to resize it",
                   FormatDuration(series->options().retention));
    }
  }

  // Waits for nothing that only the io_context could finish (it may be a host's that has stopped
  // running or is busy): for running evaluations, deliveries and handlers only.
  void Stop(std::chrono::milliseconds deadline) {
    {
      // From here on a reload reads files but touches nothing that runs. Not held further: a
      // POST /-/reload in flight must be able to finish for the gate to close.
      std::lock_guard lock(reload_mu);
      if (stopping.exchange(true)) return;
      running = false;
    }
    const auto until = std::chrono::steady_clock::now() + deadline;
    spdlog::info("stopping: no more scrapes or evaluations");
    if (server) server->Stop(0);
    if (scraper) scraper->Stop();
    if (rules) rules->Stop();
    sink.SetPipeline(nullptr);
    if (sender) {
      sender->Stop(std::chrono::duration_cast<std::chrono::milliseconds>(
          std::min(until - std::chrono::steady_clock::now(),
                   std::chrono::steady_clock::duration(std::chrono::seconds(2)))));
    }
    // The last state, written once nothing evaluates any more.
    SyncState();
    if (pipeline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          until - std::chrono::steady_clock::now());
      pipeline->Stop(std::max(left, std::chrono::milliseconds(0)));
    }
    gate->Close();
    if (timers) timers->CancelAll();
    server.reset();
    executor.reset();
    if (!host_io) {
      work.reset();
      own_io.stop();
      for (std::thread& t : threads) {
        if (t.joinable()) t.join();
      }
      threads.clear();
    }
    spdlog::info("stopped");
  }
};

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Engine::~Engine() {
  if (impl_) Stop(std::chrono::milliseconds(0));
}

std::unique_ptr<Engine> Engine::Create(const EngineOptions& options, std::string* error) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  impl->overrides = {options.listen_address, options.storage_path, options.external_url};
  impl->base = daemon::DefaultDaemonConfig();
  impl->base.rule_files = options.rule_files;
  impl->base.alerting.config_file = options.alertmanager_config_file;
  auto loaded = impl->Load();
  if (!loaded.ok()) {
    if (error != nullptr) *error = loaded.message();
    return nullptr;
  }
  for (const std::string& w : loaded->warnings) spdlog::warn("{}", w);
  impl->config = std::move(*loaded);
  impl->RegisterReloadMetrics();
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

bool Engine::Start(std::string* error) {
  if (impl_->running) return true;
  if (impl_->Start(nullptr, error)) return true;
  Stop(std::chrono::milliseconds(0));
  return false;
}

bool Engine::Start(boost::asio::io_context& io, std::string* error) {
  if (impl_->running) return true;
  if (impl_->Start(&io, error)) return true;
  Stop(std::chrono::milliseconds(0));
  return false;
}

void Engine::Stop(std::chrono::milliseconds deadline) {
  impl_->Stop(deadline);
}

ReloadOutcome Engine::Reload() {
  return impl_->Reload();
}

bool Engine::Append(const std::map<std::string, std::string>& labels, int64_t timestamp_ms,
                    double value, std::string* error) {
  if (!impl_->series) {
    if (error != nullptr) *error = "the engine is not started";
    return false;
  }
  std::vector<Label> list;
  for (const auto& [k, v] : labels) list.push_back({k, v});
  storage::Appender app(*impl_->series);
  auto appended = app.Append(Labels::FromVector(std::move(list)), timestamp_ms, value);
  if (!appended.ok()) {
    if (error != nullptr) *error = appended.message();
    return false;
  }
  const auto committed = app.Commit();
  (void)committed;
  return true;
}

void Engine::CollectFrom(std::shared_ptr<prometheus::Collectable> source,
                         std::map<std::string, std::string> target_labels, bool honor_labels) {
  std::vector<Label> list;
  for (const auto& [k, v] : target_labels) list.push_back({k, v});
  collect::CollectorOptions o;
  o.target_labels = Labels::FromVector(std::move(list));
  o.honor_labels = honor_labels;
  std::lock_guard lock(impl_->sources_mu);
  impl_->sources.push_back({std::move(source), std::move(o), nullptr});
}

void Engine::OnAlert(std::function<void(const AlertEvent&)> callback) {
  std::lock_guard lock(impl_->callbacks_mu);
  impl_->callbacks.push_back(std::move(callback));
}

std::string Engine::http_address() const {
  return impl_->server ? impl_->server->address() : "";
}

}  // namespace tocsin
