// End to end with the real notifiers: alerts go in, and real servers on 127.0.0.1 — the HTTP
// capture server standing in for a webhook receiver, Slack and PagerDuty, and an SMTP server
// (Debian's aiosmtpd) — receive exactly what Alertmanager would send. Faults (5xx, 429 with
// Retry-After, timeouts, refused connections) are retried per policy and recorded, and nothing
// is dropped. The clock is manual; only the network is real.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/alerting/alerting_pipeline.h"
#include "notifiers/http_client.h"
#include "notifiers/pagerduty.h"
#include "tests/engine/alerting/pipeline_fixture.h"
#include "tests/support/http_capture_server.h"
#include "tests/support/smtp_test_server.h"

namespace tocsin::alerting {
namespace {

using nlohmann::json;
using testing::kT0;
using tocsin::testing::HttpCaptureServer;
using tocsin::testing::ScriptedResponse;
using tocsin::testing::SmtpTestServer;

constexpr const char* kExternalUrl = "http://tocsin.example:9093";

class PipelineNotifiersTest : public testing::PipelineFixture {
 protected:
  // The pipeline with tocsin's own integrations (BuildIntegrations) instead of recorders.
  void StartReal(const std::string& yaml) {
    if (!store_) OpenStore();
    PipelineOptions options;
    options.external_url = kExternalUrl;
    options.uniform01 = [] { return 0.5; };
    PipelineDeps deps;
    deps.store = store_.get();
    deps.scheduler = &clock_;
    deps.flush_executor = &inline_;
    deps.delivery_executor = &inline_;
    deps.http = &http_;
    auto p = AlertingPipeline::Create(ParseConfig(yaml), deps, options);
    ASSERT_TRUE(p.ok()) << p.message();
    pipeline_ = std::move(*p);
    ASSERT_TRUE(pipeline_->Start().ok());
  }

  static PostableAlert HighLatency(TimestampMs ends) {
    PostableAlert a;
    a.labels = {{"alertname", "HighLatency"},
                {"severity", "critical"},
                {"instance", "api-1"},
                {"job", "api"}};
    a.annotations = {{"summary", "p99 above 1s"}};
    a.starts_at = kT0;
    a.ends_at = ends;
    a.generator_url = "http://prom.example/graph?g0.expr=x";
    return a;
  }
  static std::string Fingerprint() { return FingerprintHex(HighLatency(0).labels.fingerprint()); }

