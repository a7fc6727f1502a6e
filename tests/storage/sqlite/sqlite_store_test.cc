#include "storage/sqlite/sqlite_store.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "storage/sqlite/database.h"
#include "storage/sqlite/schema.h"
#include "tests/storage/sqlite/temp_dir.h"

namespace tocsin::sqlite {
namespace {

constexpr TimestampMs kT0 = 1'700'000'000'000;

AlertRecord MakeAlert(const std::string& name, const std::string& instance, AlertState state) {
  AlertRecord a;
  a.group = "rules/app.yml;app";
  a.rule = name;
  a.labels = Labels{{"alertname", name}, {"instance", instance}, {"severity", "warning"}};
  a.annotations = Labels{{"summary", "high latency on " + instance}};
  a.state = state;
  a.value = 0.25;
  a.active_at = kT0;
  if (state == AlertState::kFiring) a.fired_at = kT0 + 5 * kMinute;
  a.keep_firing_since = kT0 + 7 * kMinute;
  a.last_sent_at = kT0 + 6 * kMinute;
  a.valid_until = kT0 + 10 * kMinute;
  a.starts_at = a.fired_at;
  a.updated_at = kT0 + 6 * kMinute;
  a.generator_url = "http://localhost:9090/graph?g0.expr=up";
  return a;
}

HistoryEvent MakeEvent(const AlertRecord& a, HistoryKind kind, TimestampMs at) {
  HistoryEvent e;
  e.at = at;
  e.kind = kind;
  e.group = a.group;
  e.rule = a.rule;
  e.labels = a.labels;
  e.annotations = a.annotations;
  e.value = a.value;
  e.active_at = a.active_at;
  e.fired_at = a.fired_at;
  return e;
}

NotifyTarget Target(const std::string& group_key) {
  return {group_key, "critical-alerts", "slack", 0};
}

OutboxEntry MakeOutbox(const std::string& group_key, TimestampMs at, std::vector<uint64_t> firing) {
  OutboxEntry e;
  e.target = Target(group_key);
  e.payload = R"({"text":"[FIRING:1] HighLatency"})";
  e.firing = std::move(firing);
  e.created_at = at;
  e.next_attempt_at = at;
  return e;
}

NotificationAttempt Attempt(const NotifyTarget& t, DeliveryStatus status, TimestampMs at) {
  NotificationAttempt a;
  a.at = at;
  a.target = t;
  a.status = status;
  a.duration = 120;
  a.alerts_firing = 1;
  return a;
}

class SqliteStoreTest : public ::testing::Test {
 protected:
  std::unique_ptr<SqliteStore> OpenStore(StoreOptions options = {}) {
    auto store = SqliteStore::Open(SqliteStore::PathInDataDir(dir_.path()), options);
    EXPECT_TRUE(store.ok()) << (store.ok() ? "" : store.message());
    return store.ok() ? std::move(*store) : nullptr;
  }
  int64_t Count(const std::string& table) {
    auto db = Database::Open(SqliteStore::PathInDataDir(dir_.path()), OpenMode::kReadOnly);
    EXPECT_TRUE(db.ok());
    auto n = (*db)->QueryInt("SELECT count(*) FROM " + table);
    EXPECT_TRUE(n.ok()) << (n.ok() ? "" : n.message());
    return n.ok() ? *n : -1;
  }

