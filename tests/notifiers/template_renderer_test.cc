#include "notifiers/template_renderer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include "tests/notifiers/template_test_util.h"
#include "tests/support/test_certificates.h"

namespace tocsin::notifiers {
namespace {

using namespace testing_fixture;

TEST(TemplateRendererTest, UserTemplatesOverrideDefaults) {
  std::string dir = testing::MakeTempDir("tocsin-templates");
  {
    std::ofstream(dir + "/b.tmpl") << R"({{ define "__alertmanager" }}tocsin{{ end }})";
    std::ofstream(dir + "/a.tmpl")
        << R"({{ define "team.title" }}[{{ .Status }}] {{ .CommonLabels.alertname }}{{ end }})";
  }
  std::vector<std::string> globs = {dir + "/*.tmpl", dir + "/missing-*.tmpl"};
  auto files = ReadTemplateFiles(globs);
  ASSERT_TRUE(files.ok()) << files.message();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].name, "a.tmpl");
  auto r = Renderer(*files);
  EXPECT_EQ(Text(*r, R"({{ template "slack.default.username" . }})"), "tocsin");
  EXPECT_EQ(Text(*r, R"({{ template "team.title" . }})"), "[firing] HighLatency");
  std::filesystem::remove_all(dir);

  auto broken = TemplateRenderer::Create(
      std::vector<TemplateFile>{{"bad.tmpl", "{{ define \"x\" }}{{ .Foo"}});
  ASSERT_FALSE(broken.ok());
  EXPECT_NE(broken.message().find("bad.tmpl"), std::string::npos) << broken.message();
}

// Email bodies get html/template's escaping, as Alertmanager's ExecuteHTMLString gives them; the
// same source as text does not.
TEST(TemplateRendererTest, HtmlBodiesAreEscapedForTheirContext) {
  auto r = Renderer();
  const std::string source =
      R"(<p>{{ "a<b>&" }}</p><a href="/x?r={{ "a b" }}">{{ .CommonLabels.alertname }}</a>)";
  auto html = r->ExpandHtml(source, LatencyNotification());
  ASSERT_TRUE(html.ok()) << html.message();
  EXPECT_EQ(*html, "<p>a&lt;b&gt;&amp;</p><a href=\"/x?r=a%20b\">HighLatency</a>");
  EXPECT_EQ(Text(*r, source), R"(<p>a<b>&</p><a href="/x?r=a b">HighLatency</a>)");
}

TEST(TemplateRendererTest, ErrorsReadAsGo) {
  auto r = Renderer();
  auto parse = r->ExpandText("{{ .Receiver ", LatencyNotification());
  ASSERT_FALSE(parse.ok());
  EXPECT_TRUE(parse.message().starts_with("template: :1:")) << parse.message();
  auto exec = r->ExpandText("{{ .NoSuchField }}", LatencyNotification());
  ASSERT_FALSE(exec.ok());
  EXPECT_NE(exec.message().find("can't evaluate field NoSuchField"), std::string::npos)
      << exec.message();
  auto missing = r->ExpandText(R"({{ template "nope" . }})", LatencyNotification());
  EXPECT_FALSE(missing.ok());
  // The same source twice comes from the cache and gives the same answer.
  EXPECT_EQ(Text(*r, "{{ .Status }}"), Text(*r, "{{ .Status }}"));
  EXPECT_EQ(Text(*r, ""), "");
}

// Alertmanager's functions over the real data model, through the renderer.
TEST(RendererFunctionsTest, StringFunctions) {
  auto r = Renderer();
  EXPECT_EQ(Text(*r, R"({{ toUpper "abc" }} {{ toLower "ÀB" }} {{ title "hello wORLD" }})"),
            "ABC àb Hello World");
  EXPECT_EQ(Text(*r, R"([{{ trimSpace "  x \n" }}] {{ join "-" (stringSlice "a" "b" "c") }})"),
            "[x] a-b-c");
  EXPECT_EQ(
      Text(*r,
           R"({{ match "^api" .CommonLabels.job }} {{ match "b+" "abc" }} {{ match "^x$" "y" }})"),
      "true true false");
  EXPECT_EQ(
      Text(*r, R"js({{ reReplaceAll "(\\w+):(\\d+)" "$2 on ${1}" "host:80 and db:5432" }})js"),
      "80 on host and 5432 on db");
  EXPECT_EQ(Text(*r, R"({{ reReplaceAll "(?P<k>\\w+)=" "$k: $$" "a=1" }})"), "a: $1");
  EXPECT_EQ(Text(*r, R"({{ reReplaceAll "x*" "-" "abc" }})"), "-a-b-c-");
  EXPECT_EQ(Text(*r, R"({{ urlUnescape "a%20b+c" }} {{ safeHtml "<b>" }})"), "a b c <b>");
  EXPECT_EQ(Text(*r, R"({{ base64encode "a?b>c" }} {{ base64decode "YT9iPmM=" }})"),
            "YT9iPmM= a?b>c");
  EXPECT_EQ(Text(*r, R"({{ base64encode "\xff\xfe" }})"), "__4=");
}

