// Execution of templates: every construct and builtin, checked against the output Go's
// text/template produces for the same template and data (cases adapted from Go's exec_test.go,
// plus error messages worked out from Go's exec.go and funcs.go).
#include <gtest/gtest.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "engine/template/template.h"
#include "tests/engine/template/test_data.h"

namespace tocsin::tmpl {
namespace {

using testing::IntList;
using testing::IntMap;
using testing::TVal;

struct ExecCase {
  const char* name;
  std::string input;
  std::string output;  // for failing cases: the full error message, or "" to skip checking it
  Value data;
  bool ok;
};

void RunCases(const std::vector<ExecCase>& cases, MissingKey missing = MissingKey::kInvalid) {
  for (const ExecCase& c : cases) {
    SCOPED_TRACE(std::string(c.name) + ": " + c.input);
    Template t(testing::TestFuncs());
    t.set_missing_key(missing);
    Status parsed = t.Parse(c.name, c.input);
    ASSERT_TRUE(parsed.ok()) << parsed.message();
    std::string out;
    Status s = t.Execute(c.name, c.data, &out);
    if (c.ok) {
      EXPECT_TRUE(s.ok()) << s.message();
      EXPECT_EQ(out, c.output);
    } else {
      EXPECT_FALSE(s.ok()) << "output: " << out;
      if (!c.output.empty()) {
        EXPECT_EQ(s.message(), c.output);
      }
    }
  }
}

Value Str(std::string s) {
  return Value::String(std::move(s));
}

TEST(Execute, TrivialAndLiterals) {
  RunCases({
      {"empty", "", "", Value(), true},
      {"text", "some text", "some text", Value(), true},
      {"nil action", "{{nil}}",
       R"(template: nil action:1:2: executing "nil action" at <nil>: nil is not a command)",
       Value(), false},
      {"ideal int", "{{typeOf 3}}", "int", Value::Int(0), true},
      {"ideal float", "{{typeOf 1.0}}", "float64", Value::Int(0), true},
      {"ideal exp float", "{{typeOf 1e1}}", "float64", Value::Int(0), true},
      {"ideal int max", "{{typeOf 0x7fffffffffffffff}}", "int", Value::Int(0), true},
      {"ideal too big", "{{typeOf 0x8000000000000000}}",
       R"(template: ideal too big:1:9: executing "ideal too big" at <0x8000000000000000>: 0x8000000000000000 overflows int)",
       Value::Int(0), false},
      {"hex is int", "{{printf `%T` 0xef}}", "int", Value(), true},
      {"rune is int", "{{printf `%T %v` 'x' 'x'}}", "int 120", Value(), true},
      {"decimal", "{{print 1234}}", "1234", Value(), true},
      {"decimal _", "{{print 12_34}}", "1234", Value(), true},
      {"binary", "{{print 0b101}}", "5", Value(), true},
      {"binary _", "{{print 0b_1_0_1}}", "5", Value(), true},
      {"octal0", "{{print 0377}}", "255", Value(), true},
      {"octal", "{{print 0o377}}", "255", Value(), true},
      {"hex", "{{print 0x123}}", "291", Value(), true},
      {"HEX", "{{print 0X123ABC}}", "1194684", Value(), true},
      {"float", "{{print 123.4}}", "123.4", Value(), true},
      {"float _", "{{print 0_0_1_2_3.4}}", "123.4", Value(), true},
      {"hex float", "{{print +0x1.ep+2}}", "7.5", Value(), true},
      {"hex float _", "{{print +0x_1.e_0p+0_2}}", "7.5", Value(), true},
      {"print multi", "{{print 1_2_3_4 7.5_00_00_00}}", "1234 7.5", Value(), true},
      {"negative", "{{print -3 -2.5}}", "-3 -2.5", Value(), true},
      {"strings", R"({{"a\tb\u00e9\x41\101"}}|{{`raw\n`}})", "a\tbéAA|raw\\n", Value(), true},
      {"bools", "{{true}} {{false}}", "true false", Value(), true},
      {"char escapes", R"({{print '\n' '\'' '\\' '\x7f' '\u00e9'}})", "10 39 92 127 233", Value(),
       true},
  });
}

TEST(Execute, FieldsMapsAndDot) {
  RunCases({
      {".X", "-{{.X}}-", "-x-", TVal(), true},
      {".U.V", "-{{.U.V}}-", "-v-", TVal(), true},
      {".unexported", "{{.unexported}}",
       R"(template: .unexported:1:2: executing ".unexported" at <.unexported>: can't evaluate field unexported in type *template.T)",
       TVal(), false},
      {"map .one", "{{.MSI.one}}", "1", TVal(), true},
      {"map .two", "{{.MSI.two}}", "2", TVal(), true},
      {"map .NO", "{{.MSI.NO}}", "<no value>", TVal(), true},
      {"map .WRONG args", "{{.MSI.one 1}}",
       R"(template: map .WRONG args:1:6: executing "map .WRONG args" at <.MSI.one>: one is not a method but has arguments)",
       TVal(), false},
      {"dot int", "<{{.}}>", "<13>", Value::Int(13), true},
      {"dot float", "<{{.}}>", "<15.1>", Value::Float(15.1), true},
      {"dot bool", "<{{.}}>", "<true>", Value::Bool(true), true},
      {"dot string", "<{{.}}>", "<hello>", Str("hello"), true},
      {"dot slice", "<{{.}}>", "<[-1 -2 -3]>", IntList({-1, -2, -3}), true},
      {"dot map", "<{{.}}>", "<map[two:22]>", IntMap({{"two", 22}}), true},
      {"dot struct", "<{{.U}}>", "<{v}>", TVal(), true},
      {"$ int", "{{$}}", "123", Value::Int(123), true},
      {"$.I", "{{$.I}}", "17", TVal(), true},
      {"$.U.V", "{{$.U.V}}", "v", TVal(), true},
      {"field on nil", "{{.foo}}", "<no value>", Value(), true},
      {"field on parenthesized nil", "{{(.).foo}}", "<no value>", Value(), true},
      {"field of int", "hello, {{.X.Y}}",
       R"(template: field of int:1:11: executing "field of int" at <.X.Y>: can't evaluate field X in type int)",
       Value::Int(0), false},
      {"lower-case map key", "{{.cause}}", "neglect", Value::StringMap({{"cause", "neglect"}}),
       true},
      {"chain from function", "{{mapOfThree.three}}-{{(mapOfThree).three}}", "3-3", Value(), true},
      {"parens: $ in paren", "{{($).X}}", "x", TVal(), true},
      {"parens: $.GetU in paren", "{{($.GetU).V}}", "v", TVal(), true},
      {"parens: $ in paren in pipe", "{{($ | echo).X}}", "x", TVal(), true},
      {"parens: spaces and args", R"({{(makemap "up" "down" "left" "right").left}})", "right",
       TVal(), true},
      {"explicit nil chain", "{{(nil).True}}", "", TVal(), false},
      {"nil variable", "{{$x := nil}}{{$x.anything}}", "", TVal(), false},
      {"field of float var", "{{$x := (1.0)}}{{$x.anything}}",
       R"(template: field of float var:1:19: executing "field of float var" at <$x.anything>: can't evaluate field anything in type float64)",
       TVal(), false},
  });
}

TEST(Execute, Variables) {
  RunCases({
      {"declare in action", "{{$x := $.U.V}}{{$x}}", "v", TVal(), true},
      {"simple assignment", "{{$x := 2}}{{$x = 3}}{{$x}}", "3", TVal(), true},
      {"nested assignment", "{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{$x}}", "3", TVal(), true},
      {"nested assignment changes the last declaration",
       "{{$x := 1}}{{if true}}{{$x := 2}}{{if true}}{{$x = 3}}{{end}}{{end}}{{$x}}", "1", TVal(),
       true},
      {"if $x with $y int", "{{if $x := true}}{{with $y := .I}}{{$x}},{{$y}}{{end}}{{end}}",
       "true,17", TVal(), true},
      {"if $x with $x int", "{{if $x := true}}{{with $x := .I}}{{$x}},{{end}}{{$x}}{{end}}",
       "17,true", TVal(), true},
      {"declaration prints nothing", "a{{$x := 5}}b{{$x}}", "ab5", Value(), true},
      {"assignment prints nothing", "{{$x := 5}}{{$x = 6}}{{$x}}", "6", Value(), true},
      {"template has no outer variables",
       R"({{define "t"}}{{$}}{{end}}{{$x := 1}}{{template "t" 7}})", "7", Value(), true},
  });
}

TEST(Execute, MethodsAndPipelines) {
  RunCases({
      {".Method0", "-{{.Method0}}-", "-M0-", TVal(), true},
      {".Method1(1234)", "-{{.Method1 1234}}-", "-1234-", TVal(), true},
      {".Method1(.I)", "-{{.Method1 .I}}-", "-17-", TVal(), true},
      {".Method2(3, .X)", "-{{.Method2 3 .X}}-", "-Method2: 3 x-", TVal(), true},
      {".Method2(.I, `str`)", "-{{.Method2 .I `str`}}-", "-Method2: 17 str-", TVal(), true},
      {".Method2(.I, $x)", "{{if $x := .X}}-{{.Method2 .I $x}}{{end}}-", "-Method2: 17 x-", TVal(),
       true},
      {".Method3(nil constant)", "-{{.Method3 nil}}-", "-Method3: <nil>-", TVal(), true},
      {".Method3(nil value)", "-{{.Method3 .MSI.unset}}-", "-Method3: <nil>-", TVal(), true},
      {"method on var", "{{if $x := .}}-{{$x.Method2 .I $x.X}}{{end}}-", "-Method2: 17 x-", TVal(),
       true},
      {"method on chained var",
       "{{range .MSIone}}{{if $.U.TrueFalse $.True}}{{$.U.TrueFalse $.True}}{{else}}WRONG{{end}}"
       "{{end}}",
       "true", TVal(), true},
      {"chained method",
       "{{range .MSIone}}{{if $.GetU.TrueFalse $.True}}{{$.U.TrueFalse $.True}}{{else}}WRONG{{end}}"
       "{{end}}",
       "true", TVal(), true},
      {"chained method on variable",
       "{{with $x := .}}{{with .SI}}{{$.GetU.TrueFalse $.True}}{{end}}{{end}}", "true", TVal(),
       true},
      {"pipeline", "-{{.Method0 | .Method2 .I}}-", "-Method2: 17 M0-", TVal(), true},
      {"parens in pipeline", "{{printf `%d %d %d` (1) (2 | add 3) (add 4 (add 5 6))}}", "1 5 15",
       TVal(), true},
      {"method error", "{{.MyError true}}",
       R"(template: method error:1:2: executing "method error" at <.MyError>: error calling MyError: my error)",
       TVal(), false},
      {"method no error", "{{.MyError false}}", "false", TVal(), true},
      {"chained field of method result", "{{print (.Copy).I}}", "17", TVal(), true},
      {"method wrong arg count", "{{.Method1}}",
       R"(template: method wrong arg count:1:2: executing "method wrong arg count" at <.Method1>: wrong number of args for Method1: want 1 got 0)",
       TVal(), false},
      {"method wrong arg type", "{{.Method1 `x`}}",
       R"(template: method wrong arg type:1:11: executing "method wrong arg type" at <`x`>: expected integer; found `x`)",
       TVal(), false},
      {"method arg from pipeline", "{{.I | .Method1}}", "17", TVal(), true},
      {"method arg wrong type from pipeline", "{{.X | .Method1}}",
       R"(template: method arg wrong type from pipeline:1:7: executing "method arg wrong type from pipeline" at <.Method1>: wrong type for value; expected int; got string)",
       TVal(), false},
      {"method with slice arg", "{{.MAdd 10 .SI}}", "[13 14 15]", TVal(), true},
      {"range over method result", "{{range .SI | .MAdd .I}}-{{.}}-{{end}}", "-20--21--22-", TVal(),
       true},
      {"field with args", "{{.X 1}}",
       R"(template: field with args:1:2: executing "field with args" at <.X>: X has arguments but cannot be invoked as function)",
       TVal(), false},
      {"unparenthesized non-function", "{{1 2}}",
       R"(template: unparenthesized non-function:1:2: executing "unparenthesized non-function" at <1>: can't give argument to non-function 1)",
       Value(), false},
      {"parenthesized non-function", "{{(1) 2}}", "", Value(), false},
      {"parenthesized non-function with no args", "{{(1)}}", "1", Value(), true},
      {"non-function var with arg", "{{$x := 1}}{{$x 2}}", "", TVal(), false},
      {"non-function var in pipeline", "{{$x := 1}}{{3 | $x}}", "", TVal(), false},
      {"pipelined arg type-checked", "{{3|oneArg}}",
       R"(template: pipelined arg type-checked:1:4: executing "pipelined arg type-checked" at <oneArg>: wrong type for value; expected string; got int)",
       TVal(), false},
      {"variadic pipelined arg type-checked", "{{4|dddArg 3}}", "", TVal(), false},
      {"variadic pipelined arg", "{{`x`|dddArg 3}}", "3 [x]\n", TVal(), true},
      {"function result type-checked", "{{valueString returnInt}}",
       R"(template: function result type-checked:1:14: executing "function result type-checked" at <returnInt>: wrong type for value; expected string; got int)",
       TVal(), false},
      {"nil pointer arg", "{{valueString .NIL}}",
       R"(template: nil pointer arg:1:14: executing "nil pointer arg" at <.NIL>: wrong type for value; expected string; got *int)",
       TVal(), false},
      {"pointer arg dereferenced", "{{valueString .PS}}", "value is ignored", TVal(), true},
      {"printf with bool final", "{{true|printf}}", "", TVal(), false},
      {"printf with int final", "{{1|printf}}",
       R"(template: printf with int final:1:4: executing "printf with int final" at <printf>: wrong type for value; expected string; got int)",
       TVal(), false},
      {"printf with rune final", "{{'x'|printf}}", "", TVal(), false},
      {"two args, bool final", "{{true|twoArgs \"xxx\"}}", "", TVal(), false},
      {"two args, string final", "{{\"aaa\" |twoArgs \"bbb\"}}", "twoArgs=bbbaaa", TVal(), true},
      {"one arg, int final", "{{1|oneArg}}", "", TVal(), false},
      {"one arg, string final", "{{\"aaa\"|oneArg}}", "oneArg=aaa", TVal(), true},
      {"printf string final", "{{\"aaa\"|printf }}", "aaa", TVal(), true},
      {"too many args", "{{oneArg `a` `b`}}",
       R"(template: too many args:1:2: executing "too many args" at <oneArg>: wrong number of args for oneArg: want 1 got 2)",
       TVal(), false},
      {"too few args for variadic", "{{dddArg}}",
       R"(template: too few args for variadic:1:2: executing "too few args for variadic" at <dddArg>: wrong number of args for dddArg: want at least 1 got 0)",
       TVal(), false},
      {"nil for string parameter", "{{oneArg nil}}",
       R"(template: nil for string parameter:1:9: executing "nil for string parameter" at <nil>: cannot assign nil to string)",
       TVal(), false},
      {"missing value for string parameter", "{{oneArg .MSI.missing}}",
       R"(template: missing value for string parameter:1:13: executing "missing value for string parameter" at <.MSI.missing>: invalid value; expected string)",
       TVal(), false},
      {"function error", "{{die}}",
       R"(template: function error:1:2: executing "function error" at <die>: error calling die: die)",
       TVal(), false},
      {"function error in argument", "{{print (die)}}",
       R"(template: function error in argument:1:9: executing "function error in argument" at <die>: error calling die: die)",
       TVal(), false},
      {"function error in pipeline", "{{1 | print | die}}", "", TVal(), false},
  });
}

TEST(Execute, PointersAndInterfaces) {
  RunCases({
      {"*int", "{{.PI}}", "23", TVal(), true},
      {"*string", "{{.PS}}", "a string", TVal(), true},
      {"*[]int", "{{.PSI}}", "[21 22 23]", TVal(), true},
      {"*[]int[1]", "{{index .PSI 1}}", "22", TVal(), true},
      {"NIL", "{{.NIL}}", "<nil>", TVal(), true},
      {"empty nil", "{{.Empty0}}", "<no value>", TVal(), true},
      {"empty with int", "{{.Empty1}}", "3", TVal(), true},
      {"empty with string", "{{.Empty2}}", "empty2", TVal(), true},
      {"empty with slice", "{{.Empty3}}", "[7 8]", TVal(), true},
      {"empty with struct", "{{.Empty4}}", "{UinEmpty}", TVal(), true},
      {"empty with struct, field", "{{.Empty4.V}}", "UinEmpty", TVal(), true},
      {"Stringer", "-{{.V0}}-", "-<6666>-", TVal(), true},
      {"Stringer in print", "{{print .V0}}", "<6666>", TVal(), true},
      {"Stringer in slice", "{{printf `%v` .}}", "[<6666> <6666>]",
       Value::List(
           {TVal().Indirect().structure().field(6), TVal().Indirect().structure().field(6)}),
       true},
      {"struct printed with fields", "{{printf `%+v` .U}}", "&{V:v}", TVal(), true},
      {"pointer at top level", "{{printf `%v` .U}}", "&{v}", TVal(), true},
      {"nil pointer field", "{{.NIL.X}}",
       R"(template: nil pointer field:1:6: executing "nil pointer field" at <.NIL.X>: nil pointer evaluating *int.X)",
       TVal(), false},
      {"len of interface field", "{{len .Empty3}}", "2", TVal(), true},
      {"index of interface field", "{{index .Empty3 0}}", "7", TVal(), true},
      {"slice of interface field", "{{slice .Empty3 0 1}}", "[7]", TVal(), true},
  });
}

TEST(Execute, IfWithElse) {
  RunCases({
      {"if true", "{{if true}}TRUE{{end}}", "TRUE", TVal(), true},
      {"if false", "{{if false}}TRUE{{else}}FALSE{{end}}", "FALSE", TVal(), true},
      {"if nil", "{{if nil}}TRUE{{end}}", "", TVal(), false},
      {"if 1", "{{if 1}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", TVal(), true},
      {"if 0", "{{if 0}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", TVal(), true},
      {"if 1.5", "{{if 1.5}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", TVal(), true},
      {"if 0.0", "{{if .FloatZero}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", TVal(), true},
      {"if nonNilPointer", "{{if .PI}}NON-ZERO{{else}}ZERO{{end}}", "NON-ZERO", TVal(), true},
      {"if nilPointer", "{{if .NIL}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", TVal(), true},
      {"if emptystring", "{{if ``}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", TVal(), true},
      {"if string", "{{if `notempty`}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", TVal(), true},
      {"if emptyslice", "{{if .SIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", TVal(), true},
      {"if slice", "{{if .SI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", TVal(), true},
      {"if emptymap", "{{if .MSIEmpty}}NON-EMPTY{{else}}EMPTY{{end}}", "EMPTY", TVal(), true},
      {"if map", "{{if .MSI}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", TVal(), true},
      {"if struct", "{{if .U}}NON-EMPTY{{else}}EMPTY{{end}}", "NON-EMPTY", TVal(), true},
      {"if map unset", "{{if .MSI.none}}NON-ZERO{{else}}ZERO{{end}}", "ZERO", TVal(), true},
      {"if map not unset", "{{if not .MSI.none}}ZERO{{else}}NON-ZERO{{end}}", "ZERO", TVal(), true},
      {"if else if", "{{if false}}FALSE{{else if true}}TRUE{{end}}", "TRUE", TVal(), true},
      {"if else chain", "{{if eq 1 3}}1{{else if eq 2 3}}2{{else if eq 3 3}}3{{end}}", "3", TVal(),
       true},
      {"if else chain else", "{{if eq 1 3}}1{{else if eq 2 3}}2{{else}}none{{end}}", "none", TVal(),
       true},
      {"with true", "{{with true}}{{.}}{{end}}", "true", TVal(), true},
      {"with false", "{{with false}}{{.}}{{else}}FALSE{{end}}", "FALSE", TVal(), true},
      {"with 1", "{{with 1}}{{.}}{{else}}ZERO{{end}}", "1", TVal(), true},
      {"with 0", "{{with 0}}{{.}}{{else}}ZERO{{end}}", "ZERO", TVal(), true},
      {"with 1.5", "{{with 1.5}}{{.}}{{else}}ZERO{{end}}", "1.5", TVal(), true},
      {"with emptystring", "{{with ``}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", TVal(), true},
      {"with string", "{{with `notempty`}}{{.}}{{else}}EMPTY{{end}}", "notempty", TVal(), true},
      {"with emptyslice", "{{with .SIEmpty}}{{.}}{{else}}EMPTY{{end}}", "EMPTY", TVal(), true},
      {"with slice", "{{with .SI}}{{.}}{{else}}EMPTY{{end}}", "[3 4 5]", TVal(), true},
      {"with map", "{{with .MSIone}}{{.}}{{else}}EMPTY{{end}}", "map[one:1]", TVal(), true},
      {"with struct field", "{{with .Empty4}}{{.V}}{{end}}", "UinEmpty", TVal(), true},
      {"with $x int", "{{with $x := .I}}{{$x}}{{end}}", "17", TVal(), true},
      {"with $x struct.U.V", "{{with $x := $}}{{$x.U.V}}{{end}}", "v", TVal(), true},
      {"with variable and action", "{{with $x := $}}{{$y := $.U.V}}{{$y}}{{end}}", "v", TVal(),
       true},
      {"with else with", "{{with 0}}{{.}}{{else with true}}{{.}}{{end}}", "true", TVal(), true},
      {"with else with chain",
       "{{with 0}}{{.}}{{else with false}}{{.}}{{else with `notempty`}}{{.}}{{end}}", "notempty",
       TVal(), true},
  });
}

TEST(Execute, Range) {
  RunCases({
      {"range []int", "{{range .SI}}-{{.}}-{{end}}", "-3--4--5-", TVal(), true},
      {"range empty no else", "{{range .SIEmpty}}-{{.}}-{{end}}", "", TVal(), true},
      {"range []int else", "{{range .SI}}-{{.}}-{{else}}EMPTY{{end}}", "-3--4--5-", TVal(), true},
      {"range empty else", "{{range .SIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY", TVal(), true},
      {"range []int break else", "{{range .SI}}-{{.}}-{{break}}NOTREACHED{{else}}EMPTY{{end}}",
       "-3-", TVal(), true},
      {"range []int continue else",
       "{{range .SI}}-{{.}}-{{continue}}NOTREACHED{{else}}EMPTY{{end}}", "-3--4--5-", TVal(), true},
      {"break inside if", "{{range .SI}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}", "3", TVal(),
       true},
      {"continue inside with", "{{range .SI}}{{with eq . 4}}{{continue}}{{end}}{{.}}{{end}}", "35",
       TVal(), true},
      {"break in nested range", "{{range .SI}}[{{range $.SI}}{{.}}{{break}}{{end}}]{{end}}",
       "[3][3][3]", TVal(), true},
      {"range []bool", "{{range .SB}}-{{.}}-{{end}}", "-true--false-", TVal(), true},
      {"range map", "{{range .MSI}}-{{.}}-{{end}}", "-1--3--2-", TVal(), true},
      {"range empty map no else", "{{range .MSIEmpty}}-{{.}}-{{end}}", "", TVal(), true},
      {"range map else", "{{range .MSI}}-{{.}}-{{else}}EMPTY{{end}}", "-1--3--2-", TVal(), true},
      {"range empty map else", "{{range .MSIEmpty}}-{{.}}-{{else}}EMPTY{{end}}", "EMPTY", TVal(),
       true},
      {"range empty interface", "{{range .Empty3}}-{{.}}-{{else}}EMPTY{{end}}", "-7--8-", TVal(),
       true},
      {"range empty nil", "{{range .Empty0}}-{{.}}-{{end}}", "", TVal(), true},
      {"range $x SI", "{{range $x := .SI}}<{{$x}}>{{end}}", "<3><4><5>", TVal(), true},
      {"range $x $y SI", "{{range $x, $y := .SI}}<{{$x}}={{$y}}>{{end}}", "<0=3><1=4><2=5>", TVal(),
       true},
      {"range $x MSIone", "{{range $x := .MSIone}}<{{$x}}>{{end}}", "<1>", TVal(), true},
      {"range $x $y MSIone", "{{range $x, $y := .MSIone}}<{{$x}}={{$y}}>{{end}}", "<one=1>", TVal(),
       true},
      {"range $k $v MSI sorted", "{{range $k, $v := .MSI}}{{$k}}={{$v}};{{end}}",
       "one=1;three=3;two=2;", TVal(), true},
      {"range $x PSI", "{{range $x := .PSI}}<{{$x}}>{{end}}", "<21><22><23>", TVal(), true},
      {"declare in range", "{{range $x := .PSI}}<{{$foo:=$x}}{{$x}}>{{end}}", "<21><22><23>",
       TVal(), true},
      {"range 5", "{{range $v := 5}}{{printf \"%T%d\" $v $v}}{{end}}", "int0int1int2int3int4",
       Value(), true},
      {"range 0 else", "{{range 0}}x{{else}}empty{{end}}", "empty", Value(), true},
      {"range int two variables", "{{range $i, $v := 3}}{{end}}",
       R"(template: range int two variables:1:18: executing "range int two variables" at <3>: can't use 3 to iterate over more than one variable)",
       Value(), false},
      {"range string", "{{range .X}}{{end}}",
       R"(template: range string:1:8: executing "range string" at <.X>: range can't iterate over x)",
       TVal(), false},
      {"assign in range", "{{$i := 0}}{{$x := 0}}{{range $i = .SI}}{{end}}{{$i}}", "5", TVal(),
       true},
      {"assign two in range", "{{$k := 0}}{{$v := 0}}{{range $k, $v = .SI}}{{$k}}={{$v}} {{end}}",
       "0=3 1=4 2=5 ", TVal(), true},
      {"range dot and $", "{{range .SI}}{{$.X}}{{.}}{{end}}", "x3x4x5", TVal(), true},
      {"or as if true", R"({{or .SI "slice is empty"}})", "[3 4 5]", TVal(), true},
      {"or as if false", R"({{or .SIEmpty "slice is empty"}})", "slice is empty", TVal(), true},
  });
}

TEST(Execute, TemplatesAndBlocks) {
  RunCases({
      {"template", R"({{define "a"}}A{{.}}{{end}}x{{template "a" 1}}y)", "xA1y", Value(), true},
      {"template no pipe gets nil", R"({{define "a"}}{{.}}{{end}}{{template "a"}})", "<no value>",
       Value::Int(3), true},
      {"template dot", R"({{define "a"}}{{.X}}{{end}}{{template "a" .}})", "x", TVal(), true},
      {"template not defined", R"({{template "nope"}})",
       R"(template: template not defined:1:11: executing "template not defined" at <{{template "nope"}}>: template "nope" not defined)",
       Value(), false},
      {"block", R"(a({{block "inner" .}}bar({{.}})baz{{end}})b)", "a(bar(hello)baz)b", Str("hello"),
       true},
      {"recursion limit", R"({{define "r"}}{{template "r" .}}{{end}}{{template "r"}})", "", Value(),
       false},
  });
}

TEST(Execute, NestedTemplateErrorNamesTheInnerTemplate) {
  const std::string text =
      "line 1\nline 2\nline 3\n{{template \"one\" .}}\n{{define \"one\"}}{{template \"two\" "
      ".}}{{end}}\n{{define \"two\"}}{{template \"three\" .}}{{end}}\n{{define \"three\"}}{{index "
      "\"hi\" $}}{{end}}";
  Template t;
  ASSERT_TRUE(t.Parse("top", text).ok());
  std::string out;
  Status s = t.Execute("top", Value::Int(5), &out);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(
      s.message(),
      R"(template: top:7:20: executing "three" at <index "hi" $>: error calling index: index out of range: 5)");
  EXPECT_EQ(out, "line 1\nline 2\nline 3\n");
}

TEST(Execute, BlockCanBeOverriddenInAClone) {
  Template t;
  ASSERT_TRUE(t.Parse("outer", R"(a({{block "inner" .}}bar({{.}})baz{{end}})b)").ok());
  Template t2 = t.Clone();
  ASSERT_TRUE(t2.Parse("overlay", R"({{define "inner"}}foo({{.}})bar{{end}})").ok());
  EXPECT_EQ(*t.ExecuteToString("outer", Str("hello")), "a(bar(hello)baz)b");
  EXPECT_EQ(*t2.ExecuteToString("outer", Str("goodbye")), "a(foo(goodbye)bar)b");
}

TEST(Execute, UnknownTemplate) {
  Template t(FuncMap{}, "root");
  ASSERT_TRUE(t.Parse("root", "x").ok());
  std::string out;
  Status s = t.Execute("missing", Value(), &out);
  EXPECT_EQ(s.message(), R"(template: no template "missing" associated with template "root")");
}

TEST(Execute, Builtins) {
  RunCases({
      {"print", R"({{print "hello, print"}})", "hello, print", TVal(), true},
      {"print 123", "{{print 1 2 3}}", "1 2 3", TVal(), true},
      {"print strings", R"({{print "a" "b" 1 2 "c" 3}})", "ab1 2c3", TVal(), true},
      {"print nil", "{{print nil}}", "<nil>", TVal(), true},
      {"print missing", "{{print .Empty0}}", "<nil>", TVal(), true},
      {"println", "{{println 1 2 3}}", "1 2 3\n", TVal(), true},
      {"println strings", R"({{println "a" "b"}})", "a b\n", TVal(), true},
      {"printf int", R"({{printf "%04x" 127}})", "007f", TVal(), true},
      {"printf float", R"({{printf "%g" 3.5}})", "3.5", TVal(), true},
      {"printf string", R"({{printf "%s" "hello"}})", "hello", TVal(), true},
      {"printf function", R"({{printf "%#q" zeroArgs}})", "`zeroArgs`", TVal(), true},
      {"printf field", R"({{printf "%s" .U.V}})", "v", TVal(), true},
      {"printf method", R"({{printf "%s" .Method0}})", "M0", TVal(), true},
      {"printf dot", R"({{with .I}}{{printf "%d" .}}{{end}})", "17", TVal(), true},
      {"printf var", R"({{with $x := .I}}{{printf "%d" $x}}{{end}})", "17", TVal(), true},
      {"printf lots", R"({{printf "%d %s %g %s" 127 "hello" 7.5 .Method0}})", "127 hello 7.5 M0",
       TVal(), true},
      {"printf missing", R"({{printf "%s" .Empty0}})", "%!s(<nil>)", TVal(), true},
      {"html", R"({{html "<script>alert(\"XSS\");</script>"}})",
       "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;", Value(), true},
      {"html pipeline", R"({{printf "<script>alert(\"XSS\");</script>" | html}})",
       "&lt;script&gt;alert(&#34;XSS&#34;);&lt;/script&gt;", Value(), true},
      {"html pointer", "{{html .PS}}", "a string", TVal(), true},
      {"html typed nil", "{{html .NIL}}", "&lt;nil&gt;", TVal(), true},
      {"html untyped nil", "{{html .Empty0}}", "&lt;no value&gt;", TVal(), true},
      {"html several", "{{html 1 `<` 2}}", "1&lt;2", TVal(), true},
      {"js", "{{js .}}", R"(It\'d be nice.)", Str("It'd be nice."), true},
      {"js specials", R"({{js "<a href=\"x\">&</a>\t"}})",
       R"(\u003Ca href\u003D\"x\"\u003E\u0026\u003C/a\u003E\u0009)", Value(), true},
      {"urlquery", R"({{"http://www.example.org/"|urlquery}})", "http%3A%2F%2Fwww.example.org%2F",
       Value(), true},
      {"urlquery spaces", R"({{urlquery "a b&c=d/é"}})", "a+b%26c%3Dd%2F%C3%A9", Value(), true},
      {"not", "{{not true}} {{not false}}", "false true", Value(), true},
      {"and", "{{and false 0}} {{and 1 0}} {{and 0 true}} {{and 1 1}}", "false 0 0 1", Value(),
       true},
      {"or", "{{or 0 0}} {{or 1 0}} {{or 0 true}} {{or 1 1}}", "0 1 true 1", Value(), true},
      {"or short-circuit", "{{or 0 1 (die)}}", "1", Value(), true},
      {"and short-circuit", "{{and 1 0 (die)}}", "0", Value(), true},
      {"or short-circuit2", "{{or 0 0 (die)}}", "", Value(), false},
      {"and short-circuit2", "{{and 1 1 (die)}}", "", Value(), false},
      {"and pipe-true", "{{1 | and 1}}", "1", Value(), true},
      {"and pipe-false", "{{0 | and 1}}", "0", Value(), true},
      {"or pipe-true", "{{1 | or 0}}", "1", Value(), true},
      {"or pipe-false", "{{0 | or 0}}", "0", Value(), true},
      {"and undef", "{{and 1 .Unknown}}", "<no value>", Value(), true},
      {"or undef", "{{or 0 .Unknown}}", "<no value>", Value(), true},
      {"and no args", "{{and}}",
       R"(template: and no args:1:2: executing "and no args" at <and>: wrong number of args for and: want at least 1 got 0)",
       Value(), false},
      {"boolean if", "{{if and true 1 `hi`}}TRUE{{else}}FALSE{{end}}", "TRUE", TVal(), true},
      {"boolean if not", "{{if and true 1 `hi` | not}}TRUE{{else}}FALSE{{end}}", "FALSE", Value(),
       true},
      {"boolean if pipe", "{{if true | not | and 1}}TRUE{{else}}FALSE{{end}}", "FALSE", Value(),
       true},
      {"call non-function", "{{call .True}}",
       R"(template: call non-function:1:2: executing "call non-function" at <call .True>: error calling call: non-function .True of type bool)",
       TVal(), false},
      {"call nil", "{{call nil}}", "", TVal(), false},
      {"call pipeline", R"({{call (len "test")}})",
       R"(template: call pipeline:1:2: executing "call pipeline" at <call (len "test")>: error calling call: non-function len "test" of type int)",
       Value(), false},
      {"empty call", "{{call}}",
       R"(template: empty call:1:2: executing "empty call" at <call>: wrong number of args for call: want at least 1 got 0)",
       TVal(), false},
  });
}

