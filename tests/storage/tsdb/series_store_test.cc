#include "storage/tsdb/series_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <cmath>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "storage/base/sample.h"
#include "storage/tsdb/appender.h"

namespace tocsin::storage {
namespace {

LabelMatcher M(const std::string& name, const std::string& op, const std::string& value) {
  MatchType t = op == "="    ? MatchType::kEqual
                : op == "!=" ? MatchType::kNotEqual
                : op == "=~" ? MatchType::kRegexp
                             : MatchType::kNotRegexp;
  auto m = LabelMatcher::Make(t, name, value);
  EXPECT_TRUE(m.ok()) << m.message();
  return m.value();
}

class SeriesStoreTest : public ::testing::Test {
 protected:
  SeriesStoreTest() : store_(StoreOptions::Unbounded()) {
    // A small data set covering present, missing and empty-looking labels.
    Add({{"__name__", "http_requests_total"}, {"job", "api"}, {"instance", "a:80"}});
    Add({{"__name__", "http_requests_total"}, {"job", "api"}, {"instance", "b:80"}});
    Add({{"__name__", "http_requests_total"}, {"job", "web"}, {"instance", "a:80"}});
    Add({{"__name__", "http_requests_total"}, {"instance", "c:80"}});  // no job
    Add({{"__name__", "up"}, {"job", "api"}, {"instance", "a:80"}});
    Add({{"__name__", "up"}, {"job", "web-2"}, {"instance", "d:80"}});
  }

  void Add(std::initializer_list<Label> labels, TimestampMs t = 0, double v = 1) {
    Appender app(store_);
    ASSERT_TRUE(app.Append(Labels(labels), t, v).ok());
    EXPECT_EQ(app.Commit().counts.appended, 1u);
  }

  // The selected series as strings, in Select's order.
  std::vector<std::string> Sel(std::vector<LabelMatcher> ms) {
    SeriesSet set = store_.Select(ms, INT64_MIN, INT64_MAX);
    std::vector<std::string> out;
    for (const Labels& l : set.labels) out.push_back(l.to_string());
    return out;
  }

