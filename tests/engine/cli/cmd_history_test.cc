// `tocsin history` end to end: the real binary against a database the store wrote.
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <array>
#include <chrono>
#include <cstdio>

#include "storage/sqlite/sqlite_store.h"
#include "tests/storage/sqlite/temp_dir.h"

namespace tocsin::cli {
namespace {

struct RunResult {
  int exit_code;
  std::string out;  // stdout and stderr together
};

RunResult RunTocsin(const std::string& args) {
  const std::string command =
      std::string(TOCSIN_BINARY_DIR) + "/engine/cli/tocsin " + args + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return {-1, "popen failed"};
  std::string out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), pipe)) > 0) out.append(buf.data(), n);
  const int status = ::pclose(pipe);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class CmdHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    now_ = std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
               .count();
    auto store = sqlite::SqliteStore::Open(sqlite::SqliteStore::PathInDataDir(dir_.path()));
    ASSERT_TRUE(store.ok()) << store.message();
    sqlite::WriteBatch b;
    auto add = [&](DurationMs ago, sqlite::HistoryKind kind, const std::string& name,
                   const std::string& component) {
      sqlite::HistoryEvent e;
      e.at = now_ - ago;
      e.kind = kind;
      e.labels = Labels{{"alertname", name}, {"component", component}};
      e.value = 1;
      e.receivers = {"default"};
      b.AppendHistory(e);
    };
    add(3 * kDay, sqlite::HistoryKind::kFiring, "DiskFull", "db");
    add(2 * kHour, sqlite::HistoryKind::kFiring, "QueueBacklog", "queue");
    add(90 * kMinute, sqlite::HistoryKind::kFiring, "RedisDown", "redis");
    add(kHour, sqlite::HistoryKind::kResolved, "QueueBacklog", "queue");
    sqlite::NotificationAttempt a;
    a.at = now_ - kHour;
    a.target = {"{}:{alertname=\"RedisDown\"}", "default", "webhook", 0};
    a.status = sqlite::DeliveryStatus::kSuccess;
    a.http_status = 200;
    b.RecordNotification(a);
    ASSERT_TRUE((*store)->Commit(b).ok());
  }

  std::string Flags() const { return "history --storage.path " + dir_.path(); }

  sqlite::testing::TempDir dir_;
  TimestampMs now_ = 0;
};

TEST_F(CmdHistoryTest, TableWithFilters) {
  auto r = RunTocsin(Flags() +
                     " --since 3h --matcher 'component=~\"queue|redis\"' --matcher alertname!=X");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  // Header plus three rows, newest first.
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 4) << r.out;
  EXPECT_EQ(r.out.find("TIME"), 0u) << r.out;
  const size_t resolved = r.out.find("resolved  QueueBacklog");
  const size_t redis = r.out.find("firing    RedisDown");
  ASSERT_NE(resolved, std::string::npos) << r.out;
  ASSERT_NE(redis, std::string::npos) << r.out;
  EXPECT_LT(resolved, redis);
  EXPECT_EQ(r.out.find("DiskFull"), std::string::npos);
  // Every matcher must hold.
  r = RunTocsin(Flags() + " --matcher component=queue --matcher alertname=RedisDown");
  EXPECT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;
}

TEST_F(CmdHistoryTest, JsonStateAlertnameAndLimit) {
  auto r = RunTocsin(Flags() + " --format json --state firing --limit 1");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["alertname"], "RedisDown");
  r = RunTocsin(Flags() + " --format json --alertname DiskFull --receiver default");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["labels"]["component"], "db");
}

TEST_F(CmdHistoryTest, CsvWithUntil) {
  auto r = RunTocsin(Flags() + " --format csv --until 1d");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(r.out.find("time,state,alertname"), 0u);
  EXPECT_NE(r.out.find(",firing,DiskFull,"), std::string::npos) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 2);
}

TEST_F(CmdHistoryTest, Notifications) {
  auto r = RunTocsin(Flags() + " --notifications --format json");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  auto j = nlohmann::json::parse(r.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["integration"], "webhook");
  EXPECT_EQ(j[0]["status"], "success");
  r = RunTocsin(Flags() + " --notifications --state failed");
  ASSERT_EQ(r.exit_code, 0) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1) << r.out;  // header only
}

TEST_F(CmdHistoryTest, ErrorsExitNonZeroWithAMessage) {
  auto r = RunTocsin(Flags() + " --matcher 'component~x'");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "tocsin history: --matcher: invalid matcher \"component~x\": expected one of = != =~ "
            "!~ after the label name\n");
  r = RunTocsin(Flags() + " --state exploded");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("invalid --state \"exploded\""), std::string::npos) << r.out;
  r = RunTocsin("history --storage.path " + dir_.path() + "/nowhere");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("no tocsin database at " + dir_.path() + "/nowhere/tocsin.db"),
            std::string::npos)
      << r.out;
  r = RunTocsin(Flags() + " --since soon");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.out.find("invalid --since \"soon\""), std::string::npos) << r.out;
}

}  // namespace
}  // namespace tocsin::cli
