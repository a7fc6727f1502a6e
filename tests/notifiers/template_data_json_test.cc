// template.Data from JSON as Go's json.Unmarshal reads it (what `template render
// --template.data` feeds templates), checked through templates over the decoded value.
#include "notifiers/template_data_json.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/template/template.h"
#include "notifiers/template_functions.h"

namespace tocsin::notifiers {
namespace {

std::string Render(std::string_view json, std::string_view text) {
  auto data = TemplateDataFromJson(json);
  if (!data.ok()) return "DATA ERROR: " + data.message();
  tmpl::Template t(AlertmanagerTemplateFunctions());
  t.set_missing_key(tmpl::MissingKey::kZero);
  if (Status s = t.Parse("", text); !s.ok()) return "PARSE ERROR: " + s.message();
  auto out = t.ExecuteToString("", *data);
  return out.ok() ? *out : "ERROR: " + out.message();
}

std::string Error(std::string_view json) {
  auto data = TemplateDataFromJson(json);
  return data.ok() ? "no error" : data.message();
}

TEST(TemplateDataFromJson, FieldsAndMethods) {
  const char* json = R"({"receiver":"r","status":"firing","externalURL":"http://am",
    "alerts":[{"status":"firing","labels":{"b":"2","alertname":"X","a":"1"},
               "annotations":{"summary":"s"},"startsAt":"2024-01-02T03:04:05.5Z",
               "endsAt":"0001-01-01T00:00:00Z","generatorURL":"g","fingerprint":"f"},
              {"status":"resolved","labels":{"alertname":"Y"}}],
    "groupLabels":{"alertname":"X"},"commonLabels":{},"commonAnnotations":{"c":"d"}})";
  EXPECT_EQ(Render(json,
                   "{{ .Receiver }} {{ .Status }} {{ .ExternalURL }} {{ len .Alerts }} "
                   "{{ len .Alerts.Firing }}/{{ len .Alerts.Resolved }}"),
            "r firing http://am 2 1/1");
  EXPECT_EQ(Render(json,
                   "{{ range .Alerts }}{{ .Labels.SortedPairs.Names }} {{ .StartsAt }} "
                   "{{ .EndsAt.IsZero }} {{ .GeneratorURL }}{{ .Fingerprint }};{{ end }}"),
            "[alertname a b] 2024-01-02 03:04:05.5 +0000 UTC true gf;"
            "[alertname] 0001-01-01 00:00:00 +0000 UTC true ;");
}

// Go matches keys case-insensitively (exact names first), the last repeated key wins, maps
// merge, null leaves the zero value, and unknown keys are ignored.
TEST(TemplateDataFromJson, GoDecodingRules) {
  EXPECT_EQ(Render(R"({"RECEIVER":"a","Receiver":"b","nope":1})", "{{ .Receiver }}"), "b");
  EXPECT_EQ(
      Render(R"({"groupLabels":{"a":"1"},"groupLabels":{"b":"2"}})", "{{ .GroupLabels.Names }}"),
      "[a b]");
  EXPECT_EQ(Render(R"({"receiver":null,"alerts":null,"groupLabels":{"a":null}})",
                   "[{{ .Receiver }}] {{ len .Alerts }} {{ printf \"%q\" .GroupLabels.a }} "
                   "{{ toJson .Alerts }} {{ toJson .CommonLabels }}"),
            "[] 0 \"\" null null");
  EXPECT_EQ(Render(R"({"alerts":[]})", "{{ toJson .Alerts }}"), "[]");
}

TEST(TemplateDataFromJson, StringsAsGoDecodesThem) {
  EXPECT_EQ(Render(R"({"receiver":"\ud83d\ude00 \ud800x \u00e9\n\/"})", "{{ .Receiver }}"),
            "\xF0\x9F\x98\x80 \xEF\xBF\xBDx \xC3\xA9\n/");
  EXPECT_EQ(Render("{\"receiver\":\"a\xff\xc3\"}", "{{ .Receiver }}"), "a\xEF\xBF\xBD\xEF\xBF\xBD");
}