  testing::TempDir dir_;
};

TEST_F(SqliteStoreTest, CreatesSchemaInWalMode) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  auto db = Database::Open(store->path(), OpenMode::kReadOnly);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(SchemaVersion(**db).value(), kSchemaVersion);
  auto mode = (*db)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(mode->Step().value());
  EXPECT_EQ(mode->String(0), "wal");
  for (const char* table : {"alerts", "history", "notifications", "silences", "nflog", "outbox",
                            "label_sets", "label_pairs", "schema_version"}) {
    EXPECT_EQ((*db)
                  ->QueryInt(std::string("SELECT count(*) FROM sqlite_master WHERE name = '") +
                             table + "'")
                  .value(),
              1)
        << table;
  }
}

TEST_F(SqliteStoreTest, SecondOpenOfTheSameFileIsRefused) {
  auto store = OpenStore();
  ASSERT_TRUE(store);
  auto second = SqliteStore::Open(store->path());
  ASSERT_FALSE(second.ok());
  EXPECT_NE(second.message().find("in use by another tocsin process"), std::string::npos);
  store.reset();
  EXPECT_TRUE(OpenStore());  // the lock goes with the store
}

TEST_F(SqliteStoreTest, AlertsRoundTripAcrossReopen) {
  std::vector<AlertRecord> alerts = {MakeAlert("HighLatency", "a:1", AlertState::kFiring),
                                     MakeAlert("HighLatency", "b:1", AlertState::kPending),
                                     MakeAlert("DiskFull", "a:1", AlertState::kInactive)};
  alerts[2].resolved_at = kT0 + 9 * kMinute;
  alerts[2].group.clear();  // an alert posted through the API: no rule
  alerts[2].rule.clear();
  {
    auto store = OpenStore();
    WriteBatch batch;
    for (const auto& a : alerts) batch.UpsertAlert(a);
    ASSERT_TRUE(store->Commit(batch).ok());
  }
  auto store = OpenStore();
  auto loaded = store->LoadAlerts();
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  ASSERT_EQ(loaded->size(), 3u);
  // Ordered by (group, rule, fingerprint): the rule-less alert first.
  EXPECT_EQ((*loaded)[0], alerts[2]);
  for (const auto& a : alerts) {
    EXPECT_NE(std::find(loaded->begin(), loaded->end(), a), loaded->end()) << a.labels.to_string();
  }
}

TEST_F(SqliteStoreTest, UpsertReplacesAndDeleteRemovesAlerts) {
  auto store = OpenStore();
  AlertRecord a = MakeAlert("HighLatency", "a:1", AlertState::kPending);
  WriteBatch batch;
  batch.UpsertAlert(a);
  a.state = AlertState::kFiring;
  a.fired_at = kT0 + kMinute;
  batch.UpsertAlert(a);  // same identity: replaces within the batch
  ASSERT_TRUE(store->Commit(batch).ok());
  auto loaded = store->LoadAlerts();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0], a);

  WriteBatch del;
  del.DeleteAlert(a.group, a.rule, a.fingerprint());
  ASSERT_TRUE(store->Commit(del).ok());
  EXPECT_TRUE(store->LoadAlerts()->empty());
}

TEST_F(SqliteStoreTest, SilencesRoundTrip) {
  SilenceRecord s;
  s.id = "8d4f4c0e-0b1a-4c36-9a0c-8f2b2d5d7c11";
  s.matchers = {{"alertname", "HighLatency", false, true},
                {"instance", "a:.*", true, true},
                {"env", "prod", false, false}};
  s.starts_at = kT0;
  s.ends_at = kT0 + kHour;
  s.updated_at = kT0;
  s.created_by = "ops@example.com";
  s.comment = "maintenance \"window\"\nline 2";
  s.annotations = Labels{{"ticket", "OPS-12"}};
  {
    auto store = OpenStore();
    WriteBatch batch;
    batch.UpsertSilence(s);
    ASSERT_TRUE(store->Commit(batch).ok());
  }
  auto store = OpenStore();
  auto loaded = store->LoadSilences();
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0], s);

  WriteBatch expire;
  expire.DeleteSilence(s.id);
  ASSERT_TRUE(store->Commit(expire).ok());
  EXPECT_TRUE(store->LoadSilences()->empty());
}

TEST_F(SqliteStoreTest, NflogRoundTripSkipsExpiredEntries) {
  NflogEntry live{
      Target("{}:{alertname=\"A\"}"), kT0, {0xfedcba9876543210ULL, 1}, {42}, kT0 + kDay};
  NflogEntry expired{Target("{}:{alertname=\"B\"}"), kT0, {7}, {}, kT0 + kMinute};
  auto store = OpenStore();
  WriteBatch batch;
  batch.UpsertNflog(live);
  batch.UpsertNflog(expired);
  ASSERT_TRUE(store->Commit(batch).ok());
  store.reset();
  store = OpenStore();
  auto loaded = store->LoadNflog(kT0 + kHour);
  ASSERT_TRUE(loaded.ok()) << loaded.message();
  ASSERT_EQ(loaded->size(), 1u);
  EXPECT_EQ((*loaded)[0], live);
  EXPECT_EQ(store->LoadNflog(kT0)->size(), 2u);

  WriteBatch del;
  del.DeleteNflog(live.target);
  ASSERT_TRUE(store->Commit(del).ok());
  EXPECT_EQ(store->LoadNflog(kT0)->size(), 1u);
}

