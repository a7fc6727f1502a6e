#include "notifiers/pagerduty.h"

#include <gtest/gtest.h>

#include "tests/notifiers/notification_fixture.h"
#include "tests/support/http_capture_server.h"
#include "tests/support/literal_templates.h"

namespace tocsin::notifiers {
namespace {

using testing::HttpCaptureServer;
using testing::LiteralTemplates;
using testing::ScriptedResponse;
using testing_fixture::LatencyNotification;
using testing_fixture::ResolvedLatencyNotification;

constexpr std::string_view kDedupKey =
    "73042dc50d9d7d783a3772aae2a313acab072425608782aea59917e35ef8ec46";

PagerDutyConfig ExplicitConfig(std::string url) {
  PagerDutyConfig c;
  c.url = std::move(url);
  c.routing_key = "R0UT1NGKEY";
  c.client = "tocsin";
  c.client_url = "http://tocsin.example:9093/#/alerts?receiver=pd";
  c.description = "[FIRING:1] HighLatency (api critical)";
  c.details = nlohmann::json::object();
  return c;
}

TEST(PagerDutyTest, DedupKeyIsTheSha256OfTheGroupKey) {
  EXPECT_EQ(GroupKeyHash(R"({}/{severity="critical"}:{alertname="HighLatency"})"), kDedupKey);
  EXPECT_EQ(GroupKeyHash(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(PagerDutyTest, TriggersAnEventsV2Incident) {
  HttpCaptureServer server;
  server.SetDefault(ScriptedResponse::Status(202, R"({"status":"success"})"));
  HttpClient client;
  LiteralTemplates templates;
  PagerDutyConfig c = ExplicitConfig(server.url("/v2/enqueue"));
  c.event_class = "latency";
  c.component = "api";
  c.group = "web";
  c.details = {{"runbook", "https://runbooks/latency"}, {"firing_count", "1"}};
  c.images = {PagerDutyImage{"https://graphs/1.png", "p99", "https://graphs/1"},
              PagerDutyImage{"", "dropped: no src", ""}};
  c.links = {PagerDutyLink{"https://runbooks/latency", "Runbook"}, PagerDutyLink{"", "dropped"}};
  PagerDutyNotifier pd(c, client, templates);
  EXPECT_EQ(pd.integration(), "pagerduty");
  EXPECT_TRUE(pd.send_resolved());
  NotifyResult r = pd.Notify(LatencyNotification(), NotifyContext{});
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status_code, 202);
  ASSERT_EQ(server.request_count(), 1u);
  auto req = server.requests()[0];
  EXPECT_EQ(req.target, "/v2/enqueue");
  EXPECT_EQ(
      req.body,
      std::string(R"({"routing_key":"R0UT1NGKEY","dedup_key":")") + std::string(kDedupKey) +
          R"js(","event_action":"trigger","payload":{"summary":"[FIRING:1] HighLatency (api critical)",)js"
          R"("source":"tocsin","severity":"error","class":"latency","component":"api","group":"web",)"
          R"("custom_details":{"firing_count":1,"runbook":"https://runbooks/latency"}},)"
          R"("client":"tocsin","client_url":"http://tocsin.example:9093/#/alerts?receiver=pd",)"
          R"("images":[{"src":"https://graphs/1.png","alt":"p99","href":"https://graphs/1"}],)"
          R"("links":[{"href":"https://runbooks/latency","text":"Runbook"}]})"
          "\n");
}

TEST(PagerDutyTest, ResolvesWhenNothingFires) {
  LiteralTemplates templates;
  PagerDutyConfig c = ExplicitConfig("http://unused");
  c.severity = "critical";
  c.source = "edge-1";
  auto body = PagerDutyEvent(c, templates, ResolvedLatencyNotification());
  ASSERT_TRUE(body.ok()) << body.message();
  auto event = nlohmann::json::parse(*body);
  EXPECT_EQ(event["event_action"], "resolve");
  EXPECT_EQ(event["dedup_key"], kDedupKey);
  EXPECT_EQ(event["payload"]["severity"], "critical");
  EXPECT_EQ(event["payload"]["source"], "edge-1");
  EXPECT_FALSE(event["payload"].contains("custom_details"));  // empty: omitted as Go does
  EXPECT_FALSE(event.contains("images"));
}

TEST(PagerDutyTest, SummaryIsCutTo1024Runes) {
  LiteralTemplates templates;
  PagerDutyConfig c = ExplicitConfig("http://unused");
  c.description = std::string(1100, 'x');
  auto event = nlohmann::json::parse(*PagerDutyEvent(c, templates, LatencyNotification()));
  EXPECT_EQ(event["payload"]["summary"], std::string(1023, 'x') + "…");
}

TEST(PagerDutyTest, DetailsAreReadBackAsYamlLikeAlertmanager) {
  LiteralTemplates templates;
  PagerDutyConfig c = ExplicitConfig("http://unused");
  c.details = {{"num", "3"},
               {"list", R"([{"b":1,"a":"x"}])"},
               {"flag", "yes"},
               {"empty", ""},
               {"text", "just text, not a map"},
               {"quoted", "\"kept verbatim\""},
               {"nested", {{"deep", "1.5"}}}};
  auto event = nlohmann::json::parse(*PagerDutyEvent(c, templates, LatencyNotification()));
  auto details = event["payload"]["custom_details"];
  EXPECT_EQ(details["num"], 3);
  EXPECT_EQ(details["list"], nlohmann::json::parse(R"([{"a":"x","b":1}])"));
  EXPECT_EQ(details["flag"], true);
  EXPECT_TRUE(details["empty"].is_null());
  EXPECT_EQ(details["text"], "just text, not a map");
  EXPECT_EQ(details["quoted"], "\"kept verbatim\"");
  EXPECT_EQ(details["nested"]["deep"], 1.5);
}

TEST(PagerDutyTest, OversizedEventsLoseTheirDetails) {
  LiteralTemplates templates;
  PagerDutyConfig c = ExplicitConfig("http://unused");
  c.details = {{"blob", std::string(600000, 'a')}};
  auto body = PagerDutyEvent(c, templates, LatencyNotification());
  ASSERT_TRUE(body.ok());
  EXPECT_LT(body->size(), 512000u);
  EXPECT_NE(body->find(R"("custom_details":{"error":"Custom details have been removed because )"
                       R"(the original event exceeds the maximum size of 512KB"})"),
            std::string::npos);
}

TEST(PagerDutyTest, V1UsesTheServiceKeyAndIncidentKey) {
  HttpCaptureServer server;
  server.Script({ScriptedResponse::Status(403, "rate limited"), ScriptedResponse::Status(200)});
  HttpClient client;
  LiteralTemplates templates;
  PagerDutyConfig c = ExplicitConfig("http://unused");
  c.routing_key.clear();
  c.service_key = "SERVICEKEY";
  c.v1_url = server.url("/generic/2010-04-15/create_event.json");
  c.details = {{"k", "v"}};
  PagerDutyNotifier pd(c, client, templates);
  NotifyResult limited = pd.Notify(LatencyNotification(), {});
  EXPECT_TRUE(limited.retry);  // 403 is v1's rate limit
  EXPECT_EQ(limited.error, "unexpected status code 403");
  EXPECT_TRUE(pd.Notify(LatencyNotification(), {}).ok());
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[1].target, "/generic/2010-04-15/create_event.json");
  EXPECT_EQ(
      reqs[1].body,
      std::string(R"({"service_key":"SERVICEKEY","incident_key":")") + std::string(kDedupKey) +
          R"js(","event_type":"trigger","description":"[FIRING:1] HighLatency (api critical)",)js"
          R"("event_action":"","payload":null,"client":"tocsin",)"
          R"("client_url":"http://tocsin.example:9093/#/alerts?receiver=pd","details":{"k":"v"}})"
          "\n");

