// The Prometheus query API against real HTTP clients on loopback: libcurl for the JSON shapes and
// errors, Debian's promtool for what Prometheus's own client makes of our answers.
#include "engine/api/prometheus_query_api.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "engine/http/server.h"
#include "engine/promql/format/api_json.h"
#include "storage/tsdb/appender.h"
#include "tests/engine/http/http_test_support.h"

namespace tocsin::api {
namespace {

using nlohmann::json;
using test::Fetch;
using test::HttpCall;

constexpr TimestampMs kNow = 1'700'000'000'000;  // the test's "now": 2023-11-14T22:13:20Z

class PrometheusQueryApiTest : public ::testing::Test {
 protected:
  PrometheusQueryApiTest() : store_(storage::StoreOptions{0, 15 * kSecond}) {
    // Two jobs, a counter sampled every 15s for ten minutes before now.
    storage::Appender app(store_);
    for (int i = 0; i <= 40; ++i) {
      const TimestampMs t = kNow - 10 * kMinute + i * 15 * kSecond;
      (void)app.Append(Labels{{"__name__", "http_requests_total"}, {"job", "api"}, {"code", "200"}},
                       t, i * 10.0);
      (void)app.Append(Labels{{"__name__", "http_requests_total"}, {"job", "api"}, {"code", "500"}},
                       t, i * 1.0);
      (void)app.Append(Labels{{"__name__", "http_requests_total"}, {"job", "web"}, {"code", "200"}},
                       t, i * 3.0);
      (void)app.Append(Labels{{"__name__", "up"}, {"job", "api"}}, t, 1);
    }
    // An old series, outside the last five minutes.
    (void)app.Append(Labels{{"__name__", "old_metric"}, {"job", "batch"}}, kNow - kHour, 7);
    EXPECT_EQ(app.Commit().counts.rejected(), 0u);
  }

  void SetUp() override {
    executor_ = std::make_unique<QueryExecutor>(io_.io(), 2);
    http::Router router;
    QueryApiOptions o;
    o.store = &store_;
    o.executor = executor_.get();
    o.now = [] { return kNow; };
    o.build.version = "3.0.0+tocsin.test";
    RegisterPrometheusQueryApi(router, std::move(o));
    http::ServerOptions so;
    so.listen_address = "127.0.0.1:0";
    auto s = http::Server::Start(io_.io(), so, std::move(router));
    ASSERT_TRUE(s.ok()) << s.message();
    server_ = std::move(*s);
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }

  void TearDown() override {
    server_.reset();
    executor_.reset();
  }

  test::HttpResult Get(const std::string& path_and_query) {
    return Fetch({.url = base_ + path_and_query});
  }
  test::HttpResult PostForm(const std::string& path, const std::string& body) {
    return Fetch({.method = "POST",
                  .url = base_ + path,
                  .body = body,
                  .headers = {"Content-Type: application/x-www-form-urlencoded"}});
  }

  // Asserts Prometheus's error shape and returns the message.
  static std::string ExpectError(const test::HttpResult& r, long status, const char* type) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(r.headers.count("content-type") ? r.headers.at("content-type") : "",
              "application/json");
    const json j = json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << r.body;
    if (j.is_discarded()) return "";
    EXPECT_EQ(j.value("status", ""), "error");
    EXPECT_EQ(j.value("errorType", ""), type);
    EXPECT_EQ(j.size(), 3u) << r.body;  // no data member on errors
    return j.value("error", "");
  }

