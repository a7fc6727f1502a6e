// Parse time of PromQL expressions: the 29 alert expressions of the spec
// (../shared/spec/alert-rules.md), one benchmark each, plus all of them in one loop.
// Rules are parsed once at load, so this bounds rule-file load time, not evaluation.
//
// Run: cmake --build build/release --target bench_promql_parse &&
//      build/release/tests/bench/bench_promql_parse
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "engine/promql/parser.h"

namespace {

struct AlertExpression {
  const char* alert;
  const char* expr;
};

// Copied from the spec's rule table (as the shipped rule files write them).
const std::vector<AlertExpression>& Expressions() {
  static const std::vector<AlertExpression> list = {
      {"CriticalQueueLatency",
       R"(histogram_quantile(0.99, sum by (le) (rate(anclora_queue_processing_duration_seconds_bucket[5m]))) > 1)"},
      {"HighQueueLatency",
       R"(histogram_quantile(0.99, sum by (le) (rate(anclora_queue_processing_duration_seconds_bucket[5m]))) > 0.5)"},
      {"CriticalQueueBacklog", R"(sum(anclora_queue_waiting_messages) > 50000)"},
      {"HighQueueBacklog", R"(sum(anclora_queue_waiting_messages) > 10000)"},
      {"CriticalQueueErrorRate",
       R"(sum(rate(anclora_queue_messages_failed_total[5m])) / (sum(rate(anclora_queue_messages_processed_total[5m])) + sum(rate(anclora_queue_messages_failed_total[5m]))) > 0.05)"},
      {"HighQueueErrorRate",
       R"(sum(rate(anclora_queue_messages_failed_total[5m])) / (sum(rate(anclora_queue_messages_processed_total[5m])) + sum(rate(anclora_queue_messages_failed_total[5m]))) > 0.01)"},
      {"HighDLQMessages", R"(sum(anclora_queue_dlq_messages) > 1000)"},
      {"QueueProcessingStopped",
       R"(sum(rate(anclora_queue_messages_processed_total[5m])) == 0 and sum(anclora_queue_waiting_messages) > 0)"},
      {"CriticalDeliveryRate",
       R"(sum(rate(anclora_analytics_messages_delivered_total[15m])) / sum(rate(anclora_analytics_messages_sent_total[15m])) < 0.5)"},
      {"LowDeliveryRate",
       R"(sum(rate(anclora_analytics_messages_delivered_total[15m])) / sum(rate(anclora_analytics_messages_sent_total[15m])) < 0.8)"},
      {"HighResponseTime",
       R"(histogram_quantile(0.95, sum by (le) (rate(anclora_analytics_response_time_seconds_bucket[15m]))) > 300)"},
      {"HighHandoffRate", R"(sum(rate(anclora_analytics_handoffs_total[15m])) > 0.5)"},
      {"LowReadRate",
       R"(sum(rate(anclora_analytics_messages_read_total[1h])) / sum(rate(anclora_analytics_messages_delivered_total[1h])) < 0.3)"},
      {"NoActiveInstances", R"(max(anclora_whatsapp_active_instances) < 1)"},
      {"HighWhatsAppAPILatency",
       R"(histogram_quantile(0.95, sum by (le, endpoint) (rate(anclora_whatsapp_api_latency_seconds_bucket[5m]))) > 2)"},
      {"WhatsAppAPIErrors",
       R"(sum(rate(anclora_whatsapp_api_calls_total{status_code=~"5.."}[5m])) > 0.1)"},
      {"WhatsAppRateLimitHit",
       R"(sum by (instance_name) (rate(anclora_whatsapp_rate_limit_hits_total[5m])) > 1)"},
      {"WhatsAppWebhooksStopped",
       R"(sum(rate(anclora_whatsapp_webhooks_received_total[15m])) == 0 and max(anclora_whatsapp_active_instances) > 0)"},
      {"HighRedisLatency",
       R"(histogram_quantile(0.95, sum by (le) (rate(anclora_redis_operation_duration_seconds_bucket[5m]))) > 0.01)"},
      {"RedisConnectionPoolExhausted", R"(sum(anclora_redis_connections{state="active"}) >= 20)"},
      {"RedisDown", R"(redis_up == 0)"},
      {"CriticalMemoryUsage", R"(nodejs_heap_size_used_bytes > 1073741824)"},
      {"HighMemoryUsage", R"(nodejs_heap_size_used_bytes > 805306368)"},
      {"HighEventLoopLag", R"(nodejs_eventloop_lag_seconds > 0.1)"},
      {"HighCPUUsage", R"(rate(process_cpu_seconds_total[5m]) > 0.8)"},
      {"HighDiskUsage",
       R"(1 - node_filesystem_avail_bytes{fstype!~"tmpfs|overlay"} / node_filesystem_size_bytes{fstype!~"tmpfs|overlay"} > 0.85)"},
      {"NoConversionsToday", R"(sum(increase(anclora_analytics_conversions_total[1h])) == 0)"},
      {"LowLeadCaptureRate",
       R"(sum(rate(anclora_business_leads_captured_total[1h])) * 3600 < 0.1)"},
      {"HighValueSale",
       R"(sum(increase(anclora_analytics_conversion_value_euros{conversion_type="sale"}[5m])) > 5000000)"},
  };
  return list;
}

void BM_ParseOne(benchmark::State& state) {
  const AlertExpression& e = Expressions()[static_cast<size_t>(state.range(0))];
  state.SetLabel(e.alert);
  for (auto _ : state) {
    auto r = tocsin::promql::ParseExpr(e.expr);
    if (!r.ok()) {
      state.SkipWithError(r.message().c_str());
      break;
    }
    benchmark::DoNotOptimize(r);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) *
                          static_cast<int64_t>(std::string(e.expr).size()));
}
BENCHMARK(BM_ParseOne)->DenseRange(0, 28);

void BM_ParseAll29(benchmark::State& state) {
  for (auto _ : state) {
    for (const auto& e : Expressions()) {
      auto r = tocsin::promql::ParseExpr(e.expr);
      benchmark::DoNotOptimize(r);
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 29);
}
BENCHMARK(BM_ParseAll29);

void BM_PrintAll29(benchmark::State& state) {
  std::vector<tocsin::promql::ExprPtr> parsed;
  for (const auto& e : Expressions()) {
    parsed.push_back(std::move(tocsin::promql::ParseExpr(e.expr)).value());
  }
  for (auto _ : state) {
    for (const auto& p : parsed) benchmark::DoNotOptimize(tocsin::promql::ExprString(*p));
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 29);
}
BENCHMARK(BM_PrintAll29);

}  // namespace

BENCHMARK_MAIN();
