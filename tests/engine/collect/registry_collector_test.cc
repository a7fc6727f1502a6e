// The collector against real prometheus-cpp registries: what it stores must be what a scrape of
// the registry's text exposition stores (checked by serialising the same registry with
// prometheus::TextSerializer and parsing it with tocsin's exposition parser), and staleness
// markers must appear where a scrape would write them.
#include "engine/collect/registry_collector.h"

#include <gtest/gtest.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>
#include <prometheus/text_serializer.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/promql/engine.h"
#include "engine/promql/parser.h"
#include "engine/scrape/exposition_parser.h"
#include "storage/base/sample.h"
#include "storage/tsdb/series_store.h"

namespace tocsin::collect {
namespace {

using storage::SeriesStore;
using storage::StoreOptions;

// Every series in the store with its samples in [mint, maxt].
std::map<Labels, std::vector<Sample>, std::less<>> Dump(const SeriesStore& store, TimestampMs mint,
                                                        TimestampMs maxt) {
  auto all = LabelMatcher::Make(MatchType::kRegexp, "__name__", ".+").value();
  storage::SeriesSet set = store.Select(std::span(&all, 1), mint, maxt);
  std::map<Labels, std::vector<Sample>, std::less<>> out;
  for (size_t i = 0; i < set.size(); ++i) {
    auto& samples = out[set.labels[i]];
    for (size_t j = 0; j < set.times(i).size(); ++j) {
      samples.push_back({set.times(i)[j], set.values(i)[j]});
    }
  }
  return out;
}

// The value at exactly `t` of each series (series without one, or with a staleness marker, are
// left out).
std::map<Labels, double, std::less<>> ValuesAt(const SeriesStore& store, TimestampMs t) {
  std::map<Labels, double, std::less<>> out;
  for (const auto& [labels, samples] : Dump(store, t, t)) {
    if (!IsStaleNaN(samples.back().v)) out[labels] = samples.back().v;
  }
  return out;
}

// What a scrape of the registry's text exposition stores: label sets and values.
std::map<Labels, double, std::less<>> ScrapeText(const prometheus::Collectable& registry,
                                                 std::string* text_out = nullptr) {
  std::ostringstream text;
  prometheus::TextSerializer().Serialize(text, registry.Collect());
  if (text_out) *text_out = text.str();
  const std::string body = text.str();
  scrape::ExpositionParser parser(body, scrape::ExpositionFormat::kPrometheusText);
  std::map<Labels, double, std::less<>> out;
  for (scrape::Entry e = parser.Next(); e != scrape::Entry::kEnd; e = parser.Next()) {
    if (e == scrape::Entry::kError) {
      ADD_FAILURE() << parser.error().message << "\n" << body;
      break;
    }
    if (e == scrape::Entry::kSeries) out[parser.labels()] = parser.value();
  }
  return out;
}

// The text exposition prints values with 16 significant digits; the collector keeps them exact.
double AsPrinted(double v) {
  if (!std::isfinite(v)) return v;
  char buf[32];
  auto end = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::general, 16).ptr;
  double read = 0;
  std::from_chars(buf, end, read);
  return read;
}

void ExpectSameAsScrape(const prometheus::Registry& registry, const SeriesStore& store,
                        TimestampMs t) {
  std::string text;
  const auto scraped = ScrapeText(registry, &text);
  const auto collected = ValuesAt(store, t);
  std::vector<std::string> only_scraped, only_collected;
  for (const auto& [labels, v] : scraped) {
    auto it = collected.find(labels);
    if (it == collected.end()) {
      only_scraped.push_back(labels.to_string());
      continue;
    }
    if (std::isnan(v)) {
      EXPECT_TRUE(std::isnan(it->second)) << labels.to_string();
      EXPECT_FALSE(IsStaleNaN(it->second)) << labels.to_string();
    } else {
      EXPECT_EQ(AsPrinted(it->second), v) << labels.to_string();
    }
  }
  for (const auto& [labels, v] : collected) {
    if (!scraped.contains(labels)) only_collected.push_back(labels.to_string());
  }
  EXPECT_TRUE(only_scraped.empty())
      << "missing from the collection: " << only_scraped.size() << ", e.g. "
      << (only_scraped.empty() ? "" : only_scraped[0]) << "\n"
      << text;
  EXPECT_TRUE(only_collected.empty())
      << "not in the exposition: " << only_collected.size() << ", e.g. "
      << (only_collected.empty() ? "" : only_collected[0]);
  EXPECT_EQ(scraped.size(), collected.size());
}

// A registry with every metric type, awkward label values and awkward bucket bounds.
struct SampleRegistry {
  std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
  prometheus::Family<prometheus::Counter>& requests =
      prometheus::BuildCounter().Name("http_requests_total").Help("Requests.").Register(*registry);
  prometheus::Family<prometheus::Gauge>& temperature = prometheus::BuildGauge()
                                                           .Name("room_temperature_celsius")
                                                           .Help("Temperature.")
                                                           .Labels({{"site", "madrid"}})
                                                           .Register(*registry);
  prometheus::Family<prometheus::Gauge>& info =
      prometheus::BuildGauge().Name("build_info").Help("Build.").Register(*registry);
  prometheus::Family<prometheus::Histogram>& latency = prometheus::BuildHistogram()
                                                           .Name("request_duration_seconds")
                                                           .Help("Latency.")
                                                           .Register(*registry);
  prometheus::Family<prometheus::Summary>& sizes =
      prometheus::BuildSummary().Name("response_size_bytes").Help("Sizes.").Register(*registry);

