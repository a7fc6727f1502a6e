// The scrape loop's writes into a real SeriesStore, fed with fetch outcomes directly (the HTTP
// side is tested in scrape_manager_test.cc).
#include "engine/scrape/scrape_loop.h"

#include <gtest/gtest.h>

#include <bit>

#include "storage/base/sample.h"

namespace tocsin::scrape {
namespace {

Target MakeTarget(std::vector<Label> group_labels = {}) {
  ScrapeConfig c;
  c.job_name = "node";
  c.static_configs.push_back({{"host1:9100"}, std::move(group_labels)});
  auto targets = TargetsFromConfig(c);
  EXPECT_TRUE(targets.ok());
  return (*targets)[0];
}

FetchResult Body(std::string text, std::string content_type = "text/plain; version=0.0.4") {
  FetchResult f;
  f.ok = true;
  f.body = std::move(text);
  f.content_type = std::move(content_type);
  return f;
}

FetchResult Failed(std::string error) {
  FetchResult f;
  f.error = std::move(error);
  return f;
}

struct Point {
  TimestampMs t = 0;
  double v = 0;
  friend bool operator==(const Point& a, const Point& b) {
    return a.t == b.t && std::bit_cast<uint64_t>(a.v) == std::bit_cast<uint64_t>(b.v);
  }
  friend std::ostream& operator<<(std::ostream& o, const Point& p) {
    return o << p.v << "@" << p.t;
  }
};

class ScrapeLoopTest : public ::testing::Test {
 protected:
  // The samples of the one series matching `selector` ({name="value",...} as matchers).
  std::vector<Point> SamplesOf(std::vector<std::pair<std::string, std::string>> equal) {
    std::vector<LabelMatcher> ms;
    for (auto& [n, v] : equal) ms.push_back(*LabelMatcher::Make(MatchType::kEqual, n, v));
    storage::SeriesSet set = store_.Select(ms, INT64_MIN, INT64_MAX);
    EXPECT_LE(set.size(), 1u);
    std::vector<Point> out;
    if (set.size() == 1) {
      for (size_t i = 0; i < set.times(0).size(); ++i)
        out.push_back({set.times(0)[i], set.values(0)[i]});
    }
    return out;
  }
  Labels LabelsOf(std::vector<std::pair<std::string, std::string>> equal) {
    std::vector<LabelMatcher> ms;
    for (auto& [n, v] : equal) ms.push_back(*LabelMatcher::Make(MatchType::kEqual, n, v));
    storage::SeriesSet set = store_.Select(ms, INT64_MIN, INT64_MAX);
    return set.size() == 1 ? set.labels[0] : Labels();
  }
  static bool Stale(const Point& s) { return std::bit_cast<uint64_t>(s.v) == kStaleNaNBits; }

