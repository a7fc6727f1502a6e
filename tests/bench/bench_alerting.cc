// The alert pipeline's costs with the shipped routing (examples/alertmanager.yml, no variable
// set), 10,000 active alerts and 100 silences. Run from a Release build:
//   cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DTOCSIN_BUILD_BENCHMARKS=ON
//   cmake --build build/release --target bench_alerting -j2
//   build/release/tests/bench/bench_alerting
//
//   BM_PipelinePut          re-posting the 10k alerts in batches of 64 (what Prometheus does
//                           every resend): merge into the store, inhibition sources, silence and
//                           inhibition marks for the history, route and aggregation group.
//                           items_per_second = alerts/s.
//   BM_PipelineStatus       GET /api/v2/alerts's work without HTTP: for every alert, the
//                           inhibitor, the silences and the route tree (alerts/s).
//   BM_MemoryPerAlert       heap (mallinfo2) of the pipeline holding the 10k alerts in groups,
//                           minus the same pipeline empty, per alert.
//   BM_HttpPostAlerts/tocsin, /alertmanager
//                           POST /api/v2/alerts with batches of 64 alerts over one keep-alive
//                           connection, each pass with `endsAt` one second later (as
//                           Prometheus re-sends), against tocsin's server and against Debian's
//                           prometheus-alertmanager (0.25, started on 127.0.0.1 with the same
//                           routing and clustering off); skipped when it is not installed.
//                           items_per_second = alerts/s accepted (wall clock);
//                           server_cpu_us_per_alert = the server's CPU time (user + system,
//                           every thread but the client's) per accepted alert, which unlike
//                           the wall clock does not depend much on what else the machine runs.
#include <benchmark/benchmark.h>
#include <curl/curl.h>
#include <malloc.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <thread>

#include "engine/alerting/alerting_pipeline.h"
#include "engine/alerting/asio_scheduler.h"
#include "engine/alerting/config_loader.h"
#include "engine/alertmanager_api/alertmanager_api.h"
#include "engine/alertmanager_api/api_models.h"
#include "engine/alertmanager_api/status_config.h"
#include "engine/http/server.h"
#include "storage/base/time.h"
#include "storage/sqlite/sqlite_store.h"