TEST_F(SqliteStoreTest, NotificationAttemptsAreRecorded) {
  auto store = OpenStore();
  NotificationAttempt a = Attempt(Target("g"), DeliveryStatus::kRetrying, kT0);
  a.error = "unexpected status code 503";
  a.http_status = 503;
  a.attempt = 2;
  a.reason = "first notification";
  WriteBatch batch;
  batch.RecordNotification(a);
  ASSERT_TRUE(store->Commit(batch).ok());
  EXPECT_EQ(Count("notifications"), 1);
}

TEST_F(SqliteStoreTest, CycleBatchIsAllOrNothing) {
  auto store = OpenStore();
  WriteBatch good;
  for (int i = 0; i < 50; ++i) {
    AlertRecord a = MakeAlert("HighLatency", "host-" + std::to_string(i), AlertState::kFiring);
    good.UpsertAlert(a);
    good.AppendHistory(MakeEvent(a, HistoryKind::kFiring, kT0 + i));
  }
  ASSERT_TRUE(store->Commit(good).ok());
  EXPECT_EQ(Count("alerts"), 50);
  EXPECT_EQ(Count("history"), 50);

  // A batch whose last operation fails leaves nothing of its earlier ones behind.
  WriteBatch bad;
  for (int i = 0; i < 10; ++i) {
    AlertRecord a = MakeAlert("Other", "host-" + std::to_string(i), AlertState::kPending);
    bad.UpsertAlert(a);
    bad.AppendHistory(MakeEvent(a, HistoryKind::kPending, kT0 + 100 + i));
  }
  OutboxEntry first = MakeOutbox("g", kT0, {1});
  bad.EnqueueNotification(first);
  // No record the API accepts makes SQLite refuse, so make the last write fail by taking
  // its table away behind the store's back.
  {
    auto db = Database::Open(store->path(), OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("DROP TABLE silences").ok());
  }
  SilenceRecord s;
  s.id = "x";
  bad.UpsertSilence(s);
  auto r = store->Commit(bad);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.message().find("silences"), std::string::npos) << r.message();
  EXPECT_EQ(Count("alerts"), 50);
  EXPECT_EQ(Count("history"), 50);
  EXPECT_EQ(Count("outbox"), 0);

  // The label set cache forgot the label sets of the rolled-back batch: writing the same
  // events again must not point history rows at ids that no longer exist.
  WriteBatch again;
  AlertRecord a = MakeAlert("Other", "host-0", AlertState::kPending);
  again.AppendHistory(MakeEvent(a, HistoryKind::kPending, kT0 + 200));
  ASSERT_TRUE(store->Commit(again).ok());
  EXPECT_EQ(Count("history h JOIN label_sets l ON l.id = h.label_set_id"), 51);
}

// Runs longer than one multi-row statement, with a key repeated inside and across chunks and
// a delete in the middle: the result is what applying the operations one by one gives.
TEST_F(SqliteStoreTest, LongRunsKeepBatchOrder) {
  auto store = OpenStore();
  WriteBatch batch;
  for (int i = 0; i < 150; ++i) {
    AlertRecord a = MakeAlert("Bulk", "host-" + std::to_string(i % 100), AlertState::kPending);
    a.value = i;  // hosts 0..49 are written twice; the second value (100..149) must win
    batch.UpsertAlert(a);
  }
  AlertRecord deleted = MakeAlert("Bulk", "host-7", AlertState::kPending);
  batch.DeleteAlert(deleted.group, deleted.rule, deleted.fingerprint());
  for (int i = 0; i < 130; ++i) {
    batch.AppendHistory(
        MakeEvent(MakeAlert("Bulk", "host-" + std::to_string(i), AlertState::kFiring),
                  HistoryKind::kFiring, kT0 + i));
  }
  ASSERT_TRUE(store->Commit(batch).ok());
  auto alerts = store->LoadAlerts();
  ASSERT_TRUE(alerts.ok());
  EXPECT_EQ(alerts->size(), 99u);
  for (const auto& a : *alerts) {
    const int host = std::stoi(std::string(a.labels.get("instance")).substr(5));
    EXPECT_NE(host, 7);
    EXPECT_EQ(a.value, host < 50 ? host + 100 : host) << host;
  }
  EXPECT_EQ(Count("history"), 130);
  EXPECT_EQ(Count("history WHERE at = " + std::to_string(kT0 + 129)), 1);
}

