#include "storage/sqlite/database.h"

#include <gtest/gtest.h>

#include "tests/storage/sqlite/temp_dir.h"

namespace tocsin::sqlite {
namespace {

class DatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.file("t.db"), OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok()) << db.message();
    db_ = std::move(*db);
    ASSERT_TRUE(db_->Exec("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)").ok());
  }
  int64_t Rows() { return db_->QueryInt("SELECT count(*) FROM t").value(); }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(DatabaseTest, TransactionRollsBackUnlessCommitted) {
  {
    auto tx = Transaction::Begin(*db_);
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES ('a', 1)").ok());
  }
  EXPECT_EQ(Rows(), 0);
  {
    auto tx = Transaction::Begin(*db_);
    ASSERT_TRUE(db_->Exec("INSERT INTO t VALUES ('a', 1)").ok());
    ASSERT_TRUE(tx->Commit().ok());
    EXPECT_FALSE(tx->Commit().ok());  // only once
  }
  EXPECT_EQ(Rows(), 1);
  EXPECT_FALSE(db_->InTransaction());
}

TEST_F(DatabaseTest, CachedStatementsAreResetAndClearedOnReuse) {
  const char* insert = "INSERT INTO t VALUES (?1, ?2)";
  auto st = db_->Cached(insert);
  ASSERT_TRUE(st.ok());
  (*st)->Bind(1, "a").Bind(2, int64_t{1});
  ASSERT_TRUE((*st)->Run().ok());
  auto again = db_->Cached(insert);
  EXPECT_EQ(*again, *st);  // the same prepared statement
  (*again)->Bind(1, "b");  // ?2 left unbound: NULL, not the previous 1
  ASSERT_TRUE((*again)->Run().ok());
  EXPECT_EQ(db_->QueryInt("SELECT count(*) FROM t WHERE k = 'b' AND v IS NULL").value(), 1);

  auto select = db_->Cached(std::string("SELECT v FROM t WHERE k = ?1"));
  (*select)->Bind(1, std::string("a"));
  ASSERT_TRUE((*select)->Step().value());
  EXPECT_EQ((*select)->Int64(0), 1);
  EXPECT_EQ((*select)->OptionalInt64(0), std::optional<int64_t>(1));
}

TEST_F(DatabaseTest, ErrorsNameTheStatement) {
  auto bad = db_->Prepare("SELECT nope FROM t");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.message(), "sqlite: no such column: nope (in \"SELECT nope FROM t\")");
  auto insert = db_->Prepare("INSERT INTO t VALUES ('a', 1)");
  ASSERT_TRUE(insert->Run().ok());
  Status dup = insert->Run();
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.message(),
            "sqlite: UNIQUE constraint failed: t.k (in \"INSERT INTO t VALUES ('a', 1)\")");
}

TEST_F(DatabaseTest, ReadOnlyConnectionCannotWrite) {
  auto ro = Database::Open(dir_.file("t.db"), OpenMode::kReadOnly);
  ASSERT_TRUE(ro.ok());
  EXPECT_FALSE((*ro)->Exec("INSERT INTO t VALUES ('x', 1)").ok());
  EXPECT_FALSE(Database::Open(dir_.file("missing.db"), OpenMode::kReadOnly).ok());
}

}  // namespace
}  // namespace tocsin::sqlite
