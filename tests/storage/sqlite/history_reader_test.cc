#include "storage/sqlite/history_reader.h"

#include <gtest/gtest.h>

#include "storage/sqlite/sqlite_store.h"
#include "tests/storage/sqlite/temp_dir.h"

namespace tocsin::sqlite {
namespace {

constexpr TimestampMs kT0 = 1'700'000'000'000;

LabelMatcher M(MatchType t, const std::string& name, const std::string& value) {
  return LabelMatcher::Make(t, name, value).value();
}

class HistoryReaderTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = SqliteStore::PathInDataDir(dir_.path());
    auto store = SqliteStore::Open(path_);
    ASSERT_TRUE(store.ok()) << store.message();
    store_ = std::move(*store);
    // Ten minutes of a small system: three alerts and their transitions.
    WriteBatch b;
    Add(b, 0, HistoryKind::kPending, "QueueBacklog", "queue", "warning", {"warning-alerts"});
    Add(b, 1, HistoryKind::kFiring, "QueueBacklog", "queue", "warning", {"warning-alerts"});
    Add(b, 2, HistoryKind::kPending, "RedisDown", "redis", "critical", {"critical-alerts"});
    Add(b, 3, HistoryKind::kFiring, "RedisDown", "redis", "critical", {"critical-alerts"});
    Add(b, 4, HistoryKind::kInhibited, "QueueBacklog", "queue", "warning", {"warning-alerts"});
    Add(b, 5, HistoryKind::kFiring, "ApiErrors", "api", "critical",
        {"critical-alerts", "business-alerts"});
    Add(b, 6, HistoryKind::kSilenced, "ApiErrors", "api", "critical",
        {"critical-alerts", "business-alerts"});
    Add(b, 7, HistoryKind::kResolved, "RedisDown", "redis", "critical", {"critical-alerts"});
    Add(b, 8, HistoryKind::kResolved, "QueueBacklog", "queue", "warning", {"warning-alerts"});
    Add(b, 9, HistoryKind::kPending, "NoTeam", "", "info", {});  // no component label
    ASSERT_TRUE(store_->Commit(b).ok());
    auto reader = HistoryReader::Open(path_);
    ASSERT_TRUE(reader.ok()) << reader.message();
    reader_ = std::move(*reader);
  }

  static void Add(WriteBatch& b, int minute, HistoryKind kind, const std::string& name,
                  const std::string& component, const std::string& severity,
                  std::vector<std::string> receivers) {
    HistoryEvent e;
    e.at = kT0 + minute * kMinute;
    e.kind = kind;
    e.group = "app";
    e.rule = name;
    e.labels = Labels{{"alertname", name}, {"component", component}, {"severity", severity}};
    e.annotations = Labels{{"summary", name + " at minute " + std::to_string(minute)}};
    e.value = minute;
    if (kind == HistoryKind::kSilenced) e.silenced_by = {"silence-1"};
    if (kind == HistoryKind::kInhibited) e.inhibited_by = {"severity=critical -> severity=warning"};
    e.receivers = std::move(receivers);
    b.AppendHistory(std::move(e));
  }

  // The minutes of the events a query returns, newest first.
  std::vector<int> Minutes(const HistoryQuery& q) {
    auto events = reader_->QueryHistory(q);
    EXPECT_TRUE(events.ok()) << (events.ok() ? "" : events.message());
    std::vector<int> out;
    if (events.ok()) {
      for (const auto& e : *events) out.push_back(static_cast<int>((e.at - kT0) / kMinute));
    }
    return out;
  }

  testing::TempDir dir_;
  std::string path_;
  std::unique_ptr<SqliteStore> store_;
  std::unique_ptr<HistoryReader> reader_;
};

TEST_F(HistoryReaderTest, AllNewestFirst) {
  EXPECT_EQ(Minutes({}), (std::vector<int>{9, 8, 7, 6, 5, 4, 3, 2, 1, 0}));
}

TEST_F(HistoryReaderTest, FullRecordComesBack) {
  HistoryQuery q;
  q.kinds = {HistoryKind::kSilenced};
  auto events = reader_->QueryHistory(q);
  ASSERT_TRUE(events.ok());
  ASSERT_EQ(events->size(), 1u);
  const HistoryEvent& e = (*events)[0];
  EXPECT_GT(e.id, 0);
  EXPECT_EQ(e.alertname(), "ApiErrors");
  EXPECT_EQ(e.group, "app");
  EXPECT_EQ(e.silenced_by, std::vector<std::string>{"silence-1"});
  EXPECT_EQ(e.receivers, (std::vector<std::string>{"critical-alerts", "business-alerts"}));
  EXPECT_EQ(e.annotations.get("summary"), "ApiErrors at minute 6");
  EXPECT_EQ(e.value, 6.0);
  EXPECT_EQ(e.fingerprint(),
            (Labels{{"alertname", "ApiErrors"}, {"component", "api"}, {"severity", "critical"}}
                 .fingerprint()));
}

