#include "notifiers/template_data.h"

#include <gtest/gtest.h>

#include "tests/notifiers/template_test_util.h"

namespace tocsin::notifiers {
namespace {

using namespace testing_fixture;

TEST(TemplateDataTest, FieldsAndMethodsAsAlertmanager) {
  auto r = Renderer();
  EXPECT_EQ(Text(*r, "{{ .Receiver }}|{{ .Status }}|{{ .ExternalURL }}|{{ .NotificationReason }}"),
            R"(team-web\.hook|firing|http://tocsin.example:9093|first notification)");
  EXPECT_EQ(Text(*r, "{{ len .Alerts }} {{ len .Alerts.Firing }} {{ len .Alerts.Resolved }}"),
            "2 1 1");
  EXPECT_EQ(Text(*r, "{{ .CommonLabels.Names.Join \",\" }}"), "alertname,job,severity");
  EXPECT_EQ(Text(*r, "{{ .CommonLabels.SortedPairs.Values }}"), "[HighLatency api critical]");
  EXPECT_EQ(Text(*r, "{{ .CommonLabels }}"), "alertname=HighLatency, job=api, severity=critical");
  EXPECT_EQ(Text(*r, "{{ .CommonLabels.SortedPairs }}"),
            "alertname=HighLatency, job=api, severity=critical");
  EXPECT_EQ(Text(*r, "{{ (.CommonLabels.Remove (stringSlice \"job\")).Names }}"),
            "[alertname severity]");
  EXPECT_EQ(Text(*r, "{{ range .Alerts }}{{ .Labels.instance }}:{{ .Status }} {{ end }}"),
            "a:1:firing b:1:resolved ");
  EXPECT_EQ(Text(*r, "{{ (index .Alerts 0).Fingerprint }}"), "b03bd15a8a7cd6d0");
  EXPECT_EQ(Text(*r, "{{ (index .Alerts 0).StartsAt }}"), "2024-05-01 11:59:00.123 +0000 UTC");
  EXPECT_EQ(Text(*r, "{{ (index .Alerts 0).EndsAt.IsZero }}"), "true");
  EXPECT_EQ(Text(*r, "{{ .CommonAnnotations.summary }}"), "p99 > 1s <b>&</b>");
  EXPECT_EQ(Text(*r, "[{{ .CommonAnnotations.missing }}]"), "[]");  // missingkey=zero
  EXPECT_EQ(Text(*r, "{{ range .GroupLabels.SortedPairs }}{{ .Name }}={{ .Value }}{{ end }}"),
            "alertname=HighLatency");
}

TEST(TemplateDataTest, SortedPairsPutAlertnameFirst) {
  auto r = Renderer();
  NotificationGroup group;
  AlertSnapshot a;
  a.labels = {{"aaa", "1"}, {"alertname", "X"}, {"zzz", "2"}};
  Notification n = MakeNotification(group, std::vector<AlertSnapshot>{a}, kNow);
  EXPECT_EQ(Text(*r, "{{ .CommonLabels.Names }}", n), "[alertname aaa zzz]");
}

}  // namespace
}  // namespace tocsin::notifiers