  storage::SeriesStore store_{storage::StoreOptions::Unbounded()};
};

TEST_F(ScrapeLoopTest, AppendsSamplesWithTargetLabelsAndReportSeries) {
  ScrapeLoop loop(MakeTarget({{"env", "prod"}}), {}, store_);
  const ScrapeOutcome out =
      loop.Append(Body("# TYPE a counter\na_total{x=\"1\"} 5\nb 2.5 12345\n"), 1000, 0.25);
  EXPECT_TRUE(out.up);
  EXPECT_EQ(out.samples_scraped, 2u);
  EXPECT_EQ(out.series_added, 2u);
  EXPECT_EQ(LabelsOf({{"__name__", "a_total"}}).to_string(),
            R"({__name__="a_total", env="prod", instance="host1:9100", job="node", x="1"})");
  EXPECT_EQ(SamplesOf({{"__name__", "a_total"}}), (std::vector<Point>{{1000, 5}}));
  EXPECT_EQ(SamplesOf({{"__name__", "b"}}), (std::vector<Point>{{12345, 2.5}}));  // its own time
  EXPECT_EQ(SamplesOf({{"__name__", "up"}, {"job", "node"}}), (std::vector<Point>{{1000, 1}}));
  EXPECT_EQ(LabelsOf({{"__name__", "up"}}).to_string(),
            R"({__name__="up", env="prod", instance="host1:9100", job="node"})");
  EXPECT_EQ(SamplesOf({{"__name__", "scrape_duration_seconds"}}),
            (std::vector<Point>{{1000, 0.25}}));
  EXPECT_EQ(SamplesOf({{"__name__", "scrape_samples_scraped"}}), (std::vector<Point>{{1000, 2}}));
  EXPECT_EQ(SamplesOf({{"__name__", "scrape_samples_post_metric_relabeling"}}),
            (std::vector<Point>{{1000, 2}}));
  EXPECT_EQ(SamplesOf({{"__name__", "scrape_series_added"}}), (std::vector<Point>{{1000, 2}}));
}

TEST_F(ScrapeLoopTest, VanishedSeriesGetTheExactStaleMarker) {
  ScrapeLoop loop(MakeTarget(), {}, store_);
  loop.Append(Body("a 1\nb 1\nts 1 500\n"), 1000, 0.1);
  const ScrapeOutcome out = loop.Append(Body("a 2\n"), 2000, 0.1);
  EXPECT_EQ(out.stale_markers, 1u);  // b; ts had its own timestamp, so it is not tracked
  EXPECT_EQ(out.series_added, 0u);
  auto b = SamplesOf({{"__name__", "b"}});
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b[1].t, 2000);
  EXPECT_EQ(std::bit_cast<uint64_t>(b[1].v), kStaleNaNBits);
  EXPECT_EQ(SamplesOf({{"__name__", "a"}}), (std::vector<Point>{{1000, 1}, {2000, 2}}));
  EXPECT_EQ(SamplesOf({{"__name__", "ts"}}).size(), 1u);
  // Back again: a normal sample after the marker; and no second marker for a.
  loop.Append(Body("a 3\nb 3\n"), 3000, 0.1);
  EXPECT_EQ(SamplesOf({{"__name__", "b"}}).back().v, 3);
  EXPECT_EQ(SamplesOf({{"__name__", "a"}}).size(), 3u);
}

TEST_F(ScrapeLoopTest, AFailedScrapeWritesUpZeroAndMarksEverySeriesStale) {
  ScrapeLoop loop(MakeTarget(), {}, store_);
  loop.Append(Body("a 1\nb 1\n"), 1000, 0.1);
  const ScrapeOutcome out =
      loop.Append(Failed("Get \"http://host1:9100/metrics\": context deadline exceeded"), 2000, 10);
  EXPECT_FALSE(out.up);
  EXPECT_EQ(out.stale_markers, 2u);
  EXPECT_TRUE(Stale(SamplesOf({{"__name__", "a"}}).back()));
  EXPECT_TRUE(Stale(SamplesOf({{"__name__", "b"}}).back()));
  EXPECT_EQ(SamplesOf({{"__name__", "up"}}).back(), (Point{2000, 0}));
  EXPECT_EQ(SamplesOf({{"__name__", "scrape_samples_scraped"}}).back(), (Point{2000, 0}));
  // A second failure writes no more markers.
  EXPECT_EQ(loop.Append(Failed("x"), 3000, 10).stale_markers, 0u);
}

TEST_F(ScrapeLoopTest, ABodyThatDoesNotParseKeepsNothing) {
  ScrapeLoop loop(MakeTarget(), {}, store_);
  loop.Append(Body("a 1\nb 1\n"), 1000, 0.1);
  const ScrapeOutcome out = loop.Append(Body("c 1\nd 1\nthis is not valid\n"), 2000, 0.1);
  EXPECT_FALSE(out.up);
  EXPECT_EQ(out.error, "line 3, column 6: invalid value \"is\"");
  EXPECT_EQ(out.samples_scraped, 2u);  // what was read before the bad line, as upstream reports
  EXPECT_TRUE(SamplesOf({{"__name__", "c"}}).empty());
  EXPECT_TRUE(Stale(SamplesOf({{"__name__", "a"}}).back()));
  EXPECT_EQ(SamplesOf({{"__name__", "up"}}).back(), (Point{2000, 0}));
}

TEST_F(ScrapeLoopTest, HonorLabelsDecidesWhoWinsAClash) {
  const std::string body = "m{job=\"exposed\",exported_job=\"x\",instance=\"i\"} 1\n";
  {
    ScrapeLoop loop(MakeTarget(), {}, store_);
    loop.Append(Body(body), 1000, 0.1);
    EXPECT_EQ(LabelsOf({{"__name__", "m"}}).to_string(),
              R"({__name__="m", exported_exported_job="exposed", exported_instance="i", )"
              R"(exported_job="x", instance="host1:9100", job="node"})");
  }
  store_.Clear();
  ScrapeLoopOptions honor;
  honor.honor_labels = true;
  ScrapeLoop loop(MakeTarget(), honor, store_);
  loop.Append(Body(body), 1000, 0.1);
  EXPECT_EQ(LabelsOf({{"__name__", "m"}}).to_string(),
            R"({__name__="m", exported_job="x", instance="i", job="exposed"})");
}

TEST_F(ScrapeLoopTest, DuplicateSeriesInOneScrapeKeepTheFirstSample) {
  ScrapeLoop loop(MakeTarget(), {}, store_);
  const ScrapeOutcome out = loop.Append(Body("a 1\na 2\n"), 1000, 0.1);
  EXPECT_TRUE(out.up);
  EXPECT_EQ(out.samples_post_relabeling, 2u);
  EXPECT_EQ(out.counts.duplicate_timestamp, 1u);
  EXPECT_EQ(SamplesOf({{"__name__", "a"}}), (std::vector<Point>{{1000, 1}}));
}

TEST_F(ScrapeLoopTest, SampleAndLabelLimitsFailTheScrape) {
  ScrapeLoopOptions options;
  options.sample_limit = 2;
  ScrapeLoop loop(MakeTarget(), options, store_);
  ScrapeOutcome out = loop.Append(Body("a 1\nb 1\nc 1\n"), 1000, 0.1);
  EXPECT_FALSE(out.up);
  EXPECT_EQ(out.error, "sample limit exceeded");
  EXPECT_EQ(out.samples_post_relabeling, 3u);
  EXPECT_TRUE(SamplesOf({{"__name__", "a"}}).empty());

  ScrapeLoopOptions labels;
  labels.label_limit = 3;
  ScrapeLoop limited(MakeTarget(), labels, store_);
  out = limited.Append(Body("z{a=\"1\"} 1\n"), 1000, 0.1);
  EXPECT_EQ(out.error, "label_limit exceeded (metric: z, number of labels: 4, limit: 3)");
}

TEST_F(ScrapeLoopTest, ContentTypeChoosesTheParser) {
  ScrapeLoop loop(MakeTarget(), {}, store_);
  EXPECT_TRUE(
      loop.Append(Body("a 1\n# EOF\n", "application/openmetrics-text; version=1.0.0"), 1000, 0).up);
  ScrapeOutcome out = loop.Append(Body("a 1\n", ""), 2000, 0);
  EXPECT_FALSE(out.up);
  EXPECT_EQ(out.error,
            "non-compliant scrape target sending blank Content-Type and no "
            "fallback_scrape_protocol specified for target");
  ScrapeLoopOptions fallback;
  fallback.fallback_scrape_protocol = ScrapeProtocol::kPrometheusText0_0_4;
  ScrapeLoop with_fallback(MakeTarget({{"x", "y"}}), fallback, store_);
  EXPECT_TRUE(with_fallback.Append(Body("a 1\n", "application/json"), 3000, 0).up);
  // An empty body is an empty, successful scrape whatever the type.
  EXPECT_TRUE(loop.Append(Body("", "bogus"), 4000, 0).up);
}

TEST_F(ScrapeLoopTest, EndOfRunMarksEverythingStaleIncludingTheReport) {
  ScrapeLoop loop(MakeTarget(), {}, store_);
  EXPECT_EQ(loop.AppendEndOfRunStaleness(500), 0u);  // never scraped: nothing to do
  loop.Append(Body("a 1\n"), 1000, 0.1);
  EXPECT_EQ(loop.AppendEndOfRunStaleness(2000), 1u);
  EXPECT_TRUE(Stale(SamplesOf({{"__name__", "a"}}).back()));
  for (const char* name : {"up", "scrape_duration_seconds", "scrape_samples_scraped",
                           "scrape_samples_post_metric_relabeling", "scrape_series_added"}) {
    auto s = SamplesOf({{"__name__", name}});
    ASSERT_EQ(s.size(), 2u) << name;
    EXPECT_EQ(s[1].t, 2000);
    EXPECT_TRUE(Stale(s[1])) << name;
  }
}

}  // namespace
}  // namespace tocsin::scrape