  storage::SeriesStore store_;
  test::IoThread io_;
  std::unique_ptr<QueryExecutor> executor_;
  std::unique_ptr<http::Server> server_;
  std::string base_;
};

TEST_F(PrometheusQueryApiTest, InstantQueryIsPrometheusJson) {
  auto r = Get("/api/v1/query?query=sum+by+(job)+(http_requests_total)&time=" +
               std::to_string(kNow / 1000));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"status":"success","data":{"resultType":"vector","result":[)"
                    R"({"metric":{"job":"api"},"value":[1700000000,"440"]},)"
                    R"({"metric":{"job":"web"},"value":[1700000000,"120"]}]}})");
}

TEST_F(PrometheusQueryApiTest, InstantQueryDefaultsToNowAndAcceptsPostForms) {
  auto get = Get("/api/v1/query?query=up");
  auto post = PostForm("/api/v1/query", "query=up");
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(get.body, post.body);
  EXPECT_EQ(get.body, R"({"status":"success","data":{"resultType":"vector","result":[)"
                      R"({"metric":{"__name__":"up","job":"api"},"value":[1700000000,"1"]}]}})");
  // RFC 3339 times too, and scalars.
  auto s = Get("/api/v1/query?query=1%2B1&time=2023-11-14T22:13:20.5Z");
  EXPECT_EQ(s.body,
            R"({"status":"success","data":{"resultType":"scalar","result":[1700000000.500,"2"]}})");
}

TEST_F(PrometheusQueryApiTest, RangeQueryIsAMatrix) {
  auto r = Get("/api/v1/query_range?query=up&start=" + std::to_string(kNow / 1000 - 60) +
               "&end=" + std::to_string(kNow / 1000) + "&step=30s");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"status":"success","data":{"resultType":"matrix","result":[)"
                    R"({"metric":{"__name__":"up","job":"api"},"values":[[1699999940,"1"],)"
                    R"([1699999970,"1"],[1700000000,"1"]]}]}})");
  // The step may be float seconds.
  auto f = Get("/api/v1/query_range?query=up&start=" + std::to_string(kNow / 1000 - 60) +
               "&end=" + std::to_string(kNow / 1000) + "&step=30");
  EXPECT_EQ(f.body, r.body);
}

TEST_F(PrometheusQueryApiTest, WarningsAndInfosFollowTheData) {
  // rate() over a metric without a counter-like name gives Prometheus's info annotation.
  auto r = Get("/api/v1/query?query=rate(up%5B5m%5D)");
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  ASSERT_TRUE(j.contains("infos")) << r.body;
  EXPECT_EQ(j["infos"][0],
            "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/"
            "_bucket: \"up\" (1:6)");
  EXPECT_FALSE(j.contains("warnings"));
}

TEST_F(PrometheusQueryApiTest, LimitTruncatesWithAWarning) {
  auto r = Get("/api/v1/query?query=http_requests_total&limit=2");
  ASSERT_EQ(r.status, 200) << r.body;
  const json j = json::parse(r.body);
  EXPECT_EQ(j["data"]["result"].size(), 2u);
  EXPECT_EQ(j["warnings"], json::array({"results truncated due to limit"}));
}

TEST_F(PrometheusQueryApiTest, BadParametersAre400WithPrometheusMessages) {
  EXPECT_EQ(ExpectError(Get("/api/v1/query?query=up%7B"), 400, "bad_data")
                .rfind("invalid parameter \"query\": 1:4: parse error: ", 0),
            0u);
  EXPECT_EQ(ExpectError(Get("/api/v1/query?query=up&time=yesterday"), 400, "bad_data"),
            "invalid parameter \"time\": invalid time value for 'time': cannot parse "
            "\"yesterday\" to a valid timestamp");
  EXPECT_EQ(ExpectError(Get("/api/v1/query?query=up&timeout=soon"), 400, "bad_data"),
            "invalid parameter \"timeout\": cannot parse \"soon\" to a valid duration");
  EXPECT_EQ(ExpectError(Get("/api/v1/query?query=up&lookback_delta=x"), 400, "bad_data"),
            "error parsing lookback delta duration: cannot parse \"x\" to a valid duration");
  EXPECT_EQ(ExpectError(Get("/api/v1/query?query=up&limit=-1"), 400, "bad_data"),
            "invalid parameter \"limit\": limit must be non-negative");
  EXPECT_EQ(ExpectError(Get("/api/v1/query_range?query=up&start=10&end=5&step=1"), 400, "bad_data"),
            "invalid parameter \"end\": end timestamp must not be before start time");
  EXPECT_EQ(ExpectError(Get("/api/v1/query_range?query=up&start=0&end=5&step=0"), 400, "bad_data"),
            "invalid parameter \"step\": zero or negative query resolution step widths are not "
            "accepted. Try a positive integer");
  EXPECT_EQ(
      ExpectError(Get("/api/v1/query_range?query=up&start=0&end=100000&step=1"), 400, "bad_data"),
      "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the "
      "query resolution (?step=XX)");
  EXPECT_EQ(ExpectError(Get("/api/v1/query_range?query=up%5B5m%5D&start=0&end=5&step=1"), 400,
                        "bad_data"),
            "invalid parameter \"query\": invalid expression type \"range vector\" for range "
            "query, must be Scalar or instant Vector");
  EXPECT_EQ(ExpectError(Get("/api/v1/query_range?query=up&end=5&step=1"), 400, "bad_data"),
            "invalid parameter \"start\": cannot parse \"\" to a valid timestamp");
  EXPECT_EQ(ExpectError(Get("/api/v1/query?query=up&x=%zz"), 400, "bad_data"),
            "error parsing form values: invalid URL escape \"%zz\"");
}

TEST_F(PrometheusQueryApiTest, EvaluationErrorsAre422) {
  // Two series with the same labels after dropping the name.
  EXPECT_EQ(ExpectError(Get("/api/v1/query?query=label_replace(http_requests_total,"
                            "%22code%22,%22%22,%22code%22,%22.*%22)"),
                        422, "execution"),
            "vector cannot contain metrics with the same labelset");
}

TEST_F(PrometheusQueryApiTest, SeriesLabelsAndValues) {
  auto series =
      Get("/api/v1/series?match%5B%5D=http_requests_total%7Bcode%3D%22200%22%7D"
          "&match%5B%5D=up");
  ASSERT_EQ(series.status, 200) << series.body;
  EXPECT_EQ(series.body, R"({"status":"success","data":[)"
                         R"({"__name__":"http_requests_total","code":"200","job":"api"},)"
                         R"({"__name__":"http_requests_total","code":"200","job":"web"},)"
                         R"({"__name__":"up","job":"api"}]})");

  auto labels = Get("/api/v1/labels");
  EXPECT_EQ(labels.body, R"({"status":"success","data":["__name__","code","job"]})");
  auto labels_up = Get("/api/v1/labels?match%5B%5D=up");
  EXPECT_EQ(labels_up.body, R"({"status":"success","data":["__name__","job"]})");

  auto names = Get("/api/v1/label/__name__/values");
  EXPECT_EQ(names.body, R"({"status":"success","data":["http_requests_total","old_metric","up"]})");
  auto jobs = Get("/api/v1/label/job/values?match%5B%5D=http_requests_total");
  EXPECT_EQ(jobs.body, R"({"status":"success","data":["api","web"]})");
  auto none = Get("/api/v1/label/nope/values");
  EXPECT_EQ(none.body, R"({"status":"success","data":[]})");
}

TEST_F(PrometheusQueryApiTest, TimeRangesRestrictMetadata) {
  const std::string last5m =
      "start=" + std::to_string(kNow / 1000 - 300) + "&end=" + std::to_string(kNow / 1000);
  auto names = Get("/api/v1/label/__name__/values?" + last5m);
  EXPECT_EQ(names.body, R"({"status":"success","data":["http_requests_total","up"]})");
  auto series = Get("/api/v1/series?match%5B%5D=%7Bjob%3D%22batch%22%7D&" + last5m);
  EXPECT_EQ(series.body, R"({"status":"success","data":[]})");
  auto labels = Get("/api/v1/labels?match%5B%5D=old_metric&" + last5m);
  EXPECT_EQ(labels.body, R"({"status":"success","data":[]})");
}

TEST_F(PrometheusQueryApiTest, MetadataErrors) {
  EXPECT_EQ(ExpectError(Get("/api/v1/series"), 400, "bad_data"), "no match[] parameter provided");
  EXPECT_EQ(ExpectError(Get("/api/v1/series?match%5B%5D=%7Ba%3D~%22.*%22%7D"), 400, "bad_data"),
            "invalid parameter \"match[]\": match[] must contain at least one non-empty matcher");
  EXPECT_EQ(ExpectError(Get("/api/v1/labels?match%5B%5D=%7Ba%3D~%22.*%22%7D"), 400, "bad_data"),
            "match[] must contain at least one non-empty matcher");
  EXPECT_EQ(ExpectError(Get("/api/v1/labels?start=x"), 400, "bad_data"),
            "invalid parameter \"start\": invalid time value for 'start': cannot parse \"x\" to a "
            "valid timestamp");
  EXPECT_EQ(ExpectError(Get("/api/v1/label/%FF/values"), 400, "bad_data"),
            "invalid label name: \"\\xff\"");
}

TEST_F(PrometheusQueryApiTest, GrafanaProbes) {
  auto build = Get("/api/v1/status/buildinfo");
  EXPECT_EQ(build.body,
            R"({"status":"success","data":{"version":"3.0.0+tocsin.test","revision":"",)"
            R"("branch":"","buildUser":"","buildDate":"","goVersion":""}})");
  EXPECT_EQ(Get("/api/v1/query_exemplars?query=up").body, R"({"status":"success","data":[]})");
  EXPECT_EQ(Get("/api/v1/query_exemplars?query=1").status, 204);
  EXPECT_EQ(ExpectError(Get("/api/v1/query_exemplars?query=up&start=5&end=1"), 400, "bad_data"),
            "end timestamp must not be before start timestamp");
  EXPECT_EQ(Get("/api/v1/metadata").body, R"({"status":"success","data":{}})");
}

TEST_F(PrometheusQueryApiTest, HostileInputNeverCrashes) {
  for (const std::string& q :
       {std::string("/api/v1/query?query=%00"), std::string("/api/v1/query?query=up&time=1e308"),
        std::string("/api/v1/query_range?query=up&start=-1e300&end=1e300&step=1e-300"),
        std::string("/api/v1/query_range?query=up&start=-292273086-05-16T16:47:06Z"
                    "&end=292277025-08-18T07:12:54.999999999Z&step=1"),
        std::string("/api/v1/series?match%5B%5D=%7B%7D")}) {
    auto r = Get(q);
    EXPECT_EQ(r.status, 400) << q << " -> " << r.body;
  }
  // A malformed escaped name is taken as written.
  EXPECT_EQ(Get("/api/v1/label/U__%5F/values").body, R"({"status":"success","data":[]})");
  // Deeply nested expressions in a POST body (too long for a URL).
  for (const std::string& q :
       {std::string(100000, '('), std::string(50000, '-') + "1",
        "sum(" + std::string(20000, '(') + "up" + std::string(20000, ')') + ")"}) {
    auto r = PostForm("/api/v1/query", "query=" + q);
    EXPECT_TRUE(r.status == 400 || r.status == 200 || r.status == 422) << r.status;
  }
  EXPECT_EQ(Get("/-/healthy").status, 200);
}

// ---- Debian's promtool as the client ---------------------------------------------------------

std::string RunCommand(const std::string& command) {
  std::string out;
  FILE* p = popen(command.c_str(), "r");
  if (p == nullptr) return out;
  std::array<char, 4096> buf{};
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  pclose(p);
  return out;
}

// promtool prints a vector's samples as `{labels} => value @[seconds]`; the same comparison of
// label sets and values as its -o json output gives, taken from our engine directly.
TEST_F(PrometheusQueryApiTest, PromtoolQueryInstantAgreesWithTheEngine) {
  if (!std::filesystem::exists("/usr/bin/promtool")) GTEST_SKIP() << "promtool not installed";
  const std::string expr = "sum by (job) (rate(http_requests_total[5m])) / 2";
  const std::string out =
      RunCommand("/usr/bin/promtool query instant -o json --time=" + std::to_string(kNow / 1000) +
                 " " + base_ + " '" + expr + "' 2>&1");
  const json got = json::parse(out, nullptr, false);
  ASSERT_FALSE(got.is_discarded()) << out;

  promql::Engine engine;
  auto parsed = promql::ParseExpr(expr);
  ASSERT_TRUE(parsed.ok());
  auto want = engine.InstantQuery(store_, **parsed, kNow);
  ASSERT_TRUE(want.ok()) << want.message();
  const auto& vec = std::get<promql::Vector>(want->value);
  ASSERT_EQ(got.size(), vec.size()) << out;
  for (size_t i = 0; i < vec.size(); ++i) {
    EXPECT_EQ(got[i]["metric"].dump(), json::parse(promql::LabelsJson(vec[i].metric)).dump());
    EXPECT_EQ(got[i]["value"][1], promql::FormatApiFloat(vec[i].v));
    EXPECT_EQ(got[i]["value"][0].get<double>(), static_cast<double>(kNow) / 1000);
  }
}

TEST_F(PrometheusQueryApiTest, PromtoolQueryRangeAgreesWithTheEngine) {
  if (!std::filesystem::exists("/usr/bin/promtool")) GTEST_SKIP() << "promtool not installed";
  const std::string expr = "increase(http_requests_total{job=\"api\"}[2m])";
  const TimestampMs start = kNow - 5 * kMinute, end = kNow;
  const std::string out = RunCommand(
      "/usr/bin/promtool query range -o json --start=" + std::to_string(start / 1000) +
      " --end=" + std::to_string(end / 1000) + " --step=1m " + base_ + " '" + expr + "' 2>&1");
  const json got = json::parse(out, nullptr, false);
  ASSERT_FALSE(got.is_discarded()) << out;

  promql::Engine engine;
  auto parsed = promql::ParseExpr(expr);
  ASSERT_TRUE(parsed.ok());
  auto want = engine.RangeQuery(store_, **parsed, start, end, kMinute);
  ASSERT_TRUE(want.ok()) << want.message();
  const auto& mat = std::get<promql::Matrix>(want->value);
  ASSERT_EQ(got.size(), mat.size()) << out;
  for (size_t i = 0; i < mat.size(); ++i) {
    EXPECT_EQ(got[i]["metric"].dump(), json::parse(promql::LabelsJson(mat[i].metric)).dump());
    ASSERT_EQ(got[i]["values"].size(), mat[i].points.size());
    for (size_t j = 0; j < mat[i].points.size(); ++j) {
      EXPECT_EQ(got[i]["values"][j][1], promql::FormatApiFloat(mat[i].points[j].v));
    }
  }
}

TEST_F(PrometheusQueryApiTest, PromtoolReportsOurErrors) {
  if (!std::filesystem::exists("/usr/bin/promtool")) GTEST_SKIP() << "promtool not installed";
  const std::string out = RunCommand("/usr/bin/promtool query instant " + base_ + " 'up{' 2>&1");
  EXPECT_NE(out.find("bad_data"), std::string::npos) << out;
  EXPECT_NE(out.find("parse error"), std::string::npos) << out;
}

}  // namespace
}  // namespace tocsin::api
