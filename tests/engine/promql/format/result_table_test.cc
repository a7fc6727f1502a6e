#include "engine/promql/format/result_table.h"

#include <gtest/gtest.h>

namespace tocsin::promql {
namespace {

TEST(ResultTableTest, VectorRowsAreAligned) {
  QueryResult r;
  r.value = Vector{{Labels{{"__name__", "up"}, {"job", "api"}}, 60000, 1, false},
                   {Labels{{"__name__", "up"}}, 60000, 0.5, false}};
  EXPECT_EQ(QueryResultTable(r, "up"),
            "SERIES         TIME  VALUE\n"
            "up{job=\"api\"}  60    1\n"
            "up             60    0.5\n");
}

TEST(ResultTableTest, MatrixNamesEachSeriesOnce) {
  QueryResult r;
  r.value = Matrix{{Labels{{"a", "1"}}, {{0, 1}, {1500, 2}}, false}};
  EXPECT_EQ(QueryResultTable(r, "x"),
            "SERIES   TIME   VALUE\n"
            "{a=\"1\"}  0      1\n"
            "         1.500  2\n");
}

TEST(ResultTableTest, ScalarsStringsAndEmptyResults) {
  QueryResult r;
  r.value = Scalar{0, 2};
  EXPECT_EQ(QueryResultTable(r, "2"), "SCALAR  TIME  VALUE\n        0     2\n");
  r.value = String{0, "a"};
  EXPECT_EQ(QueryResultTable(r, "\"a\""), "STRING  TIME  VALUE\n        0     \"a\"\n");
  r.value = Vector{};
  EXPECT_EQ(QueryResultTable(r, "x"), "(empty vector)\n");
}

}  // namespace
}  // namespace tocsin::promql
