#include "notifiers/slack.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "notifiers/retry.h"
#include "tests/notifiers/notification_fixture.h"
#include "tests/notifiers/template_test_util.h"
#include "tests/support/http_capture_server.h"
#include "tests/support/literal_templates.h"
#include "tests/support/manual_clock.h"

namespace tocsin::notifiers {
namespace {

using testing::HttpCaptureServer;
using testing::LiteralTemplates;
using testing::ScriptedResponse;
using testing_fixture::LatencyNotification;

SlackConfig ExplicitConfig(std::string url) {
  SlackConfig c;
  c.api_url = std::move(url);
  c.channel = "#alerts";
  c.username = "tocsin";
  c.color = "danger";
  c.title = "[FIRING:1] HighLatency";
  c.title_link = "http://tocsin.example:9093/#/alerts?receiver=team";
  c.pretext = "";
  c.text = "Details <here> & there";
  c.fallback = "[FIRING:1] HighLatency | link";
  c.callback_id = "";
  c.footer = "";
  c.icon_emoji = ":fire:";
  c.icon_url = "";
  c.link_names = true;
  c.message_text = "top";
  c.fields = {SlackField{"Severity", "critical", std::nullopt},
              SlackField{"Instance", "a:1", true}};
  c.actions = {SlackAction{"button", "Runbook", "https://runbooks/x", "primary", "", "", {}},
               SlackAction{"button", "Ack", "", "", "ack", "1",
                           SlackConfirm{"Sure?", "Confirm", "Yes", "No"}}};
  return c;
}

constexpr std::string_view kExpectedBody =
    R"({"channel":"#alerts","username":"tocsin","icon_emoji":":fire:","link_names":true,"text":"top",)"
    R"("attachments":[{"title":"[FIRING:1] HighLatency",)"
    R"("title_link":"http://tocsin.example:9093/#/alerts?receiver=team",)"
    R"("text":"Details \u003chere\u003e \u0026 there","fallback":"[FIRING:1] HighLatency | link",)"
    R"("callback_id":"","fields":[{"title":"Severity","value":"critical","short":false},)"
    R"({"title":"Instance","value":"a:1","short":true}],)"
    R"("actions":[{"type":"button","text":"Runbook","url":"https://runbooks/x","style":"primary"},)"
    R"({"type":"button","text":"Ack","name":"ack","value":"1",)"
    R"("confirm":{"text":"Sure?","title":"Confirm","ok_text":"Yes","dismiss_text":"No"}}],)"
    R"("footer":"","color":"danger","mrkdwn_in":["fallback","pretext","text"]}]})"
    "\n";

TEST(SlackTest, SendsAlertmanagersRequestShape) {
  HttpCaptureServer server;
  server.SetDefault(ScriptedResponse::Status(200, "ok"));
  HttpClient client;
  LiteralTemplates templates;
  SlackNotifier slack(ExplicitConfig(server.url("/services/T0/B0/XXX")), client, templates);
  EXPECT_EQ(slack.integration(), "slack");
  EXPECT_FALSE(slack.send_resolved());  // Alertmanager's default for Slack
  NotifyResult r = slack.Notify(LatencyNotification(), NotifyContext{});
  EXPECT_TRUE(r.ok()) << r.error;
  ASSERT_EQ(server.request_count(), 1u);
  auto req = server.requests()[0];
  EXPECT_EQ(req.target, "/services/T0/B0/XXX");
  EXPECT_EQ(req.header("Content-Type"), "application/json");
  EXPECT_EQ(req.body, kExpectedBody);
}

TEST(SlackTest, OmitsEmptyOptionalFieldsAsGo) {
  SlackConfig c;
  c.api_url = "http://unused";
  c.username = c.color = c.title = c.title_link = c.pretext = c.text = c.footer = c.fallback =
      c.callback_id = c.icon_emoji = c.icon_url = "";
  LiteralTemplates templates;
  auto body = SlackPayload(c, templates, LatencyNotification());
  ASSERT_TRUE(body.ok()) << body.message();
  EXPECT_EQ(*body, R"({"attachments":[{"text":"","fallback":"","callback_id":"","footer":"",)"
                   R"("mrkdwn_in":["fallback","pretext","text"]}]})"
                   "\n");
  c.mrkdwn_in = {"text"};
  EXPECT_NE(SlackPayload(c, templates, LatencyNotification())->find(R"("mrkdwn_in":["text"])"),
            std::string::npos);
}

TEST(SlackTest, TitleIsCutTo1024Runes) {
  SlackConfig c = ExplicitConfig("http://unused");
  std::string title;
  for (int i = 0; i < 1100; ++i) title += "\xc3\xa9";  // é, two bytes each
  c.title = title;
  LiteralTemplates templates;
  auto body = SlackPayload(c, templates, LatencyNotification());
  ASSERT_TRUE(body.ok());
  auto sent = nlohmann::json::parse(*body)["attachments"][0]["title"].get<std::string>();
  std::string expected;
  for (int i = 0; i < 1023; ++i) expected += "\xc3\xa9";
  expected += "…";
  EXPECT_EQ(sent, expected);
}

TEST(SlackTest, AppTokenGoesInTheAuthorizationHeader) {
  HttpCaptureServer server;
  server.SetDefault(ScriptedResponse::Status(200, R"({"ok":true,"channel":"C1","ts":"1.2"})")
                        .Header("Content-Type", "application/json; charset=utf-8"));
  HttpClient client;
  LiteralTemplates templates;
  SlackConfig c = ExplicitConfig(server.url("/api/chat.postMessage"));
  c.http.authorization_credentials = "xoxb-app-token";
  NotifyResult r = SlackNotifier(c, client, templates).Notify(LatencyNotification(), {});
  EXPECT_TRUE(r.ok()) << r.error;
  EXPECT_EQ(server.requests()[0].header("Authorization"), "Bearer xoxb-app-token");
}

TEST(SlackTest, HandlesSlackAnswersAsAlertmanager) {
  HttpCaptureServer server;
  server.Script({
      ScriptedResponse::Status(200, "invalid_token"),
      ScriptedResponse::Status(200, R"({"ok":false,"error":"channel_not_found"})")
          .Header("Content-Type", "application/json"),
      ScriptedResponse::Status(200, "{not json").Header("Content-Type", "application/json"),
      ScriptedResponse::Status(404, "no_service"),
      ScriptedResponse::Status(500, "oops"),
      ScriptedResponse::Status(429).Header("Retry-After", "3"),
  });
  HttpClient client;
  LiteralTemplates templates;
  SlackNotifier slack(ExplicitConfig(server.url()), client, templates);
  NotifyResult text = slack.Notify(LatencyNotification(), {});
  EXPECT_FALSE(text.retry);
  EXPECT_EQ(text.error,
            R"(channel "#alerts": received an error response from Slack: invalid_token)");
  NotifyResult api = slack.Notify(LatencyNotification(), {});
  EXPECT_FALSE(api.retry);
  EXPECT_EQ(api.error, R"(channel "#alerts": error response from Slack: channel_not_found)");
  NotifyResult garbled = slack.Notify(LatencyNotification(), {});
  EXPECT_TRUE(garbled.retry);
  EXPECT_NE(garbled.error.find("could not unmarshal JSON response"), std::string::npos);
  NotifyResult not_found = slack.Notify(LatencyNotification(), {});
  EXPECT_FALSE(not_found.retry);
  EXPECT_EQ(not_found.error, R"(channel "#alerts": unexpected status code 404: no_service)");
  EXPECT_TRUE(slack.Notify(LatencyNotification(), {}).retry);
  NotifyResult limited = slack.Notify(LatencyNotification(), {});
  EXPECT_TRUE(limited.retry);
  EXPECT_EQ(limited.retry_after, 3000);
}

TEST(SlackTest, TemplateErrorsArePermanentAndNameTheField) {
  SlackConfig c = ExplicitConfig("http://unused");
  c.fallback = std::string(LiteralTemplates::kFail);
  HttpClient client;
  LiteralTemplates templates;
  NotifyResult r = SlackNotifier(c, client, templates).Notify(LatencyNotification(), {});
  EXPECT_FALSE(r.retry);
  EXPECT_EQ(r.error, "slack template: fallback: template: boom");
}

TEST(SlackTest, RetriedThroughTheRetryLoopUntilOk) {
  HttpCaptureServer server;
  server.Script({ScriptedResponse::Status(503), ScriptedResponse::Status(200, "ok")});
  HttpClient client;
  LiteralTemplates templates;
  SlackNotifier slack(ExplicitConfig(server.url()), client, templates);
  testing::ManualClock clock;
  RetryOptions options;
  options.clock = &clock;
  options.deadline_ms = 5 * kMinute;
  DeliveryOutcome out = Deliver(slack, LatencyNotification(), options);
  EXPECT_EQ(out.status, DeliveryStatus::kDelivered);
  EXPECT_EQ(out.attempts, 2);
  // send_resolved is off: the resolved alert was dropped before rendering.
  EXPECT_EQ(server.request_count(), 2u);
}

TEST(SlackTest, DefaultMessageThroughTheRetryLoop) {
  HttpCaptureServer server;
  server.SetDefault(ScriptedResponse::Status(200, "ok"));
  HttpClient client;
  auto templates = testing_fixture::Renderer();
  SlackConfig c;  // Alertmanager's defaults
  c.api_url = server.url("/services/T/B/X");
  c.channel = "#alerts";
  SlackNotifier slack(c, client, *templates);
  testing::ManualClock clock;
  RetryOptions options;
  options.clock = &clock;
  options.deadline_ms = 5 * kMinute;
  ASSERT_EQ(Deliver(slack, LatencyNotification(), options).status, DeliveryStatus::kDelivered);
  // send_resolved is off: only the firing alert is rendered, so a:1 is now common.
  std::string link = "http://tocsin.example:9093/#/alerts?receiver=team-web%5C.hook";
  EXPECT_EQ(server.requests().at(0).body,
            R"js({"channel":"#alerts","username":"Alertmanager","attachments":[{)js"
            R"js("title":"[FIRING:1] HighLatency (a:1 api critical)","title_link":")js" +
                link +
                R"js(","text":"","fallback":"[FIRING:1] HighLatency (a:1 api critical) | )js" +
                link +
                R"js(","callback_id":"","footer":"","color":"danger",)js"
                R"js("mrkdwn_in":["fallback","pretext","text"]}]})js"
                "\n");
}

}  // namespace
}  // namespace tocsin::notifiers
