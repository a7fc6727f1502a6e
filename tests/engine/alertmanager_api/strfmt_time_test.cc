#include "engine/alertmanager_api/strfmt_time.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace tocsin::alertmanager_api {
namespace {

constexpr TimestampMs kNoon = 1714564800000;  // 2024-05-01T12:00:00Z

TEST(StrfmtTimeTest, ReadsTheLayoutsStrfmtReads) {
  struct Case {
    std::string text;
    TimestampMs want;
  };
  for (const Case& c : std::vector<Case>{
           {"2024-05-01T12:00:00Z", kNoon},
           {"2024-05-01T14:00:00.250+02:00", kNoon + 250},
           {"2024-05-01T14:00:00.250000+0200", kNoon + 250},
           {"2024-05-01T12:00:00.250Z", kNoon + 250},
           {"2024-05-01T10:00:00.123-0200", kNoon + 123},
           {"2024-05-01T12:00:00", kNoon},
           {"2024-05-01T12:00:00.5", kNoon + 500},
           {"2024-05-01T12:00Z", kNoon},
           {"2024-05-01T12:00", kNoon},
           {"2024-05-01 12:00:00", kNoon},
           {"2024-05-01 12:00:00,75", kNoon + 750},
           {"2024-05-01 9:00:00", kNoon - 3 * 3600 * 1000},
       }) {
    auto t = ParseStrfmtDateTime(c.text);
    ASSERT_TRUE(t.ok()) << c.text << ": " << t.message();
    EXPECT_EQ(*t, c.want) << c.text;
  }
}

// When no layout fits, Go's time.Parse error for the last one, "2006-01-02 15:04:05" (the texts
// Alertmanager answers).
TEST(StrfmtTimeTest, ErrorIsGosForTheLastLayout) {
  struct Case {
    std::string text, message;
  };
  for (
      const Case& c : std::vector<Case>{
          {"yesterday",
           R"(parsing time "yesterday" as "2006-01-02 15:04:05": cannot parse "yesterday" as "2006")"},
          {"2024-13-01T00:00:00Z", R"(parsing time "2024-13-01T00:00:00Z": month out of range)"},
          {"2024-05-01T12:00:00+0200",
           R"(parsing time "2024-05-01T12:00:00+0200" as "2006-01-02 15:04:05": cannot parse )"
           R"("T12:00:00+0200" as " ")"},
          {"2024-05-01 12:00:00Z", R"(parsing time "2024-05-01 12:00:00Z": extra text: "Z")"},
          {"2024-05-01 25:00:00", R"(parsing time "2024-05-01 25:00:00": hour out of range)"},
          {"2024-02-30 12:00:00", R"(parsing time "2024-02-30 12:00:00": day out of range)"},
          {"2024/05/01",
           R"(parsing time "2024/05/01" as "2006-01-02 15:04:05": cannot parse "/05/01" as "-")"},
          {"", R"(parsing time "" as "2006-01-02 15:04:05": cannot parse "" as "2006")"},
      }) {
    auto t = ParseStrfmtDateTime(c.text);
    ASSERT_FALSE(t.ok()) << c.text;
    EXPECT_EQ(t.message(), c.message) << c.text;
  }
}

}  // namespace
}  // namespace tocsin::alertmanager_api
