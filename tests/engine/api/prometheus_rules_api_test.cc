// /api/v1/rules and /api/v1/alerts over real rule groups evaluated against a real store.
#include "engine/api/prometheus_rules_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/promql/engine.h"
#include "rules/group_loader.h"
#include "rules/prometheus_template_expander.h"
#include "storage/tsdb/appender.h"

namespace tocsin::api {
namespace {

using nlohmann::json;

constexpr const char* kRules = R"(
groups:
  - name: api
    interval: 30s
    rules:
      - record: job:errors:sum
        expr: sum by (job) (errors)
      - alert: HighErrors
        expr: errors > 5
        for: 1m
        keep_firing_for: 2m
        labels: {severity: page}
        annotations: {summary: "{{ $labels.instance }} has {{ $value }} errors"}
      - alert: NeverFires
        expr: errors > 1000
  - name: other
    limit: 3
    labels: {team: infra}
    rules:
      - alert: Broken
        expr: label_replace(errors, "instance", "", "instance", ".*")
)";

class PrometheusRulesApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    rules::GroupLoadOptions lo;
    lo.files.template_check = rules::PrometheusTemplateParseCheck();
    auto parsed = rules::ParseRuleFile(kRules, "rules/app.yml", lo.files);
    ASSERT_TRUE(parsed.ok()) << parsed.errors.front();
    groups_ = rules::BuildGroups(parsed.file, lo);
    ASSERT_EQ(groups_.size(), 2u);
    options_.for_each_group = [this](const std::function<void(const rules::RuleGroup&)>& fn) {
      for (const auto& g : groups_) fn(*g);
    };
  }

  // Appends errors{instance=a}=v1, errors{instance=b}=v2 at t and evaluates both groups at t.
  void EvalAt(TimestampMs t, double a, double b) {
    storage::Appender app(store_);
    (void)app.Append(Labels{{"__name__", "errors"}, {"job", "x"}, {"instance", "a"}}, t, a);
    (void)app.Append(Labels{{"__name__", "errors"}, {"job", "x"}, {"instance", "b"}}, t, b);
    app.Commit();
    rules::QueryFunc query = [this](const promql::Expr& e,
                                    TimestampMs ts) -> Result<promql::Vector> {
      auto r = engine_.InstantQuery(store_, e, ts);
      if (!r.ok()) return r.error();
      if (auto* v = std::get_if<promql::Vector>(&r->value)) return std::move(*v);
      if (auto* s = std::get_if<promql::Scalar>(&r->value)) {
        return promql::Vector{{Labels{}, s->t, s->v, false}};
      }
      return Error{"rule result is not a vector or scalar"};
    };
    rules::GroupEvalContext ctx;
    ctx.query = &query;
    ctx.store = &store_;
    ctx.expander = &expander_;
    for (auto& g : groups_) g->Eval(t, ctx);
  }

  json GetJson(const std::string& query_string, int* status = nullptr) {
    http::Request req;
    req.method = "GET";
    req.path = "/api/v1/rules";
    req.query = query_string;
    const http::Response r = RulesResponse(req, options_);
    if (status) *status = r.status;
    return json::parse(r.body);
  }

  storage::SeriesStore store_{storage::StoreOptions::Unbounded()};
  promql::Engine engine_;
  rules::PrometheusTemplateExpander expander_{rules::TemplateExpanderOptions{}};
  std::vector<std::unique_ptr<rules::RuleGroup>> groups_;
  RulesApiOptions options_;
};

TEST_F(PrometheusRulesApiTest, BeforeTheFirstEvaluation) {
  const http::Request req{.method = "GET", .path = "/api/v1/rules"};
  const http::Response r = RulesResponse(req, options_);
  ASSERT_EQ(r.status, 200);
  // The exact bytes of the first group, as Prometheus prints an unevaluated group.
  const std::string want_prefix =
      R"j({"status":"success","data":{"groups":[{"name":"api","file":"rules/app.yml","rules":[)j"
      R"j({"name":"job:errors:sum","query":"sum by (job) (errors)","labels":{},)j"
      R"j("health":"unknown","evaluationTime":0,"lastEvaluation":"0001-01-01T00:00:00Z",)j"
      R"j("type":"recording"},)j"
      R"j({"state":"unknown","name":"HighErrors","query":"errors \u003e 5","duration":60,)j"
      R"j("keepFiringFor":120,"labels":{"severity":"page"},)j"
      R"j("annotations":{"summary":"{{ $labels.instance }} has {{ $value }} errors"},)j"
      R"j("alerts":[],"health":"unknown","evaluationTime":0,)j"
      R"j("lastEvaluation":"0001-01-01T00:00:00Z","type":"alerting"},)j";
  EXPECT_EQ(r.body.substr(0, want_prefix.size()), want_prefix) << r.body;
}

