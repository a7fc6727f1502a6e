#include "engine/promql/literals.h"

#include <gtest/gtest.h>

#include <cmath>

namespace tocsin::promql {
namespace {

TEST(LiteralsTest, NumbersAsGoReadsThem) {
  struct Case {
    const char* in;
    double want;
  };
  const Case cases[] = {{"1", 1},        {"0x1F", 31},
                        {"0X_1f", 31},   {"017", 15},
                        {"0o17", 15},    {"0b101", 5},
                        {"08", 8},       {"1_000", 1000},
                        {"1.5", 1.5},    {".5", 0.5},
                        {"5.", 5},       {"1e3", 1000},
                        {"1E-3", 0.001}, {"1_000.5", 1000.5},
                        {"0e0", 0},      {"9223372036854775808", 9223372036854775808.0}};
  for (const auto& c : cases) {
    auto r = ParseNumber(c.in);
    ASSERT_TRUE(r.ok()) << c.in << ": " << r.message();
    EXPECT_EQ(*r, c.want) << c.in;
  }
  EXPECT_TRUE(std::isinf(*ParseNumber("Inf")));
  EXPECT_TRUE(std::isinf(*ParseNumber("+inf")));
  EXPECT_LT(*ParseNumber("-Inf"), 0);
  EXPECT_TRUE(std::isnan(*ParseNumber("NaN")));
  auto big = ParseNumber("1e400");
  ASSERT_FALSE(big.ok());
  EXPECT_EQ(big.message(), "strconv.ParseFloat: parsing \"1e400\": value out of range");
  auto bad = ParseNumber("1__0");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.message(), "strconv.ParseFloat: parsing \"1__0\": invalid syntax");
  EXPECT_FALSE(ParseNumber("0x1.8").ok());  // hex mantissa needs a p exponent
  EXPECT_EQ(*ParseNumber("0x1p-2"), 0.25);
}

TEST(LiteralsTest, Uint) {
  EXPECT_EQ(*ParseUint("42"), 42u);
  auto r = ParseUint("1.5");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(), "strconv.ParseUint: parsing \"1.5\": invalid syntax");
  EXPECT_FALSE(ParseUint("99999999999999999999").ok());
}

TEST(LiteralsTest, Unquote) {
  EXPECT_EQ(*UnquoteString(R"("a\tb")"), "a\tb");
  EXPECT_EQ(*UnquoteString(R"('it\'s')"), "it's");
  EXPECT_EQ(*UnquoteString(R"('two chars')"), "two chars");
  EXPECT_EQ(*UnquoteString("`raw\\n`"), "raw\\n");
  EXPECT_EQ(*UnquoteString(R"("\x41\101\u00e4\U0001F600")"), "AA\xc3\xa4\xf0\x9f\x98\x80");
  EXPECT_EQ(*UnquoteString(R"("\xff")"), "\xff");
  EXPECT_EQ(*UnquoteString(R"("\a\b\f\n\r\v\\\"")"), "\a\b\f\n\r\v\\\"");
  EXPECT_FALSE(UnquoteString(R"("\q")").ok());
  EXPECT_FALSE(UnquoteString(R"("\'")").ok());  // \' only inside single quotes
  EXPECT_FALSE(UnquoteString(R"("\uD800")").ok());
  EXPECT_FALSE(UnquoteString(R"("abc)").ok());
}

}  // namespace
}  // namespace tocsin::promql
