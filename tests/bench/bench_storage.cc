// Benchmarks of the in-memory series store (storage/tsdb). See docs/benchmarks.md.
//
//   BM_AppendByRef          batched appends into existing series by cached ref; the figure is
//                           items_per_second (samples/s), per thread count.
//   BM_AppendByLabels       the same through the label-hashing path.
//   BM_Memory/<shape>       resident heap for 10k series x 2h at 15s, measured with mallinfo2
//                           (every allocation: rings, series, index, symbols, tables, allocator
//                           overhead) and split into bytes/sample and bytes/series by comparing
//                           with the same series kept for 1h.
//   BM_Select/<selector>    Select latency over that data set, for a 5m window (what an
//                           instant selector reads) and for the full 2h.
#include <benchmark/benchmark.h>
#include <malloc.h>
#include <time.h>

#include <atomic>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "storage/tsdb/appender.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::storage {
namespace {

constexpr int kSeries = 10'000;
constexpr DurationMs kInterval = 15 * kSecond;

// Appends pieces; (GCC 12 warns falsely on chains of std::string operator+ at -O2.)
std::string Cat(std::initializer_list<std::string_view> parts) {
  std::string out;
  for (std::string_view p : parts) out.append(p);
  return out;
}

// 10k series shaped like the spec's metrics: 40 metric names, each with 25 instances and 10
// values of a metric-specific label ("message_type", "endpoint", ...), job fixed.
std::vector<Labels> MakeSeriesLabels(int n, bool unique_id_label) {
  static const char* kSecondLabel[] = {"message_type", "endpoint", "priority", "state",
                                       "status_code"};
  std::vector<Labels> out;
  out.reserve(n);
  for (int i = 0; i < n; ++i) {
    const int metric = i / 250;
    const int instance = (i / 10) % 25;
    const int second = i % 10;
    std::vector<Label> l{
        {"__name__", Cat({"anclora_metric_", std::to_string(metric), "_total"})},
        {"instance",
         Cat({"10.0.", std::to_string(instance / 10), ".", std::to_string(instance), ":9100"})},
        {"job", "anclora"},
        {kSecondLabel[metric % 5], Cat({"value_", std::to_string(second)})},
    };
    if (unique_id_label) l.push_back({"series_id", Cat({"s", std::to_string(i)})});
    out.push_back(Labels::FromVector(std::move(l)));
  }
  return out;
}

size_t HeapInUse() {
  return mallinfo2().uordblks;
}

// --- Append throughput ---------------------------------------------------------------------------

// One store shared by the benchmark's threads; each thread appends to its own 10k series.
std::unique_ptr<SeriesStore> g_store;
std::atomic<int> g_ready{0};
// The scrape clock shared by the threads: each batch takes the next tick, so no thread falls a
// retention behind the others (which would make its samples too_old).
std::atomic<TimestampMs> g_clock{0};

double ThreadCpuSeconds() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

void BM_AppendByRef(benchmark::State& state) {
  if (state.thread_index() == 0) {
    g_ready = 0;
    g_store = std::make_unique<SeriesStore>(StoreOptions{2 * kHour, kInterval});
    g_clock = 0;
    g_ready = 1;
  }
  while (g_ready.load() == 0) {
  }
  SeriesStore& store = *g_store;
  Appender app(store);
  std::vector<SeriesRef> refs;
  const int n = static_cast<int>(state.range(0));
  std::vector<Labels> labels = MakeSeriesLabels(n, false);
  for (Labels& l : labels) {
    LabelsBuilder b(l);
    b.set("thread", std::to_string(state.thread_index()));
    refs.push_back(*app.Append(b.labels(), 0, 0));
  }
  app.Commit();
  uint64_t rejected = 0;
  const double cpu_start = ThreadCpuSeconds();
  for (auto _ : state) {
    const TimestampMs t = g_clock.fetch_add(kInterval) + kInterval;
    for (SeriesRef ref : refs) app.Append(ref, t, static_cast<double>(t));
    rejected += app.Commit().counts.rejected();
  }
  const double cpu = ThreadCpuSeconds() - cpu_start;
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["rejected"] = static_cast<double>(rejected);
  // Samples per second of CPU time of one appending thread: the per-core figure, which a
  // busy machine does not distort the way wall-clock time is.
  state.counters["per_core_samples_per_s"] = benchmark::Counter(
      static_cast<double>(state.iterations()) * n / cpu, benchmark::Counter::kAvgThreads);
}
// 1k series: rings stay in the CPU caches; 10k series x 2h: 77 MB of rings, memory-bound.
BENCHMARK(BM_AppendByRef)
    ->ArgName("series")
    ->Arg(1000)
    ->Arg(kSeries)
    ->Threads(1)
    ->Threads(2)
    ->UseRealTime()
    ->Unit(benchmark::kMicrosecond);

void BM_AppendByLabels(benchmark::State& state) {
  SeriesStore store(StoreOptions{2 * kHour, kInterval});
  Appender app(store);
  const std::vector<Labels> labels = MakeSeriesLabels(kSeries, false);
  for (const Labels& l : labels) (void)app.Append(l, 0, 0);
  app.Commit();
  TimestampMs t = 0;
  for (auto _ : state) {
    t += kInterval;
    for (const Labels& l : labels) (void)app.Append(l, t, static_cast<double>(t));
    app.Commit();
  }
  state.SetItemsProcessed(state.iterations() * kSeries);
}
BENCHMARK(BM_AppendByLabels)->Unit(benchmark::kMillisecond);

// --- Memory --------------------------------------------------------------------------------------

struct Filled {
  std::unique_ptr<SeriesStore> store;
  size_t samples = 0;
};

Filled Fill(const std::vector<Labels>& labels, DurationMs span) {
  Filled f;
  f.store = std::make_unique<SeriesStore>(StoreOptions{span, kInterval});
  Appender app(*f.store);
  std::vector<SeriesRef> refs;
  for (const Labels& l : labels) refs.push_back(*app.Append(l, 0, 0));
  app.Commit();
  for (TimestampMs t = kInterval; t <= span; t += kInterval) {
    for (SeriesRef ref : refs) app.Append(ref, t, static_cast<double>(t));
    app.Commit();
  }
  f.store->GarbageCollect(span);
  f.samples = f.store->Stats().samples;
  return f;
}

void BM_Memory(benchmark::State& state) {
  const bool unique = state.range(0) != 0;
  const std::vector<Labels> labels = MakeSeriesLabels(kSeries, unique);
  size_t bytes_2h = 0, bytes_1h = 0, samples_2h = 0, samples_1h = 0, estimate = 0;
  for (auto _ : state) {
    malloc_trim(0);
    size_t before = HeapInUse();
    Filled two = Fill(labels, 2 * kHour);
    bytes_2h = HeapInUse() - before;
    samples_2h = two.samples;
    estimate = two.store->Stats().memory_bytes;
    two.store.reset();
    malloc_trim(0);
    before = HeapInUse();
    Filled one = Fill(labels, kHour);
    bytes_1h = HeapInUse() - before;
    samples_1h = one.samples;
  }
  // Two points of bytes = series * per_series + samples * per_sample.
  const double per_sample =
      static_cast<double>(bytes_2h - bytes_1h) / static_cast<double>(samples_2h - samples_1h);
  const double per_series =
      (static_cast<double>(bytes_2h) - per_sample * static_cast<double>(samples_2h)) / kSeries;
  state.counters["heap_bytes"] = static_cast<double>(bytes_2h);
  state.counters["samples"] = static_cast<double>(samples_2h);
  state.counters["bytes_per_sample"] = per_sample;
  state.counters["bytes_per_series"] = per_series;
  state.counters["total_bytes_per_sample"] =
      static_cast<double>(bytes_2h) / static_cast<double>(samples_2h);
  state.counters["estimate_bytes"] = static_cast<double>(estimate);
}
BENCHMARK(BM_Memory)
    ->Arg(0)
    ->ArgName("unique_label")
    ->Arg(1)
    ->Iterations(1)
    ->Unit(benchmark::kMillisecond);

// --- Select --------------------------------------------------------------------------------------

const Filled& SelectData() {
  static const Filled data = Fill(MakeSeriesLabels(kSeries, false), 2 * kHour);
  return data;
}

LabelMatcher Matcher(MatchType t, const std::string& name, const std::string& value) {
  return LabelMatcher::Make(t, name, value).value();
}

void RunSelect(benchmark::State& state, std::vector<LabelMatcher> matchers) {
  const SeriesStore& store = *SelectData().store;
  const TimestampMs end = 2 * kHour;
  const TimestampMs start = state.range(0) ? 0 : end - 5 * kMinute;
  size_t series = 0, samples = 0;
  for (auto _ : state) {
    SeriesSet s = store.Select(matchers, start, end);
    series = s.size();
    samples = s.t.size();
    benchmark::DoNotOptimize(s);
  }
  state.counters["series"] = static_cast<double>(series);
  state.counters["samples"] = static_cast<double>(samples);
}

void BM_Select_Name(benchmark::State& state) {
  RunSelect(state, {Matcher(MatchType::kEqual, "__name__", "anclora_metric_7_total")});
}
void BM_Select_NameAndLabel(benchmark::State& state) {
  RunSelect(state, {Matcher(MatchType::kEqual, "__name__", "anclora_metric_7_total"),
                    Matcher(MatchType::kEqual, "instance", "10.0.1.12:9100")});
}
void BM_Select_NameAndRegex(benchmark::State& state) {
  RunSelect(state, {Matcher(MatchType::kEqual, "__name__", "anclora_metric_7_total"),
                    Matcher(MatchType::kRegexp, "instance", "10\\.0\\.1\\..*")});
}
void BM_Select_NameAndAlternation(benchmark::State& state) {
  RunSelect(state, {Matcher(MatchType::kEqual, "__name__", "anclora_metric_7_total"),
                    Matcher(MatchType::kRegexp, "priority", "value_1|value_2")});
}
void BM_Select_NameAndNegative(benchmark::State& state) {
  RunSelect(state, {Matcher(MatchType::kEqual, "__name__", "anclora_metric_7_total"),
                    Matcher(MatchType::kNotRegexp, "priority", "value_1|value_2")});
}
void BM_Select_OneSeries(benchmark::State& state) {
  RunSelect(state, {Matcher(MatchType::kEqual, "__name__", "anclora_metric_7_total"),
                    Matcher(MatchType::kEqual, "instance", "10.0.1.12:9100"),
                    Matcher(MatchType::kEqual, "priority", "value_3")});
}
void BM_Select_NameRegexOnly(benchmark::State& state) {
  RunSelect(state, {Matcher(MatchType::kRegexp, "__name__", "anclora_metric_1.*")});
}
BENCHMARK(BM_Select_Name)->Arg(0)->Arg(1)->ArgName("full_2h")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Select_NameAndLabel)->Arg(0)->ArgName("full_2h")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Select_NameAndRegex)->Arg(0)->ArgName("full_2h")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Select_NameAndAlternation)->Arg(0)->ArgName("full_2h")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Select_NameAndNegative)->Arg(0)->ArgName("full_2h")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Select_OneSeries)->Arg(0)->ArgName("full_2h")->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Select_NameRegexOnly)->Arg(0)->ArgName("full_2h")->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tocsin::storage

BENCHMARK_MAIN();
