// Alertmanager's template functions, and the value interface the notification data model is
// built on: a test-local model shaped like Alertmanager's (KV with methods, Alerts with
// Firing/Resolved) shows that templates written for Alertmanager work against it.
#include "notifiers/template_functions.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "engine/template/go_time.h"
#include "engine/template/labels_value.h"
#include "engine/template/template.h"
#include "engine/template/value.h"

namespace tocsin::notifiers {
namespace {

using tmpl::CallContext;
using tmpl::Signature;
using tmpl::Type;
using tmpl::TypeBuilder;
using tmpl::Value;
namespace types = tmpl::types;

// ---- A miniature notification model, declared as the notifier declares the real one.

const Type* StringsType() {
  static const Type* t = TypeBuilder("template.Strings", types::SliceOf(types::String()))
                             .AddMethod("Join", Signature{{types::String()}, false},
                                        [](CallContext&, const Value& self,
                                           std::span<const Value> a) -> Result<Value> {
                                          std::string out;
                                          for (size_t i = 0; i < self.list().size(); ++i) {
                                            if (i > 0) out += a[0].as_string();
                                            out += self.list().at(i).as_string();
                                          }
                                          return Value::String(out);
                                        })
                             .Build();
  return t;
}

const Type* PairType() {
  static const Type* t = TypeBuilder("template.Pair", nullptr)
                             .Field("Name", types::String())
                             .Field("Value", types::String())
                             .Build();
  return t;
}

Value Column(const Value& pairs, size_t field) {
  std::vector<Value> out;
  for (size_t i = 0; i < pairs.list().size(); ++i) {
    out.push_back(pairs.list().at(i).structure().field(field));
  }
  return Value::List(std::move(out), StringsType());
}

const Type* PairsType() {
  static const Type* t =
      TypeBuilder("template.Pairs", types::SliceOf(PairType()))
          .AddMethod("Names", {},
                     [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                       return Column(self, 0);
                     })
          .AddMethod("Values", {},
                     [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                       return Column(self, 1);
                     })
          .Build();
  return t;
}

Value SortedPairs(const Value& kv) {
  std::vector<std::pair<std::string, std::string>> entries;
  for (size_t i = 0; i < kv.map().size(); ++i) {
    entries.emplace_back(std::string(kv.map().key(i)), std::string(kv.map().value(i).as_string()));
  }
  // alertname first, the rest sorted (they already are).
  std::stable_partition(entries.begin(), entries.end(),
                        [](const auto& e) { return e.first == "alertname"; });
  std::vector<Value> pairs;
  for (auto& [k, v] : entries) {
    pairs.push_back(Value::Struct(PairType(), {Value::String(k), Value::String(v)}));
  }
  return Value::List(std::move(pairs), PairsType());
}

const Type* KVType() {
  static const Type* t = [] {
    TypeBuilder b("template.KV", types::MapOf(types::String()));
    const Type* kv = b.type();
    b.AddMethod("SortedPairs", {},
                [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                  return SortedPairs(self);
                })
        .AddMethod("Names", {},
                   [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                     return Column(SortedPairs(self), 0);
                   })
        .AddMethod("Values", {},
                   [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                     return Column(SortedPairs(self), 1);
                   })
        .AddMethod(
            "Remove", Signature{{types::SliceOf(types::String())}, false},
            [kv](CallContext&, const Value& self, std::span<const Value> a) -> Result<Value> {
              std::vector<std::pair<std::string, Value>> keep;
              for (size_t i = 0; i < self.map().size(); ++i) {
                bool removed = false;
                for (size_t k = 0; k < a[0].list().size(); ++k) {
                  if (a[0].list().at(k).as_string() == self.map().key(i)) removed = true;
                }
                if (!removed)
                  keep.emplace_back(std::string(self.map().key(i)), self.map().value(i));
              }
              return Value::Map(std::move(keep), kv);
            })
        .AddMethod("String", {},
                   [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                     std::string out;
                     const Value pairs = SortedPairs(self);
                     for (size_t i = 0; i < pairs.list().size(); ++i) {
                       if (i > 0) out += ", ";
                       const Value p = pairs.list().at(i);
                       out += std::string(p.structure().field(0).as_string()) + "=" +
                              std::string(p.structure().field(1).as_string());
                     }
                     return Value::String(out);
                   });
    return b.Build();
  }();
  return t;
}

const Type* AlertType() {
  static const Type* t = TypeBuilder("template.Alert", nullptr)
                             .Field("Status", types::String(), "status")
                             .Field("Labels", KVType(), "labels")
                             .Field("Annotations", KVType(), "annotations")
                             .Field("StartsAt", types::Time(), "startsAt")
                             .Field("EndsAt", types::Time(), "endsAt")
                             .Field("GeneratorURL", types::String(), "generatorURL")
                             .Field("Fingerprint", types::String(), "fingerprint")
                             .Build();
  return t;
}

Value FilterAlerts(const Value& alerts, std::string_view status) {
  std::vector<Value> out;
  for (size_t i = 0; i < alerts.list().size(); ++i) {
    const Value a = alerts.list().at(i);
    if (a.structure().field(0).as_string() == status) out.push_back(a);
  }
  return Value::List(std::move(out), types::SliceOf(AlertType()));
}

const Type* AlertsType() {
  static const Type* t =
      TypeBuilder("template.Alerts", types::SliceOf(AlertType()))
          .AddMethod("Firing", {},
                     [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                       return FilterAlerts(self, "firing");
                     })
          .AddMethod("Resolved", {},
                     [](CallContext&, const Value& self, std::span<const Value>) -> Result<Value> {
                       return FilterAlerts(self, "resolved");
                     })
          .Build();
  return t;
}

const Type* DataType() {
  static const Type* t = TypeBuilder("template.Data", nullptr)
                             .Field("Receiver", types::String(), "receiver")
                             .Field("Status", types::String(), "status")
                             .Field("Alerts", AlertsType(), "alerts")
                             .Field("GroupLabels", KVType(), "groupLabels")
                             .Field("CommonLabels", KVType(), "commonLabels")
                             .Field("CommonAnnotations", KVType(), "commonAnnotations")
                             .Field("ExternalURL", types::String(), "externalURL")
                             .Build();
  return t;
}

Value Alert(const char* status, const Labels& labels, const Labels& annotations, int64_t starts) {
  return Value::Struct(
      AlertType(),
      {Value::String(status), tmpl::LabelsValue(labels, KVType()),
       tmpl::LabelsValue(annotations, KVType()), Value::Time(tmpl::GoTime::FromUnix(starts, 0)),
       Value::Time(tmpl::GoTime{}), Value::String("http://prom/graph"),
       Value::String("fp" + std::to_string(starts))});
}

Value SampleData() {
  const Value alerts = Value::List(
      {Alert("firing", {{"alertname", "DiskFull"}, {"instance", "a:9100"}, {"severity", "page"}},
             {{"summary", "disk a full"}}, 1700000000),
       Alert("resolved", {{"alertname", "DiskFull"}, {"instance", "b:9100"}, {"severity", "page"}},
             {{"summary", "disk b full"}}, 1700000100),
       Alert("firing", {{"alertname", "DiskFull"}, {"instance", "c:9100"}, {"severity", "page"}},
             {{"summary", "disk c full"}}, 1700000200)},
      AlertsType());
  return Value::Struct(
      DataType(), {Value::String("ops"), Value::String("firing"), alerts,
                   tmpl::LabelsValue({{"alertname", "DiskFull"}}, KVType()),
                   tmpl::LabelsValue({{"alertname", "DiskFull"}, {"severity", "page"}}, KVType()),
                   tmpl::LabelsValue({}, KVType()), Value::String("http://am.example.com")});
}

tmpl::GoTime FixedNow() {
  return tmpl::GoTime::FromUnix(1700003600, 500000000);
}

std::string Render(const std::string& text, const Value& data = SampleData(),
                   const TemplateEnvironment* env = nullptr) {
  tmpl::Template t(AlertmanagerTemplateFunctions());
  EXPECT_TRUE(t.Option("missingkey=zero").ok());
  if (Status s = t.Parse("", text); !s.ok()) return "PARSE: " + s.message();
  tmpl::ExecuteOptions opts;
  opts.env = env;
  opts.clock = FixedNow;
  std::string out;
  Status s = t.Execute("", data, &out, opts);
  return s.ok() ? out : "ERROR: " + s.message();
}

// ---- The functions.

TEST(AlertmanagerTemplateFunctions, Strings) {
  EXPECT_EQ(Render(R"t({{ toUpper "abc" }}|{{ toLower "ÀBC" }}|{{ trimSpace "  a b \n" }})t"),
            "ABC|àbc|a b");
  EXPECT_EQ(Render(R"t({{ title "hELLO wORLD-foo bar_baz o'neil a.b 123abc" }})t"),
            "Hello World-Foo Bar_baz O'neil A.b 123Abc");
  // Full case mappings, found against amtool: a word's first letter may title-case to two
  // letters (ß, ligatures, ŉ), and İ lower-cases to i plus a combining dot.
  EXPECT_EQ(Render(R"t({{ title "ßx ﬂy ﬁsh ŉa ǰb İİ ẖa և ﬓ aİ" }})t"),
            "Ssx Fly Fish \u02BCNa J\u030Cb \u0130i\u0307 H\u0331a \u0535\u0582 "
            "\u0544\u0576 Ai\u0307");
  EXPECT_EQ(Render(R"t({{ join ", " (stringSlice "a" "b" "c") }}|{{ stringSlice }})t"),
            "a, b, c|[]");
  EXPECT_EQ(Render(R"t({{ match "^Disk" .CommonLabels.alertname }}|{{ match "(" "x" }})t"),
            "ERROR: template: :1:47: executing \"\" at <match \"(\" \"x\">: error calling match: "
            "error parsing regexp: missing closing ): `(`");
  EXPECT_EQ(Render(R"t({{ reReplaceAll "(.*):(\\d+)" "$2@$1" "host:80" }})t"), "80@host");
  EXPECT_EQ(
      Render(R"t({{ reReplaceAll "[" "" "x" }})t"),
      "ERROR: template: :1:3: executing \"\" at <reReplaceAll \"[\" \"\" \"x\">: error calling "
      "reReplaceAll: regexp: Compile(`[`): error parsing regexp: missing closing ]: `[`");
  EXPECT_EQ(Render(R"t({{ safeHtml "<b>" | printf "%T %s" }}|{{ safeUrl "x" | printf "%T" }})t"),
            "template.HTML %!s(MISSING)|template.URL");
  EXPECT_EQ(Render(R"t({{ urlUnescape "a%20b+c%2F" }})t"), "a b c/");
  EXPECT_EQ(Render(R"t({{ urlUnescape "a%zz" }})t"),
            "ERROR: template: :1:3: executing \"\" at <urlUnescape \"a%zz\">: error calling "
            "urlUnescape: invalid URL escape \"%zz\"");
  EXPECT_EQ(Render(R"t({{ base64encode "hello?>" }}|{{ base64decode "aGVsbG8_Pg==" }})t"),
            "aGVsbG8_Pg==|hello?>");
  EXPECT_EQ(Render(R"t({{ base64decode "aGVsbG8" }})t").substr(0, 6), "ERROR:");
  EXPECT_NE(
      Render(R"t({{ base64decode "aGVs!G8=" }})t").find("illegal base64 data at input byte 4"),
      std::string::npos);
  EXPECT_EQ(Render(R"t({{ join "," (list "a") }})t"),
            "ERROR: template: :1:18: executing \"\" at <\"a\">: wrong type for value; expected "
            "[]string; got []interface {}");
}

TEST(AlertmanagerTemplateFunctions, TimeFunctions) {
  EXPECT_EQ(Render(R"t({{ (index .Alerts 0).StartsAt | date "2006-01-02 15:04:05 MST" }})t"),
            "2023-11-14 22:13:20 UTC");
  EXPECT_EQ(Render(R"t({{ (index .Alerts 0).StartsAt | tz "Europe/Berlin" | date "15:04 MST" }})t"),
            "23:13 CET");
  EXPECT_EQ(Render(R"t({{ (index .Alerts 0).StartsAt | tz "America/New_York" }})t"),
            "2023-11-14 17:13:20 -0500 EST");
  EXPECT_EQ(Render(R"t({{ (index .Alerts 0).StartsAt | tz "Nowhere/Land" }})t"),
            "ERROR: template: :1:32: executing \"\" at <tz \"Nowhere/Land\">: error calling tz: "
            "unknown time zone Nowhere/Land");
  EXPECT_EQ(
      Render(
          R"t({{ (index .Alerts 0).StartsAt.Format "Jan 2" }}|{{ (index .Alerts 0).EndsAt.IsZero }})t"),
      "Nov 14|true");
  EXPECT_EQ(Render(R"t({{ since (index .Alerts 0).StartsAt }})t"), "1h0m0.5s");
  EXPECT_EQ(Render(R"t({{ (since (index .Alerts 0).StartsAt).Minutes }})t"), "60.00833333333333");
  EXPECT_EQ(Render(R"t({{ now | tz "UTC" | date "2006-01-02T15:04:05.000Z07:00" }})t"),
            "2023-11-14T23:13:20.500Z");
  EXPECT_EQ(Render(R"t({{ humanizeDuration (since (index .Alerts 0).StartsAt) }})t"), "1h 0m 0s");
  EXPECT_EQ(Render(R"t({{ humanizeDuration 90061 }}|{{ humanizeDuration "0.25" }})t"),
            "1d 1h 1m 1s|250ms");
  EXPECT_EQ(Render(R"t({{ toDate "2006-01-02" "2024-03-05" }}|{{ toDate "2006-01-02" "nope" }})t"),
            "2024-03-05 00:00:00 +0000 UTC|0001-01-01 00:00:00 +0000 UTC");
  EXPECT_EQ(Render(R"t({{ mustToDate "2006-01-02" "2024-13-05" }})t"),
            "ERROR: template: :1:3: executing \"\" at <mustToDate \"2006-01-02\" \"2024-13-05\">: "
            "error calling mustToDate: parsing time \"2024-13-05\": month out of range");
  EXPECT_EQ(
      Render(R"t({{ date "2006" "2024" }})t"),
      "ERROR: template: :1:15: executing \"\" at <\"2024\">: can't handle \"2024\" for arg of "
      "type time.Time");
}

TEST(AlertmanagerTemplateFunctions, ListsDictsAndJson) {
  EXPECT_EQ(Render(R"t({{ list }}|{{ list 1 "a" }}|{{ append (list 1) 2 3 }}|{{ len (list) }})t"),
            "[]|[1 a]|[1 2 3]|0");
  EXPECT_EQ(
      Render(R"t({{ $d := dict "b" 2 "a" (list 1) }}{{ $d }}|{{ $d.a }}|{{ index $d "b" }})t"),
      "map[a:[1] b:2]|[1]|2");
  EXPECT_EQ(Render(R"t({{ dict "a" }})t"),
            "ERROR: template: :1:3: executing \"\" at <dict \"a\">: error calling dict: dict "
            "requires an even number of arguments");
  EXPECT_EQ(Render(R"t({{ dict 1 2 }})t"),
            "ERROR: template: :1:3: executing \"\" at <dict 1 2>: error calling dict: dict keys "
            "must be strings");
  EXPECT_EQ(
      Render(
          R"t({{ toJson (dict "z" 1.5 "a" "<&>" "n" nil "l" (list 1 true) "s" (stringSlice)) }})t"),
      R"({"a":"\u003c\u0026\u003e","l":[1,true],"n":null,"s":null,"z":1.5})");
  EXPECT_EQ(
      Render(
          R"t({{ toJson 1e21 }}|{{ toJson 1e-7 }}|{{ toJson 0.000001 }}|{{ toJson 123456789.0 }})t"),
      "1e+21|1e-7|0.000001|123456789");
  EXPECT_EQ(Render(R"t({{ toJson "a\"b\\c\n\t\u2028é" }})t"), R"("a\"b\\c\n\t\u2028é")");
  EXPECT_EQ(
      Render(R"t({{ toJson (index .Alerts 0) }})t"),
      R"({"status":"firing","labels":{"alertname":"DiskFull","instance":"a:9100","severity":"page"},"annotations":{"summary":"disk a full"},"startsAt":"2023-11-14T22:13:20Z","endsAt":"0001-01-01T00:00:00Z","generatorURL":"http://prom/graph","fingerprint":"fp1700000000"})");
  EXPECT_EQ(Render(R"t({{ toJson (since (index .Alerts 0).StartsAt) }})t"), "3600500000000");
}

TEST(AlertmanagerTemplateFunctions, RouteLabels) {
  EXPECT_EQ(Render(R"t([{{ routeLabels "team" }}])t"), "[]");
  TemplateEnvironment env;
  env.route_labels = [](std::string_view name) -> Result<std::string> {
    if (name == "team") return std::string("storage");
    return Error{"route label cycle detected: a -> a"};
  };
  EXPECT_EQ(Render(R"t([{{ routeLabels "team" }}])t", SampleData(), &env), "[storage]");
  EXPECT_EQ(Render(R"t({{ routeLabels "a" }})t", SampleData(), &env),
            "ERROR: template: :1:3: executing \"\" at <routeLabels \"a\">: error calling "
            "routeLabels: route label cycle detected: a -> a");
}

// ---- The model interface: templates in Alertmanager's style over the model above.

TEST(NotificationModel, MethodsFieldsAndFilters) {
  EXPECT_EQ(Render("{{ .Status | toUpper }}:{{ .Alerts.Firing | len }}"), "FIRING:2");
  EXPECT_EQ(Render("{{ .GroupLabels.SortedPairs.Values | join \" \" }}"), "DiskFull");
  EXPECT_EQ(
      Render("{{ .CommonLabels }}|{{ .CommonLabels.Names }}|{{ .CommonLabels.Values.Join \"+\" }}"),
      "alertname=DiskFull, severity=page|[alertname severity]|DiskFull+page");
  EXPECT_EQ(
      Render(
          "{{ with .CommonLabels.Remove .GroupLabels.Names }}{{ .Values | join \" \" }}{{ end }}"),
      "page");
  EXPECT_EQ(Render("{{ if gt (len .CommonLabels) (len .GroupLabels) }}more{{ end }}"), "more");
  EXPECT_EQ(
      Render(
          "{{ range .Alerts.Resolved }}{{ .Labels.instance }} {{ .Annotations.summary }}{{ end }}"),
      "b:9100 disk b full");
  EXPECT_EQ(Render("{{ range .Alerts.Firing }}{{ range .Labels.SortedPairs }}{{ .Name }}={{ .Value "
                   "}} {{ end }};{{ end }}"),
            "alertname=DiskFull instance=a:9100 severity=page ;alertname=DiskFull instance=c:9100 "
            "severity=page ;");
  EXPECT_EQ(Render("{{ .CommonAnnotations.summary }}|{{ .GroupLabels.nosuch }}|{{ .Receiver }}"),
            "||ops");
  EXPECT_EQ(Render("{{ (index .Alerts 1).Status }}|{{ index .Alerts 2 | printf \"%T\" }}"),
            "resolved|template.Alert");
  EXPECT_EQ(Render("{{ .Alerts.Nope }}"),
            "ERROR: template: :1:10: executing \"\" at <.Alerts.Nope>: can't evaluate field Nope "
            "in type template.Alerts");
  EXPECT_EQ(Render("{{ .CommonLabels.Remove \"x\" }}"),
            "ERROR: template: :1:24: executing \"\" at <\"x\">: can't handle \"x\" for arg of type "
            "[]string");
  // Templates defined in a set, then referenced from a message template layered over it.
  tmpl::Template set(AlertmanagerTemplateFunctions());
  ASSERT_TRUE(set.Option("missingkey=zero").ok());
  ASSERT_TRUE(
      set.Parse("default.tmpl",
                "{{ define \"subject\" }}[{{ .Status | toUpper }}{{ if eq .Status \"firing\" "
                "}}:{{ .Alerts.Firing | len }}{{ end }}] {{ .GroupLabels.SortedPairs.Values | "
                "join \" \" }}{{ end }}")
          .ok());
  tmpl::Template message = set.Clone();
  ASSERT_TRUE(message.Parse("", "{{ template \"subject\" . }} via {{ .ExternalURL }}").ok());
  EXPECT_EQ(*message.ExecuteToString("", SampleData()),
            "[FIRING:2] DiskFull via http://am.example.com");
  EXPECT_FALSE(set.Defines(""));
}

}  // namespace
}  // namespace tocsin::notifiers
