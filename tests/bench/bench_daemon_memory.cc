// Resident memory of the whole job — evaluate the 29 shipped rules (examples/rules), scrape ~1k
// series, route alerts with the shipped Alertmanager configuration — done by `tocsin run` alone
// and by Debian's `prometheus` (2.42) + `prometheus-alertmanager` (0.25), side by side on the same
// machine. Run from a Release build:
//   cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DTOCSIN_BUILD_BENCHMARKS=ON
//   cmake --build build/release --target bench_daemon_memory -j2
//   build/release/tests/bench/bench_daemon_memory
//
// TOCSIN_BENCH_BINARY=<path> runs that tocsin binary instead of this build's (e.g. one built
// from an older commit, to compare before and after in one session).
//
// Both sides get identical inputs: the same rule files, the same Alertmanager routing (the
// example with no variable set, written out once and given to both), the same targets, the same
// intervals (1s scrape and evaluation, so a short run does many cycles).
//
//   BM_DaemonMemory/<side>_idle     the rules and routing loaded, nothing to scrape, after
//                                   kIdleSettle.
//   BM_DaemonMemory/<side>_loaded   two examples/edge_service processes (538 series each, their
//                                   incident schedule sped up so alerts fire and resolve) scraped
//                                   every second for kLoadedRun.
//   BM_MemoryRatio                  tocsin / (prometheus + alertmanager), idle and loaded, for
//                                   VmRSS, VmHWM, RssAnon and Pss.
// Counters are MiB read from /proc/<pid>/status (VmRSS: resident now; VmHWM: peak resident;
// RssAnon: the resident part that is the process's own, without the file-backed pages of the
// binary and shared libraries, which tocsin maps from the system's .so files and the statically
// linked Go programs carry in their binary); for the Debian side they are the sum over both
// processes. Pss (from /proc/<pid>/smaps_rollup) is extra information: resident memory with
// each shared page divided among the processes mapping it, so libraries that other programs on
// the box also use count only in part. VmRSS stays the headline. `series` is what the daemon's
// own query
// API counts once the run is over (count({__name__=~".+"})), proof that both did the same job.
#include <benchmark/benchmark.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "engine/alerting/config_loader.h"
#include "engine/alertmanager_api/status_config.h"
#include "notifiers/http_client.h"
#include "tests/support/child_process.h"
#include "tests/support/free_port.h"

namespace tocsin {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using testing::ChildProcess;

constexpr auto kIdleSettle = 10s;
constexpr auto kLoadedRun = 60s;
constexpr int kEdgeServices = 2;

constexpr const char* kPrometheus = "/usr/bin/prometheus";
constexpr const char* kAlertmanager = "/usr/bin/prometheus-alertmanager";

struct Memory {
  double rss_mib = 0;
  double hwm_mib = 0;
  double anon_mib = 0;
  double pss_mib = 0;
};

// VmRSS, VmHWM and RssAnon of a running process.
Memory ReadMemory(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  Memory m;
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string key;
    double kib = 0;
    fields >> key >> kib;
    if (key == "VmRSS:") m.rss_mib = kib / 1024;
    if (key == "VmHWM:") m.hwm_mib = kib / 1024;
    if (key == "RssAnon:") m.anon_mib = kib / 1024;
  }
  std::ifstream rollup("/proc/" + std::to_string(pid) + "/smaps_rollup");
  for (std::string line; std::getline(rollup, line);) {
    std::istringstream fields(line);
    std::string key;
    double kib = 0;
    fields >> key >> kib;
    if (key == "Pss:") m.pss_mib = kib / 1024;
  }
  return m;
}

// Results by "<side>/<load>", for BM_MemoryRatio (benchmarks run in registration order).
std::map<std::string, Memory>& Measured() {
  static std::map<std::string, Memory> measured;
  return measured;
}

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(100ms);
  }
  return true;
}

notifiers::HttpClient& Client() {
  static notifiers::HttpClient client;
  return client;
}

notifiers::HttpResponse Get(const std::string& url) {
  notifiers::HttpRequest r;
  r.method = "GET";
  r.url = url;
  r.timeout = 5s;
  return Client().Send(r, {});
}

bool Ready(uint16_t port) {
  return Get("http://127.0.0.1:" + std::to_string(port) + "/-/ready").status == 200;
}

// How many series the Prometheus-compatible query API at `port` holds now.
double SeriesCount(uint16_t port) {
  const auto r = Get("http://127.0.0.1:" + std::to_string(port) +
                     "/api/v1/query?query=count(%7B__name__%3D~%22.%2B%22%7D)");
  const auto body = nlohmann::json::parse(r.body, nullptr, false);
  try {
    return std::stod(body.at("data").at("result").at(0).at("value").at(1).get<std::string>());
  } catch (const std::exception&) {
    return 0;
  }
}

