#include "engine/cli/history_output.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cmath>
#include <sstream>

namespace tocsin::cli {
namespace {

using sqlite::DeliveryStatus;
using sqlite::HistoryEvent;
using sqlite::HistoryKind;
using sqlite::NotificationAttempt;

constexpr TimestampMs kT = 1'714'564'800'000;  // 2024-05-01T12:00:00Z

std::vector<HistoryEvent> Events() {
  HistoryEvent firing;
  firing.id = 2;
  firing.at = kT + 1500;
  firing.kind = HistoryKind::kFiring;
  firing.group = "app";
  firing.rule = "QueueBacklog";
  firing.labels = Labels{{"alertname", "QueueBacklog"}, {"component", "queue"}};
  firing.annotations = Labels{{"summary", "backlog, \"big\""}};
  firing.value = 1250.5;
  firing.active_at = kT - 5 * kMinute;
  firing.fired_at = kT + 1500;
  firing.receivers = {"warning-alerts"};
  HistoryEvent silenced;
  silenced.id = 1;
  silenced.at = kT;
  silenced.kind = HistoryKind::kSilenced;
  silenced.labels = Labels{{"alertname", "RedisDown"}, {"component", "redis"}};
  silenced.silenced_by = {"5c1c-silence"};
  return {firing, silenced};
}

std::string Print(OutputFormat f) {
  std::ostringstream out;
  PrintHistory(out, Events(), f);
  return out.str();
}

TEST(HistoryOutputTest, Table) {
  EXPECT_EQ(Print(OutputFormat::kTable),
            "TIME                    STATE     ALERTNAME     VALUE   LABELS               NOTE\n"
            "2024-05-01T12:00:01.5Z  firing    QueueBacklog  1250.5  {component=\"queue\"}\n"
            "2024-05-01T12:00:00Z    silenced  RedisDown             {component=\"redis\"}  "
            "silenced by 5c1c-silence\n");
}

TEST(HistoryOutputTest, TableTimeKeepsMilliseconds) {
  // FormatRfc3339 shows fractions only when present: the first row above is 12:00:01.5.
  std::ostringstream out;
  auto events = Events();
  events.resize(1);
  PrintHistory(out, events, OutputFormat::kTable);
  EXPECT_NE(out.str().find("2024-05-01T12:00:01.5Z"), std::string::npos) << out.str();
}

TEST(HistoryOutputTest, Json) {
  const std::string text = Print(OutputFormat::kJson);
  auto j = nlohmann::json::parse(text);
  ASSERT_EQ(j.size(), 2u);
  EXPECT_EQ(j[0]["time"], "2024-05-01T12:00:01.500Z");
  EXPECT_EQ(j[0]["state"], "firing");
  EXPECT_EQ(j[0]["alertname"], "QueueBacklog");
  EXPECT_EQ(j[0]["labels"]["component"], "queue");
  EXPECT_EQ(j[0]["annotations"]["summary"], "backlog, \"big\"");
  EXPECT_EQ(j[0]["value"], 1250.5);
  EXPECT_EQ(j[0]["activeAt"], "2024-05-01T11:55:00.000Z");
  EXPECT_TRUE(j[0]["resolvedAt"].is_null());
  EXPECT_EQ(j[0]["receivers"][0], "warning-alerts");
  EXPECT_EQ(j[0]["fingerprint"].get<std::string>().size(), 16u);
  EXPECT_TRUE(j[1]["value"].is_null());
  EXPECT_EQ(j[1]["silencedBy"][0], "5c1c-silence");
}

TEST(HistoryOutputTest, JsonNaNIsAString) {
  auto events = Events();
  events[0].value = std::nan("");
  std::ostringstream out;
  PrintHistory(out, events, OutputFormat::kJson);
  EXPECT_EQ(nlohmann::json::parse(out.str())[0]["value"], "NaN");
}

TEST(HistoryOutputTest, CsvQuotesPerRfc4180) {
  const std::string text = Print(OutputFormat::kCsv);
  std::istringstream in(text);
  std::string header, first;
  std::getline(in, header);
  std::getline(in, first);
  EXPECT_EQ(header,
            "time,state,alertname,fingerprint,labels,annotations,value,group,rule,active_at,"
            "fired_at,resolved_at,silenced_by,inhibited_by,receivers\r");
  EXPECT_NE(first.find("2024-05-01T12:00:01.500Z,firing,QueueBacklog,"), std::string::npos);
  EXPECT_NE(first.find(R"(,"{""alertname"":""QueueBacklog"",""component"":""queue""}",)"),
            std::string::npos)
      << first;
  EXPECT_NE(first.find(R"("{""summary"":""backlog, \""big\""""}")"), std::string::npos) << first;
  EXPECT_NE(first.find(",1250.5,app,QueueBacklog,2024-05-01T11:55:00.000Z,"), std::string::npos);
}

TEST(HistoryOutputTest, EmptyResult) {
  std::ostringstream table, json, csv;
  PrintHistory(table, {}, OutputFormat::kTable);
  PrintHistory(json, {}, OutputFormat::kJson);
  PrintHistory(csv, {}, OutputFormat::kCsv);
  EXPECT_EQ(table.str(), "TIME  STATE  ALERTNAME  VALUE  LABELS  NOTE\n");
  EXPECT_EQ(json.str(), "[]\n");
  EXPECT_EQ(csv.str().substr(0, 10), "time,state");
}

TEST(HistoryOutputTest, Notifications) {
  NotificationAttempt a;
  a.at = kT;
  a.target = {"{}/{severity=\"critical\"}:{alertname=\"X\"}", "critical-alerts", "slack", 1};
  a.status = DeliveryStatus::kRetrying;
  a.error = "unexpected status code 503";
  a.http_status = 503;
  a.duration = 1250;
  a.attempt = 2;
  a.alerts_firing = 3;
  std::ostringstream table, json, csv;
  PrintNotifications(table, {a}, OutputFormat::kTable);
  EXPECT_EQ(
      table.str(),
      "TIME                  RECEIVER         INTEGRATION  STATUS    ATTEMPT  HTTP  DURATION  "
      "FIRING  RESOLVED  GROUP                                     ERROR\n"
      "2024-05-01T12:00:00Z  critical-alerts  slack[1]     retrying  2        503   1.25s     "
      "3       0         {}/{severity=\"critical\"}:{alertname=\"X\"}  unexpected status "
      "code 503\n");
  PrintNotifications(json, {a}, OutputFormat::kJson);
  auto j = nlohmann::json::parse(json.str());
  EXPECT_EQ(j[0]["status"], "retrying");
  EXPECT_EQ(j[0]["httpStatus"], 503);
  EXPECT_EQ(j[0]["integrationIndex"], 1);
  PrintNotifications(csv, {a}, OutputFormat::kCsv);
  EXPECT_NE(csv.str().find("\r\n2024-05-01T12:00:00.000Z,critical-alerts,slack,1,"
                           "\"{}/{severity=\"\"critical\"\"}:{alertname=\"\"X\"\"}\",retrying,"
                           "unexpected status code 503,503,1250,2,3,0,\r\n"),
            std::string::npos)
      << csv.str();
}

TEST(HistoryOutputTest, FormatNames) {
  EXPECT_EQ(ParseOutputFormat("csv").value(), OutputFormat::kCsv);
  EXPECT_EQ(ParseOutputFormat("yaml").message(),
            "invalid --format \"yaml\": want table, json or csv");
}

}  // namespace
}  // namespace tocsin::cli