TEST(Execute, IndexSliceLen) {
  RunCases({
      {"slice[0]", "{{index .SI 0}}", "3", TVal(), true},
      {"slice[1]", "{{index .SI 1}}", "4", TVal(), true},
      {"slice[HUGE]", "{{index .SI 10}}",
       R"(template: slice[HUGE]:1:2: executing "slice[HUGE]" at <index .SI 10>: error calling index: index out of range: 10)",
       TVal(), false},
      {"slice[len]", "{{index .SI 3}}",
       R"(template: slice[len]:1:2: executing "slice[len]" at <index .SI 3>: error calling index: reflect: slice index out of range)",
       TVal(), false},
      {"slice[WRONG]", "{{index .SI `hello`}}",
       R"(template: slice[WRONG]:1:2: executing "slice[WRONG]" at <index .SI `hello`>: error calling index: cannot index slice/array with type string)",
       TVal(), false},
      {"slice[nil]", "{{index .SI nil}}",
       R"(template: slice[nil]:1:2: executing "slice[nil]" at <index .SI nil>: error calling index: cannot index slice/array with nil)",
       TVal(), false},
      {"map[one]", "{{index .MSI `one`}}", "1", TVal(), true},
      {"map[two]", "{{index .MSI `two`}}", "2", TVal(), true},
      {"map[NO]", "{{index .MSI `XXX`}}", "0", TVal(), true},
      {"map[nil]", "{{index .MSI nil}}",
       R"(template: map[nil]:1:2: executing "map[nil]" at <index .MSI nil>: error calling index: value is nil; should be of type string)",
       TVal(), false},
      {"map[``]", "{{index .MSI ``}}", "0", TVal(), true},
      {"map[WRONG]", "{{index .MSI 10}}",
       R"(template: map[WRONG]:1:2: executing "map[WRONG]" at <index .MSI 10>: error calling index: value has type int; should be string)",
       TVal(), false},
      {"double index", "{{index .SMSI 1 `eleven`}}", "11", TVal(), true},
      {"nil[1]", "{{index nil 1}}",
       R"(template: nil[1]:1:2: executing "nil[1]" at <index nil 1>: error calling index: index of untyped nil)",
       TVal(), false},
      {"index string", "{{index .X 0}} {{printf `%T` (index .X 0)}}", "120 uint8", TVal(), true},
      {"index int", "{{index 3 0}}",
       R"(template: index int:1:2: executing "index int" at <index 3 0>: error calling index: can't index item of type int)",
       TVal(), false},
      {"index no indexes", "{{index .SI}}", "[3 4 5]", TVal(), true},
      {"eq index rune", "{{eq (index `x` 0) 'x'}} {{eq (index `x` 0) 'y'}}", "true false", TVal(),
       true},
      {"slice[:]", "{{slice .SI}}", "[3 4 5]", TVal(), true},
      {"slice[1:]", "{{slice .SI 1}}", "[4 5]", TVal(), true},
      {"slice[1:2]", "{{slice .SI 1 2}}", "[4]", TVal(), true},
      {"slice[-1:]", "{{slice .SI -1}}",
       R"(template: slice[-1:]:1:2: executing "slice[-1:]" at <slice .SI -1>: error calling slice: index out of range: -1)",
       TVal(), false},
      {"slice[1:-2]", "{{slice .SI 1 -2}}", "", TVal(), false},
      {"slice[2:1]", "{{slice .SI 2 1}}",
       R"(template: slice[2:1]:1:2: executing "slice[2:1]" at <slice .SI 2 1>: error calling slice: invalid slice index: 2 > 1)",
       TVal(), false},
      {"slice[2:2:1]", "{{slice .SI 2 2 1}}", "", TVal(), false},
      {"out of range", "{{slice .SI 4 5}}", "", TVal(), false},
      {"3-index slice", "{{slice .SI 0 2 3}}", "[3 4]", TVal(), true},
      {"too many indexes", "{{slice .SI 0 1 2 3}}",
       R"(template: too many indexes:1:2: executing "too many indexes" at <slice .SI 0 1 2 3>: error calling slice: too many slice indexes: 4)",
       TVal(), false},
      {"string[:]", "{{slice .S}}", "xyz", TVal(), true},
      {"string[0:1]", "{{slice .S 0 1}}", "x", TVal(), true},
      {"string[1:]", "{{slice .S 1}}", "yz", TVal(), true},
      {"string[1:2]", "{{slice .S 1 2}}", "y", TVal(), true},
      {"string out of range", "{{slice .S 1 5}}", "", TVal(), false},
      {"3-index slice of string", "{{slice .S 1 2 2}}",
       R"(template: 3-index slice of string:1:2: executing "3-index slice of string" at <slice .S 1 2 2>: error calling slice: cannot 3-index slice a string)",
       TVal(), false},
      {"slice nil", "{{slice nil}}", "", TVal(), false},
      {"slice int", "{{slice 3}}", "", TVal(), false},
      {"len slice", "{{len .SI}}", "3", TVal(), true},
      {"len map", "{{len .MSI }}", "3", TVal(), true},
      {"len string", "{{len .S}} {{len `héllo`}}", "3 6", TVal(), true},
      {"len of int", "{{len 3}}",
       R"(template: len of int:1:2: executing "len of int" at <len 3>: error calling len: len of type int)",
       TVal(), false},
      {"len of nothing", "{{len .Empty0}}",
       R"(template: len of nothing:1:2: executing "len of nothing" at <len .Empty0>: error calling len: reflect: call of reflect.Value.Type on zero Value)",
       TVal(), false},
      {"len of nil pointer", "{{len .NIL}}", "", TVal(), false},
  });
}

