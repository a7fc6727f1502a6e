// `tocsin test rules` side by side with `promtool test rules` (Debian's, /usr/bin/promtool) on the
// same files: wall time and peak RSS of each process, and their ratios. See docs/benchmarks.md.
//
//   BM_Examples    examples/rules/tests/*.yml: the unit tests of the 29 shipped rules
//   BM_LargeFile   a generated file: the 29 rules over 300 series, evaluated every minute for a
//                  6h window, with alert and expression checks at the end
//
// Counters: tocsin_s / promtool_s (wall seconds per run), speedup (promtool time / tocsin time),
// tocsin_cpu_s / promtool_cpu_s / cpu_speedup (the same in CPU time, user + system),
// tocsin_rss_mb / promtool_rss_mb (peak resident set of the process), rss_ratio (promtool /
// tocsin). The benchmark's own time is tocsin's. Skipped when promtool is not installed.
#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

const char* kPromtool = "/usr/bin/promtool";

struct ProcessCost {
  double seconds = 0;
  double cpu_seconds = 0;  // user + system of the process (stable under machine load)
  double peak_rss_mb = 0;
  int exit_code = -1;
};

// Runs `argv` with its output discarded; measures wall time and the child's peak RSS.
ProcessCost Run(const std::vector<std::string>& argv) {
  const auto start = std::chrono::steady_clock::now();
  const pid_t pid = fork();
  if (pid == 0) {
    const int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  wait4(pid, &status, 0, &usage);
  ProcessCost c;
  c.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  c.cpu_seconds = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec +
                  usage.ru_stime.tv_usec / 1e6;
  c.peak_rss_mb = usage.ru_maxrss / 1024.0;  // kilobytes on Linux
  c.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return c;
}

void SideBySide(benchmark::State& state, const std::vector<std::string>& files) {
  if (!fs::exists(kPromtool)) {
    state.SkipWithError("promtool is not installed");
    return;
  }
  const std::string tocsin = std::string(TOCSIN_BINARY_DIR) + "/engine/cli/tocsin";
  std::vector<std::string> ours = {tocsin, "test", "rules"};
  std::vector<std::string> theirs = {kPromtool, "test", "rules"};
  ours.insert(ours.end(), files.begin(), files.end());
  theirs.insert(theirs.end(), files.begin(), files.end());
  double t_ours = 0, t_theirs = 0, cpu_ours = 0, cpu_theirs = 0, rss_ours = 0, rss_theirs = 0;
  int verdict_ours = 0, verdict_theirs = 0;
  for (auto _ : state) {
    ProcessCost a = Run(ours);
    ProcessCost b = Run(theirs);
    state.SetIterationTime(a.seconds);
    t_ours += a.seconds;
    t_theirs += b.seconds;
    cpu_ours += a.cpu_seconds;
    cpu_theirs += b.cpu_seconds;
    rss_ours = std::max(rss_ours, a.peak_rss_mb);
    rss_theirs = std::max(rss_theirs, b.peak_rss_mb);
    verdict_ours = a.exit_code;
    verdict_theirs = b.exit_code;
  }
  const double n = static_cast<double>(state.iterations());
  state.counters["tocsin_s"] = t_ours / n;
  state.counters["promtool_s"] = t_theirs / n;
  state.counters["speedup"] = t_theirs / t_ours;
  state.counters["tocsin_cpu_s"] = cpu_ours / n;
  state.counters["promtool_cpu_s"] = cpu_theirs / n;
  state.counters["cpu_speedup"] = cpu_theirs / cpu_ours;
  state.counters["tocsin_rss_mb"] = rss_ours;
  state.counters["promtool_rss_mb"] = rss_theirs;
  state.counters["rss_ratio"] = rss_theirs / rss_ours;
  state.counters["tocsin_exit"] = verdict_ours;
  state.counters["promtool_exit"] = verdict_theirs;
}

void BM_Examples(benchmark::State& state) {
  std::vector<std::string> files;
  for (const auto& e :
       fs::directory_iterator(fs::path(TOCSIN_SOURCE_DIR) / "examples/rules/tests")) {
    if (e.path().extension() == ".yml") files.push_back(e.path().string());
  }
  std::sort(files.begin(), files.end());
  SideBySide(state, files);
}
BENCHMARK(BM_Examples)->UseManualTime()->Iterations(3)->Unit(benchmark::kMillisecond);

// 300 series over the metrics the 29 rules read (counters growing linearly, gauges varying),
// 6h at 1m, rules evaluated every minute.
std::string WriteLargeFile(const fs::path& dir) {
  fs::create_directories(dir);
  std::mt19937 rng(7);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const int steps = 6 * 60;
  const char* counters[] = {
      "anclora_analytics_messages_delivered_total", "anclora_analytics_messages_sent_total",
      "anclora_analytics_handoffs_total",           "anclora_analytics_messages_read_total",
      "anclora_analytics_conversions_total",        "anclora_business_leads_captured_total",
      "anclora_queue_messages_failed_total",        "anclora_queue_messages_processed_total",
      "anclora_whatsapp_webhooks_received_total",   "process_cpu_seconds_total",
      "anclora_whatsapp_rate_limit_hits_total"};
  const char* gauges[] = {"anclora_queue_waiting_messages",    "anclora_queue_dlq_messages",
                          "nodejs_heap_size_used_bytes",       "nodejs_eventloop_lag_seconds",
                          "anclora_whatsapp_active_instances", "redis_up"};
  const char* buckets[] = {"0.1", "0.5", "1", "2.5", "5", "+Inf"};
  std::ostringstream test;
  test << "rule_files:\n";
  for (const auto& e : fs::directory_iterator(fs::path(TOCSIN_SOURCE_DIR) / "examples/rules")) {
    if (e.path().extension() == ".yml") test << "  - " << e.path().string() << "\n";
  }
  test << "evaluation_interval: 1m\ntests:\n  - name: large\n    interval: 1m\n"
       << "    input_series:\n";
  int series = 0;
  auto counter = [&](const std::string& selector) {
    test << "      - series: '" << selector << "'\n        values: '" << uniform(0, 1000) << "+"
         << uniform(1, 20) << "x" << steps << "'\n";
    ++series;
  };
  for (int instance = 0; instance < 10; ++instance) {
    std::string inst = "instance=\"i";
    inst.append(std::to_string(instance)).append("\"");
    for (const char* c : counters) counter(std::string(c) + "{" + inst + "}");
    for (const char* g : gauges) {
      test << "      - series: '" << g << "{" << inst << "}'\n        values: '";
      for (int k = 0; k <= steps; ++k) test << (k ? " " : "") << uniform(0, 2);
      test << "'\n";
      ++series;
    }
    for (const char* le : buckets) {
      for (const char* h : {"anclora_queue_processing_duration_seconds_bucket",
                            "anclora_whatsapp_api_latency_seconds_bucket"}) {
        counter(std::string(h) + "{" + inst + ", le=\"" + le + "\"}");
      }
    }
  }
  // Assertions that hold in both tools, so that the run is a passing one: no sale data, so
  // HighValueSale stays silent; every gauge has a sample at the end.
  test << "    alert_rule_test:\n      - eval_time: 6h\n        alertname: HighValueSale\n"
       << "        exp_alerts: []\n    promql_expr_test:\n"
       << "      - expr: count(redis_up)\n        eval_time: 6h\n        exp_samples:\n"
       << "          - value: 10\n";
  const fs::path file = dir / "large_test.yml";
  std::ofstream(file) << test.str();
  (void)series;  // ~300
  return file.string();
}

void BM_LargeFile(benchmark::State& state) {
  std::string name = "tocsin_bench_";
  name.append(std::to_string(getpid()));
  const fs::path dir = fs::temp_directory_path() / name;
  const std::string file = WriteLargeFile(dir);
  SideBySide(state, {file});
  fs::remove_all(dir);
}
BENCHMARK(BM_LargeFile)->UseManualTime()->Iterations(2)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
