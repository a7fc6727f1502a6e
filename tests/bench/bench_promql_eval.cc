// Instant-query latency of the 29 alert expressions of shared/spec/alert-rules.md, alone and
// all together, over a synthetic store of about 10k series shaped like the spec's metrics
// (counters, gauges and classic histograms with 12 buckets, several application instances),
// with one hour of samples at the 15 s scrape interval. Target: all 29 together <= 2 ms.
//
//   cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DTOCSIN_BUILD_BENCHMARKS=ON
//   cmake --build build/release --target bench_promql_eval -j2
//   build/release/tests/bench/bench_promql_eval
#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "engine/promql/engine.h"
#include "engine/promql/parser.h"
#include "storage/tsdb/appender.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::promql {
namespace {

constexpr DurationMs kInterval = 15 * kSecond;
constexpr int kSamplesPerSeries = 241;  // one hour and the sample at its start
constexpr TimestampMs kEvalTime = (kSamplesPerSeries - 1) * kInterval;

// The 29 expressions, in the spec's order.
const std::vector<std::string>& AlertExpressions() {
  static const std::vector<std::string> exprs = {
      "histogram_quantile(0.99, sum by (le) "
      "(rate(anclora_queue_processing_duration_seconds_bucket[5m]))) > 1",
      "histogram_quantile(0.99, sum by (le) "
      "(rate(anclora_queue_processing_duration_seconds_bucket[5m]))) > 0.5",
      "sum(anclora_queue_waiting_messages) > 50000",
      "sum(anclora_queue_waiting_messages) > 10000",
      "sum(rate(anclora_queue_messages_failed_total[5m])) / "
      "(sum(rate(anclora_queue_messages_processed_total[5m])) + "
      "sum(rate(anclora_queue_messages_failed_total[5m]))) > 0.05",
      "sum(rate(anclora_queue_messages_failed_total[5m])) / "
      "(sum(rate(anclora_queue_messages_processed_total[5m])) + "
      "sum(rate(anclora_queue_messages_failed_total[5m]))) > 0.01",
      "sum(anclora_queue_dlq_messages) > 1000",
      "sum(rate(anclora_queue_messages_processed_total[5m])) == 0 and "
      "sum(anclora_queue_waiting_messages) > 0",
      "sum(rate(anclora_analytics_messages_delivered_total[15m])) / "
      "sum(rate(anclora_analytics_messages_sent_total[15m])) < 0.5",
      "sum(rate(anclora_analytics_messages_delivered_total[15m])) / "
      "sum(rate(anclora_analytics_messages_sent_total[15m])) < 0.8",
      "histogram_quantile(0.95, sum by (le) "
      "(rate(anclora_analytics_response_time_seconds_bucket[15m]))) > 300",
      "sum(rate(anclora_analytics_handoffs_total[15m])) > 0.5",
      "sum(rate(anclora_analytics_messages_read_total[1h])) / "
      "sum(rate(anclora_analytics_messages_delivered_total[1h])) < 0.3",
      "max(anclora_whatsapp_active_instances) < 1",
      "histogram_quantile(0.95, sum by (le, endpoint) "
      "(rate(anclora_whatsapp_api_latency_seconds_bucket[5m]))) > 2",
      "sum(rate(anclora_whatsapp_api_calls_total{status_code=~\"5..\"}[5m])) > 0.1",
      "sum by (instance_name) (rate(anclora_whatsapp_rate_limit_hits_total[5m])) > 1",
      "sum(rate(anclora_whatsapp_webhooks_received_total[15m])) == 0 and "
      "max(anclora_whatsapp_active_instances) > 0",
      "histogram_quantile(0.95, sum by (le) "
      "(rate(anclora_redis_operation_duration_seconds_bucket[5m]))) > 0.01",
      "sum(anclora_redis_connections{state=\"active\"}) >= 20",
      "redis_up == 0",
      "nodejs_heap_size_used_bytes > 1073741824",
      "nodejs_heap_size_used_bytes > 805306368",
      "nodejs_eventloop_lag_seconds > 0.1",
      "rate(process_cpu_seconds_total[5m]) > 0.8",
      "1 - node_filesystem_avail_bytes{fstype!~\"tmpfs|overlay\"} / "
      "node_filesystem_size_bytes{fstype!~\"tmpfs|overlay\"} > 0.85",
      "sum(increase(anclora_analytics_conversions_total[1h])) == 0",
      "sum(rate(anclora_business_leads_captured_total[1h])) * 3600 < 0.1",
      "sum(increase(anclora_analytics_conversion_value_euros{conversion_type=\"sale\"}[5m])) > "
      "5000000",
  };
  return exprs;
}

struct LabelDim {
  std::string name;
  int values;
};

// Every combination of the dimensions' values ("name_0", "name_1", ...), plus instance/job.
std::vector<Labels> Combinations(const std::string& metric, const std::vector<LabelDim>& dims,
                                 int instances, const std::vector<Label>& extra = {}) {
  std::vector<Labels> out;
  std::vector<int> idx(dims.size(), 0);
  while (true) {
    for (int inst = 0; inst < instances; ++inst) {
      std::vector<Label> l = extra;
      l.push_back({"__name__", metric});
      l.push_back({"instance", "app-" + std::to_string(inst) + ":9464"});
      l.push_back({"job", "anclora"});
      for (size_t d = 0; d < dims.size(); ++d) {
        l.push_back({dims[d].name, dims[d].name + "_" + std::to_string(idx[d])});
      }
      out.push_back(Labels::FromVector(std::move(l)));
    }
    size_t d = 0;
    while (d < dims.size() && ++idx[d] == dims[d].values) idx[d++] = 0;
    if (d == dims.size()) break;
  }
  return out;
}

class Dataset {
 public:
  Dataset() : store_(storage::StoreOptions{2 * kHour, kInterval}) {
    constexpr int kInstances = 4;
    const std::vector<std::string> le = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                         "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};
    auto counter = [&](const std::string& m, const std::vector<LabelDim>& dims, double rate) {
      for (auto& l : Combinations(m, dims, kInstances)) AddCounter(l, rate);
    };
    auto gauge = [&](const std::string& m, const std::vector<LabelDim>& dims, double level) {
      for (auto& l : Combinations(m, dims, kInstances)) AddGauge(l, level);
    };
    auto histogram = [&](const std::string& m, const std::vector<LabelDim>& dims, double rate) {
      for (const auto& bound : le) {
        for (auto& l : Combinations(m + "_bucket", dims, kInstances, {{"le", bound}})) {
          // Lower buckets count a share of the observations.
          const double share = bound == "+Inf" ? 1.0 : std::min(1.0, std::stod(bound) * 2 + 0.1);
          AddCounter(l, rate * share);
        }
      }
      counter(m + "_sum", dims, rate * 0.3);
      counter(m + "_count", dims, rate);
    };

    const LabelDim message_type{"message_type", 8}, priority{"priority", 3};
    counter("anclora_queue_messages_total", {priority, message_type}, 2);
    counter("anclora_queue_messages_processed_total", {message_type}, 5);
    counter("anclora_queue_messages_failed_total", {message_type, {"error_type", 5}}, 0.05);
    histogram("anclora_queue_processing_duration_seconds", {message_type, priority}, 3);
    gauge("anclora_queue_waiting_messages", {priority}, 120);
    gauge("anclora_queue_active_messages", {}, 10);
    gauge("anclora_queue_dlq_messages", {}, 3);
    counter("anclora_queue_bulk_operations_total", {{"batch_size_range", 4}}, 0.2);
    counter("anclora_analytics_messages_sent_total", {message_type, {"campaign_id", 40}}, 0.5);
    counter("anclora_analytics_messages_received_total", {message_type}, 1);
    counter("anclora_analytics_messages_delivered_total", {}, 10);
    counter("anclora_analytics_messages_read_total", {}, 6);
    counter("anclora_analytics_conversions_total", {{"conversion_type", 4}, {"campaign_id", 40}},
            0.01);
    counter("anclora_analytics_conversion_value_euros", {{"conversion_type", 4}}, 50);
    gauge("anclora_analytics_active_conversations", {}, 40);
    histogram("anclora_analytics_response_time_seconds", {}, 2);
    counter("anclora_analytics_handoffs_total", {{"reason", 6}}, 0.02);
    counter("anclora_whatsapp_api_calls_total",
            {{"endpoint", 10}, {"method", 3}, {"status_code", 8}}, 0.3);
    histogram("anclora_whatsapp_api_latency_seconds", {{"endpoint", 10}, {"method", 3}}, 1);
    gauge("anclora_whatsapp_active_instances", {}, 4);
    counter("anclora_whatsapp_rate_limit_hits_total", {{"instance_name", 20}}, 0.01);
    counter("anclora_whatsapp_webhooks_received_total", {{"event_type", 6}, {"instance_name", 20}},
            0.4);
    counter("anclora_redis_operations_total", {{"operation", 10}, {"status", 2}}, 20);
    histogram("anclora_redis_operation_duration_seconds", {{"operation", 10}}, 20);
    gauge("anclora_redis_connections", {{"state", 2}}, 6);
    counter("anclora_bot_intents_total", {{"intent", 30}}, 0.3);
    histogram("anclora_bot_intent_confidence", {{"intent", 30}}, 0.3);
    counter("anclora_bot_automated_responses_total", {}, 1);
    counter("anclora_business_leads_captured_total", {{"source", 6}, {"quality", 3}}, 0.01);
    counter("anclora_business_appointments_scheduled_total", {{"type", 4}, {"source", 6}}, 0.005);
    histogram("anclora_business_property_inquiry_value_euros", {}, 0.1);
    gauge("anclora_business_sales_pipeline", {{"stage", 6}}, 30);
    for (int i = 0; i < 5; ++i) {
      AddGauge(Labels{{"__name__", "redis_up"},
                      {"instance", "redis-" + std::to_string(i) + ":9121"},
                      {"job", "redis"}},
               1);
    }
    gauge("nodejs_heap_size_used_bytes", {}, 4e8);
    gauge("nodejs_eventloop_lag_seconds", {}, 0.01);
    counter("process_cpu_seconds_total", {}, 0.3);
    for (int node = 0; node < 40; ++node) {
      for (int fs = 0; fs < 8; ++fs) {
        const std::string fstype = fs < 2 ? "tmpfs" : fs < 3 ? "overlay" : "ext4";
        for (const char* metric : {"node_filesystem_avail_bytes", "node_filesystem_size_bytes"}) {
          AddGauge(Labels{{"__name__", metric},
                          {"device", "/dev/sd" + std::string(1, static_cast<char>('a' + fs))},
                          {"fstype", fstype},
                          {"instance", "node-" + std::to_string(node) + ":9100"},
                          {"job", "node"},
                          {"mountpoint", "/mnt/" + std::to_string(fs)}},
                   std::string(metric) == "node_filesystem_size_bytes" ? 1e11 : 4e10);
        }
      }
    }
  }