TEST(Execute, Comparisons) {
  struct Cmp {
    const char* expr;
    const char* truth;
    bool ok;
  };
  const std::vector<Cmp> cases = {
      {"eq true true", "true", true},     {"eq true false", "false", true},
      {"eq 1.5 1.5", "true", true},       {"eq 1.5 2.5", "false", true},
      {"eq 1 1", "true", true},           {"eq 1 2", "false", true},
      {"eq `xy` `xy`", "true", true},     {"eq `xy` `xyz`", "false", true},
      {"eq 3 4 5 6 3", "true", true},     {"eq 3 4 5 6 7", "false", true},
      {"ne true true", "false", true},    {"ne true false", "true", true},
      {"ne 1.5 1.5", "false", true},      {"ne 1.5 2.5", "true", true},
      {"ne 1 1", "false", true},          {"ne 1 2", "true", true},
      {"ne `xy` `xy`", "false", true},    {"ne `xy` `xyz`", "true", true},
      {"lt 1.5 1.5", "false", true},      {"lt 1.5 2.5", "true", true},
      {"lt 1 1", "false", true},          {"lt 1 2", "true", true},
      {"lt `xy` `xy`", "false", true},    {"lt `xy` `xyz`", "true", true},
      {"le 1.5 1.5", "true", true},       {"le 1.5 2.5", "true", true},
      {"le 2.5 1.5", "false", true},      {"le 1 1", "true", true},
      {"le 1 2", "true", true},           {"le 2 1", "false", true},
      {"le `xy` `xy`", "true", true},     {"le `xy` `xyz`", "true", true},
      {"le `xyz` `xy`", "false", true},   {"gt 1.5 1.5", "false", true},
      {"gt 1.5 2.5", "false", true},      {"gt 1 1", "false", true},
      {"gt 2 1", "true", true},           {"gt 1 2", "false", true},
      {"gt `xy` `xy`", "false", true},    {"gt `xy` `xyz`", "false", true},
      {"ge 1.5 1.5", "true", true},       {"ge 1.5 2.5", "false", true},
      {"ge 2.5 1.5", "true", true},       {"ge 1 1", "true", true},
      {"ge 1 2", "false", true},          {"ge 2 1", "true", true},
      {"ge `xy` `xy`", "true", true},     {"ge `xy` `xyz`", "false", true},
      {"ge `xyz` `xy`", "true", true},    {"eq .NilPtr .NilPtr", "true", true},
      {"eq .Ptr .NilPtr", "false", true}, {"eq .NilIface .NilIface", "true", true},
      {"eq .NilIface 0", "false", true},  {"eq 0 .NilIface", "false", true},
      {"eq `xy` 1", "", false},           {"eq 2 2.0", "", false},
      {"lt true true", "", false},        {"eq .Ptr 1", "", false},
      {"eq .Map .Map", "", false},        {"lt .Map .Map", "", false},
  };
  const Type* t =
      TypeBuilder("struct { Ptr *int; NilPtr *int; NilIface interface {}; Map map[string]int }",
                  nullptr)
          .Field("Ptr", types::PointerTo(types::Int()))
          .Field("NilPtr", types::PointerTo(types::Int()))
          .Field("NilIface", types::Any())
          .Field("Map", types::MapOf(types::Int()))
          .Build();
  const Value data =
      Value::Struct(t, {testing::PointerTo(Value::Int(0)),
                        Value::Zero(types::PointerTo(types::Int())), Value(), IntMap({{"a", 1}})});
  for (const Cmp& c : cases) {
    SCOPED_TRACE(c.expr);
    Template tmpl;
    ASSERT_TRUE(
        tmpl.Parse("cmp", std::string("{{if ") + c.expr + "}}true{{else}}false{{end}}").ok());
    std::string out;
    Status s = tmpl.Execute("cmp", data, &out);
    EXPECT_EQ(s.ok(), c.ok) << s.message();
    EXPECT_EQ(out, c.truth);
  }
}

