// A writer process killed with SIGKILL at a random moment leaves a file that opens cleanly,
// with every evaluation cycle either wholly present or wholly absent, and an outbox/nflog in
// which each notification is exactly once: waiting, or logged as delivered.
#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include "storage/sqlite/database.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/storage/sqlite/temp_dir.h"

namespace tocsin::sqlite {
namespace {

constexpr int kAlertsPerCycle = 300;
constexpr TimestampMs kT0 = 1'700'000'000'000;

std::string GroupKey(int cycle) {
  return "{}:{cycle=\"" + std::to_string(cycle) + "\"}";
}

// The child: writes cycles (alerts + history + one notification each) and delivers the
// notifications through the outbox protocol, recording each "send" in a side file as the
// receiving end would, until it is killed. Reports the first commit through `ready`.
[[noreturn]] void WriterProcess(const std::string& path, const std::string& sent_log, int ready) {
  auto store = SqliteStore::Open(path);
  if (!store.ok()) _exit(2);
  const int sent = ::open(sent_log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (sent < 0) _exit(3);
  for (int cycle = 0;; ++cycle) {
    WriteBatch batch;
    for (int i = 0; i < kAlertsPerCycle; ++i) {
      AlertRecord a;
      a.group = "g";
      a.rule = "Crash";
      a.labels = Labels{{"alertname", "Crash"}, {"i", std::to_string(i)}};
      a.state = AlertState::kFiring;
      a.value = cycle;
      a.active_at = kT0;
      batch.UpsertAlert(a);
      HistoryEvent e;
      e.at = kT0 + cycle;
      e.kind = HistoryKind::kFiring;
      e.labels = a.labels;
      e.value = cycle;
      batch.AppendHistory(std::move(e));
    }
    OutboxEntry n;
    n.target = {GroupKey(cycle), "r", "webhook", 0};
    n.payload = "{}";
    n.firing = {static_cast<uint64_t>(cycle)};
    n.created_at = kT0 + cycle;
    batch.EnqueueNotification(std::move(n));
    if (!(*store)->Commit(batch).ok()) _exit(4);
    if (cycle == 0) {
      char c = 1;
      if (::write(ready, &c, 1) != 1) _exit(5);
    }
    auto due = (*store)->ClaimDue(kT0 + cycle, 100);
    if (!due.ok()) _exit(6);
    for (const auto& e : *due) {
      const std::string line = e.target.group_key + "\n";
      if (::write(sent, line.data(), line.size()) != static_cast<ssize_t>(line.size())) _exit(7);
      NotificationAttempt attempt;
      attempt.at = kT0 + cycle;
      attempt.target = e.target;
      attempt.outbox_id = e.id;
      if (!(*store)->MarkDelivered(e.id, kT0 + cycle, kT0 + kDay, attempt).ok()) _exit(8);
    }
  }
}

std::map<std::string, int> SentCounts(const std::string& sent_log) {
  std::map<std::string, int> counts;
  std::ifstream in(sent_log);
  for (std::string line; std::getline(in, line);) counts[line]++;
  return counts;
}

std::set<std::string> Keys(Database& db, const std::string& table) {
  std::set<std::string> keys;
  auto st = db.Prepare("SELECT group_key FROM " + table);
  EXPECT_TRUE(st.ok());
  while (st->Step().value()) keys.insert(st->String(0));
  return keys;
}

TEST(CrashSafetyTest, KilledWriterLeavesWholeCyclesAndAnExactOutbox) {
  std::mt19937 rng(std::random_device{}());
  for (int round = 0; round < 3; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    testing::TempDir dir;
    const std::string path = SqliteStore::PathInDataDir(dir.path());
    const std::string sent_log = dir.file("sent.log");
    int pipefd[2];
    ASSERT_EQ(::pipe(pipefd), 0);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      ::close(pipefd[0]);
      WriterProcess(path, sent_log, pipefd[1]);
    }
    ::close(pipefd[1]);
    char c;
    ASSERT_EQ(::read(pipefd[0], &c, 1), 1) << "writer failed before its first commit";
    ::close(pipefd[0]);
    std::this_thread::sleep_for(
        std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 250)(rng)));
    ASSERT_EQ(::kill(child, SIGKILL), 0);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status)) << "writer exited early with " << WEXITSTATUS(status);

    // The file is intact and every cycle is whole.
    int last_cycle = -1;
    {
      auto db = Database::Open(path, OpenMode::kReadWriteCreate);
      ASSERT_TRUE(db.ok());
      auto check = (*db)->Prepare("PRAGMA integrity_check");
      ASSERT_TRUE(check->Step().value());
      EXPECT_EQ(check->String(0), "ok");
      EXPECT_EQ((*db)->QueryInt("SELECT count(*) FROM alerts").value(), kAlertsPerCycle);
      EXPECT_EQ((*db)->QueryInt("SELECT count(DISTINCT value) FROM alerts").value(), 1);
      last_cycle = static_cast<int>((*db)->QueryInt("SELECT max(value) FROM alerts").value());
      EXPECT_EQ((*db)->QueryInt("SELECT max(value) FROM history").value(), last_cycle);
      EXPECT_EQ((*db)
                    ->QueryInt("SELECT count(*) FROM (SELECT value FROM history GROUP BY value "
                               "HAVING count(*) != " +
                               std::to_string(kAlertsPerCycle) + ")")
                    .value(),
                0);
      EXPECT_EQ((*db)->QueryInt("SELECT count(DISTINCT value) FROM history").value(),
                last_cycle + 1);

      // Each committed notification is either waiting or delivered, never both or neither.
      const auto waiting = Keys(**db, "outbox");
      const auto delivered = Keys(**db, "nflog");
      for (const auto& k : waiting) EXPECT_EQ(delivered.count(k), 0u) << k;
      EXPECT_EQ(static_cast<int>(waiting.size() + delivered.size()), last_cycle + 1);
      // Everything the nflog records was sent exactly once so far.
      const auto sent = SentCounts(sent_log);
      for (const auto& k : delivered) EXPECT_EQ(sent.count(k) ? sent.at(k) : 0, 1) << k;
    }

    // Restart: the waiting notifications are delivered, and nothing is delivered twice
    // except the one a receiver may have accepted in the instant before the kill.
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.message();
    const int fd = ::open(sent_log.c_str(), O_WRONLY | O_APPEND | O_CREAT, 0644);
    auto due = (*store)->ClaimDue(kT0 + kHour, 1000);
    ASSERT_TRUE(due.ok());
    for (const auto& e : *due) {
      const std::string line = e.target.group_key + "\n";
      ASSERT_EQ(::write(fd, line.data(), line.size()), static_cast<ssize_t>(line.size()));
      ASSERT_TRUE((*store)->MarkDelivered(e.id, kT0 + kHour, kT0 + kDay, {}).ok());
    }
    ::close(fd);
    EXPECT_TRUE((*store)->LoadOutbox()->empty());
    EXPECT_EQ(static_cast<int>((*store)->LoadNflog(kT0)->size()), last_cycle + 1);
    int duplicates = 0;
    const auto sent = SentCounts(sent_log);
    for (int cycle = 0; cycle <= last_cycle; ++cycle) {
      const auto it = sent.find(GroupKey(cycle));
      ASSERT_NE(it, sent.end()) << "never delivered: cycle " << cycle;
      EXPECT_LE(it->second, 2);
      if (it->second == 2) ++duplicates;
    }
    EXPECT_LE(duplicates, 1);
  }
}

}  // namespace
}  // namespace tocsin::sqlite