  notifiers::HttpClient http_;
};

TEST_F(PipelineNotifiersTest, EveryIntegrationReceivesAlertmanagersPayload) {
  HttpCaptureServer webhook, slack, pagerduty;
  slack.SetDefault(ScriptedResponse::Status(200, "ok"));  // what an incoming webhook answers
  SmtpTestServer smtp;
  StartReal(R"(
global:
  smtp_smarthost: 127.0.0.1:)" +
            std::to_string(smtp.port()) + R"(
  smtp_from: tocsin@example.com
  smtp_require_tls: false
route:
  receiver: all
  group_by: [alertname]
  group_wait: 30s
  group_interval: 5m
receivers:
- name: all
  webhook_configs:
  - url: )" +
            webhook.url("/hook") + R"(
  slack_configs:
  - api_url: )" +
            slack.url("/services/T0/B0/X") + R"(
    channel: '#alerts'
    send_resolved: true
  pagerduty_configs:
  - routing_key: test-key
    url: )" +
            pagerduty.url("/v2/enqueue") + R"(
  email_configs:
  - to: oncall@example.com
)");
  Put({HighLatency(kT0 + kHour)});
  clock_.AdvanceTo(kT0 + 30 * kSecond);
  ASSERT_TRUE(smtp.WaitForMessages(1, std::chrono::seconds(10)));

  const std::string fp = Fingerprint();
  const std::string group_key = R"({}:{alertname="HighLatency"})";
  ASSERT_EQ(webhook.request_count(), 1u);
  const auto hook = webhook.requests()[0];
  EXPECT_EQ(hook.method, "POST");
  EXPECT_EQ(hook.target, "/hook");
  EXPECT_EQ(hook.header("Content-Type"), "application/json");
  EXPECT_EQ(
      hook.body,
      R"({"receiver":"all","status":"firing","alerts":[{"status":"firing","labels":{"alertname":"HighLatency","instance":"api-1","job":"api","severity":"critical"},"annotations":{"summary":"p99 above 1s"},"startsAt":"2024-05-01T12:00:00Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom.example/graph?g0.expr=x","fingerprint":")" +
          fp +
          R"("}],"notification_reason":"first notification","groupLabels":{"alertname":"HighLatency"},"commonLabels":{"alertname":"HighLatency","instance":"api-1","job":"api","severity":"critical"},"commonAnnotations":{"summary":"p99 above 1s"},"routeLabels":{},"externalURL":"http://tocsin.example:9093","version":"4","groupKey":"{}:{alertname=\"HighLatency\"}","truncatedAlerts":0})"
          "\n");

  const std::string subject = "[FIRING:1] HighLatency (api-1 api critical)";
  const std::string alerts_url = "http://tocsin.example:9093/#/alerts?receiver=all";
  ASSERT_EQ(slack.request_count(), 1u);
  EXPECT_EQ(
      slack.requests()[0].body,
      R"({"channel":"#alerts","username":"Alertmanager","attachments":[{"title":")" + subject +
          R"(","title_link":")" + alerts_url + R"(","text":"","fallback":")" + subject + " | " +
          alerts_url +
          R"(","callback_id":"","footer":"","color":"danger","mrkdwn_in":["fallback","pretext","text"]}]})"
          "\n");

  ASSERT_EQ(pagerduty.request_count(), 1u);
  json pd = json::parse(pagerduty.requests()[0].body);
  EXPECT_EQ(pd["routing_key"], "test-key");
  EXPECT_EQ(pd["dedup_key"], notifiers::GroupKeyHash(group_key));
  EXPECT_EQ(pd["event_action"], "trigger");
  EXPECT_EQ(pd["client"], "Alertmanager");
  EXPECT_EQ(pd["client_url"], alerts_url);
  EXPECT_EQ(pd["payload"]["summary"], subject);
  EXPECT_EQ(pd["payload"]["source"], "Alertmanager");
  EXPECT_EQ(pd["payload"]["severity"], "error");
  EXPECT_EQ(pd["payload"]["custom_details"]["num_firing"], 1);
  EXPECT_EQ(pd["payload"]["custom_details"]["num_resolved"], 0);
  ASSERT_EQ(pd["payload"]["custom_details"]["firing"].size(), 1u);
  EXPECT_EQ(pd["payload"]["custom_details"]["firing"][0]["fingerprint"], fp);

  const auto mail = smtp.messages()[0];
  EXPECT_EQ(mail.mail_from, "tocsin@example.com");
  EXPECT_EQ(mail.rcpt_tos, (std::vector<std::string>{"oncall@example.com"}));
  EXPECT_EQ(mail.header("Subject"), subject);
  EXPECT_EQ(mail.header("To"), "oncall@example.com");
  ASSERT_NE(mail.part("text/html"), nullptr);
  EXPECT_NE(mail.part("text/html")->content.find("p99 above 1s"), std::string::npos);

  // Every delivery is in the history.
  auto attempts = Attempts();
  ASSERT_EQ(attempts.size(), 4u);
  for (const auto& a : attempts) {
    EXPECT_EQ(a.status, sqlite::DeliveryStatus::kSuccess) << a.target.integration << a.error;
    EXPECT_EQ(a.reason, "first notification");
  }

  // Resolution: webhook, Slack and PagerDuty are told; email (send_resolved off) is not.
  Put({HighLatency(clock_.Now())});
  clock_.Advance(5 * kMinute);
  ASSERT_EQ(webhook.request_count(), 2u);
  json resolved = json::parse(webhook.requests()[1].body);
  EXPECT_EQ(resolved["status"], "resolved");
  EXPECT_EQ(resolved["notification_reason"], "all alerts resolved");
  EXPECT_EQ(resolved["alerts"][0]["endsAt"], "2024-05-01T12:00:30Z");
  ASSERT_EQ(slack.request_count(), 2u);
  EXPECT_EQ(json::parse(slack.requests()[1].body)["attachments"][0]["color"], "good");
  ASSERT_EQ(pagerduty.request_count(), 2u);
  EXPECT_EQ(json::parse(pagerduty.requests()[1].body)["event_action"], "resolve");
  EXPECT_EQ(json::parse(pagerduty.requests()[1].body)["dedup_key"],
            notifiers::GroupKeyHash(group_key));
  EXPECT_EQ(smtp.messages().size(), 1u);
  auto after = Attempts();
  ASSERT_EQ(after.size(), 8u);
  size_t skipped = 0;
  for (const auto& a : after) skipped += a.status == sqlite::DeliveryStatus::kSkipped;
  EXPECT_EQ(skipped, 1u);  // the email: logged as resolved, not sent
}

