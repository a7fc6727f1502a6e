// The SQLite store's costs: persisting one evaluation cycle, querying a large history and
// restoring on start. Run from a Release build:
//   cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DTOCSIN_BUILD_TESTS=ON
//   cmake --build build/release --target bench_sqlite -j2 && build/release/tests/bench/bench_sqlite
// The files live in $TMPDIR (default /tmp); history for the query benchmarks is built once.
#include <benchmark/benchmark.h>

#include <filesystem>
#include <random>
#include <string>

#include "storage/sqlite/history_reader.h"
#include "storage/sqlite/sqlite_store.h"

namespace tocsin::sqlite {
namespace {

constexpr TimestampMs kT0 = 1'700'000'000'000;
const char* const kComponents[] = {"api", "queue", "redis",   "db",
                                   "web", "auth",  "billing", "search"};
const char* const kSeverities[] = {"critical", "warning", "info"};

class BenchDir {
 public:
  explicit BenchDir(const std::string& name)
      : path_(std::filesystem::temp_directory_path() / ("tocsin-bench-" + name)) {
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~BenchDir() { std::filesystem::remove_all(path_); }
  std::string db() const { return SqliteStore::PathInDataDir(path_.string()); }

 private:
  std::filesystem::path path_;
};

// Alert i of a system with 100 alert names over 8 components and 3 severities.
AlertRecord MakeAlert(int i, int cycle) {
  AlertRecord a;
  a.group = "rules/app.yml;group-" + std::to_string(i % 10);
  a.rule = "Alert" + std::to_string(i % 100);
  a.labels = Labels{{"alertname", a.rule},
                    {"component", kComponents[i % 8]},
                    {"instance", "host-" + std::to_string(i) + ":9100"},
                    {"job", "node"},
                    {"severity", kSeverities[i % 3]}};
  a.annotations = Labels{{"summary", "Instance host-" + std::to_string(i) + " is degraded"},
                         {"description", "value is " + std::to_string(cycle)}};
  a.state = AlertState::kFiring;
  a.value = cycle;
  a.active_at = kT0;
  a.fired_at = kT0 + 5 * kMinute;
  a.last_sent_at = kT0 + cycle * 15 * kSecond;
  a.valid_until = a.last_sent_at + kMinute;
  return a;
}

HistoryEvent EventFor(const AlertRecord& a, TimestampMs at, HistoryKind kind) {
  HistoryEvent e;
  e.at = at;
  e.kind = kind;
  e.group = a.group;
  e.rule = a.rule;
  e.labels = a.labels;
  e.annotations = a.annotations;
  e.value = a.value;
  e.active_at = a.active_at;
  e.fired_at = a.fired_at;
  e.receivers = {std::string(a.labels.get("severity")) + "-alerts"};
  return e;
}

// One cycle in which all 10k alerts change (new value, new annotations, a history event each).
void BM_PersistCycle(benchmark::State& state) {
  const int alerts = static_cast<int>(state.range(0));
  const bool full_sync = state.range(1) != 0;
  // new_alerts=0: the alerts exist already (they fired in an earlier cycle) and this cycle
  // changes them, the steady state. new_alerts=1: 10k alerts never seen before, whose label
  // sets are interned too.
  const bool new_alerts = state.range(2) != 0;
  BenchDir dir("cycle");
  StoreOptions options;
  options.synchronous = full_sync ? StoreOptions::Sync::kFull : StoreOptions::Sync::kNormal;
  auto store = std::move(SqliteStore::Open(dir.db(), options).value());
  auto make_batch = [&](int cycle) {
    WriteBatch batch;
    batch.reserve(2 * static_cast<size_t>(alerts));
    for (int i = 0; i < alerts; ++i) {
      AlertRecord a = MakeAlert(new_alerts ? cycle * alerts + i : i, cycle);
      batch.AppendHistory(EventFor(a, kT0 + cycle * 15 * kSecond, HistoryKind::kFiring));
      batch.UpsertAlert(std::move(a));
    }
    return batch;
  };
  int cycle = 0;
  if (!new_alerts && !store->Commit(make_batch(cycle++)).ok()) std::abort();
  for (auto _ : state) {
    state.PauseTiming();  // building the batch is the pipeline's work, not the store's
    WriteBatch batch = make_batch(cycle);
    state.ResumeTiming();
    auto r = store->Commit(batch);
    if (!r.ok()) state.SkipWithError(r.message().c_str());
    ++cycle;
  }
  state.counters["alerts/s"] =
      benchmark::Counter(static_cast<double>(alerts) * static_cast<double>(state.iterations()),
                         benchmark::Counter::kIsRate);
}
BENCHMARK(BM_PersistCycle)
    ->ArgsProduct({{10'000}, {0, 1}, {0, 1}})
    ->ArgNames({"alerts", "full_sync", "new_alerts"})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

// 1M history rows over 90 days: 20k alert identities, each with ~50 transitions.
class HistoryFixture {
 public:
  static HistoryFixture& Get() {
    static HistoryFixture f;
    return f;
  }
  HistoryReader& reader() { return *reader_; }
  TimestampMs newest() const { return newest_; }

 private:
  HistoryFixture() : dir_("history") {
    auto store = std::move(SqliteStore::Open(dir_.db()).value());
    constexpr int kRows = 1'000'000;
    constexpr int kIdentities = 20'000;
    constexpr int kPerBatch = 10'000;
    const DurationMs step = 90 * kDay / kRows;
    std::mt19937 rng(42);
    const HistoryKind kinds[] = {HistoryKind::kPending, HistoryKind::kFiring,
                                 HistoryKind::kResolved, HistoryKind::kSilenced};
    for (int done = 0; done < kRows;) {
      WriteBatch batch;
      for (int i = 0; i < kPerBatch; ++i, ++done) {
        const int id = static_cast<int>(rng() % kIdentities);
        AlertRecord a = MakeAlert(id, done);
        batch.AppendHistory(EventFor(a, kT0 + done * step, kinds[done % 4]));
      }
      if (!store->Commit(batch).ok()) std::abort();
    }
    newest_ = kT0 + kRows * step;
    store.reset();
    reader_ = std::move(HistoryReader::Open(dir_.db()).value());
  }

  BenchDir dir_;
  std::unique_ptr<HistoryReader> reader_;
  TimestampMs newest_ = 0;
};

void RunQuery(benchmark::State& state, const HistoryQuery& q) {
  auto& reader = HistoryFixture::Get().reader();
  size_t rows = 0;
  for (auto _ : state) {
    auto r = reader.QueryHistory(q);
    if (!r.ok()) {
      state.SkipWithError(r.message().c_str());
      break;
    }
    rows = r->size();
    benchmark::DoNotOptimize(r);
  }
  state.counters["rows"] = static_cast<double>(rows);
}

LabelMatcher M(MatchType t, const char* name, const char* value) {
  return LabelMatcher::Make(t, name, value).value();
}

void BM_History_Newest100(benchmark::State& state) {
  HistoryQuery q;
  q.limit = 100;
  RunQuery(state, q);
}
void BM_History_LastHour(benchmark::State& state) {
  HistoryQuery q;
  q.since = HistoryFixture::Get().newest() - kHour;
  RunQuery(state, q);
}
void BM_History_Alertname100(benchmark::State& state) {
  HistoryQuery q;
  q.alertname = "Alert42";
  q.limit = 100;
  RunQuery(state, q);
}
void BM_History_RegexMatcher100(benchmark::State& state) {
  HistoryQuery q;
  q.matchers = {M(MatchType::kRegexp, "component", "queue|redis")};
  q.limit = 100;
  RunQuery(state, q);
}
void BM_History_OneInstanceAllTime(benchmark::State& state) {
  HistoryQuery q;
  q.matchers = {M(MatchType::kEqual, "instance", "host-4242:9100")};
  RunQuery(state, q);
}
void BM_History_NegativeMatcher100(benchmark::State& state) {
  HistoryQuery q;
  q.matchers = {M(MatchType::kNotEqual, "severity", "info")};
  q.limit = 100;
  RunQuery(state, q);
}
void BM_History_StateAndReceiverLastDay(benchmark::State& state) {
  HistoryQuery q;
  q.since = HistoryFixture::Get().newest() - kDay;
  q.kinds = {HistoryKind::kFiring};
  q.receiver = "critical-alerts";
  RunQuery(state, q);
}
BENCHMARK(BM_History_Newest100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_History_LastHour)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_History_Alertname100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_History_RegexMatcher100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_History_OneInstanceAllTime)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_History_NegativeMatcher100)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_History_StateAndReceiverLastDay)->Unit(benchmark::kMillisecond);

// Start-up: reading 10k alerts with their rule state back.
void BM_RestoreAlerts(benchmark::State& state) {
  const int alerts = static_cast<int>(state.range(0));
  BenchDir dir("restore");
  {
    auto store = std::move(SqliteStore::Open(dir.db()).value());
    WriteBatch batch;
    for (int i = 0; i < alerts; ++i) batch.UpsertAlert(MakeAlert(i, 1));
    if (!store->Commit(batch).ok()) std::abort();
  }
  for (auto _ : state) {
    auto store = std::move(SqliteStore::Open(dir.db()).value());
    auto restored = store->Restore(kT0);
    if (!restored.ok() || restored->alerts.size() != static_cast<size_t>(alerts)) {
      state.SkipWithError("restore failed");
    }
    benchmark::DoNotOptimize(restored);
  }
}
BENCHMARK(BM_RestoreAlerts)->Arg(10'000)->ArgName("alerts")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace tocsin::sqlite

BENCHMARK_MAIN();
