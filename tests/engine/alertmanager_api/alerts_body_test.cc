// The two decoders of POST /api/v2/alerts bodies held against each other: the simdjson one
// (alerts_body_plain.cc) must give exactly the full decoder's alerts whenever it gives any, and
// leave every other body, valid or hostile, to the full decoder and its errors.
#include "engine/alertmanager_api/alerts_body.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "engine/alerting/alert.h"
#include "engine/alertmanager_api/api_models.h"

namespace tocsin::alertmanager_api {
namespace {

using alerting::PostableAlert;
using internal::DecodePlainPostableAlerts;
using internal::DecodePostableAlertsFully;

std::string Describe(const std::vector<PostableAlert>& alerts) {
  std::string out;
  for (const PostableAlert& a : alerts) {
    out += "{labels:";
    for (const Label& l : a.labels) out += l.name + "=" + l.value + ",";
    out += " annotations:";
    for (const Label& l : a.annotations) out += l.name + "=" + l.value + ",";
    out += " " + std::to_string(a.starts_at) + ".." + std::to_string(a.ends_at) + " " +
           a.generator_url + "}";
  }
  return out;
}

bool SameAlerts(const std::vector<PostableAlert>& a, const std::vector<PostableAlert>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (!(a[i].labels == b[i].labels) || a[i].annotations != b[i].annotations ||
        a[i].starts_at != b[i].starts_at || a[i].ends_at != b[i].ends_at ||
        a[i].generator_url != b[i].generator_url) {
      return false;
    }
  }
  return true;
}

std::string Outcome(const Decoded<std::vector<PostableAlert>>& d) {
  if (d.error) {
    return std::to_string(d.error->http_status) + " " + std::to_string(d.error->code) + " " +
           d.error->message;
  }
  return "ok " + Describe(d.value);
}

// What DecodePostableAlerts answers must be what the full decoder answers, for every body.
void ExpectAgreement(std::string_view body) {
  const auto full = DecodePostableAlertsFully(body);
  EXPECT_EQ(Outcome(DecodePostableAlerts(body)), Outcome(full)) << body;
  if (auto plain = DecodePlainPostableAlerts(body)) {
    ASSERT_FALSE(full.error) << "the simdjson decoder accepted a body the full one refuses: "
                             << body << " -> " << full.error->message;
    EXPECT_TRUE(SameAlerts(*plain, full.value))
        << body << "\nsimdjson: " << Describe(*plain) << "\nfull:     " << Describe(full.value);
  }
}

const char* const kPrometheusBody = R"([
  {"labels":{"alertname":"HighLatency","component":"api","severity":"critical","instance":"10.0.0.1:9100"},
   "annotations":{"summary":"p99 latency above 2s","runbook_url":"https://runbooks.example/latency"},
   "startsAt":"2024-05-01T12:00:00.123Z","endsAt":"2024-05-01T12:05:00Z",
   "generatorURL":"http://prometheus:9090/graph?g0.expr=histogram_quantile%280.99%29"},
  {"labels":{"alertname":"QueueBacklog","component":"queue"},"annotations":{},
   "startsAt":"2024-05-01T12:00:00+02:00","endsAt":"0001-01-01T00:00:00Z","generatorURL":""}
])";

TEST(AlertsBodyTest, PrometheusBodiesTakeTheSimdjsonPath) {
  const std::vector<std::string> bodies = {
      kPrometheusBody,
      "[]",
      " \n\t[ ]\r\n ",
      R"([{"labels":{}}])",
      R"([{"labels":{"b":"2","a":"1"}}])",  // unsorted
      // Escapes in names, values and field names; non-ASCII as UTF-8 and as \u escapes.
      R"([{"label\u0073":{"a\"b":"c\\d\n\u00e9\ud83d\ude00","é":"ü€𝄞"},"generator\u0055RL":"x\/y"}])",
      R"([{"labels":{"a":"1","a":"2"},"annotations":{"s":"1","s":"2"}}])",  // repeated names
      R"([{"labels":{"a":"1"},"labels":{"b":"2"},"startsAt":"2024-01-01T00:00:00Z","startsAt":"2024-01-02T00:00:00Z"}])",
      R"([{"labels":{"a":""},"annotations":{"":""}}])",
      R"([{"labels":{"a":"\u0000"}}])",
  };
  for (const std::string& body : bodies) {
    EXPECT_TRUE(DecodePlainPostableAlerts(body).has_value()) << body;
    ExpectAgreement(body);
  }
  auto decoded = DecodePostableAlerts(kPrometheusBody);
  ASSERT_FALSE(decoded.error);
  ASSERT_EQ(decoded.value.size(), 2u);
  EXPECT_EQ(decoded.value[0].labels.get("instance"), "10.0.0.1:9100");
  EXPECT_EQ(decoded.value[0].annotations.size(), 2u);
  EXPECT_EQ(decoded.value[0].starts_at, 1714564800123);
  EXPECT_EQ(decoded.value[1].starts_at, 1714557600000);
  EXPECT_EQ(decoded.value[1].ends_at, 0);
}

