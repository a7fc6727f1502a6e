#include "notifiers/default_templates.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include "notifiers/email.h"
#include "notifiers/pagerduty.h"
#include "notifiers/slack.h"
#include "tests/notifiers/template_test_util.h"

namespace tocsin::notifiers {
namespace {

using namespace testing_fixture;

TEST(DefaultTemplatesTest, SubjectLineAsAlertmanager) {
  auto r = Renderer();
  // instance differs between the two alerts; job and severity are common beyond the group.
  EXPECT_EQ(Text(*r, R"({{ template "__subject" . }})"), "[FIRING:1] HighLatency (api critical)");
  EXPECT_EQ(Text(*r, R"({{ template "__subject" . }})", ResolvedLatencyNotification()),
            "[RESOLVED] HighLatency (a:1 api critical)");
  // Nothing common beyond the group labels: no parentheses, and Alertmanager's trailing space.
  NotificationGroup group = testing_fixture::LatencyGroup();
  AlertSnapshot a = testing_fixture::LatencyAlert("a:1");
  group.group_labels = a.labels;
  Notification all_grouped = MakeNotification(group, std::vector<AlertSnapshot>{a}, kNow);
  EXPECT_EQ(Text(*r, R"({{ template "__subject" . }})", all_grouped),
            "[FIRING:1] HighLatency a:1 api critical ");
}

TEST(DefaultTemplatesTest, AlertmanagerUrlAndTextAlertList) {
  auto r = Renderer();
  EXPECT_EQ(Text(*r, R"({{ template "__alertmanagerURL" . }})"), kAlertsUrl);
  EXPECT_EQ(Text(*r, R"({{ template "__text_alert_list" .Alerts.Firing }})"),
            "Labels:\n"
            " - alertname = HighLatency\n"
            " - instance = a:1\n"
            " - job = api\n"
            " - severity = critical\n"
            "Annotations:\n"
            " - summary = p99 > 1s <b>&</b>\n"
            "Source: http://prom:9090/graph?g0.expr=x&g0.tab=1\n");
}

TEST(DefaultTemplatesTest, SlackDefaultMessage) {
  auto r = Renderer();
  SlackConfig config;  // every field at Alertmanager's default
  config.api_url = "http://unused";
  auto body = SlackPayload(config, *r, LatencyNotification());
  ASSERT_TRUE(body.ok()) << body.message();
  std::string url(kAlertsUrl);
  EXPECT_EQ(*body, R"js({"username":"Alertmanager","attachments":[{)js"
                   R"js("title":"[FIRING:1] HighLatency (api critical)","title_link":")js" +
                       url +
                       R"js(","text":"","fallback":"[FIRING:1] HighLatency (api critical) | )js" +
                       url +
                       R"js(","callback_id":"","footer":"","color":"danger",)js"
                       R"js("mrkdwn_in":["fallback","pretext","text"]}]})js"
                       "\n");
  auto resolved = nlohmann::json::parse(*SlackPayload(config, *r, ResolvedLatencyNotification()));
  EXPECT_EQ(resolved["attachments"][0]["color"], "good");
}

TEST(DefaultTemplatesTest, PagerDutyDefaultEvent) {
  auto r = Renderer();
  PagerDutyConfig config;  // defaults, details included
  config.routing_key = "key";
  auto body = PagerDutyEvent(config, *r, LatencyNotification());
  ASSERT_TRUE(body.ok()) << body.message();
  auto event = nlohmann::json::parse(*body);
  EXPECT_EQ(event["client"], "Alertmanager");
  EXPECT_EQ(event["client_url"], kAlertsUrl);
  EXPECT_EQ(event["payload"]["summary"], "[FIRING:1] HighLatency (api critical)");
  EXPECT_EQ(event["payload"]["source"], "Alertmanager");
  EXPECT_EQ(event["payload"]["severity"], "error");
  auto details = event["payload"]["custom_details"];
  EXPECT_EQ(details["num_firing"], 1);
  EXPECT_EQ(details["num_resolved"], 1);
  ASSERT_EQ(details["firing"].size(), 1u);
  EXPECT_EQ(details["firing"][0]["labels"]["instance"], "a:1");
  EXPECT_EQ(details["firing"][0]["endsAt"], "0001-01-01T00:00:00Z");
  EXPECT_EQ(details["resolved"][0]["endsAt"], "2024-05-01T11:59:30Z");
  // The alerts went through toJson and back: keys in Go's sorted map order on the wire.
  EXPECT_NE(
      body->find(
          R"("firing":[{"annotations":{"summary":"p99 \u003e 1s \u003cb\u003e\u0026\u003c/b\u003e"},"endsAt":"0001-01-01T00:00:00Z","fingerprint":"b03bd15a8a7cd6d0","generatorURL":)"),
      std::string::npos)
      << *body;
}

TEST(DefaultTemplatesTest, EmailSubjectTextAndHtml) {
  auto r = Renderer();
  EmailConfig config;
  config.to = "ops@example.com";
  config.from = "alerts@tocsin.example";
  auto mail = RenderEmail(config, *r, LatencyNotification(), kNow, "<id@x>", "B");
  ASSERT_TRUE(mail.ok()) << mail.message();
  EXPECT_NE(mail->message.find("Subject: [FIRING:1] HighLatency (api critical)\r\n"),
            std::string::npos);

  std::string text = Text(*r, R"({{ template "email.default.text" . }})");
  EXPECT_EQ(text,
            "[FIRING:1] HighLatency (api critical)\n"
            "\n[1] Firing\n"
            "Labels:\n - alertname = HighLatency\n - instance = a:1\n - job = api\n"
            " - severity = critical\nAnnotations:\n - summary = p99 > 1s <b>&</b>\n"
            "Source: http://prom:9090/graph?g0.expr=x&g0.tab=1\n"
            "\n[1] Resolved\n"
            "Labels:\n - alertname = HighLatency\n - instance = b:1\n - job = api\n"
            " - severity = critical\nAnnotations:\n - summary = p99 > 1s <b>&</b>\n"
            "Source: http://prom:9090/graph?g0.expr=x&g0.tab=1\n"
            "\nView in Alertmanager: " +
                std::string(kAlertsUrl) + "\n");

  std::string html = Text(*r, R"({{ template "email.default.html" . }})");
  EXPECT_NE(html.find("<title>[FIRING:1] HighLatency (api critical)</title>"), std::string::npos);
  EXPECT_NE(html.find("2 alerts for alertname=HighLatency"), std::string::npos);
  EXPECT_NE(html.find("View in Alertmanager</a>"), std::string::npos);
  EXPECT_NE(html.find("<b>[1] Firing</b>"), std::string::npos);
  EXPECT_NE(html.find("<b>[1] Resolved</b>"), std::string::npos);
  EXPECT_NE(html.find("instance = b:1<br>"), std::string::npos);
  // Values are escaped: an annotation cannot add markup.
  EXPECT_NE(html.find("summary = p99 &gt; 1s &lt;b&gt;&amp;&lt;/b&gt;<br>"), std::string::npos);
  EXPECT_EQ(html.find("<b>&</b>"), std::string::npos);
  EXPECT_NE(html.find(R"(href="http://prom:9090/graph?g0.expr=x&amp;g0.tab=1")"),
            std::string::npos);
  EXPECT_NE(html.find("Sent by Alertmanager"), std::string::npos);
  EXPECT_NE(html.find("#e6522c"), std::string::npos);  // firing colour
}

}  // namespace
}  // namespace tocsin::notifiers