TEST(RendererFunctionsTest, TimeFunctions) {
  auto r = Renderer();
  EXPECT_EQ(Text(*r, R"({{ (index .Alerts 0).StartsAt | date "2006-01-02 15:04" }})"),
            "2024-05-01 11:59");
  EXPECT_EQ(Text(*r, R"({{ (index .Alerts 0).StartsAt | tz "UTC" | date "15:04:05 MST" }})"),
            "11:59:00 UTC");
  EXPECT_EQ(Text(*r, R"({{ now | date "15:04" }})"), "12:02");
  EXPECT_EQ(Text(*r, R"({{ since (index .Alerts 1).StartsAt }})"), "4m0s");
  EXPECT_EQ(
      Text(*r, R"({{ (toDate "2006-01-02" "2024-02-03").Year }} {{ (toDate "2006" "x").IsZero }})"),
      "2024 true");
  auto bad = r->ExpandText(R"({{ mustToDate "2006" "x" }})", LatencyNotification());
  EXPECT_FALSE(bad.ok());
  auto bad_zone = r->ExpandText(R"({{ now | tz "Not/AZone" }})", LatencyNotification());
  ASSERT_FALSE(bad_zone.ok());
  EXPECT_NE(bad_zone.message().find("unknown time zone Not/AZone"), std::string::npos);
}

TEST(RendererFunctionsTest, HumanizeDuration) {
  auto r = Renderer();
  EXPECT_EQ(
      Text(
          *r,
          R"({{ humanizeDuration 3661 }} {{ humanizeDuration "0.5" }} {{ humanizeDuration 1.5 }})"),
      "1h 1m 1s 500ms 1.5s");
  EXPECT_EQ(Text(*r, R"({{ since (index .Alerts 1).StartsAt | humanizeDuration }})"), "4m 0s");
  EXPECT_FALSE(r->ExpandText(R"({{ humanizeDuration "x" }})", LatencyNotification()).ok());
}

TEST(RendererFunctionsTest, CollectionsAndJson) {
  auto r = Renderer();
  EXPECT_EQ(Text(*r, R"({{ .CommonLabels | toJson }})"),
            R"({"alertname":"HighLatency","job":"api","severity":"critical"})");
  EXPECT_EQ(Text(*r, R"({{ .Alerts.Resolved | len }} {{ (dict "a" 1 "b" "x") | toJson }})"),
            R"(1 {"a":1,"b":"x"})");
  EXPECT_EQ(Text(*r, R"({{ list 1 "two" | toJson }} {{ append (list 1) 2 3 | toJson }})"),
            R"([1,"two"] [1,2,3])");
  EXPECT_EQ(Text(*r, R"({{ toJson "<&>" }})"), R"("\u003c\u0026\u003e")");
  auto odd = r->ExpandText(R"({{ dict "a" }})", LatencyNotification());
  ASSERT_FALSE(odd.ok());
  EXPECT_NE(odd.message().find("dict requires an even number of arguments"), std::string::npos);
  std::string alerts = Text(*r, R"({{ .Alerts.Firing | toJson }})");
  EXPECT_EQ(nlohmann::json::parse(alerts)[0]["status"], "firing");
  EXPECT_TRUE(alerts.starts_with(R"([{"status":"firing","labels":{"alertname":"HighLatency",)"));
}

TEST(RendererFunctionsTest, RouteLabels) {
  auto r = Renderer();
  Notification n = LatencyNotification();
  n.group.route_labels = {{"team", "web"}};
  EXPECT_EQ(
      Text(*r, R"({{ routeLabels "team" }}|{{ routeLabels "none" }}|{{ .RouteLabels.team }})", n),
      "web||web");
}

}  // namespace
}  // namespace tocsin::notifiers