  prometheus::Counter& ok = requests.Add({{"code", "200"}, {"method", "GET"}});
  prometheus::Counter& failed = requests.Add({{"code", "500"}, {"method", "POST"}});
  prometheus::Counter& odd = requests.Add({{"code", "quote\"back\\slash\nnewline"}});
  prometheus::Counter& empty = requests.Add({{"code", ""}, {"method", "PUT"}});
  prometheus::Gauge& kitchen = temperature.Add({{"room", "cocina"}});
  prometheus::Gauge& version = info.Add({{"version", "1.2.3"}});
  prometheus::Histogram& get_latency = latency.Add(
      {{"path", "/api"}},
      prometheus::Histogram::BucketBoundaries{0.005, 0.1, 0.1 * 3, 1, 2.5, 10, 1e-5 + 20, 1e6});
  prometheus::Summary& page_sizes =
      sizes.Add({}, prometheus::Summary::Quantiles{{0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}});

  SampleRegistry() {
    ok.Increment(1027);
    failed.Increment(3);
    odd.Increment(0.1 * 3);
    empty.Increment(1);
    kitchen.Set(21.123456789012345);
    version.Set(1);
    for (double v : {0.001, 0.05, 0.2, 0.7, 1.0, 3.0, 50.0, 2e6}) get_latency.Observe(v);
    for (double v : {100.0, 2000.0, 512.0}) page_sizes.Observe(v);
  }
};

TEST(RegistryCollectorTest, StoresWhatAScrapeOfTheTextExpositionStores) {
  SampleRegistry r;
  SeriesStore store(StoreOptions::Unbounded());
  RegistryCollector collector(store);
  CollectResult result = collector.Collect(*r.registry, 1000);
  EXPECT_EQ(result.invalid_series, 0u) << result.first_invalid;
  EXPECT_EQ(result.counts.rejected(), 0u);
  EXPECT_EQ(result.samples, result.series_added);
  EXPECT_EQ(result.samples, result.counts.appended);
  ExpectSameAsScrape(*r.registry, store, 1000);

  // A few names spelled out, so that a shared misunderstanding cannot pass.
  const auto values = ValuesAt(store, 1000);
  EXPECT_EQ(values.at(Labels{
                {"__name__", "request_duration_seconds_bucket"}, {"path", "/api"}, {"le", "1.0"}}),
            5);
  EXPECT_EQ(values.at(Labels{
                {"__name__", "request_duration_seconds_bucket"}, {"path", "/api"}, {"le", "0.3"}}),
            3);
  EXPECT_EQ(
      values.at(Labels{
          {"__name__", "request_duration_seconds_bucket"}, {"path", "/api"}, {"le", "1e+06"}}),
      7);
  EXPECT_EQ(values.at(Labels{
                {"__name__", "request_duration_seconds_bucket"}, {"path", "/api"}, {"le", "+Inf"}}),
            8);
  EXPECT_TRUE(values.contains(Labels{{"__name__", "response_size_bytes"}, {"quantile", "0.99"}}));
  EXPECT_EQ(values.at(Labels{{"__name__", "response_size_bytes_count"}}), 3);
  EXPECT_EQ(values.at(Labels{{"__name__", "http_requests_total"}, {"method", "PUT"}}), 1);
  EXPECT_EQ(values.at(Labels{
                {"__name__", "room_temperature_celsius"}, {"room", "cocina"}, {"site", "madrid"}}),
            21.123456789012345);
}

TEST(RegistryCollectorTest, SteadyCollectionsReuseTheirSeries) {
  SampleRegistry r;
  SeriesStore store(StoreOptions::Unbounded());
  RegistryCollector collector(store);
  const CollectResult first = collector.Collect(*r.registry, 1000);
  r.ok.Increment();
  r.get_latency.Observe(0.02);
  const CollectResult second = collector.Collect(*r.registry, 16000);
  EXPECT_EQ(second.series_added, 0u);
  EXPECT_EQ(second.stale_markers, 0u);
  EXPECT_EQ(second.samples, first.samples);
  EXPECT_EQ(second.counts.appended, first.samples);
  EXPECT_EQ(store.Stats().series_created, first.series_added);
  EXPECT_EQ(collector.tracked_series(), first.samples);
  ExpectSameAsScrape(*r.registry, store, 16000);
}

TEST(RegistryCollectorTest, RemovedChildGetsAStaleMarkerAndComesBackAsANewSeries) {
  SampleRegistry r;
  SeriesStore store(StoreOptions::Unbounded());
  RegistryCollector collector(store);
  collector.Collect(*r.registry, 1000);
  r.requests.Remove(&r.failed);
  r.latency.Remove(&r.get_latency);
  const CollectResult gone = collector.Collect(*r.registry, 16000);
  // One counter, and the histogram's 9 buckets, _sum and _count.
  EXPECT_EQ(gone.stale_markers, 1u + 9u + 2u);
  ExpectSameAsScrape(*r.registry, store, 16000);

  const auto dump = Dump(store, 16000, 16000);
  const Labels failed{{"__name__", "http_requests_total"}, {"code", "500"}, {"method", "POST"}};
  ASSERT_TRUE(dump.contains(failed));
  EXPECT_EQ(std::bit_cast<uint64_t>(dump.at(failed).back().v), kStaleNaNBits);
  const Labels count{{"__name__", "request_duration_seconds_count"}, {"path", "/api"}};
  EXPECT_TRUE(IsStaleNaN(dump.at(count).back().v));

  // Later collections do not repeat the marker; a new child with the same labels is a new series.
  EXPECT_EQ(collector.Collect(*r.registry, 31000).stale_markers, 0u);
  r.requests.Add({{"code", "500"}, {"method", "POST"}}).Increment(9);
  const CollectResult back = collector.Collect(*r.registry, 46000);
  EXPECT_EQ(back.series_added, 1u);
  EXPECT_EQ(ValuesAt(store, 46000).at(failed), 9);
}

TEST(RegistryCollectorTest, RemovedFamilyAndRemovedSourceGoStale) {
  SampleRegistry r;
  SeriesStore store(StoreOptions::Unbounded());
  RegistryCollector collector(store);
  const size_t all = collector.Collect(*r.registry, 1000).samples;
  ASSERT_TRUE(r.registry->Remove(r.sizes));
  EXPECT_EQ(collector.Collect(*r.registry, 2000).stale_markers, 5u);  // 3 quantiles, sum, count
  const CollectResult end = collector.MarkAllStale(3000);
  EXPECT_EQ(end.stale_markers, all - 5);
  EXPECT_EQ(collector.tracked_series(), 0u);
  for (const auto& [labels, samples] : Dump(store, 3000, 3000)) {
    EXPECT_TRUE(IsStaleNaN(samples.back().v)) << labels.to_string();
  }
}

TEST(RegistryCollectorTest, TargetLabelsAreAddedWithPrometheusConflictRules) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto& up = prometheus::BuildGauge().Name("redis_up").Register(*registry);
  up.Add({{"job", "redis"}, {"instance", "redis:6379"}, {"exported_job", "older"}}).Set(1);
  prometheus::BuildGauge().Name("plain").Register(*registry).Add({}).Set(2);