TEST_F(HistoryReaderTest, TimeRangeIsInclusive) {
  HistoryQuery q;
  q.since = kT0 + 3 * kMinute;
  q.until = kT0 + 5 * kMinute;
  EXPECT_EQ(Minutes(q), (std::vector<int>{5, 4, 3}));
  q.until.reset();
  EXPECT_EQ(Minutes(q), (std::vector<int>{9, 8, 7, 6, 5, 4, 3}));
}

TEST_F(HistoryReaderTest, ByAlertname) {
  HistoryQuery q;
  q.alertname = "RedisDown";
  EXPECT_EQ(Minutes(q), (std::vector<int>{7, 3, 2}));
  q.alertname = "Nope";
  EXPECT_TRUE(Minutes(q).empty());
}

TEST_F(HistoryReaderTest, ByRegexMatcher) {
  HistoryQuery q;
  q.matchers = {M(MatchType::kRegexp, "component", "queue|redis")};
  EXPECT_EQ(Minutes(q), (std::vector<int>{8, 7, 4, 3, 2, 1, 0}));
}

TEST_F(HistoryReaderTest, ByEqualityAndNegativeMatchersTogether) {
  HistoryQuery q;
  q.matchers = {M(MatchType::kEqual, "severity", "critical"),
                M(MatchType::kNotEqual, "component", "api")};
  EXPECT_EQ(Minutes(q), (std::vector<int>{7, 3, 2}));
}

TEST_F(HistoryReaderTest, MatchersThatAcceptAMissingLabel) {
  HistoryQuery q;
  q.matchers = {M(MatchType::kEqual, "component", "")};  // no component label
  EXPECT_EQ(Minutes(q), (std::vector<int>{9}));
  q.matchers = {M(MatchType::kNotRegexp, "component", "queue|redis|api")};
  EXPECT_EQ(Minutes(q), (std::vector<int>{9}));
  q.matchers = {M(MatchType::kRegexp, "component", "redis|")};  // redis or missing
  EXPECT_EQ(Minutes(q), (std::vector<int>{9, 7, 3, 2}));
}

TEST_F(HistoryReaderTest, MatcherWithNoMatchingValue) {
  HistoryQuery q;
  q.matchers = {M(MatchType::kRegexp, "component", "db.*")};
  EXPECT_TRUE(Minutes(q).empty());
  q.matchers = {M(MatchType::kEqual, "nolabel", "x")};
  EXPECT_TRUE(Minutes(q).empty());
}

TEST_F(HistoryReaderTest, ByState) {
  HistoryQuery q;
  q.kinds = {HistoryKind::kFiring};
  EXPECT_EQ(Minutes(q), (std::vector<int>{5, 3, 1}));
  q.kinds = {HistoryKind::kResolved, HistoryKind::kInhibited};
  EXPECT_EQ(Minutes(q), (std::vector<int>{8, 7, 4}));
}

TEST_F(HistoryReaderTest, ByReceiver) {
  HistoryQuery q;
  q.receiver = "business-alerts";
  EXPECT_EQ(Minutes(q), (std::vector<int>{6, 5}));
  q.receiver = "critical-alerts";
  EXPECT_EQ(Minutes(q), (std::vector<int>{7, 6, 5, 3, 2}));
}

TEST_F(HistoryReaderTest, LimitKeepsTheNewest) {
  HistoryQuery q;
  q.limit = 3;
  EXPECT_EQ(Minutes(q), (std::vector<int>{9, 8, 7}));
  // With a matcher applied per row the limit counts matching rows, not scanned ones.
  q.matchers = {M(MatchType::kNotEqual, "severity", "info")};
  EXPECT_EQ(Minutes(q), (std::vector<int>{8, 7, 6}));
  q.matchers = {M(MatchType::kRegexp, "component", "queue")};
  q.limit = 2;
  EXPECT_EQ(Minutes(q), (std::vector<int>{8, 4}));
}

TEST_F(HistoryReaderTest, FiltersCombine) {
  HistoryQuery q;
  q.since = kT0 + 2 * kMinute;
  q.alertname = "QueueBacklog";
  q.kinds = {HistoryKind::kResolved, HistoryKind::kInhibited};
  q.receiver = "warning-alerts";
  q.matchers = {M(MatchType::kRegexp, "severity", "warn.*")};
  q.limit = 1;
  EXPECT_EQ(Minutes(q), (std::vector<int>{8}));
}

TEST_F(HistoryReaderTest, SeesWritesCommittedAfterItOpened) {
  WriteBatch b;
  Add(b, 20, HistoryKind::kFiring, "Late", "queue", "warning", {});
  ASSERT_TRUE(store_->Commit(b).ok());
  HistoryQuery q;
  q.limit = 1;
  EXPECT_EQ(Minutes(q), std::vector<int>{20});
}