TEST(Execute, ComparisonErrorMessages) {
  RunCases({
      {"int and string", "{{eq 1 `a`}}",
       R"(template: int and string:1:2: executing "int and string" at <eq 1 `a`>: error calling eq: incompatible types for comparison: int and string)",
       Value(), false},
      {"float and int", "{{if gt . 0}}x{{end}}",
       R"(template: float and int:1:5: executing "float and int" at <gt . 0>: error calling gt: incompatible types for comparison: float64 and int)",
       Value::Float(1.5), false},
      {"bool order", "{{lt true false}}",
       R"(template: bool order:1:2: executing "bool order" at <lt true false>: error calling lt: invalid type for comparison)",
       Value(), false},
      {"missing argument", "{{eq 1}}",
       R"(template: missing argument:1:2: executing "missing argument" at <eq 1>: error calling eq: missing argument for comparison)",
       Value(), false},
      {"ne arity", "{{ne 1}}",
       R"(template: ne arity:1:2: executing "ne arity" at <ne>: wrong number of args for ne: want 2 got 1)",
       Value(), false},
      {"nil equals missing", "{{eq .Empty0 nil}}", "true", TVal(), true},
      {"string to missing", "{{eq .Empty0 `x`}}", "false", TVal(), true},
      {"non-comparable maps", "{{eq .MSI .MSI}}",
       R"(template: non-comparable maps:1:2: executing "non-comparable maps" at <eq .MSI .MSI>: error calling eq: non-comparable type map[one:%!s(int=1) three:%!s(int=3) two:%!s(int=2)]: map[string]int)",
       TVal(), false},
  });
}

