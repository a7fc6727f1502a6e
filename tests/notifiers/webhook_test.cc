#include "notifiers/webhook.h"

#include <gtest/gtest.h>

#include <fstream>

#include "notifiers/retry.h"
#include "tests/notifiers/notification_fixture.h"
#include "tests/support/http_capture_server.h"
#include "tests/support/literal_templates.h"
#include "tests/support/manual_clock.h"
#include "tests/support/test_certificates.h"

namespace tocsin::notifiers {
namespace {

using testing::HttpCaptureServer;
using testing::LiteralTemplates;
using testing::ManualClock;
using testing::ScriptedResponse;
using namespace std::chrono_literals;

using testing_fixture::LatencyNotification;

// Written out by hand from Alertmanager's webhook.Message and Go's encoding/json rules.
constexpr std::string_view kExpectedPayload =
    R"({"receiver":"team-web\\.hook","status":"firing","alerts":[)"
    R"({"status":"firing","labels":{"alertname":"HighLatency","instance":"a:1","job":"api","severity":"critical"},)"
    R"("annotations":{"summary":"p99 \u003e 1s \u003cb\u003e\u0026\u003c/b\u003e"},)"
    R"("startsAt":"2024-05-01T11:59:00.123Z","endsAt":"0001-01-01T00:00:00Z",)"
    R"("generatorURL":"http://prom:9090/graph?g0.expr=x\u0026g0.tab=1","fingerprint":"b03bd15a8a7cd6d0"},)"
    R"({"status":"resolved","labels":{"alertname":"HighLatency","instance":"b:1","job":"api","severity":"critical"},)"
    R"("annotations":{"summary":"p99 \u003e 1s \u003cb\u003e\u0026\u003c/b\u003e"},)"
    R"("startsAt":"2024-05-01T11:58:00Z","endsAt":"2024-05-01T11:59:30Z",)"
    R"("generatorURL":"http://prom:9090/graph?g0.expr=x\u0026g0.tab=1","fingerprint":"5ff88c2a1d9a464f"}],)"
    R"("notification_reason":"first notification","groupLabels":{"alertname":"HighLatency"},)"
    R"("commonLabels":{"alertname":"HighLatency","job":"api","severity":"critical"},)"
    R"("commonAnnotations":{"summary":"p99 \u003e 1s \u003cb\u003e\u0026\u003c/b\u003e"},)"
    R"("routeLabels":{},"externalURL":"http://tocsin.example:9093","version":"4",)"
    R"("groupKey":"{}/{severity=\"critical\"}:{alertname=\"HighLatency\"}","truncatedAlerts":0})"
    "\n";

RetryOptions Options(ManualClock& clock, DurationMs deadline) {
  RetryOptions o;
  o.clock = &clock;
  o.deadline_ms = clock.MonotonicMs() + deadline;
  o.uniform01 = [] { return 0.5; };
  return o;
}

class Recorder final : public AttemptObserver {
 public:
  void OnAttempt(const DeliveryAttempt& a) override { attempts.push_back(a); }
  std::vector<DeliveryAttempt> attempts;
};

TEST(WebhookTest, PayloadIsAlertmanagerVersion4Exactly) {
  EXPECT_EQ(WebhookPayload(LatencyNotification()), kExpectedPayload);
}

TEST(WebhookTest, PostsThePayloadToTheReceiver) {
  HttpCaptureServer server;
  HttpClient client;
  LiteralTemplates templates;
  WebhookConfig config;
  config.url = server.url("/alerts");
  WebhookNotifier webhook(config, client, templates);
  EXPECT_EQ(webhook.integration(), "webhook");
  EXPECT_TRUE(webhook.send_resolved());

  NotifyResult r = webhook.Notify(LatencyNotification(), NotifyContext{});
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(r.status_code, 200);
  ASSERT_EQ(server.request_count(), 1u);
  auto req = server.requests()[0];
  EXPECT_EQ(req.method, "POST");
  EXPECT_EQ(req.target, "/alerts");
  EXPECT_EQ(req.header("Content-Type"), "application/json");
  EXPECT_EQ(req.body, kExpectedPayload);
}

TEST(WebhookTest, MaxAlertsTruncatesAndCounts) {
  HttpCaptureServer server;
  HttpClient client;
  LiteralTemplates templates;
  WebhookConfig config;
  config.url = server.url();
  config.max_alerts = 1;
  WebhookNotifier webhook(config, client, templates);
  ASSERT_TRUE(webhook.Notify(LatencyNotification(), NotifyContext{}).ok());
  auto body = nlohmann::json::parse(server.requests()[0].body);
  EXPECT_EQ(body["alerts"].size(), 1u);
  EXPECT_EQ(body["truncatedAlerts"], 1);
  // Common labels are those of the alerts actually sent.
  EXPECT_EQ(body["commonLabels"]["instance"], "a:1");
  EXPECT_EQ(body["status"], "firing");
}

TEST(WebhookTest, UrlFromFileAndUrlErrorsArePermanent) {
  HttpCaptureServer server;
  HttpClient client;
  LiteralTemplates templates;
  std::string dir = testing::MakeTempDir("tocsin-webhook");
  { std::ofstream(dir + "/url") << "  " << server.url("/from-file") << "\n"; }
  WebhookConfig from_file;
  from_file.url_file = dir + "/url";
  EXPECT_TRUE(WebhookNotifier(from_file, client, templates).Notify(LatencyNotification(), {}).ok());
  EXPECT_EQ(server.requests().at(0).target, "/from-file");

  WebhookConfig missing;
  missing.url_file = dir + "/absent";
  NotifyResult r1 = WebhookNotifier(missing, client, templates).Notify(LatencyNotification(), {});
  EXPECT_FALSE(r1.ok());
  EXPECT_FALSE(r1.retry);

  WebhookConfig bad_template;
  bad_template.url = std::string(LiteralTemplates::kFail);
  NotifyResult r2 =
      WebhookNotifier(bad_template, client, templates).Notify(LatencyNotification(), {});
  EXPECT_FALSE(r2.retry);
  EXPECT_EQ(r2.error, "failed to template webhook URL: url: template: boom");
  std::filesystem::remove_all(dir);
}

TEST(WebhookTest, CustomPayloadReplacesTheMessage) {
  HttpCaptureServer server;
  HttpClient client;
  LiteralTemplates templates;
  WebhookConfig config;
  config.url = server.url();
  config.payload = nlohmann::json{{"text", "hello <you>"}, {"count", "3"}, {"flags", {"yes", "x"}}};
  ASSERT_TRUE(WebhookNotifier(config, client, templates).Notify(LatencyNotification(), {}).ok());
  EXPECT_EQ(server.requests()[0].body,
            "{\"count\":3,\"flags\":[true,\"x\"],\"text\":\"hello \\u003cyou\\u003e\"}\n");
}

TEST(WebhookTest, ServerErrorsAreRetriedUntilDelivered) {
  HttpCaptureServer server;
  server.Script({ScriptedResponse::Status(500, "down"), ScriptedResponse::Status(503)});
  HttpClient client;
  LiteralTemplates templates;
  WebhookConfig config;
  config.url = server.url();
  WebhookNotifier webhook(config, client, templates);
  ManualClock clock;
  Recorder recorder;
  RetryOptions options = Options(clock, 5 * kMinute);
  options.observer = &recorder;
  DeliveryOutcome out = Deliver(webhook, LatencyNotification(), options);
  EXPECT_EQ(out.status, DeliveryStatus::kDelivered);
  EXPECT_EQ(out.attempts, 3);
  auto reqs = server.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].body, reqs[2].body);
  ASSERT_EQ(recorder.attempts.size(), 3u);
  EXPECT_EQ(recorder.attempts[0].result.error, "unexpected status code 500: down");
  EXPECT_EQ(recorder.attempts[1].result.status_code, 503);
  EXPECT_TRUE(recorder.attempts[2].result.ok());
  EXPECT_EQ(clock.sleeps().size(), 2u);
}