TEST_F(SqliteStoreTest, RestoreReturnsEverything) {
  {
    auto store = OpenStore();
    WriteBatch batch;
    batch.UpsertAlert(MakeAlert("HighLatency", "a:1", AlertState::kFiring));
    SilenceRecord s;
    s.id = "s1";
    s.matchers = {{"alertname", "X", false, true}};
    s.starts_at = kT0;
    s.ends_at = kT0 + kHour;
    s.updated_at = kT0;
    batch.UpsertSilence(s);
    batch.UpsertNflog({Target("g1"), kT0, {1}, {}, kT0 + kDay});
    batch.EnqueueNotification(MakeOutbox("g2", kT0, {2}));
    ASSERT_TRUE(store->Commit(batch).ok());
  }
  auto store = OpenStore();
  auto state = store->Restore(kT0 + kMinute);
  ASSERT_TRUE(state.ok()) << state.message();
  EXPECT_EQ(state->alerts.size(), 1u);
  EXPECT_EQ(state->silences.size(), 1u);
  EXPECT_EQ(state->nflog.size(), 1u);
  ASSERT_EQ(state->outbox.size(), 1u);
  EXPECT_EQ(state->outbox[0].target, Target("g2"));
  EXPECT_EQ(state->outbox[0].firing, std::vector<uint64_t>{2});
}

TEST_F(SqliteStoreTest, PruneDropsWhatIsPastRetention) {
  StoreOptions options;
  options.history_retention = 90 * kDay;
  options.notification_retention = 30 * kDay;
  options.silence_retention = 5 * kDay;
  auto store = OpenStore(options);
  const TimestampMs now = kT0 + 200 * kDay;
  WriteBatch batch;
  AlertRecord old_alert = MakeAlert("Old", "a", AlertState::kFiring);
  AlertRecord new_alert = MakeAlert("New", "a", AlertState::kFiring);
  batch.AppendHistory(MakeEvent(old_alert, HistoryKind::kFiring, now - 91 * kDay));
  batch.AppendHistory(MakeEvent(new_alert, HistoryKind::kFiring, now - 89 * kDay));
  batch.RecordNotification(Attempt(Target("g"), DeliveryStatus::kSuccess, now - 31 * kDay));
  batch.RecordNotification(Attempt(Target("g"), DeliveryStatus::kSuccess, now - 29 * kDay));
  SilenceRecord gone, kept;
  gone.id = "gone";
  gone.ends_at = now - 6 * kDay;
  kept.id = "kept";
  kept.ends_at = now - 4 * kDay;
  batch.UpsertSilence(gone);
  batch.UpsertSilence(kept);
  batch.UpsertNflog({Target("expired"), now - kDay, {1}, {}, now - kSecond});
  batch.UpsertNflog({Target("live"), now - kDay, {1}, {}, now + kDay});
  ASSERT_TRUE(store->Commit(batch).ok());

  auto stats = store->Prune(now);
  ASSERT_TRUE(stats.ok()) << stats.message();
  EXPECT_EQ(stats->history, 1);
  EXPECT_EQ(stats->notifications, 1);
  EXPECT_EQ(stats->silences, 1);
  EXPECT_EQ(stats->nflog, 1);
  EXPECT_EQ(stats->label_sets, 1);  // "Old" is referenced by nothing now
  EXPECT_EQ(Count("history"), 1);
  EXPECT_EQ(Count("notifications"), 1);
  EXPECT_EQ(Count("silences WHERE id = 'kept'"), 1);
  EXPECT_EQ(Count("nflog WHERE group_key = 'live'"), 1);
  EXPECT_EQ(Count("label_sets"), 1);
  EXPECT_EQ(Count("label_pairs WHERE value = 'Old'"), 0);

  // After pruning cleared the cache, a label set seen before is interned again correctly.
  WriteBatch more;
  more.AppendHistory(MakeEvent(old_alert, HistoryKind::kResolved, now));
  ASSERT_TRUE(store->Commit(more).ok());
  EXPECT_EQ(Count("history h JOIN label_sets l ON l.id = h.label_set_id"), 2);
}

// ---- Outbox protocol ------------------------------------------------------------------------