TEST(Execute, MissingKeyOption) {
  const Value data = IntMap({{"x", 99}});
  Template t;
  ASSERT_TRUE(t.Parse("t1", "{{.x}} {{.y}}").ok());
  EXPECT_EQ(*t.ExecuteToString("t1", data), "99 <no value>");
  ASSERT_TRUE(t.Option("missingkey=default").ok());
  EXPECT_EQ(*t.ExecuteToString("t1", data), "99 <no value>");
  ASSERT_TRUE(t.Option("missingkey=zero").ok());
  EXPECT_EQ(*t.ExecuteToString("t1", data), "99 0");
  ASSERT_TRUE(t.Option("missingkey=error").ok());
  auto r = t.ExecuteToString("t1", data);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(),
            R"(template: t1:1:9: executing "t1" at <.y>: map has no entry for key "y")");
  r = t.ExecuteToString("t1", Value());
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.message(),
            R"(template: t1:1:2: executing "t1" at <.x>: nil data; no entry for key "x")");
  EXPECT_FALSE(t.Option("missingkey=bogus").ok());
  EXPECT_FALSE(t.Option("nosuchoption").ok());
}

TEST(Execute, MissingKeyZeroOnStringMapAndAnyMap) {
  RunCases(
      {
          {"string map", "[{{.missing}}]", "[]", Value::StringMap({{"a", "b"}}), true},
          {"any map", "[{{.missing}}]", "[<no value>]", Value::Map({{"a", Value::Int(1)}}), true},
          {"index string map", "[{{index . `missing`}}]", "[]", Value::StringMap({{"a", "b"}}),
           true},
          {"index any map", "[{{index . `missing`}}]", "[<no value>]",
           Value::Map({{"a", Value::Int(1)}}), true},
      },
      MissingKey::kZero);
}

