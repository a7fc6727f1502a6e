#include "storage/sqlite/schema.h"

#include <gtest/gtest.h>

#include "storage/sqlite/history_reader.h"
#include "storage/sqlite/sqlite_store.h"
#include "tests/storage/sqlite/temp_dir.h"

namespace tocsin::sqlite {
namespace {

TEST(SchemaTest, NewFileStartsAtZeroAndMigratesToTheNewest) {
  testing::TempDir dir;
  auto db = Database::Open(dir.file("t.db"), OpenMode::kReadWriteCreate);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(SchemaVersion(**db).value(), 0);
  ASSERT_TRUE(Migrate(**db).ok());
  EXPECT_EQ(SchemaVersion(**db).value(), kSchemaVersion);
  ASSERT_TRUE(Migrate(**db).ok());  // idempotent
  EXPECT_EQ((*db)->QueryInt("SELECT count(*) FROM schema_version").value(), 1);
}

// A file written by the first release (labels inline in history) keeps its history, now
// through interned label sets, and answers label queries.
TEST(SchemaTest, VersionOneFileMigratesWithItsHistory) {
  testing::TempDir dir;
  const std::string path = dir.file("tocsin.db");
  {
    auto db = Database::Open(path, OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE(Migrate(**db, 1).ok());
    ASSERT_EQ(SchemaVersion(**db).value(), 1);
    ASSERT_TRUE((*db)
                    ->Exec(R"sql(
      INSERT INTO history (at, kind, alertname, fingerprint, rule_group, rule, labels, annotations, value)
      VALUES (1000, 'firing', 'HighLatency', 'x', 'g', 'HighLatency',
              '{"alertname":"HighLatency","component":"queue"}', '{"summary":"s"}', 1.5),
             (2000, 'resolved', 'HighLatency', 'x', 'g', 'HighLatency',
              '{"alertname":"HighLatency","component":"queue"}', '{}', NULL),
             (3000, 'firing', 'DiskFull', 'y', 'g', 'DiskFull',
              '{"alertname":"DiskFull","component":"redis"}', '{}', 0.9);
      INSERT INTO alerts (rule_group, rule, fingerprint, labels, annotations, state, value, active_at)
      VALUES ('g', 'DiskFull', 'y', '{"alertname":"DiskFull","component":"redis"}', '{}', 'firing', 0.9, 3000);
    )sql")
                    .ok());
  }
  {
    auto store = SqliteStore::Open(path);
    ASSERT_TRUE(store.ok()) << store.message();
    auto alerts = (*store)->LoadAlerts();
    ASSERT_TRUE(alerts.ok());
    ASSERT_EQ(alerts->size(), 1u);
    EXPECT_EQ((*alerts)[0].active_at, 3000);
  }
  auto db = Database::Open(path, OpenMode::kReadOnly);
  ASSERT_TRUE(db.ok());
  EXPECT_EQ(SchemaVersion(**db).value(), kSchemaVersion);
  EXPECT_EQ((*db)->QueryInt("SELECT count(*) FROM label_sets").value(), 2);
  EXPECT_EQ((*db)->QueryInt("SELECT count(*) FROM history WHERE label_set_id IS NULL").value(), 0);
  EXPECT_EQ(
      (*db)->QueryInt("SELECT count(*) FROM history_view WHERE labels LIKE '%queue%'").value(), 2);

  auto reader = HistoryReader::Open(path);
  ASSERT_TRUE(reader.ok()) << reader.message();
  HistoryQuery q;
  q.matchers.push_back(LabelMatcher::Make(MatchType::kEqual, "component", "queue").value());
  auto events = (*reader)->QueryHistory(q);
  ASSERT_TRUE(events.ok()) << events.message();
  ASSERT_EQ(events->size(), 2u);
  EXPECT_EQ((*events)[0].kind, HistoryKind::kResolved);
  EXPECT_EQ((*events)[0].at, 2000);
  EXPECT_FALSE((*events)[0].value.has_value());
  EXPECT_EQ((*events)[1].annotations, (Labels{{"summary", "s"}}));
  EXPECT_EQ((*events)[1].value, 1.5);
}

TEST(SchemaTest, ReaderRefusesAnOldFileItCannotMigrate) {
  testing::TempDir dir;
  const std::string path = dir.file("tocsin.db");
  {
    auto db = Database::Open(path, OpenMode::kReadWriteCreate);
    ASSERT_TRUE(Migrate(**db, 1).ok());
  }
  auto reader = HistoryReader::Open(path);
  ASSERT_FALSE(reader.ok());
  EXPECT_NE(reader.message().find("start the tocsin daemon once to migrate"), std::string::npos)
      << reader.message();
}

}  // namespace
}  // namespace tocsin::sqlite