TEST(WebhookTest, TooManyRequestsHonoursRetryAfter) {
  HttpCaptureServer server;
  server.Script({ScriptedResponse::Status(429).Header("Retry-After", "42")});
  HttpClient client;
  LiteralTemplates templates;
  WebhookConfig config;
  config.url = server.url();
  WebhookNotifier webhook(config, client, templates);
  ManualClock clock;
  DeliveryOutcome out = Deliver(webhook, LatencyNotification(), Options(clock, 5 * kMinute));
  EXPECT_EQ(out.status, DeliveryStatus::kDelivered);
  EXPECT_EQ(clock.sleeps(), (std::vector<DurationMs>{42000}));
  EXPECT_EQ(server.request_count(), 2u);
}

TEST(WebhookTest, ClientErrorsAreNotRetried) {
  HttpCaptureServer server;
  server.SetDefault(ScriptedResponse::Status(400, "bad payload"));
  HttpClient client;
  LiteralTemplates templates;
  WebhookConfig config;
  config.url = server.url();
  WebhookNotifier webhook(config, client, templates);
  ManualClock clock;
  DeliveryOutcome out = Deliver(webhook, LatencyNotification(), Options(clock, 5 * kMinute));
  EXPECT_EQ(out.status, DeliveryStatus::kFailed);
  EXPECT_EQ(out.attempts, 1);
  EXPECT_EQ(out.error,
            "notify retry canceled due to unrecoverable error after 1 attempts: unexpected status "
            "code 400: bad payload");
  EXPECT_EQ(server.request_count(), 1u);
}