TEST(Execute, WhitespaceTrimming) {
  RunCases({
      {"trim both", "a  {{- 1 -}}  b", "a1b", Value(), true},
      {"trim left only", "a \n {{- 1 }}  b", "a1  b", Value(), true},
      {"trim right only", "a {{ 1 -}} \n\t b", "a 1b", Value(), true},
      {"trim comment", "a {{- /* hi */ -}} b", "ab", Value(), true},
      {"comment", "a{{/* a comment\nspanning lines */}}b", "ab", Value(), true},
      {"minus is a number without space", "{{-3}}", "-3", Value(), true},
      {"trim in range", "{{range .SI -}}\n  <{{.}}>\n{{- end}}", "<3><4><5>", TVal(), true},
      {"newlines inside actions", "{{printf\n\"%d\"\n3}}", "3", Value(), true},
  });
}

TEST(Execute, CustomDelimiters) {
  for (auto [left, right] : std::vector<std::pair<std::string, std::string>>{
           {"", ""}, {"{{", "}}"}, {"<<", ">>"}, {"|", "|"}, {"(日)", "(本)"}}) {
    SCOPED_TRACE(left);
    const std::string l = left.empty() ? "{{" : left, r = right.empty() ? "}}" : right;
    const std::string text = l + ".Str" + r + l + "/*comment*/" + r + l + "\"" + l + "\"" + r;
    Template t;
    t.set_delims(left, right);
    ASSERT_TRUE(t.Parse("delims", text).ok()) << text;
    const Type* st =
        TypeBuilder("struct { Str string }", nullptr).Field("Str", types::String()).Build();
    auto out = t.ExecuteToString("delims", Value::Struct(st, {Value::String("Hello, world")}));
    ASSERT_TRUE(out.ok()) << out.message();
    EXPECT_EQ(*out, "Hello, world" + l);
  }
}