// Repeated keys as Go's encoding/json decodes them into Alertmanager's LabelSet maps: a repeated
// name's last value wins, and a repeated `labels` object adds to the map the first one made.
TEST(AlertsBodyTest, RepeatedKeysMergeWithTheLastValueWinning) {
  const std::string body =
      R"([{"labels":{"a":"1","b":"x"},"annotations":{"s":"1","s":"2"},"labels":{"a":"2"},)"
      R"("generatorURL":"u1","generatorURL":"u2"}])";
  ASSERT_TRUE(DecodePlainPostableAlerts(body).has_value());
  auto d = DecodePostableAlerts(body);
  ASSERT_FALSE(d.error);
  ASSERT_EQ(d.value.size(), 1u);
  EXPECT_EQ(d.value[0].labels.size(), 2u);
  EXPECT_EQ(d.value[0].labels.get("a"), "2");
  EXPECT_EQ(d.value[0].labels.get("b"), "x");
  ASSERT_EQ(d.value[0].annotations.size(), 1u);
  EXPECT_EQ(d.value[0].annotations[0].value, "2");
  EXPECT_EQ(d.value[0].generator_url, "u2");
  ExpectAgreement(body);
}

TEST(AlertsBodyTest, OtherBodiesGetTheFullDecodersAnswer) {
  const std::vector<std::string> bodies = {
      "",
      "   ",
      "null",
      "{}",
      "\"x\"",
      "[null]",
      "[1]",
      R"(["x"])",
      "[[]]",
      "[true]",
      R"([{"labels":{"a":"b"}}, null])",
      R"([{"labels":null}])",
      R"([{"annotations":{"a":"b"}}])",                          // no labels: 422
      R"([{"labels":{"a":"b"},"extra":{"x":[1,{"y":null}]}}])",  // unknown fields are ignored
      R"([{"labels":{"a":null}}])",
      R"([{"labels":{"a":1}}])",
      R"([{"labels":{"a":1e999999}}])",  // a number too large for a double
      R"([{"labels":{"a":"b"},"x":123456789012345678901234567890}])",
      R"([{"labels":{"a":true}}])",
      R"([{"labels":{"a":["b"]}}])",
      R"([{"labels":{"a":{"b":"c"}}}])",
      R"([{"labels":"a=b"}])",
      R"([{"labels":{"a":"b"},"startsAt":"yesterday"}])",
      R"([{"labels":{"a":"b"},"endsAt":5}])",
      R"([{"labels":{"a":"b"},"endsAt":null}])",
      R"([{"labels":{"a":"b"},"generatorURL":7}])",
      // Malformed JSON: trailing garbage and commas, missing separators, truncation.
      R"([{"labels":{"a":"b"}}] x)",
      R"([{"labels":{"a":"b"}}]])",
      R"([{"labels":{"a":"b"}}][])",
      R"([{"labels":{"a":"b"}},])",
      R"([{"labels":{"a":"b",}}])",
      R"([{"labels":{"a":"b"} "annotations":{}}])",
      R"([{"labels":{"a" "b"}}])",
      R"([{"labels":{"a":"b"}})",
      "[{\"labels\":",
      // Strings JSON forbids: invalid UTF-8, lone surrogates, raw control characters, bad escapes.
      "[{\"labels\":{\"a\":\"\xff\"}}]",
      "[{\"labels\":{\"a\":\"\xc3\"}}]",
      "[{\"labels\":{\"a\":\"\xed\xa0\x80\"}}]",
      R"([{"labels":{"a":"\ud800"}}])",
      R"([{"labels":{"a":"\udc00"}}])",
      R"([{"labels":{"a":"\ud800\u0041"}}])",
      "[{\"labels\":{\"a\":\"x\x01y\"}}]",
      "[{\"labels\":{\"a\":\"x\ny\"}}]",
      R"([{"labels":{"a":"\x"}}])",
      R"([{"labels":{"a":"\u12"}}])",
      std::string("[{\"labels\":{\"a\":\"b\"}}]\0", 24),
  };
  for (const std::string& body : bodies) {
    EXPECT_FALSE(DecodePlainPostableAlerts(body).has_value()) << body;
    ExpectAgreement(body);
  }
  // The messages Alertmanager's server gives for the cases above that tocsin matches exactly.
  // A number beyond a double is refused as nlohmann's overflow (Go would read it as a number
  // and then refuse its type, or ignore it in an unknown field): a 400 either way, left as is.
  auto huge = DecodePostableAlerts(R"([{"labels":{"a":1e999999}}])");
  ASSERT_TRUE(huge.error);
  EXPECT_EQ(huge.error->message,
            "parsing alerts body from \"\" failed, because number overflow parsing '1e999999'");
  EXPECT_EQ(
      DecodePostableAlerts("[1]").error->message,
      "parsing alerts body from \"\" failed, because json: cannot unmarshal number into Go "
      "value of type struct { Annotations models.LabelSet \"json:\\\"annotations,omitempty\\\"\"; "
      "EndsAt strfmt.DateTime \"json:\\\"endsAt,omitempty\\\"\"; StartsAt strfmt.DateTime "
      "\"json:\\\"startsAt,omitempty\\\"\" }");
  EXPECT_EQ(DecodePostableAlerts(R"([{"labels":{"a":"b"}},{"annotations":{}}])").error->message,
            "1.labels in body is required");
  auto extra = DecodePostableAlerts(R"([{"labels":{"a":"b"},"extra":{"x":[1,{"y":null}]}}])");
  ASSERT_FALSE(extra.error);
  EXPECT_EQ(extra.value.size(), 1u);
  // Go's decoder reads the first value only: what follows it is never looked at.
  auto trailing = DecodePostableAlerts(R"([{"labels":{"a":"b"}}] x)");
  ASSERT_FALSE(trailing.error) << trailing.error->message;
  EXPECT_EQ(trailing.value.size(), 1u);
  // Go reads bytes that are not UTF-8 and lone surrogates as U+FFFD.
  for (const char* odd : {"[{\"labels\":{\"a\":\"\xff\"}}]", R"([{"labels":{"a":"\ud800"}}])"}) {
    auto d = DecodePostableAlerts(odd);
    ASSERT_FALSE(d.error) << odd << ": " << d.error->message;
    ASSERT_EQ(d.value.size(), 1u);
    EXPECT_EQ(d.value[0].labels, (Labels{{"a", "\xef\xbf\xbd"}})) << odd;
  }
}

TEST(AlertsBodyTest, DeepNestingIsRefusedOrSkippedWithoutCrashing) {
  for (int depth : {100, 10000, 200000}) {
    const std::string open(depth, '['), close(depth, ']');
    ExpectAgreement(open + close);
    ExpectAgreement(open);
    ExpectAgreement(R"([{"labels":{"a":"b"},"x":)" + open + close + "}]");
    ExpectAgreement(R"([{"labels":{"a":)" + open + close + "}}]");
  }
}

TEST(AlertsBodyTest, LargeBodiesDecodeAsSmallOnes) {
  // Above the size whose buffers the server thread keeps between requests (64 KiB).
  std::string body = "[";
  for (int i = 0; i < 3000; ++i) {
    if (i > 0) body += ",";
    body += R"({"labels":{"alertname":"A)" + std::to_string(i) + R"(","instance":"host-)" +
            std::to_string(i) +
            R"(:9100"},"annotations":{"summary":"a summary long enough to make the body large"},)"
            R"("startsAt":"2024-05-01T12:00:00Z","endsAt":"2024-05-01T12:05:00Z"})";
  }
  body += "]";
  ASSERT_GT(body.size(), 64u * 1024);
  auto plain = DecodePlainPostableAlerts(body);
  ASSERT_TRUE(plain.has_value());
  EXPECT_EQ(plain->size(), 3000u);
  ExpectAgreement(body);
  ExpectAgreement(kPrometheusBody);  // and the reused buffers still work after it
}

TEST(AlertsBodyTest, ThreadsDecodeIndependently) {
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &failures] {
      const auto expected = DecodePostableAlertsFully(kPrometheusBody).value;
      for (int i = 0; i < 200; ++i) {
        auto plain = DecodePlainPostableAlerts(kPrometheusBody);
        if (!plain || !SameAlerts(*plain, expected)) ++failures[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

// Random damage to a body Prometheus could send: whatever it turns into, the simdjson decoder
// accepts it only if the full decoder does, with the same alerts.
TEST(AlertsBodyTest, DamagedBodiesNeverMakeTheDecodersDisagree) {
  const std::string base =
      R"([{"labels":{"alertname":"A","a\"b":"\u00e9\ud83d\ude00","sev":"x"},"annotations":{"s":"t\n"},)"
      R"("startsAt":"2024-05-01T12:00:00Z","endsAt":"2024-05-01T12:05:00.5Z","generatorURL":"u"},)"
      R"({"labels":{"b":"c"}}])";
  const std::string alphabet = "[]{}:,\"\\ u0123456789abcdefntrTZ.-+\xc3\xa9\xff\x01";
  std::mt19937 rng(20240501);
  int accepted = 0;
  for (int i = 0; i < 4000; ++i) {
    std::string body = base;
    const int edits = 1 + static_cast<int>(rng() % 3);
    for (int e = 0; e < edits && !body.empty(); ++e) {
      const size_t at = rng() % body.size();
      switch (rng() % 4) {
        case 0:
          body.erase(at, 1 + rng() % 3);
          break;
        case 1:
          body.insert(at, 1, alphabet[rng() % alphabet.size()]);
          break;
        case 2:
          body[at] = alphabet[rng() % alphabet.size()];
          break;
        default:
          body.insert(at, body.substr(rng() % body.size(), 1 + rng() % 12));
          break;
      }
    }
    if (DecodePlainPostableAlerts(body)) ++accepted;
    ExpectAgreement(body);
    if (HasFailure()) {
      ADD_FAILURE() << "stopped at mutation " << i;
      return;
    }
  }
  // Some damage leaves a body Prometheus could have sent (a changed letter in a value).
  EXPECT_GT(accepted, 100);
}

}  // namespace
}  // namespace tocsin::alertmanager_api
