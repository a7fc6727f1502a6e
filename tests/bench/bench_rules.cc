// Benchmarks of rule evaluation (rules/). See docs/benchmarks.md.
//
//   BM_EvalCycle/<series>   one evaluation cycle of the 29 shipped rules (examples/rules, six
//                           groups) over synthetic series shaped like the spec's metrics: every
//                           metric the rules read, with instances, message types, endpoints,
//                           status codes and histogram buckets, 2h of samples every 15s. The
//                           figure is the time per cycle; `alerts` counts the alerts it yields.
//   BM_AlertStateMachine    the state machine alone: one alerting rule whose expression returns
//                           N samples, so each cycle updates N alerts and writes 2N series.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "engine/promql/engine.h"
#include "engine/promql/parser.h"
#include "rules/engine_query.h"
#include "rules/group_loader.h"
#include "rules/prometheus_template_expander.h"
#include "storage/tsdb/appender.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::rules {
namespace {

namespace fs = std::filesystem;

constexpr DurationMs kInterval = 15 * kSecond;
constexpr DurationMs kHistory = 2 * kHour;

struct MetricShape {
  std::string name;
  std::vector<std::vector<Label>> label_sets;  // one series per entry
  bool counter = true;
};

std::vector<Label> With(std::vector<Label> base, std::string name, std::string value) {
  base.push_back({std::move(name), std::move(value)});
  return base;
}

// The series the 29 rules read, multiplied by instances until about `target` series exist.
std::vector<MetricShape> Shapes(int target) {
  const std::vector<std::string> buckets = {"0.005", "0.01", "0.025", "0.05", "0.1", "0.25",
                                            "0.5",   "1",    "2.5",   "5",    "10",  "+Inf"};
  const std::vector<std::string> message_types = {"text", "image", "audio", "template"};
  const std::vector<std::string> endpoints = {"/messages", "/media", "/contacts", "/templates"};
  std::vector<MetricShape> shapes;
  auto simple = [&](std::string name, bool counter, std::vector<std::vector<Label>> sets = {{}}) {
    shapes.push_back({std::move(name), std::move(sets), counter});
  };
  auto histogram = [&](std::string name, const std::vector<std::vector<Label>>& dims) {
    std::vector<std::vector<Label>> sets;
    for (const auto& d : dims)
      for (const auto& le : buckets) sets.push_back(With(d, "le", le));
    shapes.push_back({name + "_bucket", std::move(sets), true});
  };
  std::vector<std::vector<Label>> by_type;
  for (const auto& t : message_types) by_type.push_back({{"message_type", t}});
  std::vector<std::vector<Label>> by_endpoint;
  for (const auto& e : endpoints) by_endpoint.push_back({{"endpoint", e}});

  for (const char* c :
       {"anclora_analytics_messages_delivered_total", "anclora_analytics_messages_sent_total",
        "anclora_analytics_handoffs_total", "anclora_analytics_messages_read_total",
        "anclora_analytics_conversions_total", "anclora_business_leads_captured_total",
        "anclora_queue_messages_failed_total", "anclora_queue_messages_processed_total",
        "anclora_whatsapp_webhooks_received_total", "process_cpu_seconds_total"}) {
    simple(c, true, by_type);
  }
  simple("anclora_analytics_conversion_value_euros", true,
         {{{"conversion_type", "sale"}}, {{"conversion_type", "lead"}}});
  simple("anclora_whatsapp_api_calls_total", true,
         {{{"status_code", "200"}}, {{"status_code", "429"}}, {{"status_code", "503"}}});
  simple("anclora_whatsapp_rate_limit_hits_total", true, {{{"instance_name", "main"}}});
  histogram("anclora_analytics_response_time_seconds", {{}});
  histogram("anclora_queue_processing_duration_seconds", by_type);
  histogram("anclora_redis_operation_duration_seconds", {{}});
  histogram("anclora_whatsapp_api_latency_seconds", by_endpoint);
  for (const char* g : {"anclora_queue_waiting_messages", "anclora_queue_dlq_messages", "redis_up",
                        "nodejs_heap_size_used_bytes", "nodejs_eventloop_lag_seconds",
                        "anclora_whatsapp_active_instances"}) {
    simple(g, false);
  }
  simple("anclora_redis_connections", false, {{{"state", "active"}}, {{"state", "idle"}}});
  simple(
      "node_filesystem_avail_bytes", false,
      {{{"fstype", "ext4"}, {"mountpoint", "/"}}, {{"fstype", "tmpfs"}, {"mountpoint", "/run"}}});
  simple(
      "node_filesystem_size_bytes", false,
      {{{"fstype", "ext4"}, {"mountpoint", "/"}}, {{"fstype", "tmpfs"}, {"mountpoint", "/run"}}});

  size_t per_instance = 0;
  for (const auto& s : shapes) per_instance += s.label_sets.size();
  const int instances = std::max<int>(1, target / static_cast<int>(per_instance));
  for (auto& s : shapes) {
    std::vector<std::vector<Label>> sets;
    for (int i = 0; i < instances; ++i) {
      for (const auto& l : s.label_sets) {
        // (Appended piecewise: GCC 12 warns falsely on chains of operator+ at -O2.)
        std::string instance = "10.0.";
        instance.append(std::to_string(i / 250)).append(".");
        instance.append(std::to_string(i % 250)).append(":9100");
        sets.push_back(With(l, "instance", std::move(instance)));
      }
    }
    s.label_sets = std::move(sets);
  }
  return shapes;
}

// A store holding kHistory of samples for every series of `shapes`, ending at `end`.
size_t Fill(storage::SeriesStore& store, const std::vector<MetricShape>& shapes, TimestampMs end) {
  std::mt19937 rng(1);
  std::uniform_real_distribution<double> noise(0, 1);
  size_t series = 0;
  storage::Appender app(store);
  for (const MetricShape& m : shapes) {
    for (const auto& extra : m.label_sets) {
      std::vector<Label> l = extra;
      l.push_back({"__name__", m.name});
      l.push_back({"job", "anclora"});
      Labels labels = Labels::FromVector(std::move(l));
      const double rate = 1 + 10 * noise(rng);
      double v = m.counter ? 1000 * noise(rng) : 100 * noise(rng);
      Result<storage::SeriesRef> ref = app.Append(labels, end - kHistory, v);
      for (TimestampMs t = end - kHistory + kInterval; t <= end; t += kInterval) {
        v = m.counter ? v + rate * 15 : 100 * noise(rng);
        app.Append(*ref, t, v);
      }
      ++series;
      if (app.pending() > 100'000) app.Commit();
    }
  }
  app.Commit();
  return series;
}

void BM_EvalCycle(benchmark::State& state) {
  const TimestampMs end = 1'700'000'000'000;
  storage::SeriesStore store(storage::StoreOptions{3 * kHour, kInterval});
  const size_t series = Fill(store, Shapes(static_cast<int>(state.range(0))), end);

  std::vector<std::string> files;
  for (const auto& e : fs::directory_iterator(fs::path(TOCSIN_SOURCE_DIR) / "examples/rules")) {
    if (e.path().extension() == ".yml") files.push_back(e.path().string());
  }
  GroupLoadOptions lo;
  lo.files.template_check = PrometheusTemplateParseCheck();
  LoadedGroups loaded = LoadGroups(files, lo);
  if (!loaded.ok()) {
    state.SkipWithError(loaded.errors.front().c_str());
    return;
  }
  const promql::Engine engine;
  const QueryFunc query = MakeEngineQueryFunc(engine, store);
  TemplateExpanderOptions to;
  to.query = MakeTemplateQueryFunc(engine, store);
  const PrometheusTemplateExpander expander(std::move(to));
  GroupEvalContext ctx;
  ctx.query = &query;
  ctx.store = &store;
  ctx.expander = &expander;

  size_t rules = 0;
  for (const auto& g : loaded.groups) rules += g->rules().size();
  TimestampMs ts = end;
  for (auto _ : state) {
    for (auto& g : loaded.groups) g->Eval(ts, ctx);
  }
  size_t alerts = 0;
  for (const auto& g : loaded.groups) {
    for (const auto& r : g->rules()) {
      if (r->is_alerting()) alerts += r->alerting()->ActiveAlerts().size();
      if (r->status().health != RuleHealth::kOk)
        state.SkipWithError(r->status().last_error.c_str());
    }
  }
  state.counters["series"] = static_cast<double>(series);
  state.counters["rules"] = static_cast<double>(rules);
  state.counters["alerts"] = static_cast<double>(alerts);
}
BENCHMARK(BM_EvalCycle)->Arg(10'000)->Unit(benchmark::kMillisecond);

void BM_AlertStateMachine(benchmark::State& state) {
  const int n = static_cast<int>(state.range(0));
  promql::Vector samples;
  for (int i = 0; i < n; ++i) {
    std::string instance = "i";
    instance.append(std::to_string(i));
    samples.push_back({Labels{{"__name__", "up"}, {"instance", instance}}, 0, 1});
  }
  AlertingRule rule(AlertingRuleSpec{"Down",
                                     std::move(promql::ParseExpr("up == 0")).value(),
                                     5 * kMinute,
                                     0,
                                     Labels{{"severity", "page"}},
                                     Labels{{"summary", "instance down"}},
                                     {}});
  const QueryFunc query = [&](const promql::Expr&, TimestampMs t) -> Result<promql::Vector> {
    promql::Vector v = samples;
    for (auto& s : v) s.t = t;
    return v;
  };
  TimestampMs ts = 0;
  for (auto _ : state) {
    auto out = rule.Eval(ts, 0, query, nullptr, 0);
    benchmark::DoNotOptimize(out);
    ts += kInterval;
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK(BM_AlertStateMachine)->Arg(100)->Arg(10'000)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace tocsin::rules

BENCHMARK_MAIN();