  auto resolved =
      nlohmann::json::parse(*PagerDutyEvent(c, templates, ResolvedLatencyNotification()));
  EXPECT_EQ(resolved["event_type"], "resolve");
  EXPECT_FALSE(resolved.contains("client"));  // v1 sends the client only with triggers
}

TEST(PagerDutyTest, ClassifiesPagerDutyAnswers) {
  HttpCaptureServer server;
  server.Script({
      ScriptedResponse::Status(400,
                               R"({"status":"invalid event","message":"Event object is invalid",)"
                               R"("errors":["Length of 'routing_key' is incorrect"]})"),
      ScriptedResponse::Status(403),
      ScriptedResponse::Status(429),
      ScriptedResponse::Status(502, "bad gateway"),
  });
  HttpClient client;
  LiteralTemplates templates;
  PagerDutyNotifier pd(ExplicitConfig(server.url()), client, templates);
  NotifyResult bad = pd.Notify(LatencyNotification(), {});
  EXPECT_FALSE(bad.retry);
  EXPECT_EQ(bad.error,
            "unexpected status code 400: Event object is invalid: Length of 'routing_key' is "
            "incorrect");
  EXPECT_FALSE(pd.Notify(LatencyNotification(), {}).retry);  // 403 is permanent for v2
  EXPECT_TRUE(pd.Notify(LatencyNotification(), {}).retry);
  NotifyResult gateway = pd.Notify(LatencyNotification(), {});
  EXPECT_TRUE(gateway.retry);
  EXPECT_EQ(gateway.error, "unexpected status code 502");
}

TEST(PagerDutyTest, MissingKeyOrBrokenTemplateIsPermanent) {
  HttpClient client;
  LiteralTemplates templates;
  PagerDutyConfig no_key = ExplicitConfig("http://unused");
  no_key.routing_key.clear();
  no_key.routing_key_file = "/nonexistent/routing-key";
  NotifyResult r1 = PagerDutyNotifier(no_key, client, templates).Notify(LatencyNotification(), {});
  EXPECT_FALSE(r1.retry);
  EXPECT_NE(r1.error.find("routing_key"), std::string::npos) << r1.error;

  PagerDutyConfig broken = ExplicitConfig("http://unused");
  broken.component = std::string(LiteralTemplates::kFail);
  NotifyResult r2 = PagerDutyNotifier(broken, client, templates).Notify(LatencyNotification(), {});
  EXPECT_FALSE(r2.retry);
  EXPECT_EQ(r2.error, "failed to template PagerDuty v2 message: component: template: boom");
}

TEST(PagerDutyTest, DefaultDetailsAreAlertmanagers) {
  nlohmann::json d = DefaultPagerDutyDetails();
  EXPECT_EQ(d["firing"], "{{ .Alerts.Firing | toJson }}");
  EXPECT_EQ(d["resolved"], "{{ .Alerts.Resolved | toJson }}");
  EXPECT_EQ(d["num_firing"], "{{ .Alerts.Firing | len }}");
  EXPECT_EQ(d["num_resolved"], "{{ .Alerts.Resolved | len }}");
}

}  // namespace
}  // namespace tocsin::notifiers
