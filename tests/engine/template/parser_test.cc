// Parsing: the trees Go builds (checked through their printed form) and the parse errors Go
// reports, message for message. The messages were cross-checked against Go's text/template
// (through amtool 0.25) where the Go versions agree.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/template/parser.h"
#include "engine/template/template.h"

namespace tocsin::tmpl {
namespace {

std::string ParseError(const std::string& text, const std::string& name = "t") {
  Template t;
  Status s = t.Parse(name, text);
  return s.ok() ? "" : s.message();
}

TEST(Parse, ErrorMessages) {
  struct Case {
    std::string text;
    std::string error;
  };
  const std::vector<Case> cases = {
      {"{{", "template: t:1: unclosed action"},
      {"{{ .X", "template: t:1: unclosed action"},
      {"{{ .X }", R"(template: t:1: unexpected "}" in operand)"},
      {"{{ if }}", "template: t:1: missing value for if"},
      {"{{ if .X }}", "template: t:1: unexpected EOF"},
      {"{{ end }}", "template: t:1: unexpected {{end}}"},
      {"{{ else }}", "template: t:1: unexpected {{else}}"},
      {"{{ if .X }}a{{ else }}b{{ else }}c{{ end }}",
       "template: t:1: expected end; found {{else}}"},
      {"{{ range .X }}{{ else if .Y }}{{ end }}", "template: t:1: unexpected <if> in input"},
      {"{{ with $x := 1 }}{{ end }}{{ $x }}", R"(template: t:1: undefined variable "$x")"},
      {"{{ $x }}", R"(template: t:1: undefined variable "$x")"},
      {"{{ range $i, $v := . }}{{ end }}{{ $i }}", R"(template: t:1: undefined variable "$i")"},
      {R"({{ define "a" }}x{{ end }}{{ define "a" }}y{{ end }})",
       R"(template: t:1: template: multiple definition of template "a")"},
      {R"({{ define "a" }}x)", "template: t:1: unexpected EOF"},
      {"{{ define a }}x{{ end }}", R"(template: t:1: unexpected "a" in define clause)"},
      {"{{ template a }}", R"(template: t:1: unexpected "a" in template clause)"},
      {"{{ 3 | 4 }}", "template: t:1: non executable command in pipeline stage 2"},
      {R"({{ .X | "a" }})", "template: t:1: non executable command in pipeline stage 2"},
      {"{{ ( }}", "template: t:1: unclosed left paren"},
      {"{{ ) }}", "template: t:1: unexpected right paren U+0029 ')'"},
      {"{{ (1 }}", "template: t:1: unclosed left paren"},
      {R"({{ "unterminated }})", "template: t:1: unterminated quoted string"},
      {"{{ `raw", "template: t:1: unterminated raw quoted string"},
      {"{{ 'ab' }}", "template: t:1: malformed character constant: 'ab'"},
      {R"({{ '\z' }})", "template: t:1: invalid syntax"},
      {R"({{ "\z" }})", "template: t:1: invalid syntax"},
      {"{{ 0x }}", R"(template: t:1: illegal number syntax: "0x")"},
      {"{{ 1a }}", R"(template: t:1: bad number syntax: "1a")"},
      {"{{ 99999999999999999999 }}", R"(template: t:1: integer overflow: "99999999999999999999")"},
      {"{{ 1.2.3 }}", R"(template: t:1: unexpected ".3" in operand)"},
      {"{{ range $a, $b, $c := . }}{{ end }}", "template: t:1: too many declarations in range"},
      {"{{ range $a, 1 := . }}{{ end }}", "template: t:1: range can only initialize variables"},
      {"{{ with $a, $b := . }}{{ end }}", "template: t:1: too many declarations in with"},
      {"{{ break }}", "template: t:1: {{break}} outside {{range}}"},
      {"{{ continue }}", "template: t:1: {{continue}} outside {{range}}"},
      {"{{ range . }}{{ break 1 }}{{ end }}", R"(template: t:1: unexpected "1" in {{break}})"},
      {"{{ range . }}{{ else }}{{ break }}{{ end }}", "template: t:1: {{break}} outside {{range}}"},
      {"{{ /* not a comment */ }}", R"(template: t:1: unexpected "/" in command)"},
      {"{{/* unclosed", "template: t:1: unclosed comment"},
      {"{{/* x */ x}}", "template: t:1: comment ends before closing delimiter"},
      {"{{ .X = 1 }}", R"(template: t:1: unexpected "=" in operand)"},
      {"{{ $x := }}", "template: t:1: missing value for command"},
      {"{{ nil.X }}", R"(template: t:1: unexpected . after term "nil")"},
      {R"({{ "a".X }})", R"(template: t:1: unexpected . after term "\"a\"")"},
      {"{{ true.X }}", R"(template: t:1: unexpected . after term "true")"},
      {"{{ .X@ }}", "template: t:1: bad character U+0040 '@'"},
      {"{{ $x@ }}", "template: t:1: bad character U+0040 '@'"},
      {"{{ foo@ }}", "template: t:1: bad character U+0040 '@'"},
      {"{{ # }}", R"(template: t:1: unexpected "#" in command)"},
      {"{{ | }}", R"(template: t:1: unexpected "|" in command)"},
      {"{{ .X || .Y }}", R"(template: t:1: unexpected "|" in command)"},
      {"{{ if .X }}a{{ end }}{{ end }}", "template: t:1: unexpected {{end}}"},
      {R"({{ block "x" }}{{ end }})", "template: t:1: missing value for block clause"},
      {"{{ block }}", R"(template: t:1: unexpected "}}" in block clause)"},
      {R"({{ define "x" }}{{ else }}{{ end }})",
       "template: t:1: unexpected {{else}} in define clause"},
      {"{{ range . }}{{ else }}{{ else }}{{ end }}", "template: t:1: expected end; found {{else}}"},
      {"{{- .X -}", R"(template: t:1: illegal number syntax: "-")"},
      {"{{ 1e999 }}", R"(template: t:1: illegal number syntax: "1e999")"},
      {"{{ 0x1p }}", R"(template: t:1: illegal number syntax: "0x1p")"},
      {"{{ nosuch }}", R"(template: t:1: function "nosuch" not defined)"},
      {"{{ .X | nosuch 1 }}", R"(template: t:1: function "nosuch" not defined)"},
      {"{{ \"x\" | printf \"abcdefghijklmnop\" }", R"(template: t:1: unexpected "}" in operand)"},
      {"{{ template \"abcdefghijklmnop\" \"x\" \"y\" 1 }}{{ template 12345678901234 }}",
       R"(template: t:1: unexpected "1234567890"... in template clause)"},
      // Line numbers.
      {"hello\n\n{{`unterminated\n\n\n\n}}\n some more\n\n",
       "template: t:3: unterminated raw quoted string"},
      {"hello\n{{ print\n\"abc\n}}",
       "template: t:3: unterminated quoted string in action started at t:2"},
      {"{{ if\n", "template: t:2: unclosed action started at t:1"},
      {"line1\n{{ if .X }}\n{{ end }}\n{{ end }}", "template: t:4: unexpected {{end}}"},
      {"a\n{{ define \"x\" }}\n{{ .Y\n", "template: t:4: unclosed action started at t:3"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    EXPECT_EQ(ParseError(c.text), c.error);
  }
}