// Times parse as time.Parse(RFC3339): an offset gives a zone without a name.
TEST(TemplateDataFromJson, Times) {
  EXPECT_EQ(Render(R"({"alerts":[{"startsAt":"2024-01-02T03:04:05.123456789+02:00"}]})",
                   "{{ range .Alerts }}{{ .StartsAt }} {{ .StartsAt.Unix }}{{ end }}"),
            "2024-01-02 03:04:05.123456789 +0200 +0200 1704157445");
  EXPECT_EQ(Error(R"({"alerts":[{"startsAt":"x"}]})"),
            "parsing time \"x\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"x\" as \"2006\"");
  EXPECT_EQ(Error(R"({"alerts":[{"startsAt":5}]})"),
            "Time.UnmarshalJSON: input is not a JSON string");
  EXPECT_EQ(Error(R"({"alerts":[{"endsAt":"2024-01-02T3:04:05Z"}]})"),
            "parsing time \"2024-01-02T3:04:05Z\" as \"2006-01-02T15:04:05Z07:00\": cannot parse "
            "\"3\" as \"15\"");
  EXPECT_EQ(Error(R"({"alerts":[{"endsAt":"2024-01-02T03:04:05+24:00"}]})"),
            "parsing time \"2024-01-02T03:04:05+24:00\": timezone hour out of range");
}

TEST(TemplateDataFromJson, SyntaxErrorsAsGos) {
  EXPECT_EQ(Error(""), "unexpected end of JSON input");
  EXPECT_EQ(Error("  {\"receiver\": "), "unexpected end of JSON input");
  EXPECT_EQ(Error("{\"a\" 1}"), "invalid character '1' after object key");
  EXPECT_EQ(Error("{\"a\":1,}"),
            "invalid character '}' looking for beginning of object key string");
  EXPECT_EQ(Error("{\"a\":1 \"b\"}"), "invalid character '\"' after object key:value pair");
  EXPECT_EQ(Error("[1 2]"), "invalid character '2' after array element");
  EXPECT_EQ(Error("{} x"), "invalid character 'x' after top-level value");
  EXPECT_EQ(Error("nul\n"), "invalid character '\\n' in literal null (expecting 'l')");
  EXPECT_EQ(Error("{\"a\":\"\x01\"}"), "invalid character '\\x01' in string literal");
  EXPECT_EQ(Error("{\"a\":\"\\q\"}"), "invalid character 'q' in string escape code");
  EXPECT_EQ(Error("{\"a\":\"\\u12g4\"}"),
            "invalid character 'g' in \\u hexadecimal character escape");
  EXPECT_EQ(Error("{\"a\":-x}"), "invalid character 'x' in numeric literal");
  EXPECT_EQ(Error("{\"a\":1.}"), "invalid character '}' after decimal point in numeric literal");
  EXPECT_EQ(Error("{\"a\":1e}"), "invalid character '}' in exponent of numeric literal");
  EXPECT_EQ(Error("'"), "invalid character '\\'' looking for beginning of value");
  EXPECT_EQ(Error("\xc3\xa9"), "invalid character '\xc3\x83' looking for beginning of value");
  EXPECT_EQ(Error(std::string(10001, '[')), "invalid character '[' exceeded max depth");
  // Syntax is checked before types: the type mismatch first in the text is not reported.
  EXPECT_EQ(Error("{\"receiver\":1,}"),
            "invalid character '}' looking for beginning of object key string");
}

TEST(TemplateDataFromJson, TypeErrorsAsGos) {
  EXPECT_EQ(Error("[1]"), "json: cannot unmarshal array into Go value of type template.Data");
  EXPECT_EQ(Error(R"({"receiver":3})"),
            "json: cannot unmarshal number into Go struct field Data.receiver of type string");
  EXPECT_EQ(Error(R"({"alerts":{}})"),
            "json: cannot unmarshal object into Go struct field Data.alerts of type "
            "template.Alerts");
  EXPECT_EQ(Error(R"({"alerts":["x"]})"),
            "json: cannot unmarshal string into Go struct field Data.alerts of type "
            "template.Alert");
  EXPECT_EQ(Error(R"({"alerts":[{"labels":{"a":true}}]})"),
            "json: cannot unmarshal bool into Go struct field Alert.alerts.labels of type string");
  EXPECT_EQ(Error(R"({"alerts":[{"labels":[]}]})"),
            "json: cannot unmarshal array into Go struct field Alert.alerts.labels of type "
            "template.KV");
  // The first mismatch is kept while decoding goes on; a bad time stops it at once.
  EXPECT_EQ(Error(R"({"receiver":1,"status":2})"),
            "json: cannot unmarshal number into Go struct field Data.receiver of type string");
  EXPECT_EQ(Error(R"({"receiver":1,"alerts":[{"startsAt":"x"}]})"),
            "parsing time \"x\" as \"2006-01-02T15:04:05Z07:00\": cannot parse \"x\" as \"2006\"");
}

}  // namespace
}  // namespace tocsin::notifiers