  SeriesStore store_;
};

constexpr auto kReqA = R"({__name__="http_requests_total", instance="a:80", job="api"})";
constexpr auto kReqB = R"({__name__="http_requests_total", instance="b:80", job="api"})";
constexpr auto kReqWeb = R"({__name__="http_requests_total", instance="a:80", job="web"})";
constexpr auto kReqNoJob = R"({__name__="http_requests_total", instance="c:80"})";
constexpr auto kUpA = R"({__name__="up", instance="a:80", job="api"})";
constexpr auto kUpD = R"({__name__="up", instance="d:80", job="web-2"})";

TEST_F(SeriesStoreTest, EqualityIntersectsAndResultIsSortedByLabels) {
  // instance sorts before job, so instance="a:80" job="web" comes before instance="b:80".
  EXPECT_EQ(Sel({M("__name__", "=", "http_requests_total")}),
            (std::vector<std::string>{kReqA, kReqWeb, kReqB, kReqNoJob}));
  EXPECT_EQ(Sel({M("__name__", "=", "http_requests_total"), M("job", "=", "api")}),
            (std::vector<std::string>{kReqA, kReqB}));
  EXPECT_EQ(Sel({M("instance", "=", "a:80")}), (std::vector<std::string>{kReqA, kReqWeb, kUpA}));
  EXPECT_TRUE(Sel({M("__name__", "=", "nope")}).empty());
  EXPECT_TRUE(Sel({M("nolabel", "=", "x")}).empty());
}

TEST_F(SeriesStoreTest, SelectIntoGivesSelectsSeriesInCreationOrderReusingTheSet) {
  SeriesSet into;
  std::vector<LabelMatcher> ms{M("__name__", "=", "http_requests_total")};
  store_.SelectInto(ms, INT64_MIN, INT64_MAX, into);
  std::vector<std::string> got;
  for (const Labels& l : into.labels) got.push_back(l.to_string());
  EXPECT_EQ(got, (std::vector<std::string>{kReqA, kReqB, kReqWeb, kReqNoJob}));
  ASSERT_EQ(into.offsets.size(), 5u);
  EXPECT_EQ(into.t.size(), 4u);
  // A second selection replaces the first, offsets included.
  std::vector<LabelMatcher> up{M("__name__", "=", "up")};
  store_.SelectInto(up, INT64_MIN, INT64_MAX, into);
  ASSERT_EQ(into.size(), 2u);
  EXPECT_EQ(into.labels[0].to_string(), kUpA);
  EXPECT_EQ(into.offsets, (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(into.values(1)[0], 1.0);
  store_.SelectInto(up, 10, 5, into);  // an empty window empties the set
  EXPECT_EQ(into.size(), 0u);
  EXPECT_TRUE(into.t.empty());
}

// What VisitSelection presents, flattened as SelectInto fills a SeriesSet.
SeriesSet Visited(const SeriesStore& store, std::span<const LabelMatcher> ms, TimestampMs mint,
                  TimestampMs maxt) {
  SeriesSet out;
  store.VisitSelection(ms, mint, maxt, [&](SelectedSeries& s) {
    EXPECT_EQ(s.t.size(), s.v.size());
    // The window's last sample as the header keeps it (the window ends at the newest sample)
    // or as read from the ring (it ends earlier) is the last of the spans, bit for bit.
    EXPECT_EQ(s.last_t, s.t.back());
    EXPECT_EQ(std::bit_cast<uint64_t>(s.last_v), std::bit_cast<uint64_t>(s.v.back()));
    out.labels.push_back(s.Materialize());
    out.t.insert(out.t.end(), s.t.begin(), s.t.end());
    out.v.insert(out.v.end(), s.v.begin(), s.v.end());
    out.offsets.push_back(out.t.size());
  });
  return out;
}

void ExpectSameSelection(const SeriesSet& a, const SeriesSet& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a.labels[i], b.labels[i]) << i;
  EXPECT_EQ(a.offsets, b.offsets);
  EXPECT_EQ(a.t, b.t);
  EXPECT_EQ(a.v, b.v);
}

TEST(SeriesStoreVisitTest, VisitSelectionSeesWhatSelectIntoCopiesIncludingWrappedWindows) {
  // Retention 100s at 10s: rings of 11 samples that wrap after the first 11 appends. Series
  // start at different times so their windows wrap at different places.
  SeriesStore store(StoreOptions{100 * kSecond, 10 * kSecond});
  std::vector<SeriesRef> refs;
  Appender app(store);
  for (int i = 0; i < 40; ++i) {
    refs.push_back(*app.Append(
        Labels{{"__name__", "m"}, {"i", std::to_string(i)}, {"even", i % 2 ? "no" : "yes"}},
        i * kSecond, 0));
  }
  ASSERT_EQ(app.Commit().counts.appended, 40u);
  for (int step = 1; step <= 30; ++step) {
    for (int i = 0; i < 40; ++i) {
      if ((i + step) % 7 == 0) continue;  // gaps: some series skip some scrapes
      app.Append(refs[static_cast<size_t>(i)], step * 10 * kSecond + i * kSecond, step * 100 + i);
    }
    ASSERT_EQ(app.Commit().counts.rejected(), 0u);
  }
  const std::vector<LabelMatcher> all{M("__name__", "=", "m")};
  const std::vector<LabelMatcher> even{M("__name__", "=", "m"), M("even", "=", "yes")};
  const TimestampMs newest = store.max_time();
  for (const auto& ms : {all, even}) {
    for (auto [mint, maxt] : std::vector<std::pair<TimestampMs, TimestampMs>>{
             {INT64_MIN, INT64_MAX},
             {newest - 5 * 60 * kSecond, newest},
             {newest - 35 * kSecond, newest - 10 * kSecond},
             {newest - 95 * kSecond, newest - 60 * kSecond},
             {newest + 1, INT64_MAX},
             {newest, newest - 1}}) {
      SeriesSet copied;
      store.SelectInto(ms, mint, maxt, copied);
      ExpectSameSelection(Visited(store, ms, mint, maxt), copied);
    }
  }
}

TEST(SeriesStoreVisitTest, AnExceptionFromTheVisitorReleasesTheLocks) {
  SeriesStore store;
  Appender app(store);
  auto ref = app.Append(Labels{{"__name__", "m"}}, 1000, 1);
  ASSERT_TRUE(ref.ok());
  app.Commit();
  const std::vector<LabelMatcher> ms{M("__name__", "=", "m")};
  EXPECT_THROW(
      store.VisitSelection(ms, 0, 2000, [](SelectedSeries&) { throw std::runtime_error("stop"); }),
      std::runtime_error);
  // The series' stripe and the index lock are free again: appending to it and creating a new
  // series (exclusive index lock) both go through.
  app.Append(*ref, 2000, 2);
  ASSERT_TRUE(app.Append(Labels{{"__name__", "n"}}, 2000, 1).ok());
  EXPECT_EQ(app.Commit().counts.appended, 2u);
  EXPECT_EQ(Visited(store, ms, 0, 3000).t, (std::vector<TimestampMs>{1000, 2000}));
}

TEST(SeriesStoreVisitTest, LabelViewsReadTheSeriesLabelsAndMaterializeWithTheirHash) {
  SeriesStore store;
  Appender app(store);
  const Labels labels{{"__name__", "m"}, {"job", "api"}, {"zone", "a-long-value-beyond-sso"}};
  ASSERT_TRUE(app.Append(labels, 1000, 1).ok());
  app.Commit();
  const std::vector<LabelMatcher> ms{M("__name__", "=", "m")};
  int visits = 0;
  store.VisitSelection(ms, 0, 2000, [&](SelectedSeries& s) {
    ++visits;
    ASSERT_EQ(s.labels.size(), 3u);
    EXPECT_EQ(s.labels[0].name, "__name__");
    EXPECT_EQ(s.labels[0].value, "m");
    EXPECT_EQ(s.labels[2].name, "zone");
    EXPECT_EQ(s.labels[2].value, "a-long-value-beyond-sso");
    EXPECT_EQ(s.labels_hash, labels.hash());
    // The symbol ids name the same strings, and only equal strings share an id.
    ASSERT_EQ(s.symbols.size(), 3u);
    EXPECT_NE(s.symbols[0].name, s.symbols[1].name);
    EXPECT_NE(s.symbols[1].value, s.symbols[2].value);
    const Labels built = s.Materialize();
    EXPECT_EQ(built, labels);
    EXPECT_EQ(built.hash(), labels.hash());
  });
  EXPECT_EQ(visits, 1);
}

// Whether VisitSelection reports the window [mint, maxt] of series `name` free of stale markers
// and decreases.
bool WindowIsSteady(const SeriesStore& store, const std::string& name, TimestampMs mint,
                    TimestampMs maxt) {
  const std::vector<LabelMatcher> ms{M("__name__", "=", name)};
  bool steady = false;
  int visits = 0;
  store.VisitSelection(ms, mint, maxt, [&](SelectedSeries& s) {
    ++visits;
    steady = s.no_stale_or_decrease;
  });
  EXPECT_EQ(visits, 1) << name;
  return steady;
}

TEST(SeriesStoreVisitTest, WindowsWithoutStaleMarkersOrDecreasesAreReportedSo) {
  SeriesStore store(StoreOptions::Unbounded());
  Appender app(store);
  // counter: 1, 2, 3, reset to 1 at 4s, 2, 3 (seconds 1..6)
  const double counter[] = {1, 2, 3, 1, 2, 3};
  // gauge: 5, 5, stale at 3s, 4, 6, 7
  const double gauge[] = {5, 5, StaleNaN(), 4, 6, 7};
  for (int i = 0; i < 6; ++i) {
    const TimestampMs t = (i + 1) * kSecond;
    ASSERT_TRUE(app.Append(Labels{{"__name__", "counter"}}, t, counter[i]).ok());
    ASSERT_TRUE(app.Append(Labels{{"__name__", "gauge"}}, t, gauge[i]).ok());
  }
  ASSERT_EQ(app.Commit().counts.appended, 12u);
  // Only the newest break is known, so windows before it are "not known" too.
  EXPECT_FALSE(WindowIsSteady(store, "counter", 0, 3 * kSecond));
  EXPECT_FALSE(WindowIsSteady(store, "counter", 0, 4 * kSecond));  // holds the reset
  EXPECT_FALSE(WindowIsSteady(store, "counter", 3 * kSecond, 6 * kSecond));
  // The reset is the window's first sample: no reset within the window, but "not known".
  EXPECT_FALSE(WindowIsSteady(store, "counter", 4 * kSecond, 6 * kSecond));
  EXPECT_TRUE(WindowIsSteady(store, "counter", 5 * kSecond, 6 * kSecond));
  EXPECT_FALSE(WindowIsSteady(store, "gauge", 3 * kSecond, 6 * kSecond));  // the stale marker
  // The sample after the marker is not lower than anything: a NaN compares false.
  EXPECT_TRUE(WindowIsSteady(store, "gauge", 4 * kSecond, 6 * kSecond));
}

TEST_F(SeriesStoreTest, SelectedLabelsCarryTheSameHashAsFreshlyBuiltOnes) {
  SeriesSet set = store_.Select({}, INT64_MIN, INT64_MAX);
  ASSERT_EQ(set.size(), 6u);
  for (const Labels& l : set.labels) {
    const Labels fresh = Labels::FromVector({l.begin(), l.end()});
    EXPECT_EQ(l.hash(), fresh.hash());
    EXPECT_EQ(l, fresh);
  }
}

TEST_F(SeriesStoreTest, NegativeMatchersKeepSeriesMissingTheLabel) {
  EXPECT_EQ(Sel({M("__name__", "=", "http_requests_total"), M("job", "!=", "api")}),
            (std::vector<std::string>{kReqWeb, kReqNoJob}));
  EXPECT_EQ(Sel({M("__name__", "=", "http_requests_total"), M("job", "!~", "ap.*")}),
            (std::vector<std::string>{kReqWeb, kReqNoJob}));
  EXPECT_EQ(Sel({M("__name__", "=", "http_requests_total"), M("job", "!~", "api|web")}),
            (std::vector<std::string>{kReqNoJob}));
  // Only negative matchers: subtract from all series.
  EXPECT_EQ(Sel({M("job", "!=", "api"), M("__name__", "!=", "up")}),
            (std::vector<std::string>{kReqWeb, kReqNoJob}));
}

TEST_F(SeriesStoreTest, EmptyValueMatchersFollowPrometheus) {
  // job="" selects series without job.
  EXPECT_EQ(Sel({M("job", "=", "")}), (std::vector<std::string>{kReqNoJob}));
  // job!="" requires job.
  EXPECT_EQ(Sel({M("__name__", "=", "http_requests_total"), M("job", "!=", "")}),
            (std::vector<std::string>{kReqA, kReqWeb, kReqB}));
  // A label nobody has: ="" matches everything, !="" nothing.
  EXPECT_EQ(Sel({M("__name__", "=", "up"), M("zone", "=", "")}),
            (std::vector<std::string>{kUpA, kUpD}));
  EXPECT_TRUE(Sel({M("__name__", "=", "up"), M("zone", "!=", "")}).empty());
  // A regex that accepts "" also accepts series without the label.
  EXPECT_EQ(Sel({M("__name__", "=", "http_requests_total"), M("job", "=~", "web|")}),
            (std::vector<std::string>{kReqWeb, kReqNoJob}));
  EXPECT_EQ(Sel({M("__name__", "=", "http_requests_total"), M("job", "=~", "|w.b")}),
            (std::vector<std::string>{kReqWeb, kReqNoJob}));
  // A negative regex that rejects "" requires the label.
  EXPECT_EQ(Sel({M("__name__", "=", "http_requests_total"), M("job", "!~", "api|")}),
            (std::vector<std::string>{kReqWeb}));
  EXPECT_EQ(Sel({M("__name__", "=", "http_requests_total"), M("job", "!~", "")}),
            (std::vector<std::string>{kReqA, kReqWeb, kReqB}));
}

TEST_F(SeriesStoreTest, RegexesAreAnchoredAndHaveFastPathsWithTheSameAnswers) {
  EXPECT_EQ(Sel({M("job", "=~", "web")}), (std::vector<std::string>{kReqWeb}));  // not web-2
  EXPECT_EQ(Sel({M("job", "=~", "web.*")}), (std::vector<std::string>{kReqWeb, kUpD}));
  EXPECT_EQ(Sel({M("job", "=~", "api|web-2")}),
            (std::vector<std::string>{kReqA, kReqB, kUpA, kUpD}));
  EXPECT_EQ(Sel({M("job", "=~", ".+")}).size(), 5u);
  EXPECT_EQ(Sel({M("job", "=~", ".*")}).size(), 6u);
  EXPECT_TRUE(Sel({M("job", "!~", ".*")}).empty());
  EXPECT_EQ(Sel({M("job", "!~", ".+")}), (std::vector<std::string>{kReqNoJob}));
  EXPECT_EQ(Sel({M("job", "=~", "(?i)API")}), (std::vector<std::string>{kReqA, kReqB, kUpA}));
  EXPECT_EQ(Sel({M("__name__", "=~", "http_.*"), M("instance", "=~", "a:80|c:80")}),
            (std::vector<std::string>{kReqA, kReqWeb, kReqNoJob}));
}

TEST_F(SeriesStoreTest, NameMatchersWorkLikeAnyOtherLabel) {
  EXPECT_EQ(Sel({M("__name__", "=~", "u.")}), (std::vector<std::string>{kUpA, kUpD}));
  EXPECT_EQ(Sel({M("__name__", "!=", "http_requests_total")}),
            (std::vector<std::string>{kUpA, kUpD}));
  EXPECT_EQ(Sel({}).size(), 6u);
}

TEST_F(SeriesStoreTest, ManyCandidatesAndFewCandidatesGiveTheSameAnswer) {
  // Enough series that the planner switches between postings and direct filtering.
  Appender app(store_);
  for (int i = 0; i < 500; ++i) {
    ASSERT_TRUE(app.Append(Labels{{"__name__", "m"},
                                  {"i", std::to_string(i)},
                                  {"parity", i % 2 ? "odd" : "even"}},
                           0, i)
                    .ok());
  }
  app.Commit();
  EXPECT_EQ(Sel({M("__name__", "=", "m"), M("i", "=~", "1.*")}).size(), 111u);
  EXPECT_EQ(Sel({M("i", "=~", "1.*")}).size(), 111u);
  EXPECT_EQ(Sel({M("parity", "=", "odd"), M("i", "=~", "1.")}).size(), 5u);
  EXPECT_EQ(Sel({M("i", "=~", "1."), M("parity", "=", "odd")}).size(), 5u);
  EXPECT_EQ(Sel({M("i", "=", "7"), M("parity", "!~", "o.d")}).size(), 0u);
  EXPECT_EQ(Sel({M("i", "=", "8"), M("parity", "!~", "o.d")}).size(), 1u);
  EXPECT_EQ(Sel({M("__name__", "=", "m"), M("i", "!~", ".*0")}).size(), 450u);
}

// Random label sets and random matchers: Select must agree with checking every matcher against
// every series' labels directly (a missing label reads as ""), whichever plan it picks.
TEST(SeriesStoreMatchingTest, AgreesWithBruteForceOnRandomSelectors) {
  SeriesStore store(StoreOptions::Unbounded());
  std::mt19937 rng(42);
  auto pick = [&](int n) { return static_cast<int>(rng() % static_cast<unsigned>(n)); };
  const std::vector<std::string> names{"__name__", "a", "b", "c"};
  const std::vector<std::string> values{"x", "y", "z", "xy", "yz", "x.y"};
  std::vector<Labels> all;
  Appender app(store);
  for (int i = 0; i < 150; ++i) {
    std::vector<Label> l{{"__name__", i % 3 ? "m1" : "m2"}, {"id", std::to_string(i)}};
    for (size_t n = 1; n < names.size(); ++n) {
      if (pick(3) != 0) l.push_back({names[n], values[pick(static_cast<int>(values.size()))]});
    }
    Labels labels = Labels::FromVector(std::move(l));
    ASSERT_TRUE(app.Append(labels, 0, 1).ok());
    all.push_back(labels);
  }
  app.Commit();
  const std::vector<std::string> regexes{"x", "x|y", "x.*", ".*y", ".+",    ".*",
                                         "",  "x|",  "|z",  "m1",  "x\\.y", "(?i)X"};
  const MatchType types[] = {MatchType::kEqual, MatchType::kNotEqual, MatchType::kRegexp,
                             MatchType::kNotRegexp};
  for (int round = 0; round < 400; ++round) {
    std::vector<LabelMatcher> ms;
    const int count = 1 + pick(3);
    for (int k = 0; k < count; ++k) {
      const MatchType t = types[pick(4)];
      const std::string name =
          pick(6) == 0 ? "missing" : names[pick(static_cast<int>(names.size()))];
      const bool regex = t == MatchType::kRegexp || t == MatchType::kNotRegexp;
      std::string value = regex
                              ? regexes[pick(static_cast<int>(regexes.size()))]
                              : (pick(5) == 0 ? "" : values[pick(static_cast<int>(values.size()))]);
      if (name == "__name__" && pick(2) == 0) value = "m1";
      ms.push_back(LabelMatcher::Make(t, name, value).value());
    }
    std::vector<std::string> expected;
    for (const Labels& l : all) {
      bool ok = true;
      for (const LabelMatcher& m : ms) ok = ok && m.matches(l.get(m.name()));
      if (ok) expected.push_back(l.to_string());
    }
    std::sort(expected.begin(), expected.end());
    SeriesSet got = store.Select(ms, INT64_MIN, INT64_MAX);
    std::vector<std::string> got_strings;
    for (const Labels& l : got.labels) got_strings.push_back(l.to_string());
    for (size_t i = 1; i < got.labels.size(); ++i) ASSERT_TRUE(got.labels[i - 1] < got.labels[i]);
    std::sort(got_strings.begin(), got_strings.end());
    std::string desc;
    for (const LabelMatcher& m : ms) desc += m.to_string() + " ";
    ASSERT_EQ(got_strings, expected) << desc;
  }
}

TEST_F(SeriesStoreTest, LabelNamesAndValues) {
  EXPECT_EQ(store_.LabelNames({}), (std::vector<std::string>{"__name__", "instance", "job"}));
  std::vector<LabelMatcher> no_job{M("job", "=", "")};
  EXPECT_EQ(store_.LabelNames(no_job), (std::vector<std::string>{"__name__", "instance"}));
  EXPECT_EQ(store_.LabelValues("job", {}), (std::vector<std::string>{"api", "web", "web-2"}));
  std::vector<LabelMatcher> up{M("__name__", "=", "up")};
  EXPECT_EQ(store_.LabelValues("job", up), (std::vector<std::string>{"api", "web-2"}));
  EXPECT_TRUE(store_.LabelValues("zone", {}).empty());
}

TEST(SeriesStoreSamplesTest, SelectWindowIsInclusiveAtBothEnds) {
  SeriesStore store(StoreOptions::Unbounded());
  Appender app(store);
  const Labels l{{"__name__", "x"}};
  for (TimestampMs t = 0; t <= 100; t += 10) ASSERT_TRUE(app.Append(l, t, t / 10.0).ok());
  app.Commit();
  std::vector<LabelMatcher> ms{M("__name__", "=", "x")};
  SeriesSet s = store.Select(ms, 20, 50);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(std::vector<TimestampMs>(s.times(0).begin(), s.times(0).end()),
            (std::vector<TimestampMs>{20, 30, 40, 50}));
  EXPECT_EQ(s.values(0)[0], 2.0);
  EXPECT_EQ(store.Select(ms, 21, 29).size(), 0u);  // a series without samples in range is left out
  EXPECT_EQ(store.Select(ms, 100, 100).times(0).size(), 1u);
  EXPECT_EQ(store.Select(ms, 50, 40).size(), 0u);
}

TEST(SeriesStoreSamplesTest, StartTimesAreKeptPerSampleAndSelectedOnlyWhenAsked) {
  SeriesStore store(StoreOptions{10 * kMinute, kMinute});
  Appender app(store);
  const Labels counter{{"__name__", "c_total"}};
  const Labels plain{{"__name__", "g"}};
  auto ref = app.AppendWithStartTime(counter, kMinute, 1, 30 * kSecond);
  ASSERT_TRUE(ref.ok());
  app.Append(*ref, 2 * kMinute, 2);  // no start time
  app.AppendWithStartTime(*ref, 3 * kMinute, 3, 150 * kSecond);
  ASSERT_TRUE(app.Append(plain, kMinute, 7).ok());
  EXPECT_EQ(app.Commit().counts.appended, 4u);

  SeriesSet set;
  store.SelectInto({}, 0, 10 * kMinute, set);
  EXPECT_TRUE(set.st.empty());
  EXPECT_TRUE(set.start_times(0).empty());
  store.SelectWithStartTimesInto({}, 0, 10 * kMinute, set);
  ASSERT_EQ(set.size(), 2u);
  ASSERT_EQ(set.st.size(), set.t.size());
  const auto counter_starts = set.start_times(0);
  EXPECT_EQ(std::vector<TimestampMs>(counter_starts.begin(), counter_starts.end()),
            (std::vector<TimestampMs>{30 * kSecond, 0, 150 * kSecond}));
  EXPECT_EQ(set.start_times(1)[0], 0);  // a series that never had one reads 0
  store.SelectWithStartTimesInto({}, 2 * kMinute, 3 * kMinute, set);  // a window inside
  EXPECT_EQ(std::vector<TimestampMs>(set.st.begin(), set.st.end()),
            (std::vector<TimestampMs>{0, 150 * kSecond}));

  // A rejected sample leaves no start time behind; retention drops old ones with the samples.
  app.AppendWithStartTime(*ref, 3 * kMinute, 4, 170 * kSecond);  // duplicate timestamp
  app.AppendWithStartTime(*ref, 20 * kMinute, 5, 19 * kMinute);
  EXPECT_EQ(app.Commit().counts.duplicate_timestamp, 1u);
  store.GarbageCollect(20 * kMinute);
  store.SelectWithStartTimesInto({}, 0, 30 * kMinute, set);
  ASSERT_EQ(set.size(), 1u);
  EXPECT_EQ(std::vector<TimestampMs>(set.st.begin(), set.st.end()),
            (std::vector<TimestampMs>{19 * kMinute}));
}

TEST(SeriesStoreSamplesTest, StaleMarkersAndNaNsRoundTripBitExact) {
  SeriesStore store(StoreOptions::Unbounded());
  Appender app(store);
  const Labels l{{"__name__", "x"}};
  const double values[] = {
      1.5, std::nan(""), StaleNaN(), -0.0, std::bit_cast<double>(kNormalNaNBits), INFINITY};
  for (int i = 0; i < 6; ++i) ASSERT_TRUE(app.Append(l, i, values[i]).ok());
  EXPECT_EQ(app.Commit().counts.appended, 6u);
  std::vector<LabelMatcher> ms{M("__name__", "=", "x")};
  SeriesSet s = store.Select(ms, 0, 10);
  ASSERT_EQ(s.values(0).size(), 6u);
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(std::bit_cast<uint64_t>(s.values(0)[i]), std::bit_cast<uint64_t>(values[i])) << i;
  }
  EXPECT_TRUE(IsStaleNaN(s.values(0)[2]));
  EXPECT_FALSE(IsStaleNaN(s.values(0)[1]));
}

TEST(SeriesStoreSamplesTest, RejectsOutOfOrderAndDuplicatesAndCountsThemPerReason) {
  SeriesStore store(StoreOptions::Unbounded());
  Appender app(store);
  const Labels l{{"__name__", "x"}};
  auto ref = app.Append(l, 100, 1);
  ASSERT_TRUE(ref.ok());
  app.Append(*ref, 90, 2);   // out of order
  app.Append(*ref, 100, 3);  // same time, different value
  app.Append(*ref, 100, 1);  // exact duplicate: ignored silently
  app.Append(*ref, 110, StaleNaN());
  app.Append(*ref, 110, std::nan(""));  // differs from the stale marker bitwise
  app.Append(*ref, 110, StaleNaN());    // identical: ignored
  app.Append(*ref, 120, 4);
  CommitResult r = app.Commit();
  EXPECT_EQ(r.counts.appended, 3u);
  EXPECT_EQ(r.counts.out_of_order, 1u);
  EXPECT_EQ(r.counts.duplicate_timestamp, 2u);
  EXPECT_EQ(r.counts.too_old, 0u);
  EXPECT_EQ(r.counts.rejected(), 3u);
  StoreStats st = store.Stats();
  EXPECT_EQ(st.totals.appended, 3u);
  EXPECT_EQ(st.totals.out_of_order, 1u);
  EXPECT_EQ(st.totals.duplicate_timestamp, 2u);
  EXPECT_EQ(st.samples, 3u);
  std::vector<LabelMatcher> ms{M("__name__", "=", "x")};
  SeriesSet s = store.Select(ms, 0, 1000);
  EXPECT_EQ(std::vector<TimestampMs>(s.times(0).begin(), s.times(0).end()),
            (std::vector<TimestampMs>{100, 110, 120}));
  EXPECT_EQ(s.values(0)[0], 1.0);
}

TEST(SeriesStoreSamplesTest, RejectsSamplesOlderThanTheRetentionBehindTheNewestTime) {
  SeriesStore store(StoreOptions{10 * kMinute, 15 * kSecond});
  Appender app(store);
  ASSERT_TRUE(app.Append(Labels{{"__name__", "a"}}, 60 * kMinute, 1).ok());
  app.Commit();
  ASSERT_TRUE(app.Append(Labels{{"__name__", "b"}}, 49 * kMinute, 1).ok());  // too old
  ASSERT_TRUE(app.Append(Labels{{"__name__", "c"}}, 50 * kMinute, 1).ok());  // just in
  CommitResult r = app.Commit();
  EXPECT_EQ(r.counts.too_old, 1u);
  EXPECT_EQ(r.counts.appended, 1u);
  EXPECT_EQ(store.Stats().totals.too_old, 1u);
}

TEST(SeriesStoreSamplesTest, RetentionBoundsRingsAndGarbageCollectionDropsSilentSeries) {
  SeriesStore store(StoreOptions{10 * kMinute, 15 * kSecond});
  Appender app(store);
  std::vector<SeriesRef> refs;
  for (int i = 0; i < 20; ++i) {
    refs.push_back(*app.Append(Labels{{"__name__", "m"}, {"i", std::to_string(i)}}, 0, 0));
  }
  app.Commit();
  // Two hours of samples at 15s for the even series only.
  for (TimestampMs t = 15 * kSecond; t <= 2 * kHour; t += 15 * kSecond) {
    for (int i = 0; i < 20; i += 2) app.Append(refs[i], t, static_cast<double>(t));
    ASSERT_EQ(app.Commit().counts.rejected(), 0u);
  }
  std::vector<LabelMatcher> even{M("i", "=", "4")};
  SeriesSet s = store.Select(even, INT64_MIN, INT64_MAX);
  ASSERT_EQ(s.size(), 1u);
  // The retention window (41 samples at 15s over 10m, both ends) plus at most the ring's slack
  // of 8 expired samples is kept; the ring did not grow.
  EXPECT_GE(s.times(0).size(), 41u);
  EXPECT_LE(s.times(0).size(), 49u);
  EXPECT_LE(s.times(0).front(), 2 * kHour - 10 * kMinute);
  EXPECT_EQ(store.num_series(), 20u);
  EXPECT_EQ(store.GarbageCollect(2 * kHour), 10u);
  EXPECT_EQ(store.num_series(), 10u);
  std::vector<LabelMatcher> odd{M("i", "=", "5")};
  EXPECT_EQ(store.Select(odd, INT64_MIN, INT64_MAX).size(), 0u);
  EXPECT_EQ(store.LabelValues("i", {}).size(), 10u);  // postings and symbols follow
  // Collection also forgot the expired samples the ring still held.
  EXPECT_EQ(store.Select(even, INT64_MIN, INT64_MAX).times(0).front(), 2 * kHour - 10 * kMinute);
  EXPECT_EQ(store.Stats().samples, 10u * 41);
  // A dropped series' ref is reported, not resurrected and not misapplied.
  app.Append(refs[5], 2 * kHour + 15 * kSecond, 1);
  CommitResult r = app.Commit();
  EXPECT_EQ(r.counts.unknown_series, 1u);
  EXPECT_EQ(r.unknown_refs, std::vector<SeriesRef>{refs[5]});
  // Later GC with time moved on drops the rest.
  EXPECT_EQ(store.GarbageCollect(4 * kHour), 10u);
  EXPECT_EQ(store.num_series(), 0u);
  EXPECT_TRUE(store.LabelNames({}).empty());
  EXPECT_EQ(store.Stats().samples, 0u);
}

TEST(SeriesStoreSamplesTest, GarbageCollectionForgetsSamplesOutsideTheRetention) {
  SeriesStore store(StoreOptions{10 * kMinute, kMinute});
  Appender app(store);
  const Labels l{{"__name__", "x"}};
  for (TimestampMs t = 0; t <= 10 * kMinute; t += kMinute) ASSERT_TRUE(app.Append(l, t, 1).ok());
  app.Commit();
  EXPECT_EQ(store.GarbageCollect(15 * kMinute), 0u);
  std::vector<LabelMatcher> ms{M("__name__", "=", "x")};
  SeriesSet s = store.Select(ms, INT64_MIN, INT64_MAX);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s.times(0).front(), 5 * kMinute);
}

TEST(SeriesStoreSamplesTest, ClearEmptiesTheStoreAndAppendingByLabelsWorksAfterwards) {
  SeriesStore store(StoreOptions::Unbounded());
  Appender app(store);
  const Labels l{{"__name__", "x"}};
  ASSERT_TRUE(app.Append(l, 1, 1).ok());
  app.Commit();
  store.Clear();
  EXPECT_EQ(store.num_series(), 0u);
  std::vector<LabelMatcher> ms{M("__name__", "=", "x")};
  EXPECT_EQ(store.Select(ms, INT64_MIN, INT64_MAX).size(), 0u);
  ASSERT_TRUE(app.Append(l, 1, 2).ok());
  app.Commit();
  EXPECT_EQ(store.Select(ms, INT64_MIN, INT64_MAX).values(0)[0], 2.0);
}

TEST(SeriesStoreSamplesTest, SeriesDroppedBetweenStagingAndCommitIsRecreatedFromItsLabels) {
  SeriesStore store(StoreOptions::Unbounded());
  Appender app(store);
  const Labels l{{"__name__", "x"}, {"job", "j"}};
  auto ref = app.Append(l, 1, 1);  // creates the (still empty) series
  ASSERT_TRUE(ref.ok());
  app.Append(*ref, 2, 2);
  EXPECT_EQ(store.GarbageCollect(0), 0u);  // an empty series gets one collection's grace
  EXPECT_EQ(store.GarbageCollect(0), 1u);  // then it is garbage
  CommitResult r = app.Commit();
  EXPECT_EQ(r.counts.appended, 2u);
  EXPECT_EQ(r.counts.unknown_series, 0u);
  std::vector<LabelMatcher> ms{M("job", "=", "j")};
  SeriesSet s = store.Select(ms, INT64_MIN, INT64_MAX);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s.times(0).size(), 2u);
  // It came back under its old id, so the cached ref still works.
  app.Append(*ref, 3, 3);
  EXPECT_EQ(app.Commit().counts.appended, 1u);
  EXPECT_EQ(store.Select(ms, INT64_MIN, INT64_MAX).times(0).size(), 3u);
}

