#include "storage/base/strings.h"

#include <gtest/gtest.h>

namespace tocsin {
namespace {

TEST(GoQuoteTest, MatchesStrconvQuote) {
  EXPECT_EQ(GoQuote("plain"), "\"plain\"");
  EXPECT_EQ(GoQuote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(GoQuote("\n\t\r\a\b\f\v"), R"("\n\t\r\a\b\f\v")");
  EXPECT_EQ(GoQuote(std::string("\x01\x7f", 2)), R"("\x01\x7f")");
  EXPECT_EQ(GoQuote("h\xc3\xa9llo"), "\"h\xc3\xa9llo\"");  // printable UTF-8 kept
  EXPECT_EQ(GoQuote("\xff"), R"("\xff")");                 // invalid byte
  EXPECT_EQ(GoQuote("\xc2\x85"), R"("\u0085")");           // C1 control
}

TEST(Utf8Test, DecodesAndRejects) {
  std::string s = "\xe2\x82\xac";  // €
  size_t i = 0;
  bool valid = false;
  EXPECT_EQ(DecodeRune(s, i, &valid), U'\u20ac');
  EXPECT_TRUE(valid);
  EXPECT_EQ(i, 3u);
  std::string overlong = "\xc0\x80";
  i = 0;
  DecodeRune(overlong, i, &valid);
  EXPECT_FALSE(valid);
  std::string out;
  AppendRune(out, U'\U0001F600');
  EXPECT_EQ(out, "\xf0\x9f\x98\x80");
}

}  // namespace
}  // namespace tocsin