namespace tocsin::alerting {
namespace {

constexpr int kAlerts = 10000;
constexpr int kSilences = 100;
constexpr size_t kBatch = 64;
const char* const kComponents[] = {"api", "queue", "redis",    "db",
                                   "web", "auth",  "business", "search"};
const char* const kSeverities[] = {"critical", "warning", "info"};

EnvLookup NoEnvironment() {
  return [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
}

std::filesystem::path SourceDir() {
  // __FILE__ is relative to the directory the compiler ran in, which is the one holding this
  // program (the build keeps paths relative so that ccache can share objects between checkouts).
  std::filesystem::path file(__FILE__);
  if (file.is_relative())
    file = std::filesystem::read_symlink("/proc/self/exe").parent_path() / file;
  return file.lexically_normal().parent_path().parent_path().parent_path();
}

std::shared_ptr<const Config> ExampleConfig() {
  LoadOptions options;
  options.env = NoEnvironment();
  auto cfg = LoadConfigFile((SourceDir() / "examples" / "alertmanager.yml").string(), options);
  if (!cfg.ok()) throw std::runtime_error(cfg.message());
  return std::make_shared<const Config>(std::move(*cfg));
}

// Alert i: 29 alert names over 8 components and 3 severities, one instance each.
PostableAlert MakeAlert(int i, TimestampMs now) {
  PostableAlert a;
  a.labels = Labels{{"alertname", "Alert" + std::to_string(i % 29)},
                    {"component", kComponents[i % 8]},
                    {"instance", "host-" + std::to_string(i) + ":9100"},
                    {"job", "edge"},
                    {"severity", kSeverities[i % 3]}};
  a.annotations = {{"description", "value is " + std::to_string(i)},
                   {"summary", "Instance host-" + std::to_string(i) + " is degraded"}};
  a.starts_at = now - kHour;
  a.ends_at = now + 4 * kMinute;  // as Prometheus sends firing alerts
  a.generator_url = "http://prometheus:9090/graph?g0.expr=up";
  return a;
}

std::string AlertsJson(int first, int count, TimestampMs now) {
  std::string out = "[";
  for (int i = first; i < first + count; ++i) {
    if (i != first) out += ",";
    const PostableAlert a = MakeAlert(i, now);
    out += "{\"labels\":{";
    bool comma = false;
    for (const Label& l : a.labels) {
      out += (comma ? ",\"" : "\"") + l.name + "\":\"" + l.value + "\"";
      comma = true;
    }
    out += "},\"annotations\":{";
    comma = false;
    for (const Label& l : a.annotations) {
      out += (comma ? ",\"" : "\"") + l.name + "\":\"" + l.value + "\"";
      comma = true;
    }
    out += "},\"startsAt\":\"" + FormatRfc3339Millis(a.starts_at) + "\",\"endsAt\":\"" +
           FormatRfc3339Millis(a.ends_at) + "\",\"generatorURL\":\"" + a.generator_url + "\"}";
  }
  return out + "]";
}

class BenchDir {
 public:
  explicit BenchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() /
              ("tocsin-bench-alerting-" + name + "-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~BenchDir() { std::filesystem::remove_all(path_); }
  std::string file(const std::string& name) const { return (path_ / name).string(); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// A manual clock: time stands still, so no group is flushed while the benchmark runs.
class FrozenClock final : public Scheduler {
 public:
  explicit FrozenClock(TimestampMs now) : now_(now) {}
  TimestampMs Now() override { return now_; }
  TimerId ScheduleAt(TimestampMs, std::function<void()>) override { return ++next_; }
  void Cancel(TimerId) override {}

 private:
  TimestampMs now_;
  TimerId next_ = 0;
};

// The pipeline with the example routing, 100 silences (one component each for a third of
// them, a regex over instances for the rest) and, when `fill`, the 10k alerts.
struct PipelineRig {
  explicit PipelineRig(bool fill, PipelineOptions options = {}) : dir("rig"), clock(Now()) {
    auto s = sqlite::SqliteStore::Open(dir.file("tocsin.db"));
    if (!s.ok()) throw std::runtime_error(s.message());
    store = std::move(*s);
    PipelineDeps deps;
    deps.store = store.get();
    deps.scheduler = &clock;
    deps.flush_executor = &inline_executor;
    deps.delivery_executor = &inline_executor;
    auto p = AlertingPipeline::Create(ExampleConfig(), deps, options);
    if (!p.ok()) throw std::runtime_error(p.message());
    pipeline = std::move(*p);
    if (!pipeline->Start().ok()) throw std::runtime_error("start failed");
    for (int i = 0; i < kSilences; ++i) {
      Silence sil;
      if (i % 3 == 0) {
        sil.matchers = {{"component", kComponents[i % 8], false, true},
                        {"alertname", "Alert" + std::to_string(i % 29), false, true}};
      } else {
        sil.matchers = {{"instance", "host-" + std::to_string(i) + "[0-9]:9100", true, true}};
      }
      sil.starts_at = clock.Now() - kMinute;
      sil.ends_at = clock.Now() + kHour;
      sil.created_by = "bench";
      sil.comment = "silence " + std::to_string(i);
      if (!pipeline->SetSilence(std::move(sil)).ok()) throw std::runtime_error("silence");
    }
    if (fill) PutAll();
  }
  ~PipelineRig() { pipeline->Stop(std::chrono::milliseconds(5000)); }

  static TimestampMs Now() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  void PutAll() {
    std::vector<PostableAlert> batch;
    for (int i = 0; i < kAlerts; ++i) {
      batch.push_back(MakeAlert(i, clock.Now()));
      if (batch.size() == kBatch || i == kAlerts - 1) {
        if (!pipeline->Put(batch).ok()) throw std::runtime_error("put");
        batch.clear();
      }
    }
  }

  BenchDir dir;
  FrozenClock clock;
  InlineExecutor inline_executor;
  std::unique_ptr<sqlite::SqliteStore> store;
  std::unique_ptr<AlertingPipeline> pipeline;
};

// Arg 1: with the SQLite side on (history of transitions, the alerts table), as the daemon
// runs; 0: the in-memory pipeline alone.
void BM_PipelinePut(benchmark::State& state) {
  PipelineOptions options;
  options.record_history = state.range(0) != 0;
  options.persist_alerts = state.range(0) != 0;
  PipelineRig rig(/*fill=*/true, options);
  // The batches are built once: the benchmark measures the pipeline, not alert construction.
  std::vector<std::vector<PostableAlert>> batches;
  for (int i = 0; i < kAlerts; i += kBatch) {
    std::vector<PostableAlert> b;
    for (int j = i; j < std::min(kAlerts, i + static_cast<int>(kBatch)); ++j) {
      b.push_back(MakeAlert(j, rig.clock.Now()));
    }
    batches.push_back(std::move(b));
  }
  for (auto _ : state) {
    for (const auto& b : batches) benchmark::DoNotOptimize(rig.pipeline->Put(b));
  }
  rig.pipeline->FlushState(std::chrono::seconds(60));
  state.SetItemsProcessed(state.iterations() * kAlerts);
  state.counters["alerts"] = static_cast<double>(rig.pipeline->alert_count());
  state.counters["groups"] = static_cast<double>(rig.pipeline->group_count());
}
BENCHMARK(BM_PipelinePut)
    ->ArgName("sqlite")
    ->Arg(1)
    ->Arg(0)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

void BM_PipelineStatus(benchmark::State& state) {
  PipelineRig rig(/*fill=*/true);
  size_t suppressed = 0;
  for (auto _ : state) {
    auto alerts = rig.pipeline->Alerts({});
    suppressed = 0;
    for (const ApiAlert& a : alerts) suppressed += a.status.state == AlertState::kSuppressed;
    benchmark::DoNotOptimize(alerts);
  }
  state.SetItemsProcessed(state.iterations() * kAlerts);
  state.counters["suppressed"] = static_cast<double>(suppressed);
}
BENCHMARK(BM_PipelineStatus)->Unit(benchmark::kMillisecond);

size_t HeapInUse() {
  return mallinfo2().uordblks;
}

void BM_MemoryPerAlert(benchmark::State& state) {
  for (auto _ : state) {
    PipelineOptions options;
    options.record_history = false;  // the history goes to SQLite, not to memory
    options.persist_alerts = false;
    PipelineRig rig(/*fill=*/false, options);
    malloc_trim(0);
    const size_t before = HeapInUse();
    rig.PutAll();
    malloc_trim(0);
    const size_t after = HeapInUse();
    state.counters["bytes_per_alert"] =
        static_cast<double>(after - before) / static_cast<double>(kAlerts);
    state.counters["groups"] = static_cast<double>(rig.pipeline->group_count());
  }
}
BENCHMARK(BM_MemoryPerAlert)->Iterations(1)->Unit(benchmark::kMillisecond);

// ---- HTTP: tocsin vs Alertmanager --------------------------------------------------------------

size_t Discard(char*, size_t size, size_t n, void*) {
  return size * n;
}

// Posts `bodies` round-robin over one keep-alive connection; returns false on any non-200.
class Poster {
 public:
  explicit Poster(std::string url) : url_(std::move(url)), curl_(curl_easy_init()) {
    headers_ = curl_slist_append(nullptr, "Content-Type: application/json");
    curl_easy_setopt(curl_, CURLOPT_URL, url_.c_str());
    curl_easy_setopt(curl_, CURLOPT_HTTPHEADER, headers_);
    curl_easy_setopt(curl_, CURLOPT_WRITEFUNCTION, Discard);
    curl_easy_setopt(curl_, CURLOPT_TIMEOUT_MS, 30000L);
  }
  ~Poster() {
    curl_slist_free_all(headers_);
    curl_easy_cleanup(curl_);
  }
  bool Post(const std::string& body) {
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDS, body.c_str());
    curl_easy_setopt(curl_, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
    if (curl_easy_perform(curl_) != CURLE_OK) return false;
    long code = 0;
    curl_easy_getinfo(curl_, CURLINFO_RESPONSE_CODE, &code);
    return code == 200;
  }
  bool Get(const std::string& url) {
    CURL* c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, Discard);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1000L);
    long code = 0;
    if (curl_easy_perform(c) == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
    curl_easy_cleanup(c);
    return code == 200;
  }

 private:
  std::string url_;
  CURL* curl_;
  curl_slist* headers_;
};

std::vector<std::string> PostBodies(TimestampMs now = PipelineRig::Now()) {
  std::vector<std::string> bodies;
  for (int i = 0; i < kAlerts; i += kBatch) {
    bodies.push_back(AlertsJson(i, std::min(static_cast<int>(kBatch), kAlerts - i), now));
  }
  return bodies;
}

// The JSON side of POST /api/v2/alerts alone: decoding the 10k alerts' bodies.
void BM_DecodePostableAlerts(benchmark::State& state) {
  const std::vector<std::string> bodies = PostBodies();
  for (auto _ : state) {
    for (const std::string& b : bodies) {
      auto decoded = alertmanager_api::DecodePostableAlerts(b);
      benchmark::DoNotOptimize(decoded);
    }
  }
  state.SetItemsProcessed(state.iterations() * kAlerts);
}
BENCHMARK(BM_DecodePostableAlerts)->Unit(benchmark::kMillisecond);

double CpuSeconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// User + system CPU time of another process, from /proc/<pid>/stat.
double ProcessCpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t close = stat.rfind(')');  // the command name may hold spaces
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string skip;
  for (int i = 3; i < 14; ++i) fields >> skip;  // state .. cmajflt
  double utime = 0, stime = 0;
  fields >> utime >> stime;
  return (utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

// Moves every alert's `endsAt` in `bodies` from `from` to `to` (RFC 3339 texts of one length).
void ReplaceEndsAt(std::vector<std::string>& bodies, const std::string& from,
                   const std::string& to) {
  const std::string key = "\"endsAt\":\"" + from;
  for (std::string& body : bodies) {
    for (size_t at = body.find(key); at != std::string::npos; at = body.find(key, at)) {
      at += key.size() - from.size();
      body.replace(at, from.size(), to);
    }
  }
}

// `server_cpu` reads the CPU time the server has used so far. Besides alerts/s (wall time,
// which on a shared machine depends on what else runs), the counter server_cpu_us_per_alert
// says what each accepted alert cost the server in CPU, whatever the load.
//
// Each pass re-sends the 10k alerts with `endsAt` one second later than the pass before, as
// Prometheus's resends carry a new end (its evaluation time plus four resend delays): every
// post then changes the stored alert, which the receiving side must merge and, in tocsin's
// case, write to its alerts table, as with real traffic.
void RunPosts(benchmark::State& state, const std::string& base,
              const std::function<double()>& server_cpu) {
  const TimestampMs now = PipelineRig::Now();
  std::vector<std::string> bodies = PostBodies(now);
  TimestampMs ends_at = now + 4 * kMinute;  // what MakeAlert writes
  Poster poster(base + "/api/v2/alerts");
  size_t failures = 0;
  const double cpu_before = server_cpu();
  for (auto _ : state) {
    state.PauseTiming();
    ReplaceEndsAt(bodies, FormatRfc3339Millis(ends_at), FormatRfc3339Millis(ends_at + 1000));
    ends_at += 1000;
    state.ResumeTiming();
    for (const std::string& b : bodies) failures += !poster.Post(b);
  }
  const double cpu = server_cpu() - cpu_before;
  state.SetItemsProcessed(state.iterations() * kAlerts);
  state.counters["failures"] = static_cast<double>(failures);
  state.counters["server_cpu_us_per_alert"] =
      cpu * 1e6 / static_cast<double>(state.iterations() * kAlerts);
}

void BM_HttpPostAlerts_tocsin(benchmark::State& state) {
  BenchDir dir("http");
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  std::thread io_thread([&] { io.run(); });
  {
    AsioScheduler scheduler(io);
    auto store = sqlite::SqliteStore::Open(dir.file("tocsin.db"));
    if (!store.ok()) throw std::runtime_error(store.message());
    PipelineDeps deps;
    deps.store = store->get();
    deps.scheduler = &scheduler;
    auto created = AlertingPipeline::Create(ExampleConfig(), deps);
    if (!created.ok()) throw std::runtime_error(created.message());
    std::unique_ptr<AlertingPipeline> pipeline = std::move(*created);
    if (!pipeline->Start().ok()) throw std::runtime_error("pipeline did not start");
    http::Router router;
    alertmanager_api::RegisterAlertmanagerApi(router, *pipeline);
    http::ServerOptions options;
    options.listen_address = "127.0.0.1:0";
    auto server = http::Server::Start(io, options, std::move(router));
    if (!server.ok()) throw std::runtime_error(server.message());
    // The server is this process less the client, which runs on this thread.
    RunPosts(state, "http://127.0.0.1:" + std::to_string((*server)->port()), [] {
      return CpuSeconds(CLOCK_PROCESS_CPUTIME_ID) - CpuSeconds(CLOCK_THREAD_CPUTIME_ID);
    });
    state.counters["alerts"] = static_cast<double>(pipeline->alert_count());
    server->reset();
    pipeline->Stop(std::chrono::milliseconds(5000));
    pipeline.reset();
    scheduler.CancelAll();
  }
  work.reset();
  io.stop();
  io_thread.join();
}
BENCHMARK(BM_HttpPostAlerts_tocsin)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5);

// Debian's Alertmanager on a free loopback port, with the routing tocsin shows in its status
// (the example with variables expanded and switched-off integrations left out).
class AlertmanagerProcess {
 public:
  explicit AlertmanagerProcess(const BenchDir& dir) {
    const std::string config = dir.file("alertmanager.yml");
    std::ofstream(config) << alertmanager_api::ConfigForStatus(*ExampleConfig(), NoEnvironment());
    port_ = 20000 + static_cast<int>(std::random_device{}() % 20000);
    pid_ = fork();
    if (pid_ == 0) {
      const std::string listen = "--web.listen-address=127.0.0.1:" + std::to_string(port_);
      const std::string config_flag = "--config.file=" + config;
      const std::string storage = "--storage.path=" + dir.path();
      freopen("/dev/null", "w", stderr);
      execl("/usr/bin/prometheus-alertmanager", "prometheus-alertmanager", config_flag.c_str(),
            storage.c_str(), listen.c_str(), "--cluster.listen-address=", nullptr);
      _exit(127);
    }
  }
  ~AlertmanagerProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      waitpid(pid_, nullptr, 0);
    }
  }
  std::string base() const { return "http://127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return pid_; }
  bool WaitReady(Poster& probe) const {
    for (int i = 0; i < 100; ++i) {
      if (probe.Get(base() + "/-/ready")) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }

 private:
  pid_t pid_ = -1;
  int port_ = 0;
};

void BM_HttpPostAlerts_alertmanager(benchmark::State& state) {
  if (!std::filesystem::exists("/usr/bin/prometheus-alertmanager")) {
    state.SkipWithError("prometheus-alertmanager is not installed");
    return;
  }
  BenchDir dir("alertmanager");
  AlertmanagerProcess am(dir);
  Poster probe(am.base());
  if (!am.WaitReady(probe)) {
    state.SkipWithError("alertmanager did not become ready");
    return;
  }
  RunPosts(state, am.base(), [&am] { return ProcessCpuSeconds(am.pid()); });
}
BENCHMARK(BM_HttpPostAlerts_alertmanager)->Unit(benchmark::kMillisecond)->UseRealTime()->MinTime(5);

}  // namespace
}  // namespace tocsin::alerting

BENCHMARK_MAIN();