TEST(SeriesStoreSamplesTest, RollbackDiscardsAndEmptySeriesAreCollected) {
  SeriesStore store(StoreOptions::Unbounded());
  Appender app(store);
  ASSERT_TRUE(app.Append(Labels{{"__name__", "x"}}, 1, 1).ok());
  EXPECT_EQ(app.pending(), 1u);
  app.Rollback();
  EXPECT_EQ(app.Commit().counts.appended, 0u);
  EXPECT_EQ(store.num_series(), 1u);
  EXPECT_EQ(store.GarbageCollect(0), 0u);
  EXPECT_EQ(store.GarbageCollect(0), 1u);
  EXPECT_EQ(store.num_series(), 0u);
}

TEST(SeriesStoreSamplesTest, InvalidLabelSetsAreErrors) {
  SeriesStore store;
  Appender app(store);
  EXPECT_FALSE(app.Append(Labels{}, 1, 1).ok());
  auto bad = app.Append(Labels{{"__name__", "x"}, {"bad\xff", "v"}}, 1, 1);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.message().find("invalid label name"), std::string::npos);
  EXPECT_EQ(app.pending(), 0u);
}

}  // namespace

// Reaches the id-renumbering threshold without creating billions of series.
struct SeriesStoreTestPeer {
  static void SetRenumberThreshold(SeriesStore& s, SeriesId t) { s.renumber_threshold_ = t; }
};