  {
    SeriesStore store(StoreOptions::Unbounded());
    RegistryCollector collector(
        store, {.target_labels = Labels{{"job", "edge"}, {"instance", "127.0.0.1:9100"}}});
    collector.Collect(*registry, 1000);
    const auto values = ValuesAt(store, 1000);
    EXPECT_TRUE(values.contains(Labels{{"__name__", "redis_up"},
                                       {"job", "edge"},
                                       {"instance", "127.0.0.1:9100"},
                                       {"exported_instance", "redis:6379"},
                                       {"exported_job", "older"},
                                       {"exported_exported_job", "redis"}}))
        << values.begin()->first.to_string();
    EXPECT_TRUE(values.contains(
        Labels{{"__name__", "plain"}, {"job", "edge"}, {"instance", "127.0.0.1:9100"}}));
  }
  {
    SeriesStore store(StoreOptions::Unbounded());
    RegistryCollector collector(
        store, {.target_labels = Labels{{"job", "edge"}, {"instance", "127.0.0.1:9100"}},
                .honor_labels = true});
    collector.Collect(*registry, 1000);
    const auto values = ValuesAt(store, 1000);
    EXPECT_TRUE(values.contains(Labels{{"__name__", "redis_up"},
                                       {"job", "redis"},
                                       {"instance", "redis:6379"},
                                       {"exported_job", "older"}}));
    EXPECT_TRUE(values.contains(
        Labels{{"__name__", "plain"}, {"job", "edge"}, {"instance", "127.0.0.1:9100"}}));
  }
}