TEST_F(SqliteStoreTest, DeliveredEntryMovesToTheNflogInOneStep) {
  auto store = OpenStore();
  WriteBatch batch;
  batch.EnqueueNotification(MakeOutbox("g", kT0, {11, 12}));
  auto committed = store->Commit(batch);
  ASSERT_TRUE(committed.ok());
  ASSERT_EQ(committed->outbox_ids.size(), 1u);
  const int64_t id = committed->outbox_ids[0];

  auto claimed = store->ClaimDue(kT0, 10);
  ASSERT_TRUE(claimed.ok()) << claimed.message();
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].id, id);
  EXPECT_EQ((*claimed)[0].attempts, 1);
  EXPECT_TRUE(store->ClaimDue(kT0, 10)->empty()) << "claimed twice";

  NotificationAttempt attempt = Attempt(Target("g"), DeliveryStatus::kSuccess, kT0 + 50);
  attempt.outbox_id = id;
  ASSERT_TRUE(store->MarkDelivered(id, kT0 + 50, kT0 + 5 * kDay, attempt).ok());
  EXPECT_TRUE(store->LoadOutbox()->empty());
  auto nflog = store->LoadNflog(kT0);
  ASSERT_EQ(nflog->size(), 1u);
  EXPECT_EQ((*nflog)[0].target, Target("g"));
  EXPECT_EQ((*nflog)[0].timestamp, kT0 + 50);
  EXPECT_EQ((*nflog)[0].firing, (std::vector<uint64_t>{11, 12}));
  EXPECT_EQ((*nflog)[0].expires_at, kT0 + 5 * kDay);
  EXPECT_EQ(Count("notifications WHERE outbox_id = " + std::to_string(id)), 1);

  // Delivering it again is refused: the entry is gone.
  EXPECT_FALSE(store->MarkDelivered(id, kT0 + 60, kT0 + 5 * kDay, attempt).ok());
}

TEST_F(SqliteStoreTest, NewerWaitingEntryReplacesTheOlderOne) {
  auto store = OpenStore();
  WriteBatch b1;
  b1.EnqueueNotification(MakeOutbox("g", kT0, {1}));
  const int64_t first = store->Commit(b1)->outbox_ids[0];
  WriteBatch b2;
  b2.EnqueueNotification(MakeOutbox("g", kT0 + kMinute, {1, 2}));
  b2.EnqueueNotification(MakeOutbox("other", kT0 + kMinute, {3}));
  auto r2 = store->Commit(b2);
  ASSERT_TRUE(r2.ok()) << r2.message();
  EXPECT_EQ(r2->outbox_ids[0], first);  // same row, newer content
  auto outbox = store->LoadOutbox();
  ASSERT_EQ(outbox->size(), 2u);
  EXPECT_EQ((*outbox)[0].firing, (std::vector<uint64_t>{1, 2}));
  EXPECT_EQ((*outbox)[0].created_at, kT0 + kMinute);
}

TEST_F(SqliteStoreTest, EntryInFlightIsNotReplacedAndTargetsStayInOrder) {
  auto store = OpenStore();
  WriteBatch b1;
  b1.EnqueueNotification(MakeOutbox("g", kT0, {1}));
  const int64_t first = store->Commit(b1)->outbox_ids[0];
  ASSERT_EQ(store->ClaimDue(kT0, 10)->size(), 1u);

  WriteBatch b2;
  b2.EnqueueNotification(MakeOutbox("g", kT0 + kMinute, {1, 2}));
  const int64_t second = store->Commit(b2)->outbox_ids[0];
  EXPECT_NE(second, first);
  // The newer entry waits while the older one is in flight.
  EXPECT_TRUE(store->ClaimDue(kT0 + kHour, 10)->empty());

  // The older one fails: it is superseded by the waiting one rather than retried.
  ASSERT_TRUE(store
                  ->ScheduleRetry(first, kT0 + 2 * kMinute,
                                  Attempt(Target("g"), DeliveryStatus::kRetrying, kT0 + 1))
                  .ok());
  auto outbox = store->LoadOutbox();
  ASSERT_EQ(outbox->size(), 1u);
  EXPECT_EQ((*outbox)[0].id, second);
  auto claimed = store->ClaimDue(kT0 + kHour, 10);
  ASSERT_EQ(claimed->size(), 1u);
  EXPECT_EQ((*claimed)[0].id, second);
}