namespace {

TEST(SeriesStoreSamplesTest, RenumberingIdsKeepsTheIndexAndInvalidatesOldRefs) {
  SeriesStore store(StoreOptions::Unbounded());
  SeriesStoreTestPeer::SetRenumberThreshold(store, 50);
  Appender app(store);
  std::vector<SeriesRef> refs;
  for (int i = 0; i < 100; ++i) {
    refs.push_back(*app.Append(
        Labels{{"__name__", "m"}, {"i", std::to_string(i)}, {"half", i < 50 ? "low" : "high"}}, 0,
        i));
    // Even series stay empty (rolled back) so GC drops them and leaves gaps in the ids.
    if (i % 2 == 0) {
      app.Rollback();
    } else {
      app.Commit();
    }
  }
  EXPECT_EQ(store.GarbageCollect(1), 0u);   // grace for the empty ones (ids renumbered 1..100)
  EXPECT_EQ(store.GarbageCollect(1), 50u);  // then ids 1..100 with gaps are renumbered 1..50
  std::vector<LabelMatcher> high{M("half", "=", "high"), M("i", "=~", "9.")};
  SeriesSet s = store.Select(high, INT64_MIN, INT64_MAX);
  ASSERT_EQ(s.size(), 5u);
  EXPECT_EQ(s.labels[0].get("i"), "91");
  EXPECT_EQ(s.values(4)[0], 99.0);
  std::vector<LabelMatcher> low{M("half", "!=", "high")};
  EXPECT_EQ(store.Select(low, INT64_MIN, INT64_MAX).size(), 25u);
  app.Append(refs[3], 2, 0);  // a ref from before renumbering
  CommitResult r = app.Commit();
  EXPECT_EQ(r.counts.unknown_series, 1u);
  auto fresh = app.Append(Labels{{"__name__", "m"}, {"i", "3"}, {"half", "low"}}, 2, 0);
  ASSERT_TRUE(fresh.ok());
  EXPECT_NE(*fresh, refs[3]);
  EXPECT_EQ(app.Commit().counts.appended, 1u);
  // New series continue after the renumbered ones and stay sorted in the postings.
  ASSERT_TRUE(app.Append(Labels{{"__name__", "m"}, {"i", "new"}, {"half", "high"}}, 5, 5).ok());
  app.Commit();
  std::vector<LabelMatcher> all_high{M("half", "=", "high")};
  EXPECT_EQ(store.Select(all_high, INT64_MIN, INT64_MAX).size(), 26u);
}

}  // namespace
}  // namespace tocsin::storage