// A Collectable written by hand, as hosts with their own collectors have.
class FixedCollectable : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> families;
  std::vector<prometheus::MetricFamily> Collect() const override { return families; }
};

prometheus::MetricFamily GaugeFamily(const std::string& name,
                                     std::vector<prometheus::ClientMetric::Label> labels,
                                     double value, int64_t timestamp_ms = 0) {
  prometheus::MetricFamily f;
  f.name = name;
  f.type = prometheus::MetricType::Gauge;
  prometheus::ClientMetric m;
  m.label = std::move(labels);
  m.gauge.value = value;
  m.timestamp_ms = timestamp_ms;
  f.metric.push_back(m);
  return f;
}

TEST(RegistryCollectorTest, OwnTimestampsAreHonouredAndNeverMarkedStale) {
  FixedCollectable source;
  source.families = {GaugeFamily("stamped", {}, 5, 500), GaugeFamily("plain", {}, 6)};
  SeriesStore store(StoreOptions::Unbounded());
  RegistryCollector collector(store);
  collector.Collect(source, 1000);
  EXPECT_EQ(ValuesAt(store, 500).at(Labels{{"__name__", "stamped"}}), 5);
  EXPECT_EQ(ValuesAt(store, 1000).at(Labels{{"__name__", "plain"}}), 6);
  source.families.clear();
  EXPECT_EQ(collector.Collect(source, 2000).stale_markers, 1u);  // only `plain`
  EXPECT_FALSE(ValuesAt(store, 2000).contains(Labels{{"__name__", "stamped"}}));

  SeriesStore other(StoreOptions::Unbounded());
  RegistryCollector ignoring(other, {.target_labels = {}, .honor_timestamps = false});
  source.families = {GaugeFamily("stamped", {}, 5, 500)};
  ignoring.Collect(source, 1000);
  EXPECT_EQ(ValuesAt(other, 1000).at(Labels{{"__name__", "stamped"}}), 5);
}

TEST(RegistryCollectorTest, NaNValuesAreOrdinaryNaNsNeverStaleMarkers) {
  FixedCollectable source;
  source.families = {GaugeFamily("not_a_number", {}, StaleNaN())};
  SeriesStore store(StoreOptions::Unbounded());
  RegistryCollector collector(store);
  collector.Collect(source, 1000);
  EXPECT_EQ(std::bit_cast<uint64_t>(ValuesAt(store, 1000).at(Labels{{"__name__", "not_a_number"}})),
            kNormalNaNBits);
}

TEST(RegistryCollectorTest, InvalidSeriesAreSkippedAndReported) {
  FixedCollectable source;
  source.families = {GaugeFamily("twice", {{"a", "1"}, {"a", "2"}}, 1), GaugeFamily("", {}, 2),
                     GaugeFamily("bad_value", {{"a", std::string("\xff")}}, 3),
                     GaugeFamily("fine", {{"a", "1"}}, 4)};
  SeriesStore store(StoreOptions::Unbounded());
  RegistryCollector collector(store);
  const CollectResult r = collector.Collect(source, 1000);
  EXPECT_EQ(r.samples, 4u);
  EXPECT_EQ(r.invalid_series, 3u);
  EXPECT_EQ(r.first_invalid, "series \"twice\": duplicate label name \"a\"");
  EXPECT_EQ(ValuesAt(store, 1000).size(), 1u);
  EXPECT_EQ(collector.Collect(source, 2000).invalid_series, 3u);
}

