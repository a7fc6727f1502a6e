// html/template's contextual escaping (ExecuteOptions::escape_html). The expected outputs are
// what Go's html/template (Debian's amtool) prints for the same template and data.
#include "engine/template/html_escape.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/template/template.h"

namespace tocsin::tmpl {
namespace {

FuncMap SafeFunctions() {
  FuncMap m;
  m.Add("safeHtml", Signature{{types::String()}, false},
        [](CallContext&, std::span<const Value> a) -> Result<Value> {
          return a[0].WithType(types::HTML());
        });
  return m;
}

std::string Html(std::string_view text) {
  Template t(SafeFunctions());
  t.set_missing_key(MissingKey::kZero);
  if (Status s = t.Parse("", text); !s.ok()) return "PARSE ERROR: " + s.message();
  const Value data = Value::StringMap({{"r", "a<b>&\"c'"},
                                       {"url", "https://am.example/x y?q=<1>"},
                                       {"js", "javascript:alert(1)"},
                                       {"n", "2"}});
  ExecuteOptions o;
  o.escape_html = true;
  auto out = t.ExecuteToString("", data, o);
  return out.ok() ? *out : "ERROR: " + out.message();
}

TEST(HtmlEscape, TextAndAttributes) {
  EXPECT_EQ(Html("<p>{{ .r }}</p>"), "<p>a&lt;b&gt;&amp;&#34;c&#39;</p>");
  EXPECT_EQ(Html("<a title=\"{{ .r }}\" class={{ .n }}>x</a>"),
            "<a title=\"a&lt;b&gt;&amp;&#34;c&#39;\" class=2>x</a>");
  EXPECT_EQ(Html("<title>{{ .r }}</title><textarea>{{ safeHtml \"<b>\" }}</textarea>"),
            "<title>a&lt;b&gt;&amp;&#34;c&#39;</title><textarea>&lt;b&gt;</textarea>");
  EXPECT_EQ(Html("<td>{{ 3 }} {{ 1.5 }} {{ true }} {{ printf \"%d<%d\" 1 2 }}</td>"),
            "<td>3 1.5 true 1&lt;2</td>");
  // Go 1.20.4 and later: an empty unquoted attribute value is replaced (Go 1.19 left it empty).
  EXPECT_EQ(Html("<td class={{ \"\" }}>"), "<td class=ZgotmplZ>");
  EXPECT_EQ(Html("<a {{ \"onclick\" }}=\"x\" {{ \"TITLE\" }}=\"y\">"),
            "<a ZgotmplZ=\"x\" title=\"y\">");
}

TEST(HtmlEscape, SafeHtmlAndComments) {
  EXPECT_EQ(Html("{{ safeHtml \"<b>ok</b>\" }}<a title=\"{{ safeHtml \"<b>ok</b>\" }}\">"),
            "<b>ok</b><a title=\"ok\">");
  // Comments are dropped, a stray '<' in the template's text is escaped, and a pipeline ending
  // in html is not escaped twice.
  EXPECT_EQ(Html("<!-- c {{ .r }} -->x < y {{ html \"<i>\" }}"), "x &lt; y &lt;i&gt;");
  EXPECT_EQ(Html("<!DOCTYPE html><p>"), "<!DOCTYPE html><p>");
}

TEST(HtmlEscape, Urls) {
  EXPECT_EQ(Html("<a href=\"{{ .url }}/#/?r={{ .r | urlquery }}&s={{ .r }}\">x</a>"),
            "<a href=\"https://am.example/x%20y?q=%3c1%3e/#/?r=a%3Cb%3E%26%22c%27&s="
            "a%3cb%3e%26%22c%27\">x</a>");
  EXPECT_EQ(Html("<a href=\"{{ .js }}\">x</a><a href=\"/p/{{ .r }}\">y</a>"),
            "<a href=\"#ZgotmplZ\">x</a><a href=\"/p/a%3cb%3e&amp;%22c%27\">y</a>");
}

// srcset: each comma-separated source is a safe URL plus metadata of spaces, letters and digits,
// or "#ZgotmplZ" (found against amtool: tocsin percent-encoded the whole value instead).
TEST(HtmlEscape, Srcset) {
  EXPECT_EQ(Html("<img srcset=\"{{ .url }} 2x\"><img srcset=\"{{ \"/a.png\" }} 1x, {{ \"/b c.png "
                 "2x\" }}\"><img srcset=\"{{ \"/a b.png 1x, javascript:x 2x,/c.png\" }}\"><img "
                 "srcset={{ \"/a.png\" }}>"),
            "<img srcset=\"#ZgotmplZ 2x\"><img srcset=\"/a.png 1x, #ZgotmplZ\"><img "
            "srcset=\"#ZgotmplZ,#ZgotmplZ,/c.png\"><img srcset=/a.png>");
}

TEST(HtmlEscape, ScriptsAndStyles) {
  EXPECT_EQ(Html("<script>var r = {{ .r }}; var n = {{ .n }}; var k = {{ 3 }}; var s = "
                 "\"{{ .r }}\"; // c\n</script>"),
            "<script>var r = \"a\\u003cb\\u003e\\u0026\\\"c'\"; var n = \"2\"; var k =  3 ; var "
            "s = \"a\\u003cb\\u003e\\u0026\\u0022c\\u0027\"; \n</script>");
  EXPECT_EQ(Html("<p style=\"color: {{ \"red\" }}; x: {{ \"a;b\" }}\">"),
            "<p style=\"color: red; x: ZgotmplZ\">");
}

TEST(HtmlEscape, Errors) {
  // Errors name the template executed (here ""), not the {{define}} whose text failed.
  EXPECT_EQ(Html("{{ define \"t\" }}a<b <a>{{ end }}{{ template \"t\" }}"),
            "ERROR: html/template: \"<\" in attribute name: \" <a>\"");
  EXPECT_EQ(Html("<a href=\"{{ .url }}"),
            "ERROR: html/template: ends in a non-text context: {stateURL delimDoubleQuote "
            "urlPartNone jsCtxRegexp attrURL elementNone <nil>}");
  EXPECT_EQ(Html("{{ .r | html | printf \"%s\" }}"),
            "ERROR: html/template::1:3: predefined escaper \"html\" disallowed in template");
}

}  // namespace
}  // namespace tocsin::tmpl