TEST(Execute, RecursiveTreeWithTrimmedDelimiters) {
  const std::string tree_template = R"(
	(- define "tree" -)
	[
		(- .Val -)
		(- with .Left -)
			(template "tree" . -)
		(- end -)
		(- with .Right -)
			(- template "tree" . -)
		(- end -)
	]
	(- end -)
)";
  TypeBuilder b("main.Tree", nullptr);
  const Type* tree = b.type();
  b.Field("Val", types::Int())
      .Field("Left", types::PointerTo(tree))
      .Field("Right", types::PointerTo(tree));
  b.Build();
  const Value nil = Value::Zero(types::PointerTo(tree));
  std::function<Value(int, Value, Value)> node = [&](int v, Value l, Value r) {
    return Value::Struct(tree, {Value::Int(v), l, r}).WithType(types::PointerTo(tree));
  };
  const Value root =
      node(1, node(2, node(3, node(4, nil, nil), nil), node(5, node(6, nil, nil), nil)),
           node(7, node(8, node(9, nil, nil), nil), node(10, node(11, nil, nil), nil)));
  Template t;
  t.set_delims("(", ")");
  ASSERT_TRUE(t.Parse("root", tree_template).ok());
  auto out = t.ExecuteToString("tree", root);
  ASSERT_TRUE(out.ok()) << out.message();
  EXPECT_EQ(*out, "[1[2[3[4]][5[6]]][7[8[9]][10[11]]]]");
}

TEST(Execute, OutputLimit) {
  Template t;
  ASSERT_TRUE(t.Parse("big", "{{range 1000}}0123456789{{end}}").ok());
  std::string out;
  ExecuteOptions opts;
  opts.max_output_bytes = 100;
  Status s = t.Execute("big", Value(), &out, opts);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("template output exceeds 100 bytes"), std::string::npos);
}

TEST(Execute, ConcurrentExecutionsShareOneParse) {
  Template t;
  ASSERT_TRUE(t.Parse("x", "{{range .}}{{.}},{{end}}").ok());
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < 200; ++n) {
        auto out = t.ExecuteToString("x", IntList({i, n}));
        if (!out.ok() || *out != std::to_string(i) + "," + std::to_string(n) + ",") failures++;
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
}

}  // namespace
}  // namespace tocsin::tmpl
