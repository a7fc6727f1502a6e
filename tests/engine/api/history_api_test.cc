#include "engine/api/history_api.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "engine/http/server.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/engine/http/http_test_support.h"
#include "tests/storage/sqlite/temp_dir.h"

namespace tocsin::api {
namespace {

using json = nlohmann::json;
using test::Fetch;

constexpr TimestampMs kNow = 1'700'000'000'000;

class HistoryApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = sqlite::SqliteStore::Open(dir_.file("tocsin.db"));
    ASSERT_TRUE(store.ok()) << store.message();
    sqlite::WriteBatch batch;
    auto event = [&](sqlite::HistoryKind kind, TimestampMs at, const char* name) {
      sqlite::HistoryEvent e;
      e.kind = kind;
      e.at = at;
      e.labels = Labels{{"alertname", name}, {"severity", "critical"}};
      batch.AppendHistory(e);
    };
    event(sqlite::HistoryKind::kPending, kNow - 3 * kHour, "RedisDown");
    event(sqlite::HistoryKind::kFiring, kNow - 2 * kHour, "RedisDown");
    event(sqlite::HistoryKind::kFiring, kNow - 10 * kMinute, "QueueStuck");
    ASSERT_TRUE((*store)->Commit(batch).ok());
    store->reset();

    executor_ = std::make_unique<QueryExecutor>(io_.io(), 1);
    http::Router router;
    RegisterHistoryApi(router,
                       {dir_.file("tocsin.db"), executor_.get(), 5 * kSecond, [] { return kNow; }});
    auto s = http::Server::Start(io_.io(), {.listen_address = "127.0.0.1:0"}, std::move(router));
    ASSERT_TRUE(s.ok()) << s.message();
    server_ = std::move(*s);
    base_ = "http://127.0.0.1:" + std::to_string(server_->port());
  }
  void TearDown() override {
    server_.reset();
    executor_.reset();
  }

  sqlite::testing::TempDir dir_;
  test::IoThread io_;
  std::unique_ptr<QueryExecutor> executor_;
  std::unique_ptr<http::Server> server_;
  std::string base_;
};

TEST_F(HistoryApiTest, FiltersAsTocsinHistoryDoes) {
  auto all = Fetch({.url = base_ + "/api/v1/history"});
  ASSERT_EQ(all.status, 200) << all.body;
  json j = json::parse(all.body);
  EXPECT_EQ(j["status"], "success");
  ASSERT_EQ(j["data"].size(), 3u);
  EXPECT_EQ(j["data"][0]["alertname"], "QueueStuck");  // newest first

  auto recent = Fetch({.url = base_ + "/api/v1/history?since=1h"});
  EXPECT_EQ(json::parse(recent.body)["data"].size(), 1u);
  auto redis = Fetch({.url = base_ + "/api/v1/history?matcher=alertname%3DRedisDown&state=firing"});
  j = json::parse(redis.body);
  ASSERT_EQ(j["data"].size(), 1u);
  EXPECT_EQ(j["data"][0]["state"], "firing");
  EXPECT_EQ(json::parse(Fetch({.url = base_ + "/api/v1/history?limit=2"}).body)["data"].size(), 2u);
  EXPECT_EQ(
      json::parse(Fetch({.url = base_ + "/api/v1/history?notifications=true"}).body)["data"].size(),
      0u);
}

TEST_F(HistoryApiTest, BadParametersAre400) {
  for (const char* q : {"since=yesterday", "state=exploded", "limit=-1", "matcher=%7B",
                        "notifications=maybe", "integration=slack"}) {
    auto r = Fetch({.url = base_ + "/api/v1/history?" + q});
    EXPECT_EQ(r.status, 400) << q << ": " << r.body;
    json j = json::parse(r.body);
    EXPECT_EQ(j["errorType"], "bad_data") << q;
  }
}

}  // namespace
}  // namespace tocsin::api