TEST(Parse, AcceptsWhatGoAccepts) {
  for (const char* text : {
           "{{ .X\n}}",
           "{{ printf \"%d\"\n  (len \"ab\") }}",
           "{{3 |}}",
           "{{ $x := 1 }}{{ $x = 2 }}",
           "{{/* comment */}}",
           "{{- /* comment */ -}}",
           "{{ range $i, $e := . }}{{ end }}",
           "{{ range $e := . }}{{ end }}",
           "{{ if .A }}{{ else if .B }}{{ else if .C }}{{ else }}{{ end }}",
           "{{ with .A }}{{ else with .B }}{{ else }}{{ end }}",
           "{{ block \"b\" . }}x{{ end }}",
           "{{ template \"b\" }}",
           "{{ define \"a\" }}{{ end }}{{ define \"a\" }}non-empty{{ end }}",
           "{{ (.X).Y.Z }}",
           "{{ $.X }}",
           "{{ 1i }}",
           "{{ 'x' }}{{ '\\n' }}{{ '\\u00e9' }}",
       }) {
    SCOPED_TRACE(text);
    EXPECT_EQ(ParseError(text), "");
  }
}

TEST(Parse, TreesPrintBackAsGoPrintsThem) {
  struct Case {
    const char* text;
    const char* printed;
  };
  const std::vector<Case> cases = {
      {"{{.X}}", "{{.X}}"},
      {"{{ .X.Y | printf \"%s\" }}", "{{.X.Y | printf \"%s\"}}"},
      {"{{$x := 1}}{{$x = 2}}", "{{$x := 1}}{{$x = 2}}"},
      {"{{if .A}}a{{else if .B}}b{{else}}c{{end}}",
       "{{if .A}}a{{else}}{{if .B}}b{{else}}c{{end}}{{end}}"},
      {"{{range $i, $v := .}}{{$i}}{{break}}{{end}}",
       "{{range $i, $v := .}}{{$i}}{{break}}{{end}}"},
      {"{{with (index . 0).Name}}{{.}}{{end}}", "{{with (index . 0).Name}}{{.}}{{end}}"},
      {"{{template \"x\" .}}", "{{template \"x\" .}}"},
      {"{{ (1) }}", "{{(1)}}"},
      {"a{{- 1 -}}  b", "a{{1}}b"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.text);
    auto trees = ParseText("t", c.text, ParseOptions{},
                           [](std::string_view n) { return IsBuiltinFunction(n); });
    ASSERT_TRUE(trees.ok()) << trees.message();
    EXPECT_EQ(trees->at("t")->root->String(), c.printed);
  }
}

