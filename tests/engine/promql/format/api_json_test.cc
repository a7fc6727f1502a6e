#include "engine/promql/format/api_json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "storage/base/sample.h"

namespace tocsin::promql {
namespace {

TEST(ApiJsonTest, FloatsAreGoShortestFixedOrExponent) {
  EXPECT_EQ(FormatApiFloat(1), "1");
  EXPECT_EQ(FormatApiFloat(-0.5), "-0.5");
  EXPECT_EQ(FormatApiFloat(0), "0");
  EXPECT_EQ(FormatApiFloat(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(FormatApiFloat(1e-6), "0.000001");
  EXPECT_EQ(FormatApiFloat(1e-7), "1e-07");
  EXPECT_EQ(FormatApiFloat(1.5e-10), "1.5e-10");
  EXPECT_EQ(FormatApiFloat(1e20), "100000000000000000000");
  EXPECT_EQ(FormatApiFloat(1e21), "1e+21");
  EXPECT_EQ(FormatApiFloat(-2.5e300), "-2.5e+300");
  EXPECT_EQ(FormatApiFloat(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(FormatApiFloat(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(FormatApiFloat(std::nan("")), "NaN");
  EXPECT_EQ(FormatApiFloat(StaleNaN()), "NaN");
}

TEST(ApiJsonTest, TimestampsAreSecondsWithThreeDecimals) {
  EXPECT_EQ(FormatApiTimestamp(0), "0");
  EXPECT_EQ(FormatApiTimestamp(1000), "1");
  EXPECT_EQ(FormatApiTimestamp(1500), "1.500");
  EXPECT_EQ(FormatApiTimestamp(1005), "1.005");
  EXPECT_EQ(FormatApiTimestamp(1050), "1.050");
  EXPECT_EQ(FormatApiTimestamp(-2005), "-2.005");
  EXPECT_EQ(FormatApiTimestamp(1700000000123), "1700000000.123");
}

TEST(ApiJsonTest, StringsAreEscapedAsGoDoes) {
  EXPECT_EQ(JsonString("a\"b\\c\n"), R"("a\"b\\c\n")");
  EXPECT_EQ(JsonString("<a&b>"), R"("\u003ca\u0026b\u003e")");
  EXPECT_EQ(JsonString("ü"), "\"ü\"");
  EXPECT_EQ(JsonString("\xff"), "\"\xef\xbf\xbd\"");  // invalid UTF-8 becomes U+FFFD
  EXPECT_EQ(JsonString("\xe2\x80\xa8"), R"("\u2028")");
}

TEST(ApiJsonTest, VectorResponse) {
  QueryResult r;
  r.value = Vector{{Labels{{"__name__", "up"}, {"job", "api"}}, 1500, 1, false},
                   {Labels{}, 1500, std::numeric_limits<double>::infinity(), false}};
  EXPECT_EQ(QuerySuccessJson(r, "up"),
            R"({"status":"success","data":{"resultType":"vector","result":[)"
            R"({"metric":{"__name__":"up","job":"api"},"value":[1.500,"1"]},)"
            R"({"metric":{},"value":[1.500,"+Inf"]}]}})");
}

TEST(ApiJsonTest, MatrixScalarAndStringResponses) {
  QueryResult r;
  r.value = Matrix{{Labels{{"a", "1"}}, {{0, 1}, {60000, 2.5}}, false}};
  EXPECT_EQ(QuerySuccessJson(r, "x"),
            R"({"status":"success","data":{"resultType":"matrix","result":[)"
            R"({"metric":{"a":"1"},"values":[[0,"1"],[60,"2.5"]]}]}})");
  r.value = Scalar{3000, -1};
  EXPECT_EQ(QuerySuccessJson(r, "x"),
            R"({"status":"success","data":{"resultType":"scalar","result":[3,"-1"]}})");
  r.value = String{3000, "hi"};
  EXPECT_EQ(QuerySuccessJson(r, "x"),
            R"({"status":"success","data":{"resultType":"string","result":[3,"hi"]}})");
  r.value = Vector{};
  EXPECT_EQ(QuerySuccessJson(r, "x"),
            R"({"status":"success","data":{"resultType":"vector","result":[]}})");
}

TEST(ApiJsonTest, AnnotationsFollowTheData) {
  QueryResult r;
  r.value = Vector{};
  r.warnings.push_back({Annotation::Kind::kWarning, "w", {0, 3}});
  r.infos.push_back({Annotation::Kind::kInfo, "i", {4, 7}});
  EXPECT_EQ(QuerySuccessJson(r, "foo bar"),
            R"({"status":"success","data":{"resultType":"vector","result":[]},)"
            R"j("warnings":["PromQL warning: w (1:1)"],"infos":["PromQL info: i (1:5)"]})j");
}

TEST(ApiJsonTest, Errors) {
  EXPECT_EQ(QueryErrorJson("bad_data", "1:1: parse error: \"x\""),
            R"({"status":"error","errorType":"bad_data","error":"1:1: parse error: \"x\""})");
}

}  // namespace
}  // namespace tocsin::promql
