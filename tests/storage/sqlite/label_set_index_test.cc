#include "storage/sqlite/label_set_index.h"

#include <gtest/gtest.h>

#include "storage/sqlite/schema.h"
#include "tests/storage/sqlite/temp_dir.h"

namespace tocsin::sqlite {
namespace {

class LabelSetIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = Database::Open(dir_.file("t.db"), OpenMode::kReadWriteCreate);
    ASSERT_TRUE(db.ok());
    db_ = std::move(*db);
    ASSERT_TRUE(Migrate(*db_).ok());
  }
  int64_t Count(const std::string& what) {
    return db_->QueryInt("SELECT count(*) FROM " + what).value();
  }

  testing::TempDir dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(LabelSetIndexTest, InternsEachLabelSetOnceWithItsPairs) {
  LabelSetIndex index;
  Labels a{{"alertname", "X"}, {"job", "api"}};
  Labels b{{"alertname", "X"}, {"job", "web"}};
  const int64_t id_a = index.Intern(*db_, a).value();
  EXPECT_EQ(index.Intern(*db_, Labels{{"job", "api"}, {"alertname", "X"}}).value(), id_a);
  const int64_t id_b = index.Intern(*db_, b).value();
  EXPECT_NE(id_a, id_b);
  EXPECT_EQ(Count("label_sets"), 2);
  EXPECT_EQ(Count("label_pairs"), 4);
  EXPECT_EQ(Count("label_pairs WHERE name = 'alertname' AND value = 'X'"), 2);

  // A fresh index (a restarted store) finds the existing rows instead of adding new ones.
  LabelSetIndex restarted;
  EXPECT_EQ(restarted.Intern(*db_, b).value(), id_b);
  EXPECT_EQ(Count("label_sets"), 2);
}

TEST_F(LabelSetIndexTest, RollbackForgetsIdsTheDatabaseNoLongerHas) {
  LabelSetIndex index;
  ASSERT_TRUE(db_->Exec("BEGIN").ok());
  const int64_t id = index.Intern(*db_, Labels{{"a", "1"}}).value();
  ASSERT_TRUE(db_->Exec("ROLLBACK").ok());
  index.Rollback();
  EXPECT_EQ(index.cached(), 0u);
  EXPECT_EQ(Count("label_sets"), 0);
  const int64_t again = index.Intern(*db_, Labels{{"a", "1"}}).value();
  EXPECT_EQ(Count("label_sets WHERE id = " + std::to_string(again)), 1);
  (void)id;
}

TEST_F(LabelSetIndexTest, EmptyLabelSetIsALabelSetToo) {
  LabelSetIndex index;
  const int64_t id = index.Intern(*db_, Labels{}).value();
  EXPECT_EQ(db_->QueryInt("SELECT count(*) FROM label_sets WHERE labels = '{}' AND id = " +
                          std::to_string(id))
                .value(),
            1);
  EXPECT_EQ(Count("label_pairs"), 0);
}

}  // namespace
}  // namespace tocsin::sqlite