TEST(WebhookTest, TimeoutsAreRetriedUntilTheDeadline) {
  HttpCaptureServer server;
  server.SetDefault(ScriptedResponse::Status(200).Delay(3000ms));
  HttpClient client;
  LiteralTemplates templates;
  WebhookConfig config;
  config.url = server.url();
  config.timeout = 150;
  WebhookNotifier webhook(config, client, templates);
  ManualClock clock;
  Recorder recorder;
  RetryOptions options = Options(clock, 3000);
  options.backoff.randomization_factor = 0;
  options.observer = &recorder;
  DeliveryOutcome out = Deliver(webhook, LatencyNotification(), options);
  // Attempts at 0, 500, 1250 and 2375 (fake time); each times out after 150ms (real time).
  EXPECT_EQ(out.status, DeliveryStatus::kDeadlineExceeded);
  EXPECT_EQ(out.attempts, 4);
  ASSERT_EQ(recorder.attempts.size(), 4u);
  for (const auto& a : recorder.attempts) {
    EXPECT_TRUE(a.result.retry);
    EXPECT_NE(a.result.error.find("timed out"), std::string::npos) << a.result.error;
  }
  EXPECT_TRUE(out.error.starts_with("notify retry canceled after 4 attempts: request timed out"));
}

TEST(WebhookTest, UntrustedCertificateIsRecordedAndRetried) {
  testing::TestCertificate cert;
  HttpCaptureServer server(testing::TlsServerFiles{cert.cert_file(), cert.key_file()});
  HttpClient client;
  LiteralTemplates templates;
  WebhookConfig config;
  config.url = server.url();
  // Trusting only an unrelated CA: verification fails, and quickly (no system CA bundle to load).
  testing::TestCertificate other_ca;
  config.http.tls.ca_file = other_ca.cert_file();
  WebhookNotifier webhook(config, client, templates);
  ManualClock clock;
  Recorder recorder;
  // A generous deadline: what is left of it also bounds each real attempt.
  RetryOptions options = Options(clock, 10000);
  options.observer = &recorder;
  DeliveryOutcome out = Deliver(webhook, LatencyNotification(), options);
  EXPECT_EQ(out.status, DeliveryStatus::kDeadlineExceeded);
  EXPECT_EQ(recorder.attempts.size(), 6u);
  for (const auto& a : recorder.attempts) {
    EXPECT_NE(a.result.error.find("certificate"), std::string::npos) << a.result.error;
  }
  EXPECT_EQ(server.request_count(), 0u);

  // Trusting the test CA delivers.
  config.http.tls.ca_file = cert.cert_file();
  WebhookNotifier trusted(config, client, templates);
  EXPECT_EQ(Deliver(trusted, LatencyNotification(), Options(clock, 10000)).status,
            DeliveryStatus::kDelivered);
  EXPECT_EQ(server.request_count(), 1u);
}

}  // namespace
}  // namespace tocsin::notifiers
