// tocsin::Engine: the whole of tocsin in one object, for embedding in a C++ service (and what
// `tocsin run` runs). It evaluates Prometheus alerting and recording rules against an in-memory
// time-series store, sends the alerts through the Alertmanager pipeline (inhibition, silences,
// routing, grouping, notifications) and keeps rule state, history, silences and the notification
// log in one SQLite file, so a restart loses nothing.
//
//   tocsin::EngineOptions options;
//   options.config_file = "tocsin.yml";          // or rule_files + alertmanager_config_file
//   std::string error;
//   auto engine = tocsin::Engine::Create(options, &error);
//   if (!engine || !engine->Start(&error)) { /* error says which file, line and column */ }
//   engine->CollectFrom(registry, {{"job", "my-service"}});  // the service's prometheus-cpp
//   engine->OnAlert([](const tocsin::AlertEvent& e) { ... });  // pending, firing, resolved...
//   ...
//   engine->Stop(std::chrono::seconds(10));
//
// Samples come from the host (Append, CollectFrom: in-process, no HTTP) and from the scrape jobs
// of the configuration. The HTTP server (Prometheus query/rules API, Alertmanager API v2,
// /metrics, /-/reload) is optional. Every method is thread-safe. Only a forward declaration of
// Boost.Asio's io_context appears here (no yaml-cpp, curl or Beast type).
//
// Threads: Start(error) runs the engine on `threads` threads of its own. Start(io, error) runs it
// on the host's io_context instead (docs/embedding.md): rule evaluation, the in-process
// collection, the alert pipeline's timers (group_wait, group_interval, retries) and the HTTP
// server then run on the threads that call io.run(), and the engine starts none for them. What
// would block an event loop keeps a small worker of its own: notifications (libcurl, blocking
// per request) and the SQLite writes, the scrapes (one libcurl multi thread), and the queries
// of the HTTP API (a pool of two, so a slow query cannot stall the host's loop).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace prometheus {
class Collectable;
}
namespace boost::asio {
class io_context;
}

namespace tocsin {

struct EngineOptions {
  // The daemon configuration file (docs/configuration.md). Empty: defaults, plus the two fields
  // below.
  std::string config_file;
  std::vector<std::string> rule_files;   // used when config_file is empty (globs allowed)
  std::string alertmanager_config_file;  // used when config_file is empty ("" : log only)

  // Override the file (empty: the file's value), as tocsin run's flags do.
  std::string listen_address;  // host:port of the HTTP server
  std::string storage_path;    // the data directory holding tocsin.db
  std::string external_url;

  bool serve_http = true;  // false: no HTTP server at all
  int threads = 2;  // threads running timers, rule groups and the HTTP server (Start(error) only)
};

// A transition of one alert of an alerting rule.
struct AlertEvent {
  std::string alertname;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string from;  // "" (new), "pending", "firing", "inactive"
  std::string to;    // "pending", "firing", "resolved" (it had fired) or "inactive" (it had not)
  double value = 0;
  int64_t active_at_ms = 0;  // when it became active (0: unknown)
  int64_t at_ms = 0;         // when the engine noticed the transition
};

struct ReloadOutcome {
  bool ok = false;
  std::string error;  // every problem of every file, one per line
};

class Engine {
 public:
  // Reads and checks the configuration (every file it names); nothing runs yet. On error returns
  // null and sets *error.
  static std::unique_ptr<Engine> Create(const EngineOptions& options, std::string* error);
  ~Engine();  // Stop(0) if still running
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Opens the database, restores alert state, silences, the notification log and undelivered
  // notifications, then starts evaluating, scraping, collecting and serving.
  bool Start(std::string* error);
  // The same on the host's io_context, which the host runs (io.run() on any number of its
  // threads) and which must outlive the engine. Several engines may share one io_context. Stop
  // then waits for no io_context work, only for the engine's handlers running at that moment:
  // it returns even if the host has stopped running `io` or keeps it busy, and afterwards none
  // of the engine's handlers left in `io`'s queue does anything when it runs.
  bool Start(boost::asio::io_context& io, std::string* error);
  // Graceful stop: stops scraping and evaluating, writes the state, lets in-flight
  // notifications finish for up to `deadline` (the rest stay queued for the next start).
  void Stop(std::chrono::milliseconds deadline = std::chrono::seconds(10));

  // Re-reads the configuration. Atomic: if any file is bad, nothing changes.
  ReloadOutcome Reload();

  // Appends one sample (milliseconds since the epoch). Labels must include __name__.
  bool Append(const std::map<std::string, std::string>& labels, int64_t timestamp_ms, double value,
              std::string* error = nullptr);
  // Reads `source` (e.g. the service's prometheus::Registry) on every evaluation interval, as a
  // scrape would, adding `target_labels`. With honor_labels, the source's own labels win.
  void CollectFrom(std::shared_ptr<prometheus::Collectable> source,
                   std::map<std::string, std::string> target_labels, bool honor_labels = true);
  // Called for every alert transition, from an engine thread (a host thread running the
  // io_context with Start(io, ...)); keep it short. With Start(io, ...) it may call Stop; it must
  // never destroy the engine.
  void OnAlert(std::function<void(const AlertEvent&)> callback);

  // "127.0.0.1:9093" (the bound port when 0 was asked), or "" without an HTTP server.
  std::string http_address() const;

  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin
