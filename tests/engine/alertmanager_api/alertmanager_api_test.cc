// Alertmanager API v2 against a real server on 127.0.0.1 and a real pipeline on a manual clock:
// the exact JSON of every endpoint (field names, key order, time format), the filters, and the
// errors Alertmanager gives for malformed input.
#include "engine/alertmanager_api/alertmanager_api.h"

#include <gtest/gtest.h>

#include <string>

#include "engine/alerting/alert.h"
#include "tests/engine/alertmanager_api/api_fixture.h"

namespace tocsin::alertmanager_api::testing {
namespace {

using OJson = nlohmann::ordered_json;

constexpr const char* kConfig = R"(
global:
  resolve_timeout: 5m
  slack_api_url: 'https://hooks.slack.com/services/T000/B000/TOPSECRET1'
  smtp_auth_password: 'TOPSECRET2'
route:
  receiver: default
  group_by: [alertname]
  routes:
    - matchers: ['severity="critical"']
      receiver: pager
      continue: true
    - matchers: ['team="db"']
      receiver: db
receivers:
  - name: default
    webhook_configs:
      - url: 'http://127.0.0.1:1/TOPSECRET3'
  - name: pager
    pagerduty_configs:
      - routing_key: 'TOPSECRET4'
  - name: db
    labels:
      owner: dba
inhibit_rules:
  - source_matchers: ['severity="critical"']
    target_matchers: ['severity="warning"']
    equal: [component]
)";

std::string Fp(Labels labels) {
  return alerting::FingerprintHex(labels.fingerprint());
}

class AlertmanagerApiTest : public ApiFixture {
 protected:
  void SetUp() override { Start(kConfig); }

  std::string CreateSilence(const std::string& matchers_json, const std::string& starts,
                            const std::string& ends, const std::string& id = "") {
    std::string body = R"({"matchers":)" + matchers_json + R"(,"startsAt":")" + starts +
                       R"(","endsAt":")" + ends + R"(","createdBy":"ops","comment":"maint")";
    if (!id.empty()) body += R"(,"id":")" + id + "\"";
    body += "}";
    auto r = Post("/api/v2/silences", body);
    EXPECT_EQ(r.status, 200) << r.body;
    return Parse(r).value("silenceID", "");
  }
};

TEST_F(AlertmanagerApiTest, PostedAlertReadsBackInAlertmanagersShape) {
  auto r = Post("/api/v2/alerts", R"([{
      "labels": {"alertname": "DiskFull", "severity": "warning", "component": "disk", "empty": ""},
      "annotations": {"summary": "disk is full", "blank": ""},
      "startsAt": "2024-05-01T11:00:00Z",
      "generatorURL": "http://prom/graph?g0.expr=x"}])");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_TRUE(r.body.empty());

  r = Get("/api/v2/alerts");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["content-type"], "application/json");
  EXPECT_EQ(r.headers["cache-control"], "no-store");
  const std::string fp =
      Fp({{"alertname", "DiskFull"}, {"component", "disk"}, {"severity", "warning"}});
  const OJson want = OJson::parse(R"([{
      "annotations": {"blank": "", "summary": "disk is full"},
      "endsAt": "2024-05-01T12:05:00.000Z",
      "fingerprint": ")" + fp + R"(",
      "receivers": [{"name": "default"}],
      "startsAt": "2024-05-01T11:00:00.000Z",
      "status": {"inhibitedBy": [], "mutedBy": [], "silencedBy": [], "state": "active"},
      "updatedAt": "2024-05-01T12:00:00.000Z",
      "generatorURL": "http://prom/graph?g0.expr=x",
      "labels": {"alertname": "DiskFull", "component": "disk", "severity": "warning"}}])");
  EXPECT_EQ(Parse(r), want) << r.body;
}

TEST_F(AlertmanagerApiTest, AlertFiltersAndStates) {
  auto r = Post("/api/v2/alerts", R"([
      {"labels": {"alertname": "A", "severity": "critical", "component": "queue"}},
      {"labels": {"alertname": "B", "severity": "warning", "component": "queue"}},
      {"labels": {"alertname": "C", "severity": "warning", "component": "redis", "team": "db"}},
      {"labels": {"alertname": "Old"}, "startsAt": "2024-05-01T10:00:00Z",
       "endsAt": "2024-05-01T11:00:00Z"}])");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string silence = CreateSilence(R"([{"name":"alertname","value":"C","isRegex":false}])",
                                            "2024-05-01T11:00:00Z", "2024-05-01T13:00:00Z");

  auto names = [&](const std::string& query) {
    auto res = Get("/api/v2/alerts" + query);
    EXPECT_EQ(res.status, 200) << query << ": " << res.body;
    std::vector<std::string> out;
    for (const auto& a : Parse(res)) out.push_back(a["labels"]["alertname"]);
    std::sort(out.begin(), out.end());
    return out;
  };
  using V = std::vector<std::string>;
  EXPECT_EQ(names(""), (V{"A", "B", "C"}));  // resolved alerts are not listed
  EXPECT_EQ(names("?silenced=false"), (V{"A", "B"}));
  EXPECT_EQ(names("?inhibited=false"), (V{"A", "C"}));
  EXPECT_EQ(names("?silenced=false&inhibited=false"), (V{"A"}));
  EXPECT_EQ(names("?active=false"), (V{"B", "C"}));
  EXPECT_EQ(names("?active=0&silenced=no"), (V{"B"}));
  EXPECT_EQ(names("?filter=severity%3D%22warning%22"), (V{"B", "C"}));
  EXPECT_EQ(names("?filter=severity%3D%22warning%22&filter=component%3D~%22re.*%22"), (V{"C"}));
  EXPECT_EQ(names("?filter=severity!%3Dwarning"), (V{"A"}));
  EXPECT_EQ(names("?receiver=pager"), (V{"A"}));
  EXPECT_EQ(names("?receiver=def.*"), (V{"B"}));
  EXPECT_EQ(names("?receiver_matchers=owner%3Ddba"), (V{"C"}));
  EXPECT_EQ(names("?receiver="), (V{"A", "B", "C"}));  // empty: not given, as go-openapi reads it

  // Statuses name what suppresses an alert.
  auto all = Parse(Get("/api/v2/alerts"));
  for (const auto& a : all) {
    const std::string name = a["labels"]["alertname"];
    if (name == "B") {
      EXPECT_EQ(a["status"]["state"], "suppressed");
      EXPECT_EQ(a["status"]["inhibitedBy"],
                OJson::array(
                    {Fp({{"alertname", "A"}, {"component", "queue"}, {"severity", "critical"}})}));
    } else if (name == "C") {
      EXPECT_EQ(a["status"]["state"], "suppressed");
      EXPECT_EQ(a["status"]["silencedBy"], OJson::array({silence}));
      EXPECT_EQ(a["receivers"], OJson::parse(R"([{"name":"db"}])"));
    } else {
      EXPECT_EQ(a["status"]["state"], "active");
      EXPECT_EQ(a["receivers"], OJson::parse(R"([{"name":"pager"}])"));
    }
  }
  // Sorted by fingerprint, as Alertmanager sorts them.
  for (size_t i = 1; i < all.size(); ++i) {
    EXPECT_LT(all[i - 1]["fingerprint"].get<std::string>(),
              all[i]["fingerprint"].get<std::string>());
  }
}

TEST_F(AlertmanagerApiTest, BadQueryParameters) {
  auto r = Get("/api/v2/alerts?filter=%7Bfoo");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(Parse(r).is_string()) << r.body;
  // go-openapi's swag.ConvertBool never fails: a word it does not know reads as false.
  ASSERT_EQ(Post("/api/v2/alerts", R"([{"labels":{"alertname":"Bools"}}])").status, 200);
  r = Get("/api/v2/alerts?active=maybe");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(Parse(r), OJson::array()) << r.body;
  EXPECT_EQ(Parse(Get("/api/v2/alerts?active=MAYBE&silenced=2")), OJson::array());
  EXPECT_EQ(Parse(Get("/api/v2/alerts?active=Yes")).size(), 1u);
  r = Get("/api/v2/alerts?receiver=(");
  EXPECT_EQ(r.status, 400);
  // Go's regexp.Compile text for the anchored expression, as Alertmanager answers it.
  EXPECT_EQ(Parse(r).get<std::string>(),
            "failed to parse receiver param: error parsing regexp: missing closing ): `^(?:()$`")
      << r.body;
  r = Get("/api/v2/alerts?filter=a%3D~%22%5B%22");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Parse(r).get<std::string>(), "error parsing regexp: missing closing ]: `[)$`")
      << r.body;
  r = Get("/api/v2/alerts?receiver_matchers=%3D%3D");
  EXPECT_EQ(r.status, 400);
  EXPECT_TRUE(Parse(r).get<std::string>().starts_with("failed to parse receiver_matchers param: "))
      << r.body;
  r = Get("/api/v2/alerts/groups?muted=x");  // false, as any word that is not true
  EXPECT_EQ(r.status, 200);
  r = Get("/api/v2/silences?filter=%3D");
  EXPECT_EQ(r.status, 400);
  r = Get("/api/v2/alerts?a=%zz");
  EXPECT_EQ(r.status, 400);
}

TEST_F(AlertmanagerApiTest, MalformedAndInvalidAlerts) {
  auto r = Post("/api/v2/alerts", "[{\"labels\":");
  EXPECT_EQ(r.status, 400);
  auto body = Parse(r);
  EXPECT_EQ(body["code"], 400);
  EXPECT_TRUE(body["message"].get<std::string>().starts_with(
      "parsing alerts body from \"\" failed, because "))
      << r.body;

  r = Post("/api/v2/alerts", R"({"labels":{"a":"b"}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Parse(r)["message"],
            "parsing alerts body from \"\" failed, because json: cannot unmarshal object into Go "
            "value of type models.PostableAlerts");

  r = Post("/api/v2/alerts", R"([{"labels":{"a":1}}])");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Parse(r)["message"],
            "parsing alerts body from \"\" failed, because json: cannot unmarshal number into Go "
            "struct field Alert.labels of type string");

  r = Post("/api/v2/alerts", R"([{"labels":{"a":"b"},"startsAt":"yesterday"}])");
  EXPECT_EQ(r.status, 400) << r.body;

  r = Post("/api/v2/alerts", R"([{"annotations":{"a":"b"}}])");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Parse(r), OJson::parse(R"({"code":602,"message":"0.labels in body is required"})"));

  // A syntax error anywhere wins over a type error before it, as Go checks the whole body first.
  r = Post("/api/v2/alerts", R"([{"labels":{"a":1}}, {"labels": }])");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Parse(r)["message"],
            "parsing alerts body from \"\" failed, because invalid character '}' looking for "
            "beginning of value")
      << r.body;
  r = Post("/api/v2/alerts", R"([{"labels":{"a":{"b":"c"}}}])");
  EXPECT_EQ(Parse(r)["message"],
            "parsing alerts body from \"\" failed, because json: cannot unmarshal object into Go "
            "struct field Alert.labels of type string");
  r = Post("/api/v2/alerts", R"([{"labels":{"a":"b"},"endsAt":5}])");
  EXPECT_EQ(Parse(r)["message"],
            "parsing alerts body from \"\" failed, because json: cannot unmarshal number into Go "
            "struct field .endsAt of type string");
  r = Post("/api/v2/alerts", R"([{"labels":null}])");
  EXPECT_EQ(r.status, 422);
  r = Post("/api/v2/alerts", R"([{"labels":{"a":"b"}}, null])");
  EXPECT_EQ(Parse(r), OJson::parse(R"({"code":602,"message":"1.labels in body is required"})"));
  EXPECT_EQ(pipeline_->alert_count(), 0u);  // nothing of a refused body is stored
  r = Post("/api/v2/alerts", "null");
  EXPECT_EQ(r.status, 200);
  // Unknown fields are ignored whatever they hold; a null annotation is an empty one.
  r = Post("/api/v2/alerts", R"([{"labels":{"alertname":"Extra"},"extra":{"x":[1,{"y":null}]},)"
                             R"("annotations":{"n":null,"s":"v"}}])");
  ASSERT_EQ(r.status, 200) << r.body;
  auto extra = Parse(Get("/api/v2/alerts?filter=alertname%3DExtra"));
  ASSERT_EQ(extra.size(), 1u);
  EXPECT_EQ(extra[0]["annotations"], OJson::parse(R"({"n":"","s":"v"})"));
  // A blank body is a missing one for go-openapi.
  r = Post("/api/v2/alerts", "   ");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Parse(r), OJson::parse(R"({"code":602,"message":"alerts in body is required"})"));

  // Valid alerts are stored even when others in the batch are not; the error lists the others.
  r = Post("/api/v2/alerts", R"([
      {"labels":{"alertname":"Good"}},
      {"labels":{"alertname":"Backwards"},"startsAt":"2024-05-01T12:00:00Z",
       "endsAt":"2024-05-01T11:00:00Z"},
      {"labels":{}}])");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Parse(r),
            OJson("start time must be before end time\nat least one label pair required"));
  EXPECT_EQ(pipeline_->alert_count(), 2u);  // Extra, from above, and Good
}

// go-openapi consumes application/json only; no Content-Type is application/octet-stream.
TEST_F(AlertmanagerApiTest, BodiesMustBeJsonByMediaType) {
  auto post = [&](const std::string& path, const std::string& body,
                  std::vector<std::string> headers) {
    test::HttpCall call;
    call.method = "POST";
    call.url = base_ + path;
    call.body = body;
    call.headers = std::move(headers);
    return test::Fetch(call);
  };
  const std::string alert = R"([{"labels":{"alertname":"Media"}}])";
  auto r = post("/api/v2/alerts", alert, {"Content-Type: text/plain"});
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(Parse(r), OJson::parse(R"({"code":415,"message":"unsupported media type )"
                                   R"(\"text/plain\", only [application/json] are allowed"})"));
  r = post("/api/v2/silences", "{}", {"Content-Type:"});
  EXPECT_EQ(r.status, 415);
  EXPECT_EQ(Parse(r)["message"],
            "unsupported media type \"application/octet-stream\", only [application/json] are "
            "allowed");
  EXPECT_EQ(pipeline_->alert_count(), 0u);
  r = post("/api/v2/alerts", alert, {"Content-Type: Application/JSON; charset=utf-8"});
  EXPECT_EQ(r.status, 200) << r.body;
  // Without a body there is nothing to check: the body is missing.
  r = post("/api/v2/alerts", "", {"Content-Type: text/plain"});
  EXPECT_EQ(r.status, 422);
}

TEST_F(AlertmanagerApiTest, RequestSizeLimits) {
  std::string big = "[";
  for (int i = 0; i < 10001; ++i) {
    if (i) big += ",";
    big += R"({"labels":{"i":")" + std::to_string(i) + "\"}}";
  }
  big += "]";
  auto r = Post("/api/v2/alerts", big);
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 200);
  EXPECT_EQ(pipeline_->alert_count(), 0u);
  // Past the server's own body limit (1 MiB in this fixture).
  r = Post("/api/v2/alerts", "[" + std::string(2 * 1024 * 1024, ' ') + "]");
  EXPECT_EQ(r.status, 413);
}

TEST_F(AlertmanagerApiTest, SilenceLifecycle) {
  const std::string id = CreateSilence(
      R"([{"name":"alertname","value":"Disk.*","isRegex":true},
          {"name":"env","value":"dev","isRegex":false,"isEqual":false}])",
      "2024-05-01T11:00:00Z", "2024-05-01T14:00:00Z");
  ASSERT_EQ(id.size(), 36u) << id;

  auto r = Get("/api/v2/silence/" + id);
  ASSERT_EQ(r.status, 200);
  // A start in the past becomes "now", as Alertmanager's silences do.
  EXPECT_EQ(Parse(r), OJson::parse(R"({
      "id": ")" + id + R"(",
      "status": {"state": "active"},
      "updatedAt": "2024-05-01T12:00:00.000Z",
      "comment": "maint",
      "createdBy": "ops",
      "endsAt": "2024-05-01T14:00:00.000Z",
      "matchers": [
        {"isEqual": true, "isRegex": true, "name": "alertname", "value": "Disk.*"},
        {"isEqual": false, "isRegex": false, "name": "env", "value": "dev"}],
      "startsAt": "2024-05-01T12:00:00.000Z"})"))
      << r.body;

  // A pending one, and the list: active first, then pending.
  const std::string later = CreateSilence(R"([{"name":"a","value":"b","isRegex":false}])",
                                          "2024-05-01T13:00:00Z", "2024-05-01T15:00:00Z");
  auto list = Parse(Get("/api/v2/silences"));
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["id"], id);
  EXPECT_EQ(list[1]["id"], later);
  EXPECT_EQ(list[1]["status"]["state"], "pending");
  EXPECT_EQ(Parse(Get("/api/v2/silences?pending=false")).size(), 1u);
  // filter: the silence must have a matcher equal to each filter matcher.
  list = Parse(Get("/api/v2/silences?filter=alertname%3D~%22Disk.%2A%22"));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(list[0]["id"], id);
  EXPECT_TRUE(Parse(Get("/api/v2/silences?filter=alertname%3DDisk")).empty());

  // Update in place (same matchers, later end): same id.
  EXPECT_EQ(CreateSilence(R"([{"name":"a","value":"b","isRegex":false}])", "2024-05-01T13:00:00Z",
                          "2024-05-01T16:00:00Z", later),
            later);
  EXPECT_EQ(Parse(Get("/api/v2/silence/" + later))["endsAt"], "2024-05-01T16:00:00.000Z");

  // Expire.
  r = Call("DELETE", "/api/v2/silence/" + id);
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body.empty());
  EXPECT_EQ(Parse(Get("/api/v2/silence/" + id))["endsAt"], "2024-05-01T12:00:00.000Z");
  clock_.Advance(1);  // it ends "now": expired from the next instant on
  EXPECT_EQ(Parse(Get("/api/v2/silence/" + id))["status"]["state"], "expired");
  EXPECT_EQ(Parse(Get("/api/v2/silences?expired=false")).size(), 1u);
  EXPECT_TRUE(Parse(Get("/api/v2/silences?expired=false&pending=false&active=false")).empty());
}

TEST_F(AlertmanagerApiTest, SilenceErrors) {
  const std::string unknown = "0b5b8a7e-4a5e-4f7e-9e4b-5b2f0c9d1a11";
  auto r = Get("/api/v2/silence/" + unknown);
  EXPECT_EQ(r.status, 404);
  r = Call("DELETE", "/api/v2/silence/" + unknown);
  EXPECT_EQ(r.status, 404);
  r = Get("/api/v2/silence/not-a-uuid");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Parse(r)["message"], "silenceID in path must be of type uuid: \"not-a-uuid\"");

  const std::string m = R"("matchers":[{"name":"a","value":"b","isRegex":false}])";
  r = Post("/api/v2/silences",
           "{" + m + R"(,"startsAt":"2024-05-01T12:00:00Z","endsAt":"2024-05-01T13:00:00Z",)" +
               R"("createdBy":"x","comment":"y","id":")" + unknown + "\"}");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(Parse(r), OJson("silence not found"));

  r = Post("/api/v2/silences",
           "{" + m + R"(,"startsAt":"2024-05-01T10:00:00Z","endsAt":"2024-05-01T11:00:00Z",)" +
               R"("createdBy":"x","comment":"y"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Parse(r), OJson("Failed to create silence: end time can't be in the past"));

  r = Post("/api/v2/silences",
           "{" + m + R"(,"startsAt":"2024-05-01T13:00:00Z","endsAt":"2024-05-01T13:00:00Z",)" +
               R"("createdBy":"x","comment":"y"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Parse(r), OJson("Failed to create silence: start time must be before end time"));

  r = Post("/api/v2/silences",
           R"({"matchers":[],"startsAt":"2024-05-01T12:00:00Z","endsAt":"2024-05-01T13:00:00Z",)"
           R"("createdBy":"x","comment":"y"})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Parse(r)["code"], 612);

  r = Post("/api/v2/silences", "{" + m + R"(,"endsAt":"2024-05-01T13:00:00Z","comment":"y"})");
  EXPECT_EQ(r.status, 422);
  EXPECT_EQ(Parse(r), OJson::parse(R"({"code":602,"message":"createdBy in body is required"})"));

  r = Post("/api/v2/silences", "not json");
  EXPECT_EQ(r.status, 400);

  // A regex that does not compile.
  r = Post("/api/v2/silences",
           R"({"matchers":[{"name":"a","value":"(","isRegex":true}],)"
           R"("startsAt":"2024-05-01T12:00:00Z","endsAt":"2024-05-01T13:00:00Z",)"
           R"("createdBy":"x","comment":"y"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(Parse(r), OJson("invalid silence: invalid label matcher 0 in set 0: invalid regular "
                            "expression \"(\": error parsing regexp: missing closing ): `(`"));
  EXPECT_TRUE(Parse(Get("/api/v2/silences")).empty());
}

// The body errors as Alertmanager's go-openapi server gives them: an empty body is a missing
// one, `null` is the zero silence, and Go's type errors name the generated types
// (PostableSilence decodes its id into an anonymous struct, the rest as a models.Silence).
TEST_F(AlertmanagerApiTest, SilenceBodyErrorsNameAlertmanagersTypes) {
  const std::string times = R"("startsAt":"2024-05-01T12:00:00Z","endsAt":"2024-05-01T13:00:00Z")";
  const std::string m = R"("matchers":[{"name":"a","value":"b","isRegex":false}])";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"", R"({"code":602,"message":"silence in body is required"})"},
      {" \n", R"({"code":602,"message":"silence in body is required"})"},
      {"null", R"({"code":602,"message":"comment in body is required"})"},
      {"[]",
       R"({"code":400,"message":"parsing silence body from \"\" failed, because json: cannot )"
       R"(unmarshal array into Go value of type struct { ID string \"json:\\\"id,omitempty\\\"\" }"})"},
      {"{" + m + "," + times + R"(,"createdBy":"x","comment":"y","id":5})",
       R"({"code":400,"message":"parsing silence body from \"\" failed, because json: cannot )"
       R"(unmarshal number into Go struct field .id of type string"})"},
      {"{" + m + "," + times + R"(,"createdBy":7,"comment":"y"})",
       R"({"code":400,"message":"parsing silence body from \"\" failed, because json: cannot )"
       R"(unmarshal number into Go struct field Silence.createdBy of type string"})"},
      {"{" + m + R"(,"startsAt":5,"endsAt":"2024-05-01T13:00:00Z","createdBy":"x","comment":"y"})",
       R"({"code":400,"message":"parsing silence body from \"\" failed, because json: cannot )"
       R"(unmarshal number into Go struct field Silence.startsAt of type string"})"},
      {R"({"matchers":"a=b",)" + times + R"(,"createdBy":"x","comment":"y"})",
       R"({"code":400,"message":"parsing silence body from \"\" failed, because json: cannot )"
       R"(unmarshal string into Go struct field Silence.matchers of type models.Matchers"})"},
      {R"({"matchers":[{"name":"a","value":"b","isRegex":"no"}],)" + times +
           R"(,"createdBy":"x","comment":"y"})",
       R"({"code":400,"message":"parsing silence body from \"\" failed, because json: cannot )"
       R"(unmarshal string into Go struct field Matcher.matchers.isRegex of type bool"})"},
      {"{" + m + "," + times + R"(,"createdBy":"x","comment":"y","annotations":{"a":1}})",
       R"({"code":400,"message":"parsing silence body from \"\" failed, because json: cannot )"
       R"(unmarshal number into Go struct field Silence.annotations of type string"})"},
  };
  for (const auto& [body, want] : cases) {
    auto r = Post("/api/v2/silences", body);
    EXPECT_EQ(Parse(r), OJson::parse(want)) << body;
    EXPECT_EQ(r.status, OJson::parse(want)["code"] == 400 ? 400 : 422) << body;
  }
}

TEST_F(AlertmanagerApiTest, AlertGroups) {
  auto r = Post("/api/v2/alerts", R"([
      {"labels": {"alertname": "A", "severity": "critical", "instance": "1"},
       "startsAt": "2024-05-01T11:00:00Z"},
      {"labels": {"alertname": "A", "severity": "critical", "instance": "2"},
       "startsAt": "2024-05-01T11:00:00Z"},
      {"labels": {"alertname": "Z", "team": "db"}, "startsAt": "2024-05-01T11:00:00Z"}])");
  ASSERT_EQ(r.status, 200) << r.body;
  r = Get("/api/v2/alerts/groups");
  ASSERT_EQ(r.status, 200);
  auto groups = Parse(r);
  ASSERT_EQ(groups.size(), 2u) << r.body;  // A for pager, Z for db
  const OJson& first = groups[0];
  std::vector<std::string> keys;
  for (const auto& [k, v] : first.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"alerts", "labels", "receiver", "routeLabels"}));
  EXPECT_EQ(first["labels"], OJson::parse(R"({"alertname":"A"})"));
  EXPECT_EQ(first["routeLabels"], OJson::object());
  EXPECT_EQ(first["alerts"].size(), 2u);
  EXPECT_EQ(first["alerts"][0]["labels"]["instance"], "1");
  std::vector<std::string> receivers;
  for (const auto& g : groups) receivers.push_back(g["receiver"]["name"]);
  std::sort(receivers.begin(), receivers.end());
  EXPECT_EQ(receivers, (std::vector<std::string>{"db", "pager"}));

  EXPECT_EQ(Parse(Get("/api/v2/alerts/groups?receiver=db")).size(), 1u);
  EXPECT_EQ(Parse(Get("/api/v2/alerts/groups?receiver_matchers=owner%3Ddba")).size(), 1u);
  EXPECT_EQ(Parse(Get("/api/v2/alerts/groups?filter=instance%3D%222%22")).size(), 1u);
  // Silencing Z empties its group when silenced alerts are left out.
  CreateSilence(R"([{"name":"alertname","value":"Z","isRegex":false}])", "2024-05-01T11:00:00Z",
                "2024-05-01T13:00:00Z");
  EXPECT_EQ(Parse(Get("/api/v2/alerts/groups?silenced=false")).size(), 1u);
}

TEST_F(AlertmanagerApiTest, StatusHidesSecrets) {
  auto r = Get("/api/v2/status");
  ASSERT_EQ(r.status, 200);
  auto status = Parse(r);
  std::vector<std::string> keys;
  for (const auto& [k, v] : status.items()) keys.push_back(k);
  EXPECT_EQ(keys, (std::vector<std::string>{"cluster", "config", "uptime", "versionInfo"}));
  EXPECT_EQ(status["cluster"], OJson::parse(R"({"peers":[],"status":"disabled"})"));
  EXPECT_EQ(status["uptime"], "2024-05-01T12:00:00.000Z");
  EXPECT_EQ(status["versionInfo"]["version"], "0.1.0");
  for (const char* k : {"branch", "buildDate", "buildUser", "goVersion", "revision"}) {
    EXPECT_TRUE(status["versionInfo"].contains(k)) << k;
  }
  const std::string original = status["config"]["original"];
  EXPECT_EQ(original.find("TOPSECRET"), std::string::npos) << original;
  EXPECT_NE(original.find("<secret>"), std::string::npos);
  // What it shows loads again, and routes as the running configuration does.
  auto again = alerting::LoadConfig(original, "status.yml");
  ASSERT_TRUE(again.ok()) << again.message() << "\n" << original;
  EXPECT_EQ(again->receivers.size(), 3u);
  EXPECT_EQ(again->route.routes.size(), 2u);
  EXPECT_EQ(again->global.slack_api_url->reveal(), "<secret>");
  EXPECT_EQ(again->receivers[0].webhook_configs.at(0).url.reveal(), "<secret>");
  EXPECT_EQ(again->receivers[1].pagerduty_configs.at(0).routing_key.reveal(), "<secret>");
  EXPECT_EQ(again->inhibit_rules.size(), 1u);
}

TEST_F(AlertmanagerApiTest, Receivers) {
  auto r = Get("/api/v2/receivers");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Parse(r), OJson::parse(R"([
      {"labels": {"name": "default"}, "name": "default"},
      {"labels": {"name": "pager"}, "name": "pager"},
      {"labels": {"name": "db", "owner": "dba"}, "name": "db"}])"))
      << r.body;
  EXPECT_EQ(Parse(Get("/api/v2/receivers?receiver_matchers=owner%3Ddba")).size(), 1u);
}

TEST_F(AlertmanagerApiTest, HealthAndMethods) {
  EXPECT_EQ(Get("/-/healthy").status, 200);
  EXPECT_EQ(Get("/-/ready").status, 200);
  auto r = Call("PUT", "/api/v2/alerts", "[]");
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(Get("/api/v2/nothing").status, 404);
}

class StatusEnvTest : public ApiFixture {};

// `${VAR}` references are shown expanded, and integrations switched off because their
// variable is unset are left out, so that Alertmanager (and amtool) accept what is shown.
TEST_F(StatusEnvTest, ExpandsVariablesAndLeavesOutSwitchedOffIntegrations) {
  load_options_.env = [](const std::string& name) -> std::optional<std::string> {
    if (name == "CHANNEL") return "#ops";
    if (name == "HOOK") return "https://hooks.slack.com/services/T/B/SECRETHOOK";
    return std::nullopt;
  };
  Start(R"(
route:
  receiver: team
  notify_resolved_on_mute: true
receivers:
  - name: team
    slack_configs:
      - api_url: '${HOOK}'
        channel: '${CHANNEL}'
    pagerduty_configs:
      - routing_key: '${PD_KEY:-}'
)");
  const std::string original = Parse(Get("/api/v2/status"))["config"]["original"];
  EXPECT_EQ(original.find("SECRETHOOK"), std::string::npos) << original;
  EXPECT_NE(original.find("#ops"), std::string::npos) << original;
  EXPECT_EQ(original.find("pagerduty"), std::string::npos) << original;
  EXPECT_EQ(original.find("notify_resolved_on_mute"), std::string::npos) << original;
  auto again = alerting::LoadConfig(original, "status.yml");
  ASSERT_TRUE(again.ok()) << again.message() << "\n" << original;
  EXPECT_EQ(again->receivers.at(0).slack_configs.at(0).channel, "#ops");
}

}  // namespace
}  // namespace tocsin::alertmanager_api::testing
