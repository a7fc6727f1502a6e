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
// /metrics, /-/reload) is optional. Threads: the engine runs its own (`threads`); every method
// is thread-safe. No Boost, yaml-cpp or curl type appears here.
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
  int threads = 2;         // threads running timers, rule groups and the HTTP server
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
  // Called for every alert transition, from an engine thread; keep it short.
  void OnAlert(std::function<void(const AlertEvent&)> callback);

  // "127.0.0.1:9093" (the bound port when 0 was asked), or "" without an HTTP server.
  std::string http_address() const;

  struct Impl;

 private:
  explicit Engine(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace tocsin