  const storage::SeriesStore& store() const { return store_; }
  size_t num_series() const { return series_; }

 private:
  void AddCounter(const Labels& l, double rate) {
    storage::Appender app(store_);
    double v = rng_() % 1000;
    std::uniform_real_distribution<double> jitter(0.5, 1.5);
    for (int i = 0; i < kSamplesPerSeries; ++i) {
      (void)app.Append(l, i * kInterval, v);
      v += rate * 15 * jitter(rng_);
    }
    (void)app.Commit();
    ++series_;
  }
  void AddGauge(const Labels& l, double level) {
    storage::Appender app(store_);
    std::uniform_real_distribution<double> jitter(0.8, 1.2);
    for (int i = 0; i < kSamplesPerSeries; ++i) {
      (void)app.Append(l, i * kInterval, level * jitter(rng_));
    }
    (void)app.Commit();
    ++series_;
  }

  storage::SeriesStore store_;
  std::mt19937_64 rng_{42};
  size_t series_ = 0;
};

const Dataset& Data() {
  static const Dataset d;
  return d;
}

std::vector<ExprPtr> ParseAll() {
  std::vector<ExprPtr> out;
  for (const auto& s : AlertExpressions()) {
    auto e = ParseExpr(s);
    if (!e.ok()) {
      fprintf(stderr, "%s: %s\n", s.c_str(), e.message().c_str());
      abort();
    }
    out.push_back(std::move(*e));
  }
  return out;
}

void BM_AlertExpression(benchmark::State& state) {
  const Dataset& d = Data();
  auto exprs = ParseAll();
  const Expr& e = *exprs[static_cast<size_t>(state.range(0))];
  Engine engine;
  size_t results = 0;
  for (auto _ : state) {
    auto r = engine.InstantQuery(d.store(), e, kEvalTime);
    if (!r.ok()) state.SkipWithError(r.message().c_str());
    results = std::get<Vector>(r->value).size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["series"] = static_cast<double>(d.num_series());
  state.counters["results"] = static_cast<double>(results);
}
BENCHMARK(BM_AlertExpression)->DenseRange(0, 28)->Unit(benchmark::kMicrosecond);

void BM_AllAlertExpressions(benchmark::State& state) {
  const Dataset& d = Data();
  auto exprs = ParseAll();
  Engine engine;
  for (auto _ : state) {
    for (const auto& e : exprs) {
      auto r = engine.InstantQuery(d.store(), *e, kEvalTime);
      benchmark::DoNotOptimize(r);
    }
  }
  state.counters["series"] = static_cast<double>(d.num_series());
}
BENCHMARK(BM_AllAlertExpressions)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tocsin::promql

BENCHMARK_MAIN();