TEST(RegistryCollectorTest, TwoSpellingsOfOneSeriesKeepItAliveAndCountAsADuplicate) {
  FixedCollectable source;
  // {a=""} and {} are one series in Prometheus.
  source.families = {GaugeFamily("g", {{"a", ""}}, 1), GaugeFamily("g", {}, 2)};
  SeriesStore store(StoreOptions::Unbounded());
  RegistryCollector collector(store);
  const CollectResult r = collector.Collect(source, 1000);
  EXPECT_EQ(r.counts.appended, 1u);
  EXPECT_EQ(r.counts.duplicate_timestamp, 1u);
  source.families.pop_back();
  EXPECT_EQ(collector.Collect(source, 2000).stale_markers, 0u);
  EXPECT_EQ(ValuesAt(store, 2000).at(Labels{{"__name__", "g"}}), 1);
}

TEST(RegistryCollectorTest, SeriesDroppedByGarbageCollectionAreRecreated) {
  SampleRegistry r;
  SeriesStore store(StoreOptions{kMinute, 15 * kSecond});
  RegistryCollector collector(store);
  const size_t n = collector.Collect(*r.registry, 0).samples;
  EXPECT_EQ(store.GarbageCollect(10 * kMinute), n);
  const CollectResult again = collector.Collect(*r.registry, 10 * kMinute);
  EXPECT_EQ(again.counts.appended, n);
  EXPECT_EQ(again.counts.unknown_series, 0u);
  ExpectSameAsScrape(*r.registry, store, 10 * kMinute);
  // The refs were renewed: the next collection goes through the fast path.
  EXPECT_EQ(collector.Collect(*r.registry, 10 * kMinute + 15000).counts.appended, n);
}

TEST(RegistryCollectorTest, CollectsSeveralSourcesAsOne) {
  SampleRegistry a;
  auto b = std::make_shared<prometheus::Registry>();
  prometheus::BuildGauge().Name("other").Register(*b).Add({}).Set(7);
  SeriesStore store(StoreOptions::Unbounded());
  RegistryCollector collector(store);
  const prometheus::Collectable* sources[] = {a.registry.get(), b.get()};
  const size_t n = collector.Collect(sources, 1000).samples;
  EXPECT_EQ(collector.Collect(sources, 2000).stale_markers, 0u);
  EXPECT_EQ(ValuesAt(store, 2000).size(), n);
  EXPECT_EQ(ValuesAt(store, 2000).at(Labels{{"__name__", "other"}}), 7);
}

// The reason for the le normalisation: rules written for Prometheus 3 read the collected data.
TEST(RegistryCollectorTest, PromQLReadsCollectedHistograms) {
  auto registry = std::make_shared<prometheus::Registry>();
  auto& h = prometheus::BuildHistogram()
                .Name("job_seconds")
                .Register(*registry)
                .Add({}, prometheus::Histogram::BucketBoundaries{0.5, 1, 2});
  SeriesStore store(StoreOptions::Unbounded());
  RegistryCollector collector(store);
  for (int i = 0; i <= 20; ++i) {
    for (int k = 0; k < 10; ++k) h.Observe(k < 9 ? 0.75 : 1.5);  // 90% in (0.5, 1], 10% in (1, 2]
    collector.Collect(*registry, i * 15 * kSecond);
  }
  promql::Engine engine;
  auto expr = promql::ParseExpr(
      "histogram_quantile(0.5, rate(job_seconds_bucket[2m]))"
      " + on() job_seconds_bucket{le=\"1.0\"} * 0");
  ASSERT_TRUE(expr.ok()) << expr.message();
  auto result = engine.InstantQuery(store, **expr, 20 * 15 * kSecond);
  ASSERT_TRUE(result.ok()) << result.message();
  const auto& vector = std::get<promql::Vector>(result->value);
  ASSERT_EQ(vector.size(), 1u);
  EXPECT_NEAR(vector[0].v, 0.5 + 0.5 * 0.5 / 0.9, 1e-9);
}

}  // namespace
}  // namespace tocsin::collect