TEST_F(PipelineNotifiersTest, FaultsAreRetriedRecordedAndNothingIsDropped) {
  HttpCaptureServer webhook;
  // A dropped connection, a server error, rate limiting with Retry-After, then success.
  webhook.Script({ScriptedResponse::Close(), ScriptedResponse::Status(500, "boom"),
                  ScriptedResponse::Status(429).Header("Retry-After", "3"),
                  ScriptedResponse::Status(200)});
  StartReal(R"(
route:
  receiver: hook
  group_wait: 0s
  group_interval: 5m
receivers:
- name: hook
  webhook_configs:
  - url: )" +
            webhook.url("/hook") + R"(
)");
  Put({HighLatency(kT0 + kHour)});
  clock_.RunDue();
  clock_.Advance(10 * kSecond);
  ASSERT_EQ(webhook.request_count(), 4u);
  auto attempts = Attempts();
  ASSERT_EQ(attempts.size(), 4u);
  EXPECT_EQ(attempts[0].status, sqlite::DeliveryStatus::kRetrying);  // connection dropped
  EXPECT_EQ(attempts[0].http_status, 0);
  EXPECT_FALSE(attempts[0].error.empty());
  EXPECT_EQ(attempts[1].status, sqlite::DeliveryStatus::kRetrying);
  EXPECT_EQ(attempts[1].http_status, 500);
  EXPECT_EQ(attempts[1].error, "unexpected status code 500: boom");
  EXPECT_EQ(attempts[2].status, sqlite::DeliveryStatus::kRetrying);
  EXPECT_EQ(attempts[2].http_status, 429);
  EXPECT_EQ(attempts[3].status, sqlite::DeliveryStatus::kSuccess);
  EXPECT_EQ(attempts[3].attempt, 4);
  // Backoff from the start of the previous attempt (500ms, 750ms), then Retry-After's 3s.
  EXPECT_EQ(attempts[1].at - attempts[0].at, 500);
  EXPECT_EQ(attempts[2].at - attempts[1].at, 750);
  EXPECT_EQ(attempts[3].at - attempts[2].at, 3 * kSecond);
  // Delivered once: the next flush has nothing to say.
  clock_.Advance(5 * kMinute);
  EXPECT_EQ(webhook.request_count(), 4u);
}

TEST_F(PipelineNotifiersTest, TimeoutsAndRefusedConnectionsAreRetriedUntilDelivered) {
  HttpCaptureServer slow;
  // The first answer comes after the integration's 300ms timeout.
  slow.Script({ScriptedResponse::Status(200).Delay(std::chrono::milliseconds(1500))});
  uint16_t dead_port;
  {
    HttpCaptureServer gone;  // a port nobody listens on once it is destroyed
    dead_port = gone.port();
  }
  const std::string dead_url = "http://127.0.0.1:" + std::to_string(dead_port) + "/hook";
  const std::string config = R"(
route:
  receiver: hook
  group_wait: 0s
  group_interval: 1m
receivers:
- name: hook
  webhook_configs:
  - url: )" + slow.url("/slow") +
                             R"(
    timeout: 300ms
  - url: )" + dead_url + R"(
)";
  StartReal(config);
  Put({HighLatency(kT0 + 10 * kHour)});
  clock_.RunDue();
  clock_.Advance(2 * kSecond);
  auto attempts = Attempts();
  std::map<int, std::vector<sqlite::NotificationAttempt>> by_index;
  for (const auto& a : attempts) by_index[a.target.index].push_back(a);
  ASSERT_GE(by_index[0].size(), 2u);
  EXPECT_EQ(by_index[0][0].status, sqlite::DeliveryStatus::kRetrying);  // timed out
  EXPECT_EQ(by_index[0].back().status, sqlite::DeliveryStatus::kSuccess);
  ASSERT_GE(by_index[1].size(), 2u);
  for (const auto& a : by_index[1]) {
    EXPECT_EQ(a.status, sqlite::DeliveryStatus::kRetrying);
    EXPECT_EQ(a.http_status, 0);
    EXPECT_FALSE(a.error.empty());
  }
  // The refused one is retried until the flush's deadline (its group_interval, 1m) and then
  // given up — not logged as sent: once the receiver is reachable (here: the configuration
  // points it at a live server) the next flush delivers it.
  clock_.AdvanceTo(kT0 + 59 * kSecond);
  size_t failed = 0;
  for (const auto& a : Attempts()) {
    if (a.target.index == 1 && a.status == sqlite::DeliveryStatus::kFailed) ++failed;
  }
  EXPECT_EQ(failed, 1u);
  HttpCaptureServer revived;
  std::string fixed = config;
  fixed.replace(fixed.find(dead_url), dead_url.size(), revived.url("/hook"));
  ASSERT_TRUE(pipeline_->Reload(ParseConfig(fixed)).ok());
  clock_.RunDue();
  ASSERT_EQ(revived.request_count(), 1u);
  EXPECT_EQ(json::parse(revived.requests()[0].body)["notification_reason"], "first notification");
  EXPECT_EQ(slow.request_count(), 2u);  // the slow one was delivered before: not repeated
}

}  // namespace
}  // namespace tocsin::alerting