TEST_F(HistoryReaderTest, NotificationQueries) {
  WriteBatch b;
  auto attempt = [&](int minute, const std::string& receiver, const std::string& integration,
                     DeliveryStatus status) {
    NotificationAttempt a;
    a.at = kT0 + minute * kMinute;
    a.target = {"{}:{alertname=\"X\"}", receiver, integration, 0};
    a.status = status;
    a.duration = 15;
    a.attempt = 1;
    a.alerts_firing = 2;
    a.http_status = status == DeliveryStatus::kSuccess ? 200 : 500;
    b.RecordNotification(a);
  };
  attempt(0, "critical-alerts", "slack", DeliveryStatus::kRetrying);
  attempt(1, "critical-alerts", "slack", DeliveryStatus::kSuccess);
  attempt(2, "critical-alerts", "pagerduty", DeliveryStatus::kSuccess);
  attempt(3, "warning-alerts", "email", DeliveryStatus::kPermanentFailure);
  ASSERT_TRUE(store_->Commit(b).ok());

  auto minutes = [&](const NotificationQuery& q) {
    std::vector<int> out;
    auto r = reader_->QueryNotifications(q);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.message());
    if (r.ok()) {
      for (const auto& a : *r) out.push_back(static_cast<int>((a.at - kT0) / kMinute));
    }
    return out;
  };
  EXPECT_EQ(minutes({}), (std::vector<int>{3, 2, 1, 0}));
  NotificationQuery q;
  q.receiver = "critical-alerts";
  EXPECT_EQ(minutes(q), (std::vector<int>{2, 1, 0}));
  q.integration = "slack";
  EXPECT_EQ(minutes(q), (std::vector<int>{1, 0}));
  q.statuses = {DeliveryStatus::kRetrying};
  EXPECT_EQ(minutes(q), (std::vector<int>{0}));
  NotificationQuery range;
  range.since = kT0 + kMinute;
  range.until = kT0 + 2 * kMinute;
  range.limit = 1;
  EXPECT_EQ(minutes(range), (std::vector<int>{2}));
  auto all = reader_->QueryNotifications({});
  ASSERT_TRUE(all.ok());
  EXPECT_EQ((*all)[0].status, DeliveryStatus::kPermanentFailure);
  EXPECT_EQ((*all)[0].http_status, 500);
  EXPECT_EQ((*all)[0].target.integration, "email");
  EXPECT_EQ((*all)[0].alerts_firing, 2);
}

// With many label sets, selective matchers take the label-index plan and broad ones the
// time-index plan; both must give what filtering every row by hand gives.
TEST_F(HistoryReaderTest, BothQueryPlansAgreeWithAFullScan) {
  WriteBatch b;
  for (int i = 0; i < 300; ++i) {
    HistoryEvent e;
    e.at = kT0 + kHour + (i % 50) * kSecond;  // many rows share a time
    e.kind = i % 3 == 0 ? HistoryKind::kResolved : HistoryKind::kFiring;
    e.labels = Labels{{"alertname", "Host"},
                      {"instance", "host-" + std::to_string(i % 120)},
                      {"zone", i % 2 ? "a" : "b"}};
    b.AppendHistory(std::move(e));
  }
  ASSERT_TRUE(store_->Commit(b).ok());
  auto all = reader_->QueryHistory({});
  ASSERT_TRUE(all.ok());
  const std::vector<std::vector<LabelMatcher>> cases = {
      {M(MatchType::kEqual, "instance", "host-7")},                                       // sparse
      {M(MatchType::kRegexp, "instance", "host-1.")},                                     // sparse
      {M(MatchType::kRegexp, "instance", "host-.*"), M(MatchType::kEqual, "zone", "a")},  // dense
      {M(MatchType::kEqual, "zone", "b"), M(MatchType::kNotEqual, "instance", "host-3")},
  };
  for (const auto& matchers : cases) {
    for (size_t limit : {size_t{0}, size_t{5}}) {
      HistoryQuery q;
      q.matchers = matchers;
      q.limit = limit;
      auto got = reader_->QueryHistory(q);
      ASSERT_TRUE(got.ok()) << got.message();
      std::vector<int64_t> want;
      for (const auto& e : *all) {
        bool ok = true;
        for (const auto& m : matchers) ok = ok && m.matches(e.labels.get(m.name()));
        if (ok && (limit == 0 || want.size() < limit)) want.push_back(e.id);
      }
      std::vector<int64_t> ids;
      for (const auto& e : *got) ids.push_back(e.id);
      EXPECT_EQ(ids, want) << matchers[0].to_string() << " limit " << limit;
      EXPECT_FALSE(want.empty());
    }
  }
}

TEST(HistoryReaderOpenTest, MissingFileIsAnErrorNotANewFile) {
  testing::TempDir dir;
  const std::string path = dir.file("tocsin.db");
  auto reader = HistoryReader::Open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.message().find("no tocsin database at"), std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(path));
}

}  // namespace
}  // namespace tocsin::sqlite