TEST_F(PrometheusRulesApiTest, AlertsAndHealthAfterEvaluations) {
  const TimestampMs t0 = 1'700'000'000'000;
  EvalAt(t0, 10, 1);
  EvalAt(t0 + kMinute, 12, 1);

  const json j = GetJson("");
  ASSERT_EQ(j["status"], "success");
  const json& api = j["data"]["groups"][0];
  EXPECT_EQ(api["interval"], 30);
  EXPECT_EQ(api["limit"], 0);
  const json& high = api["rules"][1];
  EXPECT_EQ(high["state"], "firing");
  EXPECT_EQ(high["health"], "ok");
  ASSERT_EQ(high["alerts"].size(), 1u);
  const json& alert = high["alerts"][0];
  EXPECT_EQ(
      alert["labels"],
      json({{"alertname", "HighErrors"}, {"instance", "a"}, {"job", "x"}, {"severity", "page"}}));
  EXPECT_EQ(alert["annotations"]["summary"], "a has 12 errors");
  EXPECT_EQ(alert["state"], "firing");
  EXPECT_EQ(alert["activeAt"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(alert["value"], "1.2e+01");
  EXPECT_FALSE(alert.contains("keepFiringSince"));
  EXPECT_EQ(api["rules"][2]["state"], "inactive");

  const json& other = j["data"]["groups"][1];
  EXPECT_EQ(other["limit"], 3);
  EXPECT_EQ(other["rules"][0]["labels"], json({{"team", "infra"}}));
  EXPECT_EQ(other["rules"][0]["health"], "err");
  EXPECT_EQ(other["rules"][0]["lastError"], "vector cannot contain metrics with the same labelset");

  // keep_firing_for: the condition stops, the alert keeps firing and says since when.
  EvalAt(t0 + 2 * kMinute, 0, 0);
  const json k = GetJson("");
  const json& kept = k["data"]["groups"][0]["rules"][1]["alerts"][0];
  EXPECT_EQ(kept["state"], "firing");
  EXPECT_EQ(kept["keepFiringSince"], "2023-11-14T22:15:20Z");

  // /api/v1/alerts lists every pending and firing alert.
  const json alerts = json::parse(AlertsResponse(options_).body);
  ASSERT_EQ(alerts["data"]["alerts"].size(), 1u);
  EXPECT_EQ(alerts["data"]["alerts"][0]["labels"]["alertname"], "HighErrors");
}

TEST_F(PrometheusRulesApiTest, Filters) {
  EvalAt(1'700'000'000'000, 10, 1);
  auto names = [](const json& j) {
    std::vector<std::string> out;
    for (const auto& g : j["data"]["groups"]) {
      for (const auto& r : g["rules"])
        out.push_back(g["name"].get<std::string>() + "/" + r["name"].get<std::string>());
    }
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names(GetJson("type=record")), V({"api/job:errors:sum"}));
  EXPECT_EQ(names(GetJson("type=ALERT&rule_group%5B%5D=other")), V({"other/Broken"}));
  EXPECT_EQ(names(GetJson("rule_name%5B%5D=NeverFires&rule_name%5B%5D=Broken")),
            V({"api/NeverFires", "other/Broken"}));
  EXPECT_EQ(names(GetJson("file%5B%5D=rules/nope.yml")), V{});
  EXPECT_EQ(names(GetJson(
                "match%5B%5D=%7Bseverity%3D%22page%22%7D&match%5B%5D=%7Bteam%3D%22infra%22%7D")),
            V({"api/HighErrors", "other/Broken"}));
  const json excluded = GetJson("exclude_alerts=true&rule_name%5B%5D=HighErrors");
  EXPECT_TRUE(excluded["data"]["groups"][0]["rules"][0]["alerts"].is_null());

  int status = 0;
  EXPECT_EQ(GetJson("type=alerting", &status)["error"],
            "invalid parameter \"type\": not supported value \"alerting\"");
  EXPECT_EQ(status, 400);
  EXPECT_EQ(GetJson("exclude_alerts=maybe", &status)["error"],
            "invalid parameter \"exclude_alerts\": error converting exclude_alerts: "
            "strconv.ParseBool: parsing \"maybe\": invalid syntax");
  EXPECT_EQ(GetJson("match%5B%5D=%7B", &status)["errorType"], "bad_data");
}

TEST_F(PrometheusRulesApiTest, Pagination) {
  const json first = GetJson("group_limit=1");
  ASSERT_EQ(first["data"]["groups"].size(), 1u);
  EXPECT_EQ(first["data"]["groups"][0]["name"], "api");
  const std::string token = first["data"]["groupNextToken"];
  EXPECT_EQ(token.size(), 64u);
  const json second = GetJson("group_limit=1&group_next_token=" + token);
  ASSERT_EQ(second["data"]["groups"].size(), 1u);
  EXPECT_EQ(second["data"]["groups"][0]["name"], "other");
  EXPECT_FALSE(second["data"].contains("groupNextToken"));

  int status = 0;
  EXPECT_EQ(GetJson("group_next_token=abc", &status)["error"],
            "invalid parameter \"group_next_token\": group_limit needs to be present in order to "
            "paginate over the groups");
  EXPECT_EQ(GetJson("group_limit=0", &status)["error"],
            "invalid parameter \"group_limit\": group_limit needs to be greater than 0");
  EXPECT_EQ(GetJson("group_limit=x", &status)["error"],
            "invalid parameter \"group_limit\": group_limit needs to be a valid number: "
            "strconv.ParseInt: parsing \"x\": invalid syntax");
  EXPECT_EQ(GetJson("group_limit=1&group_next_token=abc", &status)["error"],
            "invalid parameter \"group_next_token\": invalid group_next_token 'abc'. were rule "
            "groups changed?");
}

}  // namespace
}  // namespace tocsin::api