TEST_F(SqliteStoreTest, RetryWaitsUntilItsTimeAndAbandonDropsWithoutNflog) {
  auto store = OpenStore();
  WriteBatch b;
  b.EnqueueNotification(MakeOutbox("g", kT0, {1}));
  const int64_t id = store->Commit(b)->outbox_ids[0];
  ASSERT_EQ(store->ClaimDue(kT0, 10)->size(), 1u);
  NotificationAttempt failed = Attempt(Target("g"), DeliveryStatus::kRetrying, kT0);
  failed.error = "connection refused";
  ASSERT_TRUE(store->ScheduleRetry(id, kT0 + 10 * kSecond, failed).ok());
  EXPECT_TRUE(store->ClaimDue(kT0 + 9 * kSecond, 10)->empty());
  auto again = store->ClaimDue(kT0 + 10 * kSecond, 10);
  ASSERT_EQ(again->size(), 1u);
  EXPECT_EQ((*again)[0].attempts, 2);
  EXPECT_EQ((*again)[0].last_error, "connection refused");

  ASSERT_TRUE(
      store->Abandon(id, Attempt(Target("g"), DeliveryStatus::kPermanentFailure, kT0)).ok());
  EXPECT_TRUE(store->LoadOutbox()->empty());
  EXPECT_TRUE(store->LoadNflog(kT0)->empty());
  EXPECT_EQ(Count("notifications"), 2);
}

TEST_F(SqliteStoreTest, ClaimsOfACrashedProcessAreReleasedOnOpen) {
  {
    auto store = OpenStore();
    WriteBatch b;
    b.EnqueueNotification(MakeOutbox("g", kT0, {1}));
    b.EnqueueNotification(MakeOutbox("h", kT0, {2}));
    ASSERT_TRUE(store->Commit(b).ok());
    ASSERT_EQ(store->ClaimDue(kT0, 10)->size(), 2u);
    // A newer notification for g arrives while the old one is in flight.
    WriteBatch newer;
    newer.EnqueueNotification(MakeOutbox("g", kT0 + kMinute, {1, 3}));
    ASSERT_TRUE(store->Commit(newer).ok());
    // The process "dies" here with both claims open (the destructor does not release them).
  }
  auto store = OpenStore();
  auto outbox = store->LoadOutbox();
  ASSERT_EQ(outbox->size(), 2u);  // g's old in-flight entry is superseded by the newer one
  auto claimed = store->ClaimDue(kT0 + kHour, 10);
  ASSERT_EQ(claimed->size(), 2u);
  for (const auto& e : *claimed) {
    if (e.target.group_key == "g") {
      EXPECT_EQ(e.firing, (std::vector<uint64_t>{1, 3}));
    }
  }
  // A claim this store does not hold cannot be completed by it.
  EXPECT_FALSE(
      store->MarkDelivered(9999, kT0, kT0, Attempt(Target("g"), DeliveryStatus::kSuccess, kT0))
          .ok());
}

TEST_F(SqliteStoreTest, FullSynchronousModeWorksToo) {
  StoreOptions options;
  options.synchronous = StoreOptions::Sync::kFull;
  auto store = OpenStore(options);
  ASSERT_TRUE(store);
  WriteBatch b;
  b.UpsertAlert(MakeAlert("A", "x", AlertState::kFiring));
  ASSERT_TRUE(store->Commit(b).ok());
  EXPECT_EQ(store->LoadAlerts()->size(), 1u);
}

TEST_F(SqliteStoreTest, NaNValuesAreStoredAsNoValue) {
  auto store = OpenStore();
  AlertRecord a = MakeAlert("A", "x", AlertState::kFiring);
  a.value = std::nan("");
  HistoryEvent e = MakeEvent(a, HistoryKind::kFiring, kT0);
  WriteBatch b;
  b.UpsertAlert(a);
  b.AppendHistory(e);
  ASSERT_TRUE(store->Commit(b).ok());
  EXPECT_EQ(Count("history WHERE value IS NULL"), 1);
}

TEST_F(SqliteStoreTest, RefusesAFileFromANewerTocsin) {
  const std::string path = SqliteStore::PathInDataDir(dir_.path());
  {
    auto db = Database::Open(path, OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)
                    ->Exec("CREATE TABLE schema_version (version INTEGER NOT NULL);"
                           "INSERT INTO schema_version VALUES (999)")
                    .ok());
  }
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.message().find("schema version 999 is newer"), std::string::npos)
      << store.message();
}

TEST_F(SqliteStoreTest, NotADatabaseIsAClearError) {
  const std::string path = SqliteStore::PathInDataDir(dir_.path());
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    std::fputs("this is not an sqlite file, just text that is long enough to have a header", f);
    std::fclose(f);
  }
  auto store = SqliteStore::Open(path);
  ASSERT_FALSE(store.ok());
  EXPECT_NE(store.message().find("not a database"), std::string::npos) << store.message();
}

}  // namespace
}  // namespace tocsin::sqlite
