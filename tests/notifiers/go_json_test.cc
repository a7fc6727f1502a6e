#include "notifiers/go_json.h"

#include <gtest/gtest.h>

#include <limits>

namespace tocsin::notifiers {
namespace {

TEST(GoJsonTest, KeepsInsertionOrderAndEndsEncodeWithNewline) {
  nlohmann::ordered_json v = nlohmann::ordered_json::object();
  v["z"] = 1;
  v["a"] = nlohmann::ordered_json::array({true, nullptr, "s", 2.5, -3});
  v["m"] = nlohmann::ordered_json::object();
  v["u"] = uint64_t{18446744073709551615ULL};
  EXPECT_EQ(GoJsonMarshal(v),
            R"({"z":1,"a":[true,null,"s",2.5,-3],"m":{},"u":18446744073709551615})");
  EXPECT_EQ(GoJsonEncode(v), GoJsonMarshal(v) + "\n");
  EXPECT_EQ(GoJsonEncode(nlohmann::ordered_json::array()), "[]\n");
}

TEST(GoJsonTest, StringsAreEscapedAndNonFiniteFloatsBecomeNull) {
  nlohmann::ordered_json v =
      nlohmann::ordered_json::array({"<a&b>", 1e-7, std::numeric_limits<double>::quiet_NaN(),
                                     -std::numeric_limits<double>::infinity()});
  EXPECT_EQ(GoJsonMarshal(v), R"(["\u003ca\u0026b\u003e",1e-7,null,null])");
}

TEST(GoJsonTest, SortedObjectOrdersMapKeysBytewise) {
  nlohmann::json plain = {
      {"b", 1}, {"a", {{"y", "1"}, {"x", nullptr}}}, {"B", {1, 2}}, {"\xc3\xa9", true}};
  EXPECT_EQ(GoJsonMarshal(SortedObject(plain)),
            "{\"B\":[1,2],\"a\":{\"x\":null,\"y\":\"1\"},\"b\":1,\"\xc3\xa9\":true}");
}

}  // namespace
}  // namespace tocsin::notifiers
