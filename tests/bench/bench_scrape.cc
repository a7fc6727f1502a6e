// Parsing throughput of the exposition parsers (engine/scrape). See docs/benchmarks.md.
//
//   BM_Parse/<format>           one 10k-sample exposition shaped like a real exporter's (40
//                               families, counters, gauges and histograms, 2-4 labels per
//                               series), Next() over every entry; items_per_second = samples/s.
//   BM_ParseLabels/<format>     the same, also building every series' Labels (what a scrape does
//                               for series it has not seen before).
#include <benchmark/benchmark.h>

#include <string>

#include "engine/scrape/exposition_parser.h"

namespace tocsin::scrape {
namespace {

constexpr int kSamples = 10'000;

std::string MakeExposition(bool open_metrics) {
  std::string out;
  int samples = 0;
  for (int family = 0; samples < kSamples; ++family) {
    const std::string name = "app_metric_" + std::to_string(family);
    const int kind = family % 3;  // counter, gauge, histogram
    out += "# HELP " + name + " Help text for family " + std::to_string(family) + ".\n";
    out += "# TYPE " + name + (kind == 0 ? " counter\n" : kind == 1 ? " gauge\n" : " histogram\n");
    for (int series = 0; series < 25 && samples < kSamples; ++series) {
      const std::string labels = "method=\"" + std::string(series % 2 ? "GET" : "POST") +
                                 "\",handler=\"/api/v1/endpoint" + std::to_string(series) +
                                 "\",instance_id=\"" + std::to_string(series * 7919) + "\"";
      if (kind == 2) {
        for (const char* le : {"0.005", "0.01", "0.05", "0.1", "0.5", "1", "5", "+Inf"}) {
          out += name + "_bucket{" + labels + ",le=\"" + le + "\"} " +
                 std::to_string(samples * 3 + 17) + "\n";
          ++samples;
        }
        out += name + "_sum{" + labels + "} 1234.5678\n";
        out += name + "_count{" + labels + "} " + std::to_string(samples) + "\n";
        samples += 2;
      } else {
        out += name + (kind == 0 ? "_total{" : "{") + labels + "} " +
               std::to_string(samples * 1.25) + (open_metrics ? " 1700000000.123\n" : " 1700000000123\n");
        ++samples;
      }
    }
  }
  if (open_metrics) out += "# EOF\n";
  return out;
}

void Run(benchmark::State& state, bool open_metrics, bool build_labels) {
  const std::string text = MakeExposition(open_metrics);
  const ExpositionFormat format =
      open_metrics ? ExpositionFormat::kOpenMetrics : ExpositionFormat::kPrometheusText;
  int64_t samples = 0;
  for (auto _ : state) {
    ExpositionParser p(text, format);
    for (Entry e; (e = p.Next()) != Entry::kEnd;) {
      if (e == Entry::kError) {
        state.SkipWithError(p.error().message.c_str());
        return;
      }
      if (e == Entry::kSeries) {
        ++samples;
        benchmark::DoNotOptimize(p.value());
        if (build_labels) benchmark::DoNotOptimize(p.labels());
      }
    }
  }
  state.SetItemsProcessed(samples);
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * text.size()));
  state.counters["samples"] = static_cast<double>(samples / std::max<int64_t>(1, state.iterations()));
}

void BM_Parse(benchmark::State& state) { Run(state, state.range(0) == 1, false); }
void BM_ParseLabels(benchmark::State& state) { Run(state, state.range(0) == 1, true); }

BENCHMARK(BM_Parse)->Arg(0)->Arg(1)->ArgName("openmetrics")->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ParseLabels)->Arg(0)->Arg(1)->ArgName("openmetrics")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tocsin::scrape

BENCHMARK_MAIN();
