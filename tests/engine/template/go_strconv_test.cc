// Go's strconv: float formatting (the digits fmt prints), number and string literal parsing.
#include "engine/template/go_strconv.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace tocsin::tmpl {
namespace {

TEST(GoStrconv, FormatFloatShortest) {
  struct Case {
    double v;
    char fmt;
    const char* want;
  };
  const Case cases[] = {
      {0, 'g', "0"},
      {-0.0, 'g', "-0"},
      {1, 'g', "1"},
      {0.1, 'g', "0.1"},
      {1e6, 'g', "1e+06"},
      {123456, 'g', "123456"},
      {1234567, 'g', "1.234567e+06"},
      {1e-4, 'g', "0.0001"},
      {1e-5, 'g', "1e-05"},
      {1e21, 'g', "1e+21"},
      {1e100, 'g', "1e+100"},
      {5e-324, 'g', "5e-324"},
      {0.000123456, 'e', "1.23456e-04"},
      {0, 'e', "0e+00"},
      {123.456, 'f', "123.456"},
      {1e21, 'f', "1000000000000000000000"},
      {1e-7, 'f', "0.0000001"},
      {2.5, 'G', "2.5"},
      {1e-10, 'G', "1E-10"},
      {std::numeric_limits<double>::infinity(), 'g', "+Inf"},
      {-std::numeric_limits<double>::infinity(), 'f', "-Inf"},
      {std::numeric_limits<double>::quiet_NaN(), 'e', "NaN"},
      {1, 'b', "4503599627370496p-52"},
      {-2, 'b', "-4503599627370496p-51"},
      {1, 'x', "0x1p+00"},
      {3.5, 'x', "0x1.cp+01"},
      {0, 'x', "0x0p+00"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(FormatGoFloat(c.v, c.fmt, -1), c.want);
  }
}

TEST(GoStrconv, FormatFloatWithPrecision) {
  struct Case {
    double v;
    char fmt;
    int prec;
    const char* want;
  };
  const Case cases[] = {
      {1.2345, 'g', 4, "1.234"},  // 1.2345 is 1.23449999... in binary
      {12.345, 'g', 4, "12.35"},
      {1234567, 'g', 4, "1.235e+06"},
      {0.00012345, 'g', 4, "0.0001234"},
      {100000, 'g', 4, "1e+05"},
      {1, 'g', 4, "1"},
      {123, 'g', 3, "123"},
      {1234, 'g', 3, "1.23e+03"},
      {0.5, 'g', 0, "0.5"},
      {0, 'g', 4, "0"},
      {1e-7, 'g', 4, "1e-07"},
      {999.96, 'g', 4, "1000"},
      {9999.6, 'g', 4, "1e+04"},
      {0.125, 'f', 2, "0.12"},
      {0.375, 'f', 2, "0.38"},
      {2.5, 'f', 0, "2"},
      {-0.0001, 'f', 2, "-0.00"},
      {1e22, 'f', 1, "10000000000000000000000.0"},
      {123456.789, 'e', 3, "1.235e+05"},
      {0, 'e', 2, "0.00e+00"},
      {1, 'e', 0, "1e+00"},
      {9.99999, 'e', 2, "1.00e+01"},
      {1, 'x', 4, "0x1.0000p+00"},
      {1.9999, 'x', 1, "0x1.0p+01"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.want);
    EXPECT_EQ(FormatGoFloat(c.v, c.fmt, c.prec), c.want);
  }
}

TEST(GoStrconv, ParseFloat) {
  EXPECT_EQ(*ParseGoFloat("1.5"), 1.5);
  EXPECT_EQ(*ParseGoFloat("-1e3"), -1000);
  EXPECT_EQ(*ParseGoFloat(".5"), 0.5);
  EXPECT_EQ(*ParseGoFloat("5."), 5);
  EXPECT_EQ(*ParseGoFloat("0x1.8p1"), 3);
  EXPECT_EQ(*ParseGoFloat("0x_1p0"), 1);
  EXPECT_EQ(*ParseGoFloat("+Inf"), std::numeric_limits<double>::infinity());
  EXPECT_EQ(*ParseGoFloat("-infinity"), -std::numeric_limits<double>::infinity());
  EXPECT_TRUE(std::isnan(*ParseGoFloat("NaN")));
  EXPECT_TRUE(std::isnan(*ParseGoFloat("nan")));
  EXPECT_EQ(*ParseGoFloat("1e-400"), 0);
  EXPECT_EQ(ParseGoFloat("one").message(), R"(strconv.ParseFloat: parsing "one": invalid syntax)");
  EXPECT_EQ(ParseGoFloat("").message(), R"(strconv.ParseFloat: parsing "": invalid syntax)");
  EXPECT_EQ(ParseGoFloat("1e400").message(),
            R"(strconv.ParseFloat: parsing "1e400": value out of range)");
  EXPECT_EQ(*ParseGoFloat("1_000.5"), 1000.5);  // Go literal syntax allows digit separators
  EXPECT_FALSE(ParseGoFloat("1__0").ok());
  EXPECT_FALSE(ParseGoFloat("0x10").ok());  // hexadecimal needs a p exponent
  EXPECT_FALSE(ParseGoFloat("1.5 ").ok());
  EXPECT_FALSE(ParseGoFloat("+-1").ok());
  EXPECT_FALSE(ParseGoFloat("-nan").ok());
}

TEST(GoStrconv, ParseInt) {
  EXPECT_EQ(*ParseGoInt("1234"), 1234);
  EXPECT_EQ(*ParseGoInt("-0x1F"), -31);
  EXPECT_EQ(*ParseGoInt("0b101"), 5);
  EXPECT_EQ(*ParseGoInt("0o17"), 15);
  EXPECT_EQ(*ParseGoInt("017"), 15);
  EXPECT_EQ(*ParseGoInt("0"), 0);
  EXPECT_EQ(*ParseGoInt("1_000"), 1000);
  EXPECT_EQ(*ParseGoInt("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  EXPECT_EQ(ParseGoInt("9223372036854775808").message(),
            R"(strconv.ParseInt: parsing "9223372036854775808": value out of range)");
  EXPECT_EQ(ParseGoInt("12a").message(), R"(strconv.ParseInt: parsing "12a": invalid syntax)");
  EXPECT_FALSE(ParseGoInt("089").ok());
  EXPECT_FALSE(ParseGoInt("1__0").ok());
  EXPECT_FALSE(ParseGoInt("_1").ok());
  EXPECT_EQ(*ParseGoUint("0xffffffffffffffff"), std::numeric_limits<uint64_t>::max());
  EXPECT_FALSE(ParseGoUint("-1").ok());
}

TEST(GoStrconv, Unquote) {
  EXPECT_EQ(*GoUnquote(R"("a\tb")"), "a\tb");
  EXPECT_EQ(*GoUnquote(R"("\u00e9\U0001F600\x41\101\\\"")"), "é😀AA\\\"");
  EXPECT_EQ(*GoUnquote(R"("\xff")"), "\xff");
  EXPECT_EQ(*GoUnquote("`a\\n\r\nb`"), "a\\n\nb");
  EXPECT_FALSE(GoUnquote(R"("\z")").ok());
  EXPECT_FALSE(GoUnquote(R"("\'")").ok());
  EXPECT_FALSE(GoUnquote(R"("\400")").ok());
  EXPECT_FALSE(GoUnquote(R"("\ud800")").ok());
  EXPECT_FALSE(GoUnquote(R"("abc)").ok());
  EXPECT_EQ(GoUnquote("'ab'").message(), "invalid syntax");
  EXPECT_EQ(*GoUnquote("'\\''"), "'");
}

TEST(GoStrconv, Quote) {
  EXPECT_EQ(GoQuoteString("a\"b\\c\n\t\x01\x7f"), R"("a\"b\\c\n\t\x01\x7f")");
  EXPECT_EQ(GoQuoteString("héllo 日本 \xff"), "\"héllo 日本 \\xff\"");
  std::string ascii;
  AppendGoQuote(ascii, "héllo 😀", true);
  EXPECT_EQ(ascii, R"("h\u00e9llo \U0001f600")");
  std::string r;
  AppendGoQuoteRune(r, 'x', false);
  AppendGoQuoteRune(r, '\'', false);
  AppendGoQuoteRune(r, 0x110000, false);
  EXPECT_EQ(r,
            "'x'"
            "'\\''"
            "'\xEF\xBF\xBD'");
  EXPECT_TRUE(GoCanBackquote("a b\tc"));
  EXPECT_FALSE(GoCanBackquote("a`b"));
  EXPECT_FALSE(GoCanBackquote("a\nb"));
}

}  // namespace
}  // namespace tocsin::tmpl
