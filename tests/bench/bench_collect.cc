// Benchmarks of the in-process collector (engine/collect). See docs/benchmarks.md.
//
//   BM_CollectRegistry      one whole collection of a prometheus-cpp registry of ~3.3k series
//                           (Registry::Collect, conversion, one appender batch); the figure is
//                           the time per collection, with items_per_second in samples/s.
//   BM_AppendFamilies       the same without Registry::Collect: tocsin's share alone.
//   BM_RegistryCollectOnly  Registry::Collect alone: prometheus-cpp's share.
//   BM_TextRoundTrip        serialising the same registry and parsing the text back, which is
//                           what an HTTP scrape would spend on top of the network, for scale.
//   BM_FirstCollection      a collection into an empty store (series creation, label building).
#include <benchmark/benchmark.h>
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <memory>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "engine/collect/registry_collector.h"
#include "engine/scrape/exposition_parser.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::collect {
namespace {

constexpr DurationMs kInterval = 15 * kSecond;

// prefix + number + suffix (GCC 12 warns falsely on chains of std::string operator+ at -O2).
std::string Name(std::string_view prefix, int n, std::string_view suffix = "") {
  std::string out(prefix);
  out += std::to_string(n);
  out += suffix;
  return out;
}

// 10 counter and 5 gauge families of 20 children, and 10 histogram families of 20 children with
// 12 buckets: 200 + 100 + 10 x 20 x 15 = 3,300 series, shaped like a busy service's registry.
std::shared_ptr<prometheus::Registry> MakeRegistry() {
  auto registry = std::make_shared<prometheus::Registry>();
  const prometheus::Histogram::BucketBoundaries buckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                        0.1,   0.25,   0.5,   1,    2.5,   5};
  for (int f = 0; f < 10; ++f) {
    auto& counters = prometheus::BuildCounter()
                         .Name(Name("service_events_", f, "_total"))
                         .Help("Events.")
                         .Register(*registry);
    auto& histograms = prometheus::BuildHistogram()
                           .Name(Name("service_latency_", f, "_seconds"))
                           .Help("Latency.")
                           .Register(*registry);
    for (int c = 0; c < 20; ++c) {
      const prometheus::Labels labels{{"endpoint", Name("/api/v1/e", c)},
                                      {"method", c % 2 ? "GET" : "POST"}};
      counters.Add(labels).Increment(c * 7 + f);
      auto& h = histograms.Add(labels, buckets);
      for (int k = 0; k < 20; ++k) h.Observe(0.0007 * (k + 1) * (c + 1));
    }
  }
  for (int f = 0; f < 5; ++f) {
    auto& gauges = prometheus::BuildGauge()
                       .Name(Name("service_level_", f))
                       .Help("Levels.")
                       .Register(*registry);
    for (int c = 0; c < 20; ++c) {
      gauges.Add({{"pool", Name("p", c)}}).Set(c * 1.5);
    }
  }
  return registry;
}

CollectorOptions Options() {
  return {.target_labels = Labels{{"job", "anclora"}, {"instance", "edge-1:9464"}}};
}

void BM_CollectRegistry(benchmark::State& state) {
  auto registry = MakeRegistry();
  storage::SeriesStore store;
  RegistryCollector collector(store, Options());
  TimestampMs t = 0;
  size_t samples = collector.Collect(*registry, t).samples;
  for (auto _ : state) {
    t += kInterval;
    benchmark::DoNotOptimize(collector.Collect(*registry, t));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * samples));
  state.counters["series"] = static_cast<double>(samples);
}
BENCHMARK(BM_CollectRegistry)->Unit(benchmark::kMicrosecond);

void BM_AppendFamilies(benchmark::State& state) {
  auto registry = MakeRegistry();
  const std::vector<prometheus::MetricFamily> families = registry->Collect();
  storage::SeriesStore store;
  RegistryCollector collector(store, Options());
  TimestampMs t = 0;
  size_t samples = collector.Append(families, t).samples;
  for (auto _ : state) {
    t += kInterval;
    benchmark::DoNotOptimize(collector.Append(families, t));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * samples));
}
BENCHMARK(BM_AppendFamilies)->Unit(benchmark::kMicrosecond);

void BM_RegistryCollectOnly(benchmark::State& state) {
  auto registry = MakeRegistry();
  for (auto _ : state) benchmark::DoNotOptimize(registry->Collect());
}
BENCHMARK(BM_RegistryCollectOnly)->Unit(benchmark::kMicrosecond);

void BM_TextRoundTrip(benchmark::State& state) {
  auto registry = MakeRegistry();
  size_t samples = 0;
  for (auto _ : state) {
    std::ostringstream out;
    prometheus::TextSerializer().Serialize(out, registry->Collect());
    const std::string text = out.str();
    scrape::ExpositionParser parser(text, scrape::ExpositionFormat::kPrometheusText);
    samples = 0;
    for (scrape::Entry e = parser.Next(); e != scrape::Entry::kEnd; e = parser.Next()) {
      if (e == scrape::Entry::kSeries) {
        benchmark::DoNotOptimize(parser.labels());
        ++samples;
      }
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * samples));
}
BENCHMARK(BM_TextRoundTrip)->Unit(benchmark::kMicrosecond);

void BM_FirstCollection(benchmark::State& state) {
  auto registry = MakeRegistry();
  for (auto _ : state) {
    state.PauseTiming();
    auto store = std::make_unique<storage::SeriesStore>();
    auto collector = std::make_unique<RegistryCollector>(*store, Options());
    state.ResumeTiming();
    benchmark::DoNotOptimize(collector->Collect(*registry, 0));
    state.PauseTiming();
    collector.reset();
    store.reset();
    state.ResumeTiming();
  }
}
BENCHMARK(BM_FirstCollection)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tocsin::collect

BENCHMARK_MAIN();