TEST(Parse, DefineAndBlockAddTemplates) {
  Template t;
  ASSERT_TRUE(t.Parse("main", R"(x{{define "a"}}A{{end}}{{block "b" .}}B{{end}})").ok());
  EXPECT_EQ(t.Names(), (std::vector<std::string>{"a", "b", "main"}));
  // An empty redefinition does not replace a non-empty one; a non-empty one does.
  ASSERT_TRUE(t.Parse("other", R"({{define "a"}}  {{end}})").ok());
  EXPECT_EQ(*t.ExecuteToString("a", Value()), "A");
  ASSERT_TRUE(t.Parse("other", R"({{define "a"}}A2{{end}})").ok());
  EXPECT_EQ(*t.ExecuteToString("a", Value()), "A2");
  // A template whose text only defines others still exists, and is empty.
  ASSERT_TRUE(t.Parse("defs", R"({{define "c"}}C{{end}})").ok());
  EXPECT_EQ(*t.ExecuteToString("defs", Value()), "");
  // A failed parse leaves the set as it was.
  EXPECT_FALSE(t.Parse("bad", R"({{define "a"}}broken{{end}}{{if}})").ok());
  EXPECT_EQ(*t.ExecuteToString("a", Value()), "A2");
  EXPECT_FALSE(t.Defines("bad"));
}

TEST(Parse, HostileNestingIsRefusedNotCrashed) {
  std::string deep_parens(5000, '(');
  deep_parens = "{{" + deep_parens + "1" + std::string(5000, ')') + "}}";
  EXPECT_EQ(ParseError(deep_parens), "template: t:1: max expression depth exceeded");
  std::string deep_ifs;
  for (int i = 0; i < 5000; ++i) deep_ifs += "{{if 1}}";
  for (int i = 0; i < 5000; ++i) deep_ifs += "{{end}}";
  EXPECT_EQ(ParseError(deep_ifs), "template: t:1: max expression depth exceeded");
  // Within the limit, deep nesting parses and executes.
  std::string ok_ifs;
  for (int i = 0; i < 200; ++i) ok_ifs += "{{if 1}}";
  ok_ifs += "x";
  for (int i = 0; i < 200; ++i) ok_ifs += "{{end}}";
  Template t;
  ASSERT_TRUE(t.Parse("t", ok_ifs).ok());
  EXPECT_EQ(*t.ExecuteToString("t", Value()), "x");
}

TEST(Parse, FunctionsOfTheSetAreKnown) {
  FuncMap funcs;
  funcs.Add("shout", Signature{{types::String()}, false},
            [](CallContext&, std::span<const Value> a) -> Result<Value> {
              return Value::String(std::string(a[0].as_string()) + "!");
            });
  Template t(funcs);
  ASSERT_TRUE(t.Parse("t", R"({{shout "hi"}})").ok());
  EXPECT_EQ(*t.ExecuteToString("t", Value()), "hi!");
  EXPECT_THROW(FuncMap().Add("a-b", {}, nullptr), std::invalid_argument);
  EXPECT_THROW(FuncMap().Add("2x", {}, nullptr), std::invalid_argument);
  EXPECT_THROW(FuncMap().Add("", {}, nullptr), std::invalid_argument);
  EXPECT_NO_THROW(FuncMap().Add("_x2", {}, nullptr));
}

}  // namespace
}  // namespace tocsin::tmpl
