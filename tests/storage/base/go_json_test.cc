#include "storage/base/go_json.h"

#include <gtest/gtest.h>

#include <limits>

namespace tocsin {
namespace {

std::string Quoted(std::string_view s) {
  std::string out;
  AppendGoJsonString(out, s);
  return out;
}

std::string Float(double v) {
  std::string out;
  EXPECT_TRUE(AppendGoJsonFloat(out, v));
  return out;
}

TEST(GoJsonTest, EscapesStringsAsEncodingJson) {
  EXPECT_EQ(Quoted("plain"), R"("plain")");
  EXPECT_EQ(Quoted("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(Quoted("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(Quoted(std::string("\x01\x1f", 2)), R"("\u0001\u001f")");
  EXPECT_EQ(Quoted(std::string("nul\0", 4)), R"("nul\u0000")");
  // HTML-sensitive characters, as json.Encoder's default SetEscapeHTML(true).
  EXPECT_EQ(Quoted("<b>&</b>"), R"("\u003cb\u003e\u0026\u003c/b\u003e")");
  // Valid UTF-8 passes through; line and paragraph separators are escaped.
  EXPECT_EQ(Quoted("caf\xc3\xa9 \xe2\x9c\x93"), "\"caf\xc3\xa9 \xe2\x9c\x93\"");
  EXPECT_EQ(Quoted("a\xe2\x80\xa8z\xe2\x80\xa9"), R"("a\u2028z\u2029")");
  // Each invalid byte becomes \ufffd.
  EXPECT_EQ(Quoted("x\xff\xfey"), R"("x\ufffd\ufffdy")");
  EXPECT_EQ(Quoted("\xc3"), R"("\ufffd")");
  EXPECT_EQ(Quoted("\x7f"), "\"\x7f\"");  // DEL is not escaped by Go
}

TEST(GoJsonTest, PrintsFloatsAsGo) {
  EXPECT_EQ(Float(0), "0");
  EXPECT_EQ(Float(1.5), "1.5");
  EXPECT_EQ(Float(100), "100");
  EXPECT_EQ(Float(-0.25), "-0.25");
  EXPECT_EQ(Float(0.000001), "0.000001");
  EXPECT_EQ(Float(1e-7), "1e-7");
  EXPECT_EQ(Float(1.5e-10), "1.5e-10");
  EXPECT_EQ(Float(1e20), "100000000000000000000");
  EXPECT_EQ(Float(1e21), "1e+21");
  EXPECT_EQ(Float(0.1 + 0.2), "0.30000000000000004");
  EXPECT_EQ(Float(-1.25e-9), "-1.25e-9");
  EXPECT_EQ(Float(1.5e300), "1.5e+300");
  EXPECT_EQ(Float(5e-324), "5e-324");
}

TEST(GoJsonTest, LeavesNaNAndInfinitiesToTheCaller) {
  for (double v :
       {std::numeric_limits<double>::quiet_NaN(), std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    std::string out = "x";
    EXPECT_FALSE(AppendGoJsonFloat(out, v));
    EXPECT_EQ(out, "x");
  }
}

}  // namespace
}  // namespace tocsin
