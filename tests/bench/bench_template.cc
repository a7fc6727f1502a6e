// Go text/template execution: alert annotations are parsed once at rule load and executed at
// every evaluation for every firing alert, so execution time and allocations per execution are
// what matter; parsing is measured too because it bounds rule-file load time.
//
// `allocs_per_exec` counts calls to operator new per execution (the output string included).
//
// Run: cmake --build build/release --target bench_template -j2 &&
//      build/release/tests/bench/bench_template
// The replacement operator new/delete below are plain malloc/free; GCC sees them inlined into
// the same translation unit and reports the (correct) pairing as a mismatch.
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"

#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <string>
#include <utility>
#include <vector>

#include "engine/template/template.h"
#include "engine/template/value.h"
#include "notifiers/template_functions.h"
#include "rules/alert_template.h"
#include "rules/template_functions.h"
#include "storage/base/labels.h"

namespace {

std::atomic<long> g_allocations{0};

}  // namespace

// Counting every allocation of the program is the only way to see the executor's own ones
// (strings, vectors and maps inside the library are not otherwise observable).
void* operator new(std::size_t size) {
  g_allocations.fetch_add(1, std::memory_order_relaxed);
  if (size == 0) size = 1;
  if (void* p = std::malloc(size)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept {
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  std::free(p);
}

namespace {

using tocsin::Labels;
namespace tmpl = tocsin::tmpl;
namespace rules = tocsin::rules;
namespace notifiers = tocsin::notifiers;

// Reports allocations per iteration over the timed loop.
class AllocationCounter {
 public:
  AllocationCounter() : start_(g_allocations.load(std::memory_order_relaxed)) {}
  void Report(benchmark::State& state) const {
    long n = g_allocations.load(std::memory_order_relaxed) - start_;
    state.counters["allocs_per_exec"] =
        benchmark::Counter(static_cast<double>(n) / static_cast<double>(state.iterations()));
  }

 private:
  long start_;
};

Labels AlertLabels() {
  return Labels{{"__name__", "anclora_queue_waiting_messages"},
                {"alertname", "CriticalQueueBacklog"},
                {"component", "queue"},
                {"instance", "worker-3.anclora.internal:9100"},
                {"job", "anclora-queue"},
                {"severity", "critical"}};
}

// The annotations of the shipped rules (examples/rules/*.yml), plus one that reads labels and
// uses printf and range, as hand-written annotations often do.
constexpr const char* kHumanizeSummary =
    "{{ $value | humanize }} messages are waiting in the queue (limit 50k)";
constexpr const char* kDurationSummary =
    "Queue p99 processing time is {{ $value | humanizeDuration }} (limit 1s)";
constexpr const char* kPlainDescription =
    "The queue backlog is far beyond normal and customers' messages are delayed. Check that the "
    "workers are running and processing (anclora_queue_messages_processed_total), then scale "
    "them out.";
constexpr const char* kLabelsDescription =
    "{{ $labels.job }} on {{ $labels.instance | stripPort }} has {{ printf \"%.2f\" $value }} "
    "waiting ({{ $value | humanizePercentage }} of capacity).{{ if eq $labels.severity "
    "\"critical\" }} Page the on-call.{{ end }} Labels:{{ range $k, $v := $labels }} "
    "{{ $k }}={{ $v }}{{ end }}";

void RunAnnotation(benchmark::State& state, const char* text, double value) {
  auto parsed = rules::AlertTemplate::Parse("CriticalQueueBacklog", text);
  if (!parsed.ok()) {
    state.SkipWithError(parsed.message().c_str());
    return;
  }
  const rules::AlertTemplate& t = parsed.value();
  tmpl::Value data = rules::AlertTemplateData(AlertLabels(), Labels{{"cluster", "eu-1"}},
                                              "http://prometheus:9090", value);
  rules::TemplateEnvironment env;
  env.timestamp = 1700000000000;
  size_t bytes = 0;
  AllocationCounter allocations;
  for (auto _ : state) {
    auto out = t.Expand(data, env);
    bytes += out.ok() ? out.value().size() : 0;
    benchmark::DoNotOptimize(out);
  }
  allocations.Report(state);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_Annotation_Humanize(benchmark::State& state) {
  RunAnnotation(state, kHumanizeSummary, 61234.5);
}
BENCHMARK(BM_Annotation_Humanize);

void BM_Annotation_HumanizeDuration(benchmark::State& state) {
  RunAnnotation(state, kDurationSummary, 1.837);
}
BENCHMARK(BM_Annotation_HumanizeDuration);

void BM_Annotation_PlainText(benchmark::State& state) {
  RunAnnotation(state, kPlainDescription, 1);
}
BENCHMARK(BM_Annotation_PlainText);

void BM_Annotation_LabelsPrintfRange(benchmark::State& state) {
  RunAnnotation(state, kLabelsDescription, 0.8731);
}
BENCHMARK(BM_Annotation_LabelsPrintfRange);

// Rule load: the prelude plus the annotation, parsed into a tree.
void BM_Parse_Annotation(benchmark::State& state) {
  for (auto _ : state) {
    auto parsed = rules::AlertTemplate::Parse("CriticalQueueBacklog", kLabelsDescription);
    benchmark::DoNotOptimize(parsed);
  }
}
BENCHMARK(BM_Parse_Annotation);

// An Alertmanager-style notification: a title and a body template over N alerts, defined in a
// template file and called from the receiver's field, as Slack configurations do. The data is
// plain maps and lists here (the notification data model lives with the notifiers).
constexpr const char* kNotificationTemplates = R"(
{{ define "slack.title" }}[{{ .Status | toUpper }}{{ if eq .Status "firing" }}:{{ .Alerts | len }}{{ end }}] {{ .CommonLabels.alertname }}{{ end }}
{{ define "slack.text" }}{{ range .Alerts }}*{{ .Labels.severity | title }}* {{ .Annotations.summary }}
{{ range $k, $v := .Labels }}  {{ $k }}: {{ $v }}
{{ end }}Started {{ .StartsAt | date "2006-01-02 15:04:05 MST" }}
{{ end }}{{ end }})";

tmpl::Value NotificationData(int alerts) {
  std::vector<tmpl::Value> list;
  for (int i = 0; i < alerts; ++i) {
    tmpl::Value labels = tmpl::Value::StringMap({{"alertname", "CriticalQueueBacklog"},
                                                 {"component", "queue"},
                                                 {"instance", "worker-" + std::to_string(i)},
                                                 {"severity", "critical"}});
    tmpl::Value annotations = tmpl::Value::StringMap(
        {{"summary", std::to_string(60000 + i) + " messages are waiting in the queue"}});
    tmpl::GoTime starts;
    starts.sec = 1700000000 + i;
    list.push_back(tmpl::Value::Map({{"Annotations", annotations},
                                     {"Labels", labels},
                                     {"StartsAt", tmpl::Value::Time(starts)},
                                     {"Status", tmpl::Value::String("firing")}}));
  }
  return tmpl::Value::Map(
      {{"Alerts", tmpl::Value::List(std::move(list))},
       {"CommonLabels", tmpl::Value::StringMap({{"alertname", "CriticalQueueBacklog"}})},
       {"Status", tmpl::Value::String("firing")}});
}

void BM_Notification(benchmark::State& state) {
  tmpl::Template set(notifiers::AlertmanagerTemplateFunctions());
  if (tocsin::Status s = set.Parse("default.tmpl", kNotificationTemplates); !s.ok()) {
    state.SkipWithError(s.message().c_str());
    return;
  }
  tmpl::Template message = set.Clone();
  if (tocsin::Status s = message.Parse("", R"({{ template "slack.title" . }}
{{ template "slack.text" . }})");
      !s.ok()) {
    state.SkipWithError(s.message().c_str());
    return;
  }
  tmpl::Value data = NotificationData(static_cast<int>(state.range(0)));
  notifiers::TemplateEnvironment env;
  tmpl::ExecuteOptions opts;
  opts.env = &env;
  size_t bytes = 0;
  AllocationCounter allocations;
  for (auto _ : state) {
    std::string out;
    tocsin::Status s = message.Execute("", data, &out, opts);
    if (!s.ok()) {
      state.SkipWithError(s.message().c_str());
      break;
    }
    bytes += out.size();
    benchmark::DoNotOptimize(out);
  }
  allocations.Report(state);
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
BENCHMARK(BM_Notification)->Arg(1)->Arg(10)->Arg(100);

}  // namespace

BENCHMARK_MAIN();