// A scratch directory with the inputs both sides share.
class BenchDir {
 public:
  explicit BenchDir(const std::string& name)
      : path_(fs::temp_directory_path() /
              ("tocsin-bench-memory-" + name + "-" + std::to_string(getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~BenchDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string file(const std::string& name) const { return (path_ / name).string(); }

 private:
  fs::path path_;
};

// examples/alertmanager.yml with no variable set, as Alertmanager itself can load it.
std::string ExampleRouting() {
  alerting::LoadOptions options;
  options.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  const std::string path = (fs::path(TOCSIN_SOURCE_DIR) / "examples" / "alertmanager.yml").string();
  auto config = alerting::LoadConfigFile(path, options);
  if (!config.ok()) throw std::runtime_error(config.message());
  return alertmanager_api::ConfigForStatus(*config, options.env);
}

// The parts of tocsin.yml and prometheus.yml that are the same text in both formats.
std::string CommonConfig(const std::vector<uint16_t>& targets) {
  std::ostringstream out;
  out << "global:\n"
         "  scrape_interval: 1s\n"
         "  scrape_timeout: 1s\n"
         "  evaluation_interval: 1s\n"
         "  external_labels:\n"
         "    site: edge-demo\n"
         "rule_files:\n"
         "  - "
      << (fs::path(TOCSIN_SOURCE_DIR) / "examples" / "rules" / "*.yml").string() << "\n";
  if (!targets.empty()) {
    out << "scrape_configs:\n"
           "  - job_name: anclora\n"
           "    static_configs:\n"
           "      - targets: [";
    for (size_t i = 0; i < targets.size(); ++i) {
      out << (i ? ", " : "") << "'127.0.0.1:" << targets[i] << "'";
    }
    out << "]\n";
  }
  return out.str();
}

// The edge services both sides scrape: started per benchmark so each side sees the same
// simulated history from the start.
class EdgeServices {
 public:
  EdgeServices(const BenchDir& dir, int count) {
    const std::string binary =
        (fs::path(TOCSIN_BINARY_DIR) / "examples" / "edge_service" / "edge_service").string();
    for (int i = 0; i < count; ++i) {
      const uint16_t port = testing::FreeLoopbackPort();
      ports_.push_back(port);
      services_.push_back(std::make_unique<ChildProcess>(
          std::vector<std::string>{binary, "--web.listen-address",
                                   "127.0.0.1:" + std::to_string(port), "--speed", "60",
                                   "--status-every", "0s"},
          dir.file("edge-" + std::to_string(i) + ".log")));
    }
  }
  bool WaitReady() {
    for (uint16_t port : ports_) {
      if (!WaitFor(
              [&] {
                return Get("http://127.0.0.1:" + std::to_string(port) + "/metrics").status == 200;
              },
              10s)) {
        return false;
      }
    }
    return true;
  }
  const std::vector<uint16_t>& ports() const { return ports_; }

 private:
  std::vector<uint16_t> ports_;
  std::vector<std::unique_ptr<ChildProcess>> services_;
};

enum class Load { kIdle, kLoaded };

// One side's running processes: the ports to wait on, and the one serving the query API.
struct Side {
  std::vector<std::unique_ptr<ChildProcess>> processes;
  std::vector<uint16_t> ready_ports;
  uint16_t query_port = 0;
};

Side StartTocsin(const BenchDir& dir, const std::vector<uint16_t>& targets) {
  std::ofstream(dir.file("alertmanager.yml")) << ExampleRouting();
  Side side;
  side.query_port = testing::FreeLoopbackPort();
  std::ofstream(dir.file("tocsin.yml"))
      << CommonConfig(targets) << "alerting:\n  config_file: " << dir.file("alertmanager.yml")
      << "\nstorage:\n  path: " << dir.file("tocsin-data")
      << "\nweb:\n  listen_address: 127.0.0.1:" << side.query_port << "\n";
  // TOCSIN_BENCH_BINARY measures another tocsin build (an older commit, for before/after).
  const char* other = std::getenv("TOCSIN_BENCH_BINARY");
  const std::string binary =
      other != nullptr && *other != '\0'
          ? std::string(other)
          : (fs::path(TOCSIN_BINARY_DIR) / "engine" / "cli" / "tocsin").string();
  side.processes.push_back(std::make_unique<ChildProcess>(
      std::vector<std::string>{binary, "run", "--config.file", dir.file("tocsin.yml"),
                               "--log.level", "warn"},
      dir.file("tocsin.log")));
  side.ready_ports = {side.query_port};
  return side;
}

Side StartPrometheusAndAlertmanager(const BenchDir& dir, const std::vector<uint16_t>& targets) {
  std::ofstream(dir.file("alertmanager.yml")) << ExampleRouting();
  Side side;
  const uint16_t am_port = testing::FreeLoopbackPort();
  side.query_port = testing::FreeLoopbackPort();
  std::ofstream(dir.file("prometheus.yml"))
      << CommonConfig(targets)
      << "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: ['127.0.0.1:"
      << am_port << "']\n";
  side.processes.push_back(std::make_unique<ChildProcess>(
      std::vector<std::string>{kAlertmanager, "--config.file=" + dir.file("alertmanager.yml"),
                               "--storage.path=" + dir.file("alertmanager-data"),
                               "--web.listen-address=127.0.0.1:" + std::to_string(am_port),
                               "--cluster.listen-address=", "--log.level=warn"},
      dir.file("alertmanager.log")));
  side.processes.push_back(std::make_unique<ChildProcess>(
      std::vector<std::string>{kPrometheus, "--config.file=" + dir.file("prometheus.yml"),
                               "--storage.tsdb.path=" + dir.file("prometheus-data"),
                               "--web.listen-address=127.0.0.1:" + std::to_string(side.query_port),
                               "--log.level=warn"},
      dir.file("prometheus.log")));
  side.ready_ports = {am_port, side.query_port};
  return side;
}

void BM_DaemonMemory(benchmark::State& state, const std::string& side_name, Load load) {
  if (side_name != "tocsin" && (!fs::exists(kPrometheus) || !fs::exists(kAlertmanager))) {
    state.SkipWithError("Debian's prometheus or prometheus-alertmanager is not installed");
    return;
  }
  for (auto _ : state) {
    BenchDir dir(side_name + (load == Load::kIdle ? "-idle" : "-loaded"));
    std::unique_ptr<EdgeServices> edge;
    std::vector<uint16_t> targets;
    if (load == Load::kLoaded) {
      edge = std::make_unique<EdgeServices>(dir, kEdgeServices);
      if (!edge->WaitReady()) {
        state.SkipWithError("the edge services did not start");
        return;
      }
      targets = edge->ports();
    }
    Side side = side_name == "tocsin" ? StartTocsin(dir, targets)
                                      : StartPrometheusAndAlertmanager(dir, targets);
    for (uint16_t port : side.ready_ports) {
      if (!WaitFor([&] { return Ready(port); }, 30s)) {
        std::string logs;
        for (auto& p : side.processes) logs += p->output();
        state.SkipWithError(("a daemon did not become ready: " + logs).c_str());
        return;
      }
    }
    std::this_thread::sleep_for(load == Load::kIdle ? std::chrono::seconds(kIdleSettle)
                                                    : std::chrono::seconds(kLoadedRun));
    Memory total;
    for (auto& p : side.processes) {
      if (!p->running()) {
        state.SkipWithError(("a daemon exited: " + p->output()).c_str());
        return;
      }
      const Memory m = ReadMemory(p->pid());
      total.rss_mib += m.rss_mib;
      total.hwm_mib += m.hwm_mib;
      total.anon_mib += m.anon_mib;
      total.pss_mib += m.pss_mib;
    }
    state.counters["VmRSS_MiB"] = total.rss_mib;
    state.counters["VmHWM_MiB"] = total.hwm_mib;
    state.counters["RssAnon_MiB"] = total.anon_mib;
    state.counters["Pss_MiB"] = total.pss_mib;
    state.counters["series"] = SeriesCount(side.query_port);
    Measured()[side_name + (load == Load::kIdle ? "/idle" : "/loaded")] = total;
  }
}

void BM_MemoryRatio(benchmark::State& state) {
  const auto& m = Measured();
  for (auto _ : state) {
  }
  for (const char* load : {"idle", "loaded"}) {
    const auto t = m.find(std::string("tocsin/") + load);
    const auto d = m.find(std::string("prometheus+alertmanager/") + load);
    if (t == m.end() || d == m.end() || d->second.rss_mib == 0 || d->second.hwm_mib == 0) continue;
    state.counters[std::string("VmRSS_ratio_") + load] = t->second.rss_mib / d->second.rss_mib;
    state.counters[std::string("VmHWM_ratio_") + load] = t->second.hwm_mib / d->second.hwm_mib;
    if (d->second.anon_mib > 0) {
      state.counters[std::string("RssAnon_ratio_") + load] =
          t->second.anon_mib / d->second.anon_mib;
    }
    if (d->second.pss_mib > 0) {
      state.counters[std::string("Pss_ratio_") + load] = t->second.pss_mib / d->second.pss_mib;
    }
  }
}

BENCHMARK_CAPTURE(BM_DaemonMemory, tocsin_idle, std::string("tocsin"), Load::kIdle)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_DaemonMemory, prometheus_alertmanager_idle,
                  std::string("prometheus+alertmanager"), Load::kIdle)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_DaemonMemory, tocsin_loaded, std::string("tocsin"), Load::kLoaded)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_DaemonMemory, prometheus_alertmanager_loaded,
                  std::string("prometheus+alertmanager"), Load::kLoaded)
    ->Iterations(1)
    ->Unit(benchmark::kSecond)
    ->UseRealTime();
BENCHMARK(BM_MemoryRatio)->Iterations(1);

}  // namespace
}  // namespace tocsin

BENCHMARK_MAIN();
