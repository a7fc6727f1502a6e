// Go's fmt over template values: verbs, flags, widths, precisions and fmt's error forms. The
// expected strings are Go's output (fmt_test.go cases, and printf runs cross-checked against Go
// through amtool).
#include "engine/template/go_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "engine/template/template.h"
#include "tests/engine/template/test_data.h"

namespace tocsin::tmpl {
namespace {

struct FmtCase {
  const char* format;
  std::vector<Value> args;
  const char* want;
};

Value I(int64_t i) {
  return Value::Int(i);
}
Value F(double f) {
  return Value::Float(f);
}
Value S(const char* s) {
  return Value::String(s);
}
Value B(bool b) {
  return Value::Bool(b);
}

TEST(GoFormat, Sprintf) {
  const double inf = std::numeric_limits<double>::infinity();
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const std::vector<FmtCase> cases = {
      // %v of floats: strconv's shortest 'g' with %e for exponents < -4 or >= 21... no: >= 6.
      {"%v|%v|%v|%v|%v|%v",
       {F(1e6), F(100000), F(1e-5), F(0.0001), F(123456789), F(1e21)},
       "1e+06|100000|1e-05|0.0001|1.23456789e+08|1e+21"},
      {"%v|%v|%v|%v", {F(0.1), F(0.3), F(2.5), F(-0.0)}, "0.1|0.3|2.5|-0"},
      {"%v %v %v",
       {F(1e100), F(1.7976931348623157e308), F(5e-324)},
       "1e+100 1.7976931348623157e+308 5e-324"},
      {"%v|%v|%v", {F(inf), F(-inf), F(nan)}, "+Inf|-Inf|NaN"},
      {"%f|%.1f|% f|%+f", {F(inf), F(-inf), F(nan), F(nan)}, "+Inf|-Inf| NaN|+NaN"},
      {"%20f|% 20F|%-020f",
       {F(inf), F(inf), F(-inf)},
       "                +Inf|                 Inf|-Inf                "},
      {"%.2f|%5.1f|%-8.3f|%08.3f|%+.1f|% .2f",
       {F(3.14159), F(2.25), F(1.0), F(-3.5), F(2.0), F(1.5)},
       "3.14|  2.2|1.000   |-003.500|+2.0| 1.50"},
      {"%e|%E|%.3e|%g|%G|%.3g|%.10g",
       {F(1234.5678), F(1234.5678), F(0.000123), F(1e-7), F(1e21), F(123456), F(1.0)},
       "1.234568e+03|1.234568E+03|1.230e-04|1e-07|1E+21|1.23e+05|1"},
      {"%g|%g|%g|%.4g|%.4g|%.4g",
       {F(100000), F(1000000), F(0.00001), F(1234567), F(0.0001234), F(12.345)},
       "100000|1e+06|1e-05|1.235e+06|0.0001234|12.35"},
      {"%.0f %.0f %.0f %.0f", {F(0.5), F(1.5), F(2.5), F(3.5)}, "0 2 2 4"},
      {"%.1f %.2f %.3f", {F(0.05), F(0.125), F(2.675)}, "0.1 0.12 2.675"},
      {"%6.2f%%", {F(12.3456)}, " 12.35%"},
      {"%10.4v|", {F(3.14159265)}, "     3.142|"},
      {"%x|%X|%#x", {F(3.5), F(-1.0), F(1.0)}, "0x1.cp+01|-0X1P+00|0x1.0000p+00"},
      {"%b", {F(1.0)}, "4503599627370496p-52"},
      {"%#g|%#.3g|%#.0f|%#.4g|%#g",
       {F(1.0), F(2.0), F(3.0), F(0.012), F(1e-323)},
       "1.00000|2.00|3.|0.01200|1.00000e-323"},
      {"%+.3e|%+07.2f|%-07.2f|%+-07.2f",
       {F(0.0), F(-1.0), F(1.0), F(1.0)},
       "+0.000e+00|-001.00|1.00   |+1.00  "},
      {"%08.3f|%-08.3f|%+08d", {F(-1.5), F(1.5), I(7)}, "-001.500|1.500   |+0000007"},
      {"%e|%e|%f|%f|%g|%g",
       {F(1234.5678e3), F(-1e-9), F(1234.5678e-8), F(-1e-9), F(1234.5678e3), F(1.23456789e20)},
       "1.234568e+06|-1.000000e-09|0.000012|-0.000000|1.2345678e+06|1.23456789e+20"},
      // Integers.
      {"%d|%5d|%-5d|%05d|%+d|% d|%x|%X|%#x|%o|%#o|%b|%c|%q|%U|%#U",
       {I(42), I(42), I(42), I(-42), I(42), I(42), I(255), I(255), I(255), I(8), I(8), I(5), I(65),
        I(65), I(65), I(9731)},
       "42|   42|42   |-0042|+42| 42|ff|FF|0xff|10|010|101|A|'A'|U+0041|U+2603 '☃'"},
      {"%.d|%6.0d|%06.0d|%20.8d|%020.8d|%-20.8d",
       {I(0), I(0), I(0), I(1234), I(-1234), I(1234)},
       "|      |      |            00001234|           -00001234|00001234            "},
      {"%#b|%O|%#X|%x", {I(-6), I(668), I(0), I(-255)}, "-0b110|0o1234|0X0|-ff"},
      {"%c|%c|%q|%+q", {I(0x1F600), I(-1), I(0x263a), I(0x263a)}, "😀|\xEF\xBF\xBD|'☺'|'\\u263a'"},
      // Strings.
      {"%s|%10s|%-10s|%.2s|%q|%x|% x|%X|%#q",
       {S("hello"), S("hi"), S("hi"), S("hello"), S("a\"b\n"), S("hi"), S("hi"), S("hi"),
        S("back`tick")},
       "hello|        hi|hi        |he|\"a\\\"b\\n\"|6869|68 69|6869|\"back`tick\""},
      {"%05s|%-05s|%.0s|%.5s|%.3q|%#q",
       {S("ab"), S("ab"), S("ab"), S("日本語日本語"), S("日本語日本語"), S("ok")},
       "000ab|ab   ||日本語日本|\"日本語\"|`ok`"},
      {"%+q|%+q", {S("héllo\x01"), S("日本")}, "\"h\\u00e9llo\\x01\"|\"\\u65e5\\u672c\""},
      {"%q", {S("\xff\xfe invalid")}, "\"\\xff\\xfe invalid\""},
      {"%t|%v|%5t", {B(true), B(false), B(true)}, "true|false| true"},
      // Wrong verbs, missing and extra operands.
      {"%d", {S("foo")}, "%!d(string=foo)"},
      {"%s", {I(42)}, "%!s(int=42)"},
      {"%5d", {S("ab")}, "%!d(string=   ab)"},
      {"%d", {F(1.5)}, "%!d(float64=1.5)"},
      {"%t", {I(1)}, "%!t(int=1)"},
      {"%z", {I(1)}, "%!z(int=1)"},
      {"%d %d", {I(1)}, "1 %!d(MISSING)"},
      {"%d", {I(1), I(2), S("x")}, "1%!(EXTRA int=2, string=x)"},
      {"hi", {Value()}, "hi%!(EXTRA <nil>)"},
      {"%!", {}, "%!!(MISSING)"},
      {"%", {}, "%!(NOVERB)"},
      {"%*d|%-*d|%.*f", {I(5), I(1), I(5), I(2), I(2), F(3.14159)}, "    1|2    |3.14"},
      {"%*d", {I(-5), I(1)}, "1    "},
      {"%*d", {F(4.5), I(1)}, "%!(BADWIDTH)1"},
      {"%.*d", {F(4.5), I(1)}, "%!(BADPREC)1"},
      {"%[2]d %[1]d", {I(1), I(2)}, "2 1"},
      {"%[3]d", {I(1), I(2)}, "%!d(BADINDEX)"},
      {"%d %d %#[1]x %#x", {I(16), I(17)}, "16 17 0x10 0x11"},
      {"%v|%d|%s|%10v|",
       {Value(), Value(), Value(), Value()},
       "<nil>|%!d(<nil>)|%!s(<nil>)|     <nil>|"},
      {"%T %T %T %T %T", {I(1), F(1.0), S("x"), B(true), Value()}, "int float64 string bool <nil>"},
      {"%%|%5%|%-5%", {}, "%|%|%"},
      {"%v %d %s",
       {testing::IntList({1, 2}), testing::IntList({3}), testing::IntList({4})},
       "[1 2] [3] [%!s(int=4)]"},
      {"%v|%q|%5v|%x",
       {Value::StringList({"a", "b"}), Value::StringList({"a", "b"}), Value::StringList({"a"}),
        Value::StringList({"hi", "yo"})},
       "[a b]|[\"a\" \"b\"]|[    a]|[6869 796f]"},
      {"%v|%d",
       {testing::IntMap({{"b", 2}, {"a", 1}}), testing::IntMap({{"a", 1}})},
       "map[a:1 b:2]|map[%!d(string=a):1]"},
      {"%v",
       {Value::List({Value::Int(1), Value(), Value::String("x"), Value::Float(2.5)})},
       "[1 <nil> x 2.5]"},
      {"%d", {Value::List({Value()})}, "[<nil>]"},
  };
  for (const FmtCase& c : cases) {
    SCOPED_TRACE(c.format);
    EXPECT_EQ(Sprintf(c.format, c.args), c.want);
  }
}

TEST(GoFormat, Sprint) {
  EXPECT_EQ(Sprint(std::vector<Value>{F(1.0), F(2.5), S("x"), I(3), I(4)}), "1 2.5x3 4");
  EXPECT_EQ(Sprint(std::vector<Value>{S("a"), S("b"), I(1), I(2), S("c"), I(3)}), "ab1 2c3");
  EXPECT_EQ(Sprint(std::vector<Value>{Value(), Value()}), "<nil> <nil>");
  EXPECT_EQ(Sprint(std::vector<Value>{Value::StringOfType(types::HTML(), "h"), I(1)}), "h1");
  CallContext ctx(nullptr, nullptr);
  std::string out;
  AppendSprintln(out, std::vector<Value>{F(1.0), S("x"), I(3)}, ctx);
  EXPECT_EQ(out, "1 x 3\n");
}

TEST(GoFormat, StructsAndPointers) {
  const Type* point = TypeBuilder("main.Point", nullptr)
                          .Field("X", types::Int())
                          .Field("Label", types::String())
                          .Build();
  const Value p = Value::Struct(point, {I(1), S("a b")});
  EXPECT_EQ(Sprintf("%v|%+v|%s", std::vector<Value>{p, p, p}),
            "{1 a b}|{X:1 Label:a b}|{%!s(int=1) a b}");
  const Value ptr = p.WithType(types::PointerTo(point));
  EXPECT_EQ(Sprintf("%v|%+v", std::vector<Value>{ptr, ptr}), "&{1 a b}|&{X:1 Label:a b}");
  EXPECT_EQ(Sprintf("%v", std::vector<Value>{Value::Zero(types::PointerTo(point))}), "<nil>");
  // A nested pointer prints as an address, as Go does (0x followed by hex digits).
  const Value nested = Value::List({ptr}, types::SliceOf(types::PointerTo(point)));
  const std::string s = Sprintf("%v", std::vector<Value>{nested});
  EXPECT_EQ(s.substr(0, 3), "[0x");
}

TEST(GoFormat, StringMethodsAreUsed) {
  const Type* named =
      TypeBuilder("main.Named", types::String())
          .AddMethod("String", {},
                     [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                       // Appended, not `"<" + std::string(...)`: GCC 12 -O2 -Wrestrict misfires.
                       std::string s = "<";
                       s.append(self.as_string());
                       s.push_back('>');
                       return Value::String(std::move(s));
                     })
          .Build();
  const Value v = Value::StringOfType(named, "x");
  EXPECT_EQ(Sprintf("%v|%s|%q|%x|%d", std::vector<Value>{v, v, v, v, v}),
            "<x>|<x>|\"<x>\"|3c783e|%!d(main.Named=x)");
  EXPECT_EQ(Sprint(std::vector<Value>{Value::List({v, v}, types::SliceOf(named))}), "[<x> <x>]");
  const Type* failing =
      TypeBuilder("main.Failing", types::Int())
          .AddMethod("String", {},
                     [](CallContext&, const Value&, std::span<const Value>) -> Result<Value> {
                       return Error{"boom"};
                     })
          .Build();
  EXPECT_EQ(Sprintf("%v", std::vector<Value>{Value::IntOfType(failing, 1)}),
            "%!v(PANIC=String method: boom)");
}

}  // namespace
}  // namespace tocsin::tmpl

namespace tocsin::tmpl {
namespace {

// time.Time with a verb its String method does not serve prints its fields {wall ext loc}, as
// Go's fmt does (amtool: `{{ printf "%d" .StartsAt }}` is `{0 63839664000 0}` for
// 2024-01-01T00:00:00Z). tocsin used to print it as an error, recursing until the stack ran out.
TEST(GoFormat, TimeWithANonStringVerbPrintsItsFields) {
  const Value t = Value::Time(GoTime::FromUnix(1704067200, 5));
  EXPECT_EQ(Sprintf("%d|%v|%s|%x", std::vector<Value>{t, t, t, t}),
            "{5 63839664000 0}|2024-01-01 00:00:00.000000005 +0000 UTC|2024-01-01 "
            "00:00:00.000000005 +0000 UTC|323032342d30312d30312030303a30303a30302e3030303030303030"
            "35202b3030303020555443");
  EXPECT_EQ(Sprintf("%t", std::vector<Value>{t}),
            "{%!t(uint64=5) %!t(int64=63839664000) %!t(*time.Location=<nil>)}");
}

}  // namespace
}  // namespace tocsin::tmpl
